import json
import socket
import threading

import pytest
from alibabacloud_tea_openapi import exceptions as sdk_errors
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext
from darabonba.runtime import RuntimeOptions

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_client import (
    EcsInventoryClient, build_describe_request, parse_endpoint)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_retry import (
    EcsApiError, RetryPolicy, classify_error, describe_error)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_sdk import ecs_sdk
from tests.support.fake_clock import FakeClock


def client_error(code, status=400, message='boom'):
    return sdk_errors.ClientException(status_code=status, code=code, message='code: %s, %s request id: R1'
                                      % (status, message), data={})


def server_error(code='ServiceUnavailable', status=503):
    return sdk_errors.ServerException(status_code=status, code=code, message='code: %s, down request id: R2' % status,
                                      data={})


def connection_error():
    # What the SDK raises when nothing answers: the transport error wrapped in UnretryableException.
    return UnretryableException(RetryPolicyContext(exception=ConnectionRefusedError(111, 'Connection refused')))


@pytest.mark.parametrize('exc, kind', [
    (client_error('Throttling.User'), 'transient'),
    (client_error('Throttling'), 'transient'),
    (server_error(), 'transient'),
    (server_error('InternalError', 500), 'transient'),
    (socket.timeout('timed out'), 'unreachable'),
    (connection_error(), 'unreachable'),
    (UnretryableException(RetryPolicyContext(exception=ConnectionResetError(104, 'reset'))), 'transient'),
    (client_error('InvalidAccessKeyId.NotFound', 404), 'auth'),
    (client_error('SignatureDoesNotMatch'), 'auth'),
    (client_error('InvalidSecurityToken.Expired'), 'auth'),
    (client_error('Forbidden.RAM', 403), 'permission'),
    (client_error('Forbidden', 403), 'permission'),
    (client_error('InvalidParameter'), 'request'),
])
def test_classification(exc, kind):
    assert classify_error(exc) == kind


def policy(clock, rand=lambda: 1.0, deadline=60.0):
    return RetryPolicy(base_delay=0.2, max_delay=2.0, deadline=deadline, sleep=clock.sleep, clock=clock.clock,
                       rand=rand)


def failing(errors, result='ok'):
    errors = list(errors)
    calls = []

    def attempt():
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return result
    return attempt, calls


def test_backoff_sequence_is_exponential_capped_and_fully_jittered():
    clock = FakeClock()
    attempt, calls = failing([client_error('Throttling.User')] * 6)
    assert policy(clock).run(attempt, 'DescribeInstances') == 'ok'
    assert clock.sleeps == [0.2, 0.4, 0.8, 1.6, 2.0, 2.0]
    assert len(calls) == 7
    jittered = FakeClock()
    draws = iter([0.5, 0.25, 0.0])
    attempt, _ = failing([server_error()] * 3)
    policy(jittered, rand=lambda: next(draws)).run(attempt, 'x')
    assert jittered.sleeps == [0.1, 0.1, 0.0]   # uniform(0, cap): 0.5*0.2, 0.25*0.4, 0*0.8


def test_deadline_stops_retrying_with_a_clear_message():
    clock = FakeClock()
    attempt, calls = failing([server_error()] * 100)
    with pytest.raises(EcsApiError) as err:
        policy(clock, deadline=3.0).run(attempt, 'DescribeInstances in cn-x', 'cn-x')
    assert err.value.kind == 'transient' and err.value.region_id == 'cn-x'
    assert sum(clock.sleeps) <= 3.0
    assert clock.sleeps == [0.2, 0.4, 0.8, 1.6]          # the next 2.0 would pass the deadline
    assert 'still failing after 5 attempt(s)' in str(err.value) and 'ServiceUnavailable' in str(err.value)
    assert len(calls) == 5


# 2 ** 20 s (12 days of uptime, as time.monotonic() reads on a long-running host); every delay and sum below is a
# binary fraction, so clock arithmetic this far from zero is exact and the deadline is met to the bit.
UPTIME = 2.0 ** 20


def far_clock():
    clock = FakeClock()
    clock.now = UPTIME
    return clock


