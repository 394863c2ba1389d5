"""Run every Molecule scenario (molecule/*) end to end, as `molecule test -s NAME` from the repo root.

Each scenario creates systemd containers from the container bed's local images, runs the real
site.yml (and decommission.yml) through the community.docker.docker connection, verifies, and
destroys its containers. The container bed (dockerd + images) is set up once per session.
"""
import os
import re
import subprocess
import sys
import time

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.dirname(sys.executable)
SCENARIOS = ['default', 'decommission']
# Every scenario runs both agent flavours at once: two hosts of each (groups flavor_logtail and
# flavor_loongcollector in .config/molecule/config.yml); each flavour brings its default input.
FLAVORS = ['logtail', 'loongcollector']
HOSTS = ['mol-{scenario}-%s-%s' % (release, flavor) for release in ('bookworm', 'trixie') for flavor in FLAVORS]
ANSI = re.compile(r'\x1b\[[0-9;]*m')

pytestmark = pytest.mark.docker


def _env():
    env = dict(os.environ)
    env['PATH'] = VENV_BIN + os.pathsep + env.get('PATH', '')
    env.pop('ANSIBLE_CONFIG', None)  # Molecule writes its own ansible.cfg per scenario
    env['NO_COLOR'] = '1'
    return env


@pytest.fixture(scope='session')
def container_bed():
    subprocess.run(['bash', os.path.join(REPO_ROOT, 'tools', 'containerbed.sh'), 'ensure'],
                   cwd=REPO_ROOT, check=True, timeout=900)


def test_every_scenario_is_tested():
    found = sorted(name for name in os.listdir(os.path.join(REPO_ROOT, 'molecule'))
                   if os.path.exists(os.path.join(REPO_ROOT, 'molecule', name, 'molecule.yml')))
    assert found == sorted(SCENARIOS)


@pytest.mark.timeout(1500)
@pytest.mark.parametrize('scenario', SCENARIOS)
def test_molecule_scenario(container_bed, scenario, tmp_path):
    log_path = tmp_path / ('molecule-%s.log' % scenario)
    started = time.monotonic()
    with open(str(log_path), 'w') as log:
        proc = subprocess.run(['molecule', 'test', '-s', scenario], cwd=REPO_ROOT, env=_env(),
                              stdout=log, stderr=subprocess.STDOUT, timeout=1400)
    elapsed = time.monotonic() - started
    output = ANSI.sub('', log_path.read_text(errors='replace'))
    print('molecule test -s %s: %.0f s, rc=%d (log: %s)' % (scenario, elapsed, proc.returncode, log_path))
    assert proc.returncode == 0, output[-8000:]
    # Molecule's recap: every action of the sequence ran and succeeded.
    recap = re.search(r'^%s\s*: actions=(\d+)\s+successful=(\d+).*failed=(\d+)' % re.escape(scenario),
                      output, re.M)
    assert recap, output[-4000:]
    assert recap.group(3) == '0', recap.group(0)
    if scenario == 'default':
        # Molecule's summary lists each action of the sequence once: two idempotence checks.
        assert len(re.findall(r'^default > idempotence: Executed: Successful', output, re.M)) == 2, output[-4000:]
        # The agent outage before the vendor's upgrade: every host checked its burst and none lost a line.
        assert len(re.findall(r'^TASK \[Wait for every burst line to reach the Logtail stand-in\]', output, re.M)) == 1
        assert 'lines arrived:' not in output, output[-4000:]
        # The converge after the vendor's upgrade reports what it put back on each host: the pinned version.
        for flavor in FLAVORS:
            diffs = re.findall(r'^-%s_version: 1\.9\.0\s+^\+%s_version: 1\.8\.0$' % (flavor, flavor), output, re.M)
            assert len(diffs) == 2, (flavor, output[-4000:])
    # Every play ran on all four hosts, both flavours, and none failed or was unreachable.
    for host in HOSTS:
        recap = re.findall(r'^%s\s*: ok=\d+\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)'
                           % re.escape(host.format(scenario=scenario)), output, re.M)
        assert recap and all(row == ('0', '0') for row in recap), (host, recap)
