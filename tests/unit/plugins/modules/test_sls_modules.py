"""sls_* modules in-process: argument errors, credential resolution, check mode and error text (emulator)."""
import json

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_client, sls_module
from ansible_collections.alicloud_ops.logging.plugins.modules import (
    sls_logstore, sls_logtail_config, sls_machine_group, sls_project)
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    SLS_KEY_ID, SLS_KEY_SECRET, mutating_calls, sls_auth, sls_emulator, sls_emulator_server, state_json)

MODULES = [sls_project, sls_logstore, sls_machine_group, sls_logtail_config]


def run(module, emu, check=False, **args):
    return run_module(module.main, dict(sls_auth(emu), **args), check_mode=check, diff=True)


def build_fleet(emu):
    assert not run(sls_project, emu, name='proj-a').failed
    assert not run(sls_logstore, emu, project='proj-a', name='syslog').failed
    assert not run(sls_machine_group, emu, project='proj-a', name='hosts', machines=['id-1']).failed
    assert not run(sls_logtail_config, emu, project='proj-a', name='cfg', logstore='syslog', tag='sys_tag',
                   machine_groups=['hosts']).failed


@pytest.mark.parametrize('module,args,field', [
    (sls_project, {'name': 'Bad_Name'}, 'name: invalid project name'),
    (sls_logstore, {'project': 'proj-a', 'name': 'x'}, 'name: invalid logstore name'),
    (sls_logstore, {'project': 'proj-a', 'name': 'store', 'ttl': 0}, 'ttl: must be between 1 and 3650'),
    (sls_logstore, {'project': 'proj-a', 'name': 'store', 'shard_count': 300}, 'shard_count: must be between'),
    (sls_machine_group, {'project': 'proj-a', 'name': 'g'}, 'name: invalid machine group name'),
    (sls_machine_group, {'project': 'proj-a', 'name': 'grp', 'machine_type': 'ip', 'machines': ['web-1']},
     "machines[0]: 'web-1' is not an IP address"),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'store'}, 'tag: required'),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'store', 'tag': 'two words'},
     'tag: must be one word'),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'store', 'pipeline': {'inputs': []}},
     'pipeline.inputs: exactly one input plugin'),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'tag': 't'}, 'logstore'),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'store', 'tag': 't',
                          'machine_groups': ['g']}, 'machine_groups: invalid machine group name'),
])
def test_bad_arguments_name_the_field_and_call_nothing(sls_emulator, module, args, field):
    result = run(module, sls_emulator, **args)
    assert result.failed, result
    assert field in result.msg
    assert sls_emulator.stats()['calls'] == {}


def test_missing_credentials_and_endpoint_name_the_options(sls_emulator):
    result = run_module(sls_project.main, {'name': 'proj-a'})
    assert result.failed
    for field in ('endpoint:', 'access_key_id: no credentials found', 'ALIBABA_CLOUD_ACCESS_KEY_ID',
                  'ALIBABA_CLOUD_ECS_METADATA_DISABLED'):
        assert field in result.msg
    assert set(result.data['invalid_options']) == {'endpoint', 'access_key_id'}


def test_half_a_key_pair_names_the_missing_option(sls_emulator):
    result = run_module(sls_project.main, {'name': 'proj-a', 'endpoint': sls_emulator.endpoint,
                                           'access_key_id': SLS_KEY_ID})
    assert result.failed and 'access_key_secret: options: access_key_id is set but access_key_secret is missing' \
        in result.msg
    assert result.data['invalid_options'] == ['access_key_secret']
    assert sls_emulator.stats()['calls'] == {}


def test_v4_needs_region(sls_emulator):
    result = run(sls_project, sls_emulator, name='proj-a', auth_version='v4')
    assert result.failed and 'region: auth_version v4' in result.msg


def test_credentials_from_environment_in_documented_order(sls_emulator, monkeypatch):
    monkeypatch.setenv('ALICLOUD_SLS_ENDPOINT', sls_emulator.endpoint)
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', SLS_KEY_ID)
    monkeypatch.setenv('ALICLOUD_SECRET_KEY', 'wrong-legacy-secret')
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', SLS_KEY_SECRET)
    result = run_module(sls_project.main, {'name': 'proj-env'})
    assert not result.failed, result
    assert 'proj-env' in sls_emulator.sls_state()['projects']


def test_v4_signing_through_the_module(sls_emulator):
    result = run(sls_project, sls_emulator, name='proj-v4', auth_version='v4', region='cn-hangzhou')
    assert not result.failed and result.changed


def test_secrets_are_no_log_in_every_module():
    spec = sls_module.sls_argument_spec()
    assert spec['access_key_secret']['no_log'] and spec['security_token']['no_log']
    assert spec['access_key_id']['no_log'] is False


def test_endpoint_resolution():
    assert sls_module.resolve_endpoint(' 127.0.0.1:80 ', 'cn-hangzhou') == '127.0.0.1:80'
    assert sls_module.resolve_endpoint(None, 'cn-beijing') == 'https://cn-beijing.log.aliyuncs.com'
    assert sls_module.resolve_endpoint(None, None) is None


