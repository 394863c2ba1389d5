#!/usr/bin/env python3
"""Benchmark site.yml on fleets of 3 to 50 container hosts (issue 24; bench/site_bench.py on a fleet).

For each size in --sizes: a fresh fleet (tools/demo-clean.sh, then tools/demo.sh with DEMO_SITE=0 DEMO_FLEET=N:
alicloud-fleet-NN systemd containers, registered in the ECS API emulator, found by inventories/demo), then
  - the first site.yml run on the fresh hosts;
  - the idempotent run, median of --repeat (each must report changed=0);
  - `ansible -m ansible.builtin.ping` over the same inventory, median of --repeat;
  - the floor (unless --no-floor), median of --repeat: a play giving each host as many task results as the
    idempotent run did (argument-spec validations and skipped includes count) of which one is a module round trip
    (ping) and the rest controller-only debug tasks: what ansible-core costs for a play of that shape, whatever
    its tasks do;
  - module round trips per host of the idempotent run (site_bench.round_trips);
  - where the last idempotent run's and the last ping's wall time went, task by task (site_bench.task_spans:
    each task's span, first host's start to last host's result, and its host-seconds), with what no task's span
    covers (start-up, inventory, play set-up): printed after the size's row, saved as `spans`.
With --first-repeat N, the first run is timed on N fleets of that size, each built afresh (median shown).
Prints the issue's table and the per-host slopes (seconds per extra host, least squares over the sizes), and
saves the figures under --label in bench/results/fleet_bench.json. The fleet is removed at the end (and on
Ctrl-C) unless --keep. A size is skipped, with the reason printed, when MemAvailable is below what it needs
(estimated from the memory per container measured on the sizes before, or on an earlier run of the bench).

Usage: .venv/bin/python bench/fleet_bench.py [--sizes 3,10,20,50] [--repeat 3] [--first-repeat 1] [--no-floor]
         [--forks N] [--pipelining on|off]
         [--keep] [--reuse] [--strategy NAME] [--strategy-plugins DIR] [--label NAME] [--inventory DIR]
  --reuse  the fleet of that size left running by --keep (already converged): no rebuild, no first run
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from ansible.release import __version__ as ANSIBLE_CORE

import site_bench
from site_bench import REPO, runner_env, timed_run

STATE = os.path.join(REPO, '.cache', 'fleet')
RESULTS = os.path.join(REPO, 'bench', 'results', 'fleet_bench.json')
# Used until a fleet has been measured: a converged host (systemd, journald, rsyslog, the stand-in mirror and
# agent, the sample logs on web hosts) plus its share of the controller's forks.
DEFAULT_MIB_PER_HOST = 150
# Kept free on top of the fleet: the controller (ansible forks, the emulator, the relay) and the rest of the machine.
RESERVE_MIB = 2048
# inotify instances a converged host holds (systemd, journald, ...: 5 measured) plus a margin. The kernel's
# fs.inotify.max_user_instances (128 by default) counts them for all of root's containers together: past it, systemd
# in a new container exits 255 at boot (about 25 hosts on an otherwise idle machine).
INOTIFY_PER_HOST = 6


def mem_available_mib():
    with open('/proc/meminfo') as handle:
        for line in handle:
            if line.startswith('MemAvailable:'):
                return int(line.split()[1]) // 1024
    raise RuntimeError('no MemAvailable in /proc/meminfo')


def inotify_instances():
    """(fs.inotify.max_user_instances, inotify instances open now). Everything here runs as root."""
    with open('/proc/sys/fs/inotify/max_user_instances') as handle:
        limit = int(handle.read())
    used = 0
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            fds = os.listdir('/proc/%s/fd' % pid)
        except OSError:
            continue
        for fd in fds:
            try:
                used += os.readlink('/proc/%s/fd/%s' % (pid, fd)) == 'anon_inode:inotify'
            except OSError:
                pass
    return limit, used


def skip_reason(size, measured_mib):
    """Why a fleet of `size` hosts cannot be built now (memory or inotify instances), or None."""
    per_host = mib_per_host_estimate(measured_mib)
    need = size * per_host + RESERVE_MIB
    available = mem_available_mib()
    if available < need:
        return 'MemAvailable %d MiB < %d MiB needed (%d hosts x %d MiB + %d MiB)' % (
            available, need, size, per_host, RESERVE_MIB)
    limit, used = inotify_instances()
    if limit - used < size * INOTIFY_PER_HOST:
        return ('inotify instances: %d free of fs.inotify.max_user_instances=%d, %d hosts need about %d '
                '(sysctl -w fs.inotify.max_user_instances=%d would allow it)' % (
                    limit - used, limit, size, size * INOTIFY_PER_HOST, used + size * INOTIFY_PER_HOST + 64))
    return None


def load_average():
    return [round(value, 2) for value in os.getloadavg()]


def fleet_env(size):
    return dict(os.environ, DEMO_SITE='0', DEMO_FLEET=str(size), DEMO_STATE=STATE)


def clean_fleet():
    subprocess.run(['bash', os.path.join(REPO, 'tools', 'demo-clean.sh')], check=False,
                   env=fleet_env(1), stdout=subprocess.DEVNULL)


def read_state_env():
    """The emulator's endpoints and key pair, as tools/demo.sh exported them for this fleet."""
    with open(os.path.join(STATE, 'env')) as handle:
        return dict(line.rstrip('\n').split('=', 1) for line in handle if '=' in line)


