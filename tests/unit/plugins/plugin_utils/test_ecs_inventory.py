"""ecs_inventory in this process: the plugin's options as the credential chain's settings, the client it builds,
the filters and fingerprint a cache entry is keyed on, the cache entry itself, where the API is read (a child
process or threads here) and how a failure to read it is worded. The plugin object is a stand-in with the
plugin's options; the API is the emulator (tools/alicloud_emulator), read through the official SDK."""
import json

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import CREDENTIAL_ENV
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_inventory
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_fetch_process import FetchProcessError
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_inventory import (
    CACHE_FORMAT, CREDENTIAL_OPTIONS, FETCH_OPTIONS, InventorySourceError, build_client, cache_entry,
    credential_options, effective_filters, fetch_record_batches, query_fingerprint, read_cache_entry,
    read_record_batches, redact)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_retry import EcsApiError
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_transform import instance_hostvars
from tests.support.display import RecordingDisplay
from tests.support.emulator import TEST_KEY_ID, TEST_KEY_SECRET, ecs_emulator  # noqa: F401 (fixture)

SECRET = 'Inventory-Secret-0123'
DEFAULTS = dict((name, None) for name in CREDENTIAL_OPTIONS)
DEFAULTS.update(endpoint_url=None, default_region='cn-hangzhou', max_workers=4, retry_base_delay=0.01,
                retry_max_delay=0.05, retry_deadline=2, connect_timeout=2, read_timeout=3, strict_permissions=True,
                regions=[], filters={}, fetch_process='never')


class Plugin(object):
    """What ecs_inventory reads of the inventory plugin: get_option and display."""

    def __init__(self, **options):
        self.options = dict(DEFAULTS, **options)
        self.display = RecordingDisplay()

    def get_option(self, name):
        return self.options[name]


@pytest.fixture
def no_ambient_credentials(monkeypatch, tmp_path):
    """The chain reads the process environment and ~/.aliyun: neither may hold anything here."""
    for names in CREDENTIAL_ENV.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv('ALIBABA_CLOUD_ECS_METADATA_DISABLED', 'true')
    for name in ('ALICLOUD_ECS_ENDPOINT', 'ALIBABA_CLOUD_ECS_ENDPOINT'):
        monkeypatch.delenv(name, raising=False)


def emulator_plugin(emu, **options):
    return Plugin(access_key=TEST_KEY_ID, secret_key=TEST_KEY_SECRET, endpoint_url=emu.url, **options)


def test_credential_options_are_the_chains_settings_with_unset_as_none():
    plugin = Plugin(access_key='LTAIk', secret_key=SECRET, profile='dev', role_session_duration=900)
    assert credential_options(plugin) == {
        'access_key_id': 'LTAIk', 'access_key_secret': SECRET, 'security_token': None, 'profile': 'dev',
        'config_file': None, 'ecs_role_name': None, 'role_arn': None, 'role_session_name': None,
        'role_session_duration': 900, 'sts_endpoint': None}


def test_fetch_options_are_the_credentials_and_what_the_reader_reads():
    assert FETCH_OPTIONS[:len(CREDENTIAL_OPTIONS)] == tuple(CREDENTIAL_OPTIONS)
    assert FETCH_OPTIONS[len(CREDENTIAL_OPTIONS):] == (
        'endpoint_url', 'default_region', 'max_workers', 'retry_base_delay', 'retry_max_delay', 'retry_deadline',
        'connect_timeout', 'read_timeout', 'strict_permissions', 'regions', 'filters')


def test_redact_masks_the_secrets_the_plugin_was_given(no_ambient_credentials, monkeypatch):
    monkeypatch.setenv('ALICLOUD_SECURITY_TOKEN', 'Env-Token-4567')
    plugin = Plugin(secret_key=SECRET)
    assert redact(plugin, 'sig %s and %s' % (SECRET, 'Env-Token-4567')) == 'sig ******** and ********'


