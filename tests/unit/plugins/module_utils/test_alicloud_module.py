"""alicloud_module.py: what the cloud-API module bases share (SLSModule, CMSModule), on AlicloudModule itself through
a small module's main(): its options, the one way to fail (secrets masked, the options at fault named), the client
error's keys, the resource result and the credential chain's problems. (Through real modules against the emulator:
test_sls_module.py, test_cms_module.py.)"""
import json
from unittest import mock

import pytest
from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import MASK
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_module import (
    AlicloudModule, cloud_argument_spec)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from tests.support.module_harness import run_module

SECRET = 'never-print-this-secret-0123'


def test_cloud_argument_spec():
    spec = cloud_argument_spec('x_endpoint', ['X_ENDPOINT'], name=dict(type='str'), region=dict(type='int'))
    assert list(spec) == ['endpoint', 'region', 'access_key_id', 'access_key_secret', 'security_token', 'profile',
                          'config_file', 'ecs_role_name', 'role_arn', 'role_session_name', 'role_session_duration',
                          'sts_endpoint', 'request_timeout', 'name']
    assert spec['region'] == dict(type='int') and spec['name'] == dict(type='str')
    assert dict((k, v['type']) for k, v in spec.items() if v['type'] != 'str') == {
        'region': 'int', 'config_file': 'path', 'role_session_duration': 'int', 'request_timeout': 'int'}
    assert dict((k, v['aliases']) for k, v in spec.items() if 'aliases' in v) == {
        'endpoint': ['x_endpoint'], 'access_key_id': ['access_key'], 'access_key_secret': ['secret_key'],
        'security_token': ['sts_token'], 'profile': ['alicloud_profile'], 'config_file': ['shared_credentials_file'],
        'ecs_role_name': ['ram_role_name'], 'role_arn': ['assume_role_arn']}
    assert dict((k, v['no_log']) for k, v in spec.items() if 'no_log' in v) == {
        'access_key_id': False, 'access_key_secret': True, 'security_token': True}
    assert dict((k, v['default']) for k, v in spec.items() if 'default' in v) == {
        'role_session_duration': 3600, 'request_timeout': 30}
    assert dict((k, v['fallback']) for k, v in spec.items() if 'fallback' in v) == {
        'endpoint': (basic.env_fallback, ['X_ENDPOINT'])}
    assert set(len(v) for k, v in spec.items() if k in ('role_session_name', 'sts_endpoint')) == {1}
    assert cloud_argument_spec('y', [])['region'] == dict(
        type='str', fallback=(basic.env_fallback, ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION']))


class ApiError(AlicloudOpsError):
    """A client error as AlicloudModule.api_error expects it."""

    def __init__(self, text, code='Code', request_id=None, http_status=None, kind=None, option=None):
        super(ApiError, self).__init__(text, option)
        self.code, self.request_id, self.http_status, self.kind = code, request_id, http_status, kind


class Module(AlicloudModule):
    api_error = ApiError


WARNINGS = []


def run(body, args=None, check_mode=False, multiline=('note',), **kwargs):
    """Run a module whose main() builds Module (note, the multi-line text; items, a list of dicts) and calls
    body(module); exit_json(changed=False) if body returns."""
    def main():
        module = Module(cloud_argument_spec('x_endpoint', ['X_ENDPOINT'], note=dict(type='str'), items=dict(
            type='list', elements='dict', options=dict(name=dict(type='str')))), multiline, **kwargs)
        body(module)
        module.exit_json(changed=False, check_mode=module.check_mode, params=module.params)
    del WARNINGS[:]
    with mock.patch.object(basic.AnsibleModule, 'warn', lambda _self, msg: WARNINGS.append(msg)):
        return run_module(main, dict(args or {}), check_mode=check_mode)


def nothing(_module):
    return None


def test_check_mode_is_supported_and_kept():
    result = run(nothing, check_mode=True)
    assert not result.failed and result.data['check_mode'] is True
    assert run(nothing).data['check_mode'] is False


def test_option_checks_run_first_with_the_multiline_options_given():
    assert not run(nothing, {'note': 'a\nb'}).failed
    result = run(nothing, {'note': 'a\nb'}, multiline=())
    assert result.failed and result.data['invalid_options'] == ['note'] and result.msg.startswith('note: ')
    result = run(nothing, {'note': 'a', 'items': [{'name': 'x'}]}, mutually_exclusive=[('note', 'items')])
    assert result.failed and 'mutually exclusive' in result.msg


def test_a_non_mapping_for_sub_options_is_reported_not_a_crash():
    result = run(nothing, {'items': [True]})
    assert result.failed and "'items'" in result.msg and 'bool' in result.msg, result.msg


def test_failures_and_warnings_mask_every_known_secret():
    def body(module):
        module.warn('saw %s in the answer' % SECRET)
        module.fail_json('the service echoed %s' % SECRET, extra=1)
    result = run(body, {'access_key_id': 'LTAIexample', 'access_key_secret': SECRET})
    assert result.failed and result.msg == 'the service echoed ' + MASK and result.data['extra'] == 1
    assert WARNINGS == ['saw %s in the answer' % MASK] and SECRET not in json.dumps(result.data)


def test_fail_on_problems_names_every_option_once_sorted():
    result = run(lambda m: m.fail_on_problems([('zeta', 'bad'), ('alpha', ''), ('zeta', 'worse'), ('beta', 'no')]))
    assert result.failed and result.msg == 'zeta: bad; zeta: worse; beta: no'
    assert result.data['invalid_options'] == ['beta', 'zeta']
    assert not run(lambda m: m.fail_on_problems([('alpha', ''), ('beta', None)])).failed
    assert not run(lambda m: m.fail_on_problems([])).failed


@pytest.mark.parametrize('err, keys', [
    (ApiError('A failed: denied', 'Denied', 'RID', 403, option='access_key_id/access_key_secret'),
     {'error_code': 'Denied', 'request_id': 'RID', 'http_status': 403,
      'invalid_options': ['access_key_id', 'access_key_secret']}),
    (ApiError('A failed: timeout', 'RequestFailed', kind='transport', option='endpoint'),
     {'error_code': 'RequestFailed', 'failure_kind': 'transport', 'invalid_options': ['endpoint']}),
    (ApiError('A failed: busy', 'ServerBusy', 'RID', 503),
     {'error_code': 'ServerBusy', 'request_id': 'RID', 'http_status': 503}),
])
def test_api_errors_fail_with_code_request_id_status_or_kind_and_the_options(err, keys):
    def body(module):
        with module.api_errors():
            raise err
    result = run(body)
    assert result.failed and result.msg == str(err)
    assert dict((k, v) for k, v in result.data.items() if k != 'msg') == keys


def test_api_errors_mask_secrets_and_let_other_errors_through():
    def body(module):
        with module.api_errors():
            raise ApiError('echoed ' + SECRET)
    result = run(body, {'access_key_id': 'LTAIexample', 'access_key_secret': SECRET})
    assert result.failed and result.msg == 'echoed ' + MASK

    def other(module):
        with module.api_errors():
            raise KeyError('not the client')
    with pytest.raises(KeyError):
        run(other)


def test_exit_resource():
    result = run(lambda m: m.exit_resource('group', ['name'], {'name': 'b'}, {'name': 'a'}, {'name': 'b'}, id=5))
    assert result.data == {'changed': True, 'changes': ['name'], 'group': {'name': 'b'},
                           'diff': {'before': {'name': 'a'}, 'after': {'name': 'b'}}, 'id': 5}
    assert run(lambda m: m.exit_resource('group', [], {}, {}, {})).data['changed'] is False


def test_credentials_from_the_options_or_every_problem_at_once():
    found = []
    keys = {'access_key_id': 'LTAIexample', 'access_key_secret': SECRET, 'role_session_duration': 900}
    result = run(lambda m: found.append(m.credentials([])), keys)
    assert not result.failed and found[0].source == 'options (access_key_id)'
    result = run(lambda m: m.credentials([('endpoint', 'no endpoint'), ('region', '')]),
                 {'access_key_id': 'LTAIexample'})
    assert result.failed
    assert result.msg == ('endpoint: no endpoint; access_key_secret: options: access_key_id is set but '
                          'access_key_secret is missing')
    assert result.data['invalid_options'] == ['access_key_secret', 'endpoint']
    result = run(lambda m: m.credentials([('endpoint', 'no endpoint')]), {'access_key_id': 'LTAIexample',
                                                                          'access_key_secret': SECRET})
    assert result.failed and result.msg == 'endpoint: no endpoint' and result.data['invalid_options'] == ['endpoint']