@pytest.mark.parametrize('uptime', [UPTIME, 1e6, 1e9])
def test_a_host_up_longer_than_the_deadline_still_retries_a_throttle(uptime):
    # Issue 25: with the deadline measured from 0 instead of the first attempt, the first throttle gave up.
    clock = FakeClock()
    clock.now = uptime
    attempt, calls = failing([client_error('Throttling.User')] * 3)
    assert policy(clock, deadline=60.0).run(attempt, 'DescribeInstances in cn-x', 'cn-x') == 'ok'
    assert clock.sleeps == [0.2, 0.4, 0.8] and len(calls) == 4


@pytest.mark.parametrize('deadline, sleeps', [
    (3.75, [0.25, 0.5, 1.0, 2.0]),                    # the fourth delay ends exactly at the deadline: taken
    (3.75 - 2.0 ** -10, [0.25, 0.5, 1.0]),            # a hair shorter: it would end past it
    (0.25, [0.25]),
    (0.25 - 2.0 ** -10, []),                           # not even one retry fits
])
def test_deadline_boundary_on_a_clock_far_from_zero(deadline, sleeps):
    clock = far_clock()
    attempt, calls = failing([server_error()] * 100)
    retry = RetryPolicy(base_delay=0.25, max_delay=2.0, deadline=deadline, sleep=clock.sleep, clock=clock.clock,
                        rand=lambda: 1.0)
    with pytest.raises(EcsApiError) as err:
        retry.run(attempt, 'DescribeInstances in cn-x', 'cn-x')
    assert clock.sleeps == sleeps
    assert len(calls) == err.value.attempts == len(sleeps) + 1
    assert err.value.kind == 'transient' and err.value.code == 'ServiceUnavailable'
    assert 'still failing after %d attempt(s) in %.1fs (retry deadline %gs)' % (
        len(sleeps) + 1, sum(sleeps), deadline) in str(err.value)
    assert clock.now == UPTIME + sum(sleeps)


def test_deadline_counts_the_time_the_calls_take_not_only_the_sleeps():
    clock = far_clock()
    calls = []

    def slow_throttled_call():
        calls.append(clock.now - UPTIME)
        clock.now += 1.0                               # each call takes a second before it is throttled
        raise client_error('Throttling.User')
    retry = RetryPolicy(base_delay=0.25, max_delay=2.0, deadline=4.0, sleep=clock.sleep, clock=clock.clock,
                        rand=lambda: 1.0)
    with pytest.raises(EcsApiError) as err:
        retry.run(slow_throttled_call, 'DescribeRegions', 'cn-x')
    # 1 + 0.25 + 1 + 0.5 = 2.75 s spent; the third call ends at 3.75 s, and 1.0 more would pass 4 s.
    assert calls == [0.0, 1.25, 2.75] and clock.sleeps == [0.25, 0.5]
    assert 'still failing after 3 attempt(s) in 3.8s' in str(err.value)


@pytest.mark.parametrize('exc, kind', [
    (client_error('Forbidden.RAM', 403), 'permission'),
    (client_error('InvalidAccessKeyId.NotFound', 404), 'auth'),
    (client_error('InvalidParameter'), 'request'),
])
def test_permanent_errors_are_not_retried(exc, kind):
    clock = FakeClock()
    attempt, calls = failing([exc])
    with pytest.raises(EcsApiError) as err:
        policy(clock).run(attempt, 'DescribeInstances in r', 'r')
    assert err.value.kind == kind and len(calls) == 1 and clock.sleeps == []
    assert exc.code in str(err.value) and 'request id: R1' in str(err.value)


@pytest.mark.parametrize('url, region, expected', [
    (None, 'cn-hangzhou', (None, 'HTTPS')),
    ('http://127.0.0.1:8080', 'cn-hangzhou', ('127.0.0.1:8080', 'HTTP')),
    ('https://ecs.example.com/', 'cn-hangzhou', ('ecs.example.com', 'HTTPS')),
    ('ecs-vpc.{region}.aliyuncs.com', 'cn-shanghai', ('ecs-vpc.cn-shanghai.aliyuncs.com', 'HTTPS')),
])
def test_parse_endpoint(url, region, expected):
    assert parse_endpoint(url, region) == expected


