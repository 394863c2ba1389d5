"""cms_contact_group, cms_monitor_group and cms_metric_rule through real playbooks (ansible-runner) against the
emulator's CloudMonitor (tools/alicloud_emulator/cms.py): create, rerun with changed=0, check mode writing nothing,
diff, update, absent, bad values naming the option, and the webhook URLs never in any output."""
import json
from urllib.request import urlopen

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CREDENTIAL_ENV, METADATA_DISABLED_ENV)
from tests.support.playbook_runner import run_playbook
from tools.alicloud_emulator import start_emulator

KEY_ID = 'LTAI5tCmsModulesKey'
KEY_SECRET = 'cms-modules-secret-never-print'
HOOK = 'https://hooks.example.com/cms?token=rule-hook-token-never-print'
DING = 'https://oapi.dingtalk.com/robot/send?access_token=ding-token-never-print'
HOST_ENV = sum(CREDENTIAL_ENV.values(), ()) + ('ALICLOUD_CMS_ENDPOINT', 'ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION')


@pytest.fixture(scope='module')
def emu_server():
    emu = start_emulator(access_keys={KEY_ID: KEY_SECRET}, instances=1, regions=1)
    yield emu
    emu.stop()


@pytest.fixture
def env(emu_server, monkeypatch, tmp_path):
    for name in HOST_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv(METADATA_DISABLED_ENV, 'true')
    return {'ALIBABA_CLOUD_ACCESS_KEY_ID': KEY_ID, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': KEY_SECRET,
            'ALICLOUD_CMS_ENDPOINT': emu_server.url}


def state(emu):
    with urlopen(emu.url + '/_emulator/cms/state', timeout=10) as answer:
        return json.loads(answer.read().decode('utf-8'))


def task(module, **args):
    return {'name': '%s %s' % (module, args.get('rule_id', args.get('name', ''))),
            'alicloud_ops.logging.%s' % module: args}


