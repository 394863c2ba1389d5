"""The official aliyun-log-python-sdk, unchanged, runs `search | SQL` GetLogs queries against the emulator (the SQL
subset of tools/alicloud_emulator/sls_sql_*.py): the alarm queries of issue 23, values as strings, and errors."""
import time

import pytest
from aliyun.log import GetLogsRequest, IndexConfig, LogException, LogItem, PutLogsRequest

from tests.support.sls_emulator import sls_emulator, sls_emulator_server  # noqa: F401 pylint: disable=unused-import
from tests.integration.test_sls_emulator import _client

PROJECT, STORE = 'proj-sql', 'syslog'
INDEX = {'line': {'token': [' ', ',', ':']},
         'keys': {'_hostname_': {'type': 'text', 'token': [' '], 'doc_value': True},
                  '_severity_': {'type': 'long', 'doc_value': True},
                  '_program_': {'type': 'text', 'token': [' ']},  # searchable, but no analytics
                  '__tag__:__hostname__': {'type': 'text', 'token': [' '], 'doc_value': True}}}


@pytest.fixture
def store(sls_emulator):  # noqa: F811
    client = _client(sls_emulator)
    client.create_project(PROJECT, 'sql')
    client.create_logstore(PROJECT, STORE, ttl=7)
    config = IndexConfig()
    config.from_json(INDEX)
    client.create_index(PROJECT, STORE, config)
    return client


def _put(client, lines, when):
    items = [LogItem(timestamp=when + n,
                     contents=[('_hostname_', host), ('_severity_', str(severity)), ('_program_', 'app')])
             for n, (host, severity) in enumerate(lines)]
    client.put_logs(PutLogsRequest(PROJECT, STORE, '', '', items, logtags=[('__hostname__', 'tagged')]))


def _sql(client, query, start, end):
    response = client.get_log(PROJECT, STORE, start, end, query=query)  # get_log repeats until Complete
    assert response.is_completed()
    return [log.get_contents() for log in response.get_logs()]


def test_alarm_queries_through_the_sdk(store):
    now = int(time.time())
    _put(store, [('web-1', 3), ('web-1', 3), ('web-1', 3), ('web-2', 3), ('web-2', 6)], now - 30)
    rows = _sql(store, '* | select _hostname_ as host, max(__time__) as last_seen, cast(to_unixtime(now()) - '
                       'max(__time__) as bigint) as silent_s group by host order by host', now - 300, now + 60)
    assert [(r['host'], r['last_seen']) for r in rows] == [('web-1', str(now - 28)), ('web-2', str(now - 26))]
    assert all(isinstance(v, str) for r in rows for v in r.values())
    assert 25 <= int(rows[1]['silent_s']) <= 40
    rows = _sql(store, '_severity_: 3 | select _hostname_ as host, count(*) as errors group by host '
                       'having count(*) > 2 order by errors desc limit 10', now - 300, now + 60)
    assert rows == [{'host': 'web-1', 'errors': '3'}]
    assert _sql(store, '* | select count(*) as c, count(distinct _hostname_) as hosts', now - 300, now + 60) == \
        [{'c': '5', 'hosts': '2'}]
    assert _sql(store, '* | select "__tag__:__hostname__" as tag, count(1) as n group by 1', now - 300, now) == \
        [{'tag': 'tagged', 'n': '5'}]
    # An empty window: count answers one row "0"; group by answers no rows.
    assert _sql(store, '* | select count(*) as c', now - 1000, now - 900) == [{'c': '0'}]
    assert _sql(store, '* | select _hostname_, count(*) as c group by _hostname_', now - 1000, now - 900) == []


def test_v2_meta_and_default_limit(store):
    now = int(time.time())
    _put(store, [('host-%03d' % n, 6) for n in range(150)], now - 200)
    response = store.get_logs(GetLogsRequest(PROJECT, STORE, now - 300, now + 60,
                                             query='_severity_: 6 | select _hostname_ as h, count(*) c group by h'))
    for _ in range(5):
        if response.is_completed():
            break
        response = store.get_logs(GetLogsRequest(PROJECT, STORE, now - 300, now + 60,
                                                 query='_severity_: 6 | select _hostname_ as h, count(*) c '
                                                       'group by h'))
    assert response.is_completed() and response.get_count() == 100  # no LIMIT: 100 rows, as the service
    meta = response.body['meta']
    assert meta['hasSQL'] is True and meta['aggQuery'] == 'select _hostname_ as h, count(*) c group by h'
    assert meta['whereQuery'] == '_severity_: 6' and meta['keys'] == ['h', 'c']
    assert len(_sql(store, '* | select _hostname_ as h group by h limit 120', now - 300, now + 60)) == 120


@pytest.mark.parametrize('query, message', [
    ('* | select _program_', "Column '_program_' cannot be resolved"),      # index without doc_value
    ('* | select nosuch', "Column 'nosuch' cannot be resolved"),
    ('* | select nosuch_fn(1)', "Function 'nosuch_fn' not registered"),
    ('* | select count(*) from', "line 1:21: mismatched input '<EOF>'"),
    ('* | select _hostname_, count(*)', "Column '_hostname_' not in GROUP BY clause"),
])
def test_errors_are_400_parameter_invalid(store, query, message):
    now = int(time.time())
    with pytest.raises(LogException) as caught:
        store.get_log(PROJECT, STORE, now - 60, now, query=query)
    assert caught.value.get_error_code() == 'ParameterInvalid' and message in caught.value.get_error_message()
