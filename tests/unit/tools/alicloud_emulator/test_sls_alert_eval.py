"""The alert evaluate-expression language [D7] and severity / group evaluation (sls_alert_eval.py)."""
import pytest

from tools.alicloud_emulator.sls_alert_eval import (
    ExpressionError, evaluate, group_label, group_rows, match_severity, parse_expression, render)


@pytest.mark.parametrize('expr, row, expected', [
    ('cnt > 0', {'cnt': '1'}, True),
    ('cnt > 0', {'cnt': '0'}, False),
    ('cnt >= 10', {'cnt': '10'}, True),
    ('cnt >= 10', {'cnt': '9.999'}, False),
    ('cnt < 10', {'cnt': '9'}, True),
    ('cnt <= 10', {'cnt': '10.0'}, True),
    ('cnt == 10', {'cnt': '1e1'}, True),            # float64, not text: '1e1' == 10
    ('cnt != 10', {'cnt': '10'}, False),
    ('a > b', {'a': '10', 'b': '9'}, True),          # numeric columns compare as numbers, not as text
    ('silent_s > 300', {'silent_s': '301'}, True),
    ('silent_s > 300', {'silent_s': '300'}, False),
    ('[5xx%] > 20', {'5xx%': '21'}, True),
    ('[__tag__:__hostname__] == "web-1"', {'__tag__:__hostname__': 'web-1'}, True),
    ('host == "web-1"', {'host': 'web-2'}, False),
    ("host == 'web-1'", {'host': 'web-1'}, True),
    ('host != "web-1"', {'host': 'web-2'}, True),
    ('a + b * 2 > 10', {'a': '1', 'b': '5'}, True),  # precedence: 1 + 10
    ('(a + b) * 2 > 10', {'a': '1', 'b': '4'}, False),
    ('a % 3 == 1', {'a': '7'}, True),
    ('a / 4 == 2.5', {'a': '10'}, True),
    ('a - 5 < (-1)', {'a': '3'}, True),
    ('a > 1 && b > 1', {'a': '2', 'b': '1'}, False),
    ('a > 1 || b > 1', {'a': '2', 'b': '1'}, True),
    ('!(a > 1)', {'a': '2'}, False),
    ('!(a > 1) || b == 1', {'a': '2', 'b': '1'}, True),
    ('a > 1 || b > 1 && c > 1', {'a': '2', 'b': '0', 'c': '0'}, True),   # && binds tighter
    ('missing > 1', {'a': '2'}, False),
    ('!(missing > 1)', {'a': '2'}, False),          # undecidable stays false, negated or not
    ('host > 1', {'host': 'web'}, False),           # text vs number: false
    ('a / 0 > 1', {'a': '1'}, False),
    ('__count__ > 10', {'__count__': 11.0}, True),
    ('__count__ > 10', {'__count__': 10.0}, False),
])
def test_expressions(expr, row, expected):
    assert evaluate(expr, row) is expected


@pytest.mark.parametrize('expr', [
    '', 'cnt >', 'cnt > > 1', '(cnt > 1', 'cnt > 1)', 'cnt > -1', 'true', 'x == false', '$cnt > 1',
    'a.b > 1', 'a > 1 > 0', 'x' * 129, 'cnt # 1', 'a = 1',
])
def test_invalid_expressions(expr):
    with pytest.raises(ExpressionError):
        parse_expression(expr)


def test_length_limit_is_128():
    parse_expression('a' * 124 + ' > 1')   # 128 characters
    with pytest.raises(ExpressionError):
        parse_expression('a' * 125 + ' > 1')


def sev(severity, condition='', count=''):
    return {'severity': severity, 'evalCondition': {'condition': condition, 'countCondition': count}}


def test_first_matching_severity_wins_in_order():
    rows = [{'cnt': '5'}, {'cnt': '50'}]
    assert match_severity(rows, [sev(10, 'cnt > 100'), sev(8, 'cnt > 10'), sev(6, 'cnt > 1')]) == (8, [rows[1]])
    assert match_severity(rows, [sev(6, 'cnt > 1'), sev(8, 'cnt > 10')]) == (6, rows)
    assert match_severity(rows, [sev(10, 'cnt > 100')]) == (None, [])


def test_count_condition_counts_matching_rows():
    rows = [{'v': str(i)} for i in range(12)]
    assert match_severity(rows, [sev(8, 'v >= 2', '__count__ > 10')])[0] is None   # 10 rows match
    assert match_severity(rows, [sev(8, 'v >= 1', '__count__ > 10')])[0] == 8      # 11 rows match
    assert match_severity(rows, [sev(4, '', '__count__ == 12')])[0] == 4
    # "data is returned": both empty -> any row fires, no row does not
    assert match_severity(rows, [sev(2)])[0] == 2
    assert match_severity([], [sev(2)]) == (None, [])


def test_only_the_first_100_rows_are_checked():
    rows = [{'v': '0'}] * 100 + [{'v': '1'}]
    assert match_severity(rows, [sev(8, 'v > 0')]) == (None, [])


def test_group_rows():
    rows = [{'host': 'a', 'n': '1'}, {'host': 'b', 'n': '2'}, {'host': 'a', 'n': '3'}, {'n': '4'}]
    groups = group_rows(rows, {'type': 'custom', 'fields': ['host']})
    assert groups[(('host', 'a'),)] == [rows[0], rows[2]]
    assert groups[(('host', ''),)] == [rows[3]]
    assert len(groups) == 3
    assert group_rows(rows, {'type': 'no_group'}) == {(): rows}
    assert group_label((('host', 'a'), ('app', 'x'))) == 'host=a,app=x' and group_label(()) == ''
    many = [{'host': str(i)} for i in range(150)]
    assert len(group_rows(many, {'type': 'custom', 'fields': ['host']})) == 100


def test_render_annotations():
    assert render('${host} silent for ${silent_s}s', {'host': 'web-1', 'silent_s': '420'}) == \
        'web-1 silent for 420s'
    assert render('${host} ${nope}', None, (('host', 'web-2'),)) == 'web-2 ${nope}'