def test_filters_map_to_request_fields():
    request = build_describe_request('cn-hangzhou', {
        'status': 'running', 'vpc_id': 'vpc-1', 'zone_id': 'cn-hangzhou-h', 'instance_ids': ['i-1', 'i-2'],
        'instance_name': 'web-*', 'tags': {'env': 'prod', 'team': None}, 'vswitch_id': None}, next_token='T2')
    query = request.to_map()
    assert query['RegionId'] == 'cn-hangzhou' and query['MaxResults'] == 100 and query['NextToken'] == 'T2'
    assert query['Status'] == 'Running' and query['VpcId'] == 'vpc-1' and query['ZoneId'] == 'cn-hangzhou-h'
    assert json.loads(query['InstanceIds']) == ['i-1', 'i-2'] and query['InstanceName'] == 'web-*'
    assert query['Tag'] == [{'Key': 'env', 'Value': 'prod'}, {'Key': 'team'}]
    assert 'VSwitchId' not in query
    with pytest.raises(ValueError) as err:
        build_describe_request('r', {'colour': 'red'})
    assert "filters: unknown key 'colour'" in str(err.value)


class FakeEcs(object):
    """Stands in for the SDK client: serves pages of `instances` by NextToken, failing on a schedule."""

    def __init__(self, region, instances, failures=None):
        self.region = region
        self.instances = instances
        self.failures = list(failures or [])
        self.requests = []
        self.lock = threading.Lock()

    def call_api(self, params, request, runtime):
        with self.lock:
            query = dict(request.query)
            self.requests.append(query)
            if self.failures:
                failure = self.failures.pop(0)
                if failure is not None:
                    raise failure
        assert params.action == 'DescribeInstances' and query['RegionId'] == self.region
        assert str(query['MaxResults']) == '100'
        start = int(query.get('NextToken') or 0)
        page = self.instances[start:start + 100]
        end = start + len(page)
        body = {'RequestId': 'R', 'TotalCount': len(self.instances), 'Instances': {'Instance': page},
                'NextToken': str(end) if end < len(self.instances) else ''}
        return {'body': body, 'statusCode': 200, 'headers': {}}


def make_client(fakes, **kwargs):
    clock = FakeClock()
    retry = RetryPolicy(sleep=clock.sleep, clock=clock.clock, rand=lambda: 0.5)
    return EcsInventoryClient(None, sdk_factory=lambda region: fakes[region], retry_policy=retry,
                              environ={}, **kwargs)


# A consumer left waiting on a region's pages (a queue nobody fills) fails the test in seconds instead of hanging
# the run (and a mutation run's verdict): these tests take milliseconds.
NO_HANG = pytest.mark.timeout(4)


def region_instances(region, count):
    return [{'InstanceId': '%s-i-%04d' % (region, n), 'RegionId': region} for n in range(count)]


def test_paging_with_failures_neither_drops_nor_repeats():
    throttle = client_error('Throttling.User')
    fakes = {
        'r1': FakeEcs('r1', region_instances('r1', 250), [None, throttle, server_error(), None, throttle]),
        'r2': FakeEcs('r2', region_instances('r2', 100)),
        'r3': FakeEcs('r3', []),
    }
    client = make_client(fakes, max_workers=2)
    got = client.fetch(['r1', 'r2', 'r3'], {'status': 'Running'})
    ids = [item['InstanceId'] for item in got]
    assert ids == [i['InstanceId'] for r in ('r1', 'r2', 'r3') for i in fakes[r].instances]
    assert len(set(ids)) == 350
    # r1: 3 pages + 3 failed attempts; r2: one full page with an empty token; r3: one empty page.
    assert [q.get('NextToken') for q in fakes['r1'].requests] == [None, '100', '100', '100', '200', '200']
    assert client.counter.calls == {'DescribeInstances': 8}


def test_per_instance_runs_in_the_workers_once_per_instance_in_api_order():
    fakes = {'r1': FakeEcs('r1', region_instances('r1', 150), [None, client_error('Throttling.User')]),
             'r2': FakeEcs('r2', region_instances('r2', 120))}
    seen, main = [], threading.current_thread()

    def per_instance(instance):
        seen.append(threading.current_thread() is main)
        return {'id': instance['InstanceId']}
    got = make_client(fakes, max_workers=2).fetch(['r1', 'r2'], per_instance=per_instance)
    assert got == [{'id': i['InstanceId']} for r in ('r1', 'r2') for i in fakes[r].instances]
    # A retried page is transformed once, after it succeeds, and never on the main thread.
    assert len(seen) == 270 and not any(seen)


