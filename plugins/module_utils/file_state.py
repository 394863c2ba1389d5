# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way this collection changes a file on a managed host.

Every module computes the wanted content with a pure function, then hands it to a
``FileSet`` (or, for one file, ``ensure_file`` / ``ensure_absent``). The contract:

1. Plan (``FileSet.want`` / ``FileSet.absent``), touching nothing: the path must be able to
   hold a regular file (absolute, name length, no directory or file in the way of it or of a
   parent), mode/owner/group must resolve and be settable by this user (a mode with setuid, setgid,
   sticky or world-write bits is refused: every file written here is read by root), the content must
   encode as UTF-8, the caller's validator passes on a private copy under ``module.tmpdir``
   (in check mode too), and the diff, including attribute changes, is computed.
2. Commit (``FileSet.commit``, skipped in check mode): every new content is written to a temp
   file beside its target, with its final mode (explicit, so the umask does not matter; a new
   file gets ``0644`` unless ``mode`` says otherwise) and owner; then files whose content stays
   get their new mode/owner, all temp files are renamed over their targets, and removals happen. A failure before the renames removes the
   temp files and any directory it created, so a module touching several files changes all
   of them or none.

Any failure is a ValidationFailed (FileError names the option and the path); no OSError
escapes as a traceback. Runs on target Python 3.6+: no walrus, no dataclasses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import shutil
import stat
import tempfile

# ValidationFailed is part of this helper's interface (validators raise it, modules catch it), defined beside the
# checks.
# pylint: disable-next=unused-import
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_checks import (  # noqa: F401
    FileError, ValidationFailed, check_directory, check_ownership_allowed, check_target, displayable, encode_content,
    os_error, resolve_group, resolve_mode, resolve_owner)

REDACTED = '<redacted: content hidden because it holds secrets>\n'
DEFAULT_MODE = 0o644


def read_bytes(path, field='path'):
    """Raw content of ``path``, or None when there is no such file."""
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            return None
        if os.path.isdir(path):
            raise FileError(field, path, 'is a directory, not a file')
        raise os_error(field, path, exc)


def read_text(path, field='path'):
    """Content of ``path`` as text (undecodable bytes kept as surrogates), or None when absent."""
    data = read_bytes(path, field)
    return None if data is None else data.decode('utf-8', errors='surrogateescape')


def file_diff(path, before, after, secret=False):
    """An Ansible diff dict for one file; None stands for "no file"."""
    if secret:
        before = REDACTED if before is not None else None
        after = REDACTED if after is not None else None
    before, after = displayable(before), displayable(after)
    return {
        'before': before if before is not None else '',
        'after': after if after is not None else '',
        'before_header': path if before is not None else '%s (absent)' % path,
        'after_header': path if after is not None else '%s (absent)' % path,
    }


class FileResult:
    """What happened (or, in check mode, would happen) to one file."""

    def __init__(self, path, changed, diff, validated=False, content_changed=False):
        self.path = path
        self.changed = changed
        self.diff = diff
        self.validated = validated
        self.content_changed = content_changed


def validate_candidate(content, basename, validate, tmpdir=None):
    """Write ``content`` to a private temp dir under ``basename`` and call ``validate(path)``.

    Works in check mode too: nothing is written beside the real file.
    """
    workdir = tempfile.mkdtemp(prefix='alicloud_ops_validate_', dir=tmpdir)
    try:
        candidate = os.path.join(workdir, basename)
        with open(candidate, 'wb') as handle:
            handle.write(content if isinstance(content, bytes) else content.encode('utf-8', 'surrogateescape'))
        validate(candidate)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _attribute_diff(current, mode, uid, gid):
    """(before, after) dicts of the attributes that would change on an existing file."""
    before, after = {}, {}
    if current is None:
        return before, after
    for key, now, wanted in (('mode', stat.S_IMODE(current.st_mode), mode), ('owner', current.st_uid, uid),
                             ('group', current.st_gid, gid)):
        if wanted is not None and now != wanted:
            before[key] = '%04o' % now if key == 'mode' else now
            after[key] = '%04o' % wanted if key == 'mode' else wanted
    return before, after


class _Planned:
    def __init__(self, path, field, data=None, mode=None, uid=None, gid=None, missing=(), current=None,
                 content_changed=False, attrs=None, remove=False, is_dir=False):
        self.path = path
        self.field = field
        self.data = data
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.missing = list(missing)
        self.current = current
        self.content_changed = content_changed
        self.attrs = attrs or {}
        self.remove = remove
        self.is_dir = is_dir


