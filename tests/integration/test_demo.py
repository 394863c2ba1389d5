"""The README's main command, as a user runs it, and the collection as users install it, on the demo's container
fleet (systemd containers registered as ECS instances in the emulator, in two regions; the Log Service project in
cn-hangzhou).

1. `make demo` with DEMO_SITE=0 starts the hosts, the emulator, the Log Service relay and the stand-in mirrors.
2. From the built tarball alone (tests/support/artifact.py: installed into a temp dir, run from another with an
   empty ansible.cfg and the demo's inventory files copied there), `ansible-playbook alicloud_ops.logging.site`
   converges the fleet and `alicloud_ops.logging.verify` finds every host's canary in the logstore, after waiting
   for the new index to take effect (the emulator runs with its default index delay). Every agent is installed
   for the project's region: over the internal network on the cn-hangzhou hosts, over the Internet on cn-shanghai.
3. Four broken fleets that verify.yml must fail on, naming the host and the cause (agent stopped; drop-in removed;
   config detached from the machine group; a host outside the account without an AliUid file), each repaired (by
   hand, the last by the role's logtail_aliuids).
4. `make demo` again, whole (the repo's site.yml and verify.yml): idempotent (changed=0) and healthy.
5. `make demo-clean`.
It starts from `make demo-clean`, so a demo left running on this machine is replaced.
"""
import json
import os
import re
import shutil
import subprocess

import pytest
from aliyun.log import LogClient

from tests.support import artifact
from tests.support.playbook_runner import REPO_ROOT
from tools.alicloud_emulator import DEFAULT_ACCOUNT_ALIUID

pytestmark = pytest.mark.docker
HOSTS = ('alicloud-demo-web-1', 'alicloud-demo-web-2', 'alicloud-demo-api-1')
DEMO_ENV = os.path.join(REPO_ROOT, '.cache', 'demo', 'env')
PROJECT, GROUP, CONFIG = 'alicloud-ops-demo', 'alicloud-ops-logging', 'alicloud-ops-logging-syslog'
DROPIN = '/etc/rsyslog.d/60-logtail.conf'


def make(target, **env_vars):
    env = dict(os.environ, **env_vars)
    env.pop('ANSIBLE_CONFIG', None)
    proc = subprocess.run(['make', '--no-print-directory', target], cwd=REPO_ROOT, env=env, timeout=1200,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    return proc.returncode, proc.stdout


def recap(output):
    """{host: changed} from the last PLAY RECAP in ``output``."""
    block = output.rsplit('PLAY RECAP', 1)[1]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)', block, re.M)}


def site_recap(output):
    """{host: changed} from the site.yml run (the recap before the demo's Log search step)."""
    return recap(output.split('==> Log search', 1)[0])


def demo_env():
    with open(DEMO_ENV) as handle:
        env = dict(line.rstrip('\n').split('=', 1) for line in handle if '=' in line)
    return dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO_ROOT, 'ansible.cfg'), **env)


