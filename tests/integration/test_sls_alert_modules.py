"""sls_alert and sls_alert_action through the emulator's /jobs and resource-record APIs (the SDK's calls, the module
harness of tests/support): create, idempotent second run, check mode, diff, one field updated, disable, absent,
bad input naming the option, and the webhook URL never in what a module returns."""
import json
from unittest import mock

import pytest
from aliyun.log import LogClient, LogItem, PutLogsRequest
from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import METADATA_DISABLED_ENV
from ansible_collections.alicloud_ops.logging.plugins.modules import (
    sls_alert, sls_alert_action, sls_index, sls_logstore, sls_project)
from tests.integration.test_sls_emulator import changed_tasks, module_play, task
from tests.support.module_harness import run_module
from tests.support.playbook_runner import run_playbook
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    SLS_KEY_ID, SLS_KEY_SECRET, mutating_calls, sls_auth, sls_emulator, sls_emulator_server, sls_env)
from tools.alicloud_emulator import start_emulator
from tools.webhook_receiver import WebhookReceiver

PROJECT = 'alarm-proj'
URL = 'https://oapi.dingtalk.example/robot/send?access_token=tok-abcdef0123456789'
QUERY = '* | select _hostname_ as host, count(*) as errors group by host'


def run(module, emu, check=False, **args):
    return run_module(module.main, dict(sls_auth(emu), **args), check_mode=check, diff=True)


def rule_args(**over):
    args = dict(project=PROJECT, name='error-burst', display_name='Error burst',
                queries=[{'logstore': 'syslog', 'query': QUERY, 'start': '-5m'}], group_by=['host'],
                conditions=[{'severity': 'high', 'condition': 'errors >= 20'}],
                annotations={'title': 'Errors on ${host}'}, send_resolved=True, action_policy='ops-oncall')
    args.update(over)
    return args


def raw_client(emu):
    client = LogClient(emu.endpoint, SLS_KEY_ID, SLS_KEY_SECRET)
    client._isRowIp = True         # the emulator listens on 127.0.0.1:port (SlsModule does the same)
    return client


@pytest.fixture
def project(sls_emulator):
    assert not run(sls_project, sls_emulator, name=PROJECT).failed
    assert not run(sls_logstore, sls_emulator, project=PROJECT, name='syslog').failed
    sls_emulator.reset_stats()
    return sls_emulator


def test_alert_create_is_idempotent_and_matches_the_service(project):
    first = run(sls_alert, project, **rule_args())
    assert not first.failed, first.msg
    assert first.changed and first.data['changes'] == ['created'] and first.data['diff']['before'] == {}
    body = raw_client(project).get_alert(PROJECT, 'error-burst').get_body()
    conf = body['configuration']
    assert body['status'] == 'ENABLED' and body['displayName'] == 'Error burst'
    assert body['schedule'] == {'type': 'FixedRate', 'interval': '1m', 'runImmediately': False}
    assert conf['groupConfiguration'] == {'type': 'custom', 'fields': ['host']}
    assert conf['severityConfigurations'] == [
        {'severity': 8, 'evalCondition': {'condition': 'errors >= 20', 'countCondition': ''}}]
    assert conf['queryList'][0]['store'] == 'syslog' and conf['queryList'][0]['start'] == '-5m'
    assert conf['policyConfiguration']['actionPolicyId'] == 'ops-oncall'
    assert conf['policyConfiguration']['repeatInterval'] == '1h' and conf['sendResolved'] is True
    assert conf['annotations'] == [{'key': 'title', 'value': 'Errors on ${host}'}]
    assert first.data['alert']['conditions'][0]['severity'] == 'high'
    project.reset_stats()
    second = run(sls_alert, project, **rule_args())
    assert not second.failed and not second.changed and second.data['changes'] == []
    assert mutating_calls(project) == {}
    assert second.data['diff']['before'] == second.data['diff']['after'] == first.data['alert']


def test_alert_check_mode_changes_nothing(project):
    check = run(sls_alert, project, check=True, **rule_args())
    assert check.changed and check.data['changes'] == ['created']
    assert check.data['alert']['threshold'] == 1
    assert mutating_calls(project) == {}
    assert raw_client(project).list_alert(PROJECT).get_total() == 0
    assert not run(sls_alert, project, **rule_args()).failed
    check = run(sls_alert, project, check=True, **rule_args(threshold=3))
    assert check.changed and check.data['changes'] == ['threshold']
    assert raw_client(project).get_alert(PROJECT, 'error-burst').get_body()['configuration']['threshold'] == 1


