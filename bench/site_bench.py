#!/usr/bin/env python3
"""Benchmark site.yml on the demo's three container hosts (issue 4).

Prints and saves (bench/results/site_bench.json):
  - wall time of the first site.yml run on fresh hosts and of the idempotent run (median of --repeat);
  - the floor: a bare `ansible -m ping` over the same hosts and inventory (median of --repeat);
  - module round trips per host of the idempotent run, counted from ansible-runner's events (every
    result that carries a module `invocation`, loop items and `until` retries included; action plugins
    that never reach the host, such as validate_argument_spec or set_fact, and tasks a converge_probe
    answered, are not round trips).
Goal: idempotent run <= 5 round trips per host (fact gathering included) and <= 5x the ping floor.

Usage: .venv/bin/python bench/site_bench.py [--repeat 3] [--reuse] [--pipelining on|off|both]
  --reuse      keep the running demo hosts (the "first run" is then not a first run; skipped)
Hosts come from tools/demo.sh (DEMO_SITE=0: containers, ECS emulator, installer mirrors); without
--reuse they are rebuilt with tools/demo-clean.sh first. Run tools/demo-clean.sh afterwards to clean up.
"""
import argparse
import collections
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import ansible_runner

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INVENTORY = os.path.join(REPO, 'inventories', 'demo')
STATE = os.path.join(REPO, '.cache', 'demo')
ROUND_TRIP_EVENTS = ('runner_on_ok', 'runner_on_failed', 'runner_item_on_ok', 'runner_item_on_failed')
# A task's result for one host (a loop's items come before it in their own events): the lines a user reads.
TASK_RESULT_EVENTS = ('runner_on_ok', 'runner_on_failed', 'runner_on_skipped', 'runner_on_unreachable')
# What timed_run() returns: wall seconds, changed count (all hosts), round trips and task results per host, and
# where the wall time went, task by task (task_spans()).
Run = collections.namedtuple('Run', 'seconds changed trips tasks spans')


def prepare_hosts(reuse):
    if not reuse:
        subprocess.run(['bash', os.path.join(REPO, 'tools', 'demo-clean.sh')], check=True)
    subprocess.run(['bash', os.path.join(REPO, 'tools', 'demo.sh')], check=True,
                   env=dict(os.environ, DEMO_SITE='0'), stdout=subprocess.DEVNULL)
    # The emulator's endpoints (ECS and Log Service) and key pair, as tools/demo.sh exported them.
    with open(os.path.join(STATE, 'env')) as handle:
        return dict(line.rstrip('\n').split('=', 1) for line in handle if '=' in line)


def runner_env(demo_env, pipelining):
    env = dict(demo_env)
    env.update({
        'ANSIBLE_CONFIG': os.path.join(REPO, 'ansible.cfg'),
        'ANSIBLE_PIPELINING': '1' if pipelining else '0',
        'PATH': os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''),
    })
    return env


def round_trips(events):
    """Module executions per host: results with a module invocation, plus `until` retries."""
    per_host = collections.Counter()
    for event in events:
        data = event.get('event_data', {})
        host = data.get('host')
        if not host:
            continue
        res = data.get('res') or {}
        # A task a converge_probe answered (answered_by_probe) carries the check run's invocation, but made no
        # round trip of its own: the probe's was it. The probe's own result has no invocation (its action plugin
        # leaves out the options of every task it answers for): counted by its action.
        probe = str(data.get('task_action', '')).endswith('converge_probe')
        # A probe that took an earlier probe's answers (its reuse) is marked answered_by_probe too: no round trip.
        if event['event'] in ROUND_TRIP_EVENTS and 'answered_by_probe' not in res and (probe or 'invocation' in res):
            per_host[host] += 1
        elif event['event'] == 'runner_retry':
            per_host[host] += 1
    return dict(per_host)


def task_results(events):
    """Task results per host (ok, changed, failed, skipped, unreachable): one per task a host ran or skipped,
    argument-spec validations and skipped includes among them."""
    per_host = collections.Counter(event.get('event_data', {}).get('host') for event in events
                                   if event['event'] in TASK_RESULT_EVENTS)
    per_host.pop(None, None)
    return dict(per_host)


def _instant(text):
    """An event's ISO 8601 time (ansible-runner writes them with an offset) as seconds since the epoch."""
    return datetime.datetime.fromisoformat(text).timestamp()


def task_spans(events):
    """Where a run's wall time went, task by task, from ansible-runner's events: for each task in the order it
    started, its name as ansible-playbook prints it ("role : task"), the hosts that ran or skipped it, its span
    (the first host's start to the last host's result: under the linear strategy no other task runs meanwhile,
    so the spans of a play's tasks add up to its time) and its host-seconds (each host's own start to result,
    summed: what the task cost the hosts' workers, waiting for a free CPU included)."""
    spans = collections.OrderedDict()
    for event in events:
        data = event.get('event_data', {})
        if event['event'] not in TASK_RESULT_EVENTS or not data.get('host') or not data.get('start') \
                or not data.get('end'):
            continue
        start, end = _instant(data['start']), _instant(data['end'])
        span = spans.get(data.get('task_uuid'))
        if span is None:
            role = data.get('role')
            span = spans[data.get('task_uuid')] = {
                'task': '%s : %s' % (role, data.get('task')) if role else data.get('task'), 'hosts': 0,
                'start': start, 'end': end, 'host_seconds': 0.0}
        span['hosts'] += 1
        span['start'], span['end'] = min(span['start'], start), max(span['end'], end)
        span['host_seconds'] += end - start
    return [dict(task=span['task'], hosts=span['hosts'], span_seconds=round(span['end'] - span['start'], 3),
                 host_seconds=round(span['host_seconds'], 3)) for span in spans.values()]


