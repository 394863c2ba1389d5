"""A private, real rsyslogd and the Logtail stand-in, both on loopback, for the forward tests.

rsyslogd runs in the foreground (-n) from a test main config in tmp_path: input over imtcp
on a free 127.0.0.1 port (no /dev/log), work and spool dirs in tmp_path, its own pid file,
and -C so it never chdirs to /. After the module's drop-in, the main config writes every
message to ``accepted.log``: a line there proves rsyslog accepted the message and had already
handed it to the forward action's queue (actions run in config order), so the tests can tell
"rsyslog lost it" apart from "the sender lost it".
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from tests.integration import rsyslog_service

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STANDIN = os.path.join(REPO_ROOT, 'tests', 'logtail_standin', 'ilogtail_standin_daemon.py')
SERVICE = os.path.join(REPO_ROOT, 'tests', 'integration', 'rsyslog_service.py')
RSYSLOGD = '/usr/sbin/rsyslogd'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout, what, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError('gave up after %ss waiting for %s' % (timeout, what))


def port_open(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.5):
            return True
    except OSError:
        return False


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8', errors='replace') as handle:
        return handle.read().splitlines()


class Process:
    """A child process that is always stopped (SIGTERM, then SIGKILL) by ``stop``."""

    def __init__(self, argv, log_path):
        self.log = open(log_path, 'ab')
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


class RsyslogBed:
    """Paths and processes of one test's rsyslogd + stand-in; ``close`` stops whatever runs."""

    def __init__(self, root):
        self.root = str(root)
        self.dropin_dir = os.path.join(self.root, 'rsyslog.d')
        self.spool_dir = os.path.join(self.root, 'spool')
        self.work_dir = os.path.join(self.root, 'work')
        self.main_config = os.path.join(self.root, 'rsyslog.conf')
        self.accepted = os.path.join(self.root, 'accepted.log')
        self.record = os.path.join(self.root, 'received.log')
        self.input_port = free_port()
        self.standin_port = free_port()
        self.rsyslogd = None
        self.standin = None
        for directory in (self.dropin_dir, self.work_dir):
            os.makedirs(directory, exist_ok=True)
        with open(self.main_config, 'w') as handle:
            handle.write(self.main_config_text())

    def main_config_text(self):
        return (
            'global(workDirectory="%(work)s")\n'
            'module(load="imtcp")\n'
            'input(type="imtcp" address="127.0.0.1" port="%(port)d")\n'
            '$IncludeConfig %(dropins)s/*.conf\n'
            'action(type="omfile" file="%(accepted)s")\n'
        ) % {'work': self.work_dir, 'port': self.input_port, 'dropins': self.dropin_dir,
             'accepted': self.accepted}

    def module_args(self, **forward):
        forward.setdefault('port', self.standin_port)
        queue = forward.setdefault('queue', {})
        queue.setdefault('spool_directory', self.spool_dir)
        # rsyslog's default 30 s retry interval would only make the test slow.
        forward.setdefault('action', {}).setdefault('resume_interval', 1)
        return {'name': 'logtail-forward', 'weight': 60, 'forward': forward,
                'dropin_dir': self.dropin_dir, 'main_config': self.main_config}

    def start_rsyslogd(self):
        pidfile = os.path.join(self.root, 'rsyslogd.pid')
        if os.path.exists(pidfile):
            os.unlink(pidfile)
        self.rsyslogd = Process([RSYSLOGD, '-n', '-C', '-f', self.main_config, '-i', pidfile],
                                os.path.join(self.root, 'rsyslogd.out'))
        wait_for(lambda: port_open(self.input_port) or not self.rsyslogd.alive(), 30, 'rsyslogd imtcp')
        assert self.rsyslogd.alive(), self.rsyslogd_output()
        return self.rsyslogd

    def stop_rsyslogd(self):
        code = self.rsyslogd.stop()
        self.rsyslogd = None
        return code

    def rsyslogd_output(self):
        return '\n'.join(read_lines(os.path.join(self.root, 'rsyslogd.out')))

    @property
    def rejected(self):
        return os.path.splitext(self.record)[0] + '.rejected'

    def start_standin(self, syslog_input='streamlog', ship_settings=None):
        """The stand-in with one input: ``streamlog`` (ALI_LOG_FMT lines) or ``service_syslog``
        (RFC 5424 lines), on the bed's receiver port; shipping to Log Service with ``ship_settings`` (a settings
        file, see tests/logtail_standin/shipper.py). service_syslog runs with IgnoreParseFailure off, so a line
        the real input would only ingest unparsed (raw, priority -1) shows in ``rejected`` instead."""
        if syslog_input == 'service_syslog':
            listen = ['--syslog-address', 'tcp://127.0.0.1:%d' % self.standin_port, '--ignore-parse-failure', 'false']
        else:
            listen = ['--addr', '127.0.0.1', '--port', str(self.standin_port)]
        if ship_settings:
            listen += ['--ship-settings', ship_settings]
        self.standin = Process([sys.executable, STANDIN, '--home', self.root, '--record', self.record] + listen,
                               os.path.join(self.root, 'standin.out'))
        wait_for(lambda: port_open(self.standin_port), 30, 'the Logtail stand-in to listen')
        return self.standin

    def send(self, lines):
        """Send syslog lines over one TCP connection (octet-stuffing framing: one a line)."""
        payload = ''.join(line + '\n' for line in lines).encode('utf-8')
        with socket.create_connection(('127.0.0.1', self.input_port), timeout=30) as sock:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            # rsyslog never writes back; EOF here means it has read and closed our stream.
            sock.settimeout(60)
            sock.recv(1)

    # rsyslogd as a service a playbook restarts (tests/integration/rsyslog_service.py), instead of start_rsyslogd.
    def service_command(self, action='restart'):
        """argv that starts, stops or restarts the bed's service rsyslogd (rsyslog_forward_restart_command)."""
        return [sys.executable, SERVICE, action, self.root]

    def start_service(self):
        return rsyslog_service.start(self.root)

    def stop_service(self):
        return rsyslog_service.stop(self.root)

    def service_pid(self):
        return rsyslog_service.running_pid(self.root)

    def close(self):
        for proc in (self.rsyslogd, self.standin):
            if proc is not None:
                proc.stop()
        rsyslog_service.stop(self.root)