def play(tasks):
    return [{'name': 'cms', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]


def changed(result):
    return [name for name, res in result.task_results() if res.get('changed')]


def results(result):
    return [res for _, res in result.task_results()]


def failure(result):
    failed = [res for _, res in result.task_results('runner_on_failed')]
    assert len(failed) == 1, result.stdout
    return failed[0]


def contacts(prefix, email='ops@example.com', ding=DING):
    return task('cms_contact_group', name=prefix + '-oncall', description='on call',
                contacts=[{'name': prefix + '-mail', 'email': email},
                          {'name': prefix + '-ding', 'dingtalk_webhook': ding}])


def group(prefix, instances=('i-1', 'i-2')):
    return task('cms_monitor_group', name=prefix + '-web', contact_groups=[prefix + '-oncall'],
                instances=[{'instance_id': i, 'instance_name': 'host-' + i, 'region_id': 'cn-hangzhou'}
                           for i in instances])


def rule(prefix, threshold=90, operator='>', webhook=HOOK, **extra):
    args = dict(rule_id=prefix + '-cpu', name=prefix + ' cpu', monitor_group=prefix + '-web', metric='cpu_total',
                escalations={'critical': {'operator': operator, 'threshold': threshold, 'times': 2}},
                webhook_url=webhook, no_data_policy='INSUFFICIENT_DATA')
    args.update(extra)
    return task('cms_metric_rule', **args)


def assert_no_secret(result):
    for text in (result.stdout, json.dumps(results(result))):
        for secret in ('rule-hook-token-never-print', 'ding-token-never-print', KEY_SECRET):
            assert secret not in text


def test_create_rerun_check_update_absent(emu_server, env, tmp_path):
    tasks = [contacts('a'), group('a'), rule('a')]
    check = run_playbook(tmp_path, play(tasks), check=True, diff=True, envvars=env)
    assert check.rc == 0, check.stdout
    assert changed(check) == ['cms_contact_group a-oncall', 'cms_monitor_group a-web', 'cms_metric_rule a-cpu']
    snap = state(emu_server)
    assert 'a-oncall' not in snap['contact_groups'] and 'a-cpu' not in snap['rules']
    assert_no_secret(check)

    first = run_playbook(tmp_path, play(tasks), diff=True, envvars=env)
    assert first.rc == 0 and len(changed(first)) == 3, first.stdout
    assert_no_secret(first)
    snap = state(emu_server)
    assert sorted(snap['contact_groups']['a-oncall']['Contacts']) == ['a-ding', 'a-mail']
    assert snap['contacts']['a-ding']['Channels']['DingWebHook'] == DING
    web = [g for g in snap['groups'].values() if g['GroupName'] == 'a-web']
    assert len(web) == 1 and sorted(i['InstanceId'] for i in web[0]['Instances']) == ['i-1', 'i-2']
    cpu = snap['rules']['a-cpu']
    assert cpu['Webhook'] == HOOK and cpu['GroupName'] == 'a-web' and cpu['ContactGroups'] == 'a-oncall'
    assert cpu['Escalations']['Critical']['ComparisonOperator'] == 'GreaterThanThreshold'
    assert float(cpu['Escalations']['Critical']['Threshold']) == 90 and cpu['Escalations']['Critical']['Times'] == 2
    assert cpu['Period'] == '60' and cpu['NoDataPolicy'] == 'INSUFFICIENT_DATA' and cpu['EnableState'] is True
    out = results(first)
    assert out[1]['group_id'] == str(web[0]['GroupId'])
    assert out[2]['rule']['webhook_url'].startswith('<hidden sha256:')
    assert out[2]['rule']['escalations'] == {'critical': {'statistics': 'Average', 'operator': '>',
                                                          'threshold': 90, 'times': 2}}

    again = run_playbook(tmp_path, play(tasks), envvars=env)
    assert again.rc == 0 and changed(again) == [], again.stdout

    # Update: one contact's mail, the instance list (i-2 out, i-3 in), the threshold, the webhook, disabled.
    update = [contacts('a', email='oncall@example.com'), group('a', ('i-1', 'i-3')),
              rule('a', threshold=95, operator='>=', webhook=HOOK + '2', enabled=False)]
    preview = run_playbook(tmp_path, play(update), check=True, diff=True, envvars=env)
    assert preview.rc == 0 and len(changed(preview)) == 3, preview.stdout
    assert state(emu_server)['rules']['a-cpu']['Escalations']['Critical']['Threshold'] in ('90', '90.0', 90)
    out = results(preview)
    assert out[0]['changes'] == ['contact a-mail: email']
    assert out[1]['changes'] == ['instances added i-3', 'instances removed i-2']
    assert out[2]['changes'] == ['enabled', 'escalations', 'webhook_url']
    assert out[2]['diff']['before']['webhook_url'] != out[2]['diff']['after']['webhook_url']
    assert_no_secret(preview)
    done = run_playbook(tmp_path, play(update), envvars=env)
    assert done.rc == 0 and len(changed(done)) == 3, done.stdout
    snap = state(emu_server)
    assert snap['contacts']['a-mail']['Channels'] == {'Mail': 'oncall@example.com'}
    assert snap['contacts']['a-ding']['Channels']['DingWebHook'] == DING
    web = [g for g in snap['groups'].values() if g['GroupName'] == 'a-web'][0]
    assert sorted(i['InstanceId'] for i in web['Instances']) == ['i-1', 'i-3']
    cpu = snap['rules']['a-cpu']
    assert cpu['EnableState'] is False and cpu['Webhook'] == HOOK + '2'
    assert cpu['Escalations']['Critical']['ComparisonOperator'] == 'GreaterThanOrEqualToThreshold'
    assert run_playbook(tmp_path, play(update), envvars=env).changed == 0

    gone = [rule('a', state='absent'), task('cms_monitor_group', name='a-web', state='absent'),
            task('cms_contact_group', name='a-oncall', contacts=[{'name': 'a-mail'}, {'name': 'a-ding'}],
                 purge_contacts=True, state='absent')]
    check_gone = run_playbook(tmp_path, play(gone), check=True, envvars=env)
    assert check_gone.rc == 0 and len(changed(check_gone)) == 3
    assert 'a-cpu' in state(emu_server)['rules']
    removed = run_playbook(tmp_path, play(gone), envvars=env)
    assert removed.rc == 0 and len(changed(removed)) == 3, removed.stdout
    snap = state(emu_server)
    assert 'a-cpu' not in snap['rules'] and 'a-oncall' not in snap['contact_groups']
    assert 'a-mail' not in snap['contacts'] and not [g for g in snap['groups'].values() if g['GroupName'] == 'a-web']
    assert run_playbook(tmp_path, play(gone), envvars=env).changed == 0


@pytest.mark.parametrize('bad, option', [
    (dict(period=30), 'period'),
    (dict(escalations={'critical': {'operator': '=>', 'threshold': 1}}), 'operator'),
    (dict(escalations={}), 'escalations'),
    (dict(webhook_url='ftp://example.com/x'), 'webhook_url'),
    (dict(send_ok=False), 'send_ok'),
    (dict(monitor_group='b-missing'), 'monitor_group'),
])
def test_bad_values_name_the_option(emu_server, env, tmp_path, bad, option):
    result = run_playbook(tmp_path, play([contacts('b'), group('b'), rule('b', **bad)]), envvars=env)
    assert result.rc != 0
    failed = failure(result)
    assert option in failed['msg'], failed
    assert_no_secret(result)
    assert option in failed.get('invalid_options', [option.split('.')[0]]) or option == 'operator'
    assert 'b-cpu' not in state(emu_server)['rules']


def test_success_false_fails_with_code_and_message(emu_server, env, tmp_path):
    # The SDK raises only on HTTP >= 400; the emulator answers 200 + Success false for a period below its minimum
    # (60 s, as the service), which only the service checks: the failure carries its Code and Message, named.
    result = run_playbook(tmp_path, play([contacts('c'), group('c'), rule('c', period=30)]), envvars=env)
    assert result.rc != 0
    failed = failure(result)
    assert failed['error_code'] == '400' and 'PutGroupMetricRule' in failed['msg'], failed
    assert failed['msg'].startswith('period: ') and failed['invalid_options'] == ['period'], failed
    assert 'c-cpu' not in state(emu_server)['rules']


def test_unknown_contact_group_is_refused_before_any_write(emu_server, env, tmp_path):
    result = run_playbook(tmp_path, play([task('cms_monitor_group', name='d-web', contact_groups=['d-nobody'])]),
                          envvars=env)
    assert result.rc != 0
    failed = failure(result)
    assert failed['invalid_options'] == ['contact_groups'] and 'd-nobody' in failed['msg'], failed
    assert not [g for g in state(emu_server)['groups'].values() if g['GroupName'] == 'd-web']


def test_wrong_secret_names_the_option_and_never_shows_it(emu_server, env, tmp_path):
    wrong = dict(env, ALIBABA_CLOUD_ACCESS_KEY_SECRET='wrong-secret-never-print')
    result = run_playbook(tmp_path, play([task('cms_contact_group', name='d-oncall')]), envvars=wrong)
    failed = failure(result)
    assert failed['invalid_options'] == ['access_key_secret'] and failed['error_code'] == 'SignatureDoesNotMatch'
    assert 'wrong-secret-never-print' not in result.stdout


def test_endpoint_that_does_not_answer_names_endpoint(env, tmp_path):
    result = run_playbook(tmp_path, play([task('cms_contact_group', name='e-oncall', request_timeout=2)]),
                          envvars=dict(env, ALICLOUD_CMS_ENDPOINT='http://127.0.0.1:9'))
    failed = failure(result)
    assert failed['invalid_options'] == ['endpoint'] and failed['failure_kind'] == 'transport'
