# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The edge between the systemd_unit module and the host's systemctl / systemd-analyze.

Decisions (what to write, which problems refuse a file) live in systemd_render; this file
only runs the commands. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile

from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_state import ValidationFailed
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_plan import service_verb
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_render import verify_problems

# systemd's own test (sd_booted): this directory exists only when systemd is PID 1. The
# ansible_service_mgr fact says "systemd" whenever systemd is merely installed.
SYSTEMD_RUNTIME_DIR = '/run/systemd/system'
UNIT_SEARCH_DIRS = ('/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system',
                    '/lib/systemd/system', '/usr/lib/systemd/system')
C_LOCALE = {'LC_ALL': 'C', 'LANG': 'C', 'SYSTEMD_PAGER': '', 'SYSTEMD_COLORS': '0'}


def systemd_is_running():
    return os.path.isdir(SYSTEMD_RUNTIME_DIR)


def in_root(root, path):
    return os.path.join(root, path.lstrip('/')) if root else path


class Systemctl:
    """systemctl for one unit; with ``root`` every call is offline (``--root``).

    ``--`` always comes before the unit name, so a name can never be read as an option (the module refuses a
    leading '-' as well)."""

    def __init__(self, module, name, root=None):
        self.module = module
        self.name = name
        self.root = root
        self._bin = None

    def _binary(self):
        if self._bin is None:
            self._bin = self.module.get_bin_path('systemctl', required=True)
        return self._bin

    def _run(self, args, must_succeed=True):
        cmd = [self._binary()]
        if self.root:
            cmd.append('--root=%s' % self.root)
        env = dict(C_LOCALE)
        if self.root:
            # A unit named like a SysV script makes systemctl also run the distro's update-rc.d /
            # chkconfig inside the root, which an offline tree need not have; the native unit is
            # what systemd uses anyway.
            env['SYSTEMCTL_SKIP_SYSV'] = '1'
        cmd.extend(args)
        rc, out, err = self.module.run_command(cmd, environ_update=env)
        if must_succeed and rc != 0:
            self.module.fail_json(msg='%s failed (rc=%d): %s' % (' '.join(cmd), rc, (err or out).strip()),
                                  rc=rc, stdout=out, stderr=err)
        return rc, out.strip(), err.strip()

    def is_enabled(self):
        """True when systemd would start the unit at boot (its is-enabled exit code is 0).

        That covers enabled, static, indirect, generated and alias, as `systemctl is-enabled`
        documents; a unit file that does not exist yet is simply not enabled.
        """
        rc, _out, _err = self._run(['is-enabled', '--', self.name], must_succeed=False)
        return rc == 0

    def set_enabled(self, enabled):
        self._run(['enable' if enabled else 'disable', '--', self.name])

    def active_state(self):
        _rc, out, _err = self._run(['is-active', '--', self.name], must_succeed=False)
        return out.splitlines()[0] if out else 'unknown'

    def daemon_reload(self):
        self._run(['daemon-reload'])

    def apply(self, wanted, active_state, check_mode):
        """Bring the unit to ``wanted`` (started/stopped/restarted/reloaded); True if acted."""
        verb = service_verb(wanted, active_state)
        if verb and not check_mode:
            self._run([verb, '--', self.name])
        return verb is not None


def find_unit_file(name, root, preferred_dir):
    """The unit file systemd would load for ``name`` (or its template), looked up under ``root``."""
    candidates = [name]
    if '@' in name and not name.split('@', 1)[1].startswith('.'):
        candidates.append(name.split('@', 1)[0] + '@' + name[name.rindex('.'):])
    for unit in candidates:
        for directory in (preferred_dir,) + UNIT_SEARCH_DIRS:
            path = in_root(root, os.path.join(directory, unit))
            if os.path.isfile(path):
                return path
    return None


def _analyze(module, binary, unit_path, candidate_paths, root, strict_rc, label):
    rc, out, err = module.run_command([binary, 'verify', '--', unit_path], environ_update=C_LOCALE)

    def exists(command):
        if os.access(in_root(root, command), os.X_OK):
            return True
        if module.check_mode:
            # The task that installs the command has not really run in check mode.
            module.warn('%s does not exist yet; a real run fails unless an earlier task creates it'
                        % in_root(root, command))
            return True
        return False
    problems = verify_problems((out or '') + '\n' + (err or ''), candidate_paths, rc,
                               strict_rc=strict_rc, executable_exists=exists)
    if problems:
        raise ValidationFailed('%s: systemd-analyze verify refused the new file:\n%s' % (label, '\n'.join(problems)))


def make_verifier(module, name, dropin, root, unit_dir, label='content'):
    """A file_state validator running ``systemd-analyze verify``, or None when the tool is absent.

    A drop-in cannot be verified alone, so it is verified together with a copy of its unit. ``label`` starts
    the message of a refusal (the option that gave the text, and the file).
    """
    binary = module.get_bin_path('systemd-analyze')
    if not binary:
        return None
    # Under another root the host's dependencies and binaries say nothing about the image.
    strict = not root

    def verify_unit(candidate):
        paths = [candidate, os.path.realpath(candidate)]
        _analyze(module, binary, os.path.realpath(candidate), paths, root, strict, label)

    def verify_dropin(candidate):
        workdir = tempfile.mkdtemp(prefix='alicloud_ops_verify_', dir=module.tmpdir)
        try:
            base = find_unit_file(name, root, unit_dir)
            unit_copy = os.path.join(workdir, name)
            try:
                if base:
                    shutil.copyfile(base, unit_copy)
                else:
                    with open(unit_copy, 'w') as handle:
                        handle.write('[Unit]\nDescription=stand-in for verifying a drop-in\n')
                os.mkdir(unit_copy + '.d')
                target = os.path.join(unit_copy + '.d', os.path.basename(candidate))
                shutil.copyfile(candidate, target)
            except (IOError, OSError) as exc:
                raise ValidationFailed('name: %s cannot be read to verify the drop-in with it: %s' % (base, exc))
            paths = [target, os.path.realpath(target)]
            # Without the real unit only the drop-in's own lines can be judged.
            _analyze(module, binary, os.path.realpath(unit_copy), paths, root, strict and bool(base), label)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    return verify_dropin if dropin else verify_unit
