"""sls_client.py: the Log Service module base. The SDK is the real aliyun-log-python-sdk; only its one transport
call (LogClient._getHttpResponse) is scripted here, so retries, error mapping and masking run the real code."""
import json
from unittest import mock

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_client
from ansible_collections.alicloud_ops.logging.plugins.module_utils.backoff import Backoff
from tests.support.fake_clock import FakeClock

PROJECT_BODY = {'projectName': 'proj-a', 'description': 'd', 'region': 'cn-hangzhou', 'status': 'Normal',
                'owner': '1', 'createTime': '1700000000', 'lastModifyTime': '1700000000'}


def answer(status, body, request_id='REQ-1'):
    return status, json.dumps(body).encode(), {'x-log-requestid': request_id}


def scripted(answers):
    """Patch the SDK's transport to give these answers in turn; the list of requests sent is returned too."""
    answers, sent = list(answers), []

    def respond(self, method, url, params, body, headers):
        sent.append(url)
        return answers.pop(0)
    return mock.patch.object(sls_client.LogClient, '_getHttpResponse', respond), sent


def client(clock):
    log_client = sls_client._SingleAttemptLogClient('127.0.0.1:9', 'key-id', 'key-secret')
    return sls_client.SlsClient(log_client, Backoff(sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0,
                                                    **sls_client.RETRY))


BUSY = answer(503, {'errorCode': 'ServerBusy', 'errorMessage': 'the server is busy'}, 'REQ-BUSY')


@pytest.mark.parametrize('failure', [
    BUSY,
    answer(500, {'errorCode': 'InternalServerError', 'errorMessage': 'internal error'}),
    answer(403, {'errorCode': 'WriteQuotaExceed', 'errorMessage': 'project write quota exceed'}),
    answer(429, {'errorCode': 'TooManyRequests', 'errorMessage': 'slow down'}),
])
def test_throttling_and_5xx_are_retried_with_backoff_then_succeed(failure):
    clock = FakeClock()
    sls = client(clock)
    patch, sent = scripted([failure, failure, answer(200, PROJECT_BODY)])
    with patch:
        body = sls.get_project('proj-a').get_body()
    assert body['projectName'] == 'proj-a'
    assert len(sent) == 3  # one request per attempt: the SDK's own ten-times loop does not run under ours
    assert clock.sleeps == [0.5, 1.0]
    assert sls.calls == ['GetProject']


def test_retries_give_up_at_the_deadline_with_a_clear_error():
    clock = FakeClock()
    sls = client(clock)
    patch, sent = scripted([BUSY] * 20)
    with patch, pytest.raises(sls_client.SlsApiError) as err:
        sls.create_logstore('proj-a', 'syslog', ttl=30)
    # 0.5 + 1 + 2 + 4 + 5 * 4 = 27.5 s of backoff; the ninth failure's delay would pass the 30 s deadline.
    assert len(sent) == 9 and sum(clock.sleeps) == 27.5
    assert str(err.value) == ('CreateLogStore failed: ServerBusy: the server is busy [request id REQ-BUSY] '
                              '(still failing after 9 attempts in 27.5 s, retried with backoff)')
    assert (err.value.code, err.value.http_status, err.value.request_id) == ('ServerBusy', 503, 'REQ-BUSY')


def test_a_client_error_is_not_retried_and_names_the_option_at_fault():
    clock = FakeClock()
    sls = client(clock)
    patch, sent = scripted([answer(401, {'errorCode': 'SignatureNotMatch', 'errorMessage': 'signature mismatch'})])
    with patch, pytest.raises(sls_client.SlsApiError) as err:
        sls.get_logstore('proj-a', 'syslog')
    assert len(sent) == 1 and clock.sleeps == []
    assert err.value.option == 'access_key_secret'
    assert str(err.value).startswith('access_key_secret: GetLogStore failed: SignatureNotMatch: signature mismatch')


def test_every_sdk_call_of_the_modules_has_an_action_name():
    """A module's calls are named by ACTIONS in messages; a call missing there would show the method name."""
    import pathlib
    import re
    modules = pathlib.Path(sls_client.__file__).resolve().parents[1] / 'modules'
    called = set()
    for path in modules.glob('sls_*.py'):
        called.update(re.findall(r'client\.([a-z_]+)\(', path.read_text()))
    assert called and called <= set(sls_client.ACTIONS), called - set(sls_client.ACTIONS)
