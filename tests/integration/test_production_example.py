"""inventories/production/ as shipped, against the emulator (ECS and Log Service), with hosts in two regions.

The example's files are used unchanged, except that its inventory cache is switched off (it would write into the
repo); the emulator is reached through ALICLOUD_ECS_ENDPOINT / ALICLOUD_SLS_ENDPOINT, and the example's profile
`ops` is a ~/.aliyun/config.json profile holding the emulator's key pair, so the inventory plugin and the sls_*
modules sign with the credentials the example names. The collection's own log_service playbook runs on the
controller: the project goes to the region group_vars/all.yml names (alicloud_logging_project_region), not the role
default, and the tutorial's two machine groups list the app servers' and the certificate manager's private IPs.
On the hosts, the logtail role (run through a local connection into one temp root per host, with the stand-in
installer from a loopback mirror) installs every agent for the project's region, the only region whose endpoints
take the project's logs: over the internal network on the host in that region, over the Internet on the others.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.logtail_standin.server import MirrorServer
from tests.support.playbook_runner import REPO_ROOT, run_playbook
from tools.alicloud_emulator import start_emulator

KEY_ID, KEY_SECRET = 'prod-example-key-id', 'prod-example-key-secret-0123'


def instance(instance_id, region, zone, ip, role):
    return {'InstanceId': instance_id, 'InstanceName': instance_id, 'RegionId': region, 'ZoneId': zone,
            'Status': 'Running', 'OSName': 'Debian 12.5 64 bit',
            'VpcAttributes': {'VpcId': 'vpc-' + region, 'PrivateIpAddress': {'IpAddress': [ip]}},
            'Tags': {'Tag': [{'TagKey': 'env', 'TagValue': 'prod'}, {'TagKey': 'role', 'TagValue': role}]}}


FIXTURE = {
    'regions': [{'RegionId': 'cn-hangzhou', 'LocalName': 'China (Hangzhou)'},
                {'RegionId': 'cn-shanghai', 'LocalName': 'China (Shanghai)'}],
    'instances': [instance('i-app0', 'cn-hangzhou', 'cn-hangzhou-h', '10.0.1.10', 'app'),
                  instance('i-app1', 'cn-shanghai', 'cn-shanghai-b', '10.1.1.11', 'app'),
                  instance('i-certman', 'cn-shanghai', 'cn-shanghai-b', '10.1.1.20', 'certman')],
}
HOST_REGIONS = {'10.0.1.10': 'cn-hangzhou', '10.1.1.11': 'cn-shanghai', '10.1.1.20': 'cn-shanghai'}


@pytest.fixture
def emulator():
    emu = start_emulator(access_keys={KEY_ID: KEY_SECRET}, fixture=FIXTURE, index_delay=0)
    yield emu
    emu.stop()


def production_copy(tmp_path):
    """The example as shipped, its inventory cache off."""
    dest = tmp_path / 'production'
    shutil.copytree(os.path.join(REPO_ROOT, 'inventories', 'production'), str(dest))
    source = dest / 'alicloud_ecs.yml'
    config = yaml.safe_load(source.read_text())
    assert config['profile'] == 'ops' and config['regions'] == ['cn-hangzhou', 'cn-shanghai']
    config['cache'] = False
    source.write_text(yaml.safe_dump(config))
    return str(dest)


def environment(tmp_path, emu):
    home = tmp_path / 'home'
    (home / '.aliyun').mkdir(parents=True)
    (home / '.aliyun' / 'config.json').write_text(json.dumps({'current': 'ops', 'profiles': [
        {'name': 'ops', 'mode': 'AK', 'access_key_id': KEY_ID, 'access_key_secret': KEY_SECRET}]}))
    return {'HOME': str(home), 'ALICLOUD_ECS_ENDPOINT': emu.url, 'ALICLOUD_SLS_ENDPOINT': emu.endpoint,
            'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true', 'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'}


def example_settings():
    with open(os.path.join(REPO_ROOT, 'inventories', 'production', 'group_vars', 'all.yml')) as handle:
        return yaml.safe_load(handle)


def test_production_example_project_region_and_host_regions(emulator, tmp_path):
    settings = example_settings()
    inventory, env = production_copy(tmp_path), environment(tmp_path, emulator)
    assert settings['alicloud_logging_project_region'] == 'cn-hangzhou'  # differs from the role default

    result = run_playbook(tmp_path, [{'import_playbook': 'alicloud_ops.logging.log_service'}],
                          inventory=inventory, envvars=env)
    assert result.rc == 0, result.stdout
    calls = [res for task, res in result.task_results() if task == 'Log project']
    assert len(calls) == 1
    # The region every sls_* module of the controller acts in (its default endpoint's region).
    assert calls[0]['invocation']['module_args']['region'] == settings['alicloud_logging_project_region']
    assert calls[0]['invocation']['module_args']['profile'] == 'ops'

    project = emulator.sls_state()['projects'][settings['alicloud_logging_project']]
    assert list(project['logstores']) == [settings['alicloud_logging_logstore']]
    groups = project['machinegroups']
    app, certman = (g['name'] for g in settings['alicloud_logging_machine_groups'])
    assert sorted(groups) == sorted([app, certman])
    assert groups[app]['machineIdentifyType'] == 'ip' and sorted(groups[app]['machineList']) == ['10.0.1.10',
                                                                                                  '10.1.1.11']
    assert groups[certman]['machineIdentifyType'] == 'ip' and groups[certman]['machineList'] == ['10.1.1.20']
    for name in (app, certman):
        assert groups[name]['appliedConfigs'] == ['alicloud-ops-logging-syslog']

    # The hosts: each agent installed by the logtail role as the example configures it, into a root of its own.
    mirror = MirrorServer(str(tmp_path / 'mirror')).start()
    roots = str(tmp_path / 'hosts')
    try:
        checksum = mirror.publish('1.8.0')
        hosts = run_playbook(tmp_path, [{
            'name': 'Each host\'s agent', 'hosts': 'alicloud', 'gather_facts': False,
            'environment': {'LOGTAIL_STANDIN_ROOT': '{{ alicloud_logging_root }}'},
            'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
                     'alicloud_logging_root': roots + '/{{ inventory_hostname }}'},
            'roles': [{'role': 'alicloud_ops.logging.logtail'}]}],
            inventory=inventory, envvars=env,
            extravars={'logtail_installer_url': mirror.installer_url, 'logtail_installer_checksum': checksum,
                       'logtail_version': '1.8.0'})
    finally:
        mirror.stop()
        # The installer started each host's stand-in agent: stop them (they outlived the test run before).
        for host in HOST_REGIONS:
            init = os.path.join(roots, host, 'etc/init.d/ilogtaild')
            if os.path.exists(init):
                subprocess.run([init, 'stop'], check=False, capture_output=True)
    assert hosts.rc == 0, hosts.stdout
    installs = {}
    for ev in hosts.runner.events:
        data = ev.get('event_data', {})
        if ev.get('event') == 'runner_on_ok' and data.get('task') == 'Install Logtail with the official installer':
            installs[data['host']] = data['res']['invocation']['module_args']
    assert sorted(installs) == sorted(HOST_REGIONS)
    project_region = settings['alicloud_logging_project_region']
    for host, region in HOST_REGIONS.items():
        # The installer's mode: <project region> where the host runs there, <project region>-internet elsewhere.
        assert installs[host]['region'] == project_region
        assert installs[host]['network'] == ('intranet' if region == project_region else 'internet'), host
        with open(os.path.join(roots, host, 'usr/local/ilogtail/ilogtail_config.json')) as handle:
            config = json.load(handle)
        endpoint = ('cn-hangzhou-intranet.log.aliyuncs.com' if region == 'cn-hangzhou'
                    else 'cn-hangzhou.log.aliyuncs.com')
        assert config['data_server_list'] == [{'cluster': 'cn-hangzhou', 'endpoint': endpoint}], host
        assert config['config_server_address'] == 'http://logtail.' + endpoint, host