class Looping(FakeEcs):
    """Answers NextToken 'same' twice, then ends: code that does not notice the repeat returns (and the test fails)
    instead of looping for ever."""

    def call_api(self, params, request, runtime):
        self.requests.append(dict(request.query))
        return {'body': {'Instances': {'Instance': []}, 'NextToken': 'same' if len(self.requests) < 3 else ''}}


def test_repeated_next_token_is_an_error_not_a_loop():
    client = make_client({'r': Looping('r', [])})
    with pytest.raises(EcsApiError) as err:
        client.fetch(['r'])
    assert 'NextToken' in str(err.value)


def test_forbidden_region_skipped_or_raised():
    fakes = {'ok': FakeEcs('ok', region_instances('ok', 3)),
             'no': FakeEcs('no', [], [client_error('Forbidden.RAM', 403, 'User not authorized')])}
    skipped = []
    got = make_client(fakes).fetch(['no', 'ok'], on_region_error=lambda r, e: skipped.append((r, e.kind)) or True)
    assert len(got) == 3 and skipped == [('no', 'permission')]
    fakes['no'].failures = [client_error('Forbidden.RAM', 403)]
    with pytest.raises(EcsApiError) as err:
        make_client(fakes).fetch(['no', 'ok'], on_region_error=lambda r, e: False)
    assert err.value.kind == 'permission' and err.value.region_id == 'no'


def test_auth_errors_are_raised_even_when_regions_may_be_skipped():
    fakes = {'a': FakeEcs('a', [], [client_error('SignatureDoesNotMatch')])}
    with pytest.raises(EcsApiError) as err:
        make_client(fakes).fetch(['a'], on_region_error=lambda r, e: True)
    assert err.value.kind == 'auth'


def test_regions_run_concurrently_within_max_workers():
    active, peak, lock = [0], [0], threading.Lock()
    gate = threading.Barrier(3, timeout=10)

    class Slow(FakeEcs):
        def call_api(self, params, request, runtime):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            try:
                gate.wait()   # only returns once three regions are in flight at the same time
            finally:
                with lock:
                    active[0] -= 1
            return FakeEcs.call_api(self, params, request, runtime)
    fakes = dict((r, Slow(r, region_instances(r, 1))) for r in ('a', 'b', 'c', 'd', 'e', 'f'))
    got = make_client(fakes, max_workers=3).fetch(sorted(fakes))
    assert len(got) == 6 and peak[0] == 3


def test_signed_query_parameters_never_reach_messages():
    url = ('/?AccessKeyId=LTAIxyz&Signature=abc%2Fdef&SecurityToken=tok123&RegionId=cn-hangzhou '
           'x-acs-security-token=tok456')
    text = describe_error(UnretryableException(RetryPolicyContext(exception=ConnectionError('failed: ' + url))))
    for secret in ('LTAIxyz', 'abc%2Fdef', 'tok123', 'tok456'):
        assert secret not in text
    assert 'RegionId=cn-hangzhou' in text and 'SecurityToken=********' in text


def test_fetch_regions_yields_each_region_in_order_while_later_ones_are_still_read():
    release, answered = threading.Event(), []

    class Held(FakeEcs):
        def call_api(self, params, request, runtime):
            assert release.wait(10)
            answered.append(self.region)
            return FakeEcs.call_api(self, params, request, runtime)
    fakes = {'first': FakeEcs('first', region_instances('first', 150)),
             'held': Held('held', region_instances('held', 2)), 'last': FakeEcs('last', region_instances('last', 1))}
    regions = make_client(fakes, max_workers=3).fetch_regions(['first', 'held', 'last'])
    region, instances = next(regions)
    # 'held' cannot have answered yet: 'first' came out while the pool was still reading it.
    assert region == 'first' and len(instances) == 150 and answered == []
    release.set()
    assert [(r, len(i)) for r, i in regions] == [('held', 2), ('last', 1)]


