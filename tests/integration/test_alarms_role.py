"""The alarms role's controller side through real playbooks against the emulator (issue 23), no containers: the
action policy, the three Log Service alert rules and the CloudMonitor groups and rules it creates; a second run
changes nothing; the rules evaluate on the emulator's scheduler (fake clock) and notify the webhook receiver for
exactly the host at fault; teardown removes everything and a second teardown changes nothing.
The container fleet's end-to-end check (a stopped agent, a stopped rsyslog) is tests/integration/test_demo_alarm.py.
"""
import json
import os
from urllib.request import Request, urlopen

import pytest
from aliyun.log import IndexConfig, LogClient, LogException, LogItem, PutLogsRequest

from tests.support.playbook_runner import run_playbook
from tools.alicloud_emulator import start_emulator
from tools.webhook_receiver import WebhookReceiver

KEY_ID, SECRET = 'alarms-key', 'alarms-secret-never-print'
PROJECT, STORE = 'alarms-proj', 'syslog'
NOW = 1800000000.0
HOSTS = {'web-1': ('web', 'i-web0000000000001'), 'web-2': ('web', 'i-web0000000000002'),
         'api-1': ('api', 'i-api0000000000001')}
ROLE_VARS = {'alicloud_logging_project': PROJECT, 'alicloud_logging_logstore': STORE,
             'alicloud_logging_project_region': 'cn-hangzhou', 'alarms_inventory_groups': ['web', 'api'],
             'alarms_silent_after': 120, 'alarms_silent_lookback': 3600,
             'alarms_error_threshold': 20, 'alarms_error_window': 300,
             'alarms_metric_times': 2,
             'alarms_contacts': [{'name': 'ops-mail', 'email': 'ops@example.com'}]}
RULES = ['alicloud-ops-logging-host-silent', 'alicloud-ops-logging-error-burst',
         'alicloud-ops-logging-agent-restart-loop']


class FakeClock(object):
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def emu():
    clock = FakeClock(NOW)
    emulator = start_emulator(access_keys={KEY_ID: SECRET}, instances=0, index_delay=0, incomplete_first=0,
                              clock=clock)
    emulator.clock = clock
    client = LogClient(emulator.endpoint, KEY_ID, SECRET)
    client._isRowIp = True
    client.create_project(PROJECT, 'alarms')
    client.create_logstore(PROJECT, STORE, ttl=7, shard_count=1)
    text = {'type': 'text', 'token': [' ', ',', ':', '.'], 'doc_value': True}
    index = IndexConfig()
    index.from_json({'line': {'token': [' ', ',', ':', '.']},
                     'keys': {k: dict(text) for k in ('_hostname_', '_program_', '_severity_', '_content_')}})
    client.create_index(PROJECT, STORE, index)
    emulator.client = client
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def receiver():
    with WebhookReceiver() as rec:
        yield rec


def inventory(tmp_path):
    groups = {}
    for host, (group, instance_id) in HOSTS.items():
        groups.setdefault(group, {'hosts': {}})['hosts'][host] = {
            'instance_id': instance_id, 'instance_name': host, 'region_id': 'cn-hangzhou',
            'ansible_connection': 'local'}
    path = tmp_path / 'hosts.json'
    path.write_text(json.dumps({'all': {'children': groups}}))
    return str(path)


def alarms(tmp_path, emu, receiver, tasks_from='main', check=False, **extra):
    play = [{'name': 'alarms', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'role', 'ansible.builtin.include_role': {'name': 'alicloud_ops.logging.alarms',
                                                          'tasks_from': tasks_from}}]}]
    env = {'ALIBABA_CLOUD_ACCESS_KEY_ID': KEY_ID, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': SECRET,
           'ALICLOUD_SLS_ENDPOINT': emu.endpoint, 'ALICLOUD_CMS_ENDPOINT': 'http://' + emu.endpoint,
           'HOME': str(tmp_path)}
    variables = dict(ROLE_VARS, alarms_webhook_url=receiver.url + '/hook?token=tok-secret-123', **extra)
    result = run_playbook(tmp_path, play, check=check, extravars=variables, inventory=inventory(tmp_path),
                          envvars=env, cmdline='--diff')
    assert 'tok-secret-123' not in result.stdout and SECRET not in result.stdout
    return result


def cms_state(emu):
    return emu.state.services['2019-01-01'].snapshot() if hasattr(emu.state.services['2019-01-01'], 'snapshot') \
        else None


def put(emu, when, host, content, program='app', severity=6):
    emu.client.put_logs(PutLogsRequest(PROJECT, STORE, '', '', [LogItem(timestamp=int(when), contents=[
        ('_hostname_', host), ('_program_', program), ('_severity_', str(severity)), ('_content_', content)])]))


