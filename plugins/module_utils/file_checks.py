# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks file_state runs on a target path and its wanted mode/owner/group before any swap.

Each check raises FileError naming the module option and the path, so a bad ``mode``, an
unknown ``owner``, a directory where the file should be or a regular file where a parent
directory should be is reported before anything on the host changes (issue 8: these used
to fail after the file had been replaced, or as tracebacks). They only read the disk
(stat, pwd, grp). Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import stat

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError


def displayable(text):
    """``text`` with undecodable bytes (kept as surrogates by surrogateescape) shown as U+FFFD.

    The controller refuses a module result that is not valid UTF-8 (MODULE_STRICT_UTF8_RESPONSE),
    and would report that instead of the real result or failure; diffs and messages are only
    for display.
    """
    if text is None:
        return None
    return text.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')


class ValidationFailed(AlicloudOpsError):
    """Raised by a validator; its message (made valid UTF-8) is shown to the user as the failure reason."""

    def __init__(self, message, option=None):
        super(ValidationFailed, self).__init__(displayable(message), option)


class FileError(ValidationFailed):
    """A target that cannot be written as asked; ``option`` is the module option to fix."""

    def __init__(self, option, path, message):
        super(FileError, self).__init__('%s: %s: %s' % (option, path, message), option)
        self.path = path


def os_error(field, path, exc):
    """An OSError turned into a FileError that names the option and the path."""
    return FileError(field, path, getattr(exc, 'strerror', None) or str(exc))


def resolve_mode(module, path, mode, current_mode, default_mode):
    """The permission bits ``mode`` asks for (octal string, int or symbolic), as an int.

    None keeps ``current_mode`` (the existing file's bits) or, for a new file, ``default_mode``.
    Symbolic modes apply to what the file would otherwise get, as chmod would.
    """
    base = current_mode if current_mode is not None else default_mode
    if mode is None:
        return base
    if isinstance(mode, bool) or not isinstance(mode, (int, str)):
        raise FileError('mode', path, 'expected an octal string such as "0644" or a symbolic mode such as '
                                      '"u=rw,go=r", got %r' % (mode,))
    value = mode
    if isinstance(mode, str):
        text = mode.strip()
        try:
            value = int(text, 8)
        except ValueError:
            # only st_mode is read (what the bits are, and that it is no directory, for X)
            fake = os.stat_result((stat.S_IFREG | base,) + (0,) * 9)
            try:
                value = module._symbolic_mode_to_octal(fake, text)
            except Exception:  # ansible raises a bare ValueError or AnsibleError-like text here
                raise FileError('mode', path, '%r is neither an octal mode such as "0644" nor a symbolic mode '
                                              'such as "u=rw,go=r"' % (mode,))
    if value < 0 or value > 0o7777:
        raise FileError('mode', path, '%r holds bits other than permissions (at most 07777)' % (mode,))
    check_mode_safe(path, mode, value)
    return value


def check_mode_safe(path, mode, value):
    """Refuse a mode no file of this collection may have: every one of them is read by a root service (rsyslogd,
    systemd, the agent). setuid/setgid/sticky mean nothing on a config file (and chown would clear setuid and
    setgid again, silently turning 4755 into 0755); world-write lets any local user change what root runs."""
    if value & 0o7000:
        raise FileError('mode', path, '%r sets the setuid, setgid or sticky bit (%04o); a file root reads gets '
                                      'none of them' % (mode, value))
    if value & 0o002:
        raise FileError('mode', path, '%r makes the file world-writable (%04o); any local user could change what '
                                      'root reads' % (mode, value))


def _resolve_id(field, path, value, lookup, kind):
    """The number behind a user/group name (or a plain number); None for unset."""
    if value is None or value == '':
        return None
    try:
        return lookup(value)
    except (KeyError, TypeError, ValueError):
        # getpwnam raises ValueError for a name with a NUL byte; a plain number needs no entry.
        if str(value).isdigit():
            return int(value)
    raise FileError(field, path, 'no such %s %r on this host' % (kind, value))


def resolve_owner(path, owner):
    """uid for a user name or number; None for None."""
    return _resolve_id('owner', path, owner, lambda name: pwd.getpwnam(name).pw_uid, 'user')


def resolve_group(path, group):
    """gid for a group name or number; None for None."""
    return _resolve_id('group', path, group, lambda name: grp.getgrnam(name).gr_gid, 'group')


