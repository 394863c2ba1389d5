# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure functions for systemd unit files: names, paths, rendering, verify-output reading.

Nothing here touches the disk or runs a command, so every function is unit-tested on
strings and dicts. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import os
import re

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import text_problem

UNIT_SUFFIXES = ('service', 'socket', 'device', 'mount', 'automount', 'swap', 'target',
                 'path', 'timer', 'slice', 'scope')
# systemd's own rule (unit-name.c): [A-Za-z0-9:_.\\-] plus one '@' for templates/instances.
_UNIT_NAME = re.compile(r'^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?\.(%s)$' % '|'.join(UNIT_SUFFIXES))
_DROPIN_NAME = re.compile(r'^[A-Za-z0-9:_.@-]+$')
_KEY = re.compile(r'^[A-Za-z][A-Za-z0-9-]*$')
# systemd refusing a setting of the unit itself: that judges the candidate, whatever the root
# (e.g. a drop-in giving a simple service a second ExecStart=).
_SETTING_REFUSED = re.compile(r'Refusing\.?$|has a bad unit file setting')
# A unit name is at most 255 bytes (UNIT_NAME_MAX in systemd).
UNIT_NAME_MAX = 255

MANAGED_HEADER = '# Managed by Ansible (alicloud_ops.logging.systemd_unit): local edits are overwritten.\n'


class UnitSpecError(AlicloudOpsError, ValueError):
    """Bad name or sections; the message starts with the offending field."""

    option_from_message = True


def validate_unit_name(name):
    """Return ``name`` if it is a unit name systemd accepts, else raise UnitSpecError.

    A leading '-' is refused even though systemd names its root slice and mount so (``-.slice``): such a name
    reaches systemctl's command line, where it reads as an option.
    """
    if isinstance(name, str) and name.startswith('-'):
        raise UnitSpecError("name: %r begins with '-', which systemctl would read as an option" % (name,))
    if not name or len(name) > UNIT_NAME_MAX or not _UNIT_NAME.match(name):
        raise UnitSpecError(
            "name: %r is not a valid unit name; expected e.g. 'ilogtaild.service' "
            "(letters, digits, ':_.-\\', an optional '@', and one of the suffixes .%s)"
            % (name, ', .'.join(UNIT_SUFFIXES)))
    return name


def is_template(name):
    """True for a template unit without an instance (``getty@.service``): it can be neither started nor
    enabled by that name, unless its [Install] section names a DefaultInstance= (enable only)."""
    return '@.' in name


def has_default_instance(content):
    """Whether unit file text sets DefaultInstance= (in any section; systemd reads it from [Install])."""
    return bool(content) and re.search(r'(?m)^[ \t]*DefaultInstance[ \t]*=[ \t]*\S', content) is not None


def normalize_dropin_name(dropin):
    """Drop-in file name without directory, always ending in ``.conf``."""
    base = dropin[:-len('.conf')] if dropin.endswith('.conf') else dropin
    if not base or not _DROPIN_NAME.match(base):
        raise UnitSpecError(
            'dropin: %r is not a valid drop-in name; use letters, digits and ":_.@-" '
            "(e.g. '10-restart'), without a directory" % dropin)
    return base + '.conf'


def unit_file_path(unit_dir, name, dropin=None, root=None):
    """Where the unit (or its drop-in ``<unit>.d/<dropin>.conf``) lives, under ``root`` if set."""
    directory = unit_dir
    if root:
        directory = os.path.join(root, unit_dir.lstrip('/'))
    if dropin:
        return os.path.join(directory, name + '.d', normalize_dropin_name(dropin))
    return os.path.join(directory, name)


def unit_directories(unit_dir, name, dropin=None, root=None):
    """[(directory, option)] on the way to the file, outermost first: ``root``, the unit directory inside it,
    and a drop-in's ``<name>.d``; each problem there is that option's."""
    directories = [(root, 'root')] if root else []
    directory = os.path.join(root, unit_dir.lstrip('/')) if root else unit_dir
    directories.append((directory, 'unit_dir'))
    if dropin:
        directories.append((os.path.join(directory, name + '.d'), 'name'))
    return directories


