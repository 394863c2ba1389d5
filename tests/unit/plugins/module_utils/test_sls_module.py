"""sls_module.py: the Log Service module base, through real modules against the emulator. Only the SDK's one
transport call (LogClient._getHttpResponse) is scripted, so retries, error mapping and masking run the real code."""
import json
from unittest import mock

import pytest
from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_client, sls_module
from ansible_collections.alicloud_ops.logging.plugins.modules import sls_logstore, sls_project
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    sls_auth, sls_emulator, sls_emulator_server)
from tests.unit.plugins.module_utils.test_sls_client import BUSY, answer, scripted


def test_module_failure_names_the_option_and_masks_the_secret(sls_emulator):
    wrong = 'wrong-secret-0123456789'
    echo = answer(401, {'errorCode': 'SignatureNotMatch', 'errorMessage': 'expected a signature of ' + wrong})
    patch, sent = scripted([echo])
    with patch:
        result = run_module(sls_project.main, dict(sls_auth(sls_emulator, secret=wrong), name='proj-a'))
    assert result.failed and len(sent) == 1
    assert result.msg == ('access_key_secret: GetProject failed: SignatureNotMatch: expected a signature of '
                          '******** (access_key_secret does not belong to access_key_id) [request id REQ-1]')
    assert result.data['invalid_options'] == ['access_key_secret']
    assert (result.data['error_code'], result.data['http_status']) == ('SignatureNotMatch', 401)
    assert wrong not in json.dumps(result.data)


def test_module_rides_out_throttling_against_the_emulator(sls_emulator, monkeypatch):
    """Two 503s, then the emulator: the logstore module succeeds, and the project exists once."""
    monkeypatch.setitem(sls_client.RETRY, 'base_delay', 0.001)
    assert not run_module(sls_project.main, dict(sls_auth(sls_emulator), name='proj-a')).failed
    real = sls_client.LogClient._getHttpResponse
    busy = [BUSY, BUSY]

    def flaky(self, *args):
        return busy.pop(0) if busy else real(self, *args)
    with mock.patch.object(sls_client.LogClient, '_getHttpResponse', flaky):
        result = run_module(sls_logstore.main, dict(sls_auth(sls_emulator), project='proj-a', name='syslog', ttl=7))
    assert not result.failed, result
    assert result.changed and result.data['logstore']['ttl'] == 7
    assert sls_emulator.sls_state()['projects']['proj-a']['logstores']['syslog']['ttl'] == 7


def test_a_missing_parent_names_its_option(sls_emulator):
    result = run_module(sls_logstore.main, dict(sls_auth(sls_emulator), project='no-such-proj', name='syslog'))
    assert result.failed
    assert result.msg == ('project: project no-such-proj does not exist; create it first '
                          '(alicloud_ops.logging.sls_project)')
    assert result.data['invalid_options'] == ['project'] and result.data['error_code'] == 'ProjectNotExist'


def test_the_auth_options_and_the_modules_own():
    spec = sls_module.sls_argument_spec(ttl=dict(type='int'))
    assert spec['auth_version'] == dict(type='str', default='v1', choices=['v1', 'v4'])
    assert spec['ttl'] == dict(type='int')
    assert spec['endpoint']['aliases'] == ['sls_endpoint'] and spec['endpoint']['fallback'][1] == \
        ['ALICLOUD_SLS_ENDPOINT']


def test_the_options_of_a_resource_in_a_project():
    assert sls_module.resource_options('logstore') == dict(
        project=dict(type='str', required=True),
        name=dict(type='str', required=True, aliases=['logstore']),
        state=dict(type='str', default='present', choices=['present', 'absent']))


def test_missing_parents_name_the_option_and_the_module_that_creates_them():
    project = 'project: project p does not exist; create it first (alicloud_ops.logging.sls_project)'
    assert sls_module.project_parent('p') == {'ProjectNotExist': project}
    assert sls_module.logstore_parents('p', 's', 'logstore') == {
        'ProjectNotExist': project,
        'LogStoreNotExist': 'logstore: logstore s does not exist in project p; create it first '
                            '(alicloud_ops.logging.sls_logstore)'}
    assert sls_module.logstore_parents('p', 's', 'source', create_hint=False)['LogStoreNotExist'] == \
        'source: logstore s does not exist in project p'