def check_ownership_allowed(path, uid, gid, current):
    """Refuse (before any swap) an owner/group change the kernel would refuse this user."""
    if os.geteuid() == 0:
        return
    cur_uid = current.st_uid if current is not None else os.geteuid()
    cur_gid = current.st_gid if current is not None else os.getegid()
    if uid is not None and uid != cur_uid:
        raise FileError('owner', path, 'changing the owner needs root (running as uid %d)' % os.geteuid())
    if gid is not None and gid != cur_gid and gid not in os.getgroups() and gid != os.getegid():
        raise FileError('group', path, 'uid %d is not a member of group %d' % (os.geteuid(), gid))


def _name_max(directory):
    try:
        return os.pathconf(directory, 'PC_NAME_MAX')
    except (OSError, ValueError):
        return 255


def check_target(path, field, create_parent, for_removal=False, parent_field=None):
    """Refuse a path that cannot hold a regular file; returns (stat or None, missing parent dirs).

    The missing directories (outermost first) are created only at commit time. ``parent_field``
    names the option behind the directory part of the path (``field`` when unset).
    """
    missing = check_parents(path, field, parent_field or field)
    if missing and not create_parent and not for_removal:
        raise FileError(parent_field or field, path, 'directory %s does not exist' % missing[-1])
    if missing:
        return None, missing
    try:
        current = os.stat(path)
    except OSError as exc:
        if os.path.islink(path):
            raise FileError(field, path, 'is a dangling symbolic link')
        if exc.errno != 2:
            raise os_error(field, path, exc)
        current = None
    if current is not None and stat.S_ISDIR(current.st_mode):
        raise FileError(field, path, 'is a directory, not a file')
    if current is not None and not stat.S_ISREG(current.st_mode):
        raise FileError(field, path, 'is not a regular file')
    parent = os.path.dirname(path)
    if (current is not None or not for_removal) and not os.access(parent, os.W_OK | os.X_OK):
        raise FileError(parent_field or field, path, 'no permission to write in %s' % parent)
    return current, missing


def check_directory(path, field):
    """The directories to create (outermost first) so that ``path`` is one; [] when it is."""
    if os.path.isdir(path):
        return []
    missing = check_parents(path, field, field)
    if os.path.lexists(path):
        raise FileError(field, path, 'exists and is not a directory')
    parent = os.path.dirname(missing[0] if missing else path)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise FileError(field, path, 'no permission to create directories in %s' % parent)
    return missing + [path]


def check_parents(path, field, parent_field):
    """Checks shared by files and directories; returns the missing parent directories.

    A problem in the directory part of ``path`` names ``parent_field``, one in the file name ``field``.
    """
    if not path or not os.path.isabs(path):
        raise FileError(parent_field, path, 'must be an absolute path')
    directory, name = os.path.split(path)
    if '\0' in path:
        raise FileError(parent_field if '\0' in directory else field, path.replace('\0', '\\0'),
                        'contains a NUL byte')
    for part, blamed in ((directory, parent_field), (name, field)):
        try:
            part.encode('utf-8', 'surrogateescape')
        except UnicodeError:
            raise FileError(blamed, repr(path), 'is not valid UTF-8')
    if len(path.encode('utf-8', 'surrogateescape')) >= 4096:
        blamed = parent_field if len(directory.encode('utf-8', 'surrogateescape')) >= 4096 - 256 else field
        raise FileError(blamed, path[:200] + '...', 'is longer than the 4095 bytes a path may have')
    missing = []
    parent = os.path.dirname(path)
    while not os.path.lexists(parent):
        missing.insert(0, parent)
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise FileError(parent_field, path, 'cannot be created: %s is not a directory' % parent)
    limit = _name_max(parent)
    parts = [(os.path.basename(d), parent_field) for d in missing] + [(name, field)]
    for part, blamed in parts:
        if len(part.encode('utf-8', 'surrogateescape')) > limit:
            raise FileError(blamed, path, 'the name %s... is longer than the %d bytes a file name may have'
                            % (part[:40], limit))
    return missing


def encode_content(field, path, content):
    """Bytes to write; refuses text that is not a string or cannot be encoded."""
    if not isinstance(content, str):
        raise FileError(field, path, 'content must be text, got %s' % type(content).__name__)
    try:
        # surrogateescape round-trips bytes read_text could not decode; a lone surrogate from
        # elsewhere has no byte form and is refused here instead of crashing the write.
        return content.encode('utf-8', 'surrogateescape')
    except UnicodeError as exc:
        raise FileError(field, path, 'text cannot be written as UTF-8 (%s)' % exc.reason)