def playbook(path, *args):
    proc = subprocess.run([os.path.join(REPO_ROOT, '.venv', 'bin', 'ansible-playbook'), path, '-i', 'inventories/demo/']
                          + list(args), cwd=REPO_ROOT, env=demo_env(), timeout=600, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    return proc.returncode, proc.stdout


def verify(timeout=20):
    return playbook('playbooks/verify.yml', '-e', 'alicloud_logging_verify_timeout=%d' % timeout,
                    '-e', 'alicloud_logging_verify_poll_interval=2')


def site(*args):
    return playbook('site.yml', *args)


def sls_client():
    env = demo_env()
    client = LogClient(env['ALICLOUD_SLS_ENDPOINT'], env['ALIBABA_CLOUD_ACCESS_KEY_ID'],
                       env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'])
    client._isRowIp = True  # an IP:port endpoint, as sls_client.single_attempt_client marks it
    return client


def docker(host, *argv):
    return subprocess.run(['docker', 'exec', host] + list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=True).stdout


def assert_diagnosed(output, broken, cause):
    """verify.yml failed, named exactly the broken hosts, each with the cause, and found the others."""
    assert 'Canary lines never arrived from %d host(s)' % len(broken) in output, output[-4000:]
    for host in HOSTS:
        if host in broken:
            assert re.search(r'%s: canary \S+ NOT FOUND: [^"]*%s' % (host, re.escape(cause)), output), output[-4000:]
        else:
            assert re.search(r'%s: canary searchable after' % host, output), output[-4000:]


def check_broken_fleets():
    # 1. The agent is stopped on one host.
    docker(HOSTS[0], 'systemctl', 'stop', 'ilogtaild.service')
    rc, out = verify()
    assert rc != 0
    assert_diagnosed(out, [HOSTS[0]], 'agent down: ilogtaild.service is not running')
    docker(HOSTS[0], 'systemctl', 'start', 'ilogtaild.service')

    # 2. The rsyslog drop-in is removed on another.
    saved = docker(HOSTS[1], 'cat', DROPIN)
    docker(HOSTS[1], 'sh', '-c', 'rm %s && systemctl restart rsyslog' % DROPIN)
    rc, out = verify()
    assert rc != 0
    assert_diagnosed(out, [HOSTS[1]], 'heartbeat but no line: the rsyslog drop-in %s is missing' % DROPIN)
    subprocess.run(['docker', 'exec', '-i', HOSTS[1], 'sh', '-c', 'cat > %s && systemctl restart rsyslog' % DROPIN],
                   input=saved, universal_newlines=True, check=True)

    # 3. The syslog config is detached from the machine group: no agent collects anything.
    client = sls_client()
    client.remove_config_to_machine_group(PROJECT, CONFIG, GROUP)
    rc, out = verify()
    assert rc != 0
    assert_diagnosed(out, list(HOSTS), 'config %s is not applied to machine group %s' % (CONFIG, GROUP))
    client.apply_config_to_machine_group(PROJECT, CONFIG, GROUP)

    # 4. A host outside the account: its agent no longer reports an ECS instance id of the emulator's account
    # (an on-premises server, another cloud, another account), so Log Service ignores its heartbeat until
    # /etc/ilogtail/users/<AliUid of the project owner> exists. The role writes it from logtail_aliuids.
    docker(HOSTS[2], 'python3', '-c', 'import json; p = "/etc/logtail-standin/shipping.json"; s = json.load(open(p)); '
           's.pop("instance_id"); json.dump(s, open(p, "w"))')
    docker(HOSTS[2], 'systemctl', 'restart', 'ilogtaild.service')
    rc, out = verify()
    assert rc != 0
    assert_diagnosed(out, [HOSTS[2]], 'no AliUid file in /etc/ilogtail/users/')
    rc, fixed = site('--limit', HOSTS[2], '-e', json.dumps({'logtail_aliuids': [DEFAULT_ACCOUNT_ALIUID]}))
    assert rc == 0, fixed[-4000:]
    assert docker(HOSTS[2], 'ls', '/etc/ilogtail/users').split() == [DEFAULT_ACCOUNT_ALIUID]

    rc, out = verify(timeout=60)
    assert rc == 0, out[-4000:]


def assert_canaries(output):
    for host in HOSTS:
        # logger -> rsyslog -> Logtail stand-in -> PutLogs -> the logstore, found by sls_log_search with the keys the
        # syslog input gives a line.
        assert re.search(r'%s: canary searchable after \d+\.\d s: _hostname_=%s _program_=alicloud-verify '
                         r'_content_=alicloudverify\w+' % (host, host), output), output[-3000:]


def converge_from_the_artifact(tmp_path):
    """site and verify from the installed tarball, in a directory outside the repo, through the demo's inventory."""
    installed = artifact.build_and_install(tmp_path / 'artifact')
    workdir = artifact.workdir(tmp_path / 'elsewhere')
    for name in ('demo.alicloud_ecs.yml', 'group_vars'):
        source = os.path.join(REPO_ROOT, 'inventories', 'demo', name)
        (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, str(workdir / 'inventory' / name))
    with open(DEMO_ENV) as handle:
        env = dict(line.rstrip('\n').split('=', 1) for line in handle if '=' in line)

    site = artifact.run(installed, workdir, ['alicloud_ops.logging.site'], env=env)
    assert site.returncode == 0, site.stdout[-6000:] + site.stderr[-2000:]
    assert set(recap(site.stdout)) == set(HOSTS) | {'localhost'}
    assert all(recap(site.stdout)[h] > 0 for h in HOSTS), site.stdout[-3000:]
    # The roles came from the install, not the repo.
    assert 'TASK [alicloud_ops.logging.logtail : Install Logtail with the official installer]' in site.stdout
    assert REPO_ROOT not in site.stdout

    verify = artifact.run(installed, workdir, ['alicloud_ops.logging.verify'], env=env)
    assert verify.returncode == 0, verify.stdout[-6000:] + verify.stderr[-2000:]
    assert_canaries(verify.stdout)

    # Every agent ships to the project's region (cn-hangzhou): its endpoints as the installer wrote them.
    for host, endpoint in (('alicloud-demo-web-1', 'cn-hangzhou-intranet.log.aliyuncs.com'),
                           ('alicloud-demo-web-2', 'cn-hangzhou.log.aliyuncs.com'),
                           ('alicloud-demo-api-1', 'cn-hangzhou-intranet.log.aliyuncs.com')):
        config = json.loads(docker(host, 'cat', '/usr/local/ilogtail/ilogtail_config.json'))
        assert config['data_server_list'][0] == {'cluster': 'cn-hangzhou', 'endpoint': endpoint}, host
        assert config['config_server_address'] == 'http://logtail.' + endpoint, host


@pytest.mark.timeout(2400)
def test_demo_searches_every_host_and_diagnoses_broken_fleets(tmp_path):
    make('demo-clean')
    try:
        rc, ready = make('demo', DEMO_SITE='0')
        assert rc == 0, ready[-6000:]
        assert 'DEMO_SITE=0: site.yml not run' in ready
        converge_from_the_artifact(tmp_path)

        check_broken_fleets()

        # The README's command, whole: the repo's site.yml (the same playbooks and roles) changes nothing.
        rc, second = make('demo')
        assert rc == 0, second[-6000:]
        assert site_recap(second) == dict((h, 0) for h in HOSTS + ('localhost',)), second[-3000:]
        assert len(re.findall(r'^\S+: canary searchable after', second, re.M)) == len(HOSTS), second[-3000:]
        assert_canaries(second)
        assert "logtail config alicloud-ops-logging-syslog: syslog input, tag 'demo_syslog'" in second
    finally:
        rc, cleaned = make('demo-clean')
    assert rc == 0, cleaned
    running = subprocess.run(['docker', 'ps', '-a', '--format', '{{.Names}}'], stdout=subprocess.PIPE,
                             universal_newlines=True).stdout.split()
    assert not set(HOSTS) & set(running)
    assert not os.path.exists(os.path.join(REPO_ROOT, '.cache', 'demo'))
