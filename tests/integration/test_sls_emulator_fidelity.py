"""The official aliyun-log-python-sdk, unchanged, against what the emulator takes from the vendor's sources
(tools/alicloud_emulator/SLS.md): an index that takes effect a minute after it is written and covers newer logs
only, Incomplete first answers, PutLogs limits and common errors, heartbeats from outside the account, pipeline
config rules."""
import subprocess
import sys
import time
import zlib

import aliyun.log.logclient as sdk_logclient
import lz4.block
import pytest
from aliyun.log import GetLogsRequest, LogException, LogItem, LogtailConfigGenerator, MachineGroupDetail, PutLogsRequest
from aliyun.log.logtail_pipeline_config_detail import LogtailPipelineConfigDetail

from tests.integration.test_emulator_sdk import REPO_ROOT, emulator_process  # noqa: F401 - fixture
from tests.integration.test_sls_dataplane import PROJECT, STORE, _index, _put, heartbeat, store  # noqa: F401
from tests.integration.test_sls_emulator import _client
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    SLS_KEY_ID, SLS_KEY_SECRET, sized_log_group, sls_emulator, sls_emulator_server)
from tools.alicloud_emulator import DEFAULT_ACCOUNT_ALIUID, start_emulator
from tools.alicloud_emulator.sls_putlogs import MAX_RAW_BODY, MAX_VALUE


class Clock(object):
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def hosts(client, query, **kwargs):
    now = int(time.time())
    response = client.get_logs(GetLogsRequest(PROJECT, STORE, now - 600, now + 600, query=query, **kwargs))
    assert response.is_completed()
    return [log.get_contents()['hostname'] for log in response.get_logs()]


def test_an_index_takes_effect_a_minute_after_it_is_written_for_newer_logs_only():
    clock = Clock(time.time())  # the emulator's data clock; requests are still signed and checked in real time
    emu = start_emulator(access_keys={SLS_KEY_ID: SLS_KEY_SECRET}, instances=1, regions=1, clock=clock)
    try:
        client = _client(emu)
        client.create_project(PROJECT, 'index delay')
        client.create_logstore(PROJECT, STORE, ttl=7)
        client.create_index(PROJECT, STORE, _index())
        written = int(clock.now)
        # GetIndex answers lastModifyTime in whole seconds; the SDK's IndexConfig reads it as modify_time.
        assert client.get_index_config(PROJECT, STORE).get_index_config().modify_time == written
        assert emu.sls_state()['projects'][PROJECT]['logstores'][STORE]['indexEffectiveTime'] == written + 60
        _put(client, [('at-once', 'sshd', 'canary')])
        clock.now = written + 59.999
        _put(client, [('a-bit-early', 'sshd', 'canary')])
        assert hosts(client, 'canary') == []
        clock.now = written + 60
        _put(client, [('on-time', 'sshd', 'canary')])
        clock.now = written + 3600
        _put(client, [('later', 'sshd', 'canary')])
        assert hosts(client, 'canary') == ['on-time', 'later'] and hosts(client, '*') == ['on-time', 'later']
        assert emu.sls_state()['projects'][PROJECT]['logstores'][STORE]['logCount'] == 4
    finally:
        emu.stop()


def test_the_first_get_logs_of_a_search_is_incomplete_without_rows(store, sls_emulator, monkeypatch):
    monkeypatch.setattr(sdk_logclient, 'DEFAULT_QUERY_RETRY_COUNT', 1)  # see each answer, not the SDK's retries
    store.create_index(PROJECT, STORE, _index())
    _put(store, [('web-1', 'sshd', 'one'), ('web-2', 'sshd', 'two'), ('db-1', 'cron', 'three')])
    now = int(time.time())

    def search(**kwargs):
        window = dict(dict(fromTime=now - 60, toTime=now + 60, query='sshd'), **kwargs)
        return store.get_logs(GetLogsRequest(PROJECT, STORE, **window))

    first = search()
    assert (first.is_completed(), first.get_count(), first.get_logs()) == (False, 0, [])
    assert first.get_meta().get_progress() == 'Incomplete'
    page = search(offset=1, line=1, reverse=True)  # the same search: another page is no other search
    assert page.is_completed() and [log.get_contents()['hostname'] for log in page.get_logs()] == ['web-1']
    assert search().get_count() == 2
    assert not search(topic='syslog').is_completed() and not search(toTime=now + 61).is_completed()
    assert not search(query='cron').is_completed() and search(query='cron').get_count() == 1
    store._get_logs_v2_enabled = False  # the older GET: progress in the x-log-progress header
    v1 = store.get_log(PROJECT, STORE, now - 60, now + 62, query='sshd')
    assert (v1.is_completed(), v1.get_count()) == (False, 0)
    assert store.get_log(PROJECT, STORE, now - 60, now + 62, query='sshd').get_count() == 2
    assert sls_emulator.stats()['calls']['GetLogs'] == 9
    monkeypatch.setattr(sdk_logclient, 'DEFAULT_QUERY_RETRY_COUNT', 5)  # the SDK's own loop gets past it
    monkeypatch.setattr(sdk_logclient, 'DEFAULT_QUERY_RETRY_INTERVAL', 0)
    assert hosts(store, 'one or three') == ['web-1', 'db-1']


