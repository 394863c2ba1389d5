"""`packer build` of packer/alicloud-agent.json with the docker builder (Debian's packer 1.6), for each agent
flavour (Logtail with the streamlog input, LoongCollector with service_syslog), then two instances of each
baked image with systemd as PID 1: each starts its own agent, carries none of the build instance's state, its
syslog lines reach its own agent under its own hostname, and they are found by search in the logstore.

The Log Service side is made by the product's own playbooks/log_service.yml against the emulator, with the
role's defaults: a userdefined machine group of the group-wide id the image carries, so instances started
from the image join it with no API call, which is what baking is for.

The agent is the TEST STAND-IN (tests/logtail_standin/), published as file:// URLs inside a throw-away base
image, because the build container has no network; tests/integration/files/bake_standin_vars.yml wires it.
Stand-in business, given to each instance before its first boot (the real agent learns all of it from its
region's config server, and its instance id from the ECS metadata service): the shipping settings, whose
endpoint is the unix socket of a host-side relay in front of the emulator (the containers have no network) and
whose instance_id is one of the emulator account's ECS instances, so that the heartbeat joins the account's
machine group; and, for LoongCollector, the pipeline config that Log Service holds, as the real agent would
fetch it.
"""
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from urllib.request import Request, urlopen

import pytest
import yaml

from tests.integration.rsyslog_bed import Process, wait_for
from tests.integration.standin_fleet import ecs_instance_ids, search
from tests.integration.test_sls_emulator import _client
from tests.logtail_standin.server import build_mirror
from tests.support.playbook_runner import REPO_ROOT, run_playbook
from tests.support.sls_emulator import SLS_KEY_ID, SLS_KEY_SECRET, sls_env
from tools.alicloud_emulator import start_emulator

pytestmark = pytest.mark.docker

BASE_IMAGE = 'localhost/alicloud-ops-bookworm'
MIRROR_DIR = '/opt/logtail-standin-mirror'
VERSION = '1.8.0'
HOME = '/usr/local/ilogtail'
RECORD = HOME + '/standin_received.log'
STANDIN_VARS = os.path.join(REPO_ROOT, 'tests', 'integration', 'files', 'bake_standin_vars.yml')
# The default group-wide id of the alicloud_logging role.
GROUP_ID = 'alicloud-ops-logging'
PROJECT, LOGSTORE = 'baked-fleet', 'syslog'
RELAY = os.path.join(REPO_ROOT, 'tests', 'logtail_standin', 'unix_relay.py')
# Where containerbed.sh's run flags mount the relay's directory, and the stand-in's settings directory.
RELAY_MOUNT = '/var/lib/logtail-standin-sls'
STANDIN_ETC = '/etc/logtail-standin'
# Per flavour, as roles/logtail/vars/main.yml names them: the vendor unit, the agent's binary and main config,
# the key of app_info.json that carries the version, and the pid file the running agent writes (versioned).
FLAVORS = {
    'logtail': {'service': 'ilogtaild.service', 'binary': 'ilogtail', 'config': 'ilogtail_config.json',
                'version_key': 'ilogtail_version', 'pid_file': 'ilogtail_%s.pid' % VERSION},
    'loongcollector': {'service': 'loongcollectord.service', 'binary': 'loongcollector',
                       'config': 'conf/instance_config/local/loongcollector_config.json',
                       'version_key': 'loongcollector_version', 'pid_file': 'run/loongcollector_%s.pid' % VERSION},
}


def run(*args, timeout=120, check=True, env=None):
    proc = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=timeout, cwd=REPO_ROOT, env=dict(os.environ, **(env or {})))
    if check and proc.returncode != 0:
        raise AssertionError('%s exited %d:\n%s' % (' '.join(args), proc.returncode, proc.stdout[-6000:]))
    return proc.stdout


def in_container(name, script, check=True):
    return run('docker', 'exec', name, 'sh', '-c', script, check=check)


@pytest.fixture(scope='module')
def suffix():
    return '%d-%s' % (os.getpid(), uuid.uuid4().hex[:6])


@pytest.fixture(scope='module')
def standin_base(tmp_path_factory, suffix):
    """The bed's Debian 12 image plus the stand-in mirror at file://MIRROR_DIR (docker create/cp/commit)."""
    run('bash', 'tools/containerbed.sh', 'image', 'bookworm', timeout=600)
    mirror = tmp_path_factory.mktemp('mirror')
    build_mirror(str(mirror), VERSION, 'file://' + MIRROR_DIR)
    image = 'localhost/alicloud-ops-bake-test-base:%s' % suffix
    holder = 'bake-test-base-%s' % suffix
    run('docker', 'create', '--name', holder, '--network', 'none', BASE_IMAGE, '/bin/true')
    try:
        run('docker', 'cp', str(mirror) + '/.', '%s:%s' % (holder, MIRROR_DIR))
        run('docker', 'commit', holder, image)
    finally:
        run('docker', 'rm', '-f', holder, check=False)
    yield image
    run('docker', 'rmi', '-f', image, check=False)