def _render_value(field, value):
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if value is None:
        # An empty assignment is meaningful: it resets list settings such as ExecStart=.
        return ''
    if isinstance(value, (dict, list, tuple)):
        raise UnitSpecError('%s: nested %s is not allowed; a value is a string, number, boolean '
                            'or (for repeated keys) a list of those' % (field, type(value).__name__))
    if isinstance(value, float) and not math.isfinite(value):
        raise UnitSpecError('%s: %r is not a finite number' % (field, value))
    text = str(value)
    problem = text_problem(text)
    if problem:
        raise UnitSpecError('%s: %s; write one value per list item instead of line breaks' % (field, problem))
    return text


def render_sections(sections, header=MANAGED_HEADER):
    """Render ``{"Unit": {"After": ["a", "b"]}, ...}`` into unit-file text.

    Section and key order are kept; a list value becomes one ``Key=`` line per item (so
    ``ExecStart: ["", "/new"]`` resets then sets, as drop-ins need); booleans become yes/no.
    """
    if not isinstance(sections, dict) or not sections:
        raise UnitSpecError('sections: expected a non-empty mapping of section name to keys')
    lines = [header] if header else []
    for index, (section, keys) in enumerate(sections.items()):
        if not isinstance(section, str) or not section or any(c in section for c in '[]') or text_problem(section):
            raise UnitSpecError('sections: %r is not a valid section name' % (section,))
        if not isinstance(keys, dict):
            raise UnitSpecError('sections.%s: expected a mapping of keys to values, got %s'
                                % (section, type(keys).__name__))
        if index or header:
            lines.append('\n')
        lines.append('[%s]\n' % section)
        for key, value in keys.items():
            field = 'sections.%s.%s' % (section, key)
            if not _KEY.match(str(key)):
                raise UnitSpecError('%s: %r is not a valid key name (letters, digits and "-")'
                                    % (field, key))
            values = value if isinstance(value, (list, tuple)) else [value]
            if not values:
                raise UnitSpecError('%s: empty list; give at least one value (use "" to reset)'
                                    % field)
            for item_index, item in enumerate(values):
                item_field = field if values is not value else '%s[%d]' % (field, item_index)
                lines.append('%s=%s\n' % (key, _render_value(item_field, item)))
    return ''.join(lines)


def verify_problems(output, candidate_paths, returncode, strict_rc=True, executable_exists=None):
    """Pick the lines of ``systemd-analyze verify`` output that should refuse a candidate.

    systemd-analyze exits 0 on parse errors in the file ("Unknown key ..., ignoring") and
    non-zero on problems that may lie elsewhere (a missing dependency). So: every line that
    points into one of ``candidate_paths`` counts; a non-zero exit counts when ``strict_rc``.
    When the unit is written for another root (image baking), the host's view of
    dependencies is meaningless: pass ``strict_rc=False``. ``executable_exists`` re-judges
    "Command X is not executable" (inside that root, or leniently in check mode, where the
    task that installs X has not really run). A setting systemd refuses counts either way,
    so a unit is judged the same with and without a root.
    """
    problems = []
    other = []
    excused = False
    prefixes = tuple(p + ':' for p in candidate_paths)
    for line in output.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(prefixes):
            problems.append(line)
            continue
        match = re.search(r'Command (\S+) is not executable', line)
        if match and executable_exists is not None:
            if not executable_exists(match.group(1)):
                problems.append(line)
            else:
                excused = True
            continue
        if _SETTING_REFUSED.search(line):
            problems.append(line)
            continue
        other.append(line)
    if returncode != 0 and strict_rc:
        problems.extend(other)
        if not problems and not excused:
            problems.append('systemd-analyze verify exited with status %d' % returncode)
    return problems