def test_the_region_builds_the_endpoint_when_none_is_given():
    assert sls_module.resolve_endpoint('', ' cn-beijing ') == 'https://cn-beijing.log.aliyuncs.com'
    assert sls_module.resolve_endpoint(None, '') is None


@pytest.mark.parametrize('endpoint, problem', [
    ('http://[::1', "IPv6 literal addresses are not supported by aliyun-log-python-sdk; use a host name "
                    "(got 'http://[::1')"),
    ('::1]', "IPv6 literal addresses are not supported by aliyun-log-python-sdk; use a host name (got '::1]')"),
    ('host name', "must be [http:// or https://]host[:port], got 'host name'"),
    ('ftp://host', "scheme must be http or https, got 'ftp://host'"),
    ('host:0', "port must be 1 to 65535, got 'host:0'"),
    ('host:65536', "port must be 1 to 65535, got 'host:65536'"),
])
def test_endpoint_problems_word_for_word(endpoint, problem):
    assert sls_module.endpoint_problem(endpoint) == problem


@pytest.mark.parametrize('endpoint', ['host:1', 'host:65535', 'HTTPS://host', 'Http://host:80/path', 'host'])
def test_endpoints_at_the_limits_are_usable(endpoint):
    assert sls_module.endpoint_problem(endpoint) is None


def test_connection_problems_name_each_option():
    assert sls_module.connection_problems({}) == [
        ('endpoint', 'no Log Service endpoint: set endpoint (or ALICLOUD_SLS_ENDPOINT) or region')]
    assert sls_module.connection_problems({'region': 'cn hangzhou', 'auth_version': 'v4', 'request_timeout': 0}) == [
        ('region', "must be [http:// or https://]host[:port], got 'https://cn hangzhou.log.aliyuncs.com'"),
        ('request_timeout', 'must be at least 1 second')]
    assert sls_module.connection_problems({'endpoint': 'ftp://h', 'region': 'r', 'auth_version': 'v1'}) == [
        ('endpoint', "scheme must be http or https, got 'ftp://h'")]
    assert sls_module.connection_problems({'endpoint': 'h', 'auth_version': 'v4', 'request_timeout': 1}) == [
        ('region', 'auth_version v4 signs with the region: set region')]
    assert sls_module.connection_problems({'endpoint': 'h', 'request_timeout': None}) == []


def in_module(body, args, check_mode=False):
    """run_module for a main() that builds an SLSModule with these options and runs body(module)."""
    def main():
        module = sls_module.SLSModule(sls_module.resource_options('logstore'))
        body(module)
    return run_module(main, args, check_mode=check_mode)


def gone(code):
    return sls_client.SlsApiError('GetLogStore failed: %s' % code, code=code, request_id='REQ-7')


PARENTS = {'ProjectNotExist': 'project: project p does not exist'}


@pytest.mark.parametrize('state, code, check, outcome', [
    ('present', 'LogStoreNotExist', False, None),
    ('absent', 'ProjectNotExist', False, None),
    ('present', 'ProjectNotExist', True, None),
])
def test_absent_on_answers_none_for_what_is_missing(state, code, check, outcome):
    seen = []
    result = in_module(lambda m: seen.append(m.absent_on(gone(code), ('LogStoreNotExist',), PARENTS)) or
                       m.exit_json(), {'project': 'p', 'name': 'syslog', 'state': state}, check_mode=check)
    assert not result.failed and seen == [outcome]


def test_absent_on_warns_in_check_mode_and_fails_outside_it():
    args = {'project': 'p', 'name': 'syslog'}
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        in_module(lambda m: m.absent_on(gone('ProjectNotExist'), (), PARENTS) or m.exit_json(), args, True)
    assert [c.args[0] for c in warn.call_args_list] == [
        'project: project p does not exist; check mode assumes an earlier task creates it']
    result = in_module(lambda m: m.absent_on(gone('ProjectNotExist'), (), PARENTS), args)
    assert result.failed and result.msg == 'project: project p does not exist'
    assert (result.data['error_code'], result.data['request_id'], result.data['invalid_options']) == (
        'ProjectNotExist', 'REQ-7', ['project'])