class FileSet:
    """Files a module changes together: all of them, or (on any failure) none."""

    def __init__(self, module):
        self.module = module
        self.planned = []
        self.results = []

    def want(self, path, content, mode=None, owner=None, group=None, validate=None, secret=False,
             create_parent=False, field='path', parent_field=None, content_field='content',
             default_mode=DEFAULT_MODE):
        """Plan ``path`` to hold exactly ``content`` (and mode/owner/group); returns its FileResult.

        ``validate``: optional callable(candidate_path) that raises ValidationFailed; it runs on a
        private copy, in check mode as well. ``secret`` hides both sides of the diff. ``field``,
        ``parent_field`` and ``content_field`` name the options behind the file name, its
        directory and its content in error messages.
        """
        current, missing = check_target(path, field, create_parent, parent_field=parent_field)
        data = encode_content(content_field, path, content)
        before = read_bytes(path, field) if current is not None else None
        content_changed = before != data
        mode = resolve_mode(self.module, path, mode, stat.S_IMODE(current.st_mode) if current else None,
                            default_mode)
        uid = resolve_owner(path, owner)
        gid = resolve_group(path, group)
        check_ownership_allowed(path, uid, gid, current)
        attrs_before, attrs_after = _attribute_diff(current, mode, uid, gid)
        validated = False
        if validate is not None and content_changed:
            validate_candidate(data, os.path.basename(path), validate, self.module.tmpdir)
            validated = True
        diff = file_diff(path, None if before is None else before.decode('utf-8', 'surrogateescape'), content,
                         secret=secret)
        if attrs_after:
            diff['attributes_before'] = attrs_before
            diff['attributes_after'] = attrs_after
        self.planned.append(_Planned(path, field, data, mode, uid, gid, missing, current, content_changed,
                                     attrs_after))
        result = FileResult(path, content_changed or bool(attrs_after), diff, validated, content_changed)
        self.results.append(result)
        return result

    def directory(self, path, mode=0o755, field='path'):
        """Plan ``path`` to be a directory (created with ``mode`` if missing); returns a diff or None."""
        missing = check_directory(path, field)
        if not missing:
            return None
        self.planned.append(_Planned(path, field, mode=mode, missing=missing, is_dir=True))
        return {'before': {'path': path, 'state': 'absent'}, 'after': {'path': path, 'state': 'directory'}}

    def absent(self, path, secret=False, field='path', parent_field=None):
        """Plan ``path`` to be removed; returns its FileResult. ``parent_field`` as for want()."""
        current, _missing = check_target(path, field, False, for_removal=True, parent_field=parent_field)
        before = read_text(path, field) if current is not None else None
        if before is None:
            result = FileResult(path, False, file_diff(path, None, None))
        else:
            self.planned.append(_Planned(path, field, remove=True))
            result = FileResult(path, True, file_diff(path, before, None, secret=secret), content_changed=True)
        self.results.append(result)
        return result

    def commit(self):
        """Write every planned change (nothing in check mode); returns the FileResults."""
        if self.module.check_mode:
            return self.results
        staged, created = [], []
        item = None  # pragma: no mutate (equivalent: the first loop sets it before anything can raise)
        try:
            for item in self.planned:
                if item.is_dir:
                    self._make_directories(item, created)
            for item in self.planned:
                if item.content_changed:  # only want() plans content: never a directory or a removal
                    staged.append((self._stage(item, created), item))
            for item in self.planned:
                if not item.content_changed and item.attrs:  # only want() plans attribute changes
                    self._set_attributes(item)
            for tmp, item in staged:
                os.rename(tmp, item.path)
                staged = [s for s in staged if s[0] != tmp]
            for item in self.planned:
                if item.remove:
                    os.unlink(item.path)
        except (IOError, OSError) as exc:
            for tmp, _item in staged:
                _unlink_quietly(tmp)
            for directory in reversed(created):
                try:
                    os.rmdir(directory)
                except OSError:
                    pass
            raise os_error(item.field, item.path, exc)
        return self.results

    @staticmethod
    def _make_directories(item, created):
        for directory in item.missing:
            if not os.path.isdir(directory):
                os.mkdir(directory)
                # Explicit: a 077 umask would make it 0700.
                os.chmod(directory, item.mode if item.is_dir and directory == item.path else 0o755)
                created.append(directory)

    def _stage(self, item, created):
        self._make_directories(item, created)
        directory = os.path.dirname(item.path)
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(item.path)[:100], suffix='.tmp',
                                   dir=directory)
        try:
            with os.fdopen(fd, 'wb') as handle:
                handle.write(item.data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, item.mode)
            uid = item.uid if item.uid is not None else (item.current.st_uid if item.current else -1)
            gid = item.gid if item.gid is not None else (item.current.st_gid if item.current else -1)
            if (uid, gid) != (-1, -1):
                _chown_kept(tmp, uid, gid, item.uid is not None or item.gid is not None)
            if self.module.selinux_enabled():
                context = (self.module.selinux_context(item.path) if item.current is not None
                           else self.module.selinux_default_context(item.path))
                self.module.set_context_if_different(tmp, context, False)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        return tmp

    def _set_attributes(self, item):
        if 'mode' in item.attrs:
            os.chmod(item.path, item.mode)
        if 'owner' in item.attrs or 'group' in item.attrs:
            os.chown(item.path, item.uid if item.uid is not None else -1, item.gid if item.gid is not None else -1)


def _chown_kept(path, uid, gid, asked):
    try:
        os.chown(path, uid, gid)
    except OSError:
        # Keeping an existing file's owner is best effort for a non-root user (as atomic_move does);
        # an owner the user asked for was checked in planning, so a failure there is real.
        if asked:
            raise


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def ensure_file(module, path, content, **options):
    """Plan and commit one file; see FileSet.want for the options."""
    files = FileSet(module)
    result = files.want(path, content, **options)
    files.commit()
    return result


def ensure_absent(module, path, secret=False, field='path', parent_field=None):
    """Remove ``path`` if it exists (honours check mode)."""
    files = FileSet(module)
    result = files.absent(path, secret=secret, field=field, parent_field=parent_field)
    files.commit()
    return result


def summarize(results):
    """Fold FileResults into (changed, diff list) for exit_json."""
    changed = any(r.changed for r in results)
    diffs = [r.diff for r in results if r.changed]
    return changed, diffs
