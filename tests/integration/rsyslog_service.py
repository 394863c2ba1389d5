"""An RsyslogBed's rsyslogd run as a service that a playbook can restart (rsyslog_forward_restart_command).

    python tests/integration/rsyslog_service.py start|stop|restart|status ROOT

ROOT is the bed's root (tests/integration/rsyslog_bed.py): rsyslogd runs from ROOT/rsyslog.conf in the foreground
(-n, -C) in a session of its own, so it outlives this script as a service manager's child would, with its pid in
ROOT/rsyslogd.pid and its output appended to ROOT/rsyslogd.out. ``stop`` sends SIGTERM and waits until rsyslogd
has exited (it saves its queues first), as ``systemctl stop`` does; ``restart`` is stop, then start. Only the
rsyslogd this script started for ROOT is ever signalled (its pid file, checked against its command line).
"""
import os
import signal
import socket
import subprocess
import sys
import time

RSYSLOGD = '/usr/sbin/rsyslogd'
STOP_TIMEOUT = 120


def paths(root):
    return {'config': os.path.join(root, 'rsyslog.conf'), 'pid': os.path.join(root, 'rsyslogd.pid'),
            'out': os.path.join(root, 'rsyslogd.out')}


def _cmdline(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            return handle.read().split(b'\0')
    except OSError:
        return []


def _state(pid):
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().rsplit(')', 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def running_pid(root):
    """The pid of the rsyslogd started for ``root``, if it still runs (a zombie has exited)."""
    try:
        with open(paths(root)['pid']) as handle:
            pid = int(handle.read().strip())
    except (OSError, ValueError):
        return None
    if paths(root)['config'].encode() not in _cmdline(pid) or _state(pid) in (None, 'Z', 'X'):
        return None
    return pid


def _listens(config):
    """The imtcp port of the bed's main config, to know when rsyslogd is up."""
    with open(config) as handle:
        for line in handle:
            if 'type="imtcp"' in line and 'port="' in line:
                return int(line.split('port="', 1)[1].split('"', 1)[0])
    return None


def _port_open(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.5):
            return True
    except OSError:
        return False


def start(root):
    if running_pid(root):
        return running_pid(root)
    files = paths(root)
    with open(files['out'], 'ab') as out:
        proc = subprocess.Popen([RSYSLOGD, '-n', '-C', '-f', files['config'], '-i', files['pid']],
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    port = _listens(files['config'])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit('rsyslogd exited with %s at start; see %s' % (proc.returncode, files['out']))
        if (port is None or _port_open(port)) and running_pid(root) == proc.pid:
            return proc.pid
        time.sleep(0.05)
    raise SystemExit('rsyslogd did not come up within 30 s; see %s' % files['out'])


def stop(root):
    pid = running_pid(root)
    if pid is None:
        return None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while running_pid(root) == pid:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            raise SystemExit('rsyslogd %d did not stop within %d s: killed' % (pid, STOP_TIMEOUT))
        time.sleep(0.05)
    return pid


def restart(root):
    stop(root)
    return start(root)


def main(argv):
    if len(argv) != 3 or argv[1] not in ('start', 'stop', 'restart', 'status'):
        raise SystemExit(__doc__)
    root = os.path.abspath(argv[2])
    if argv[1] == 'status':
        pid = running_pid(root)
        print(pid or 'stopped')
        return 0 if pid else 3
    pid = {'start': start, 'stop': stop, 'restart': restart}[argv[1]](root)
    print('%s: rsyslogd %s' % (argv[1], pid))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