@NO_HANG
def test_by_page_yields_the_awaited_region_page_by_page_and_the_rest_in_order():
    gate = threading.Event()

    class Gated(FakeEcs):
        # Its second page waits for the gate: the first page must be out before the region is read.
        def call_api(self, params, request, runtime):
            if dict(request.query).get('NextToken'):
                assert gate.wait(10)
            return FakeEcs.call_api(self, params, request, runtime)
    fakes = {'first': Gated('first', region_instances('first', 250)),
             'second': FakeEcs('second', region_instances('second', 230)), 'empty': FakeEcs('empty', [])}
    chunks = make_client(fakes, max_workers=3).fetch_regions(['first', 'empty', 'second'], by_page=True)
    region, page = next(chunks)
    assert region == 'first' and [i['InstanceId'] for i in page] == [
        i['InstanceId'] for i in fakes['first'].instances[:100]]
    gate.set()
    rest = list(chunks)
    ids = [i['InstanceId'] for _r, chunk in [(region, page)] + rest for i in chunk]
    assert ids == [i['InstanceId'] for r in ('first', 'second') for i in fakes[r].instances]
    # Regions stay in order and an empty region yields nothing.
    assert [r for r, _c in rest] == sorted([r for r, _c in rest], key=['first', 'second'].index)


@NO_HANG
def test_by_page_joins_the_pages_already_read():
    b_read = threading.Event()

    class Late(FakeEcs):
        def call_api(self, params, request, runtime):
            assert b_read.wait(10)   # 'a' answers only once every page of 'b' is in
            return FakeEcs.call_api(self, params, request, runtime)
    fakes = {'a': Late('a', region_instances('a', 1)), 'b': FakeEcs('b', region_instances('b', 450))}
    client = make_client(fakes, max_workers=2)
    describe = client.describe_instances

    def describe_then_tell(region, *args, **kwargs):
        try:
            return describe(region, *args, **kwargs)
        finally:
            if region == 'b':
                b_read.set()
    client.describe_instances = describe_then_tell
    got = list(client.fetch_regions(['a', 'b'], by_page=True))
    # 'b' was read whole while 'a' was awaited: its five pages come as one piece.
    assert [(r, len(c)) for r, c in got] == [('a', 1), ('b', 450)]


@NO_HANG
def test_by_page_a_region_failing_after_some_pages_raises_even_if_it_may_be_skipped():
    throttle_forever = [None] + [client_error('Forbidden.RAM', 403)]
    fakes = {'a': FakeEcs('a', region_instances('a', 150), throttle_forever),
             'b': FakeEcs('b', [], [client_error('Forbidden.RAM', 403)]), 'c': FakeEcs('c', region_instances('c', 1))}
    skipped = []

    def skip(region, error):
        skipped.append(region)
        return True
    # 'b' fails before any page: skipped as usual. 'a' fails after its first page was yielded: raised.
    got = list(make_client(fakes).fetch_regions(['b', 'c'], on_region_error=skip, by_page=True))
    assert [(r, len(c)) for r, c in got] == [('c', 1)] and skipped == ['b']
    chunks = make_client(fakes).fetch_regions(['a', 'c'], on_region_error=skip, by_page=True)
    assert next(chunks)[0] == 'a'
    with pytest.raises(EcsApiError) as err:
        list(chunks)
    assert err.value.kind == 'permission' and err.value.region_id == 'a' and skipped == ['b']


# Issue 25: the request the SDK itself would send, the client's defaults and environment, filters and per_instance
# reaching every page in every mode, and the exact errors.

class SdkStandIn(object):
    """The SDK client's transport: records what each call sends and answers `bodies[action]`. The SDK's own
    *_with_options methods run on it, so their requests and parsed responses are the SDK's."""

    def __init__(self, bodies):
        self.bodies = bodies
        self.calls = []

    def call_api(self, params, request, runtime):
        self.calls.append((params.to_map(), dict(request.query), runtime.to_map()))
        return {'body': self.bodies[params.action], 'statusCode': 200, 'headers': {}}

    def describe_regions_with_options(self, request, runtime):
        return ecs_sdk()[0].describe_regions_with_options(self, request, runtime)


