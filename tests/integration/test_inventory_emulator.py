"""ansible-inventory with the alicloud_ecs plugin against the ECS emulator, through the unchanged SDK."""
import copy
import glob
import json
import os
import subprocess
import time

import pytest
import yaml

from tests.support.constructed_cases import RUNNING_INSTANCES
from tests.support.emulator import TEST_KEY_ID, TEST_KEY_SECRET, ecs_emulator  # noqa: F401 (fixture)
from tests.support.endpoints import silent_endpoint
from tests.support.inventory_json import plain
from tests.support.playbook_runner import REPO_ROOT, VENV_BIN, ansible_env, run_playbook

# The running instances are the ones the in-process equality test uses too (tests/support/constructed_cases.py);
# i-old is stopped, so the API query leaves it out.
FIXTURE = {
    'regions': [{'RegionId': 'cn-hangzhou', 'LocalName': 'China (Hangzhou)'},
                {'RegionId': 'cn-shanghai', 'LocalName': 'China (Shanghai)'}],
    'instances': copy.deepcopy(RUNNING_INSTANCES) + [
        {'InstanceId': 'i-old', 'InstanceName': 'old-1', 'RegionId': 'cn-shanghai', 'ZoneId': 'cn-shanghai-b',
         'Status': 'Stopped', 'VpcAttributes': {'VpcId': 'vpc-sh', 'PrivateIpAddress': {'IpAddress': ['10.1.1.99']}}},
    ],
}
RUNNING_IPS = {'10.0.1.11', '10.0.2.12', '10.1.1.21'}


def clean_env(tmp_path, extra=None):
    """No credentials from the machine running the tests: own HOME, no cloud env vars, no metadata service."""
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
    env.update(ansible_env())
    # A source that fails to parse is a warning by default; make it an error so the exit code tells.
    env.update({'HOME': str(tmp_path), 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true',
                'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true',
                'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp')})
    env.update(extra or {})
    return env


# Options every write_config source gets; the fetch_process fixture sets where the API is read.
DEFAULTS = {}


@pytest.fixture(autouse=True, params=['always', 'never'])
def fetch_process(request, monkeypatch):
    """Every test here runs twice: the API read in a child process, and in threads of ansible-inventory."""
    monkeypatch.setitem(DEFAULTS, 'fetch_process', request.param)
    return request.param


def write_config(tmp_path, emu, **options):
    config = dict(DEFAULTS, plugin='alicloud_ops.logging.alicloud_ecs', endpoint_url=emu.url,
                  access_key=TEST_KEY_ID, secret_key=TEST_KEY_SECRET, retry_base_delay=0.02)
    config.update(options)
    config = dict((k, v) for k, v in config.items() if v is not None)
    path = tmp_path / 'alicloud_ecs.yml'
    path.write_text(yaml.safe_dump(config))
    return str(path)


def inventory(tmp_path, source, *args, env=None):
    cmd = [os.path.join(VENV_BIN, 'ansible-inventory'), '-i', source] + list(args or ['--list'])
    return subprocess.run(cmd, capture_output=True, text=True, env=clean_env(tmp_path, env), cwd=REPO_ROOT,
                          timeout=300)


def listing(result):
    assert result.returncode == 0, result.stderr
    return plain(json.loads(result.stdout))


def verbose_listing(tmp_path, source, env=None):
    """--list -vvvv: the inventory goes to a file since -vvvv writes its own lines to stdout.
    Returns (data, every character the run printed)."""
    out = tmp_path / 'listing.json'
    result = inventory(tmp_path, source, '--list', '-vvvv', '--output', str(out), env=env)
    assert result.returncode == 0, result.stderr
    printed = result.stdout + result.stderr
    assert 'alicloud_ecs: credentials from' in printed       # really verbose
    # The path the fetch_process fixture asked for is the one taken.
    ways = {'always': 'in a child process (pid ', 'never': 'in threads of this process'}
    way = ways.get(DEFAULTS.get('fetch_process'))
    assert way is None or 'alicloud_ecs: reading the API ' + way in printed
    return plain(json.loads(out.read_text())), printed


def hosts_of(data, group):
    return set(data.get(group, {}).get('hosts', []))


def all_hosts(data):
    return set(data['_meta']['hostvars'])