def test_the_client_is_built_from_the_options(no_ambient_credentials):
    plugin = Plugin(access_key='LTAIk', secret_key=SECRET, endpoint_url='http://127.0.0.1:9', default_region='cn-x',
                    max_workers=3, retry_base_delay=0.25, retry_max_delay=4, retry_deadline=30,
                    connect_timeout=1.5, read_timeout=2.25)
    client = build_client(plugin)
    assert client.endpoint_url == 'http://127.0.0.1:9' and client.default_region == 'cn-x'
    assert client.max_workers == 3 and client._timeouts == (1500, 2250)
    assert (client.retry.base_delay, client.retry.max_delay, client.retry.deadline) == (0.25, 4.0, 30.0)
    assert client._credential.get_credential().access_key_id == 'LTAIk'
    assert plugin.display.vvvs == ['alicloud_ecs: credentials from options (access_key_id)']


def test_a_credentials_error_is_the_sources_error_named_so(no_ambient_credentials):
    with pytest.raises(InventorySourceError) as err:
        build_client(Plugin(access_key='LTAIk'))
    assert str(err.value) == 'credentials: options: access_key_id is set but access_key_secret is missing'


def test_a_failing_region_fails_the_run_when_strict():
    plugin = Plugin()
    skipped = []
    handler = ecs_inventory._region_error_handler(plugin, True, skipped)
    assert handler('cn-x', ValueError('boom')) is False
    assert skipped == [] and plugin.display.warnings == []


def test_a_failing_region_is_skipped_with_a_masked_warning_when_not_strict(no_ambient_credentials):
    plugin = Plugin(secret_key=SECRET)
    skipped = []
    handler = ecs_inventory._region_error_handler(plugin, False, skipped)
    error = ValueError('denied for %s' % SECRET)
    assert handler('cn-x', error) is True
    assert skipped == [('cn-x', error)]
    assert plugin.display.warnings == [
        'alicloud_ecs: skipping region cn-x (strict_permissions is false): denied for ********']


@pytest.mark.parametrize('filters, expected', [
    (None, {'status': 'Running'}),
    ({}, {'status': 'Running'}),
    ({'instance_type': 'ecs.g7.large'}, {'instance_type': 'ecs.g7.large', 'status': 'Running'}),
    ({'status': 'Stopped'}, {'status': 'Stopped'}),
    ({'status': None}, {'status': None}),
])
def test_effective_filters_add_running_unless_a_status_is_named(filters, expected):
    plugin = Plugin(filters=filters)
    assert effective_filters(plugin) == expected
    assert plugin.options['filters'] == filters  # the option itself is left alone


def test_the_query_fingerprint_is_what_decides_the_instances():
    plugin = Plugin(regions=['cn-shanghai', 'cn-beijing'], filters={'zone_id': 'z'}, endpoint_url='http://e')
    assert query_fingerprint(plugin) == {'regions': ['cn-beijing', 'cn-shanghai'],
                                         'filters': {'zone_id': 'z', 'status': 'Running'}, 'endpoint_url': 'http://e'}
    assert query_fingerprint(Plugin()) == {'regions': [], 'filters': {'status': 'Running'}, 'endpoint_url': ''}
    assert type(query_fingerprint(Plugin(regions=('cn-x',)))['regions']) is list


def test_a_cache_entry_carries_the_records_as_one_compact_string():
    query = {'regions': [], 'filters': {'status': 'Running'}, 'endpoint_url': ''}
    entry = cache_entry(query, [{'instance_id': 'i-1'}], {'groups': ['g']})
    assert entry == {'format': CACHE_FORMAT, 'query': query,
                     'payload': '{"hosts":[{"instance_id":"i-1"}],"derived":{"groups":["g"]}}'}
    assert read_cache_entry(json.loads(json.dumps(entry)), query) == ([{'instance_id': 'i-1'}], {'groups': ['g']})