def test_alert_created_disabled_is_disabled_even_when_the_service_ignores_status(project, monkeypatch):
    created = run(sls_alert, project, **rule_args(enabled=False))
    assert created.changed and created.data['alert']['enabled'] is False
    assert raw_client(project).get_alert(PROJECT, 'error-burst').get_body()['status'] == 'DISABLED'
    assert 'DisableAlert' not in project.stats()['calls']            # the body's status was enough here
    # A service that creates every rule enabled (the docs' other reading): the module disables it.
    real = sls_alert.alert_body
    monkeypatch.setattr(sls_alert, 'alert_body', lambda *a: dict(real(*a), status='Enabled'))
    assert not run(sls_alert, project, project=PROJECT, name='error-burst', state='absent').failed
    again = run(sls_alert, project, **rule_args(enabled=False))
    assert again.data['alert']['enabled'] is False and project.stats()['calls'].get('DisableAlert') == 1
    assert not run(sls_alert, project, **rule_args(enabled=False)).changed


def test_alert_update_one_field_then_disable_then_absent(project):
    assert not run(sls_alert, project, **rule_args()).failed
    raw_client(project).update_alert(PROJECT, dict(raw_client(project).get_alert(PROJECT, 'error-burst').get_body(),
                                                   muteUntil=1900000000))
    updated = run(sls_alert, project, **rule_args(conditions=[{'severity': 'critical', 'condition': 'errors >= 50'}]))
    assert updated.changed and updated.data['changes'] == ['conditions']
    diff = updated.data['diff']
    assert diff['before']['conditions'][0]['condition'] == 'errors >= 20'
    assert diff['after']['conditions'] == [{'severity': 'critical', 'condition': 'errors >= 50', 'count_condition': ''}]
    body = raw_client(project).get_alert(PROJECT, 'error-burst').get_body()
    assert body['configuration']['severityConfigurations'][0]['severity'] == 10
    assert body['muteUntil'] == 1900000000            # what the module has no option for is kept
    project.reset_stats()
    critical = [{'severity': 'critical', 'condition': 'errors >= 50'}]
    disabled = run(sls_alert, project, **rule_args(enabled=False, conditions=critical))
    assert disabled.changed and disabled.data['changes'] == ['enabled'] and disabled.data['alert']['enabled'] is False
    assert raw_client(project).get_alert(PROJECT, 'error-burst').get_body()['status'] == 'DISABLED'
    calls = project.stats()['calls']
    assert mutating_calls(project) == {'DisableAlert': 1}, calls     # no PUT of the whole rule
    again = run(sls_alert, project, **rule_args(enabled=False, conditions=critical))
    assert not again.changed
    gone = run(sls_alert, project, project=PROJECT, name='error-burst', state='absent')
    assert gone.changed and gone.data['changes'] == ['deleted'] and gone.data['diff']['after'] == {}
    assert raw_client(project).list_alert(PROJECT).get_total() == 0
    assert not run(sls_alert, project, project=PROJECT, name='error-burst', state='absent').changed


@pytest.mark.parametrize('over,field', [
    ({'name': 'Error_Burst'}, 'name: must be 2-128 lower-case'),
    ({'queries': []}, 'queries: required with state=present'),
    ({'queries': [{'logstore': 'syslog', 'query': QUERY, 'start': '5m'}]}, 'queries[0].start: must be a relative'),
    ({'schedule': {'interval': 'often'}}, 'schedule.interval: must be a duration'),
    ({'schedule': {'type': 'Cron'}}, 'schedule.cron_expression: type Cron needs five cron fields'),
    ({'threshold': 0}, 'threshold: must be at least 1'),
    ({'repeat_interval': '1 hour'}, 'repeat_interval: must be a duration'),
    ({'display_name': 'x' * 65}, 'display_name: must be 1-64 characters'),
    ({'no_data_severity': 'low'}, 'no_data_severity: only means something with no_data_fire=true'),
])
def test_alert_bad_input_names_the_option_and_calls_nothing(project, over, field):
    result = run(sls_alert, project, **rule_args(**over))
    assert result.failed and field in result.msg, result.msg
    assert project.stats()['calls'] == {}


def test_alert_query_and_annotations_may_span_lines(project):
    query = '* | select _hostname_ as host,\n  count(*) as errors\ngroup by host'
    result = run(sls_alert, project, **rule_args(queries=[{'logstore': 'syslog', 'query': query}],
                                                 annotations={'desc': 'line one\nline two'}))
    assert not result.failed, result.msg
    conf = raw_client(project).get_alert(PROJECT, 'error-burst').get_body()['configuration']
    assert conf['queryList'][0]['query'] == query and conf['annotations'][0]['value'] == 'line one\nline two'
    assert run(sls_alert, project, **rule_args(display_name='two\nlines')).msg.startswith('display_name')


