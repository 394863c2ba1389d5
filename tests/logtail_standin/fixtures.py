"""pytest fixtures for the TEST STAND-IN Logtail mirror and install root.

Import them into a test module with
``from tests.logtail_standin.fixtures import logtail_mirror, standin_root  # noqa: F401``.
"""
import glob
import os
import signal
import time

import pytest

from tests.logtail_standin.server import MirrorServer


@pytest.fixture
def logtail_mirror(tmp_path):
    """A stand-in OSS mirror on 127.0.0.1 with nothing published yet (call .publish(version))."""
    mirror = MirrorServer(str(tmp_path / 'mirror')).start()
    yield mirror
    mirror.stop()


def pid_alive(pid):
    """True while ``pid`` runs; a zombie waiting for its adoptive parent to reap it counts as gone."""
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().rsplit(') ', 1)[1][0] != 'Z'
    except (IOError, OSError):
        return False


# The pidfile carries the agent's version (ilogtail_1.8.0.pid, run/loongcollector_1.8.0.pid), as on real installs.
PIDFILE_GLOBS = ('ilogtail*.pid', 'loongcollector*.pid', os.path.join('run', 'loongcollector*.pid'))


def pidfiles(home):
    """The agent's pidfiles in the install directory ``home``, whatever version wrote them."""
    return sorted(path for pattern in PIDFILE_GLOBS for path in glob.glob(os.path.join(str(home), pattern)))


def stop_standin_agent(root):
    """Stop an agent that the stand-in init script started under ``root``: by its pidfiles, then any process
    still running from that install directory (a start that raced the pidfile once left one behind in CI)."""
    home = os.path.join(root, 'usr', 'local', 'ilogtail')
    for path in pidfiles(home):
        try:
            pid = int(open(path).read().strip())
        except (IOError, OSError, ValueError):
            continue
        stop_pid(pid)
    for pid in processes_under(home):
        stop_pid(pid)


def processes_under(home):
    """PIDs of live processes whose command line runs a program from ``home``."""
    prefix = (home.rstrip('/') + '/').encode()
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open('/proc/%s/cmdline' % entry, 'rb') as handle:
                argv = handle.read().split(b'\0')
        except (IOError, OSError):
            continue
        if any(arg.startswith(prefix) for arg in argv) and pid_alive(int(entry)):
            found.append(int(entry))
    return found


def stop_pid(pid):
    try:
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not pid_alive(pid):
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture
def standin_root(tmp_path):
    """A filesystem prefix for the stand-in installer; any agent it started is stopped afterwards."""
    root = tmp_path / 'root'
    root.mkdir()
    yield root
    stop_standin_agent(str(root))