def running_fleet(size):
    """The state of a fleet of `size` hosts left running (--keep), or None."""
    try:
        with open(os.path.join(STATE, 'containers')) as handle:
            names = handle.read().split()
        with open(os.path.join(STATE, 'emulator.pid')) as handle:
            os.kill(int(handle.read()), 0)
    except (OSError, ValueError):
        return None
    return read_state_env() if len(names) == size else None


def build_fleet(size, log_path):
    started = time.monotonic()
    with open(log_path, 'w') as log:
        rc = subprocess.run(['bash', os.path.join(REPO, 'tools', 'demo.sh')], env=fleet_env(size),
                            stdout=log, stderr=subprocess.STDOUT).returncode
    if rc != 0:
        with open(log_path) as log:
            sys.stderr.write(log.read()[-3000:])
        return None
    return time.monotonic() - started


def configured_forks():
    """ansible.cfg's forks (ansible-core's default 5 when it sets none)."""
    out = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-config'), 'dump'],
                         env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg')), cwd=REPO,
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith('DEFAULT_FORKS'):
            return int(line.rsplit('=', 1)[1])
    return 5


def slope(points):
    """Least squares seconds per extra host over (hosts, seconds) points; None for fewer than two sizes."""
    if len(points) < 2:
        return None
    mean_x = statistics.mean(x for x, _ in points)
    mean_y = statistics.mean(y for _, y in points)
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    return round(sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx, 3) if sxx else None


FLOOR_PLAY = """\
# Written by bench/fleet_bench.py: the floor of a play of this shape. Each host gets %(tasks)d task results, as in
# site.yml's idempotent run, and makes one module round trip (ping); the other tasks never reach the host.
- name: Floor of a play with %(tasks)d tasks per host, one round trip
  hosts: all
  gather_facts: false
  tasks:
    - name: The one module round trip
      ansible.builtin.ping:
%(rest)s"""
FLOOR_TASK = """\
    - name: Controller-only task %d
      ansible.builtin.debug:
        msg: floor
"""


def write_floor_play(path, tasks):
    """A playbook giving each host `tasks` task results: one ping, then tasks - 1 controller-only debug tasks."""
    with open(path, 'w') as handle:
        handle.write(FLOOR_PLAY % {'tasks': tasks, 'rest': ''.join(FLOOR_TASK % n for n in range(1, tasks))})
    return path


