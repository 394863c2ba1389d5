# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a drop-in the way rsyslog will see it: the whole configuration, with ``rsyslogd -N1``.

A drop-in can only be judged together with the main config and its siblings (a second
template of the same name, a filter that refers to a missing ruleset...). So the validator
copies the drop-in directory to a temp dir, puts the candidate in place of the target file
(or removes it, for state=absent), points the main config's include at the copy, and runs
``rsyslogd -N1 -f <copy of main config>``. Nothing outside the temp dir is touched.

The text rewrites are pure functions with their own unit tests; the tree building and the
command are the edges. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil
import tempfile

from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_state import ValidationFailed

# rsyslogd's banner lines carry no information about what is wrong.
_BANNER_RE = re.compile(r'config validation run|End of config validation run')
_TEMPLATE_RE = re.compile(r'''(?:\btemplate\s*\(\s*name\s*=\s*["']([^"']+)["']|^[ \t]*\$template[ \t]+([^,\s]+)\s*,)''',
                          re.IGNORECASE | re.MULTILINE)


def _dir_pattern(directory):
    # The directory itself, ending where the path ends or continues with '/' (so that
    # /etc/rsyslog.d never matches /etc/rsyslog.d.bak).
    return re.escape(directory.rstrip('/')) + r'(?=/|"|\'|\s|$)'


def rewrite_dropin_includes(main_text, dropin_dir, new_dir):
    """Point every include of ``dropin_dir`` in ``main_text`` at ``new_dir``.

    Handles the legacy ``$IncludeConfig /etc/rsyslog.d/*.conf`` and RainerScript
    ``include(file="/etc/rsyslog.d/*.conf" ...)`` forms. Returns (new text, number rewritten).
    """
    directory = _dir_pattern(dropin_dir)
    new_dir = new_dir.rstrip('/')
    count = [0]

    def swap(match):
        count[0] += 1
        return match.group(1) + new_dir

    legacy = re.compile(r'(^[ \t]*\$IncludeConfig[ \t]+)' + directory, re.MULTILINE | re.IGNORECASE)
    modern = re.compile(r'(\binclude\s*\([^)]*?\bfile\s*=\s*["\'])' + directory, re.IGNORECASE | re.DOTALL)
    text = legacy.sub(swap, main_text)
    text = modern.sub(swap, text)
    return text, count[0]


def redirect_directory(text, old_dir, new_dir):
    """Replace the directory ``old_dir`` (as a whole path component) with ``new_dir``."""
    return re.sub(r'(?<![A-Za-z0-9_./-])' + _dir_pattern(old_dir), lambda m: new_dir.rstrip('/'), text)


def map_paths_back(text, mapping):
    """Replace temp paths in rsyslogd's output with the real ones users know (longest first)."""
    for temp in sorted(mapping, key=len, reverse=True):
        text = text.replace(temp, mapping[temp])
    return text


def rsyslogd_message(output, mapping):
    """rsyslogd's complaint lines, banners dropped, temp paths mapped back."""
    lines = []
    for line in output.splitlines():
        line = line.strip()
        if line and not _BANNER_RE.search(line):
            line = map_paths_back(line, mapping)
            if line not in lines:  # rsyslogd repeats some errors verbatim
                lines.append(line)
    return '\n'.join(lines)


def template_names(text):
    """Names of the templates ``text`` defines (RainerScript and legacy ``$template``), in order."""
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.DOTALL)
    text = re.sub(r'(?m)^[ \t]*#.*$', '', text)
    return [m.group(1) or m.group(2) for m in _TEMPLATE_RE.finditer(text)]


def duplicate_templates(named_texts, involving):
    """'template X is defined in A and B' for each name defined twice, once in the file ``involving``.

    ``named_texts`` is [(path, text)]. Duplicates elsewhere are not this change's doing.

    rsyslogd -N1 accepts a second template of the same name silently (rsyslog 8.2302 exits 0)
    and then uses only one of them, so the forward would write in a format nobody chose.
    """
    seen = {}
    for path, text in named_texts:
        for name in template_names(text):
            seen.setdefault(name, []).append(path)
    return ['template %s is defined more than once: in %s' % (name, ' and '.join(paths))
            for name, paths in seen.items() if len(paths) > 1 and involving in paths]


def _loaded_texts(tree_main, tree_dir):
    texts = []
    for path in [tree_main] + sorted(os.path.join(tree_dir, n) for n in os.listdir(tree_dir) if n.endswith('.conf')):
        if os.path.isfile(path):
            with open(path, 'rb') as handle:
                texts.append((path, handle.read().decode('utf-8', errors='surrogateescape')))
    return texts


