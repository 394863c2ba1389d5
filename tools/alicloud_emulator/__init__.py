"""Alibaba Cloud API emulator for tests, demos and benchmarks (ECS DescribeRegions / DescribeInstances;
Log Service projects, logstores, machine groups and Logtail configs: see sls.py).

    from tools.alicloud_emulator import start_emulator
    emu = start_emulator(access_keys={'ID': 'SECRET'}, instances=50, regions=3)
    ...  # point the official SDK at emu.endpoint with protocol='HTTP'
    emu.stop()
"""
import json
import threading
from urllib.request import Request, urlopen

from .cms import CmsService
from .dataset import build_dataset
from .ecs import EcsService
from .server import EmulatorHTTPServer, build_state
from .sls import SlsService
from .sls_logs import DEFAULT_INDEX_DELAY

# Seconds: the shortest alert schedule (SLS FixedRate) and metric rule period (CloudMonitor) the services take.
DEFAULT_ALARM_MIN_INTERVAL = 60
DEFAULT_ACCESS_KEYS = {'emulator-access-key-id': 'emulator-access-key-secret'}
# The AliUid of the one account the emulator represents (project owner; /etc/ilogtail/users/<AliUid> names it).
DEFAULT_ACCOUNT_ALIUID = '1808078950770264'
READY_LINE = 'alicloud-emulator ready at %s'


class RunningEmulator(object):
    """A started emulator: .url, .endpoint ('127.0.0.1:PORT'), .stats(), .reset_stats(), .stop()."""

    def __init__(self, server, thread=None):
        self.server = server
        self.thread = thread
        host, port = server.server_address[:2]
        self.host, self.port = host, port
        self.endpoint = '%s:%d' % (host, port)
        self.url = 'http://%s' % self.endpoint
        self.state = server.state

    @property
    def ecs(self):
        return self.state.services['2014-05-26']

    @property
    def sls(self):
        """The Log Service product; .snapshot() is what GET /_emulator/sls/state answers."""
        return self.state.rest_services[0]

    def sls_state(self):
        """Log Service resources through the HTTP endpoint (GET /_emulator/sls/state)."""
        with urlopen(Request(self.url + '/_emulator/sls/state'), timeout=10) as resp:
            return json.loads(resp.read().decode('utf-8'))

    def stats(self):
        return self.state.stats.snapshot()

    def reset_stats(self):
        self.state.stats.reset()

    def http_stats(self):
        """Stats through the HTTP endpoint, as an out-of-process client would read them."""
        with urlopen(Request(self.url + '/_emulator/stats'), timeout=10) as resp:
            return json.loads(resp.read().decode('utf-8'))

    def stop(self):
        if self.server is None:
            return
        stop_background(self.state)
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(10)
        self.server = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def create_server(access_keys=None, instances=None, regions=None, seed=0, latency_ms=0, throttle_rate=0.0,
                  error_rate=0.0, forbidden_regions=(), fixture=None, sts_token=None, host='127.0.0.1', port=0,
                  stopped_rate=0.0, verbose=False, index_delay=DEFAULT_INDEX_DELAY, incomplete_first=1,
                  account_aliuid=DEFAULT_ACCOUNT_ALIUID, clock=None, alarm_min_interval=DEFAULT_ALARM_MIN_INTERVAL):
    """Build the dataset and bind the server (not yet serving).

    instances defaults to 20, or 0 with a fixture; regions to 3, or only the fixture's with a fixture alone.
    Log Service: an index takes effect index_delay seconds after it is written; the first incomplete_first GetLogs
    calls of a search answer Incomplete; account_aliuid is the account (its ECS instances and the AliUid in
    /etc/ilogtail/users/ make a machine the account's); clock (default time.time) times Log Service's data.
    alarm_min_interval: the shortest alert schedule interval / metric rule period the emulator accepts, in seconds
    (60 on the real services; tests and the alarm demo lower it, an emulator-only setting).
    """
    if alarm_min_interval < 1:
        raise ValueError('alarm_min_interval must be at least 1 second')
    if instances is None:
        instances = 0 if fixture is not None else 20
    region_list, instance_list = build_dataset(instances, regions, seed, fixture, stopped_rate)
    ecs = EcsService(region_list, instance_list, forbidden_regions)
    state = build_state(access_keys or DEFAULT_ACCESS_KEYS, [ecs], sts_token, latency_ms, throttle_rate,
                        error_rate, seed)
    state.alarm_min_interval = int(alarm_min_interval)
    state.services[CmsService.version] = CmsService(state, clock=clock, account_aliuid=str(account_aliuid))
    data_options = {'index_delay': index_delay, 'incomplete_first': incomplete_first}
    if clock is not None:
        data_options['clock'] = clock
    state.rest_services.append(SlsService(access_keys or DEFAULT_ACCESS_KEYS, sts_token,
                                          state.authenticator.sts_key_ids, account_aliuid=str(account_aliuid),
                                          instance_ids=[i['InstanceId'] for i in instance_list], **data_options))
    return EmulatorHTTPServer((host, int(port)), state, verbose=verbose)


def background_services(state):
    """The products with work of their own between calls (alert schedulers): objects with start_background(state)
    and stop_background()."""
    products = list(state.services.values()) + list(state.rest_services)
    return [p for p in products if hasattr(p, 'start_background')]


def start_background(state):
    for product in background_services(state):
        product.start_background(state)


def stop_background(state):
    for product in background_services(state):
        product.stop_background()


def start_emulator(**options):
    """Start an emulator in a daemon thread; see create_server for the options."""
    server = create_server(**options)
    start_background(server.state)
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.1},
                              name='alicloud-emulator', daemon=True)
    thread.start()
    return RunningEmulator(server, thread)


__all__ = ['start_emulator', 'create_server', 'RunningEmulator', 'READY_LINE', 'DEFAULT_ACCESS_KEYS',
           'DEFAULT_ACCOUNT_ALIUID', 'DEFAULT_ALARM_MIN_INTERVAL', 'start_background', 'stop_background']