def test_error_text_masks_secret_and_adds_hint():
    err = sls_client.LogException('SignatureNotMatch', 'secret s3cr3t-value leaked?', 'REQ-1', 401)
    text = sls_client.describe_sls_error(err, 'GetProject', ['s3cr3t-value', None])
    assert text == ('access_key_secret: GetProject failed: SignatureNotMatch: secret ******** leaked? '
                    '(access_key_secret does not belong to access_key_id) [request id REQ-1]')


@pytest.mark.parametrize('code', ['RequestTimeExpired', 'RequestTimeTooSkewed'])
def test_clock_skew_says_so(code):
    err = sls_client.LogException(code, 'Request time 2026 is out of range', 'REQ-2', 400)
    assert sls_client.describe_sls_error(err, 'PutLogs', []) == (
        'PutLogs failed: %s: Request time 2026 is out of range (the controller clock is more than 15 minutes off) '
        '[request id REQ-2]' % code)


def test_wrong_secret_fails_clearly_without_the_secret(sls_emulator):
    wrong = 'wrong-secret-0123456789'
    result = run_module(sls_project.main, dict(sls_auth(sls_emulator, secret=wrong), name='proj-a'))
    assert result.failed
    assert 'SignatureNotMatch' in result.msg and 'access_key_secret does not belong' in result.msg
    assert result.data['error_code'] == 'SignatureNotMatch'
    assert wrong not in json.dumps(result.data) and SLS_KEY_SECRET not in json.dumps(result.data)


def test_unknown_key_id_is_unauthorized(sls_emulator):
    result = run_module(sls_project.main, dict(sls_auth(sls_emulator, key_id='LTAI-nobody'), name='proj-a'))
    assert result.failed and 'Unauthorized' in result.msg and 'LTAI-nobody' in result.msg


def test_check_mode_on_empty_service_reports_creation_and_writes_nothing(sls_emulator):
    results = [
        run(sls_project, sls_emulator, check=True, name='proj-a'),
        run(sls_logstore, sls_emulator, check=True, project='proj-a', name='syslog'),
        run(sls_machine_group, sls_emulator, check=True, project='proj-a', name='hosts', machines=['id-1']),
        run(sls_logtail_config, sls_emulator, check=True, project='proj-a', name='cfg', logstore='syslog',
            tag='sys_tag', machine_groups=['hosts']),
    ]
    for result in results:
        assert not result.failed, result
        assert result.changed and result.data['changes'] == ['created']
    assert results[2].data['diff']['after']['machines'] == ['id-1']
    assert results[3].data['attached'] == ['hosts']
    assert sls_emulator.sls_state() == {'projects': {}}
    assert mutating_calls(sls_emulator) == {}


def test_check_mode_on_existing_resources_reports_and_keeps_them(sls_emulator):
    build_fleet(sls_emulator)
    before = state_json(sls_emulator)
    sls_emulator.reset_stats()
    cases = [
        (sls_project, {'name': 'proj-a', 'description': 'new'}, ['description']),
        (sls_logstore, {'project': 'proj-a', 'name': 'syslog', 'ttl': 90}, ['ttl']),
        (sls_machine_group, {'project': 'proj-a', 'name': 'hosts', 'machines': ['id-2'], 'append': True},
         ['machines']),
        (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'syslog', 'tag': 'other'},
         ['inputDetail.tag']),
        (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'state': 'absent'}, ['deleted']),
        (sls_machine_group, {'project': 'proj-a', 'name': 'hosts', 'state': 'absent'}, ['deleted']),
    ]
    for module, args, changes in cases:
        result = run(module, sls_emulator, check=True, **args)
        assert not result.failed, result
        assert result.changed and result.data['changes'] == changes, result
        assert result.data['diff']['before'] != result.data['diff']['after']
    assert state_json(sls_emulator) == before
    assert mutating_calls(sls_emulator) == {}


def test_missing_project_outside_check_mode_names_it(sls_emulator):
    result = run(sls_logstore, sls_emulator, project='proj-none', name='syslog')
    assert result.failed and result.msg.startswith('project: project proj-none does not exist')


def test_missing_logstore_and_group_are_named_before_any_write(sls_emulator):
    build_fleet(sls_emulator)
    result = run(sls_logtail_config, sls_emulator, project='proj-a', name='cfg2', logstore='nostore', tag='t')
    assert result.failed and result.msg.startswith('logstore: logstore nostore does not exist')
    before = state_json(sls_emulator)
    result = run(sls_logtail_config, sls_emulator, project='proj-a', name='cfg', logstore='syslog', tag='new',
                 machine_groups=['hosts', 'nogroup'])
    assert result.failed and 'machine_groups: machine group nogroup does not exist' in result.msg
    assert state_json(sls_emulator) == before