# The rsyslog_forward role applied to a bed (tests/integration/test_rsyslog_decommission.py, bench/zero_loss_soak.py).
ROLE_PLAY = [{'hosts': 'localhost', 'gather_facts': False, 'roles': ['alicloud_ops.logging.rsyslog_forward']}]


def role_entry_play(tasks_from):
    """A play that runs one entry point of the rsyslog_forward role (decommission, restart)."""
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [{
        'name': 'The rsyslog_forward role, %s' % tasks_from, 'ansible.builtin.include_role': {
            'name': 'alicloud_ops.logging.rsyslog_forward', 'tasks_from': tasks_from}}]}]


def role_extravars(bed, receiver_port, scratch, **extra):
    """Play vars that point the rsyslog_forward role at ``bed``: its config, drop-in and spool directories, its
    service rsyslogd (rsyslog_forward_restart_command), statistics every second, the receiver on
    ``receiver_port``; paths the role removes whatever it manages (journald's drop-in, imjournal's state) under
    ``scratch``, never this machine's."""
    extravars = {
        'alicloud_logging_streamlog_port': receiver_port,
        'rsyslog_forward_dropin_dir': bed.dropin_dir,
        'rsyslog_forward_main_config': bed.main_config,
        'rsyslog_forward_spool_dir': bed.spool_dir,
        'rsyslog_forward_restart_command': bed.service_command('restart'),
        'rsyslog_forward_stats_interval': 1,
        'rsyslog_forward_resume_interval': 1,
        'rsyslog_forward_undelivered_dir': os.path.join(str(scratch), 'undelivered'),
        'rsyslog_forward_journald_dropin': os.path.join(str(scratch), 'journald.conf.d', '60-alicloud-ops-logging.conf'),
        'rsyslog_forward_journal_state_file': os.path.join(str(scratch), 'imjournal.state'),
    }
    extravars.update(extra)
    return extravars


def role_stats_file(bed, name='logtail'):
    """Where the role's impstats drop-in writes the forward queue's statistics."""
    return os.path.join(bed.spool_dir, '%s-queue-stats.json' % name)


class SlowReceiver:
    """Logtail's port as rsyslog sees it: a TCP relay to the stand-in that passes at most ``rate`` bytes a second
    (250,000: about 3,000 lines), so a backlog takes a while to drain, as it does into a real agent that ships
    to Log Service, and a test can act while it drains. Up from ``start`` to ``stop``; every byte it accepted
    reaches the stand-in."""

    def __init__(self, upstream_port, rate=250000):
        self.port = free_port()
        self.upstream = upstream_port
        self.rate = rate
        self.server = None
        self.threads = []

    def start(self):
        self.server = socket.socket()
        # A small receive buffer: rsyslog's sends block as they would on a busy agent, rather than filling megabytes
        # of loopback buffer that the relay then passes on long after rsyslog counts them as sent.
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(('127.0.0.1', self.port))
        self.server.listen(16)
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        return self

    def _accept(self):
        server = self.server
        while True:
            try:
                client, _addr = server.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._relay, args=(client,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _relay(self, client):
        with client, socket.create_connection(('127.0.0.1', self.upstream)) as upstream:
            while True:
                chunk = client.recv(16384)
                if not chunk:
                    return
                upstream.sendall(chunk)
                time.sleep(len(chunk) / float(self.rate))

    def stop(self):
        if self.server is not None:
            self.server.close()
            self.server = None
