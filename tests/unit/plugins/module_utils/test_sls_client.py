"""sls_client.py: the Log Service module base. The SDK is the real aliyun-log-python-sdk; only its one transport
call (LogClient._getHttpResponse) is scripted here, so retries, error mapping and masking run the real code."""
import json
from unittest import mock

import pytest
from aliyun.log.credentials import StaticCredentialsProvider

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_client
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import ResolvedCredentials
from ansible_collections.alicloud_ops.logging.plugins.module_utils.backoff import Backoff
from tests.support.fake_clock import FakeClock
from tests.unit.plugins.module_utils import test_transport_errors as transport

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


def credentials(static=None, provider=None):
    return ResolvedCredentials('test', static=static, provider=provider)


def test_the_client_for_static_keys_signs_with_them():
    log_client = sls_client.single_attempt_client('https://sls.example.com', credentials(('id-1', 'secret-1', 'tok')),
                                                  'v1', None, 7)
    assert isinstance(log_client, sls_client._SingleAttemptLogClient)
    assert (log_client._accessKeyId, log_client._accessKey, log_client._securityToken) == ('id-1', 'secret-1', 'tok')
    assert (log_client._source, log_client.timeout, log_client._auth_version, log_client._region) == (
        'ansible', 7, 'v1', '')
    assert type(log_client._auth).__name__ == 'AuthV1'
    # the SDK's own static provider, not the credential chain's: static keys need no provider
    assert type(log_client._auth.credentials_provider) is StaticCredentialsProvider
    assert log_client._auth.credentials_provider.get_credentials().get_access_key_id() == 'id-1'
    assert (log_client._logHost, log_client._isRowIp) == ('sls.example.com', False)


def test_the_client_for_a_provider_asks_it_and_signs_v4_with_the_region():
    provider = object()
    log_client = sls_client.single_attempt_client('sls.example.com', credentials(provider=provider), 'v4',
                                                  'cn-beijing', 3)
    assert (log_client._accessKeyId, log_client._accessKey, log_client._securityToken) == (None, None, None)
    assert type(log_client._auth).__name__ == 'AuthV4' and log_client._auth.credentials_provider is provider
    assert (log_client._auth_version, log_client._region) == ('v4', 'cn-beijing')
    assert log_client._auth._region == 'cn-beijing'


@pytest.mark.parametrize('endpoint, row_ip', [
    ('127.0.0.1:8080', True), ('http://10.0.0.7:80/', True), ('127.0.0.1', True), ('sls.example.com:80', False)])
def test_an_ip_endpoint_with_a_port_is_addressed_as_an_ip(endpoint, row_ip):
    log_client = sls_client.single_attempt_client(endpoint, credentials(('id-1', 'secret-1', None)), 'v1', None, 3)
    assert log_client._isRowIp is row_ip


def unreachable(error):
    """Patch the SDK's HTTP call to raise `error` (a requests failure); the URLs asked for are returned too."""
    urls = []

    def send(url, **kwargs):
        urls.append(url)
        raise error

    return mock.patch.object(sls_client.LogClient, '_get_http_sender', lambda self, method: send), urls


def ip_client(clock, timeout=3):
    log_client = sls_client.single_attempt_client('127.0.0.1:9', credentials(('key-id', 'key-secret', None)), 'v1',
                                                  None, timeout)
    return sls_client.SlsClient(log_client, Backoff(sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0,
                                                    **sls_client.RETRY))


@pytest.mark.parametrize('make, kind, text', [
    (transport.refused, 'refused',
     'cannot connect to http://127.0.0.1:9: connection refused (nothing listens there; check endpoint or region)'),
    (transport.unresolvable, 'unresolvable',
     'cannot resolve the host of http://127.0.0.1:9 (check endpoint or region, or the region it is built from)'),
    (transport.silent, 'timeout',
     'http://127.0.0.1:9 did not answer within 4 s (check endpoint or region; request_timeout bounds each call)'),
])
def test_an_endpoint_that_does_not_answer_fails_at_once_naming_it(make, kind, text):
    clock = FakeClock()
    sls = ip_client(clock, timeout=4)
    patch, urls = unreachable(make())
    with patch, pytest.raises(sls_client.SlsApiError) as err:
        sls.get_project('proj-a')
    assert urls == ['http://127.0.0.1:9/'] and clock.sleeps == []
    assert str(err.value) == 'GetProject failed: ' + text
    assert (err.value.option, err.value.code, err.value.kind) == ('endpoint', 'EndpointUnreachable', kind)
    assert (err.value.request_id, err.value.http_status) == (None, None)