@pytest.mark.parametrize('mangle', [
    lambda e: None, lambda e: [e], lambda e: dict(e, format='alicloud_ecs/2'), lambda e: dict(e, query={}),
    lambda e: {k: v for k, v in e.items() if k != 'payload'}, lambda e: dict(e, payload='{not json'),
    lambda e: dict(e, payload=None), lambda e: {k: v for k, v in e.items() if k != 'format'},
])
def test_a_cache_entry_for_another_query_or_format_or_unreadable_is_not_served(mangle):
    query = {'regions': ['cn-x'], 'filters': {}, 'endpoint_url': ''}
    assert read_cache_entry(mangle(cache_entry(query, [{'a': 1}], {})), query) == (None, None)


def test_an_entry_without_hosts_or_derived_reads_as_none():
    query = {'q': 1}
    entry = dict(cache_entry(query, [], {}), payload='{}')
    assert read_cache_entry(entry, query) == (None, None)


def test_the_api_is_read_in_threads_here_and_yields_each_regions_hostvars(ecs_emulator, no_ambient_credentials):
    emu = ecs_emulator(instances=7, regions=2)
    plugin = emulator_plugin(emu)
    batches = list(fetch_record_batches(plugin))
    assert len(batches) == 2 and sum(len(b) for b in batches) == 7
    assert {b[0]['region_id'] for b in batches if b} <= {'cn-hangzhou', 'cn-shanghai'}
    assert all(set(record) == set(batches[0][0]) and record['instance_id'].startswith('i-')
               for batch in batches for record in batch)
    assert plugin.display.vvvs[0] == 'alicloud_ecs: reading the API in threads of this process'
    assert plugin.display.vvvs[1] == 'alicloud_ecs: credentials from options (access_key_id)'
    last = plugin.display.vvvs[-1]
    assert last.startswith('alicloud_ecs: 7 instances from 2 regions in ') and last.endswith(
        "s; API calls {'DescribeRegions': 1, 'DescribeInstances': 2}")


def test_given_regions_are_read_without_asking_for_the_list(ecs_emulator, no_ambient_credentials):
    emu = ecs_emulator(instances=7, regions=2)
    plugin = emulator_plugin(emu, regions=['cn-shanghai'])
    records = [r for batch in read_record_batches(plugin) for r in batch]
    assert records and {r['region_id'] for r in records} == {'cn-shanghai'}
    assert plugin.display.vvvs[-1].endswith("API calls {'DescribeInstances': 1}")


def test_a_forbidden_region_fails_the_run_when_strict(ecs_emulator, no_ambient_credentials):
    emu = ecs_emulator(instances=7, regions=2, forbidden_regions=['cn-shanghai'])
    with pytest.raises(InventorySourceError) as err:
        list(read_record_batches(emulator_plugin(emu, regions=['cn-hangzhou', 'cn-shanghai'])))
    assert str(err.value).startswith('permission denied in region cn-shanghai: ')
    assert 'Forbidden.RAM' in str(err.value)


def test_a_forbidden_region_is_skipped_and_the_others_read_when_not_strict(ecs_emulator, no_ambient_credentials):
    emu = ecs_emulator(instances=7, regions=2, forbidden_regions=['cn-shanghai'])
    plugin = emulator_plugin(emu, regions=['cn-hangzhou', 'cn-shanghai'], strict_permissions=False)
    records = [r for batch in read_record_batches(plugin) for r in batch]
    assert records and {r['region_id'] for r in records} == {'cn-hangzhou'}
    assert len(plugin.display.warnings) == 1
    assert plugin.display.warnings[0].startswith(
        'alicloud_ecs: skipping region cn-shanghai (strict_permissions is false): ')


def test_every_region_skipped_is_an_error_not_an_empty_inventory(ecs_emulator, no_ambient_credentials):
    emu = ecs_emulator(instances=7, regions=2, forbidden_regions=['cn-hangzhou', 'cn-shanghai'])
    plugin = emulator_plugin(emu, regions=['cn-hangzhou', 'cn-shanghai'], strict_permissions=False)
    with pytest.raises(InventorySourceError) as err:
        list(read_record_batches(plugin))
    message = str(err.value)
    assert message.startswith('no region could be read (strict_permissions false skips a failing region, but all 2 '
                              'failed); cn-')
    assert 'Forbidden.RAM' in message and len(plugin.display.warnings) == 2


