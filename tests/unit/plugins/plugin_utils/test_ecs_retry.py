"""ecs_retry: which failures the ECS inventory retries, what each message says, and the retry policy's verdicts (issue 25:
values and boundaries, not shapes)."""
import pytest
from alibabacloud_tea_openapi import exceptions as sdk_errors
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_retry import (
    EcsApiError, RetryPolicy, api_error, classify_error, describe_error)
from tests.support.fake_clock import FakeClock
from tests.unit.plugins.plugin_utils.test_ecs_client import failing


class ApiError(Exception):
    """An SDK error with what the API answered: code, HTTP status and message, each only if given."""

    def __init__(self, text='raw', **attrs):
        super(ApiError, self).__init__(text)
        self.__dict__.update(attrs)


def client_error(code, status=400, message='boom'):
    return sdk_errors.ClientException(status_code=status, code=code, message='code: %s, %s request id: R1'
                                      % (status, message), data={})


def wrapped(exc):
    return UnretryableException(RetryPolicyContext(exception=exc))


def test_an_error_defaults_to_one_attempt_and_nothing_else_known():
    err = EcsApiError('request', 'DescribeRegions: bad')
    assert (err.kind, str(err), err.region_id, err.code, err.attempts) == (
        'request', 'DescribeRegions: bad', None, None, 1)


@pytest.mark.parametrize('status, kind', [
    (429, 'transient'), (428, 'request'), (430, 'request'),
    (499, 'request'), (500, 'transient'), (501, 'transient'), (503, 'transient'),
    (403, 'permission'), (404, 'request'), (400, 'request'),
])
def test_an_http_status_alone_decides(status, kind):
    assert classify_error(ApiError(status_code=status)) == kind


@pytest.mark.parametrize('code, kind', [
    ('Throttling.User', 'transient'), ('ServiceUnavailable', 'transient'), ('InternalError', 'transient'),
    ('UnknownError', 'transient'), ('OperationConflict', 'transient'),
    ('InvalidSecurityToken.SomethingNew', 'auth'), ('InvalidAccessKeyId.SomethingNew', 'auth'),
    ('MissingSecurityToken', 'auth'), ('InvalidAuthorization', 'auth'),
    ('Forbidden.Region', 'permission'), ('NoPermission.Something', 'permission'),
    ('InvalidParameter', 'request'), ('invalidaccesskeyid.notfound', 'request'), ('forbidden', 'request'),
])
def test_a_code_decides_whatever_the_status(code, kind):
    # 400 is the status that says nothing by itself: the code alone decides.
    assert classify_error(ApiError(code=code, status_code=400)) == kind
    assert classify_error(ApiError(code=code)) == kind


def test_a_credential_exception_is_an_auth_failure_by_name():
    # The credentials library raises CredentialException (no code, no status) for a bad profile, role or token.
    credential_exception = type('CredentialException', (Exception,), {})
    assert classify_error(credential_exception('no credentials')) == 'auth'
    assert classify_error(type('CredentialExceptions', (Exception,), {})('x')) == 'request'


def test_a_code_the_sdk_spells_none_is_no_code():
    # The Tea SDK stringifies a missing code as 'None'.
    exc = ApiError('bad', code='None', status_code=404, message='not found')
    assert classify_error(exc) == 'request'
    assert describe_error(exc) == 'HTTP 404: not found'
    assert api_error(exc, 'cn-hangzhou').code is None


def test_an_answer_with_a_code_is_a_request_error_even_when_its_class_is_a_transport_one():
    # An API code means an answer came back: not a connection failure, whatever the class.
    exc = type('ApiOSError', (OSError,), {})('bad parameter')
    exc.code = 'InvalidParameter'
    assert classify_error(exc) == 'request'
    exc = type('ApiOSError', (OSError,), {})('bad parameter')
    exc.status_code = 404
    assert classify_error(exc) == 'request'


def test_an_sdk_wrapper_around_something_unknown_is_retried():
    # UnretryableException means no answer came (the SDK gave up on the call), whatever it wraps.
    assert classify_error(wrapped(ValueError('odd'))) == 'transient'
    assert classify_error(ValueError('odd')) == 'request'
    assert classify_error(type('UnretryableExceptions', (Exception,), {})('odd')) == 'request'


def test_an_api_error_is_described_by_code_status_and_message():
    exc = client_error('InvalidParameter', 400, 'bad page size')
    assert describe_error(exc) == 'InvalidParameter: HTTP 400: code: 400, bad page size request id: R1'
    assert describe_error(ApiError('raw text', code='Busy')) == 'Busy: raw text'
    assert describe_error(ApiError('raw text', status_code=502)) == 'HTTP 502: raw text'
    assert describe_error(ApiError('raw text', message='the message')) == 'the message'


def test_a_wrapper_is_described_by_what_it_wraps():
    class Wrapper(Exception):
        def __init__(self, inner):
            super(Wrapper, self).__init__('wrapper text')
            self.inner_exception = inner
    assert describe_error(Wrapper(ValueError('the inner story'))) == 'the inner story'
    assert describe_error(Wrapper(None)) == 'wrapper text'
    assert describe_error(ApiError('', message='')) == ''