def measure_size(size, args, forks, env, first_runs, scratch):
    """The figures for one fleet; `first_runs` are the first runs already timed on fresh fleets of this size
    (--first-repeat), the last of them on this fleet."""
    playbook = os.path.join(REPO, 'site.yml')
    result = {'hosts': size}
    if first_runs:
        result['first_run'] = {'seconds': round(statistics.median(run.seconds for run in first_runs), 2),
                               'seconds_all': [round(run.seconds, 2) for run in first_runs],
                               'changed': first_runs[-1].changed,
                               'round_trips_max': max(first_runs[-1].trips.values()) if first_runs[-1].trips else 0}
    idempotent = [timed_run(env, playbook=playbook, forks=forks) for _ in range(args.repeat)]
    ping = [timed_run(env, module='ansible.builtin.ping', host_pattern='all', forks=forks)
            for _ in range(args.repeat)]
    trips = idempotent[-1].trips
    fleet_trips = [count for host, count in trips.items() if host != 'localhost']
    fleet_tasks = sorted(count for host, count in idempotent[-1].tasks.items() if host != 'localhost')
    idem_seconds = statistics.median(run.seconds for run in idempotent)
    ping_seconds = statistics.median(run.seconds for run in ping)
    result.update({
        'idempotent_run': {'seconds_median': round(idem_seconds, 2),
                           'seconds_all': [round(run.seconds, 2) for run in idempotent],
                           'changed': [run.changed for run in idempotent],
                           'round_trips': trips,
                           'task_results_per_host': [fleet_tasks[0], fleet_tasks[-1]] if fleet_tasks else [0, 0]},
        'ping': {'seconds_median': round(ping_seconds, 2), 'seconds_all': [round(run.seconds, 2) for run in ping]},
        'idempotent_over_ping': round(idem_seconds / ping_seconds, 2),
        'round_trips_per_host': [min(fleet_trips), max(fleet_trips)] if fleet_trips else [0, 0],
        'pinged_hosts': len(ping[-1].trips),
        'spans': {'idempotent_run': breakdown(idempotent[-1]), 'ping': breakdown(ping[-1])},
    })
    if fleet_tasks and not args.no_floor:
        tasks = int(statistics.median(fleet_tasks))
        play = write_floor_play(os.path.join(scratch, 'floor-%d.yml' % tasks), tasks)
        floor = [timed_run(env, playbook=play, forks=forks) for _ in range(args.repeat)]
        floor_seconds = statistics.median(run.seconds for run in floor)
        result['floor'] = {'tasks_per_host': tasks, 'seconds_median': round(floor_seconds, 2),
                           'seconds_all': [round(run.seconds, 2) for run in floor],
                           'round_trips_per_host': sorted(set(floor[-1].trips.get(host, 0)
                                                              for host in floor[-1].tasks))}
        result['floor_over_ping'] = round(floor_seconds / ping_seconds, 2)
        result['idempotent_over_floor'] = round(idem_seconds / floor_seconds, 2)
    if any(run.changed for run in idempotent):
        print('fleet_bench: WARNING: %d hosts: an idempotent run changed something: %s'
              % (size, result['idempotent_run']['changed']))
    return result


def breakdown(run):
    """A run's task spans (site_bench.task_spans) and, last, the wall time no task's span covers."""
    spans = list(run.spans)
    covered = sum(span['span_seconds'] for span in spans)
    spans.append({'task': '(outside any task: start-up, inventory, play set-up)', 'hosts': 0,
                  'span_seconds': round(max(0.0, run.seconds - covered), 3), 'host_seconds': 0.0})
    return {'seconds': round(run.seconds, 3), 'tasks': spans}


def spans_table(name, spans, top=12, overlap=False):
    """The `top` tasks of a breakdown() by span, with their share of the run and per host; ``overlap`` for a
    strategy other than linear, whose hosts run different tasks at once (the spans then overlap)."""
    seconds = spans['seconds']
    lines = ['%s, %.2f s: where the wall time went (task spans, largest first%s)' % (
        name, seconds, '; they overlap: hosts run different tasks at once under this strategy' if overlap else ''),
             '| task | hosts | span | share of the run | host-seconds per host |', '| --- | --- | --- | --- | --- |']

    def share(part):
        return 100.0 * part / seconds if seconds else 0

    ranked = sorted(spans['tasks'], key=lambda span: -span['span_seconds'])
    for span in ranked[:top]:
        lines.append('| %s | %d | %.2f s | %.0f%% | %s |' % (
            span['task'], span['hosts'], span['span_seconds'], share(span['span_seconds']),
            '%.3f s' % (span['host_seconds'] / span['hosts']) if span['hosts'] else '-'))
    rest = sum(span['span_seconds'] for span in ranked[top:])
    if ranked[top:]:
        lines.append('| (%d more tasks) | | %.2f s | %.0f%% | |' % (len(ranked[top:]), rest, share(rest)))
    return '\n'.join(lines)