def test_a_wrong_secret_is_authentication_failed(ecs_emulator, no_ambient_credentials):
    emu = ecs_emulator(instances=3, regions=1)
    plugin = Plugin(access_key=TEST_KEY_ID, secret_key='not-the-secret', endpoint_url=emu.url)
    with pytest.raises(InventorySourceError) as err:
        list(read_record_batches(plugin))
    assert str(err.value).startswith('authentication failed') and 'not-the-secret' not in str(err.value)


class FakeClient(object):
    """A client whose fetch_regions yields the given batches, then raises `error` (if any)."""

    def __init__(self, batches=(), error=None, regions=('r1', 'r2')):
        self.batches, self.error, self.regions, self.calls = list(batches), error, list(regions), []

        class Counter(object):
            calls = {'DescribeInstances': 1}
        self.counter = Counter()

    def describe_regions(self):
        self.calls.append('describe_regions')
        return self.regions

    def fetch_regions(self, regions, filters, on_region_error, per_instance=None, by_page=None):
        self.calls.append(('fetch_regions', list(regions), filters, per_instance, by_page))
        for batch in self.batches:
            if isinstance(batch[1], Exception):
                on_region_error(*batch)  # a region that failed, in this order
            else:
                yield batch
        if self.error is not None:
            raise self.error


def read_with(monkeypatch, client, **options):
    monkeypatch.setattr(ecs_inventory, 'build_client', lambda plugin: client)
    plugin = Plugin(**options)
    return plugin, list(read_record_batches(plugin))


def test_the_reader_asks_for_instance_hostvars_page_by_page_only_when_strict(monkeypatch):
    client = FakeClient([('r1', [{'a': 1}]), ('r2', [])])
    plugin, batches = read_with(monkeypatch, client, filters={'zone_id': 'z'})
    assert batches == [[{'a': 1}], []]
    assert client.calls == ['describe_regions', ('fetch_regions', ['r1', 'r2'], {'zone_id': 'z', 'status': 'Running'},
                                                 instance_hostvars, True)]
    client = FakeClient([('r1', [{'a': 1}])])
    read_with(monkeypatch, client, strict_permissions=False, regions=['r9'])
    assert client.calls == [('fetch_regions', ['r9'], {'status': 'Running'}, instance_hostvars, False)]


def test_with_every_region_skipped_the_first_one_skipped_is_named(monkeypatch):
    client = FakeClient([('r1', ValueError('first')), ('r2', ValueError('second'))])
    with pytest.raises(InventorySourceError) as err:
        read_with(monkeypatch, client, strict_permissions=False)
    assert str(err.value) == ('no region could be read (strict_permissions false skips a failing region, but all 2 '
                              'failed); r1: first')


def test_the_closing_line_says_how_long_the_read_took(monkeypatch):
    plugin, _ = read_with(monkeypatch, FakeClient([('r1', [{'a': 1}, {'b': 2}])]))
    line = plugin.display.vvvs[-1]
    seconds = float(line.split(' in ')[1].split('s;')[0])
    assert line.startswith('alicloud_ecs: 2 instances from 2 regions in ') and 0 <= seconds < 60


@pytest.mark.parametrize('kind, what', [
    ('auth', 'authentication failed'), ('permission', 'permission denied'), ('transient', 'API unavailable'),
    ('unreachable', 'endpoint unreachable'), ('client', 'API request failed')])
@pytest.mark.parametrize('region, where', [('cn-x', ' in region cn-x'), (None, '')])
def test_api_errors_are_named_by_kind_and_region(monkeypatch, kind, what, region, where):
    client = FakeClient([('r1', [{'a': 1}])], error=EcsApiError(kind, 'Code.X: text', region_id=region))
    with pytest.raises(InventorySourceError) as err:
        read_with(monkeypatch, client)
    assert str(err.value) == '%s%s: Code.X: text' % (what, where)


def test_a_bad_value_is_the_sources_error_as_is(monkeypatch):
    with pytest.raises(InventorySourceError) as err:
        read_with(monkeypatch, FakeClient(error=ValueError('filters: unknown filter nope')))
    assert str(err.value) == 'filters: unknown filter nope'