def test_an_ecs_api_error_is_described_by_its_message():
    assert describe_error(EcsApiError('auth', 'DescribeRegions in cn-hangzhou: InvalidAccessKeyId')) == \
        'DescribeRegions in cn-hangzhou: InvalidAccessKeyId'
    assert classify_error(EcsApiError('permission', 'x')) == 'permission'


def test_an_http_answer_is_not_described_as_a_transport_failure():
    # A 503 raised while handling a refused connection (an SDK retrying internally) got an answer: say the answer.
    try:
        try:
            raise ConnectionRefusedError(111, 'Connection refused')
        except ConnectionRefusedError:
            raise ApiError('down', code='ServiceUnavailable', status_code=503, message='down for a while')
    except ApiError as exc:
        answer = exc
    assert describe_error(answer) == 'ServiceUnavailable: HTTP 503: down for a while'
    assert classify_error(answer) == 'transient'


@pytest.mark.parametrize('cause, text', [
    (ConnectionRefusedError(111, 'Connection refused'),
     'cannot connect to the API endpoint: connection refused (nothing listens there; check endpoint_url)'),
    (type('ReadTimeout', (Exception,), {})('read timed out'),
     'the API endpoint did not answer (check endpoint_url; read_timeout/connect_timeout bounds each call)'),
    (type('NameResolutionError', (Exception,), {})('no such host'),
     'cannot resolve the host of the API endpoint (check endpoint_url, or the region it is built from)'),
])
def test_unreachable_endpoints_are_described_naming_the_inventory_options(cause, text):
    assert describe_error(wrapped(cause)) == text
    assert classify_error(wrapped(cause)) == 'unreachable'


def test_api_error_carries_kind_region_code_attempts_and_the_action():
    err = api_error(client_error('InvalidParameter'), 'cn-hangzhou', 3, 'DescribeInstances in cn-hangzhou')
    assert (err.kind, err.region_id, err.code, err.attempts) == ('request', 'cn-hangzhou', 'InvalidParameter', 3)
    assert str(err) == ('DescribeInstances in cn-hangzhou: InvalidParameter: HTTP 400: code: 400, boom request id: R1')
    err = api_error(ApiError('raw', status_code=404), 'eu-central-1')
    assert (err.kind, err.region_id, err.code, err.attempts, str(err)) == ('request', 'eu-central-1', None, 1,
                                                                           'HTTP 404: raw')


def far_clock():
    # Issue 25: a clock far from zero, as time.monotonic() is on a machine that has been up a while.
    clock = FakeClock()
    clock.now = 987654.25
    return clock


def test_a_permanent_failure_after_retries_counts_every_attempt_and_names_the_action():
    clock = far_clock()
    attempt, calls = failing([client_error('Throttling.User'), client_error('Throttling.User'),
                              client_error('Forbidden.RAM', 403, 'no access')])
    policy = RetryPolicy(base_delay=0.2, max_delay=2.0, deadline=60, sleep=clock.sleep, clock=clock.clock,
                         rand=lambda: 1.0)
    with pytest.raises(EcsApiError) as err:
        policy.run(attempt, 'DescribeInstances in cn-beijing', 'cn-beijing')
    assert len(calls) == 3 and clock.sleeps == [0.2, 0.4]
    assert (err.value.kind, err.value.region_id, err.value.code, err.value.attempts) == (
        'permission', 'cn-beijing', 'Forbidden.RAM', 3)
    assert str(err.value) == 'DescribeInstances in cn-beijing: Forbidden.RAM: HTTP 403: code: 403, no access request id: R1'


def test_running_out_of_time_says_how_many_attempts_how_long_and_the_last_error():
    clock = far_clock()
    attempt, calls = failing([client_error('Throttling.User', 400, 'slow down %d' % n) for n in range(20)])
    policy = RetryPolicy(base_delay=1.0, max_delay=4.0, deadline=10, sleep=clock.sleep, clock=clock.clock,
                         rand=lambda: 1.0)
    with pytest.raises(EcsApiError) as err:
        policy.run(attempt, 'DescribeRegions', 'cn-shanghai')
    # delays 1, 2, 4 (7 s); the next 4 would end past 10 s
    assert len(calls) == 4 and clock.sleeps == [1.0, 2.0, 4.0]
    assert (err.value.kind, err.value.region_id, err.value.code, err.value.attempts) == (
        'transient', 'cn-shanghai', 'Throttling.User', 4)
    assert str(err.value) == ('DescribeRegions: still failing after 4 attempt(s) in 7.0s (retry deadline 10s); last '
                              'error: Throttling.User: HTTP 400: code: 400, slow down 3 request id: R1')


def test_a_success_after_retries_is_returned():
    clock = far_clock()
    attempt, calls = failing([client_error('Throttling')], result={'Regions': []})
    policy = RetryPolicy(base_delay=0.5, deadline=60, sleep=clock.sleep, clock=clock.clock, rand=lambda: 0.5)
    assert policy.run(attempt, 'DescribeRegions') == {'Regions': []}
    assert len(calls) == 2 and clock.sleeps == [0.25]