def test_a_broken_connection_is_retried_like_a_busy_service():
    clock = FakeClock()
    sls = ip_client(clock)
    patch, urls = unreachable(transport.reset())
    with patch, pytest.raises(sls_client.SlsApiError) as err:
        sls.get_project('proj-a')
    assert len(urls) == 9 and sum(clock.sleeps) == 27.5
    assert str(err.value).startswith('GetProject failed: LogRequestError: ')
    assert 'Connection reset by peer' in str(err.value)
    assert str(err.value).endswith(' (still failing after 9 attempts in 27.5 s, retried with backoff)')
    assert (err.value.code, err.value.option, err.value.kind) == ('LogRequestError', None, None)


def test_a_transient_failure_leaves_the_sdk_as_itself_wrapped():
    log_client = sls_client._SingleAttemptLogClient('127.0.0.1:9', 'key-id', 'key-secret')
    patch, _sent = scripted([BUSY])
    with patch, pytest.raises(sls_client._Transient) as err:
        log_client.get_project('proj-a')
    assert isinstance(err.value.error, sls_client.LogException)
    assert str(err.value) == str(err.value.error) and 'ServerBusy' in str(err.value)


@pytest.mark.parametrize('code, status, transient', [
    ('ServerBusy', 400, True), ('ShardReadQuotaExceed', 403, True), ('TooManyRequests', 429, True),
    ('Whatever', 499, False), ('Whatever', 500, True), ('Whatever', 503, True), ('Whatever', 428, False),
    ('Whatever', None, False), ('ProjectNotExist', 404, False),
])
def test_which_answers_are_transient(code, status, transient):
    assert sls_client.is_transient(sls_client.LogException(code, 'm', 'REQ', status)) is transient


@pytest.mark.parametrize('make, transient', [(transport.refused, False), (transport.silent, False),
                                             (transport.reset, True)])
def test_a_log_request_error_is_transient_when_its_connection_broke_but_answered(make, transient):
    err = transport.raised(sls_client.LogException('LogRequestError', 'no answer'), context=make())
    assert sls_client.is_transient(err) is transient


def test_a_log_request_error_without_a_transport_cause_is_judged_by_its_status():
    assert sls_client.is_transient(sls_client.LogException('LogRequestError', 'bad', 'REQ', 502)) is True
    assert sls_client.is_transient(sls_client.LogException('LogRequestError', 'bad', 'REQ', 400)) is False
    assert sls_client.is_transient(sls_client.LogException('LogRequestError', 'no answer')) is False


@pytest.mark.parametrize('failure', [(503, b'', {'x-log-requestid': ''}), answer(502, {'message': 'bad gateway'})])
def test_a_5xx_without_a_service_error_body_is_retried(failure):
    """A gateway in front of the endpoint answers 5xx with an empty body or its own JSON: the SDK raises its
    LogRequestError for it, which is still a 5xx answer to retry."""
    clock = FakeClock()
    sls = client(clock)
    patch, sent = scripted([failure, answer(200, PROJECT_BODY)])
    with patch:
        body = sls.get_project('proj-a').get_body()
    assert body['projectName'] == 'proj-a' and len(sent) == 2 and clock.sleeps == [0.5]


