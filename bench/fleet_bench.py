#!/usr/bin/env python3
"""Benchmark site.yml on fleets of 3 to 50 container hosts (issue 24; bench/site_bench.py on a fleet).

For each size in --sizes: a fresh fleet (tools/demo-clean.sh, then tools/demo.sh with DEMO_SITE=0 DEMO_FLEET=N:
alicloud-fleet-NN systemd containers, registered in the ECS API emulator, found by inventories/demo), then
  - the first site.yml run on the fresh hosts;
  - the idempotent run, median of --repeat (each must report changed=0);
  - `ansible -m ansible.builtin.ping` over the same inventory, median of --repeat;
  - module round trips per host of the idempotent run (site_bench.round_trips).
Prints the issue's table and the per-host slopes (seconds per extra host, least squares over the sizes), and
saves the figures under --label in bench/results/fleet_bench.json. The fleet is removed at the end (and on
Ctrl-C) unless --keep. A size is skipped, with the reason printed, when MemAvailable is below what it needs
(estimated from the memory per container measured on the sizes before, or on an earlier run of the bench).

Usage: .venv/bin/python bench/fleet_bench.py [--sizes 3,10,20,50] [--repeat 3] [--forks N] [--pipelining on|off]
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


def measure_size(size, args, forks, env, first_run):
    playbook = os.path.join(REPO, 'site.yml')
    result = {'hosts': size}
    if first_run:
        seconds, changed, trips = timed_run(env, playbook=playbook, forks=forks)
        result['first_run'] = {'seconds': round(seconds, 2), 'changed': changed,
                               'round_trips_max': max(trips.values()) if trips else 0}
    idempotent = [timed_run(env, playbook=playbook, forks=forks) for _ in range(args.repeat)]
    ping = [timed_run(env, module='ansible.builtin.ping', host_pattern='all', forks=forks)
            for _ in range(args.repeat)]
    trips = idempotent[-1][2]
    fleet_trips = [count for host, count in trips.items() if host != 'localhost']
    idem_seconds = statistics.median(run[0] for run in idempotent)
    ping_seconds = statistics.median(run[0] for run in ping)
    result.update({
        'idempotent_run': {'seconds_median': round(idem_seconds, 2),
                           'seconds_all': [round(run[0], 2) for run in idempotent],
                           'changed': [run[1] for run in idempotent],
                           'round_trips': trips},
        'ping': {'seconds_median': round(ping_seconds, 2), 'seconds_all': [round(run[0], 2) for run in ping]},
        'idempotent_over_ping': round(idem_seconds / ping_seconds, 2),
        'round_trips_per_host': [min(fleet_trips), max(fleet_trips)] if fleet_trips else [0, 0],
        'pinged_hosts': len(ping[-1][2]),
    })
    if any(run[1] for run in idempotent):
        print('fleet_bench: WARNING: %d hosts: an idempotent run changed something: %s'
              % (size, result['idempotent_run']['changed']))
    return result


def table(rows):
    lines = ['| hosts | first run | idempotent (changed=0) | ping | idempotent / ping | round trips / host |',
             '| --- | --- | --- | --- | --- | --- |']
    for row in sorted(rows, key=lambda row: row['hosts']):
        if 'skipped' in row:
            lines.append('| %d | skipped: %s | | | | |' % (row['hosts'], row['skipped']))
            continue
        first = '%.2f s' % row['first_run']['seconds'] if 'first_run' in row else '(reused)'
        changed = row['idempotent_run']['changed']
        idem = '%.2f s%s' % (row['idempotent_run']['seconds_median'],
                             '' if not any(changed) else ' (changed=%s!)' % changed)
        low, high = row['round_trips_per_host']
        trips = str(low) if low == high else '%d-%d' % (low, high)
        lines.append('| %d | %s | %s | %.2f s | %.2f× | %s |' % (
            row['hosts'], first, idem, row['ping']['seconds_median'], row['idempotent_over_ping'], trips))
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


def interrupted(*_):
    """SIGTERM cleans up as Ctrl-C does."""
    raise KeyboardInterrupt()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='3,10,20,50',
                        type=lambda text: [int(size) for size in text.split(',') if size.strip()])
    parser.add_argument('--repeat', type=int, default=3)
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
            if not args.reuse and 'skipped' not in row:
                print('fleet_bench: building a fleet of %d hosts (tools/demo.sh)' % size)
                free_before = mem_available_mib()
                seconds = build_fleet(size, os.path.join(scratch, 'demo-%d.log' % size))
                if seconds is None:
                    row['skipped'] = 'tools/demo.sh DEMO_FLEET=%d failed (its log above)' % size
                else:
                    row['build_seconds'] = round(seconds, 1)
                    demo_env = read_state_env()
            if 'skipped' in row:
                print('fleet_bench: %d hosts skipped: %s' % (size, row['skipped']))
                continue
            env = runner_env(demo_env, args.pipelining == 'on')
            if args.strategy:
                env['ANSIBLE_STRATEGY'] = args.strategy
            if args.strategy_plugins:
                env['ANSIBLE_STRATEGY_PLUGINS'] = os.path.abspath(args.strategy_plugins)
            print('fleet_bench: timing %d hosts' % size)
            try:
                row.update(measure_size(size, args, forks, env, first_run=not args.reuse))
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
    }
    print('\n== site.yml on fleets (%s): forks %d, pipelining %s, strategy %s\n' % (
        args.label, forks, args.pipelining, args.strategy or 'default'))
    print(table(record['sizes']))
    slopes = record['slope_seconds_per_host']
    if slopes['idempotent'] is not None:
        print('\nper extra host (least squares over %s hosts): idempotent %.3f s, ping %.3f s' % (
            ', '.join(str(row['hosts']) for row in done), slopes['idempotent'], slopes['ping']))
    print('load average (1, 5, 15 min) before -> after: %s' % ', '.join(
        '%d hosts %s -> %s' % (row['hosts'], row['load_before'], row['load_after']) for row in done))
    save(args.label, record)
    print('saved bench/results/fleet_bench.json [%s]%s' % (
        args.label, '; the fleet is still up (DEMO_FLEET=1 tools/demo-clean.sh removes it)' if args.keep else ''))
    return 130 if record.get('interrupted') else 0


if __name__ == '__main__':
    sys.exit(main())
