"""Classification of 'no answer' failures (transport_errors) on the exception chains the SDKs build."""
import socket

import pytest
import requests
import urllib3
from aliyun.log import LogException
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext
from urllib3.connection import HTTPConnection
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ReadTimeoutError

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_module
from ansible_collections.alicloud_ops.logging.plugins.module_utils.transport_errors import (
    describe_transport_failure, transport_failure)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_retry import (
    EcsApiError, RetryPolicy, classify_error, describe_error)
from tests.support.fake_clock import FakeClock

POOL = urllib3.HTTPConnectionPool('127.0.0.1', 8999)


def raised(outer, cause=None, context=None):
    """`outer` as Python leaves it after `raise outer from cause` or raising it while handling `context`."""
    try:
        if context is not None:
            try:
                raise context
            except BaseException:
                raise outer
        raise outer from cause
    except BaseException as exc:  # the point is to capture the chain
        return exc


def refused():
    conn = HTTPConnection('127.0.0.1', 8999)
    new = raised(NewConnectionError(conn, 'Failed to establish a new connection: [Errno 111] Connection refused'),
                 ConnectionRefusedError(111, 'Connection refused'))
    return requests.exceptions.ConnectionError(MaxRetryError(POOL, '/', new))


def unresolvable():
    conn = HTTPConnection('no-such-host.invalid', 80)
    err = raised(NameResolutionError('no-such-host.invalid', conn, socket.gaierror(-2, 'Name or service not known')),
                 socket.gaierror(-2, 'Name or service not known'))
    return requests.exceptions.ConnectionError(MaxRetryError(urllib3.HTTPConnectionPool('no-such-host.invalid', 80),
                                                             '/', err))


def silent():
    inner = raised(ReadTimeoutError(POOL, '/', 'Read timed out. (read timeout=3)'), TimeoutError('timed out'))
    return raised(requests.exceptions.ReadTimeout(inner), inner)


def reset():
    return requests.exceptions.ConnectionError(raised(ConnectionResetError(104, 'Connection reset by peer')))


@pytest.mark.parametrize('make, kind, endpoint', [
    (refused, 'refused', 'http://127.0.0.1:8999'),
    (unresolvable, 'unresolvable', 'http://no-such-host.invalid:80'),
    (silent, 'timeout', 'http://127.0.0.1:8999'),
    (reset, 'connection', None),
])
def test_requests_failures_are_classified_with_their_endpoint(make, kind, endpoint):
    failure = transport_failure(make())
    assert failure[:2] == (kind, endpoint)


@pytest.mark.parametrize('make, kind', [(refused, 'refused'), (unresolvable, 'unresolvable'), (silent, 'timeout')])
def test_sdk_wrappers_are_seen_through(make, kind):
    # Tea SDK: UnretryableException(inner_exception=...); log SDK: LogException raised while handling it.
    tea = UnretryableException(RetryPolicyContext(exception=make()))
    assert transport_failure(tea)[0] == kind
    log = raised(LogException('LogRequestError', 'HTTPConnectionPool(...)'), context=make())
    assert transport_failure(log.__context__)[0] == kind


def test_errors_that_are_not_about_the_connection_are_not_classified():
    assert transport_failure(ValueError('bad value')) is None
    assert transport_failure(None) is None


def test_messages_name_the_endpoint_and_the_option():
    text = describe_transport_failure('refused', 'http://127.0.0.1:8999')
    assert 'http://127.0.0.1:8999' in text and 'connection refused' in text and 'endpoint' in text
    text = describe_transport_failure('timeout', 'http://h:1', timeout=3, timeout_field='request_timeout')
    assert 'did not answer within 3 s' in text and 'request_timeout' in text
    assert 'cannot resolve' in describe_transport_failure('unresolvable', 'http://x.invalid')


@pytest.mark.parametrize('make', [refused, unresolvable, silent])
def test_ecs_retry_fails_at_once_on_an_unreachable_endpoint(make):
    clock = FakeClock()
    calls = []

    def attempt():
        calls.append(1)
        raise UnretryableException(RetryPolicyContext(exception=make()))
    policy = RetryPolicy(deadline=60, sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0)
    with pytest.raises(EcsApiError) as err:
        policy.run(attempt, 'DescribeRegions in cn-hangzhou', 'cn-hangzhou')
    assert err.value.kind == 'unreachable' and len(calls) == 1 and clock.sleeps == []
    assert 'endpoint_url' in str(err.value) and ('127.0.0.1:8999' in str(err.value)
                                                  or 'no-such-host.invalid' in str(err.value))


def test_ecs_connection_resets_are_still_retried():
    exc = UnretryableException(RetryPolicyContext(exception=reset()))
    assert classify_error(exc) == 'transient'
    assert 'Connection reset' in describe_error(exc)