@pytest.mark.parametrize('busy', [1, 2])
def test_a_failure_after_retries_says_how_many_attempts(busy):
    clock = FakeClock()
    sls = client(clock)
    denied = answer(403, {'errorCode': 'Unauthorized', 'errorMessage': 'denied'}, '')
    patch, sent = scripted([BUSY] * busy + [denied])
    with patch, pytest.raises(sls_client.SlsApiError) as err:
        sls.get_project('proj-a')
    assert len(sent) == busy + 1
    assert str(err.value) == ('access_key_id/security_token: GetProject failed: Unauthorized: denied (check '
                              'access_key_id, security_token and the RAM policy of this AccessKey) (after %d '
                              'attempts)' % (busy + 1))
    assert (err.value.option, err.value.code, err.value.request_id, err.value.http_status, err.value.kind) == (
        'access_key_id/security_token', 'Unauthorized', None, 403, None)


def test_an_error_that_is_not_the_services_is_raised_as_it_is():
    class Broken(sls_client.LogClient):
        def get_project(self, name):
            raise ValueError('not a project: %s' % name)

    sls = sls_client.SlsClient(Broken('127.0.0.1:9', 'key-id', 'key-secret'))
    with pytest.raises(ValueError, match='^not a project: proj-a$'):
        sls.get_project('proj-a')
    assert sls.calls == ['GetProject']
    assert sls_client.sls_api_error(KeyError('k'), 'GetProject').args == ('k',)


def test_the_default_backoff_is_retry():
    sls = sls_client.SlsClient(object())
    assert (sls._backoff.base_delay, sls._backoff.max_delay, sls._backoff.deadline) == (0.5, 5.0, 30.0)
    assert sls.calls == []


def test_attributes_pass_through_and_unknown_methods_are_named_as_called():
    clock = FakeClock()
    sls = client(clock)
    assert sls.timeout == sls._client.timeout and sls.calls == []
    patch, _sent = scripted([answer(404, {'errorCode': 'ShardNotExist', 'errorMessage': 'no shard'})])
    with patch, pytest.raises(sls_client.SlsApiError) as err:
        sls.list_shards('proj-a', 'syslog')
    assert str(err.value) == 'list_shards failed: ShardNotExist: no shard [request id REQ-1]'
    assert sls.calls == ['list_shards']


def test_error_text_without_hint_or_request_id():
    err = sls_client.LogException('ProjectNotExist', 'project p does not exist', '', 404)
    assert sls_client.describe_sls_error(err, 'GetProject') == 'GetProject failed: ProjectNotExist: project p does ' \
        'not exist'
    api = sls_client.sls_api_error(err, 'GetProject')
    assert str(api) == 'GetProject failed: ProjectNotExist: project p does not exist'
    assert (api.option, api.code, api.request_id, api.http_status, api.kind) == (
        None, 'ProjectNotExist', None, 404, None)


def test_an_expired_token_names_the_token():
    err = sls_client.LogException('SecurityToken.Expired', 'expired', 'REQ-9', 401)
    api = sls_client.sls_api_error(err, 'GetLogStore')
    assert str(api) == ('security_token: GetLogStore failed: SecurityToken.Expired: expired (security_token has '
                        'expired; fetch new STS credentials) [request id REQ-9]')
    assert (api.option, api.request_id) == ('security_token', 'REQ-9')


def test_a_raw_answer_is_passed_back_as_the_sdk_asked():
    log_client = sls_client._SingleAttemptLogClient('127.0.0.1:9', 'key-id', 'key-secret')
    patch, sent = scripted([(200, b'\x00raw', {'x-log-requestid': 'REQ-R'})])
    with patch:
        body, header = log_client._sendRequest('GET', 'http://127.0.0.1:9/x', {}, None, {}, 'raw')
    assert (body, header, sent) == (b'\x00raw', {'x-log-requestid': 'REQ-R'}, ['http://127.0.0.1:9/x'])


def test_the_single_attempt_client_itself_names_the_endpoint_it_could_not_reach():
    log_client = sls_client.single_attempt_client('127.0.0.1:9', credentials(('key-id', 'key-secret', None)), 'v1',
                                                  None, 3)
    patch, urls = unreachable(transport.refused())
    with patch, pytest.raises(sls_client._Unanswered) as err:
        log_client.get_project('proj-a')
    assert len(urls) == 1 and (err.value.option, err.value.kind) == ('endpoint', 'refused')
    assert str(err.value).startswith('cannot connect to http://127.0.0.1:9: connection refused')