@pytest.fixture(scope='module', params=sorted(FLAVORS))
def flavor(request):
    return request.param


@pytest.fixture(scope='module')
def baked(standin_base, suffix, flavor, tmp_path_factory):
    """(image, packer output) of `packer build -only=docker` through packer/build.sh (what `make image` runs)."""
    repository, tag = 'localhost/alicloud-ops-agent-test', '%s-%s' % (suffix, flavor)
    build_container = 'packer-bake-test-%s-%s' % (suffix, flavor)
    with open(STANDIN_VARS) as handle:
        bake_vars = dict(yaml.safe_load(handle), logtail_flavor=flavor)
    vars_file = tmp_path_factory.mktemp('bake-vars') / 'bake_vars.yml'
    vars_file.write_text(yaml.safe_dump(bake_vars))
    try:
        output = run('bash', 'packer/build.sh', '-var', 'base_image=' + standin_base,
                     '-var', 'image_repository=' + repository, '-var', 'image_tag=' + tag,
                     '-var', 'build_container=' + build_container, '-var', 'bake_vars=@%s' % vars_file,
                     timeout=900)
        yield '%s:%s' % (repository, tag), output
    finally:
        run('docker', 'rm', '-f', build_container, check=False)
        # Packer's commit leaves the untagged image behind the tag; removing the tag removes both.
        run('docker', 'rmi', '-f', '%s:%s' % (repository, tag), check=False)


@pytest.fixture(scope='module')
def log_service_host(tmp_path_factory):
    """The emulator on the host's 127.0.0.1, and the relay whose socket the containers mount."""
    # Two ECS instances, one per container. index_delay=0: the index covers logs from the second it is written
    # (the real service's minute is not what this test is about).
    emu = start_emulator(access_keys={SLS_KEY_ID: SLS_KEY_SECRET}, instances=2, regions=1, index_delay=0)
    relay_dir = tmp_path_factory.mktemp('sls-relay')
    socket_path = str(relay_dir / 'sls.sock')
    relay = Process([sys.executable, RELAY, '--socket', socket_path, '--target', emu.endpoint],
                    str(tmp_path_factory.mktemp('relay-out') / 'relay.out'))
    try:
        wait_for(lambda: os.path.exists(socket_path), 30, 'the relay socket')
        yield emu, str(relay_dir)
    finally:
        relay.stop()
        emu.stop()


@pytest.fixture(scope='module')
def log_service(log_service_host, flavor, tmp_path_factory):
    """playbooks/log_service.yml with the role's defaults for ``flavor``: project, indexed logstore, the
    userdefined machine group of the group-wide id, and the config for the flavour's input applied to it."""
    emu, relay_dir = log_service_host
    with urlopen(Request(emu.url + '/_emulator/sls/reset', data=b'', method='POST'), timeout=10):
        pass
    made = run_playbook(tmp_path_factory.mktemp('log-service'), os.path.join(REPO_ROOT, 'playbooks',
                                                                             'log_service.yml'),
                        extravars={'alicloud_logging_project': PROJECT, 'alicloud_logging_logstore': LOGSTORE,
                                   'logtail_flavor': flavor},
                        envvars=sls_env(emu))
    assert made.rc == 0, made.stdout
    return emu, relay_dir


def standin_settings(directory, emu_state, ip, instance_id):
    """The stand-in's settings directory for one instance (see the module docstring)."""
    os.makedirs(os.path.join(directory, 'pipelines'))
    with open(os.path.join(directory, 'shipping.json'), 'w') as handle:
        json.dump({'endpoint': 'unix:%s/sls.sock' % RELAY_MOUNT, 'access_key_id': SLS_KEY_ID,
                   'access_key_secret': SLS_KEY_SECRET, 'ip': ip, 'instance_id': instance_id}, handle)
    os.chmod(os.path.join(directory, 'shipping.json'), 0o600)
    for name, config in emu_state['projects'][PROJECT]['pipelineconfigs'].items():
        with open(os.path.join(directory, 'pipelines', name + '.json'), 'w') as handle:
            json.dump({'inputs': config['inputs']}, handle)