def timed_run(env, **kwargs):
    private = tempfile.mkdtemp(prefix='site_bench_')
    started = time.monotonic()
    runner = ansible_runner.run(private_data_dir=private, inventory=INVENTORY, envvars=env, quiet=True,
                                project_dir=REPO, **kwargs)
    elapsed = time.monotonic() - started
    if runner.rc != 0:
        # What failed, here: the run's directory may be gone by the time anyone reads this (fleet_bench's temp dir).
        try:
            with open(os.path.join(runner.config.artifact_dir, 'stdout')) as handle:
                failures = [line.rstrip() for line in handle if 'fatal:' in line or '[ERROR]' in line][:20]
        except OSError as exc:
            failures = ['(no stdout: %s)' % exc]
        sys.exit('bench: %s failed (rc %s); see %s\n%s' % (kwargs, runner.rc, private, '\n'.join(failures)))
    stats = runner.stats or {}
    changed = sum((stats.get('changed') or {}).values())
    events = list(runner.events)
    return Run(elapsed, changed, round_trips(events), task_results(events), task_spans(events))


def measure(demo_env, pipelining, repeat, first_run):
    env = runner_env(demo_env, pipelining)
    playbook = os.path.join(REPO, 'site.yml')
    result = {'pipelining': pipelining}
    if first_run:
        first = timed_run(env, playbook=playbook)
        result['first_run'] = {'seconds': round(first.seconds, 2), 'changed': first.changed,
                               'round_trips': first.trips}
    idempotent = [timed_run(env, playbook=playbook) for _ in range(repeat)]
    ping = [timed_run(env, module='ansible.builtin.ping', host_pattern='all') for _ in range(repeat)]
    trips = idempotent[-1][2]
    idem_seconds = statistics.median(run[0] for run in idempotent)
    ping_seconds = statistics.median(run[0] for run in ping)
    result.update({
        'idempotent_run': {'seconds_median': round(idem_seconds, 2),
                           'seconds_all': [round(run[0], 2) for run in idempotent],
                           'changed': [run[1] for run in idempotent], 'round_trips': trips},
        'ping_floor': {'seconds_median': round(ping_seconds, 2),
                       'seconds_all': [round(run[0], 2) for run in ping], 'round_trips': ping[-1][2]},
        'idempotent_over_ping': round(idem_seconds / ping_seconds, 2),
        'max_round_trips_per_host': max(trips.values()) if trips else 0,
    })
    return result


def report(result):
    mode = 'pipelining on' if result['pipelining'] else 'pipelining off'
    print('\n== site.yml on %d demo hosts (%s)' % (len(result['idempotent_run']['round_trips']), mode))
    if 'first_run' in result:
        first = result['first_run']
        print('first run           %6.2f s  changed=%d' % (first['seconds'], first['changed']))
    idem, ping = result['idempotent_run'], result['ping_floor']
    print('idempotent run      %6.2f s  (runs: %s, changed: %s)' % (
        idem['seconds_median'], idem['seconds_all'], idem['changed']))
    print('ping floor          %6.2f s  (runs: %s)' % (ping['seconds_median'], ping['seconds_all']))
    ratio_ok = result['idempotent_over_ping'] <= 5
    trips_ok = result['max_round_trips_per_host'] <= 5
    print('idempotent / ping   %6.2f x  goal <= 5x: %s' % (result['idempotent_over_ping'],
                                                          'met' if ratio_ok else 'NOT met'))
    print('round trips / host  %s  goal <= 5: %s' % (idem['round_trips'], 'met' if trips_ok else 'NOT met'))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--reuse', action='store_true')
    parser.add_argument('--pipelining', choices=['on', 'off', 'both'], default='both')
    args = parser.parse_args(argv)
    modes = {'on': [True], 'off': [False], 'both': [False, True]}[args.pipelining]
    results = []
    for pipelining in modes:
        # A first run needs fresh hosts: rebuild them before each mode unless told to reuse.
        demo_env = prepare_hosts(args.reuse)
        result = measure(demo_env, pipelining, args.repeat, first_run=not args.reuse)
        report(result)
        results.append(result)
    out_dir = os.path.join(REPO, 'bench', 'results')
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'site_bench.json'), 'w') as handle:
        json.dump(results, handle, indent=2)
    print('\nsaved bench/results/site_bench.json; tools/demo-clean.sh removes the hosts')
    return 0


if __name__ == '__main__':
    sys.exit(main())