def test_fixture_gives_exact_hosts_groups_and_hostvars(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE)
    source = write_config(tmp_path, emu, keyed_groups=[{'key': 'ecs_tags.role', 'prefix': 'role'}],
                          groups={'alinux': "os_name is search('Alibaba Cloud Linux')"}, compose={'ansible_host': 'public_ip or eip or private_ip'})
    result = inventory(tmp_path, source)
    assert '[WARNING]' not in result.stderr          # e.g. no reserved-name variable such as `tags`
    data = listing(result)
    assert all_hosts(data) == RUNNING_IPS
    assert hosts_of(data, 'alicloud') == RUNNING_IPS
    groups = dict((g, hosts_of(data, g)) for g in data if g not in ('_meta', 'all'))
    assert groups['cn_hangzhou'] == {'10.0.1.11', '10.0.2.12'}
    assert groups['cn_shanghai'] == {'10.1.1.21'}
    assert groups['cn_hangzhou_h'] == {'10.0.1.11'} and groups['cn_hangzhou_i'] == {'10.0.2.12'}
    assert groups['cn_shanghai_b'] == {'10.1.1.21'}
    assert groups['role_web'] == {'10.0.1.11', '10.0.2.12'} and groups['role_db'] == {'10.1.1.21'}
    assert groups['alinux'] == {'10.0.1.11'}
    web1 = data['_meta']['hostvars']['10.0.1.11']
    expected = {
        'instance_id': 'i-web1', 'instance_name': 'web-1', 'hostname': 'web1', 'region_id': 'cn-hangzhou',
        'zone_id': 'cn-hangzhou-h', 'vpc_id': 'vpc-hz', 'vswitch_id': 'vsw-hz-h', 'private_ip': '10.0.1.11',
        'public_ip': '47.96.0.11', 'eip': '', 'security_group_ids': ['sg-web', 'sg-base'],
        'ecs_tags': {'env': 'prod', 'role': 'web'}, 'instance_type': 'ecs.g7.large', 'os_name': 'Alibaba Cloud Linux 3.2104 LTS 64 bit',
        'status': 'Running', 'creation_time': '2024-05-01T08:00Z', 'ansible_host': '47.96.0.11'}
    assert dict((k, web1[k]) for k in expected) == expected
    assert data['_meta']['hostvars']['10.0.2.12']['ansible_host'] == '8.136.0.12'
    graph = inventory(tmp_path, source, '--graph')
    assert graph.returncode == 0, graph.stderr
    assert '@cn_shanghai_b:' in graph.stdout and '|--10.1.1.21' in graph.stdout


def test_hostnames_prefix_suffix_filters_and_status(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE)
    source = write_config(tmp_path, emu, regions=['cn-hangzhou', 'cn-shanghai'],
                          filters={'status': None, 'tags': {'env': None}},
                          hostnames=[{'name': 'instance_name', 'prefix': 'tag:env', 'separator': '-'}, 'instance_id'],
                          exclude_filters=[{'instance_name': 'web-2'}], hostvars_prefix='ecs_')
    data = listing(inventory(tmp_path, source))
    assert all_hosts(data) == {'prod-web-1', 'staging-db-1'}   # i-old has no env tag; web-2 excluded
    assert data['_meta']['hostvars']['staging-db-1']['ecs_instance_id'] == 'i-db1'
    assert 'instance_id' not in data['_meta']['hostvars']['staging-db-1']
    emu_calls = emu.stats()['calls']
    assert emu_calls.get('DescribeRegions', 0) == 0   # regions given: no DescribeRegions


def test_throttling_and_5xx_still_give_the_exact_inventory(tmp_path, ecs_emulator):
    clean = ecs_emulator(instances=3000, regions=3, seed=7)
    flaky = ecs_emulator(instances=3000, regions=3, seed=7, throttle_rate=0.2, error_rate=0.05)
    expected = listing(inventory(tmp_path, write_config(tmp_path, clean)))
    # One worker keeps the emulator's seeded fault sequence in call order, so the faults below are certain.
    got = listing(inventory(tmp_path, write_config(tmp_path, flaky, max_workers=1)))
    assert len(all_hosts(expected)) == 3000
    assert got == expected
    stats = flaky.stats()
    assert stats['throttled'] > 0 and stats['errors'] > 0
    # 10 pages of 100 in each of 3 regions; every throttled or failed call was retried.
    assert stats['calls']['DescribeInstances'] >= 30 + 1