def table(rows):
    """The issue's table, with the floor (a play of as many tasks per host, one round trip) beside ping."""
    lines = ['| hosts | first run | idempotent (changed=0) | ping | floor (tasks / host) | idempotent / ping '
             '| floor / ping | idempotent / floor | round trips / host |',
             '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for row in sorted(rows, key=lambda row: row['hosts']):
        if 'skipped' in row:
            lines.append('| %d | skipped: %s | | | | | | | |' % (row['hosts'], row['skipped']))
            continue
        if 'first_run' not in row:
            first = '(reused)'
        else:
            runs = row['first_run'].get('seconds_all') or [row['first_run']['seconds']]
            first = '%.2f s' % row['first_run']['seconds'] + (
                ' (median of %d: %s)' % (len(runs), ', '.join('%.2f' % run for run in runs)) if len(runs) > 1 else '')
        changed = row['idempotent_run']['changed']
        idem = '%.2f s%s' % (row['idempotent_run']['seconds_median'],
                             '' if not any(changed) else ' (changed=%s!)' % changed)
        floor = row.get('floor')
        low, high = row['round_trips_per_host']
        trips = str(low) if low == high else '%d-%d' % (low, high)
        lines.append('| %d | %s | %s | %.2f s | %s | %.2f× | %s | %s | %s |' % (
            row['hosts'], first, idem, row['ping']['seconds_median'],
            '%.2f s (%d)' % (floor['seconds_median'], floor['tasks_per_host']) if floor else '-',
            row['idempotent_over_ping'],
            '%.2f×' % row['floor_over_ping'] if floor else '-',
            '%.2f×' % row['idempotent_over_floor'] if floor else '-', trips))
    return '\n'.join(lines)


def save(label, record):
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    try:
        with open(RESULTS) as handle:
            saved = json.load(handle)
    except (OSError, ValueError):
        saved = {}
    saved[label] = record
    with open(RESULTS, 'w') as handle:
        json.dump(saved, handle, indent=2, sort_keys=True)


def mib_per_host_estimate(measured):
    if measured:
        return max(measured)
    try:
        with open(RESULTS) as handle:
            earlier = [size.get('mib_per_host') for record in json.load(handle).values()
                       for size in record.get('sizes', [])]
    except (OSError, ValueError, AttributeError):
        earlier = []
    earlier = [value for value in earlier if value]
    return max(earlier) if earlier else DEFAULT_MIB_PER_HOST


def bench_env(demo_env, args):
    """ansible-runner's environment for the fleet tools/demo.sh left in `demo_env`, with the bench's settings."""
    env = runner_env(demo_env, args.pipelining == 'on')
    if args.strategy:
        env['ANSIBLE_STRATEGY'] = args.strategy
    if args.strategy_plugins:
        env['ANSIBLE_STRATEGY_PLUGINS'] = os.path.abspath(args.strategy_plugins)
    return env


def interrupted(*_):
    """SIGTERM cleans up as Ctrl-C does."""
    raise KeyboardInterrupt()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='3,10,20,50',
                        type=lambda text: [int(size) for size in text.split(',') if size.strip()])
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--first-repeat', type=int, default=1,
                        help='first runs per size, each on a fleet built afresh (the median is shown)')
    parser.add_argument('--no-floor', action='store_true',
                        help='leave out the floor: a play of as many tasks per host, one round trip')
    parser.add_argument('--forks', type=int, default=None, help="default: ansible.cfg's (ansible-core's 5)")
    parser.add_argument('--pipelining', choices=['on', 'off'], default='on')
    parser.add_argument('--keep', action='store_true', help='leave the (last) fleet running')
    parser.add_argument('--reuse', action='store_true', help='use the running fleet of that size (no first run)')
    parser.add_argument('--strategy', help='ANSIBLE_STRATEGY, e.g. mitogen_linear')
    parser.add_argument('--strategy-plugins', help='ANSIBLE_STRATEGY_PLUGINS directory')
    parser.add_argument('--label', default='default', help='the figures are saved under this label')
    parser.add_argument('--inventory', default=site_bench.INVENTORY,
                        help='another inventory over the same fleet (default inventories/demo), e.g. a copy whose '
                             "compose sets ansible_connection 'docker', the name mitogen's strategy redirects")
    args = parser.parse_args(argv)
    if not args.sizes or min(args.sizes) < 1:
        parser.error('--sizes: host counts >= 1')
    if args.first_repeat < 1:
        parser.error('--first-repeat: 1 or more')
    return args


