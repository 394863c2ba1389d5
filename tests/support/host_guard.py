"""Unit tests of the host modules never touch this machine's own system trees, whatever a mutant does.

`make mutation` runs the module tests against mutants of the code that picks paths: one that dropped `root` once made
an offline-root test of systemd_unit write /etc/systemd/system/agent.service on the machine running it. With
guard_host() every file operation into HOST_TREES, and the host's own systemctl changing anything without --root,
fails the test (which kills the mutant) before anything is written. Reading stays allowed: the modules read
/etc/rsyslog.conf, /proc and the host's systemctl is-enabled.
"""
import os
import tempfile

from ansible.module_utils import basic

HOST_TREES = ('/etc/', '/usr/', '/lib/', '/opt/', '/run/systemd/', '/var/lib/', '/var/spool/', '/var/log/')
CHANGING_VERBS = frozenset(('enable', 'disable', 'reenable', 'mask', 'unmask', 'link', 'preset', 'start', 'stop',
                            'restart', 'reload', 'try-restart', 'reload-or-restart', 'daemon-reload', 'kill'))
# the os functions that write, and which of their arguments name a path written
WRITERS = (('rename', (0, 1)), ('replace', (0, 1)), ('unlink', (0,)), ('remove', (0,)), ('rmdir', (0,)),
           ('mkdir', (0,)), ('makedirs', (0,)), ('symlink', (1,)), ('link', (1,)), ('chmod', (0,)),
           ('chown', (0,)), ('utime', (0,)))


def on_host(path):
    return path is not None and not isinstance(path, int) and os.path.abspath(str(path)).startswith(HOST_TREES)


def _guarded(name, real, positions):
    def call(*args, **kwargs):
        for position in positions:
            path = kwargs.get('dir') if position == 'dir' else (args[position] if len(args) > position else None)
            if on_host(path):
                raise AssertionError('%s on the host: %s' % (name, path))
        return real(*args, **kwargs)
    return call


def guard_host(monkeypatch):
    """Patch, for one test, the os writers, tempfile.mkstemp and AnsibleModule.run_command (systemctl)."""
    for name, positions in WRITERS:
        monkeypatch.setattr(os, name, _guarded('os.' + name, getattr(os, name), positions))
    monkeypatch.setattr(tempfile, 'mkstemp', _guarded('tempfile.mkstemp', tempfile.mkstemp, ('dir',)))
    real_run_command = basic.AnsibleModule.run_command

    def run_command(self, args, *rest, **kwargs):
        argv = [str(a) for a in (args if isinstance(args, (list, tuple)) else str(args).split())]
        changes = CHANGING_VERBS.intersection(argv[1:])
        if (argv and os.path.basename(argv[0]) == 'systemctl' and on_host(argv[0]) and changes
                and not any(a.startswith('--root=') for a in argv)):
            raise AssertionError("the host's systemctl %s without --root: %s" % (' '.join(sorted(changes)), argv))
        return real_run_command(self, args, *rest, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