def evaluations(emu):
    with urlopen(Request(emu.url + '/_emulator/sls/alerts'), timeout=10) as resp:
        return json.loads(resp.read().decode('utf-8'))['evaluations']


def notifications(receiver):
    """(rule, host, status) of each Log Service notification, in arrival order."""
    return [(r['body']['alert_id'] if 'alert_id' in r['body'] else r['body'].get('alert_name'),
             r['body']['labels'].get('host'), r['body']['status'])
            for r in receiver.received if isinstance(r['body'], dict) and 'status' in r['body']]


def test_alarms_role_creates_rules_idempotently_and_tears_them_down(tmp_path, emu, receiver):
    first = alarms(tmp_path, emu, receiver)
    assert first.rc == 0, first.stdout
    assert first.changed == 5, first.stdout          # every task changed (per task, not per loop item)
    for name in RULES:
        body = emu.client.get_alert(PROJECT, name).get_body()
        conf = body['configuration']
        assert body['status'] == 'ENABLED' and body['schedule']['interval'] == '60s'
        assert conf['groupConfiguration'] == {'type': 'custom', 'fields': ['host']} and conf['sendResolved']
        assert conf['policyConfiguration']['actionPolicyId'] == 'alicloud-ops-logging'
    silent = emu.client.get_alert(PROJECT, RULES[0]).get_body()['configuration']
    assert silent['queryList'][0]['start'] == '-3600s'
    assert silent['severityConfigurations'][0]['evalCondition']['condition'] == 'silent_s > 120'
    burst = emu.client.get_alert(PROJECT, RULES[1]).get_body()['configuration']
    assert burst['queryList'][0]['query'].startswith(
        '_severity_: 0 or _severity_: 1 or _severity_: 2 or _severity_: 3 | select')
    assert burst['severityConfigurations'][0]['evalCondition']['condition'] == 'errors >= 20'
    second = alarms(tmp_path, emu, receiver)
    assert second.rc == 0 and second.changed == 0, second.stdout

    gone = alarms(tmp_path, emu, receiver, tasks_from='remove')
    assert gone.rc == 0 and gone.changed == 5, gone.stdout
    for name in RULES:
        with pytest.raises(LogException) as err:
            emu.client.get_alert(PROJECT, name)
        assert err.value.get_error_code() == 'JobNotExist'
    again = alarms(tmp_path, emu, receiver, tasks_from='remove')
    assert again.rc == 0 and again.changed == 0, again.stdout


def test_alarms_fire_for_the_host_at_fault_only(tmp_path, emu, receiver):
    assert alarms(tmp_path, emu, receiver).rc == 0
    sls = emu.sls.scheduler
    t0 = NOW
    # Every host's heartbeat until t0 - 200; then web-1 and api-1 go on, web-2 is silent.
    for when in range(int(t0) - 600, int(t0) - 200, 60):
        for host in HOSTS:
            put(emu, when, host, 'alive', program='alicloud-heartbeat')
    for when in range(int(t0) - 200, int(t0) + 1, 60):
        put(emu, when, 'web-1', 'alive', program='alicloud-heartbeat')
        put(emu, when, 'api-1', 'alive', program='alicloud-heartbeat')
    # api-1: an error burst (20 err lines, the threshold); web-1: 19 (one short) and crit lines of a warning kind.
    for n in range(20):
        put(emu, t0 - 30, 'api-1', 'db connection refused %d' % n, severity=3)
    for n in range(19):
        put(emu, t0 - 30, 'web-1', 'upstream timed out %d' % n, severity=2 if n % 2 else 3)
    for n in range(5):
        put(emu, t0 - 300, 'web-2', 'disk nearly full %d' % n, severity=4)   # any line counts as a sign of life
    # web-1: systemd scheduled three restarts of the agent; api-1 two (below the threshold of 3).
    for n in range(3):
        put(emu, t0 - 100 + n, 'web-1', 'ilogtaild.service: Scheduled restart job, restart counter is at %d.'
            % (n + 1), program='systemd')
    for n in range(2):
        put(emu, t0 - 100 + n, 'api-1', 'ilogtaild.service: Scheduled restart job, restart counter is at %d.'
            % (n + 1), program='systemd')
    emu.clock.now = t0 + 60
    sls.tick(t0 + 60)
    got = sorted((name, host, status) for name, host, status in notifications(receiver))
    assert got == sorted([('alicloud-ops-logging-host-silent', 'web-2', 'firing'),
                          ('alicloud-ops-logging-error-burst', 'api-1', 'firing'),
                          ('alicloud-ops-logging-agent-restart-loop', 'web-1', 'firing')]), evaluations(emu)
    bodies = {r['body']['alert_id']: r['body'] for r in receiver.received}
    assert bodies[RULES[0]]['annotations']['title'] == 'web-2 is silent'
    assert bodies[RULES[1]]['annotations']['desc'].startswith('20 lines of severity 3 or worse')
    # web-2 speaks again: one resolved notification for it, nothing else new.
    put(emu, t0 + 100, 'web-2', 'alive', program='alicloud-heartbeat')
    for host in ('web-1', 'api-1'):
        put(emu, t0 + 100, host, 'alive', program='alicloud-heartbeat')
    emu.clock.now = t0 + 120
    sls.tick(t0 + 120)
    new = notifications(receiver)[3:]
    assert ('alicloud-ops-logging-host-silent', 'web-2', 'resolved') in new
    assert [n for n in new if n[0] == RULES[0]] == [('alicloud-ops-logging-host-silent', 'web-2', 'resolved')]


