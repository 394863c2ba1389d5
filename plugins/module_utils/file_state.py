# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way this collection changes a file on a managed host.

Every module computes the wanted content with a pure function, then hands it to
``ensure_file`` or ``ensure_absent``. Those compute the diff without touching the disk
(so check mode is exact), run the caller's validator on a private copy of the candidate
before anything is replaced, and swap the file in with a rename so that readers never
see half a file.

Runs on target Python 3.6+: no walrus, no dataclasses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile

REDACTED = '<redacted: content hidden because it holds secrets>\n'


class ValidationFailed(Exception):
    """Raised by a validator; its message is shown to the user as the failure reason."""


def read_text(path):
    """Content of ``path`` as text, or None when there is no such file."""
    try:
        with open(path, 'rb') as handle:
            return handle.read().decode('utf-8', errors='surrogateescape')
    except (IOError, OSError) as exc:
        if getattr(exc, 'errno', None) == 2:
            return None
        raise


def file_diff(path, before, after, secret=False):
    """An Ansible diff dict for one file; None stands for "no file"."""
    if secret:
        before = REDACTED if before is not None else None
        after = REDACTED if after is not None else None
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


def _file_args(path, mode, owner, group):
    # SELinux context and chattr attributes are left as the system sets them.
    return {'path': path, 'mode': mode, 'owner': owner, 'group': group,
            'secontext': [None, None, None], 'attributes': None}


def validate_candidate(content, basename, validate):
    """Write ``content`` to a private temp dir under ``basename`` and call ``validate(path)``.

    Works in check mode too: nothing is written beside the real file.
    """
    workdir = tempfile.mkdtemp(prefix='alicloud_ops_validate_')
    try:
        candidate = os.path.join(workdir, basename)
        with open(candidate, 'wb') as handle:
            handle.write(content.encode('utf-8', errors='surrogateescape'))
        validate(candidate)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _atomic_write(module, path, content):
    directory = os.path.dirname(path) or '.'
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(content.encode('utf-8', errors='surrogateescape'))
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.exists(path):
            # Keep the old file's mode unless the caller sets one; mkstemp makes 0600.
            shutil.copymode(path, tmp)
        else:
            os.chmod(tmp, 0o644)
        module.atomic_move(tmp, path, unsafe_writes=False)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def ensure_file(module, path, content, mode=None, owner=None, group=None, validate=None,
                secret=False, create_parent=False):
    """Make ``path`` hold exactly ``content`` (and the given mode/owner/group).

    ``validate``: optional callable(candidate_path) that raises ValidationFailed; it runs on
    a private copy before the swap, in check mode as well, and a failure leaves the old
    file byte-identical. ``secret`` hides both sides of the diff.
    """
    before = read_text(path)
    content_changed = before != content
    diff = file_diff(path, before, content, secret=secret)
    validated = False
    if validate is not None and content_changed:
        validate_candidate(content, os.path.basename(path), validate)
        validated = True
    if content_changed and not module.check_mode:
        parent = os.path.dirname(path)
        if create_parent and parent and not os.path.isdir(parent):
            os.makedirs(parent, 0o755)
        _atomic_write(module, path, content)
    attrs_changed = False
    if before is not None or not module.check_mode:
        # In check mode a file that does not exist yet has no attributes to compare.
        attr_diff = {}
        attrs_changed = module.set_fs_attributes_if_different(
            _file_args(path, mode, owner, group), False, attr_diff)
        if attrs_changed:
            for key in ('before', 'after'):
                if attr_diff.get(key):
                    diff.setdefault('attributes_%s' % key, {}).update(attr_diff[key])
    return FileResult(path, content_changed or attrs_changed, diff, validated, content_changed)


def ensure_absent(module, path, secret=False):
    """Remove ``path`` if it exists (honours check mode)."""
    before = read_text(path)
    if before is None:
        return FileResult(path, False, file_diff(path, None, None))
    if not module.check_mode:
        os.unlink(path)
    return FileResult(path, True, file_diff(path, before, None, secret=secret), content_changed=True)


def summarize(results):
    """Fold FileResults into (changed, diff list) for exit_json."""
    changed = any(r.changed for r in results)
    diffs = [r.diff for r in results if r.changed]
    return changed, diffs
