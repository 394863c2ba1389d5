"""sls_module.py: the Log Service module base, through real modules against the emulator. Only the SDK's one
transport call (LogClient._getHttpResponse) is scripted, so retries, error mapping and masking run the real code."""
import json
from unittest import mock

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_client
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
