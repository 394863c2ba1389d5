"""SLS alert rules and alert resource records through the unchanged aliyun-log-python-sdk against the emulator,
then a real evaluation that posts to a webhook receiver on 127.0.0.1 (tools/alicloud_emulator/ALERTS.md)."""
import json
import time
from urllib.request import Request, urlopen

import pytest
from aliyun.log import IndexConfig, LogClient, LogException, LogItem, PutLogsRequest
from aliyun.log.resource_params import ResourceRecord

from tools.alicloud_emulator import start_emulator
from tools.webhook_receiver import WebhookReceiver

KEY_ID, SECRET = 'alert-key', 'alert-secret'
PROJECT = 'alert-proj'


class FakeClock(object):
    def __init__(self, now=1800000000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def emu():
    clock = FakeClock()
    emulator = start_emulator(access_keys={KEY_ID: SECRET}, instances=1, regions=1, index_delay=0,
                              incomplete_first=0, clock=clock, alarm_min_interval=60)
    emulator.clock = clock
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def client(emu):
    cli = LogClient(emu.endpoint, KEY_ID, SECRET)
    cli._isRowIp = True
    cli.create_project(PROJECT, 'alerts')
    cli.create_logstore(PROJECT, 'syslog', ttl=7, shard_count=1)
    return cli


def alert(name='host-silent', interval='1m', **conf):
    configuration = {
        'version': '2.0', 'type': 'default',
        'queryList': [{'storeType': 'log', 'store': 'syslog', 'query': '* | select count(*) as cnt',
                       'timeSpanType': 'Relative', 'start': '-5m', 'end': 'now'}],
        'groupConfiguration': {'type': 'no_group', 'fields': []},
        'severityConfigurations': [{'severity': 8, 'evalCondition': {'condition': 'cnt > 0',
                                                                     'countCondition': ''}}],
        'labels': [{'key': 'team', 'value': 'ops'}],
        'annotations': [{'key': 'title', 'value': 'count is ${cnt}'}],
        'threshold': 1, 'sendResolved': True, 'noDataFire': False,
        'policyConfiguration': {'alertPolicyId': 'sls.builtin.dynamic', 'actionPolicyId': 'ops-policy',
                                'repeatInterval': '1h'},
    }
    configuration.update(conf)
    return {'name': name, 'displayName': 'Host silent', 'type': 'Alert', 'description': 'd',
            'schedule': {'type': 'FixedRate', 'interval': interval, 'runImmediately': False},
            'configuration': configuration}


def code_of(call):
    with pytest.raises(LogException) as err:
        call()
    return err.value.get_error_code(), err.value.get_error_message()


def test_alert_crud_through_the_sdk(client):
    client.create_alert(PROJECT, alert())
    got = client.get_alert(PROJECT, 'host-silent').get_body()
    assert got['status'] == 'ENABLED'
    assert got['configuration']['severityConfigurations'][0]['evalCondition']['condition'] == 'cnt > 0'
    assert isinstance(got['createTime'], int) and got['createTime'] == got['lastModifiedTime'] == 1800000000
    assert code_of(lambda: client.create_alert(PROJECT, alert()))[0] == 'JobAlreadyExist'

    changed = alert(threshold=3)
    client.update_alert(PROJECT, changed)
    assert client.get_alert(PROJECT, 'host-silent').get_body()['configuration']['threshold'] == 3

    client.disable_alert(PROJECT, 'host-silent')
    assert client.get_alert(PROJECT, 'host-silent').get_body()['status'] == 'DISABLED'
    client.update_alert(PROJECT, changed)   # an update without status keeps it
    assert client.get_alert(PROJECT, 'host-silent').get_body()['status'] == 'DISABLED'
    client.enable_alert(PROJECT, 'host-silent')
    assert client.get_alert(PROJECT, 'host-silent').get_body()['status'] == 'ENABLED'

    client.create_alert(PROJECT, alert('error-burst'))
    listed = client.list_alert(PROJECT, offset=0, size=1)
    assert listed.get_total() == 2 and listed.get_count() == 1
    assert [a['name'] for a in client.list_alert(PROJECT).get_alerts()] == ['error-burst', 'host-silent']

    client.delete_alert(PROJECT, 'host-silent')
    assert code_of(lambda: client.get_alert(PROJECT, 'host-silent'))[0] == 'JobNotExist'
    assert code_of(lambda: client.delete_alert(PROJECT, 'host-silent'))[0] == 'JobNotExist'
    assert code_of(lambda: client.enable_alert(PROJECT, 'host-silent'))[0] == 'JobNotExist'


@pytest.mark.parametrize('body, needle', [
    (alert(interval='59s'), 'schedule.interval'),
    (alert(interval='soon'), 'schedule.interval'),
    (dict(alert(), displayName=''), 'displayName'),
    (alert(threshold=0), 'threshold'),
    (alert(severityConfigurations=[{'severity': 7, 'evalCondition': {}}]), 'severity'),
    (alert(severityConfigurations=[{'severity': 8, 'evalCondition': {'condition': 'cnt >'}}]), 'condition'),
    (alert(groupConfiguration={'type': 'custom', 'fields': []}), 'fields'),
    (alert(policyConfiguration={}), 'actionPolicyId'),
])
def test_invalid_alerts_are_refused_naming_the_field(client, body, needle):
    code, message = code_of(lambda: client.create_alert(PROJECT, body))
    assert code == 'ParameterInvalid' and needle in message
    assert client.list_alert(PROJECT).get_total() == 0


def test_sixty_seconds_is_the_shortest_interval(client):
    client.create_alert(PROJECT, alert(interval='60s'))
    assert client.get_alert(PROJECT, 'host-silent').get_body()['schedule']['interval'] == '60s'


def webhook_record(url, record_id='ops-hook', kind='custom'):
    return ResourceRecord(record_id, 'Ops hook', {'id': record_id, 'name': 'Ops hook', 'type': kind, 'url': url,
                                                  'method': 'POST', 'headers': [{'key': 'X-Team', 'value': 'ops'}]})


def policy_record(webhook_id='ops-hook', policy_id='ops-policy'):
    return ResourceRecord(policy_id, 'Ops policy', {
        'action_policy_id': policy_id, 'action_policy_name': 'Ops policy', 'labels': {}, 'is_default': False,
        'primary_policy_script': 'fire(type="webhook", webhook_id="%s", period="any")' % webhook_id,
        'secondary_policy_script': ''})


def test_resource_records_through_the_sdk(client):
    client.create_resource_record('sls.alert.action_webhook', webhook_record('http://127.0.0.1:1/hook'))
    client.create_resource_record('sls.alert.action_policy', policy_record())
    got = client.get_resource_record('sls.alert.action_webhook', 'ops-hook').get_record()
    assert got.get_tag() == 'Ops hook' and got.get_value()['url'] == 'http://127.0.0.1:1/hook'
    with pytest.raises(LogException):
        client.create_resource_record('sls.alert.action_webhook', webhook_record('http://x/'))
    client.update_resource_record('sls.alert.action_webhook', webhook_record('http://127.0.0.1:2/hook'))
    assert client.get_resource_record('sls.alert.action_webhook', 'ops-hook').get_record().get_value()['url'] \
        == 'http://127.0.0.1:2/hook'
    client.upsert_resource_record('sls.alert.action_webhook', [webhook_record('http://h/', 'b-hook')])
    listed = client.list_resource_records('sls.alert.action_webhook')
    assert listed.get_total() == 2 and [r.get_record_id() for r in listed.get_records()] == ['b-hook', 'ops-hook']
    client.delete_resource_record('sls.alert.action_webhook', ['b-hook'])
    assert client.list_resource_records('sls.alert.action_webhook').get_total() == 1
    code, _ = code_of(lambda: client.get_resource_record('sls.alert.action_webhook', 'b-hook'))
    assert code == 'RecordNotExist'
    code, message = code_of(lambda: client.create_resource_record(
        'sls.alert.action_webhook', webhook_record('ftp://nope', 'c-hook')))
    assert code == 'ParameterInvalid' and 'url' in message


@pytest.fixture
def receiver():
    with WebhookReceiver() as rec:
        rec.url += '/alert'
        yield rec


INDEX = {'line': {'token': [' '], 'caseSensitive': False},
         'keys': {'host': {'type': 'text', 'token': [' '], 'doc_value': True},
                  'level': {'type': 'text', 'token': [' '], 'doc_value': True}}}


def put(client, when, *lines):
    items = [LogItem(timestamp=int(when), contents=[('host', host), ('level', level), ('content', 'x')])
             for host, level in lines]
    client.put_logs(PutLogsRequest(PROJECT, 'syslog', 'syslog', '', items))


def setup_receiving(client, url):
    client.create_resource_record('sls.alert.action_webhook', webhook_record(url))
    client.create_resource_record('sls.alert.action_policy', policy_record())
    config = IndexConfig()
    config.from_json(INDEX)
    client.create_index(PROJECT, 'syslog', config)


def alerts_state(emu):
    with urlopen(Request(emu.url + '/_emulator/sls/alerts'), timeout=10) as resp:
        return json.loads(resp.read().decode('utf-8'))


def test_search_alert_fires_per_host_and_resolves(emu, client, receiver):
    """A plain search rule (rows are logs): countCondition per host group, posted to the receiver."""
    setup_receiving(client, receiver.url)
    burst = {'severity': 8, 'evalCondition': {'condition': '', 'countCondition': '__count__ >= 2'}}
    body = alert('error-burst', groupConfiguration={'type': 'custom', 'fields': ['host']},
                 severityConfigurations=[burst],
                 annotations=[{'key': 'title', 'value': 'errors on ${host}'}])
    body['configuration']['queryList'][0]['query'] = 'level: error'
    client.create_alert(PROJECT, body)
    clock, sched = emu.clock, emu.sls.scheduler
    t0 = clock.now
    sched.tick(t0)
    put(client, t0 + 10, ('web-1', 'error'), ('web-1', 'error'), ('web-2', 'error'), ('web-2', 'info'))
    clock.now = t0 + 60
    sched.tick(clock.now)
    assert [(r['body']['status'], r['body']['labels']['host']) for r in receiver.received] == \
        [('firing', 'web-1')]
    hook = receiver.received[0]
    assert hook['body']['annotations']['title'] == 'errors on web-1'
    assert hook['body']['project'] == PROJECT and hook['body']['severity'] == 8
    assert len(hook['body']['fire_results']) == 2
    assert hook['headers']['Content-Type'] == 'application/json;charset=utf-8'
    state = alerts_state(emu)
    assert state['rules']['%s/error-burst' % PROJECT]['groups']['host=web-1']['status'] == 'firing'
    assert state['notifications'][0]['http_status'] == 200 and state['notifications'][0]['url'] == receiver.url
    # the errors leave the 5-minute window [t0+360-300, t0+360): the group resolves (sendResolved)
    clock.now = t0 + 360
    sched.tick(clock.now)
    assert [(r['body']['status'], r['body']['labels']['host']) for r in receiver.received] == \
        [('firing', 'web-1'), ('resolved', 'web-1')]


def test_background_thread_evaluates_with_the_logdata_clock(emu, client, receiver):
    setup_receiving(client, receiver.url)
    body = alert('any-log', groupConfiguration={'type': 'no_group'},
                 severityConfigurations=[{'severity': 4, 'evalCondition': {}}])
    body['configuration']['queryList'][0]['query'] = '*'
    client.create_alert(PROJECT, body)
    put(client, emu.clock.now - 5, ('web-1', 'info'))
    time.sleep(1.5)                       # the thread saw the rule at the fake "now"
    emu.clock.now += 60
    deadline = time.time() + 10
    while not receiver.received and time.time() < deadline:
        time.sleep(0.2)
    assert [r['body']['severity'] for r in receiver.received] == [4]


def test_project_delete_and_reset_drop_rules_and_records(emu, client, receiver):
    setup_receiving(client, receiver.url)
    client.create_alert(PROJECT, alert())
    client.delete_logstore(PROJECT, 'syslog')
    client.delete_project(PROJECT)
    client.create_project(PROJECT, 'again')
    assert client.list_alert(PROJECT).get_total() == 0
    assert client.list_resource_records('sls.alert.action_webhook').get_total() == 1   # account level: kept
    client.create_alert(PROJECT, alert())
    with urlopen(Request(emu.url + '/_emulator/sls/reset', data=b'', method='POST'), timeout=10):
        pass
    assert alerts_state(emu) == {'rules': {}, 'evaluations': [], 'notifications': []}
    assert client.list_resource_records('sls.alert.action_webhook').get_total() == 0


HOST_SILENT = ('* | select _hostname_ as host, max(__time__) as last_seen, '
               'cast(to_unixtime(now()) - max(__time__) as bigint) as silent_s group by host')


def test_host_silent_sql_rule_fires_for_the_quiet_host_and_resolves(emu, client, receiver):
    """SPEC section F's host_silent query through LogData.execute: one notification naming the silent host."""
    client.create_resource_record('sls.alert.action_webhook', webhook_record(receiver.url))
    client.create_resource_record('sls.alert.action_policy', policy_record())
    config = IndexConfig()
    config.from_json({'line': {'token': [' ']},
                      'keys': {'_hostname_': {'type': 'text', 'token': [' '], 'doc_value': True}}})
    client.create_index(PROJECT, 'syslog', config)
    body = alert('host-silent', groupConfiguration={'type': 'custom', 'fields': ['host']},
                 severityConfigurations=[{'severity': 8, 'evalCondition': {'condition': 'silent_s > 120'}}],
                 annotations=[{'key': 'title', 'value': '${host} is silent'},
                              {'key': 'desc', 'value': 'no log from ${host} for ${silent_s}s'}])
    body['configuration']['queryList'][0].update(query=HOST_SILENT, start='-10m')
    client.create_alert(PROJECT, body)
    clock, sched = emu.clock, emu.sls.scheduler
    t0 = clock.now

    def log(when, host):
        client.put_logs(PutLogsRequest(PROJECT, 'syslog', '', '', [
            LogItem(timestamp=int(when), contents=[('_hostname_', host), ('content', 'beat')])]))

    def at(when):
        clock.now = when
        sched.tick(when)
        return [(r['body']['status'], r['body']['labels']['host'], r['body']['annotations']['desc'])
                for r in receiver.received]

    log(t0 - 30, 'web-1')
    log(t0 - 30, 'web-2')
    sched.tick(t0)
    assert at(t0 + 60) == []                       # both silent 90 s: not above 120
    log(t0 + 61, 'web-1')
    fired = [('firing', 'web-2', 'no log from web-2 for 150s')]
    assert at(t0 + 120) == fired                   # web-1 59 s, web-2 150 s
    assert receiver.received[0]['body']['annotations']['title'] == 'web-2 is silent'
    log(t0 + 121, 'web-1')
    assert at(t0 + 180) == fired                   # still firing: no repeat
    log(t0 + 181, 'web-1')
    log(t0 + 190, 'web-2')
    assert at(t0 + 240) == fired + [('resolved', 'web-2', 'no log from web-2 for 50s')]
    groups = alerts_state(emu)['rules']['%s/host-silent' % PROJECT]['groups']
    assert {k: v['status'] for k, v in groups.items()} == {'host=web-1': 'inactive', 'host=web-2': 'inactive'}


def test_sql_error_is_an_error_evaluation_and_no_notification(emu, client, receiver):
    setup_receiving(client, receiver.url)
    body = alert('bad-column')
    body['configuration']['queryList'][0]['query'] = '* | select count(*) as cnt, max(content) as c'
    client.create_alert(PROJECT, body)
    put(client, emu.clock.now - 5, ('web-1', 'error'))
    emu.sls.scheduler.tick(emu.clock.now)
    emu.clock.now += 60
    emu.sls.scheduler.tick(emu.clock.now)
    last = alerts_state(emu)['rules']['%s/bad-column' % PROJECT]['last_evaluation']
    assert last['status'] == 'error' and 'content' in last['error']
    assert receiver.received == []
