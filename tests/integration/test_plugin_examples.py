"""Every EXAMPLES block of the collection's other plugins runs as written, as the modules' do
(tests/integration/test_module_examples.py, whose play runner this reuses): the filters' and lookups' example
tasks on localhost (the Log Service ones against the emulator, with what they act on made first and the
variables and inventory groups they name as a user would have them), and the inventory plugin's example file
through ansible-inventory against the emulator's ECS API. No failure and no warning; the values are checked."""
import ast
import glob
import json
import os
import subprocess

import pytest
import yaml

from tests.integration.test_module_examples import (
    FQCN, INDEX, KEY_ID, KEY_SECRET, PROJECT, SYSLOG, assert_clean, play, reset_sls, run, setup_task)
from tests.support.playbook_runner import REPO_ROOT, VENV_BIN, ansible_env
from tools.alicloud_emulator import start_emulator

FILTERS = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'filter', '*.yml')))
LOOKUPS = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'lookup', '*.py')))
ENV = {'ALIBABA_CLOUD_ACCESS_KEY_ID': KEY_ID, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': KEY_SECRET}
# Two tagged web servers and a database server, running, in two regions.
FLEET = {
    'regions': [{'RegionId': 'cn-hangzhou', 'LocalName': 'China (Hangzhou)'},
                {'RegionId': 'cn-shanghai', 'LocalName': 'China (Shanghai)'}],
    'instances': [
        {'InstanceId': 'i-web1', 'InstanceName': 'web-1', 'RegionId': 'cn-hangzhou', 'ZoneId': 'cn-hangzhou-h',
         'Status': 'Running', 'InstanceType': 'ecs.g7.large', 'OSName': 'Debian 12.5 64 bit',
         'VpcAttributes': {'VpcId': 'vpc-hz', 'PrivateIpAddress': {'IpAddress': ['10.0.1.11']}},
         'Tags': {'team': 'web', 'env': 'prod'}},
        {'InstanceId': 'i-web2', 'InstanceName': 'web-2', 'RegionId': 'cn-shanghai', 'ZoneId': 'cn-shanghai-b',
         'Status': 'Running', 'InstanceType': 'ecs.g7.large', 'OSName': 'Debian 13 64 bit',
         'VpcAttributes': {'VpcId': 'vpc-sh', 'PrivateIpAddress': {'IpAddress': ['10.1.1.12']}},
         'Tags': {'team': 'web', 'env': 'prod', 'logging': 'disabled'}},
        {'InstanceId': 'i-db1', 'InstanceName': 'db-1', 'RegionId': 'cn-hangzhou', 'ZoneId': 'cn-hangzhou-h',
         'Status': 'Running', 'InstanceType': 'ecs.r7.large', 'OSName': 'Debian 12.5 64 bit',
         'VpcAttributes': {'VpcId': 'vpc-hz', 'PrivateIpAddress': {'IpAddress': ['10.0.2.21']}},
         'Tags': {'team': 'db', 'env': 'prod'}}],
}


@pytest.fixture(scope='module')
def emulator():
    emu = start_emulator(access_keys={KEY_ID: KEY_SECRET}, fixture=FLEET, index_delay=0)
    yield emu
    emu.stop()


def filter_examples(name):
    with open(os.path.join(REPO_ROOT, 'plugins', 'filter', name + '.yml')) as handle:
        return yaml.safe_load(yaml.safe_load(handle)['EXAMPLES'])


def plugin_examples(kind, name):
    with open(os.path.join(REPO_ROOT, 'plugins', kind, name + '.py')) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, 'id', None) for t in node.targets] == ['EXAMPLES']:
            return node.value.value
    raise AssertionError('%s %s has no EXAMPLES' % (kind, name))


def static_inventory(tmp_path, groups):
    path = tmp_path / 'hosts.yml'
    path.write_text(yaml.safe_dump({'all': {'children': groups}}))
    return str(path)


def results_of(results, names):
    return dict((task, result) for play_name, task, result in results if play_name == 'examples' and task in names)


# Variables the canary_report example uses, as verify.yml has them: a host's canary facts, a search result, no group.
FILTER_VARS = {
    'canaries': {'web-1': {'canary': 'canaryA1', 'written': 1764990000.0, 'ip': '10.0.1.11',
                        'agent': 'ilogtaild.service', 'agent_active': True, 'dropin': '/etc/rsyslog.d/60-logtail.conf',
                        'dropin_present': True}},
    'search': {'logs': [{'_content_': 'canaryA1', '__tag__:__receive_time__': '1764990002'}]},
    'group': None,
}
FILTER_VALUES = {
    'file_source_id': 'alicloud-ops-logging-file-nginx-access',
    'file_canaries': 'request_uri: "/alicloud-verify/alicloudverify1x0f0"',
    'file_canary_searches': '(request_uri: "/alicloud-verify/alicloudverify1x0f0")',
    'file_canary_report': ('web-1: source nginx-access canary searchable in nginx-access after 2.0 s: '
                           'request_uri=/alicloud-verify/alicloudverify1x0f0'),
    'logtail_flavor_facts': 'loongcollectord.service',
    'rsyslog_dropin_filename': '/etc/rsyslog.d/60-logtail.conf',
}


def test_every_filter_and_lookup_has_a_case():
    assert set(FILTERS) == {'canary_query', 'canary_report'} | set(FILTER_VALUES)
    assert set(LOOKUPS) == {'machine_groups', 'file_sources'}


