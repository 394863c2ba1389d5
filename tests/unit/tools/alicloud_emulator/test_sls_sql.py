"""The emulator's SQL subset after `|` (tools/alicloud_emulator/sls_sql_parse.py, sls_sql_eval.py) through
LogData.execute: values, boundaries and the service's error texts."""
import pytest
from aliyun.log.log_logs_pb2 import LogGroup

from tools.alicloud_emulator.sls_logs import LogData
from tools.alicloud_emulator.sls_signing import SlsError
from tools.alicloud_emulator.sls_sql_eval import DEFAULT_LIMIT, Ts, text
from tools.alicloud_emulator.sls_sql_parse import parse_sql

NOW = 10000.0
INDEX = {'line': {'token': [' ']},
         'keys': {'host': {'type': 'text', 'token': [' '], 'doc_value': True},
                  'sev': {'type': 'long', 'doc_value': True},
                  'ms': {'type': 'double', 'doc_value': True},
                  'msg': {'type': 'text', 'token': [' ']},                 # no analytics
                  '__tag__:__hostname__': {'type': 'text', 'token': [' '], 'doc_value': True}}}


def _data(rows, tag='tagged'):
    """rows: [(time, {key: value})]."""
    data = LogData(index_delay=0, clock=lambda: NOW)
    data.create_index('p', 's', INDEX)
    group = LogGroup()
    if tag:
        group.LogTags.add(Key='__hostname__', Value=tag)
    for when, contents in rows:
        log = group.Logs.add(Time=when)
        for key, value in contents.items():
            log.Contents.add(Key=key, Value=value)
    data.put('p', 's', group, '10.0.0.1')
    return data


LOGS = [(9000, {'host': 'a', 'sev': '3', 'ms': '1.5'}), (9001, {'host': 'a', 'sev': '3', 'ms': '2.5'}),
        (9002, {'host': 'a', 'sev': '3'}), (9003, {'host': 'b', 'sev': '3', 'ms': '4'}),
        (9004, {'host': 'b', 'sev': '6', 'msg': 'x'}), (9005, {'host': 'c', 'sev': '2'})]


def sql(query, logs=LOGS, start=0, end=20000):
    rows, _, has_sql = _data(logs).execute('p', 's', query, start, end)
    assert has_sql
    return rows


def error(query, logs=LOGS):
    with pytest.raises(SlsError) as caught:
        _data(logs).execute('p', 's', query, 0, 20000)
    assert caught.value.status == 400 and caught.value.code == 'ParameterInvalid'
    return caught.value.message


def test_host_silent_query():
    rows = sql('* | select host, max(__time__) as last_seen, cast(to_unixtime(now()) - max(__time__) as bigint) '
               'as silent_s group by host order by silent_s')
    assert rows == [{'host': 'c', 'last_seen': '9005', 'silent_s': '995'},
                    {'host': 'b', 'last_seen': '9004', 'silent_s': '996'},
                    {'host': 'a', 'last_seen': '9002', 'silent_s': '998'}]


def test_error_burst_query_having_boundary_and_order():
    query = 'sev: 3 | select host as h, count(*) as errors group by h having count(*) > %d order by errors desc'
    assert sql(query % 0) == [{'h': 'a', 'errors': '3'}, {'h': 'b', 'errors': '1'}]
    assert sql(query % 2) == [{'h': 'a', 'errors': '3'}]   # 3 > 2
    assert sql(query % 3) == []                              # 3 > 3 is false
    assert sql(query % 0 + ' limit 1') == [{'h': 'a', 'errors': '3'}]


def test_aggregates_and_empty_windows():
    assert sql('* | select count(*) as c, count(ms) as m, count(distinct host) as h, approx_distinct(sev) as d, '
               'sum(sev) as s, avg(ms) as a, min(host) as lo, max(ms) as hi') == \
        [{'c': '6', 'm': '3', 'h': '3', 'd': '3', 's': '20', 'a': '2.6666666666666665', 'lo': 'a', 'hi': '4.0'}]
    assert sql('* | select count(*) as c, max(__time__) as t, sum(sev) as s', start=0, end=9000) == \
        [{'c': '0', 't': 'null', 's': 'null'}]
    assert sql('* | select host, count(*) as c group by host', start=0, end=9000) == []
    assert sql('* | select count(*) as c', start=9000, end=9001) == [{'c': '1'}]  # [from, to)


def test_search_part_filters_before_sql_and_where_clause():
    assert sql('sev: 6 | select count(*) as c') == [{'c': '1'}]
    rows = sql("* | select __time__ where host in ('b', 'c') and not sev = 6")
    assert rows == [{'__time__': '9003'}, {'__time__': '9005'}]
    assert sql("* | select count(*) as c where host like 'b%' or sev between 2 and 2") == [{'c': '3'}]
    assert sql('* | select count(*) as c where ms is null') == [{'c': '3'}]
    assert sql('* | select count(*) as c where sev >= 3 and sev <> 6') == [{'c': '4'}]