def build_validation_tree(workdir, main_config, dropin_dir, target_name, candidate_path, extra_redirects=None):
    """Lay out the config rsyslogd would load after the change, inside ``workdir``.

    ``candidate_path`` None means the target file is removed. ``extra_redirects`` maps real
    directories that do not exist yet (check mode) to temp stand-ins. Returns
    (temp main config path, temp -> real path mapping).
    """
    tree_dir = os.path.join(workdir, 'rsyslog.d')
    if os.path.isdir(dropin_dir):
        shutil.copytree(dropin_dir, tree_dir, ignore_dangling_symlinks=True)
    else:
        os.makedirs(tree_dir)
    target = os.path.join(tree_dir, target_name)
    if candidate_path is None:
        if os.path.lexists(target):
            os.unlink(target)
    else:
        shutil.copyfile(candidate_path, target)
    with open(main_config, 'rb') as handle:
        main_text = handle.read().decode('utf-8', errors='surrogateescape')
    main_text, count = rewrite_dropin_includes(main_text, dropin_dir, tree_dir)
    if count == 0 and candidate_path is not None:
        # The main config never loads the directory; still check the candidate on its own terms.
        main_text += '\n$IncludeConfig %s\n' % target
    for real, temp in sorted((extra_redirects or {}).items()):
        main_text = redirect_directory(main_text, real, temp)
    tree_main = os.path.join(workdir, os.path.basename(main_config) or 'rsyslog.conf')
    with open(tree_main, 'wb') as handle:
        handle.write(main_text.encode('utf-8', errors='surrogateescape'))
    mapping = {tree_dir: dropin_dir.rstrip('/'), tree_main: main_config}
    for real, temp in (extra_redirects or {}).items():
        mapping[temp] = real
    return tree_main, mapping


def main_includes_dir(main_config, dropin_dir):
    """Whether ``main_config`` includes ``dropin_dir`` at all (if not, the drop-in is never loaded)."""
    with open(main_config, 'rb') as handle:
        text = handle.read().decode('utf-8', errors='surrogateescape')
    return rewrite_dropin_includes(text, dropin_dir, '/')[1] > 0


def check_whole_config(module, rsyslogd_path, main_config, dropin_dir, target_name, candidate_path,
                       missing_dirs=(), field=None):
    """Run ``rsyslogd -N1`` on the config as it would be; raise ValidationFailed with its message.

    ``field`` (the option that made the change: content, forward, state) starts the message of a refusal.
    """
    lead = '%s: ' % field if field else ''
    workdir = tempfile.mkdtemp(prefix='alicloud_ops_rsyslog_check_', dir=module.tmpdir)
    try:
        redirects = {}
        for index, real in enumerate(missing_dirs):
            redirects[real] = os.path.join(workdir, 'missing%d' % index)
            os.makedirs(redirects[real])
        tree_dir = os.path.join(workdir, 'rsyslog.d')
        try:
            tree_main, mapping = build_validation_tree(workdir, main_config, dropin_dir, target_name,
                                                       candidate_path, redirects)
            texts = _loaded_texts(tree_main, tree_dir)
        except (IOError, OSError, shutil.Error) as exc:
            # An unreadable sibling drop-in or main config: say which, instead of a traceback.
            raise ValidationFailed('dropin_dir: the configuration in %s and %s cannot be read for validation: %s'
                                   % (dropin_dir, main_config, exc))
        rc, out, err = module.run_command([rsyslogd_path, '-N1', '-f', tree_main])
        action = 'removing' if candidate_path is None else 'with the new'
        duplicates = duplicate_templates(texts, os.path.join(tree_dir, target_name))
        if rc == 0 and duplicates:
            raise ValidationFailed('%sthe configuration %s %s defines a template twice:\n%s' % (
                lead, action, os.path.join(dropin_dir, target_name), map_paths_back('\n'.join(duplicates), mapping)))
        if rc != 0:
            message = rsyslogd_message(err + '\n' + out, mapping) or 'no message (rc=%d)' % rc
            if field and fails_without_the_change(module, rsyslogd_path, main_config, dropin_dir, target_name):
                # Not this change's fault: the user has to fix what is already there.
                raise ValidationFailed('main_config: rsyslogd -N1 rejects the configuration in %s and %s even '
                                       'without this change (rc=%d):\n%s' % (main_config, dropin_dir, rc, message))
            raise ValidationFailed('%srsyslogd -N1 rejected the configuration %s %s (rc=%d):\n%s' % (
                lead, action, os.path.join(dropin_dir, target_name), rc, message))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def fails_without_the_change(module, rsyslogd_path, main_config, dropin_dir, target_name):
    """Whether ``rsyslogd -N1`` also rejects the configuration as it is now (only asked after a refusal)."""
    workdir = tempfile.mkdtemp(prefix='alicloud_ops_rsyslog_now_', dir=module.tmpdir)
    try:
        current = os.path.join(dropin_dir, target_name)
        tree_main, _mapping = build_validation_tree(workdir, main_config, dropin_dir, target_name,
                                                    current if os.path.isfile(current) else None)
        rc, _out, _err = module.run_command([rsyslogd_path, '-N1', '-f', tree_main])
        return rc != 0
    except (IOError, OSError, shutil.Error):
        return False
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def make_validator(module, rsyslogd_path, main_config, dropin_dir, target_name, missing_dirs=(), field=None):
    """A file_state validator: callable(candidate_path) that raises ValidationFailed."""
    def validate(candidate_path):
        check_whole_config(module, rsyslogd_path, main_config, dropin_dir, target_name, candidate_path,
                           missing_dirs, field)
    return validate