def test_forbidden_region_strict_fails_and_non_strict_warns(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE, forbidden_regions=['cn-shanghai'])
    strict = inventory(tmp_path, write_config(tmp_path, emu))
    assert strict.returncode != 0
    assert 'permission denied in region cn-shanghai' in strict.stderr and 'Forbidden' in strict.stderr
    lenient = inventory(tmp_path, write_config(tmp_path, emu, strict_permissions=False))
    data = listing(lenient)
    assert all_hosts(data) == {'10.0.1.11', '10.0.2.12'}
    assert 'skipping region cn-shanghai' in lenient.stderr and 'Forbidden' in lenient.stderr


def test_a_region_failing_after_others_were_added_fails_the_run_even_with_unparsed_is_failed_off(tmp_path,
                                                                                                 ecs_emulator):
    # Hosts are added region by region as regions are read: cn-hangzhou's are in the inventory by the time
    # cn-shanghai answers Forbidden. ansible-core would warn and list the other source alone; the plugin fails
    # the run instead (populate takes back what it added: test_ecs_populate).
    emu = ecs_emulator(fixture=FIXTURE, forbidden_regions=['cn-shanghai'])
    result = inventory(tmp_path, write_config(tmp_path, emu), '-i', 'localhost,', '--list',
                       env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'false'})
    assert result.returncode == 1
    assert '[ERROR]: alicloud_ecs: permission denied in region cn-shanghai' in result.stderr
    assert result.stdout == ''      # no listing without this source's hosts


def test_unreachable_endpoint_fails_strict_or_not(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE)
    emu.stop()    # nothing listens on its port any more: connection refused
    source = write_config(tmp_path, emu, regions=['cn-hangzhou'], retry_deadline=0.5)
    strict = inventory(tmp_path, source)
    assert strict.returncode != 0
    # Not retried (a refused connection stays refused): one attempt, a message naming the endpoint.
    assert 'endpoint unreachable in region cn-hangzhou' in strict.stderr
    assert 'cannot connect to %s: connection refused' % emu.url.rstrip('/') in strict.stderr
    # strict_permissions false skips a region that fails, but not every region: that is no inventory at all.
    lenient = inventory(tmp_path, write_config(tmp_path, emu, regions=['cn-hangzhou'], retry_deadline=0.5,
                                               strict_permissions=False), '--list', '-vvvv')
    assert lenient.returncode != 0
    printed = lenient.stdout + lenient.stderr
    assert 'skipping region cn-hangzhou' in printed
    assert 'no region could be read (strict_permissions false skips a failing region, but all 1 failed)' in printed
    assert TEST_KEY_SECRET not in printed


def test_silent_endpoint_fails_after_one_read_timeout_naming_it(tmp_path):
    # Listens (the kernel completes the handshake) but never answers: read_timeout bounds the call, and
    # the retry deadline (60 s by default) does not start it over.
    with silent_endpoint() as url:
        source = write_config(tmp_path, FakeEmu(url), regions=['cn-hangzhou'], read_timeout=1)
        result = inventory(tmp_path, source)
    assert result.returncode != 0
    assert 'endpoint unreachable in region cn-hangzhou' in result.stderr
    assert '%s did not answer' % url in result.stderr and 'read_timeout' in result.stderr
    assert 'still failing after' not in result.stderr


def test_unresolvable_endpoint_fails_naming_it(tmp_path):
    # .invalid never resolves (RFC 2606), so no query leaves the machine with an answer.
    source = write_config(tmp_path, FakeEmu('http://ecs.no-such-region.invalid'), regions=['cn-hangzhou'])
    result = inventory(tmp_path, source)
    assert result.returncode != 0
    assert 'cannot resolve the host of http://ecs.no-such-region.invalid' in result.stderr


def child_pids(pid):
    pids = []
    for task in glob.glob('/proc/%d/task/*/children' % pid):
        with open(task) as handle:
            pids.extend(int(p) for p in handle.read().split())
    return pids


def running(pid):
    """The process exists and has not exited (a zombie left to an init that does not reap has exited)."""
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().rpartition(')')[2].split()[0] != 'Z'
    except OSError:
        return False


