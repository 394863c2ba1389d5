#!/usr/bin/env python3
"""How long a dead endpoint takes to fail (prints figures; not a test).

    .venv/bin/python bench/endpoint_failure_bench.py [--repeat 3]

Two dead endpoints on 127.0.0.1: "refused" (a port bound, then closed: nothing listens) and
"silent" (listening, the kernel completes the handshake, nothing ever answers). For each, the
wall time of the real commands users run, median of --repeat:
  - ansible-inventory --list with the alicloud_ecs plugin (defaults: connect_timeout 5,
    read_timeout 15; and read_timeout 3);
  - ansible localhost -m alicloud_ops.logging.sls_project (request_timeout 30, the default; and 3).
Each row also shows whether the command failed and whether its message names the endpoint; the
floor rows time the same commands with no API call (start-up alone).
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

from tests.support.playbook_runner import VENV_BIN, ansible_env  # noqa: E402


def refused_endpoint():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return None, 'http://127.0.0.1:%d' % sock.getsockname()[1]


def silent_endpoint():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    sock.listen(64)
    return sock, 'http://127.0.0.1:%d' % sock.getsockname()[1]


def clean_env(home):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')))
    env.update(ansible_env({'HOME': home, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true',
                            'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'}))
    return env


def inventory_cmd(home, endpoint, read_timeout):
    path = os.path.join(home, 'alicloud_ecs.yml')
    with open(path, 'w') as handle:
        handle.write('plugin: alicloud_ops.logging.alicloud_ecs\nendpoint_url: %s\naccess_key: bench-id\n'
                     'secret_key: bench-secret\nregions: [cn-hangzhou]\n' % endpoint)
        if read_timeout:
            handle.write('read_timeout: %s\n' % read_timeout)
    return [os.path.join(VENV_BIN, 'ansible-inventory'), '-i', path, '--list']


def sls_cmd(home, endpoint, request_timeout):
    args = 'name=bench-proj endpoint=%s access_key_id=bench-id access_key_secret=bench-secret' % endpoint
    if request_timeout:
        args += ' request_timeout=%s' % request_timeout
    return [os.path.join(VENV_BIN, 'ansible'), 'localhost', '-m', 'alicloud_ops.logging.sls_project', '-a', args]


def timed(cmd, env, endpoint):
    started = time.monotonic()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=600)
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    return seconds, result.returncode != 0, endpoint in output, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    rows = [
        ('ansible-inventory', 'read_timeout 15 (default)', inventory_cmd, None),
        ('ansible-inventory', 'read_timeout 3', inventory_cmd, 3),
        ('sls_project module', 'request_timeout 30 (default)', sls_cmd, None),
        ('sls_project module', 'request_timeout 3', sls_cmd, 3),
    ]
    print('%-20s %-30s %-8s %9s  %s' % ('command', 'setting', 'endpoint', 'median s', 'failed / names endpoint'))
    # The floor: what the same commands cost with no API call at all (Python and ansible-core start-up).
    for command, cmd in (('ansible-inventory', ['ansible-inventory', '-i', 'localhost,', '--list']),
                         ('ansible -m ping', ['ansible', 'localhost', '-m', 'ping'])):
        times = []
        for _ in range(args.repeat):
            home = tempfile.mkdtemp(prefix='endpoint-bench-')
            times.append(timed([os.path.join(VENV_BIN, cmd[0])] + cmd[1:], clean_env(home), '')[0])
        print('%-20s %-30s %-8s %9.2f  %s' % (command, 'floor: no API call', '-', statistics.median(times), '-'),
              flush=True)
    for kind, make_endpoint in (('refused', refused_endpoint), ('silent', silent_endpoint)):
        for command, setting, build, value in rows:
            times, flags, sample = [], set(), ''
            for _ in range(args.repeat):
                sock, endpoint = make_endpoint()
                home = tempfile.mkdtemp(prefix='endpoint-bench-')
                try:
                    seconds, failed, named, output = timed(build(home, endpoint, value), clean_env(home), endpoint)
                finally:
                    if sock is not None:
                        sock.close()
                times.append(seconds)
                flags.add((failed, named))
                sample = output
            print('%-20s %-30s %-8s %9.2f  %s' % (command, setting, kind, statistics.median(times),
                                                  ', '.join('%s/%s' % f for f in sorted(flags))), flush=True)
            if (False, False) in flags or (True, False) in flags:
                print('    last output: %s' % sample.strip().splitlines()[-1][:300])
    return 0


if __name__ == '__main__':
    sys.exit(main())
