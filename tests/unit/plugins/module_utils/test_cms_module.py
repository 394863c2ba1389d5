"""cms_module.py: the CloudMonitor module base. connection_problems and resolve_endpoint on their own; CMSModule
through a small module's main() against the emulator's CloudMonitor API (its options, the client it builds, the
contact-group check before a write). (connection_problems' first checks are in test_cms_plan.py.)"""
from unittest import mock

import pytest
from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.module_utils import alicloud_credentials, cms_module
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import CredentialsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_module import (
    CMSModule, cms_argument_spec, connection_problems, resolve_endpoint)
from ansible_collections.alicloud_ops.logging.plugins.modules import cms_contact_group
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    cms_auth, sls_emulator, sls_emulator_server)


def problems(endpoint=None, region=None, **extra):
    return connection_problems(dict(dict(endpoint=endpoint, region=region, request_timeout=30), **extra))


def test_resolve_endpoint():
    assert resolve_endpoint(' http://h:1 ', 'cn-x') == 'http://h:1'
    assert resolve_endpoint(None, ' eu-west-1 ') == 'https://metrics.eu-west-1.aliyuncs.com'
    assert resolve_endpoint('', 'eu-west-1') == 'https://metrics.eu-west-1.aliyuncs.com'
    assert resolve_endpoint('', '') is None and resolve_endpoint(None, None) is None


def test_no_endpoint_and_no_region():
    assert problems() == [('endpoint', 'no CloudMonitor endpoint: set endpoint (or ALICLOUD_CMS_ENDPOINT) or region')]


@pytest.mark.parametrize('endpoint, region', [
    ('http://127.0.0.1:1', None), ('HTTPS://h:65535/', None), ('h', None), ('h.example', 'cn-x'), (None, 'cn-x'),
    ('', 'cn-x')])
def test_endpoints_that_work(endpoint, region):
    assert problems(endpoint, region) == []


@pytest.mark.parametrize('endpoint, region, problem', [
    ('http://h/path', None, ('endpoint', "must be [http:// or https://]host[:port], got 'http://h/path'")),
    (None, 'cn x', ('region', "must be [http:// or https://]host[:port], got 'https://metrics.cn x.aliyuncs.com'")),
    ('ftp://h', 'cn-x', ('endpoint', "scheme must be http or https, got 'ftp://h'")),
    ('httpx://h', None, ('endpoint', "scheme must be http or https, got 'httpx://h'")),
    ('http://h:0', None, ('endpoint', "port must be 1 to 65535, got 'http://h:0'")),
    ('h:65536', None, ('endpoint', "port must be 1 to 65535, got 'h:65536'")),
])
def test_endpoints_refused_name_the_option_they_came_from(endpoint, region, problem):
    assert problems(endpoint, region) == [problem]


@pytest.mark.parametrize('timeout, refused', [(None, False), (1, False), (2, False), (0, True), (-1, True)])
def test_request_timeout_at_least_one_second(timeout, refused):
    assert problems('h', request_timeout=timeout) == ([('request_timeout', 'must be at least 1 second')] if refused
                                                      else [])
    assert connection_problems({'endpoint': 'h'}) == []


def test_argument_spec_has_the_cms_endpoint_names_and_the_module_options():
    spec = cms_argument_spec(name=dict(type='str', required=True))
    assert spec['endpoint']['aliases'] == ['cms_endpoint']
    assert spec['endpoint']['fallback'] == (basic.env_fallback, ['ALICLOUD_CMS_ENDPOINT'])
    assert spec['name'] == dict(type='str', required=True) and spec['request_timeout']['default'] == 30


WARNINGS = []


def probe_main(**kwargs):
    """A cms_* module in small: CMSModule with `note` (multi-line text) and `contact_groups`, then client() twice,
    the contact-group check, and the client's settings as its result."""
    def main():
        module = CMSModule(dict(note=dict(type='str'), contact_groups=dict(type='list', elements='str')),
                           multiline=('note',), **kwargs)
        client = module.client()
        assert module.client() is client
        module.require_contact_groups(client, module.params['contact_groups'])
        sdk = client.sdk
        module.exit_json(changed=False, endpoint=sdk._endpoint, protocol=sdk._protocol, region=sdk._region_id,
                         timeouts=[client.timeout, sdk._read_timeout, sdk._connect_timeout],
                         credential=type(sdk._credential).__name__)
    return main


def run_probe(args, check_mode=False, **kwargs):
    del WARNINGS[:]
    with mock.patch.object(basic.AnsibleModule, 'warn', lambda _self, msg: WARNINGS.append(msg)):
        return run_module(probe_main(**kwargs), args, check_mode=check_mode)