def test_cloudmonitor_rule_fires_on_a_pushed_metric_above_its_threshold_only(tmp_path, emu, receiver):
    assert alarms(tmp_path, emu, receiver, alarms_cpu_threshold=90).rc == 0
    cms = emu.state.services['2019-01-01']
    t0 = NOW

    def cms_callbacks():
        return [r['body'] for r in receiver.received if r['content_type'].startswith('application/x-www-form')]

    def period(n, web1, web2):
        when = t0 + 60 * n
        emu.clock.now = when
        cms.push_metrics([
            {'namespace': 'acs_ecs_dashboard', 'metric': 'cpu_total', 'instanceId': HOSTS['web-1'][1],
             'value': web1, 'timestamp': when - 30},
            {'namespace': 'acs_ecs_dashboard', 'metric': 'cpu_total', 'instanceId': HOSTS['web-2'][1],
             'value': web2, 'timestamp': when - 30}], now=when)
        cms.tick(when)
        return cms_callbacks()

    assert period(1, 90.0, 50.0) == []            # at the threshold: not above it
    assert period(2, 95.0, 50.0) == []            # once above: times is 2
    fired = period(3, 96.0, 89.9)
    assert [(c['alertState'], c['metricName']) for c in fired] == [('ALERT', 'cpu_total')]
    assert HOSTS['web-1'][1] in fired[0]['dimensions'] and HOSTS['web-2'][1] not in fired[0]['dimensions']
    assert period(4, 97.0, 50.0) == fired         # still above: no repeat
    recovered = period(5, 20.0, 50.0)
    assert [c['alertState'] for c in recovered] == ['ALERT', 'OK']
    assert os.environ.get('ALICLOUD_CMS_ENDPOINT') is None


def test_heartbeat_timer_in_a_test_root_is_idempotent_and_removed(tmp_path):
    """The heartbeat entry point writes the timer and its service (enabled, never started in a test root); a second
    run changes nothing; heartbeat_remove takes both away, and a second removal changes nothing."""
    root = tmp_path / 'root'
    root.mkdir()

    def heartbeat(tasks_from, **extra):
        play = [{'name': 'heartbeat', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
            {'name': 'role', 'ansible.builtin.include_role': {'name': 'alicloud_ops.logging.alarms',
                                                              'tasks_from': tasks_from}}]}]
        result = run_playbook(tmp_path, play, extravars=dict({'alicloud_logging_root': str(root)}, **extra))
        assert result.rc == 0, result.stdout
        return result

    units = root / 'etc' / 'systemd' / 'system'
    assert heartbeat('heartbeat', alarms_heartbeat_interval=15).changed == 2
    timer = (units / 'alicloud-logging-heartbeat.timer').read_text()
    service = (units / 'alicloud-logging-heartbeat.service').read_text()
    assert 'OnUnitActiveSec=15\n' in timer and 'AccuracySec=1\n' in timer and 'WantedBy=timers.target' in timer
    assert 'ExecStart=/usr/bin/logger -t alicloud-heartbeat -p daemon.info alive\n' in service
    assert (units / 'timers.target.wants' / 'alicloud-logging-heartbeat.timer').is_symlink()
    assert heartbeat('heartbeat', alarms_heartbeat_interval=15).changed == 0
    assert heartbeat('heartbeat', alarms_heartbeat_interval=20).changed == 1
    assert 'OnUnitActiveSec=20\n' in (units / 'alicloud-logging-heartbeat.timer').read_text()
    assert heartbeat('heartbeat_remove').changed == 1
    assert not list(units.glob('alicloud-logging-heartbeat.*'))
    assert not (units / 'timers.target.wants' / 'alicloud-logging-heartbeat.timer').exists()
    assert heartbeat('heartbeat_remove').changed == 0
