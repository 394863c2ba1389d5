#!/usr/bin/env python3
"""Soak the rendered forward drop-ins for lost lines (prints figures; not a test).

    .venv/bin/python bench/zero_loss_soak.py [--runs 5] [--lines 200000] [--restarts 2]
                                             [--profiles default,small] [--keep DIR]

Each run: a private real rsyslogd (tests/integration/rsyslog_bed.py) with the drop-in that
rsyslog_render renders for the profile, the Logtail stand-in down; LINES numbered lines sent,
rsyslogd stopped and started RESTARTS times once it has accepted them all, then the stand-in
started and every line awaited (until nothing new arrives for --settle seconds). Prints, per
profile: runs / runs with loss / lines lost, and the lost ids of each lossy run.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO_ROOT, os.path.join(REPO_ROOT, 'collections')]

import yaml  # noqa: E402

from ansible_collections.alicloud_ops.logging.plugins.module_utils.rsyslog_render import (  # noqa: E402
    render_forward_dropin)
from tests.integration.rsyslog_bed import RsyslogBed, read_lines, wait_for  # noqa: E402

MARKER = 'soak seq='


def role_queue_size():
    with open(os.path.join(REPO_ROOT, 'roles', 'rsyslog_forward', 'defaults', 'main.yml')) as handle:
        return yaml.safe_load(handle)['rsyslog_forward_queue_size']


PROFILES = {
    # The role's default queue, and the small queue the README allows.
    'default': lambda: {'size': role_queue_size()},
    'small': lambda: {'size': 1000},
    'medium': lambda: {'size': 10000},
}


def seqs(path):
    out = []
    for line in read_lines(path):
        if MARKER in line:
            try:
                out.append(int(line.rsplit(MARKER, 1)[1]))
            except ValueError:
                pass
    return out


def count_seqs(path):
    if not os.path.exists(path):
        return 0
    with open(path, 'rb') as handle:
        return handle.read().count(MARKER.encode())


def discarded_full(stats_path):
    """The forward queue's discarded.full, summed over rsyslogd runs (each restart starts at 0)."""
    total, last = 0, 0
    for line in read_lines(stats_path):
        if 'omfwd queue:' not in line or '[DA]' in line or 'discarded.full=' not in line:
            continue
        value = int(line.split('discarded.full=', 1)[1].split()[0])
        if value < last:   # counters restarted with rsyslogd
            total += last
        last = value
    return total + last


def restart(bed):
    code = bed.stop_rsyslogd()
    if code != 0:
        raise RuntimeError('rsyslogd exited %s: %s' % (code, bed.rsyslogd_output()[-2000:]))
    bed.start_rsyslogd()


def one_run(root, queue, lines, restarts, settle, phase, extra=None):
    bed = RsyslogBed(root)
    try:
        args = bed.module_args(sys_tag='soak', queue=dict(queue), extra_params=extra or None)
        text = render_forward_dropin(args['forward'])
        os.makedirs(bed.spool_dir)  # rsyslog_dropin creates it on a host
        stats = os.path.join(root, 'impstats.log')
        # rsyslog counts what a queue drops for being full (discarded.full) only in impstats.
        with open(os.path.join(bed.dropin_dir, '10-soak-impstats.conf'), 'w') as handle:
            handle.write('module(load="impstats" interval="1" log.syslog="off" log.file="%s")\n' % stats)
        with open(os.path.join(bed.dropin_dir, '60-logtail-forward.conf'), 'w') as handle:
            handle.write(text)
        bed.start_rsyslogd()
        started = time.monotonic()
        batch = 50000
        for first in range(1, lines + 1, batch):
            bed.send(['<14>1 2024-05-01T10:00:00Z web-01 app 1 - - %s%d' % (MARKER, i)
                      for i in range(first, min(first + batch, lines + 1))])
        wait_for(lambda: count_seqs(bed.accepted) >= lines, 600, 'rsyslog to accept %d lines' % lines,
                 interval=0.5)
        accepted_s = time.monotonic() - started
        if phase == 'outage':
            for _ in range(restarts):
                restart(bed)
        bed.start_standin()
        up = time.monotonic()
        if phase == 'delivery':
            # Restart while the backlog is being forwarded, at evenly spaced points of it.
            for number in range(1, restarts + 1):
                wait_for(lambda: count_seqs(bed.record) >= lines * number // (restarts + 1), 600,
                         'delivery to pass restart point %d' % number, interval=0.05)
                restart(bed)
        last, last_change = -1, time.monotonic()
        while time.monotonic() - last_change < settle:
            got = count_seqs(bed.record)
            if got >= lines and len(set(seqs(bed.record))) >= lines:
                break
            if got != last:
                last, last_change = got, time.monotonic()
            time.sleep(0.5)
        received = seqs(bed.record)
        missing = sorted(set(range(1, lines + 1)) - set(received))
        return {'missing': missing, 'duplicates': len(received) - len(set(received)),
                'discarded_full': discarded_full(stats),
                'seconds_to_accept': round(accepted_s, 1),
                'seconds_to_deliver': round(time.monotonic() - up, 1)}
    finally:
        bed.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--runs', type=int, default=5, help='runs per profile')
    parser.add_argument('--lines', type=int, default=200000)
    parser.add_argument('--restarts', type=int, default=2)
    parser.add_argument('--phase', choices=('outage', 'delivery'), default='outage',
                        help='restart rsyslogd while the stand-in is down (after all lines are accepted) or '
                             'while the backlog is being delivered')
    parser.add_argument('--extra', default='{}', help='JSON: extra action parameters (forward.extra_params)')
    parser.add_argument('--profiles', default='default,small')
    parser.add_argument('--settle', type=float, default=30,
                        help='seconds without a new line at the stand-in before a run counts what it has')
    parser.add_argument('--keep', help='copy the bed of each lossy run (spool, logs) under this directory')
    args = parser.parse_args()
    summary = {}
    for profile in args.profiles.split(','):
        queue = PROFILES[profile]()
        runs = lossy = lost = 0
        for number in range(1, args.runs + 1):
            root = tempfile.mkdtemp(prefix='soak-%s-' % profile)
            result = one_run(root, queue, args.lines, args.restarts, args.settle, args.phase, json.loads(args.extra))
            runs += 1
            if result['missing']:
                lossy += 1
                lost += len(result['missing'])
                if args.keep:
                    shutil.copytree(root, os.path.join(args.keep, '%s-%d' % (profile, number)))
            shutil.rmtree(root, ignore_errors=True)
            print('%s run %d: %s' % (profile, number, json.dumps(dict(result, missing=result['missing'][:20]))),
                  flush=True)
        summary[profile] = {'queue': queue, 'runs': runs, 'runs_with_loss': lossy, 'lines_lost': lost}
    print('lines=%d restarts=%d phase=%s' % (args.lines, args.restarts, args.phase))
    for profile, figures in summary.items():
        print('%-8s queue.size=%-7s runs %d / runs with loss %d / lines lost %d' % (
            profile, figures['queue']['size'], figures['runs'], figures['runs_with_loss'], figures['lines_lost']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