def test_client_settings_from_the_options(sls_emulator, monkeypatch):
    monkeypatch.setenv('ALICLOUD_CMS_ENDPOINT', 'http://127.0.0.9:1')
    auth = cms_auth(sls_emulator)
    endpoint = auth.pop('endpoint')
    result = run_probe(dict(auth, cms_endpoint=endpoint, region='eu-west-1', request_timeout=7,
                            note='line one\nline two'))
    assert not result.failed, result
    assert (result.data['endpoint'], result.data['protocol']) == (sls_emulator.endpoint, 'http')
    assert result.data['region'] == 'eu-west-1' and result.data['timeouts'] == [7, 7000, 7000]
    assert result.data['credential'] == 'Client'
    result = run_probe(auth)
    assert (result.data['endpoint'], result.data['region']) == ('127.0.0.9:1', 'cn-hangzhou')
    assert result.data['timeouts'] == [30, 30000, 30000]
    monkeypatch.delenv('ALICLOUD_CMS_ENDPOINT')
    result = run_probe(dict(auth, region='ap-south-1'))
    assert (result.data['endpoint'], result.data['protocol']) == ('metrics.ap-south-1.aliyuncs.com', 'https')
    assert result.data['region'] == 'ap-south-1'


def test_option_checks_and_module_keywords_apply(sls_emulator):
    auth = cms_auth(sls_emulator)
    assert not run_probe(dict(auth, note='a\nb')).failed
    result = run_probe(dict(auth, note='a\nb', contact_groups=['x']), mutually_exclusive=[('note', 'contact_groups')])
    assert result.failed and 'mutually exclusive' in result.msg


def test_connection_and_credential_problems_are_reported_together(sls_emulator):
    auth = dict(cms_auth(sls_emulator), endpoint='ftp://h', request_timeout=0)
    del auth['access_key_secret']
    result = run_probe(auth)
    assert result.failed
    assert result.msg == ("endpoint: scheme must be http or https, got 'ftp://h'; request_timeout: must be at least "
                          "1 second; access_key_secret: options: access_key_id is set but access_key_secret is "
                          "missing")
    assert result.data['invalid_options'] == ['access_key_secret', 'endpoint', 'request_timeout']


def test_a_credential_source_that_fails_to_build_names_its_option(sls_emulator):
    refused = CredentialsError('profile: the SDK could not read it', option='profile')
    with mock.patch.object(alicloud_credentials.ResolvedCredentials, 'client', side_effect=refused):
        result = run_probe(cms_auth(sls_emulator))
    assert result.failed and result.msg == 'profile: profile: the SDK could not read it'
    assert result.data['invalid_options'] == ['profile']


def test_a_missing_sdk_is_reported_with_its_install_hint(sls_emulator, monkeypatch):
    monkeypatch.setattr(cms_module, 'CMS_SDK_IMPORT_ERROR', 'Traceback: no module alibabacloud_cms20190101')
    result = run_probe(cms_auth(sls_emulator))
    assert result.failed and result.data['exception'] == 'Traceback: no module alibabacloud_cms20190101'
    assert result.msg == basic.missing_required_lib(
        'alibabacloud-cms20190101', reason=cms_module.install_hint(['alibabacloud-cms20190101']))
    assert 'alibabacloud-cms20190101' in result.msg


def make_groups(emu, *names):
    for name in names:
        done = run_module(cms_contact_group.main, dict(cms_auth(emu), name=name, contacts=[
            {'name': name + '-mail', 'email': name + '@example.com'}]))
        assert not done.failed, done.msg


MISSING = ('contact_groups: no CloudMonitor contact group a-none, z-none; create it first '
           '(alicloud_ops.logging.cms_contact_group)')


def test_unknown_contact_groups_fail_naming_the_option(sls_emulator):
    make_groups(sls_emulator, 'known-1', 'known-2')
    assert not run_probe(dict(cms_auth(sls_emulator), contact_groups=['known-2', 'known-1'])).failed
    assert not run_probe(dict(cms_auth(sls_emulator), contact_groups=[])).failed
    sls_emulator.reset_stats()
    assert not run_probe(cms_auth(sls_emulator)).failed
    assert 'DescribeContactGroupList' not in sls_emulator.stats()['calls']
    result = run_probe(dict(cms_auth(sls_emulator), contact_groups=['z-none', 'known-1', 'a-none', 'z-none']))
    assert result.failed and result.msg == MISSING and result.data['invalid_options'] == ['contact_groups']
    assert WARNINGS == []


def test_unknown_contact_groups_only_warn_in_check_mode(sls_emulator):
    make_groups(sls_emulator, 'known-1')
    result = run_probe(dict(cms_auth(sls_emulator), contact_groups=['z-none', 'known-1', 'a-none']), check_mode=True)
    assert not result.failed, result
    assert WARNINGS == [MISSING + '; check mode assumes an earlier task creates it']