@pytest.fixture(scope='module')
def instances(baked, log_service, suffix, flavor, tmp_path_factory):
    """{name: private IP} of two containers of the baked image, systemd as PID 1, with containerbed.sh's run
    flags (the relay's directory mounted), each given the stand-in's settings before its first boot."""
    image = baked[0]
    emu, relay_dir = log_service
    flags = run('bash', 'tools/containerbed.sh', 'run-flags', env={'CONTAINERBED_SLS_RELAY_DIR': relay_dir}).split()
    names = {'bake-a-%s-%s' % (flavor, suffix): '192.0.2.11', 'bake-b-%s-%s' % (flavor, suffix): '192.0.2.12'}
    try:
        for (name, ip), instance_id in zip(sorted(names.items()), ecs_instance_ids(emu)):
            settings = tmp_path_factory.mktemp('standin-etc') / 'logtail-standin'
            standin_settings(str(settings), emu.sls_state(), ip, instance_id)
            run('docker', 'create', '--name', name, '--hostname', name, *flags,
                '--label', 'alicloud-ops.containerbed=1', image, '/lib/systemd/systemd')
            run('docker', 'cp', str(settings), '%s:%s' % (name, STANDIN_ETC))
            run('docker', 'start', name)
        for name in names:
            # The bus appears a moment after the container starts; until then systemctl cannot ask.
            deadline, state = time.time() + 90, ''
            while time.time() < deadline and state not in ('running', 'degraded'):
                time.sleep(0.5)
                state = run('docker', 'exec', name, 'systemctl', 'is-system-running', check=False).strip()
            assert state in ('running', 'degraded'), '%s did not boot: %s' % (name, state)
        yield names
    finally:
        run('docker', 'rm', '-f', *names, check=False)


def image_shell(image, script):
    """Run ``script`` in a container of ``image`` without booting it: what the image itself carries."""
    return run('docker', 'run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', image, '-c', script)


def test_packer_built_through_bake_image_playbook(baked):
    image, output = baked
    assert 'PLAY [Install the agent and the rsyslog forward for an image]' in output
    assert 'PLAY [Leave no per-instance state of the build host in the image]' in output
    # bake mode ran the agent once (logtail_agent checks the version it reports) and never restarted it.
    handlers = output.split('RUNNING HANDLER')[1:]
    assert len(handlers) == 2  # both notified (the files changed) ...
    for handler in handlers:  # ... and both skipped
        result = [line for line in handler.splitlines()[1:] if line.replace('docker:', '').strip()][0]
        assert 'skipping: [default]' in result, handler
    assert run('docker', 'image', 'inspect', '-f', '{{json .Config.Cmd}}', image).strip() == \
        '["/lib/systemd/systemd"]'


def test_image_carries_no_build_instance_state(baked, flavor):
    image, facts = baked[0], FLAVORS[flavor]
    listing = image_shell(image, 'ls -A %s' % HOME).split()
    assert facts['binary'] in listing, listing
    for runtime in ('app_info.json', 'run', facts['binary'] + '.LOG', 'standin_received.log', 'standin_spool'):
        assert runtime not in listing, listing
    assert not [name for name in listing if name.endswith('.pid')], listing  # ilogtail_<version>.pid
    assert image_shell(image, 'wc -c < /etc/machine-id').strip() == '0'
    assert image_shell(image, 'ls -A /var/spool/rsyslog 2>/dev/null; true').split() == []
    # The group-wide id is the same for every instance, so the image carries it.
    assert image_shell(image, 'cat /etc/ilogtail/user_defined_id').split() == [GROUP_ID]
    # Enabled, ordered after cloud-init, and the rsyslog forward in place.
    assert image_shell(image, 'readlink /etc/systemd/system/multi-user.target.wants/%s' % facts['service']).strip()
    dropin = image_shell(image, 'cat /etc/systemd/system/%s.d/50-alicloud-ops-supervise.conf' % facts['service'])
    assert 'After=cloud-init.service' in dropin
    config = json.loads(image_shell(image, 'cat %s/%s' % (HOME, facts['config'])))
    forward = image_shell(image, 'cat /etc/rsyslog.d/60-logtail.conf')
    assert 'omfwd' in forward
    if flavor == 'logtail':  # streamlog: the agent's own port, which rsyslog forwards to
        assert config['streamlog_open'] is True and config['streamlog_tcp_port'] == 11111
        assert 'port="11111"' in forward
    else:  # service_syslog: the port is the pipeline config's (in Log Service), RFC 5424 one message a line
        assert 'streamlog_open' not in config or config['streamlog_open'] is False
        assert 'octet-counted' not in forward  # the real input reads LF-terminated lines only