def main(argv=None):
    args = parse_args(argv)
    forks = args.forks or configured_forks()
    site_bench.INVENTORY = os.path.abspath(args.inventory)   # timed_run's inventory
    signal.signal(signal.SIGTERM, interrupted)
    scratch = tempfile.mkdtemp(prefix='fleet_bench_')
    tempfile.tempdir = scratch   # site_bench.timed_run's private data dirs go here, removed at the end
    record = {'label': args.label, 'date': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
              'ansible_core': ANSIBLE_CORE, 'forks': forks, 'pipelining': args.pipelining == 'on',
              'strategy': args.strategy, 'strategy_plugins': args.strategy_plugins, 'repeat': args.repeat,
              'first_repeat': args.first_repeat,
              'reuse': args.reuse, 'inventory': os.path.relpath(site_bench.INVENTORY, REPO),
              'command': ' '.join([os.path.relpath(__file__, REPO)] + sys.argv[1:]),
              'sizes': []}
    measured_mib = []
    print('fleet_bench %s: ansible-core %s, forks %d, pipelining %s, strategy %s' % (
        args.label, ANSIBLE_CORE, forks, args.pipelining, args.strategy or 'default'))
    try:
        for size in args.sizes:
            row = {'hosts': size}
            record['sizes'].append(row)
            if args.reuse:
                demo_env = running_fleet(size)
                if demo_env is None:
                    row['skipped'] = 'no running fleet of %d hosts to reuse (run with --keep first)' % size
            else:
                clean_fleet()   # the size before: its memory and inotify instances are free again
                row['skipped'] = skip_reason(size, measured_mib)
            row['load_before'] = load_average()
            if 'skipped' in row and not row['skipped']:
                del row['skipped']
            first_runs = []
            try:
                for attempt in range(0 if args.reuse or 'skipped' in row else args.first_repeat):
                    if attempt:
                        clean_fleet()   # each first run on hosts built afresh
                    print('fleet_bench: building a fleet of %d hosts (tools/demo.sh)%s' % (
                        size, ' [%d/%d]' % (attempt + 1, args.first_repeat) if args.first_repeat > 1 else ''))
                    free_before = mem_available_mib()
                    seconds = build_fleet(size, os.path.join(scratch, 'demo-%d.log' % size))
                    if seconds is None:
                        row['skipped'] = 'tools/demo.sh DEMO_FLEET=%d failed (its log above)' % size
                        break
                    row.setdefault('build_seconds', []).append(round(seconds, 1))
                    demo_env = read_state_env()
                    first_runs.append(timed_run(bench_env(demo_env, args), playbook=os.path.join(REPO, 'site.yml'),
                                                forks=forks))
                if 'skipped' in row:
                    print('fleet_bench: %d hosts skipped: %s' % (size, row['skipped']))
                    continue
                print('fleet_bench: timing %d hosts' % size)
                row.update(measure_size(size, args, forks, bench_env(demo_env, args), first_runs, scratch))
            except SystemExit as failed:   # site_bench.timed_run: a run failed
                row['skipped'] = str(failed)
                print(failed)
                continue
            if not args.reuse:
                # After the first run: every host converged (agent, mirror, sample logs on the web hosts).
                row['mib_per_host'] = max(1, (free_before - mem_available_mib()) // size)
                measured_mib.append(row['mib_per_host'])
            row['load_after'] = load_average()
            print(table([row]).splitlines()[-1])
            for name in ('idempotent_run', 'ping'):
                title = '%d hosts, the last %s' % (size, name.replace('_', ' '))
                print('\n' + spans_table(title, row['spans'][name], overlap=args.strategy not in (None, 'linear')))
    except KeyboardInterrupt:
        print('\nfleet_bench: interrupted; cleaning up')
        record['interrupted'] = True
        args.keep = args.reuse = False
        for row in record['sizes']:
            if 'skipped' not in row and 'load_after' not in row:
                row['skipped'] = 'interrupted'
    finally:
        if not args.keep and not args.reuse:
            clean_fleet()
        shutil.rmtree(scratch, ignore_errors=True)
    done = [row for row in record['sizes'] if 'skipped' not in row]
    record['slope_seconds_per_host'] = {
        'idempotent': slope([(row['hosts'], row['idempotent_run']['seconds_median']) for row in done]),
        'ping': slope([(row['hosts'], row['ping']['seconds_median']) for row in done]),
        'floor': slope([(row['hosts'], row['floor']['seconds_median']) for row in done if 'floor' in row]),
    }
    print('\n== site.yml on fleets (%s): forks %d, pipelining %s, strategy %s\n' % (
        args.label, forks, args.pipelining, args.strategy or 'default'))
    print(table(record['sizes']))
    slopes = record['slope_seconds_per_host']
    if slopes['idempotent'] is not None:
        print('\nper extra host (least squares over %s hosts): idempotent %.3f s, ping %.3f s%s' % (
            ', '.join(str(row['hosts']) for row in done), slopes['idempotent'], slopes['ping'],
            ', floor %.3f s' % slopes['floor'] if slopes['floor'] is not None else ''))
    print('load average (1, 5, 15 min) before -> after: %s' % ', '.join(
        '%d hosts %s -> %s' % (row['hosts'], row['load_before'], row['load_after']) for row in done))
    save(args.label, record)
    print('saved bench/results/fleet_bench.json [%s]%s' % (
        args.label, '; the fleet is still up (DEMO_FLEET=1 tools/demo-clean.sh removes it)' if args.keep else ''))
    return 130 if record.get('interrupted') else 0


if __name__ == '__main__':
    sys.exit(main())