def test_a_page_is_the_request_the_sdk_itself_sends():
    body = {'RequestId': 'R', 'Instances': {'Instance': [{'InstanceId': 'i-1'}]}, 'NextToken': ''}
    request = build_describe_request('cn-shanghai', {
        'status': 'stopped', 'instance_ids': ['i-1', 'i-2'], 'tags': {'env': 'prod', 'team': None},
        'vpc_id': 'vpc-1', 'instance_name': None}, next_token='T3')
    ours, sdks = SdkStandIn({'DescribeInstances': body}), SdkStandIn({'DescribeInstances': body})
    client = make_client({'cn-shanghai': ours})
    assert client._describe_page(ours, request) == body          # the raw JSON body, not a response model
    ecs_sdk()[0].describe_instances_with_options(sdks, request, RuntimeOptions())
    assert ours.calls == sdks.calls
    params, query, _runtime = ours.calls[0]
    assert (params['action'], params['version'], query['RegionId'], query['NextToken'], query['Status']) == (
        'DescribeInstances', '2014-05-26', 'cn-shanghai', 'T3', 'Stopped')


def test_describe_regions_asks_the_default_region_in_english_and_counts_the_call():
    regions = {'Regions': {'Region': [{'RegionId': 'cn-hangzhou', 'LocalName': 'x'}, {'RegionId': 'ap-south-1'}]}}
    made = []

    def factory(region):
        made.append(region)
        return stand_in
    stand_in = SdkStandIn({'DescribeRegions': regions})
    client = EcsInventoryClient(None, sdk_factory=factory, environ={})
    assert client.describe_regions() == ['cn-hangzhou', 'ap-south-1']
    assert made == ['cn-hangzhou'] and client.default_region == 'cn-hangzhou'
    params, query, _runtime = stand_in.calls[0]
    assert params['action'] == 'DescribeRegions' and query == {'AcceptLanguage': 'en-US'}
    other = EcsInventoryClient(None, default_region='eu-central-1', sdk_factory=factory, environ={})
    assert other.describe_regions() == ['cn-hangzhou', 'ap-south-1'] and made == ['cn-hangzhou', 'eu-central-1']
    assert client.counter.calls == {'DescribeRegions': 1} and client.counter.total == 1


@pytest.mark.parametrize('body', [{}, {'Regions': None}, {'Regions': {}}, {'Regions': {'Region': None}},
                                  {'Regions': {'Region': []}}])
def test_describe_regions_of_an_empty_answer_is_an_empty_list(body):
    client = EcsInventoryClient(None, sdk_factory=lambda region: SdkStandIn({'DescribeRegions': body}), environ={})
    assert client.describe_regions() == []


def test_describe_regions_failure_names_the_call_and_region():
    class Refused(SdkStandIn):
        def call_api(self, params, request, runtime):
            raise client_error('Forbidden.RAM', 403, 'User not authorized')
    client = EcsInventoryClient(None, default_region='cn-beijing', sdk_factory=lambda region: Refused({}),
                                environ={})
    with pytest.raises(EcsApiError) as err:
        client.describe_regions()
    assert str(err.value).startswith('DescribeRegions in cn-beijing: ')
    assert (err.value.kind, err.value.region_id, err.value.code) == ('permission', 'cn-beijing', 'Forbidden.RAM')


@pytest.mark.parametrize('endpoint_url, endpoint, protocol', [
    (None, 'ecs.cn-shanghai.aliyuncs.com', 'HTTPS'),      # no endpoint_url: the SDK's own endpoint for the region
    ('http://127.0.0.1:8080/', '127.0.0.1:8080', 'HTTP'),
    ('https://ecs-vpc.{region}.aliyuncs.com', 'ecs-vpc.cn-shanghai.aliyuncs.com', 'HTTPS'),
])
def test_the_sdk_client_is_made_with_the_clients_settings(endpoint_url, endpoint, protocol):
    credential = object()
    client = EcsInventoryClient(credential, endpoint_url=endpoint_url, environ={})
    sdk = client.sdk_client('cn-shanghai')   # the real SDK client, made offline; its config is in its attributes
    assert isinstance(sdk, ecs_sdk()[0])
    assert (sdk._credential, sdk._region_id, sdk._endpoint, sdk._protocol) == (
        credential, 'cn-shanghai', endpoint, protocol)
    assert (sdk._connect_timeout, sdk._read_timeout) == (5000, 15000)       # the defaults, in milliseconds
    timed = EcsInventoryClient(credential, connect_timeout_ms='700', read_timeout_ms=2500.9, environ={})
    assert (timed.sdk_client('cn-shanghai')._connect_timeout, timed.sdk_client('cn-shanghai')._read_timeout) == (
        700, 2500)


