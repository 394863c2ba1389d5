"""sls_* modules against endpoints that refuse, never answer, do not resolve or do not parse (loopback only).

Each failure must name the endpoint and come from one attempt (the SDK's own loop would try ten times);
how long that takes is measured by bench/endpoint_failure_bench.py, not asserted here.
"""
from unittest import mock

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_client
from ansible_collections.alicloud_ops.logging.plugins.modules import sls_logstore, sls_project
from tests.support.endpoints import refused_port, silent_url  # noqa: F401 (fixture)
from tests.support.module_harness import run_module

AUTH = {'access_key_id': 'key-id', 'access_key_secret': 'secret-value-xyz'}


def counting_requests():
    """Patch the SDK's single transport call and count the attempts that reach it."""
    real = sls_client.LogClient._getHttpResponse
    calls = []

    def counted(self, *args):
        calls.append(args[1])
        return real(self, *args)
    return mock.patch.object(sls_client.LogClient, '_getHttpResponse', counted), calls


def test_refused_endpoint_fails_once_naming_it():
    endpoint = 'http://127.0.0.1:%d' % refused_port()
    patch, calls = counting_requests()
    with patch:
        result = run_module(sls_project.main, dict(AUTH, endpoint=endpoint, name='proj-a'))
    assert result.failed
    assert 'GetProject failed: cannot connect to %s: connection refused' % endpoint in result.msg
    assert result.data['error_code'] == 'EndpointUnreachable' and result.data['failure_kind'] == 'refused'
    assert len(calls) == 1
    assert 'secret-value-xyz' not in repr(result.data)


def test_silent_endpoint_fails_after_one_request_timeout(silent_url):
    patch, calls = counting_requests()
    with patch:
        result = run_module(sls_logstore.main, dict(AUTH, endpoint=silent_url, project='proj-a', name='syslog',
                                                    request_timeout=1))
    assert result.failed
    assert '%s did not answer within 1 s' % silent_url in result.msg and 'request_timeout' in result.msg
    assert result.data['failure_kind'] == 'timeout'
    assert len(calls) == 1


def test_unresolvable_endpoint_fails_naming_the_host():
    result = run_module(sls_project.main, dict(AUTH, endpoint='http://sls.no-such-region.invalid', name='proj-a'))
    assert result.failed
    # Project calls go to "<project>.<endpoint>": the message names the host that did not resolve.
    assert 'cannot resolve the host of http://proj-a.sls.no-such-region.invalid' in result.msg


@pytest.mark.parametrize('endpoint', ['http://[::1', 'http://[::1]:8080', 'http://127.0.0.1:99999'])
def test_unparsable_endpoint_is_an_error_naming_the_field(endpoint):
    result = run_module(sls_project.main, dict(AUTH, endpoint=endpoint, name='proj-a'))
    assert result.failed
    assert result.msg.startswith('endpoint: ')
    assert result.data['invalid_options'] == ['endpoint']