@pytest.mark.parametrize('endpoint, problem', [
    ('http://[::1', 'IPv6 literal addresses are not supported'),
    ('http://[::1]:80', 'IPv6 literal addresses are not supported'),
    ('ftp://cn-hangzhou.log.aliyuncs.com', 'scheme must be http or https'),
    ('http://127.0.0.1:99999', 'port must be 1 to 65535'),
    ('http://host:port', 'must be [http:// or https://]host[:port]'),
    ('http://', 'must be [http:// or https://]host[:port]'),
    ('two words', 'must be [http:// or https://]host[:port]'),
])
def test_sls_endpoints_the_sdk_cannot_use_are_refused(endpoint, problem):
    assert problem in sls_module.endpoint_problem(endpoint)
    problems = dict(sls_module.connection_problems({'endpoint': endpoint, 'access_key_id': 'a',
                                                    'access_key_secret': 'b'}))
    assert problem in problems['endpoint']


@pytest.mark.parametrize('endpoint', ['cn-hangzhou.log.aliyuncs.com', 'https://cn-hangzhou.log.aliyuncs.com',
                                      'http://127.0.0.1:8080', 'http://127.0.0.1:8080/', 'HTTPS://h.example.com'])
def test_sls_endpoints_the_sdk_can_use_pass(endpoint):
    assert sls_module.endpoint_problem(endpoint) is None


def named(name, base=Exception):
    """An exception class called ``name`` from no transport library: only its name can classify it."""
    return type(name, (base,), {})


@pytest.mark.parametrize('name, kind', [
    ('NameResolutionError', 'unresolvable'),
    ('ReadTimeout', 'timeout'), ('ConnectTimeout', 'timeout'), ('Timeout', 'timeout'),
    ('ReadTimeoutError', 'timeout'), ('ConnectTimeoutError', 'timeout'), ('TimeoutError', 'timeout'),
])
def test_transport_classes_are_known_by_name(name, kind):
    # Issue 25: the names were never tested on their own (the real classes also carry a socket error in their
    # chain, which classifies them anyway).
    exc = named(name)('no answer from 127.0.0.1:8999')
    assert transport_failure(exc) == (kind, None, 'no answer from 127.0.0.1:8999')
    wrapped = UnretryableException(RetryPolicyContext(exception=exc))
    assert transport_failure(wrapped)[0] == kind
    assert classify_error(wrapped) == 'unreachable'      # not retried: the same request meets the same failure


def test_a_name_resolution_failure_outranks_a_timeout_in_the_same_chain():
    exc = raised(named('ReadTimeoutError')('read timed out'), named('NameResolutionError')('no such host'))
    assert transport_failure(exc)[0] == 'unresolvable'
    assert transport_failure(raised(named('ReadTimeoutError')('x'), ConnectionRefusedError(111, 'refused')))[0] == \
        'refused'


@pytest.mark.parametrize('name', ['TimeoutWarning', 'ReadTimeoutErrors', 'ResolutionError', 'InvalidURL'])
def test_other_class_names_are_not_transport_failures(name):
    exc = named(name)('bad request')
    assert transport_failure(exc) is None
    assert classify_error(exc) == 'request'          # not 'transient': retrying would only repeat it


def test_an_os_error_of_no_known_kind_is_a_transient_connection_failure():
    exc = named('ProtocolGlitch', OSError)('connection aborted')
    assert transport_failure(exc) == ('connection', None, 'connection aborted')
    assert classify_error(exc) == 'transient'


def with_attrs(exc, **attrs):
    for key, value in attrs.items():
        setattr(exc, key, value)
    return exc


class Holder:
    """A connection (pool) as an error names it: only the attributes given."""

    def __init__(self, **attrs):
        self.__dict__.update(attrs)


class HTTPSHolder(Holder):
    pass


def test_the_endpoint_comes_from_the_connection_when_no_pool_is_named():
    # urllib3 connections carry no scheme: it comes from the class, and the port is the one connected to.
    exc = with_attrs(ConnectionRefusedError(111, 'refused'), conn=HTTPConnection('10.0.0.5', 8080))
    assert transport_failure(exc)[:2] == ('refused', 'http://10.0.0.5:8080')
    exc = with_attrs(ConnectionRefusedError(111, 'refused'), conn=urllib3.connection.HTTPSConnection('h.example', 8443))
    assert transport_failure(exc)[1] == 'https://h.example:8443'