def test_alert_service_refusal_names_the_field(project):
    result = run(sls_alert, project, **rule_args(schedule={'interval': '30s'}))
    assert result.failed and result.msg.startswith('schedule.interval: CreateAlert failed: ParameterInvalid')
    assert result.data['invalid_options'] == ['schedule.interval']


def test_alert_in_a_missing_project_names_the_module_that_creates_it(sls_emulator):
    result = run(sls_alert, sls_emulator, **rule_args(project='no-such-proj'))
    assert result.failed and 'sls_project' in result.msg and result.data['invalid_options'] == ['project']


def test_alert_absent_in_a_missing_project_is_no_change_and_check_mode_warns(sls_emulator):
    gone = run(sls_alert, sls_emulator, project='no-such-proj', name='error-burst', state='absent')
    assert not gone.failed and not gone.changed
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        checked = run(sls_alert, sls_emulator, check=True, **rule_args(project='no-such-proj'))
    assert not checked.failed and checked.changed and checked.data['changes'] == ['created']
    assert any('sls_project' in call.args[0] for call in warn.call_args_list)
    assert mutating_calls(sls_emulator) == {}


def action(emu, check=False, **over):
    args = dict(name='ops-oncall', display_name='Ops on-call', webhook_url=URL, webhook_type='dingtalk',
                webhook_headers={'X-Team': 'sre-team', 'Authorization': 'Bearer hdr-secret-42'})
    args.update(over)
    return run(sls_alert_action, emu, check=check, **args)


def assert_no_url(result):
    shown = json.dumps(result.data)
    assert URL not in shown and 'tok-abcdef' not in shown and 'hdr-secret-42' not in shown


def test_action_records_create_idempotent_update_absent(sls_emulator):
    check = action(sls_emulator, check=True)
    assert check.changed and mutating_calls(sls_emulator) == {}
    first = action(sls_emulator)
    assert not first.failed, first.msg
    assert first.changed and first.data['changes'] == ['created']
    assert_no_url(first)
    client = raw_client(sls_emulator)
    hook = client.get_resource_record('sls.alert.action_webhook', 'ops-oncall-webhook').get_record()
    assert hook.get_value() == {'id': 'ops-oncall-webhook', 'name': 'Ops on-call', 'type': 'dingtalk', 'url': URL,
                                'method': 'POST', 'headers': [{'key': 'Authorization', 'value': 'Bearer hdr-secret-42'},
                                                              {'key': 'X-Team', 'value': 'sre-team'}]}
    policy = client.get_resource_record('sls.alert.action_policy', 'ops-oncall').get_record()
    assert policy.get_tag() == 'Ops on-call'
    assert 'webhook_id="ops-oncall-webhook"' in policy.get_value()['primary_policy_script']
    sls_emulator.reset_stats()
    second = action(sls_emulator)
    assert not second.changed and mutating_calls(sls_emulator) == {}
    new_url = URL.replace('tok-abcdef', 'tok-zyxwvu')
    moved = action(sls_emulator, webhook_url=new_url)
    assert moved.changed and moved.data['changes'] == ['webhook_url']
    assert moved.data['diff']['before']['webhook_url'] != moved.data['diff']['after']['webhook_url']
    assert moved.data['diff']['after']['webhook_url'].startswith('sha256:')
    assert new_url not in json.dumps(moved.data) and 'tok-zyxwvu' not in json.dumps(moved.data)
    assert client.get_resource_record('sls.alert.action_webhook', 'ops-oncall-webhook').get_record() \
        .get_value()['url'] == new_url
    gone = run(sls_alert_action, sls_emulator, name='ops-oncall', state='absent')
    assert gone.changed and gone.data['changes'] == ['deleted']
    assert_no_url(gone)
    assert client.list_resource_records('sls.alert.action_webhook').get_total() == 0
    assert client.list_resource_records('sls.alert.action_policy').get_total() == 0
    assert not run(sls_alert_action, sls_emulator, name='ops-oncall', state='absent').changed


@pytest.mark.parametrize('over,field', [
    ({'webhook_url': 'ftp://tok-abcdef0123456789'}, 'webhook_url: must be an http:// or https:// URL'),
    ({'webhook_url': None}, 'webhook_url: required with state=present'),
    ({'name': '-bad'}, 'name: must be 2-120'),
])
def test_action_bad_input_names_the_option(sls_emulator, over, field):
    result = action(sls_emulator, **over)
    assert result.failed and field in result.msg, result.msg
    assert 'tok-abcdef' not in result.msg
    assert sls_emulator.stats()['calls'] == {}