def test_absent_on_reraises_any_other_error():
    err = gone('Unauthorized')
    with pytest.raises(sls_client.SlsApiError) as raised:
        in_module(lambda m: m.absent_on(err, ('LogStoreNotExist',)), {'project': 'p', 'name': 'syslog'})
    assert raised.value is err
    with pytest.raises(sls_client.SlsApiError):
        in_module(lambda m: m.absent_on(gone('ProjectNotExist'), ('LogStoreNotExist',)),
                  {'project': 'p', 'name': 'syslog', 'state': 'absent'})


def built_client(args):
    """The arguments single_attempt_client was called with when a module with these options built its client
    (twice: the second call must reuse the first client)."""
    built = []

    def body(module):
        with mock.patch.object(sls_module, 'single_attempt_client', wraps=sls_module.single_attempt_client) as spy:
            first = module.client()
            assert module.client() is first
            built.extend(spy.call_args_list)
        module.exit_json()
    assert not in_module(body, dict(args, project='p', name='syslog')).failed
    assert len(built) == 1
    return built[0].args


def test_the_client_is_built_once_from_the_options(sls_emulator):
    endpoint, credentials, auth_version, region, timeout = built_client(dict(
        sls_auth(sls_emulator), endpoint=' %s ' % sls_emulator.endpoint, region='cn-beijing', auth_version='v4',
        request_timeout=5))
    assert (endpoint, auth_version, region, timeout) == (sls_emulator.endpoint, 'v4', 'cn-beijing', 5)
    assert credentials.static[0] == sls_auth(sls_emulator)['access_key_id']


def test_without_an_endpoint_the_client_uses_the_regions(sls_emulator):
    args = dict(sls_auth(sls_emulator), region='cn-beijing')
    del args['endpoint']
    endpoint, _credentials, auth_version, region, timeout = built_client(args)
    assert (endpoint, auth_version, region, timeout) == ('https://cn-beijing.log.aliyuncs.com', 'v1', 'cn-beijing',
                                                         30)


def test_the_modules_own_argument_rules_apply(sls_emulator):
    def main():
        sls_module.SLSModule(dict(a=dict(type='str'), b=dict(type='str')), mutually_exclusive=[['a', 'b']])
    result = run_module(main, dict(sls_auth(sls_emulator), a='1', b='2'))
    assert result.failed and result.msg == 'parameters are mutually exclusive: a|b'


def test_a_module_given_a_backoff_retries_with_it(sls_emulator):
    backoff = object()
    seen = []

    def main():
        module = sls_module.SLSModule(dict(name=dict(type='str')), backoff=backoff)
        seen.append(module.client()._backoff)
        module.exit_json()
    assert not run_module(main, dict(sls_auth(sls_emulator), name='x')).failed
    assert seen == [backoff]


def test_without_the_sdk_the_module_says_what_to_install(sls_emulator, monkeypatch):
    monkeypatch.setattr(sls_module, 'SLS_SDK_IMPORT_ERROR', 'Traceback: no module named aliyun')
    result = run_module(sls_project.main, dict(sls_auth(sls_emulator), name='proj-a'))
    assert result.failed
    assert result.msg.startswith('Failed to import the required Python library (aliyun-log-python-sdk)')
    assert 'This is required to talk to Alibaba Cloud; install it with: ' in result.msg
    assert result.data['exception'] == 'Traceback: no module named aliyun'
    assert sls_emulator.stats()['calls'] == {}


def test_a_bad_timeout_and_endpoint_fail_before_any_call(sls_emulator):
    result = run_module(sls_project.main, dict(sls_auth(sls_emulator), endpoint='ftp://h', request_timeout=0,
                                               name='proj-a'))
    assert result.failed
    assert result.msg == "endpoint: scheme must be http or https, got 'ftp://h'; request_timeout: must be at least " \
        "1 second"
    assert result.data['invalid_options'] == ['endpoint', 'request_timeout']
    assert sls_emulator.stats()['calls'] == {}
