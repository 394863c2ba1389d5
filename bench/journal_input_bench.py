#!/usr/bin/env python3
"""What rsyslog_forward_journal_input costs: rsyslog reading the journal (imjournal) against journald
forwarding to rsyslog's socket (imuxsock, Debian's default). Prints figures; not a test.

    .venv/bin/python bench/journal_input_bench.py [--lines 50000] [--batch 500] [--pause 0.05] [--rounds 2]

One throw-away container of the bed's Debian 12 image (tools/containerbed.sh run-flags: systemd as PID 1, no
network). Per round and path: the role's own files for that path (its two templates, rendered with the role's
defaults) put in place and journald and rsyslog restarted, then LINES numbered lines sent with logger through
journald in batches (paced, so the socket path is measured where it does not drop), and the time until the
last one is in /var/log/syslog (Debian's own rule). journald's rate limit is off for the bench (both paths).
Prints the lines that arrived, that wall time, and the CPU
seconds rsyslogd and systemd-journald used for them (utime + stime from /proc).
"""
import argparse
import os
import subprocess
import sys
import time
import uuid

import jinja2
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROLE = os.path.join(REPO_ROOT, 'roles', 'rsyslog_forward')
IMAGE = 'localhost/alicloud-ops-bookworm'


def run(*args, check=True, stdin=None, timeout=300):
    proc = subprocess.run(list(args), input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=timeout, cwd=REPO_ROOT)
    if check and proc.returncode != 0:
        raise SystemExit('%s exited %d:\n%s' % (' '.join(args), proc.returncode, proc.stdout[-3000:]))
    return proc.stdout


def role_files():
    """{path in the host: content} of the journal input, rendered from the role's templates and defaults."""
    with open(os.path.join(ROLE, 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    # As Ansible's template lookup renders them (trim_blocks, the bool filter), for a running host (not bake mode).
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(ROLE, 'templates')),
                             keep_trailing_newline=True, trim_blocks=True)
    env.filters['bool'] = lambda value: value if isinstance(value, bool) else str(value).lower() in (
        'yes', 'on', '1', 'true')
    defaults['alicloud_logging_bake'] = False
    dropin = '%s/%02d-%s.conf' % (defaults['rsyslog_forward_dropin_dir'],
                                  defaults['rsyslog_forward_journal_dropin_weight'],
                                  defaults['rsyslog_forward_journal_dropin_name'])
    return {dropin: env.get_template('journal_input.conf.j2').render(**defaults),
            defaults['rsyslog_forward_journald_dropin']: env.get_template('journald_forward.conf.j2').render(
                **defaults)}


class Host:
    def __init__(self):
        self.name = 'bench-journal-%d-%s' % (os.getpid(), uuid.uuid4().hex[:6])
        flags = run('bash', 'tools/containerbed.sh', 'run-flags').split()
        run('docker', 'run', '-d', '--name', self.name, '--hostname', self.name, *flags, IMAGE,
            '/lib/systemd/systemd')
        deadline, state = time.time() + 90, ''
        while time.time() < deadline and state not in ('running', 'degraded'):
            time.sleep(0.5)
            state = self.sh('systemctl is-system-running', check=False).strip()
        if state not in ('running', 'degraded'):
            raise SystemExit('%s did not boot: %s' % (self.name, state))
        self.ticks = int(self.sh('getconf CLK_TCK'))
        # journald's own rate limit (10,000 lines per 30 s per unit) would cut the burst on both paths alike.
        self.sh('mkdir -p /etc/systemd/journald.conf.d && printf "[Journal]\\nRateLimitIntervalSec=0\\n" > '
                '/etc/systemd/journald.conf.d/00-bench.conf')

    def sh(self, script, check=True, stdin=None):
        return run('docker', 'exec', '-i', self.name, 'bash', '-c', script, check=check, stdin=stdin)

    def cpu(self, unit):
        pid = self.sh('systemctl show -p MainPID --value %s' % unit).strip()
        fields = self.sh('cat /proc/%s/stat' % pid).rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / float(self.ticks)  # utime + stime

    def use(self, journal, files):
        for path, content in files.items():
            if journal:
                self.sh('mkdir -p "$(dirname %s)" && cat > %s' % (path, path), stdin=content)
            else:
                self.sh('rm -f %s' % path)
        self.sh('rm -f /var/spool/rsyslog/imjournal.state; systemctl restart rsyslog.service; '
                'systemctl restart systemd-journald.service; sleep 1')

    def remove(self):
        run('docker', 'rm', '-f', self.name, check=False)


def measure(host, lines, batch, pause):
    tag = 'jbench%s' % uuid.uuid4().hex[:8]
    rsyslog0, journald0 = host.cpu('rsyslog.service'), host.cpu('systemd-journald.service')
    started = time.monotonic()
    host.sh('for start in $(seq 1 %d %d); do seq $start $((start + %d - 1)) | logger -t %s; sleep %s; done'
            % (batch, lines, batch, tag, pause), stdin='')
    sent = time.monotonic()
    arrived, last, deadline = 0, -1, time.monotonic() + 120
    while time.monotonic() < deadline:
        arrived = int(host.sh('grep -cE " %s(\\[[0-9]+\\])?: " /var/log/syslog || true' % tag).strip() or 0)
        if arrived >= lines:
            break
        if arrived == last:  # nothing new for a while: the rest is not coming
            time.sleep(3)
            if int(host.sh('grep -cE " %s(\\[[0-9]+\\])?: " /var/log/syslog || true' % tag).strip() or 0) == arrived:
                break
        last = arrived
        time.sleep(0.2)
    done = time.monotonic()
    return {'arrived': arrived, 'send_s': sent - started, 'last_s': done - started,
            'rsyslog_cpu': host.cpu('rsyslog.service') - rsyslog0,
            'journald_cpu': host.cpu('systemd-journald.service') - journald0}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--lines', type=int, default=50000)
    parser.add_argument('--batch', type=int, default=500)
    parser.add_argument('--pause', type=float, default=0.05)
    parser.add_argument('--rounds', type=int, default=2)
    args = parser.parse_args()
    files = role_files()
    load = os.getloadavg()
    print('journal input bench: %d lines in batches of %d, %.2f s apart; %s UTC, load %.2f'
          % (args.lines, args.batch, args.pause, time.strftime('%Y-%m-%d %H:%M', time.gmtime()), load[0]))
    host = Host()
    try:
        print('%-8s %-22s %9s %8s %8s %13s %14s' % ('round', 'path', 'arrived', 'send s', 'last s',
                                                    'rsyslogd cpu', 'journald cpu'))
        for round_no in range(1, args.rounds + 1):
            for journal in (False, True):
                host.use(journal, files)
                got = measure(host, args.lines, args.batch, args.pause)
                print('%-8d %-22s %9d %8.1f %8.1f %12.2fs %13.2fs' % (
                    round_no, 'imjournal' if journal else 'journald -> imuxsock', got['arrived'],
                    got['send_s'], got['last_s'], got['rsyslog_cpu'], got['journald_cpu']))
                sys.stdout.flush()
    finally:
        host.remove()
    print('load after: %.2f' % os.getloadavg()[0])


if __name__ == '__main__':
    main()
