"""The official aliyun-log-python-sdk, unchanged, against the emulator's Log Service data plane: PutLogs (lz4,
deflate, uncompressed), GetLogs (v2 POST and v1 GET), GetHistograms, index calls, ListMachines, heartbeats."""
import json
import time
import zlib
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from aliyun.log import GetHistogramsRequest, GetLogsRequest, IndexConfig, LogException, LogItem, PutLogsRequest
from aliyun.log.log_logs_pb2 import LogGroup

from tests.support.sls_emulator import SLS_KEY_ID, SLS_KEY_SECRET, sls_emulator, sls_emulator_server  # noqa: F401
from tests.integration.test_sls_emulator import _client
from tools.alicloud_emulator import DEFAULT_ACCOUNT_ALIUID

PROJECT, STORE = 'proj-data', 'syslog'
INDEX = {'line': {'token': [' ', ',', ';', '=', '[', ']', ':', '\t'], 'caseSensitive': False},
         'keys': {'hostname': {'type': 'text', 'token': [' ', '.'], 'caseSensitive': False, 'doc_value': True},
                  'program': {'type': 'text', 'token': [' '], 'caseSensitive': False, 'doc_value': True}}}


def _index():
    config = IndexConfig()
    config.from_json(INDEX)
    return config


@pytest.fixture
def store(sls_emulator):
    client = _client(sls_emulator)
    client.create_project(PROJECT, 'data plane')
    client.create_logstore(PROJECT, STORE, ttl=7, append_meta=True)
    return client


def _put(client, lines, when=None, compress_type='lz4', compress=None):
    items = []
    for host, program, message in lines:
        item = LogItem(timestamp=when or int(time.time()),
                       contents=[('hostname', host), ('program', program), ('content', message)])
        items.append(item)
    request = PutLogsRequest(PROJECT, STORE, 'syslog', '', items, compress=compress)
    request.set_compress_type(compress_type)
    return client.put_logs(request)


def _search(client, query, start, end, **kwargs):
    return client.get_logs(GetLogsRequest(PROJECT, STORE, start, end, query=query, **kwargs))


def test_index_then_put_then_search_with_the_query_subset(store):
    now = int(time.time())
    store.create_index(PROJECT, STORE, _index())  # an index covers logs received after it (index_delay=0 here)
    _put(store, [('web-1', 'sshd', 'Accepted publickey for admin'), ('web-2', 'cron', 'job started'),
                 ('db-1', 'sshd', 'Failed password for root')], when=now - 5)

    def hosts(query, **kwargs):
        response = _search(store, query, now - 60, now + 60, **kwargs)
        assert response.is_completed()
        return [log.get_contents()['hostname'] for log in response.get_logs()]

    assert hosts('*') == ['web-1', 'web-2', 'db-1']
    assert hosts('sshd') == ['web-1', 'db-1']
    assert hosts('program: sshd and not failed') == ['web-1']
    assert hosts('hostname: web-2 OR root') == ['web-2', 'db-1']
    assert hosts('accept*') == ['web-1']
    assert hosts('"password for"') == ['db-1']
    assert hosts('(cron or failed) and hostname: db*') == ['db-1']
    assert hosts('hostname: db') == []  # '-' is no delimiter of this field
    assert hosts('*', reverse=True, offset=1, line=1) == ['web-2']
    assert hosts('nothing-like-this') == []
    assert hosts('*', topic='syslog') == ['web-1', 'web-2', 'db-1'] and hosts('*', topic='other') == []
    # The window is [from, to): the lines were written 5 s ago.
    assert _search(store, '*', now - 4, now + 60).get_count() == 0

    logs = _search(store, 'web-1', now - 60, now + 60).get_logs()
    contents = logs[0].get_contents()
    assert contents['content'] == 'Accepted publickey for admin' and contents['__topic__'] == 'syslog'
    assert abs(int(contents['__tag__:__receive_time__']) - now) <= 5  # appendMeta logstore

    histograms = store.get_histograms(GetHistogramsRequest(PROJECT, STORE, now - 60, now + 60, query='sshd'))
    assert histograms.is_completed() and histograms.get_total_count() == 2
    assert sum(h.get_count() for h in histograms.get_histograms()) == 2
    assert histograms.get_histograms()[0].get_from() == now - 60