def test_a_credential_provider_failing_at_the_first_request_is_a_credentials_error(monkeypatch):
    CredentialException = type('CredentialException', (Exception,), {})
    with pytest.raises(InventorySourceError) as err:
        read_with(monkeypatch, FakeClient(error=CredentialException('no metadata service')))
    assert str(err.value) == 'credentials: no metadata service'


def test_any_other_exception_is_left_as_it_is(monkeypatch):
    error = RuntimeError('a bug')
    with pytest.raises(RuntimeError) as err:
        read_with(monkeypatch, FakeClient(error=error))
    assert err.value is error


class FakeProcess(object):
    """ecs_fetch_process.FetchProcess as fetch_record_batches uses it."""
    made = []

    def __init__(self, settings, warn, vvv, fail_start=None, batches=(), error=None):
        self.settings, self.warn, self.vvv, self.pid, self.closed = settings, warn, vvv, 4242, False
        self.fail_start, self.batches_, self.error = fail_start, list(batches), error
        FakeProcess.made.append(self)

    def start(self):
        if self.fail_start is not None:
            raise self.fail_start
        return self

    def batches(self):
        for batch in self.batches_:
            yield batch
        if self.error is not None:
            raise self.error

    def close(self):
        self.closed = True


def with_process(monkeypatch, **behaviour):
    FakeProcess.made = []
    monkeypatch.setattr(ecs_inventory, 'FetchProcess', lambda *args: FakeProcess(*args, **behaviour))


def test_the_api_is_read_in_a_child_process_with_plain_settings(monkeypatch):
    with_process(monkeypatch, batches=[[{'a': 1}], [{'b': 2}]])
    plugin = Plugin(fetch_process='always', secret_key=SECRET, regions=['cn-x'])
    batches = fetch_record_batches(plugin)
    process = FakeProcess.made[0]
    assert process.settings == dict((name, plugin.options[name]) for name in FETCH_OPTIONS)
    assert process.warn == plugin.display.warning and process.vvv == plugin.display.vvv
    assert plugin.display.vvvs == ['alicloud_ecs: reading the API in a child process (pid 4242)']
    assert list(batches) == [[{'a': 1}], [{'b': 2}]]
    batches.close()
    assert process.closed


def test_a_child_process_error_is_the_sources_error(monkeypatch):
    with_process(monkeypatch, batches=[[{'a': 1}]], error=FetchProcessError('the fetch process died (signal 9)'))
    batches = iter(fetch_record_batches(Plugin(fetch_process='always')))
    assert next(batches) == [{'a': 1}]
    with pytest.raises(InventorySourceError) as err:
        next(batches)
    assert str(err.value) == 'the fetch process died (signal 9)'


@pytest.mark.parametrize('failure', [OSError('fork failed'), FetchProcessError('no interpreter')])
def test_a_child_that_cannot_start_fails_always_and_falls_back_otherwise(monkeypatch, failure):
    with_process(monkeypatch, fail_start=failure)
    with pytest.raises(InventorySourceError) as err:
        fetch_record_batches(Plugin(fetch_process='always'))
    assert str(err.value) == 'fetch_process: cannot start the fetch process: %s' % failure
    monkeypatch.setattr(ecs_inventory, 'wants_process', lambda mode: True)
    monkeypatch.setattr(ecs_inventory, 'read_record_batches', lambda plugin: 'read here')
    plugin = Plugin(fetch_process='auto')
    assert fetch_record_batches(plugin) == 'read here'
    assert plugin.display.vvvs == ['alicloud_ecs: fetching in this process (no fetch process: %s)' % failure,
                                   'alicloud_ecs: reading the API in threads of this process']


def test_never_reads_here_without_starting_a_child(monkeypatch):
    with_process(monkeypatch)
    monkeypatch.setattr(ecs_inventory, 'read_record_batches', lambda plugin: 'read here')
    assert fetch_record_batches(Plugin(fetch_process='never')) == 'read here' and FakeProcess.made == []
