"""ecs_sdk: the official ECS client with its models package loaded per class, in a fresh interpreter each time
(the test process itself has usually imported the whole models package already)."""
import json
import os
import subprocess
import sys

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_sdk as ecs_sdk_module

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


def run(body):
    out = subprocess.run([sys.executable, '-c', PRELUDE + body], capture_output=True, text=True, check=True)
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
