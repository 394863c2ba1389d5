"""`packer build` of packer/alicloud-agent.json with the docker builder (Debian's packer 1.6), then two
instances of the baked image with systemd as PID 1: each starts its own agent, carries none of the build
instance's state, and its syslog lines reach its own agent under its own hostname.

The agent is the TEST STAND-IN (tests/logtail_standin/), published as file:// URLs inside a throw-away base
image, because the build container has no network; tests/integration/files/bake_standin_vars.yml wires it.
"""
import json
import os
import shutil
import subprocess
import time
import uuid

import pytest

from tests.logtail_standin.server import build_mirror
from tests.support.playbook_runner import REPO_ROOT

pytestmark = pytest.mark.docker

BASE_IMAGE = 'localhost/alicloud-ops-bookworm'
MIRROR_DIR = '/opt/logtail-standin-mirror'
VERSION = '1.8.0'
HOME = '/usr/local/ilogtail'
RECORD = HOME + '/standin_received.log'
STANDIN_VARS = os.path.join(REPO_ROOT, 'tests', 'integration', 'files', 'bake_standin_vars.yml')
# The default group-wide id of the alicloud_logging role.
GROUP_ID = 'alicloud-ops-logging'


def run(*args, timeout=120, check=True):
    proc = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=timeout, cwd=REPO_ROOT)
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


@pytest.fixture(scope='module')
def baked(standin_base, suffix):
    """(image, packer output) of `packer build -only=docker` through packer/build.sh (what `make image` runs)."""
    repository, tag = 'localhost/alicloud-ops-agent-test', suffix
    build_container = 'packer-bake-test-%s' % suffix
    try:
        output = run('bash', 'packer/build.sh', '-var', 'base_image=' + standin_base,
                     '-var', 'image_repository=' + repository, '-var', 'image_tag=' + tag,
                     '-var', 'build_container=' + build_container, '-var', 'bake_vars=@' + STANDIN_VARS,
                     timeout=900)
        yield '%s:%s' % (repository, tag), output
    finally:
        run('docker', 'rm', '-f', build_container, check=False)
        # Packer's commit leaves the untagged image behind the tag; removing the tag removes both.
        run('docker', 'rmi', '-f', '%s:%s' % (repository, tag), check=False)


@pytest.fixture(scope='module')
def instances(baked, suffix):
    """Two containers of the baked image, systemd as PID 1, with containerbed.sh's run flags."""
    image = baked[0]
    flags = run('bash', 'tools/containerbed.sh', 'run-flags').split()
    names = ['bake-a-%s' % suffix, 'bake-b-%s' % suffix]
    try:
        for name in names:
            run('docker', 'run', '-d', '--name', name, '--hostname', name, *flags,
                '--label', 'alicloud-ops.containerbed=1', image, '/lib/systemd/systemd')
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


def test_image_carries_no_build_instance_state(baked):
    image = baked[0]
    listing = image_shell(image, 'ls -A %s' % HOME).split()
    assert 'ilogtail' in listing and 'ilogtail_config.json' in listing
    for runtime in ('app_info.json', 'ilogtail.pid', 'ilogtail.LOG', 'standin_received.log'):
        assert runtime not in listing, listing
    assert image_shell(image, 'wc -c < /etc/machine-id').strip() == '0'
    assert image_shell(image, 'ls -A /var/spool/rsyslog 2>/dev/null; true').split() == []
    # The group-wide id is the same for every instance, so the image carries it.
    assert image_shell(image, 'cat /etc/ilogtail/user_defined_id').split() == [GROUP_ID]
    # Enabled, ordered after cloud-init, and the rsyslog forward in place.
    assert image_shell(image, 'readlink /etc/systemd/system/multi-user.target.wants/ilogtaild.service').strip()
    dropin = image_shell(image, 'cat /etc/systemd/system/ilogtaild.service.d/50-alicloud-ops-supervise.conf')
    assert 'After=cloud-init.service' in dropin
    config = json.loads(image_shell(image, 'cat %s/ilogtail_config.json' % HOME))
    assert config['streamlog_open'] is True and config['streamlog_tcp_port'] == 11111
    assert 'omfwd' in image_shell(image, 'cat /etc/rsyslog.d/60-logtail.conf')


def test_each_instance_starts_its_own_agent(instances):
    machine_ids = set()
    for name in instances:
        assert in_container(name, 'systemctl is-active ilogtaild.service').strip() == 'active'
        app_info = json.loads(in_container(name, 'cat %s/app_info.json' % HOME))
        # Written by this instance's agent at its first boot, not carried from the build container.
        assert app_info['hostname'] == name and app_info['logtail_version'] == VERSION
        machine_id = in_container(name, 'cat /etc/machine-id').strip()
        assert len(machine_id) == 32
        machine_ids.add(machine_id)
        assert in_container(name, 'cat /etc/ilogtail/user_defined_id').split() == [GROUP_ID]
    assert len(machine_ids) == len(instances)


def received(name):
    return in_container(name, 'cat %s 2>/dev/null; true' % RECORD).splitlines()


def test_each_hosts_lines_arrive_at_its_own_agent_with_its_hostname(instances):
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
        # ALI_LOG_FMT: 0.1 sys_tag time fromhost-ip HOSTNAME pri ...
        assert all(line.split()[4] == name for line in mine), mine
        others = [token for other, token in tokens.items() if other != name]
        assert not [line for line in lines[name] for token in others if token in line]
    # EXTENSION POINT (issue 12, "found by search"): once the stand-in agent ships what it receives into the
    # emulator's Log Service (the shipper on another branch), start the emulator here, point the baked
    # agents at it, and search the logstore for each token with sls_log_search, expecting hostname == name.


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