def _send_raw(client, raw, compress_type='lz4', headers=None):
    body = lz4.block.compress(raw, store_size=False) if compress_type == 'lz4' else raw
    sent = {'x-log-bodyrawsize': str(len(raw)), 'Content-Type': 'application/x-protobuf',
            'x-log-compresstype': compress_type}
    sent.update(headers or {})
    return client._send('POST', PROJECT, body, '/logstores/%s/shards/lb' % STORE, {},
                        {k: v for k, v in sent.items() if v is not None})


def refusal(call):
    with pytest.raises(LogException) as err:
        call()
    return err.value.resp_status, err.value.get_error_code()


def test_put_logs_limits_and_common_errors(store, sls_emulator):
    def put(contents=(('hostname', 'h'),), topic='', source='10.0.0.1'):
        return store.put_logs(PutLogsRequest(PROJECT, STORE, topic, source, [LogItem(contents=list(contents))]))

    def stored():
        return sls_emulator.sls_state()['projects'][PROJECT]['logstores'][STORE]['logCount']

    _send_raw(store, sized_log_group(MAX_RAW_BODY).SerializeToString())  # exactly 10 MB: taken
    assert stored() == 10
    # One byte more is refused, although this SDK (0.9.48 on) lets up to 30 MB through.
    assert refusal(lambda: _send_raw(store, sized_log_group(MAX_RAW_BODY + 1).SerializeToString())) == \
        (400, 'PostBodyTooLarge')
    put([('content', 'x' * MAX_VALUE)])
    assert refusal(lambda: put([('content', 'x' * (MAX_VALUE + 1))])) == (400, 'PostBodyInvalid')
    put(topic='t' * 128, source='s' * 128)
    assert refusal(lambda: put(topic='t' * 129)) == (400, 'PostBodyInvalid')
    assert refusal(lambda: put(source='s' * 129)) == (400, 'PostBodyInvalid')
    assert refusal(lambda: put(contents=())) == (400, 'PostBodyInvalid')
    raw = sized_log_group(20000, value_size=1000).SerializeToString()
    assert refusal(lambda: _send_raw(store, raw, headers={'Content-Type': 'application/json'})) == \
        (415, 'InvalidContentType')
    assert refusal(lambda: _send_raw(store, raw, headers={'x-log-bodyrawsize': None})) == (400, 'MissingBodyRawSize')
    assert refusal(lambda: _send_raw(store, raw, headers={'x-log-bodyrawsize': 'many'})) == \
        (400, 'InvalidBodyRawSize')
    assert refusal(lambda: _send_raw(store, zlib.compress(raw), 'snappy')) == (400, 'InvalidCompressType')
    _send_raw(store, zlib.compress(raw), 'deflate', headers={'x-log-bodyrawsize': str(len(raw))})
    assert stored() == 10 + 2 + 10  # nothing of a refused call was kept


