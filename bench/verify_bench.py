#!/usr/bin/env python3
"""Benchmark playbooks/verify.yml on the demo fleet (issue 11).

Prints and saves (bench/results/verify_bench.json), per run (--repeat):
  - each host's time from canary (logger on the host) to searchable in the logstore, as verify.yml reports it
    (the log's receive time when the logstore appends meta, else the search that found it);
  - the API calls the check made, from the emulator's stats (GetLogs, ListMachines, ...), and the number of
    polls; the goal is at most ONE GetLogs call per poll for the whole fleet, not one per host;
  - the wall time of the playbook.

Usage: .venv/bin/python bench/verify_bench.py [--repeat 3] [--poll-interval 1]
Needs the demo running (`make demo`); run `make demo-clean` afterwards.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from urllib.request import Request, urlopen

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE = os.path.join(REPO, '.cache', 'demo')


def demo_env():
    path = os.path.join(STATE, 'env')
    if not os.path.exists(path):
        sys.exit('no demo running: run `make demo` first')
    with open(path) as handle:
        env = dict(line.rstrip('\n').split('=', 1) for line in handle if '=' in line)
    return dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), **env)


def emulator(env, path, method='GET'):
    url = 'http://%s%s' % (env['ALICLOUD_SLS_ENDPOINT'], path)
    with urlopen(Request(url, data=b'' if method == 'POST' else None, method=method), timeout=10) as answer:
        return json.load(answer)


def one_run(env, poll_interval):
    emulator(env, '/_emulator/reset-stats', 'POST')
    started = time.monotonic()
    proc = subprocess.run([os.path.join(REPO, '.venv', 'bin', 'ansible-playbook'), 'playbooks/verify.yml',
                           '-i', 'inventories/demo/', '-e', 'alicloud_logging_verify_poll_interval=%d' % poll_interval],
                          cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit('verify.yml failed:\n' + proc.stdout[-4000:])
    delays = {m.group(1): float(m.group(2))
              for m in re.finditer(r'"(\S+): canary searchable after (\d+\.\d) s', proc.stdout)}
    calls = emulator(env, '/_emulator/stats')['calls']
    polls = len(re.findall(r'FAILED - RETRYING: \[localhost\]: Search for every canary', proc.stdout)) + 1
    sls_calls = {k: v for k, v in calls.items() if k in ('GetLogs', 'ListMachines', 'GetMachineGroup',
                                                         'GetAppliedConfigs')}
    return {'delay_seconds': delays, 'polls': polls, 'api_calls': sls_calls,
            'get_logs_per_poll': round(sls_calls.get('GetLogs', 0) / float(polls), 2), 'wall_seconds': round(wall, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--poll-interval', type=int, default=1)
    args = parser.parse_args()
    env = demo_env()
    runs = [one_run(env, args.poll_interval) for _ in range(args.repeat)]
    for number, run in enumerate(runs, 1):
        print('run %d: %d poll(s), API calls %s, %.2f GetLogs per poll, %.1f s' % (
            number, run['polls'], run['api_calls'], run['get_logs_per_poll'], run['wall_seconds']))
        for host, delay in sorted(run['delay_seconds'].items()):
            print('  %-22s canary -> searchable %.1f s' % (host, delay))
    results = os.path.join(REPO, 'bench', 'results')
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, 'verify_bench.json'), 'w') as handle:
        json.dump({'poll_interval': args.poll_interval, 'runs': runs}, handle, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
