"""The README's main command, as a user runs it: `make demo` twice (the second run is idempotent), then
`make demo-clean`. Uses the container bed (Docker + local images), like the Molecule tests. It starts from
`make demo-clean`, so a demo left running on this machine is replaced."""
import os
import re
import subprocess

import pytest

from tests.support.playbook_runner import REPO_ROOT

pytestmark = pytest.mark.docker
HOSTS = ('alicloud-demo-web-1', 'alicloud-demo-web-2', 'alicloud-demo-api-1')


def make(target):
    env = dict(os.environ)
    env.pop('ANSIBLE_CONFIG', None)
    proc = subprocess.run(['make', '--no-print-directory', target], cwd=REPO_ROOT, env=env, timeout=1200,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    return proc.returncode, proc.stdout


def recap(output):
    """{host: changed} from the site.yml run (the last PLAY RECAP of the output)."""
    block = output.rsplit('PLAY RECAP', 1)[1]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)', block, re.M)}


@pytest.mark.timeout(2400)
def test_demo_runs_twice_idempotently_then_cleans_up():
    make('demo-clean')
    try:
        rc, first = make('demo')
        assert rc == 0, first[-6000:]
        assert set(recap(first)) == set(HOSTS) | {'localhost'}
        assert all(recap(first)[h] > 0 for h in HOSTS)
        for host in HOSTS:
            # logger -> rsyslog -> Logtail port, in ALI_LOG_FMT with the demo's sys_tag and the host's name.
            assert re.search(r'^%s\s+0\.1 demo_syslog \d+ \S+ %s \S+ \S+ demo .*hello from %s' % (host, host, host),
                             first, re.M), first[-3000:]
        assert "logtail config alicloud-ops-logging-syslog: syslog input, tag 'demo_syslog'" in first

        rc, second = make('demo')
        assert rc == 0, second[-6000:]
        assert recap(second) == dict((h, 0) for h in HOSTS + ('localhost',)), second[-3000:]
    finally:
        rc, cleaned = make('demo-clean')
    assert rc == 0, cleaned
    running = subprocess.run(['docker', 'ps', '-a', '--format', '{{.Names}}'], stdout=subprocess.PIPE,
                             universal_newlines=True).stdout.split()
    assert not set(HOSTS) & set(running)
    assert not os.path.exists(os.path.join(REPO_ROOT, '.cache', 'demo'))