def test_one_sdk_client_per_region():
    made = []

    def factory(region):
        made.append(region)
        return object()
    client = EcsInventoryClient(None, sdk_factory=factory, environ={})
    first = client.sdk_client('r1')
    assert client.sdk_client('r1') is first and client.sdk_client('r2') is not first
    assert client.sdk_client('r2') is client.sdk_client('r2') and made == ['r1', 'r2']


@pytest.mark.parametrize('environ, endpoint_url, expected', [
    ({}, None, None),
    ({'ALICLOUD_ECS_ENDPOINT': 'http://a:1'}, None, 'http://a:1'),
    ({'ALIBABA_CLOUD_ECS_ENDPOINT': 'http://b:2'}, None, 'http://b:2'),
    ({'ALICLOUD_ECS_ENDPOINT': 'http://a:1', 'ALIBABA_CLOUD_ECS_ENDPOINT': 'http://b:2'}, None, 'http://a:1'),
    ({'ALICLOUD_ECS_ENDPOINT': '', 'ALIBABA_CLOUD_ECS_ENDPOINT': 'http://b:2'}, None, 'http://b:2'),   # empty: unset
    ({'ALICLOUD_ECS_ENDPOINT': 'http://a:1'}, 'https://option', 'https://option'),   # the option wins
    ({}, 'https://option', 'https://option'),
])
def test_endpoint_from_the_option_then_the_environment(environ, endpoint_url, expected):
    assert EcsInventoryClient(None, endpoint_url=endpoint_url, environ=environ).endpoint_url == expected


def test_the_environment_is_the_processes_unless_given(monkeypatch):
    monkeypatch.delenv('ALICLOUD_ECS_ENDPOINT', raising=False)
    monkeypatch.setenv('ALIBABA_CLOUD_ECS_ENDPOINT', 'http://from-env:9')
    assert EcsInventoryClient(None).endpoint_url == 'http://from-env:9'
    assert EcsInventoryClient(None, environ={}).endpoint_url is None


def test_client_defaults():
    client = EcsInventoryClient(None, environ={})
    assert (client.default_region, client.max_workers, client.endpoint_url) == ('cn-hangzhou', 8, None)
    assert isinstance(client.retry, RetryPolicy)
    given = RetryPolicy()
    assert EcsInventoryClient(None, retry_policy=given, environ={}).retry is given


@pytest.mark.parametrize('max_workers, expected', [(0, 1), (-3, 1), (1, 1), (2, 2), ('3', 3), (8, 8)])
def test_max_workers_is_at_least_one(max_workers, expected):
    assert EcsInventoryClient(None, max_workers=max_workers, environ={}).max_workers == expected


@pytest.mark.parametrize('url, region, expected', [
    ('http://127.0.0.1:8080/', 'cn-hangzhou', ('127.0.0.1:8080', 'HTTP')),
    ('http://{region}.emulator:80//', 'eu-west-1', ('eu-west-1.emulator:80', 'HTTP')),
    ('https://GATEWAY-BOX/', 'cn-hangzhou', ('GATEWAY-BOX', 'HTTPS')),      # only slashes are stripped
    ('ecs.example.com', 'cn-hangzhou', ('ecs.example.com', 'HTTPS')),
    ('', 'cn-hangzhou', (None, 'HTTPS')),
])
def test_parse_endpoint_more_forms(url, region, expected):
    assert parse_endpoint(url, region) == expected


def test_filters_a_null_value_skips_only_that_key_and_one_instance_id_is_a_list():
    query = build_describe_request('r', {'vswitch_id': None, 'vpc_id': 'vpc-1', 'instance_ids': 'i-only'}).to_map()
    assert 'VSwitchId' not in query and query['VpcId'] == 'vpc-1'
    assert json.loads(query['InstanceIds']) == ['i-only']
    assert 'NextToken' not in query


def every_request_was_filtered(fakes):
    """Every page of every region asked with the filters of FILTERED."""
    return all(q.get('Status') == 'Stopped' and q.get('VpcId') == 'vpc-9' for f in fakes.values() for q in f.requests)