def test_each_instance_starts_its_own_agent(instances, flavor):
    machine_ids = set()
    for name in instances:
        assert in_container(name, 'systemctl is-active %s' % FLAVORS[flavor]['service']).strip() == 'active'
        app_info = json.loads(in_container(name, 'cat %s/app_info.json' % HOME))
        # Written by this instance's agent at its first boot, not carried from the build container.
        assert app_info['hostname'] == name and app_info[FLAVORS[flavor]['version_key']] == VERSION
        assert app_info['ip'] == instances[name] and app_info['instance_id'].split('_')[1] == instances[name]
        # The running agent's pid file carries its version; the product's unit found it by glob.
        pid = in_container(name, 'cat %s/%s' % (HOME, FLAVORS[flavor]['pid_file'])).strip()
        assert in_container(name, 'systemctl show -p MainPID --value %s' % FLAVORS[flavor]['service']).strip() == pid
        machine_id = in_container(name, 'cat /etc/machine-id').strip()
        assert len(machine_id) == 32
        machine_ids.add(machine_id)
        assert in_container(name, 'cat /etc/ilogtail/user_defined_id').split() == [GROUP_ID]
    assert len(machine_ids) == len(instances)


def received(name):
    return in_container(name, 'cat %s 2>/dev/null; true' % RECORD).splitlines()


def record_hostname(flavor, line):
    """HOSTNAME of a line as the agent received it: ALI_LOG_FMT (0.1 sys_tag time fromhost-ip HOSTNAME ...)
    on the streamlog port, RFC 5424 (<PRI>1 TIMESTAMP HOSTNAME ...) on the service_syslog input."""
    return line.split()[4 if flavor == 'logtail' else 2]


def test_each_hosts_lines_reach_its_own_agent_and_are_found_by_search(instances, flavor, log_service):
    tokens = {name: 'bake-line-%s' % uuid.uuid4().hex for name in instances}
    for name, token in tokens.items():
        in_container(name, 'logger -t baketest %s' % token)
    deadline = time.time() + 60
    lines = {}
    while time.time() < deadline:
        lines = {name: [line for line in received(name) if 'baketest' in line] for name in instances}
        if all(any(tokens[name] in line for line in lines[name]) for name in instances):
            break
        time.sleep(1)
    for name in instances:
        mine = [line for line in lines[name] if tokens[name] in line]
        assert mine, 'no line with %s reached the agent on %s: %s' % (tokens[name], name, lines[name])
        assert all(record_hostname(flavor, line) == name for line in mine), mine
        others = [token for other, token in tokens.items() if other != name]
        assert not [line for line in lines[name] for token in others if token in line]

    # Each agent shipped its lines into the logstore, where a search by the parsed fields finds them under the
    # host's own name: the input (streamlog or service_syslog) parsed what rsyslog sent.
    client = _client(log_service[0])
    for name, token in tokens.items():
        query = '_hostname_: %s AND _program_: baketest AND %s' % (name, token)
        rows = wait_for(lambda query=query: search(client, query, PROJECT, LOGSTORE), 60,
                        'the line of %s found by search' % name, interval=1)
        assert [(row['_hostname_'], row['_program_'], row['__source__']) for row in rows] == [
            (name, 'baketest', instances[name])], rows
    # Both instances joined the group by the id the image carries; nobody called the API for them.
    machines = client.list_machines(PROJECT, GROUP_ID).get_machines()
    assert sorted((m.ip, m.user_defined_id) for m in machines) == sorted(
        (ip, GROUP_ID) for ip in instances.values())


def test_packer_build_is_local_only():
    """The docker builder runs the build container without a network; Packer does not call home."""
    with open(os.path.join(REPO_ROOT, 'packer', 'alicloud-agent.json')) as handle:
        template = json.load(handle)
    docker = [b for b in template['builders'] if b['type'] == 'docker'][0]
    run_command = docker['run_command']
    assert run_command[run_command.index('--network') + 1] == 'none'
    assert docker['pull'] is False
    with open(os.path.join(REPO_ROOT, 'packer', 'build.sh')) as handle:
        assert 'export CHECKPOINT_DISABLE=1' in handle.read()
    assert shutil.which('packer'), 'packer missing: tools/setup-host.sh installs it'


def test_template_validates_both_builders_offline(tmp_path):
    """`packer validate` prepares the alicloud-ecs section too (with placeholder keys, in a network namespace
    of its own, so nothing can leave the machine)."""
    env = dict(os.environ, CHECKPOINT_DISABLE='1', PACKER_CONFIG_DIR=str(tmp_path), PACKER_CACHE_DIR=str(tmp_path),
               ALICLOUD_ACCESS_KEY='placeholder', ALICLOUD_SECRET_KEY='placeholder', ALICLOUD_REGION='cn-hangzhou')
    template = os.path.join(REPO_ROOT, 'packer', 'alicloud-agent.json')
    proc = subprocess.run(['unshare', '--net', 'packer', 'validate', template], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=120)
    assert proc.returncode == 0, proc.stdout
    env.pop('ALICLOUD_ACCESS_KEY')
    proc = subprocess.run(['unshare', '--net', 'packer', 'validate', template], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=120)
    assert proc.returncode != 0 and 'ALICLOUD_ACCESS_KEY' in proc.stdout