@pytest.mark.parametrize('holder, endpoint', [
    (Holder(host='h', scheme='https', port=443), 'https://h:443'),     # its scheme wins over the class name
    (HTTPSHolder(host='h', scheme='http', port=80), 'http://h:80'),
    (HTTPSHolder(host='h', port=8443), 'https://h:8443'),             # no scheme: from the class name
    (Holder(host='h', port=8080), 'http://h:8080'),
    (Holder(host='h'), 'http://h'),                                   # no port: none written
    (Holder(host='h', port=None), 'http://h'),
    (HTTPSHolder(host='h', scheme=None), 'https://h'),
])
def test_the_endpoint_is_written_from_what_the_holder_has(holder, endpoint):
    assert transport_failure(with_attrs(ConnectionRefusedError(111, 'x'), pool=holder))[1] == endpoint
    assert transport_failure(with_attrs(ConnectionRefusedError(111, 'x'), conn=holder))[1] == endpoint


def test_a_holder_without_a_host_name_is_skipped():
    # Neither a missing, an empty nor a non-string host names an endpoint: the next holder (or cause) does.
    for bad in (Holder(), Holder(host=''), Holder(host=b'h', port=1), Holder(host=5, port=1)):
        exc = with_attrs(ConnectionRefusedError(111, 'x'), pool=bad)
        assert transport_failure(exc)[1] is None
        exc = with_attrs(ConnectionRefusedError(111, 'x'), pool=bad, conn=Holder(host='c', port=2))
        assert transport_failure(exc)[1] == 'http://c:2'


def test_the_walk_follows_at_most_twelve_exceptions():
    # A chain of 11 wrappers: the refused connection is the 12th exception and still seen; one more hides it.
    def chain(wrappers):
        exc = ConnectionRefusedError(111, 'refused')
        for number in range(wrappers):
            exc = raised(RuntimeError('wrapper %d' % number), exc)
        return exc
    assert transport_failure(chain(11)) == ('refused', None, '[Errno 111] refused')
    assert transport_failure(chain(12)) is None


def test_a_cycle_in_the_chain_is_walked_once():
    errors = [OSError('error %d' % number) for number in range(5)]
    for current, following in zip(errors, errors[1:] + errors[:1]):
        current.__context__ = following
    # each exception once, outermost first: the innermost is the last new one, not one seen again
    assert transport_failure(errors[0]) == ('connection', None, 'error 4')
    twice = raised(ConnectionResetError(104, 'reset'), errors[0])
    twice.args = twice.args + (errors[0],)
    assert transport_failure(twice) == ('connection', None, 'error 4')


def test_an_empty_message_is_replaced_by_the_class_name():
    assert transport_failure(ConnectionResetError()) == ('connection', None, 'ConnectionResetError')
    assert transport_failure(requests.exceptions.ConnectionError(ConnectionAbortedError())) == (
        'connection', None, 'ConnectionAbortedError')


@pytest.mark.parametrize('module', ['urllib3.exceptions', 'requests.exceptions', 'requests', 'urllib3'])
def test_requests_and_urllib3_errors_are_connection_failures_even_if_not_os_errors(module):
    # urllib3's ProtocolError ('Connection aborted.') is no OSError; classes are known by their module.
    exc = type('ProtocolError', (Exception,), {'__module__': module})('Connection aborted.')
    assert transport_failure(exc) == ('connection', None, 'Connection aborted.')
    assert transport_failure(urllib3.exceptions.ProtocolError('Connection aborted.'))[0] == 'connection'


@pytest.mark.parametrize('module', ['builtins', 'myrequests', 'aliyun.log', None])
def test_other_modules_are_not_transport_failures(module):
    exc = type('ProtocolError', (Exception,), {'__module__': module})('Connection aborted.')
    assert transport_failure(exc) is None


@pytest.mark.parametrize('args, kwargs, text', [
    (('refused', 'http://h:1'), {},
     'cannot connect to http://h:1: connection refused (nothing listens there; check endpoint)'),
    (('refused', None), {'field': 'endpoint_url'},
     'cannot connect to the API endpoint: connection refused (nothing listens there; check endpoint_url)'),
    (('unresolvable', 'http://x.invalid'), {},
     'cannot resolve the host of http://x.invalid (check endpoint, or the region it is built from)'),
    (('unresolvable', ''), {'field': 'endpoint_url'},
     'cannot resolve the host of the API endpoint (check endpoint_url, or the region it is built from)'),
    (('timeout', 'http://h:1'), {},
     'http://h:1 did not answer (check endpoint; request_timeout bounds each call)'),
    (('timeout', None), {'timeout': 3, 'field': 'endpoint_url', 'timeout_field': 'timeout'},
     'the API endpoint did not answer within 3 s (check endpoint_url; timeout bounds each call)'),
    (('timeout', 'http://h:1'), {'timeout': 0.5},
     'http://h:1 did not answer within 0.5 s (check endpoint; request_timeout bounds each call)'),
    (('connection', 'http://h:1', 'Connection reset by peer'), {}, 'cannot reach http://h:1: Connection reset by peer'),
    (('connection', None), {}, 'cannot reach the API endpoint: '),
])
def test_the_messages_word_for_word(args, kwargs, text):
    assert describe_transport_failure(*args, **kwargs) == text