def test_group_by_ordinal_alias_tag_and_order_nulls_last():
    assert sql('* | select "__tag__:__hostname__" as t, count(1) as n group by 1') == [{'t': 'tagged', 'n': '6'}]
    rows = sql('* | select host, max(ms) as top from log group by host order by top desc, host')
    assert rows == [{'host': 'b', 'top': '4.0'}, {'host': 'a', 'top': '2.5'}, {'host': 'c', 'top': 'null'}]
    assert sql('* | select host, count(*) group by host order by 2 desc, 1 limit 1, 1') == \
        [{'host': 'b', '_col1': '2'}]


def test_scalars_arithmetic_and_casts():
    row = sql('* | select now() as n, current_timestamp as c, to_unixtime(now()) as u, from_unixtime(0) as z, '
              '7 / 2 as q, -7 / 2 as nq, 7 % 3 as r, 7.0 / 2 as f, cast(2.5 as bigint) as up, '
              "cast(-2.5 as bigint) as down, cast('12' as bigint) + 1 as parsed, cast(3 as varchar) as v, "
              "cast(3 as double) as d, 1 = 1 as yes limit 1")[0]
    assert row == {'n': '1970-01-01 02:46:40.000', 'c': '1970-01-01 02:46:40.000', 'u': '10000.0',
                   'z': '1970-01-01 00:00:00.000', 'q': '3', 'nq': '-3', 'r': '1', 'f': '3.5', 'up': '3',
                   'down': '-3', 'parsed': '13', 'v': '3', 'd': '3.0', 'yes': 'true'}
    assert text(None) == 'null' and text(Ts(1.5)) == '1970-01-01 00:00:01.500'


def test_default_limit_is_100_rows():
    many = [(9000, {'host': 'h%03d' % n, 'sev': '1'}) for n in range(150)]
    assert DEFAULT_LIMIT == 100
    assert len(sql('* | select host group by host', many)) == 100
    assert len(sql('* | select host group by host limit 101', many)) == 101
    assert len(sql('* | select __time__', many)) == 100
    assert len(sql('* | select __time__ limit 1000000', many)) == 150      # the upper bounds are accepted
    assert len(sql('* | select __time__ limit 140, 10000', many)) == 10
    assert len(sql('* | select __time__ limit 990000, 10000', many)) == 0


def test_plain_search_rows_and_has_sql_false():
    rows, scanned, has_sql = _data(LOGS).execute('p', 's', 'sev: 6', 0, 20000, append_meta=True)
    assert not has_sql and scanned == 6 and [r['host'] for r in rows] == ['b']
    assert rows[0]['__tag__:__hostname__'] == 'tagged' and rows[0]['__tag__:__client_ip__'] == '10.0.0.1'


@pytest.mark.parametrize('query, message', [
    ('* | select msg', "line 1:8: Column 'msg' cannot be resolved;please add the column in the index attribute"),
    ('* | select nosuch', "Column 'nosuch' cannot be resolved"),
    ('* | select count(*) as c where c > 1', "Column 'c' cannot be resolved"),  # aliases not in WHERE
    ('* | select "__tag__:other"', "Column '__tag__:other' cannot be resolved"),
    ('* | select __source__', "Column '__source__' cannot be resolved"),        # stricter: only __time__ is free
    ('* | select frobnicate(host)', "line 1:8: Function 'frobnicate' not registered"),
    ('* | select host, count(*)', "line 1:8: Column 'host' not in GROUP BY clause"),
    ('* | select sev, count(*) group by host', "Column 'sev' not in GROUP BY clause"),
    ('* | select max(count(*))', 'Cannot nest aggregations'),
    ('* | select sum(*)', 'Unexpected parameters for function sum'),
    ('* | select host group by 2', 'position 2 is not in the select list'),
    ('* | selec host', "line 1:1: mismatched input 'selec'. Expecting: select"),
    ('* | select host where', "line 1:18: mismatched input '<EOF>'"),
    ('* | select (host', "line 1:13: mismatched input '<EOF>'. Expecting: )"),
    ('* | select host ; 1', "line 1:13: syntax error at ';'"),
    ('* | select cast(host as blob)', 'Unknown type: blob'),
    ('* | select sev / 0', 'Division by zero'),
    ("* | select count(*) where host > 1", 'Cannot apply operator'),
    ('* |  ', 'an analytic statement must follow |'),
    ('* | select host limit 1000001', 'LIMIT out of range'),
    ('* | select host limit 1, 10001', 'LIMIT out of range'),
    ('* | select host limit 990001, 10000', 'LIMIT out of range'),
    ('* | select host limit 1.5', 'LIMIT takes a whole number'),
])
def test_errors(query, message):
    assert message in error(query)


def test_errors_come_before_searching_an_empty_window():
    data = _data([])
    with pytest.raises(SlsError, match="Column 'nosuch' cannot be resolved"):
        data.execute('p', 's', '* | select nosuch', 0, 1)


def test_parse_shape():
    stmt = parse_sql('SELECT a AS x, count(DISTINCT "b:c") FROM log WHERE a = \'it\'\'s\' GROUP BY x '
                     'ORDER BY 2 DESC LIMIT 5')
    assert stmt['items'][1][0][:4] == ('call', 'count', [('col', 'b:c', 31)], True)
    assert stmt['where'][3] == ('lit', "it's") and stmt['limit'] == 5 and stmt['order'][0][1] is True