FILTERED = {'status': 'stopped', 'vpc_id': 'vpc-9'}


@NO_HANG
@pytest.mark.parametrize('by_page', [False, True])
def test_filters_and_per_instance_reach_every_page_of_every_region(by_page):
    fakes = {'r1': FakeEcs('r1', region_instances('r1', 230)), 'r2': FakeEcs('r2', region_instances('r2', 1))}
    got = make_client(fakes, max_workers=2).fetch_regions(
        ['r1', 'r2'], FILTERED, per_instance=lambda item: item['InstanceId'], by_page=by_page)
    ids = [i for _region, chunk in got for i in chunk]
    assert ids == [i['InstanceId'] for r in ('r1', 'r2') for i in fakes[r].instances]
    assert [len(f.requests) for f in (fakes['r1'], fakes['r2'])] == [3, 1] and every_request_was_filtered(fakes)


def test_fetch_passes_the_filters():
    fakes = {'r1': FakeEcs('r1', region_instances('r1', 101))}
    assert len(make_client(fakes).fetch(['r1'], FILTERED)) == 101
    assert len(fakes['r1'].requests) == 2 and every_request_was_filtered(fakes)


def test_bad_filters_fail_before_any_region_is_read():
    made = []
    client = EcsInventoryClient(None, sdk_factory=made.append, environ={})
    for by_page in (False, True):
        with pytest.raises(ValueError) as err:
            next(client.fetch_regions(['r1', 'r2'], {'colour': 'red'}, by_page=by_page))
        assert "filters: unknown key 'colour'" in str(err.value)
    assert made == [] and client.counter.total == 0


@NO_HANG
def test_a_region_comes_whole_unless_by_page_and_an_empty_one_only_without_it():
    fakes = {'empty': FakeEcs('empty', []), 'r': FakeEcs('r', region_instances('r', 150))}
    whole = list(make_client(fakes).fetch_regions(['empty', 'r']))
    assert [(region, len(found)) for region, found in whole] == [('empty', 0), ('r', 150)]
    paged = list(make_client(fakes).fetch_regions(['empty', 'r'], by_page=True))
    assert [region for region, _chunk in paged] in (['r'], ['r', 'r'])
    assert sum(len(chunk) for _region, chunk in paged) == 150


def test_the_pool_has_at_most_max_workers_threads():
    names, lock = set(), threading.Lock()

    class Slow(FakeEcs):
        def call_api(self, params, request, runtime):
            with lock:
                names.add(threading.current_thread().name)
            threading.Event().wait(0.02)
            return FakeEcs.call_api(self, params, request, runtime)
    fakes = dict((r, Slow(r, region_instances(r, 1))) for r in ('a', 'b', 'c', 'd', 'e', 'f'))
    assert len(make_client(fakes, max_workers=2).fetch(sorted(fakes))) == 6
    assert len(names) <= 2


def test_stopping_early_returns_once_the_regions_being_read_are_done():
    started, release, answered = threading.Event(), threading.Event(), []

    class Held(FakeEcs):
        def call_api(self, params, request, runtime):
            started.set()
            assert release.wait(10)
            answered.append(self.region)
            return FakeEcs.call_api(self, params, request, runtime)
    fakes = {'first': FakeEcs('first', region_instances('first', 1)), 'held': Held('held', region_instances('held', 1))}
    client = make_client(fakes, max_workers=2)
    regions = client.fetch_regions(['first', 'held'])
    assert next(regions)[0] == 'first' and started.wait(10)
    timer = threading.Timer(0.2, release.set)
    timer.start()
    regions.close()
    # No thread goes on reading after the caller stopped: the call count is final once close() returns.
    assert answered == ['held'] and client.counter.calls == {'DescribeInstances': 2}
    timer.join()


def test_a_repeated_next_token_error_word_for_word():
    client = make_client({'cn-x': Looping('cn-x', [])})
    with pytest.raises(EcsApiError) as err:
        client.describe_instances('cn-x')
    assert str(err.value) == "DescribeInstances in cn-x returned NextToken 'same' twice; stopping instead of looping"
    assert (err.value.kind, err.value.region_id, err.value.code) == ('request', 'cn-x', None)