def test_heartbeats_from_outside_the_account_join_nothing(store, sls_emulator):
    store.create_machine_group(PROJECT, MachineGroupDetail('hosts', 'userdefined', ['web']))
    store.create_logtail_config(PROJECT, LogtailConfigGenerator.generate_config({
        'configName': 'syslog-in', 'inputType': 'syslog', 'outputType': 'LogService',
        'inputDetail': {'tag': 'sys_tag'}, 'outputDetail': {'logstoreName': STORE}}))
    store.apply_config_to_machine_group(PROJECT, 'syslog-in', 'hosts')
    [instance_id] = [i['InstanceId'] for region in sls_emulator.ecs.by_region.values() for i, _ in region]
    joined = [heartbeat(sls_emulator, {'ip': '10.0.0.7', 'user_defined_id': ['web'], 'instance_id': instance_id}),
              heartbeat(sls_emulator, {'ip': '10.0.0.8', 'user_defined_id': ['web'],
                                       'aliuids': ['1111', DEFAULT_ACCOUNT_ALIUID]})]
    for answer in joined:
        assert answer['groups'] == [{'project': PROJECT, 'groupName': 'hosts'}] and 'refused' not in answer
        assert [c['configName'] for c in answer['configs']] == ['syslog-in']
    other = heartbeat(sls_emulator, {'ip': '10.0.0.9', 'user_defined_id': ['web'], 'instance_id': 'i-elsewhere',
                                     'aliuids': ['1111']})
    assert (other['groups'], other['configs'], other['refused']) == ([], [], (
        'i-elsewhere is not an ECS instance of account 1808078950770264 and no /etc/ilogtail/users/1808078950770264'))
    bare = heartbeat(sls_emulator, {'ip': '10.0.0.10', 'user_defined_id': ['web']})
    assert bare['groups'] == [] and bare['refused'].startswith('not an ECS instance of account 1808078950770264')
    assert [m.ip for m in store.list_machines(PROJECT, 'hosts').get_machines()] == ['10.0.0.7', '10.0.0.8']
    state = sls_emulator.sls_state()
    assert [(m['ip'], m['refused'] == r['refused']) for m, r in zip(state['unattributedMachines'], (bare, other))] \
        == [('10.0.0.10', True), ('10.0.0.9', True)]
    assert state['projects'][PROJECT]['owner'] == DEFAULT_ACCOUNT_ALIUID


def test_pipeline_config_rules_through_the_sdk(store):
    inputs, flushers = [{'Type': 'input_file', 'FilePaths': ['/var/log/*.log']}], [{'Type': 'flusher_sls',
                                                                                   'Logstore': STORE}]

    def create(name, **lists):
        store.create_logtail_pipeline_config(PROJECT, LogtailPipelineConfigDetail(
            name, lists.pop('inputs', inputs), lists.pop('flushers', flushers), **lists))

    create('native', processors=[{'Type': 'processor_parse_regex_native', 'Regex': '(.*)', 'Keys': ['c']}])
    create('extended', processors=[{'Type': 'processor_regex'}], aggregators=[{'Type': 'aggregator_context'}])
    for lists in ({'inputs': inputs * 2}, {'flushers': flushers * 2},
                  {'processors': [{'Type': 'processor_parse_json_native'}, {'Type': 'processor_regex'}]},
                  {'processors': [{'Type': 'processor_filter_regex_native'}]},
                  {'processors': [{'Type': 'processor_regex'}],
                   'aggregators': [{'Type': 'aggregator_context'}, {'Type': 'aggregator_context'}]},
                  {'processors': [{'Type': 'processor_parse_json_native'}],
                   'aggregators': [{'Type': 'aggregator_context'}]}):
        assert refusal(lambda: create('refused', **lists)) == (400, 'ParameterInvalid'), lists
    assert sorted(store.list_logtail_pipeline_config(PROJECT).get_configs()) == ['extended', 'native']


def test_cli_options_of_the_log_service_half(emulator_process, monkeypatch):
    monkeypatch.setattr(sdk_logclient, 'DEFAULT_QUERY_RETRY_COUNT', 1)
    proc, url = emulator_process('--access-key-id', SLS_KEY_ID, '--access-key-secret', SLS_KEY_SECRET,
                                 '--index-delay', '0', '--incomplete-first', '0', '--account-aliuid', '1234567')
    emulator = type('Emulator', (), {'endpoint': url[len('http://'):], 'url': url})
    client = _client(emulator)
    client.create_project(PROJECT, 'cli')
    client.create_logstore(PROJECT, STORE, ttl=7)
    client.create_index(PROJECT, STORE, _index())
    _put(client, [('web-1', 'sshd', 'at once')])
    assert hosts(client, 'once') == ['web-1']  # in effect at once, and Complete at the first answer
    assert 'refused' not in heartbeat(emulator, {'ip': '10.0.0.7', 'aliuids': ['1234567']})
    assert 'account 1234567' in heartbeat(emulator, {'ip': '10.0.0.8', 'aliuids': [DEFAULT_ACCOUNT_ALIUID]})['refused']
    for bad in (['--index-delay', '-1'], ['--incomplete-first', 'x']):
        run = subprocess.run([sys.executable, '-m', 'tools.alicloud_emulator'] + bad, cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 2 and bad[0] in run.stderr and run.stdout == ''
