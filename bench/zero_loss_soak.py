#!/usr/bin/env python3
"""Soak the rendered forward drop-ins for lost lines (prints figures; not a test).

    .venv/bin/python bench/zero_loss_soak.py [--runs 5] [--lines 200000] [--restarts 2]
                                             [--phase outage|delivery] [--restart plain|role]
                                             [--profiles default,small] [--keep DIR]

Each run: a private real rsyslogd (tests/integration/rsyslog_bed.py) with the drop-in that
rsyslog_render renders for the profile, the Logtail stand-in down; LINES numbered lines sent,
rsyslogd stopped and started RESTARTS times once it has accepted them all (--phase outage) or
while the backlog is being delivered (--phase delivery), then every line awaited (until nothing
new arrives for --settle seconds). Prints, per run, the lines lost and duplicated, and per
profile: runs / runs with loss / lines lost / lines duplicated.

--receiver-rate BYTES puts a relay that passes that many bytes a second between rsyslogd and the
stand-in, so delivery takes as long as into an agent that ships to Log Service (0: the stand-in
directly, which takes a 200,000-line backlog in about 10 s).

--restart plain stops and starts rsyslogd at once (what `systemctl restart rsyslog` does).
--restart role applies the rsyslog_forward role to the bed instead (its drop-ins, rsyslogd run as
a service the role restarts) and restarts through the role's own restart (entry point `restart`,
what the handler runs): it waits while the queue's disk part is being sent to a receiver that
takes it. It prints how long each restart took.
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
from ansible_collections.alicloud_ops.logging.plugins.module_utils.rsyslog_queue_state import (  # noqa: E402
    complete_passes)
from tests.integration import rsyslog_bed  # noqa: E402
from tests.integration.rsyslog_bed import RsyslogBed, read_lines, wait_for  # noqa: E402
from tests.support import playbook_runner  # noqa: E402

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


def discarded_full_role(stats_path, action_name='logtail'):
    """The same from the role's statistics file (impstats JSON through the role's impstats drop-in)."""
    total, last = 0, 0
    for stats_pass in complete_passes(read_lines(stats_path)):
        value = (stats_pass.get(action_name + ' queue') or {}).get('discarded.full')
        if value is None:
            continue
        if value < last:
            total += last
        last = value
    return total + last


def restart(bed):
    code = bed.stop_rsyslogd()
    if code != 0:
        raise RuntimeError('rsyslogd exited %s: %s' % (code, bed.rsyslogd_output()[-2000:]))
    bed.start_rsyslogd()


class RoleRestarts:
    """The bed under the rsyslog_forward role: set up by applying the role, restarted by its entry point."""

    def __init__(self, bed, root, queue, receiver_port):
        self.bed, self.root, self.runs, self.seconds = bed, root, 0, []
        self.extravars = rsyslog_bed.role_extravars(
            bed, receiver_port, root, alicloud_logging_sys_tag='soak',
            rsyslog_forward_queue_size=queue.get('size'))

    def play(self, play):
        self.runs += 1
        private = os.path.join(self.root, 'run-%d' % self.runs)
        os.makedirs(private)
        result = playbook_runner.run_playbook(private, play, extravars=self.extravars)
        if result.rc != 0:
            raise RuntimeError('playbook failed:\n' + result.stdout[-4000:])
        return result

    def setup(self):
        self.play(rsyslog_bed.ROLE_PLAY)  # its handler starts the service rsyslogd

    def restart(self):
        started = time.monotonic()
        self.play(rsyslog_bed.role_entry_play('restart'))
        self.seconds.append(round(time.monotonic() - started, 1))


def one_run(root, queue, lines, restarts, settle, phase, extra=None, restart_mode='plain', receiver_rate=0):
    bed = RsyslogBed(root)
    relay = rsyslog_bed.SlowReceiver(bed.standin_port, receiver_rate) if receiver_rate else None
    receiver_port = relay.port if relay else bed.standin_port
    role = None
    try:
        os.makedirs(bed.spool_dir)  # rsyslog_dropin creates it on a host
        if restart_mode == 'role':
            role = RoleRestarts(bed, root, queue, receiver_port)
            role.setup()
            stats = rsyslog_bed.role_stats_file(bed)
        else:
            args = bed.module_args(sys_tag='soak', queue=dict(queue), extra_params=extra or None, port=receiver_port)
            text = render_forward_dropin(args['forward'])
            stats = os.path.join(root, 'impstats.log')
            # rsyslog counts what a queue drops for being full (discarded.full) only in impstats.
            with open(os.path.join(bed.dropin_dir, '10-soak-impstats.conf'), 'w') as handle:
                handle.write('module(load="impstats" interval="1" log.syslog="off" log.file="%s")\n' % stats)
            with open(os.path.join(bed.dropin_dir, '60-logtail-forward.conf'), 'w') as handle:
                handle.write(text)
            bed.start_rsyslogd()
        do_restart = role.restart if role else (lambda: restart(bed))
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
                do_restart()
        bed.start_standin()
        if relay:
            relay.start()
        up = time.monotonic()
        if phase == 'delivery':
            # Restart while the backlog is being forwarded, at evenly spaced points of it.
            for number in range(1, restarts + 1):
                wait_for(lambda: count_seqs(bed.record) >= lines * number // (restarts + 1), 600,
                         'delivery to pass restart point %d' % number, interval=0.05)
                do_restart()
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
        result = {'missing': missing, 'duplicates': len(received) - len(set(received)),
                  'discarded_full': discarded_full_role(stats) if role else discarded_full(stats),
                  'seconds_to_accept': round(accepted_s, 1),
                  'seconds_to_deliver': round(time.monotonic() - up, 1)}
        if role:
            result['restart_seconds'] = role.seconds
        result['cancelled_mid_batch'] = bed.rsyslogd_output().count('need to do cooperative cancellation')
        return result
    finally:
        if relay:
            relay.stop()
        bed.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--runs', type=int, default=5, help='runs per profile')
    parser.add_argument('--lines', type=int, default=200000)
    parser.add_argument('--restarts', type=int, default=2)
    parser.add_argument('--phase', choices=('outage', 'delivery'), default='outage',
                        help='restart rsyslogd while the stand-in is down (after all lines are accepted) or '
                             'while the backlog is being delivered')
    parser.add_argument('--restart', choices=('plain', 'role'), default='plain',
                        help="plain: stop and start rsyslogd at once; role: the rsyslog_forward role's restart, "
                             "which waits while the queue's disk part is being sent")
    parser.add_argument('--receiver-rate', type=int, default=0,
                        help='bytes a second a relay passes from rsyslogd to the stand-in (0: no relay)')
    parser.add_argument('--extra', default='{}', help='JSON: extra action parameters (forward.extra_params; plain only)')
    parser.add_argument('--profiles', default='default,small')
    parser.add_argument('--settle', type=float, default=30,
                        help='seconds without a new line at the stand-in before a run counts what it has')
    parser.add_argument('--keep', help='copy the bed of each lossy run (spool, logs) under this directory')
    args = parser.parse_args()
    summary = {}
    for profile in args.profiles.split(','):
        queue = PROFILES[profile]()
        runs = lossy = lost = duplicated = 0
        for number in range(1, args.runs + 1):
            root = tempfile.mkdtemp(prefix='soak-%s-' % profile)
            result = one_run(root, queue, args.lines, args.restarts, args.settle, args.phase, json.loads(args.extra),
                             args.restart, args.receiver_rate)
            runs += 1
            duplicated += result['duplicates']
            if result['missing']:
                lossy += 1
                lost += len(result['missing'])
                if args.keep:
                    shutil.copytree(root, os.path.join(args.keep, '%s-%d' % (profile, number)))
            shutil.rmtree(root, ignore_errors=True)
            print('%s run %d: lost %d, duplicated %d %s' % (
                profile, number, len(result['missing']), result['duplicates'],
                json.dumps(dict(result, missing=result['missing'][:20]))), flush=True)
        summary[profile] = {'queue': queue, 'runs': runs, 'runs_with_loss': lossy, 'lines_lost': lost,
                            'lines_duplicated': duplicated}
    print('%s UTC: lines=%d restarts=%d phase=%s restart=%s receiver-rate=%s' % (
        time.strftime('%Y-%m-%d %H:%M', time.gmtime()), args.lines, args.restarts, args.phase, args.restart,
        args.receiver_rate or 'stand-in'))
    for profile, figures in summary.items():
        print('%-8s queue.size=%-7s runs %d / runs with loss %d / lines lost %d / lines duplicated %d' % (
            profile, figures['queue']['size'], figures['runs'], figures['runs_with_loss'], figures['lines_lost'],
            figures['lines_duplicated']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
