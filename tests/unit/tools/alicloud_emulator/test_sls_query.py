"""The emulator's Log Service query subset (tools/alicloud_emulator/sls_query.py) on plain dicts."""
import pytest

from tools.alicloud_emulator.sls_query import check_against_index, matches, parse_query, split_tokens
from tools.alicloud_emulator.sls_signing import SlsError

INDEX = {'line': {'token': [' ', ',', ':', '='], 'caseSensitive': False},
         'keys': {'host': {'type': 'text', 'token': [' ', '.']},
                  'level': {'type': 'text', 'token': [' '], 'caseSensitive': True}}}


def log(**contents):
    return {'contents': list(contents.items())}


def hit(query, entry, index=INDEX):
    tree = parse_query(query)
    check_against_index(tree, index)
    return matches(tree, entry, index)


@pytest.mark.parametrize('query, tree', [
    ('', ('all',)), ('*', ('all',)), ('  ', ('all',)),
    ('a', ('text', 'a', False)),
    ('a b', ('and', ('text', 'a', False), ('text', 'b', False))),
    ('a OR b and c', ('or', ('text', 'a', False), ('and', ('text', 'b', False), ('text', 'c', False)))),
    ('a not b', ('and', ('text', 'a', False), ('not', ('text', 'b', False)))),
    ('NOT (a or b)', ('not', ('or', ('text', 'a', False), ('text', 'b', False)))),
    ('host: web.1', ('field', 'host', 'web.1', False)),
    ('host:"a b"', ('field', 'host', 'a b', True)),
    ('"and"', ('text', 'and', True)),
    ('x | select count(*)'.split('|')[0], ('text', 'x', False)),
])
def test_parse(query, tree):
    assert parse_query(query) == tree


@pytest.mark.parametrize('query', ['(a', 'a)', 'a or', 'not', 'host:', ': x', 'a | select 1', '"open'])
def test_syntax_errors_are_parameter_invalid(query):
    with pytest.raises(SlsError) as err:
        parse_query(query)
    assert err.value.code == 'ParameterInvalid' and err.value.status == 400


def test_tokens_follow_the_index_delimiters_and_case():
    assert split_tokens('Disk FULL,on=/dev/sda', [' ', ',', '='], False) == ['disk', 'full', 'on', '/dev/sda']
    assert split_tokens('a-b', [], True) == ['a-b']
    entry = log(host='web.01.example', content='Disk full on=sda', level='ERROR')
    assert hit('disk', entry) and hit('DISK', entry) and not hit('dis', entry) and hit('dis*', entry)
    assert hit('"disk full"', entry) and not hit('"full disk"', entry)
    assert hit('host: web', entry) and hit('host: 01', entry) and not hit('host: web.02', entry)
    assert hit('level: ERROR', entry) and not hit('level: error', entry)  # caseSensitive field
    assert hit('host: *', entry) and not hit('program: *', dict(entry), dict(INDEX, keys=dict(
        INDEX['keys'], program={'type': 'text', 'token': [' ']})))
    assert hit('sda and not host: db or nothing', entry)
    assert not hit('nothing', entry) and hit('*', entry) and hit('not nothing', entry)


def test_queries_need_the_matching_index():
    with pytest.raises(SlsError, match=r'key \(program\) is not config'):
        hit('program: sshd', log(program='sshd'))
    with pytest.raises(SlsError, match='full text index'):
        hit('sshd', log(host='x'), {'keys': INDEX['keys']})
    assert hit('host: x', log(host='x'), {'keys': INDEX['keys']})