@pytest.mark.parametrize('fetch_process', ['always'])   # the only path that starts a process
def test_the_fetch_process_never_outlives_ansible_inventory(tmp_path, fetch_process):
    # ansible-inventory killed outright (no cleanup runs) while its fetch process waits on a silent endpoint.
    with silent_endpoint() as url:
        source = write_config(tmp_path, FakeEmu(url), regions=['cn-hangzhou'], read_timeout=120,
                              fetch_process=fetch_process)
        cmd = [os.path.join(VENV_BIN, 'ansible-inventory'), '-i', source, '--list']
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=clean_env(tmp_path), cwd=REPO_ROOT)
        try:
            deadline = time.monotonic() + 60
            children = []
            while not children and time.monotonic() < deadline and proc.poll() is None:
                children = [p for p in child_pids(proc.pid) if b'child_main' in open(
                    '/proc/%d/cmdline' % p, 'rb').read()]
                time.sleep(0.05)
            assert children, 'no fetch process started'
            with open('/proc/%d/cmdline' % children[0], 'rb') as handle:
                assert TEST_KEY_SECRET.encode() not in handle.read()
        finally:
            proc.kill()
            proc.wait()
        # The endpoint still holds the connection open: the child has nothing to wake it but its parent's end.
        deadline = time.monotonic() + 10
        while running(children[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        # Exited on its own once its parent was gone, long before its 120 s read timeout.
        assert not running(children[0])


class FakeEmu(object):
    """write_config only needs the endpoint's URL."""

    def __init__(self, url):
        self.url = url


def test_wrong_secret_fails_clearly_without_leaking_it(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE)
    wrong = 'Wr0ngSecretValue-must-not-leak'
    cache_dir = tmp_path / 'cache'
    source = write_config(tmp_path, emu, secret_key=wrong, cache=True, cache_plugin='ansible.builtin.jsonfile',
                          cache_connection=str(cache_dir))
    result = inventory(tmp_path, source, '--list', '-vvvv')
    assert result.returncode != 0
    assert 'authentication failed' in result.stderr and 'SignatureDoesNotMatch' in result.stderr
    assert wrong not in result.stdout and wrong not in result.stderr
    for path in glob.glob(str(cache_dir / '**'), recursive=True):
        if os.path.isfile(path):
            assert wrong not in open(path).read()
    bad_id = inventory(tmp_path, write_config(tmp_path, emu, access_key='LTAI-no-such-key'))
    assert bad_id.returncode != 0 and 'InvalidAccessKeyId.NotFound' in bad_id.stderr
    assert TEST_KEY_SECRET not in bad_id.stderr + bad_id.stdout


def test_cache_is_used_then_flushed(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE)
    cache_dir = tmp_path / 'cache'
    source = write_config(tmp_path, emu, cache=True, cache_plugin='ansible.builtin.jsonfile',
                          cache_connection=str(cache_dir), cache_timeout=3600)
    first = listing(inventory(tmp_path, source))
    calls_after_first = emu.stats()['calls']
    assert calls_after_first['DescribeInstances'] >= 2
    cache_files = [p for p in glob.glob(str(cache_dir / '*')) if os.path.isfile(p)]
    assert len(cache_files) == 1
    mtime = os.stat(cache_files[0]).st_mtime_ns
    content = open(cache_files[0]).read()
    assert TEST_KEY_SECRET not in content and TEST_KEY_ID not in content and 'i-web1' in content

    second = listing(inventory(tmp_path, source))
    assert second == first
    assert emu.stats()['calls'] == calls_after_first          # no new API calls
    assert os.stat(cache_files[0]).st_mtime_ns == mtime     # cache not rewritten, so its age is kept

    flushed = listing(inventory(tmp_path, source, '--list', '--flush-cache'))
    assert flushed == first
    assert emu.stats()['calls']['DescribeInstances'] == 2 * calls_after_first['DescribeInstances']

    # Other filters in the same file: the cache no longer answers the query, so it is refetched.
    source = write_config(tmp_path, emu, cache=True, cache_plugin='ansible.builtin.jsonfile',
                          cache_connection=str(cache_dir), cache_timeout=3600, filters={'vpc_id': 'vpc-sh'})
    narrowed = listing(inventory(tmp_path, source))
    assert all_hosts(narrowed) == {'10.1.1.21'}     # status Running still applies with other filters
    assert emu.stats()['calls']['DescribeInstances'] == 3 * calls_after_first['DescribeInstances']


def test_sts_token_reaches_the_request(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE, access_keys={'STS.TempKey': 'temp-secret'}, sts_token='token-abc')
    data, printed = verbose_listing(tmp_path, write_config(tmp_path, emu, access_key='STS.TempKey',
                                                           secret_key='temp-secret', security_token='token-abc'))
    assert all_hosts(data) == RUNNING_IPS
    assert 'temp-secret' not in printed and 'token-abc' not in printed
    missing = inventory(tmp_path, write_config(tmp_path, emu, access_key='STS.TempKey', secret_key='temp-secret'))
    assert missing.returncode != 0 and 'InvalidSecurityToken' in missing.stderr
    # Same token from a StsToken profile in ~/.aliyun/config.json, endpoint from the environment.
    (tmp_path / '.aliyun').mkdir()
    (tmp_path / '.aliyun' / 'config.json').write_text(json.dumps({'current': 'temp', 'profiles': [
        {'name': 'temp', 'mode': 'StsToken', 'access_key_id': 'STS.TempKey', 'access_key_secret': 'temp-secret',
         'sts_token': 'token-abc'}]}))
    source = write_config(tmp_path, emu, access_key=None, secret_key=None, endpoint_url=None)
    from_profile = inventory(tmp_path, source, env={'ALICLOUD_ECS_ENDPOINT': emu.url})
    assert all_hosts(listing(from_profile)) == RUNNING_IPS


def test_environment_credentials(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE)
    source = write_config(tmp_path, emu, access_key=None, secret_key=None)
    result = inventory(tmp_path, source, env={'ALICLOUD_ACCESS_KEY': TEST_KEY_ID,
                                              'ALICLOUD_SECRET_KEY': TEST_KEY_SECRET})
    assert all_hosts(listing(result)) == RUNNING_IPS
    nothing = inventory(tmp_path, source)
    assert nothing.returncode != 0 and 'no credentials found' in nothing.stderr


def test_refresh_inventory_playbook(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE)
    source = write_config(tmp_path, emu)
    result = run_playbook(tmp_path, os.path.join(REPO_ROOT, 'playbooks', 'refresh_inventory.yml'),
                          inventory=source, envvars={'HOME': str(tmp_path),
                                                     'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'})
    assert result.rc == 0, result.stdout
    counts = [res for task, res in result.task_results() if task == 'Host count per group']
    assert counts and counts[-1]['msg']['alicloud'] == 3 and counts[-1]['msg']['cn_shanghai'] == 1


def copy_inventory_dir(name, tmp_path):
    target = tmp_path / name
    target.mkdir()
    for root, _dirs, files in os.walk(os.path.join(REPO_ROOT, 'inventories', name)):
        rel = os.path.relpath(root, os.path.join(REPO_ROOT, 'inventories', name))
        (target / rel).mkdir(parents=True, exist_ok=True)
        for filename in files:
            with open(os.path.join(root, filename)) as src:
                (target / rel / filename).write_text(src.read())
    return str(target)


def example_inventory(tmp_path, name, env):
    """Run an example inventory directory from a temp copy, so its .cache/ lands in tmp_path."""
    source = copy_inventory_dir(name, tmp_path)
    cmd = [os.path.join(VENV_BIN, 'ansible-inventory'), '-i', source, '--list']
    return subprocess.run(cmd, capture_output=True, text=True, env=clean_env(tmp_path, env), cwd=str(tmp_path),
                          timeout=300)


# The example files leave fetch_process at its default (auto), run once.
@pytest.mark.parametrize('fetch_process', ['auto'])
def test_example_production_inventory(tmp_path, ecs_emulator):
    fixture = json.loads(json.dumps(FIXTURE))
    fixture['instances'].append({'InstanceId': 'i-quiet', 'RegionId': 'cn-hangzhou', 'Status': 'Running',
                                 'VpcAttributes': {'PrivateIpAddress': {'IpAddress': ['10.0.9.9']}},
                                 'Tags': {'logging': 'disabled'}})
    emu = ecs_emulator(fixture=fixture)
    (tmp_path / '.aliyun').mkdir()
    (tmp_path / '.aliyun' / 'config.json').write_text(json.dumps({'current': 'other', 'profiles': [
        {'name': 'ops', 'mode': 'AK', 'access_key_id': TEST_KEY_ID, 'access_key_secret': TEST_KEY_SECRET}]}))
    result = example_inventory(tmp_path, 'production', {'ALICLOUD_ECS_ENDPOINT': emu.url})
    data = listing(result)
    assert all_hosts(data) == RUNNING_IPS                       # i-quiet excluded by tags logging=disabled
    assert hosts_of(data, 'env_prod') == {'10.0.1.11', '10.0.2.12'} and hosts_of(data, 'role_db') == {'10.1.1.21'}
    assert data['_meta']['hostvars']['10.1.1.21']['ansible_host'] == '10.1.1.21'
    assert glob.glob(str(tmp_path / '.cache' / 'inventory' / '*'))  # jsonfile cache written
    assert TEST_KEY_SECRET not in open(glob.glob(str(tmp_path / '.cache' / 'inventory' / '*'))[0]).read()


# The example files leave fetch_process at its default (auto), run once.
@pytest.mark.parametrize('fetch_process', ['auto'])
def test_example_emulator_inventory(tmp_path, ecs_emulator):
    emu = ecs_emulator(instances=40, regions=3, access_keys={'emulator-access-key-id': 'emulator-access-key-secret'})
    data = listing(example_inventory(tmp_path, 'emulator', {'ALICLOUD_ECS_ENDPOINT': emu.url}))
    assert len(all_hosts(data)) == 40
    assert set(emu.stats()['by_region']) == {'cn-hangzhou', 'cn-shanghai', 'ap-southeast-1'}


# --- A failed source fails the run, whatever unparsed_is_failed says (issue 21) -----------------------------------

def without_project_config(tmp_path, extra=None):
    """ansible-core's own defaults, not the project's ansible.cfg: the file reaches the plugin through the `auto`
    inventory plugin, and unparsed_is_failed is off (a failing source is a warning to ansible-core)."""
    config = tmp_path / 'plain.cfg'
    config.write_text('[defaults]\n')
    env = {'ANSIBLE_CONFIG': str(config), 'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'false'}
    env.update(extra or {})
    return env


def playbook(tmp_path, source, env):
    play = tmp_path / 'play.yml'
    play.write_text('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: {msg: hi}\n')
    cmd = [os.path.join(VENV_BIN, 'ansible-playbook'), '-i', source, '-i', 'localhost,', str(play)]
    return subprocess.run(cmd, capture_output=True, text=True, env=clean_env(tmp_path, env), cwd=REPO_ROOT,
                          timeout=300)


def assert_failed_loudly(result, *fragments):
    assert result.returncode == 1, result.stdout + result.stderr
    error = [line for line in result.stderr.splitlines() if line.startswith('[ERROR]: alicloud_ecs: ')]
    assert error, result.stderr
    for fragment in fragments:
        assert fragment in error[0], error[0]
    assert '[WARNING]: Unable to parse' not in result.stderr


@pytest.mark.parametrize('fetch_process', ['always', 'never'])
def test_wrong_secret_fails_the_run_without_the_projects_config(tmp_path, ecs_emulator, fetch_process):
    emu = ecs_emulator(fixture=FIXTURE)
    wrong = 'Wr0ngSecretValue-must-not-leak'
    source = write_config(tmp_path, emu, secret_key=wrong)
    env = without_project_config(tmp_path)
    listed = inventory(tmp_path, source, '-i', 'localhost,', '--list', env=env)
    assert_failed_loudly(listed, 'authentication failed in region', 'SignatureDoesNotMatch')
    assert listed.stdout == ''
    played = playbook(tmp_path, source, env)
    assert_failed_loudly(played, 'authentication failed in region', 'SignatureDoesNotMatch')
    assert 'PLAY RECAP' not in played.stdout
    for result in (listed, played):
        assert wrong not in result.stdout + result.stderr


@pytest.mark.parametrize('fetch_process', ['always', 'never'])
def test_dead_endpoint_fails_the_run_without_the_projects_config(tmp_path, ecs_emulator, fetch_process):
    emu = ecs_emulator(fixture=FIXTURE)
    emu.stop()
    source = write_config(tmp_path, emu, regions=['cn-hangzhou'])
    env = without_project_config(tmp_path)
    listed = inventory(tmp_path, source, '--list', env=env)
    assert_failed_loudly(listed, 'endpoint unreachable in region cn-hangzhou',
                         'cannot connect to %s: connection refused' % emu.url.rstrip('/'))
    assert_failed_loudly(playbook(tmp_path, source, env), 'endpoint unreachable in region cn-hangzhou')


@pytest.mark.parametrize('fetch_process', ['auto'])
def test_missing_sdk_fails_the_run_without_the_projects_config(tmp_path):
    shadow = tmp_path / 'shadow' / 'alibabacloud_ecs20140526'
    shadow.mkdir(parents=True)
    (shadow / '__init__.py').write_text("raise ImportError(\"No module named 'alibabacloud_ecs20140526'\")\n")
    source = write_config(tmp_path, FakeEmu('http://127.0.0.1:9'), regions=['cn-hangzhou'])
    result = inventory(tmp_path, source, '--list',
                       env=without_project_config(tmp_path, {'PYTHONPATH': str(tmp_path / 'shadow')}))
    assert_failed_loudly(result, 'alibabacloud-ecs20140526 are not installed for the controller')


@pytest.mark.parametrize('fetch_process', ['never'])
def test_with_any_unparsed_is_failed_it_is_ansible_cores_parse_failure(tmp_path, ecs_emulator):
    emu = ecs_emulator(fixture=FIXTURE)
    source = write_config(tmp_path, emu, secret_key='Wr0ng-secret-again')
    result = inventory(tmp_path, source, '--list',
                       env=without_project_config(tmp_path, {'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': 'true'}))
    assert result.returncode != 0
    assert 'alicloud_ecs: authentication failed in region' in result.stderr
    assert 'Completely failed to parse inventory source %s' % source in result.stderr
    assert 'Wr0ng-secret-again' not in result.stdout + result.stderr


# --- Configuration that can only be a mistake is refused before any API call (issue 19) -------------------------

BAD_OPTIONS = [
    ({'hostnames': ['tag:']}, "hostnames[0]: 'tag:' names no tag key"),
    ({'hostnames': ['private_ip', {'name': 'tag:Name', 'prefix': 'tag:'}]}, "hostnames[1].prefix: 'tag:' names no "
                                                                            "tag key"),
    ({'filters': {'status': 'Bogus'}}, "filters.status: 'Bogus' is not an ECS instance status"),
    ({'filters': {'colour': 'red'}}, "filters: unknown key 'colour'"),
    ({'max_workers': 0}, 'max_workers: must be at least 1, got 0'),
    ({'retry_deadline': float('nan')}, 'retry_deadline: must be a finite number of seconds, got nan'),
    ({'retry_deadline': float('inf')}, 'retry_deadline: must be a finite number of seconds, got inf'),
    ({'read_timeout': 0}, 'read_timeout: must be at least 0.001 seconds, got 0.0'),
    ({'keyed_groups': [{'prefix': 'env'}]}, 'keyed_groups[0].key: required'),
    ({'regions': [123]}, 'regions[0]: expected a region id such as cn-hangzhou'),
    ({'regions': ['cn_hangzhou']}, 'regions[0]: expected a region id such as cn-hangzhou'),
    ({'regoins': ['cn-hangzhou']}, "unknown option 'regoins'; did you mean 'regions'?"),
    ({'strict_permissions': 'flase'}, "strict_permissions: expected true or false, got 'flase'"),
    ({'include_filters': [{'status': 'running'}]}, "include_filters[0].status: 'running' is not an ECS instance "
                                                   "status"),
    ({'endpoint_url': 'ftp://127.0.0.1:9'}, "endpoint_url: 'ftp://127.0.0.1:9': the scheme must be http or https"),
    ({'hostvars_prefix': 'ecs-'}, "hostvars_prefix: 'ecs-instance_id' is not a valid variable name"),
]


@pytest.mark.parametrize('fetch_process', ['always'])   # the path that would start reading at once
@pytest.mark.parametrize('options, message', BAD_OPTIONS, ids=[m.split(':')[0] for _o, m in BAD_OPTIONS])
def test_a_mistake_is_refused_naming_the_option_before_any_api_call(tmp_path, ecs_emulator, options, message,
                                                                     fetch_process):
    emu = ecs_emulator(fixture=FIXTURE)
    source = write_config(tmp_path, emu, **options)
    result = inventory(tmp_path, source, '--list')
    assert result.returncode != 0
    assert 'alicloud_ecs: ' + message in result.stderr, result.stderr
    assert 'Traceback' not in result.stderr and 'TypeError' not in result.stderr
    assert emu.stats()['calls'] == {}
