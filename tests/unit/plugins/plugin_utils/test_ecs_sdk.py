"""ecs_sdk: the official ECS client with its models package loaded per class, in a fresh interpreter each time
(the test process itself has usually imported the whole models package already)."""
import json
import os
import subprocess
import sys

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_sdk as ecs_sdk_module
from tests.support.emulator import TEST_KEY_ID, TEST_KEY_SECRET, ecs_emulator  # noqa: F401 (fixture)

# The folder holding ansible_collections/, wherever this run imports the collection from (the repo's collections/
# link under pytest, ansible-test's copy under `make units`).
COLLECTIONS_ROOT = os.path.abspath(ecs_sdk_module.__file__)
for _level in range(6):
    COLLECTIONS_ROOT = os.path.dirname(COLLECTIONS_ROOT)
PRELUDE = '''
import json, sys
sys.path[:0] = [%r]
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_sdk import ecs_sdk
def loaded():
    return sorted(n for n in sys.modules if n.startswith('alibabacloud_ecs20140526.models.'))
''' % COLLECTIONS_ROOT


def run(body, env=None):
    out = subprocess.run([sys.executable, '-c', PRELUDE + body], capture_output=True, text=True, check=True,
                         env=env)
    return json.loads(out.stdout)


def test_client_import_loads_no_model_file():
    result = run('''
Client, models = ecs_sdk()
import alibabacloud_ecs20140526.client as client_module, alibabacloud_ecs20140526 as package
print(json.dumps([loaded(), Client is client_module.Client, package.models is models is client_module.main_models]))
''')
    assert result == [[], True, True]


def test_models_are_the_sdks_own_classes_from_their_own_files():
    result = run('''
Client, models = ecs_sdk()
tag = models.DescribeInstancesRequestTag(key='env', value='prod')
request = models.DescribeInstancesRequest(region_id='cn-hangzhou', tag=[tag])
print(json.dumps([type(request).__module__, request.to_map(), loaded()]))
''')
    module, query, files = result
    assert module == 'alibabacloud_ecs20140526.models._describe_instances_request'
    assert query['RegionId'] == 'cn-hangzhou' and query['Tag'] == [{'Key': 'env', 'Value': 'prod'}]
    assert files == ['alibabacloud_ecs20140526.models._describe_instances_request']


def test_a_name_outside_the_class_list_loads_the_real_package():
    result = run('''
Client, models = ecs_sdk()
names = [getattr(c, '__name__', c) for c in models.__all__]
try:
    models.NoSuchModel
    missing = 'no error'
except AttributeError as error:
    missing = str(error)
print(json.dumps([len(names), 'DescribeRegionsRequest' in names, len(loaded()) > 1000, missing]))
''')
    count, has_regions, everything, missing = result
    assert count > 2000 and has_regions and everything
    assert "has no attribute 'NoSuchModel'" in missing


def test_an_already_imported_models_package_is_left_alone():
    result = run('''
import alibabacloud_ecs20140526.models as real
Client, models = ecs_sdk()
print(json.dumps([models is real, type(real).__name__, len(loaded()) > 1000]))
''')
    assert result == [True, 'module', True]


def test_concurrent_first_use_from_the_thread_pool():
    result = run('''
from concurrent.futures import ThreadPoolExecutor
def first_use(i):
    Client, models = ecs_sdk()
    return (models.DescribeInstancesRequest, models.DescribeRegionsRequest)
with ThreadPoolExecutor(8) as pool:
    seen = set(pool.map(first_use, range(32)))
print(json.dumps(len(seen)))
''')
    assert result == 1