class FakeClock(object):
    def __init__(self, now=1800000000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clocked(monkeypatch, tmp_path):
    """An emulator on a fake clock (the scheduler is ticked by hand) and a receiver."""
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv(METADATA_DISABLED_ENV, 'true')
    clock = FakeClock()
    emu = start_emulator(access_keys={SLS_KEY_ID: SLS_KEY_SECRET}, instances=1, regions=1, index_delay=0,
                         incomplete_first=0, clock=clock, alarm_min_interval=60)
    emu.clock = clock
    receiver = WebhookReceiver().start()
    receiver.url += '/alert?token=tok-receiver'
    try:
        yield emu, receiver
    finally:
        receiver.stop()
        emu.stop()


def test_module_made_rule_fires_through_the_module_made_action(clocked):
    """The two modules' records are what the emulator's scheduler follows: rule -> action policy -> webhook,
    with the module's headers; the notification per host, then resolved (send_resolved)."""
    emu, receiver = clocked
    assert not run(sls_project, emu, name=PROJECT).failed
    assert not run(sls_logstore, emu, project=PROJECT, name='syslog').failed
    assert not run(sls_index, emu, project=PROJECT, logstore='syslog').failed
    made = action(emu, webhook_url=receiver.url, webhook_type='custom')
    assert not made.failed and 'tok-receiver' not in json.dumps(made.data)
    rule = run(sls_alert, emu, **rule_args(
        queries=[{'logstore': 'syslog', 'query': '_severity_: 3', 'start': '-5m'}], group_by=['_hostname_'],
        conditions=[{'severity': 'critical', 'count_condition': '__count__ >= 2'}],
        annotations={'title': 'Errors on ${_hostname_}'}))
    assert not rule.failed, rule.msg
    client, t0 = raw_client(emu), emu.clock.now
    emu.sls.scheduler.tick(t0)
    items = [LogItem(timestamp=int(t0 + 10), contents=[('_hostname_', host), ('_severity_', '3'),
                                                       ('_content_', 'disk error')])
             for host in ('web-1', 'web-1', 'web-2')]
    client.put_logs(PutLogsRequest(PROJECT, 'syslog', 'syslog', '', items))
    emu.clock.now = t0 + 60
    emu.sls.scheduler.tick(emu.clock.now)
    assert [(r['body']['status'], r['body']['labels'].get('_hostname_')) for r in receiver.received] == \
        [('firing', 'web-1')]
    hook = receiver.received[0]
    assert hook['body']['severity'] == 10 and hook['body']['alert_name'] == 'Error burst'
    assert hook['body']['annotations']['title'] == 'Errors on web-1'
    assert hook['headers']['X-Team'] == 'sre-team'
    emu.clock.now = t0 + 360
    emu.sls.scheduler.tick(emu.clock.now)
    assert [r['body']['status'] for r in receiver.received] == ['firing', 'resolved']


def test_playbook_with_diff_and_vvv_never_prints_the_webhook_url(sls_emulator, tmp_path):
    """The two modules in a real playbook (ansible-runner): created, then changed=0; with --diff and -vvv the
    URL and the header secret appear nowhere in the output (no_log on webhook_url, fingerprints in the diff)."""
    hook = dict(name='ops-oncall', webhook_url=URL, webhook_headers={'Authorization': 'Bearer hdr-secret-42'})
    tasks = [task('sls_project', name=PROJECT), task('sls_logstore', project=PROJECT, name='syslog'),
             task('sls_alert_action', **hook), task('sls_alert', **rule_args())]
    env = sls_env(sls_emulator)
    first = run_playbook(tmp_path, module_play(tasks), diff=True, envvars=env, cmdline='-vvv')
    assert first.rc == 0 and first.failed == 0, first.stdout[-3000:]
    assert changed_tasks(first) == ['sls_project %s' % PROJECT, 'sls_logstore syslog',
                                    'sls_alert_action ops-oncall', 'sls_alert error-burst']
    second = run_playbook(tmp_path, module_play(tasks), diff=True, envvars=env, cmdline='-vvv')
    assert second.rc == 0 and second.changed == 0, changed_tasks(second)
    moved = [task('sls_alert_action', **dict(hook, webhook_url=URL + '-2'))]
    third = run_playbook(tmp_path, module_play(moved), diff=True, envvars=env, cmdline='-vvv')
    assert third.rc == 0 and changed_tasks(third) == ['sls_alert_action ops-oncall']
    assert 'webhook_url' in third.stdout and 'sha256:' in third.stdout
    for run_ in (first, second, third):
        events = json.dumps([ev.get('event_data') for ev in run_.runner.events], default=str)
        for secret in ('tok-abcdef0123456789', 'hdr-secret-42', SLS_KEY_SECRET):
            assert secret not in run_.stdout and secret not in events, secret