def test_get_log_v1_get_log_all_and_key_without_index(store):
    now = int(time.time())
    store.create_index(PROJECT, STORE, _index())
    _put(store, [('h%03d' % i, 'app', 'line %d' % i) for i in range(250)], when=now - 1)
    store._get_logs_v2_enabled = False  # the SDK's older GET /logstores/{name}?type=log path
    assert store.get_log(PROJECT, STORE, now - 10, now + 10, query='app', size=30).get_count() == 30
    store._get_logs_v2_enabled = True
    pages = list(store.get_log_all(PROJECT, STORE, now - 10, now + 10, query='app'))
    assert [p.get_count() for p in pages] == [100, 100, 50, 0]
    assert store.get_log(PROJECT, STORE, now - 10, now + 10, query='app', size=-1).get_count() == 250
    with pytest.raises(LogException) as err:
        _search(store, 'missing_key: x', now - 10, now + 10)
    assert err.value.get_error_code() == 'ParameterInvalid' and 'missing_key' in err.value.get_error_message()


def test_no_index_is_the_real_error_and_index_lifecycle(store):
    now = int(time.time())
    _put(store, [('web-1', 'sshd', 'hello')])
    with pytest.raises(LogException) as err:
        _search(store, 'hello', now - 60, now + 60)
    assert (err.value.resp_status, err.value.get_error_code(), err.value.get_error_message()) == \
        (400, 'IndexConfigNotExist', 'logstore without index config')
    with pytest.raises(LogException) as err:
        store.get_index_config(PROJECT, STORE)
    assert err.value.get_error_code() == 'IndexConfigNotExist'

    # An index takes effect from the whole second it is written (lastModifyTime + index_delay): write it in the
    # next second, so that the log above was received before.
    time.sleep(1.01 - time.time() % 1)
    store.create_index(PROJECT, STORE, _index())
    with pytest.raises(LogException) as err:
        store.create_index(PROJECT, STORE, _index())
    assert err.value.get_error_code() == 'IndexAlreadyExist'
    got = store.get_index_config(PROJECT, STORE).get_index_config().to_json()
    assert sorted(got['keys']) == ['hostname', 'program'] and got['line']['token'] == INDEX['line']['token']
    # An index covers only logs received after it takes effect: the log put before it is never found.
    assert _search(store, 'hello', now - 60, now + 60).get_count() == 0
    _put(store, [('web-2', 'sshd', 'hello again')])
    assert [log.get_contents()['hostname'] for log in _search(store, 'hello', now - 60, now + 60).get_logs()] == \
        ['web-2']

    smaller = IndexConfig()
    smaller.from_json({'keys': {'hostname': INDEX['keys']['hostname']}})
    store.update_index(PROJECT, STORE, smaller)
    assert 'line' not in store.get_index_config(PROJECT, STORE).get_index_config().to_json()
    with pytest.raises(LogException) as err:
        _search(store, 'hello', now - 60, now + 60)
    assert err.value.get_error_code() == 'ParameterInvalid'
    store.delete_index(PROJECT, STORE)
    with pytest.raises(LogException) as err:
        store.delete_index(PROJECT, STORE)
    assert err.value.get_error_code() == 'IndexConfigNotExist'