# The fetch process defers the SDK's async transport (aiohttp): its sync calls must not load it, the SDK's async
# calls must still work (loading it on first use), and the names the SDK reads from it at import stand in for the
# real classes.
FETCH = '''
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_sdk import defer_unused_transports, really_loaded
deferred = defer_unused_transports() if DEFER else []
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_fetch_process import _Options
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_inventory import CREDENTIAL_OPTIONS, read_record_batches
options = dict((name, None) for name in CREDENTIAL_OPTIONS)
options.update(access_key=%r, secret_key=%r, endpoint_url=%r, default_region='cn-hangzhou', max_workers=8,
               retry_base_delay=0.01, retry_max_delay=0.05, retry_deadline=5, connect_timeout=5, read_timeout=15,
               strict_permissions=True, regions=[], filters={'status': 'Running'})
hosts = sum(len(batch) for batch in read_record_batches(_Options(options, lambda kind, text: None)))
print(json.dumps([deferred, hosts, really_loaded('aiohttp'), type(sys.modules.get('aiohttp')).__name__]))
'''


def offline_env(tmp_path):
    return dict(os.environ, HOME=str(tmp_path), ALIBABA_CLOUD_ECS_METADATA_DISABLED='true')


def test_the_sdks_sync_calls_do_not_load_a_deferred_transport(tmp_path, ecs_emulator):
    emu = ecs_emulator(instances=250, regions=2)
    body = FETCH % (TEST_KEY_ID, TEST_KEY_SECRET, emu.url)
    # Without the deferral the SDK's import loads aiohttp: the check below can fail.
    assert run('DEFER = False' + body, offline_env(tmp_path)) == [[], 250, True, 'module']
    assert run('DEFER = True' + body, offline_env(tmp_path)) == [['aiohttp'], 250, False, 'DeferredModule']


def test_the_sdks_async_calls_load_a_deferred_transport_and_work(tmp_path, ecs_emulator):
    emu = ecs_emulator(instances=10, regions=3)
    result = run('''
import asyncio
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_sdk import defer_unused_transports, really_loaded
deferred = defer_unused_transports()
Client, models = ecs_sdk()
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions
before = really_loaded('aiohttp')
client = Client(Config(access_key_id=%r, access_key_secret=%r, endpoint=%r, protocol='HTTP', region_id='cn-hangzhou'))
answer = asyncio.run(client.describe_regions_with_options_async(models.DescribeRegionsRequest(), RuntimeOptions()))
regions = sorted(r.region_id for r in answer.body.regions.region)
print(json.dumps([deferred, before, len(regions), really_loaded('aiohttp'), type(sys.modules['aiohttp']).__name__]))
''' % (TEST_KEY_ID, TEST_KEY_SECRET, emu.endpoint), offline_env(tmp_path))
    assert result == [['aiohttp'], False, 3, True, 'module']


def test_stand_ins_and_submodules_before_the_real_package_is_loaded():
    result = run('''
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_sdk import defer_unused_transports, really_loaded
assert defer_unused_transports() == ['aiohttp']
from aiohttp import ClientResponse, ClientSession
import aiohttp.hdrs
steps = [really_loaded('aiohttp'), aiohttp.hdrs.ACCEPT]
steps.append(isinstance(object(), ClientResponse))
import aiohttp as now
real = sys.modules['aiohttp']
steps += [really_loaded('aiohttp'), type(real).__name__, issubclass(real.ClientResponse, ClientResponse),
          ClientSession.request is real.ClientSession.request, now.ClientTimeout is real.ClientTimeout,
          real.hdrs is aiohttp.hdrs, defer_unused_transports()]
print(json.dumps(steps))
''')
    assert result == [False, 'Accept', False, True, 'module', True, True, True, True, []]


def test_a_module_not_installed_or_already_imported_is_not_deferred():
    result = run('''
import aiohttp
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_sdk import defer_unused_transports
print(json.dumps([defer_unused_transports({'aiohttp': (), 'no_such_module_for_this_test': ('X',)}),
                  type(sys.modules['aiohttp']).__name__, 'no_such_module_for_this_test' in sys.modules]))
''')
    assert result == [[], 'module', False]