@pytest.mark.parametrize('name', FILTERS)
def test_filter_examples(tmp_path, emulator, name):
    reset_sls(emulator)
    tasks = filter_examples(name)
    plays = [play('setup', [PROJECT, SYSLOG, INDEX])] if name == 'canary_query' else []
    plays.append(play('examples', tasks, FILTER_VARS if name == 'canary_report' else None))
    results, output = run(tmp_path, plays, dict(ENV, ALICLOUD_SLS_ENDPOINT=emulator.endpoint))
    assert_clean(results, output, secret=KEY_SECRET)
    found = results_of(results, [t['name'] for t in tasks])
    assert len(found) == len(tasks), found
    result, = found.values()
    if name in FILTER_VALUES:
        assert result['msg'] == FILTER_VALUES[name]
    elif name == 'canary_report':
        report = result['ansible_facts']['report']
        assert report['found'] == {'web-1': 2.0} and report['missing'] == {}, report
    else:  # canary_query: the search ran and found nothing, completely
        assert result['logs'] == [] and result['complete'] is True, result


def test_machine_groups_lookup_example(tmp_path, emulator):
    reset_sls(emulator)
    tasks = yaml.safe_load(plugin_examples('lookup', 'machine_groups'))
    inventory = static_inventory(tmp_path, {
        'web': {'hosts': {'web-1': {'private_ip': '10.0.1.11'}, 'web-2': {'private_ip': '10.1.1.12'}}},
        'certman': {'hosts': {'cm-1': {'private_ip': '10.0.3.31'}}}})
    plays = [play('setup', [PROJECT]), play('examples', tasks)]
    results, output = run(tmp_path, plays, dict(ENV, ALICLOUD_SLS_ENDPOINT=emulator.endpoint), inventory=[inventory])
    assert_clean(results, output, secret=KEY_SECRET)
    groups = emulator.sls_state()['projects']['web-logs']['machinegroups']
    assert groups['app']['machineIdentifyType'] == 'ip'
    assert sorted(groups['app']['machineList']) == ['10.0.1.11', '10.1.1.12']
    assert groups['certman']['machineList'] == ['10.0.3.31']


def test_file_sources_lookup_example(tmp_path, emulator):
    reset_sls(emulator)
    tasks = yaml.safe_load(plugin_examples('lookup', 'file_sources'))
    nginx = {'name': 'nginx-access', 'paths': ['/var/log/nginx/access.log'], 'format': 'nginx'}
    inventory = static_inventory(tmp_path, {
        'web': {'hosts': {'web-1': {}, 'web-2': {}}, 'vars': {'alicloud_logging_file_sources': [nginx]}}})
    # What the log_service role makes before the config: the source's logstore and machine group.
    group = 'alicloud-ops-logging-file-nginx-access'
    setup = [PROJECT, setup_task('sls_logstore', project='web-logs', name='nginx-access'),
             setup_task('sls_machine_group', project='web-logs', name=group, machines=[group])]
    plays = [play('setup', setup), play('examples', tasks)]
    results, output = run(tmp_path, plays, dict(ENV, ALICLOUD_SLS_ENDPOINT=emulator.endpoint), inventory=[inventory])
    assert_clean(results, output, secret=KEY_SECRET)
    project = emulator.sls_state()['projects']['web-logs']
    config = project['pipelineconfigs'][group]
    assert config['inputs'][0]['FilePaths'] == ['/var/log/nginx/access.log']
    assert config['processors'][0]['Type'] == 'processor_parse_regex_native'
    assert project['machinegroups'][group]['appliedConfigs'] == [group]


def test_inventory_plugin_example(tmp_path, emulator):
    text = plugin_examples('inventory', 'alicloud_ecs')
    source = tmp_path / 'alicloud_ecs.yml'
    source.write_text(text)
    config = yaml.safe_load(text)
    assert config['plugin'] == FQCN % 'alicloud_ecs'
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_', 'ANSIBLE_')))
    env.update(ansible_env(dict(ENV, HOME=str(tmp_path), ALICLOUD_ECS_ENDPOINT=emulator.url,
                                ALIBABA_CLOUD_ECS_METADATA_DISABLED='true', ANSIBLE_INVENTORY_UNPARSED_FAILED='true')))
    for attempt in ('cold', 'cached'):
        proc = subprocess.run([os.path.join(VENV_BIN, 'ansible-inventory'), '-i', str(source), '--list'],
                              cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0 and '[WARNING]' not in proc.stderr, (attempt, proc.stderr)
        inventory = json.loads(proc.stdout)
        # Running web servers only (tag team=web), without the one whose logging is disabled; named by private IP.
        assert sorted(inventory['_meta']['hostvars']) == ['10.0.1.11'], attempt
        assert inventory['env_prod']['hosts'] == ['10.0.1.11'] and inventory['debian']['hosts'] == ['10.0.1.11']
        assert inventory['type_ecs_g7_large']['hosts'] == ['10.0.1.11']
        host = inventory['_meta']['hostvars']['10.0.1.11']['ansible_host']
        # ansible-inventory marks values from the source as unsafe in its JSON ({"__ansible_unsafe": ...}).
        assert (host.get('__ansible_unsafe') if isinstance(host, dict) else host) == '10.0.1.11'
    # The example caches into .cache/inventory (relative to where it runs), never a credential.
    cached = glob.glob(str(tmp_path / '.cache' / 'inventory' / '*'))
    assert cached and all(KEY_SECRET not in open(path).read() for path in cached)