def test_put_logs_compressions_and_errors(store, sls_emulator):
    store.create_index(PROJECT, STORE, _index())
    now = int(time.time())
    _put(store, [('lz4-host', 'a', 'via lz4')])
    _put(store, [('plain-host', 'a', 'uncompressed')], compress=False)
    _put(_client(sls_emulator, auth_version='v4', region='cn-hangzhou'), [('v4-host', 'a', 'signed with v4')])
    # aliyun-log-python-sdk 0.9.52 only sends lz4 or zstd; deflate still goes through its own signed _send.
    group = LogGroup(Topic='t')
    log = group.Logs.add(Time=now)
    log.Contents.add(Key='hostname', Value=b'deflate-host')
    raw = group.SerializeToString()
    store._send('POST', PROJECT, zlib.compress(raw), '/logstores/%s/shards/lb' % STORE, {},
                {'x-log-bodyrawsize': str(len(raw)), 'Content-Type': 'application/x-protobuf',
                 'x-log-compresstype': 'deflate'})
    hosts = sorted(l.get_contents()['hostname'] for l in _search(store, '*', now - 60, now + 60).get_logs())
    assert hosts == ['deflate-host', 'lz4-host', 'plain-host', 'v4-host']

    with pytest.raises(LogException) as err:
        store._send('POST', PROJECT, zlib.compress(raw), '/logstores/%s/shards/lb' % STORE, {},
                    {'x-log-bodyrawsize': str(len(raw) + 1), 'Content-Type': 'application/x-protobuf',
                     'x-log-compresstype': 'deflate'})
    assert err.value.get_error_code() == 'PostBodyInvalid'
    with pytest.raises(LogException) as err:
        store.put_logs(PutLogsRequest(PROJECT, 'no-such-store', '', '', [LogItem(contents=[('a', 'b')])]))
    assert err.value.get_error_code() == 'LogStoreNotExist'
    with pytest.raises(LogException) as err:
        store.put_logs(PutLogsRequest('proj-none', STORE, '', '', [LogItem(contents=[('a', 'b')])]))
    assert err.value.get_error_code() == 'ProjectNotExist'
    with pytest.raises(LogException) as err:
        _put(_client(sls_emulator, secret='not-the-secret'), [('forged', 'a', 'never stored')])
    assert err.value.get_error_code() == 'SignatureNotMatch'
    assert _search(store, 'forged', now - 60, now + 60).get_count() == 0
    assert sls_emulator.stats()['calls']['PutLogs'] == 8


def heartbeat(emu, doc):
    request = Request(emu.url + '/_emulator/sls/agent/heartbeat', data=json.dumps(doc).encode('utf-8'),
                      headers={'Content-Type': 'application/json'}, method='POST')
    with urlopen(request, timeout=10) as answer:
        return json.load(answer)


def test_heartbeats_list_machines_and_applied_configs(store, sls_emulator):
    from aliyun.log import LogtailConfigGenerator, MachineGroupDetail
    store.create_machine_group(PROJECT, MachineGroupDetail('hosts', 'userdefined', ['web', 'db']))
    store.create_machine_group(PROJECT, MachineGroupDetail('by-ip', 'ip', ['10.0.0.7']))
    config = LogtailConfigGenerator.generate_config({
        'configName': 'syslog-in', 'inputType': 'syslog', 'outputType': 'LogService',
        'inputDetail': {'tag': 'sys_tag'}, 'outputDetail': {'logstoreName': STORE}})
    store.create_logtail_config(PROJECT, config)
    store.apply_config_to_machine_group(PROJECT, 'syslog-in', 'hosts')

    before = int(time.time())
    [instance_id] = [i['InstanceId'] for region in sls_emulator.ecs.by_region.values() for i, _ in region]
    # One of the account's ECS instances, and a server outside ECS with the account's AliUid file.
    answer = heartbeat(sls_emulator, {'ip': '10.0.0.7', 'user_defined_id': ['web', 'extra'],
                                      'instance_id': instance_id})
    heartbeat(sls_emulator, {'ip': '10.0.0.8', 'user_defined_id': ['cache'], 'aliuids': [DEFAULT_ACCOUNT_ALIUID]})
    assert [g['groupName'] for g in answer['groups']] == ['by-ip', 'hosts']
    assert [(c['groupName'], c['configName'], c['logstore'], c['detail']['inputDetail']['tag'])
            for c in answer['configs']] == [('hosts', 'syslog-in', STORE, 'sys_tag')]

    machines = store.list_machines(PROJECT, 'hosts').get_machines()
    assert [(m.ip, m.user_defined_id) for m in machines] == [('10.0.0.7', 'web')]
    assert before <= machines[0].heartbeat_time <= int(time.time())
    assert [m.ip for m in store.list_machines(PROJECT, 'by-ip').get_machines()] == ['10.0.0.7']
    with pytest.raises(HTTPError) as bad:
        heartbeat(sls_emulator, {'user_defined_id': ['web']})
    assert bad.value.code == 400 and json.load(bad.value)['errorCode'] == 'ParameterInvalid'
