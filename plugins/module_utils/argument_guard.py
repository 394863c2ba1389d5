# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep ansible-core from crashing (a traceback instead of an error) on hostile option values.

Every ansible-core release we support (2.18-2.21; 2.16 and 2.17 as well) looks up fallbacks inside a
``type: dict`` (or list of dicts) option with ``options`` (``set_fallbacks``) before it checks that
the value is a mapping, so ``forward: false`` or ``forward: {queue: 5}`` ends in ``TypeError:
argument of type 'bool' is not iterable``: a traceback, not an error naming the option. Upstream:
https://github.com/ansible/ansible/pull/81631 ("Avoid internal error when validating argspec",
reported in https://github.com/ansible-collections/community.docker/issues/680), not merged, so the
guard applies on every release (test_argument_guard.py checks that ansible-core alone still
crashes). ``guarded_spec`` drops the sub-options of such a value (only for this run), so ansible's
own type check reports "forward: dictionary requested" instead. Likewise an ``int`` option given
``.inf`` or ``.nan`` (YAML floats) raises OverflowError inside ansible's int conversion; such a
value gets a checker that refuses it by name. Found by the generated bad-input suite (issue 8). And a mapping or list
given to a text option (or as an item of a list of text) is converted to its Python text by
ansible (``check_type_str`` converts whatever it gets, in every release 2.16-2.21; so
``user_defined_ids: [{}]`` wrote the id ``{}``); such a value gets a checker that refuses it by
name (issue 19; test_argument_guard.py shows ansible still converts). And on a target running Python 3.12 or
later (every controller of ansible-core 2.20+, Debian 13's Python 3.13), ansible logs a module's invocation to
syslog after validating its arguments and before the module runs, and ``syslog.syslog`` refuses a NUL character
there: a top-level text option holding one (``root: "/tmp/x\\x00y"``) failed with ansible's "Failed to log to
syslog (embedded null character)", naming no option. Such a value gets a checker that refuses it by name during
validation, before that log. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from ansible.module_utils.basic import _load_params
from ansible.module_utils.common.validation import check_type_dict, check_type_path, check_type_str


def _as_mapping(value):
    """The mapping ansible would make of ``value`` (a dict, or key=value / JSON text), else None."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            return check_type_dict(value)
        except (TypeError, ValueError):
            return None
    return None


def finite_int(value):
    """Stands in for ``type: int`` when the value is a float ansible cannot convert without crashing."""
    raise ValueError('%r is not a finite number, so it cannot be an integer' % (value,))


def plain_text(value):
    """Stands in for ``type: str`` (or ``list``, or ``elements: str``) when the value, or an item of it, is a
    mapping, a list or NaN/infinity: ansible would write its Python text (``user_defined_ids: [{}]`` became the id
    ``{}``, ``user_defined_ids: .nan`` the id ``nan``). Text and scalars convert as ansible's ``str`` does."""
    if isinstance(value, float) and _non_finite(value):
        raise ValueError('%r is not a finite number, and not text either' % (value,))
    if isinstance(value, (dict, list, tuple)):
        raise ValueError('expected text, got a %s' % ('mapping' if isinstance(value, dict) else 'list'))
    if _has_nul(value):
        raise ValueError('contains a NUL character, which no path, name or log line can hold')
    return check_type_str(value)


def plain_path(value):
    """plain_text for ``type: path`` (and ``elements: path``): then expanded as ansible's ``path`` is."""
    return check_type_path(plain_text(value))


_TEXT_TYPES = {'str': plain_text, 'path': plain_path}


def _not_text(value):
    return isinstance(value, (dict, list, tuple)) or _non_finite(value)


def _has_nul(value):
    return isinstance(value, str) and '\x00' in value


def _non_finite(value):
    return isinstance(value, float) and not math.isfinite(value)


def _given(params, name, option):
    for key in [name] + list(option.get('aliases') or []):
        if key in params:
            return True, params[key]
    return False, None


def guarded_spec(argument_spec, params=None, top=True):
    """``argument_spec`` with the sub-options of every non-mapping value removed (a copy when needed)."""
    if params is None:
        params = _load_params()
    if not isinstance(params, dict):
        return argument_spec
    guarded = dict(argument_spec)
    for name, option in argument_spec.items():
        present, value = _given(params, name, option)
        if not present or value is None:
            continue
        if option.get('type') == 'int' and _non_finite(value):
            guarded[name] = dict(option, type=finite_int)
            continue
        # A NUL only in top-level text: ansible logs sub-options and lists by their repr, which escapes it.
        if option.get('type', 'str') in _TEXT_TYPES and (_not_text(value) or (top and _has_nul(value))):
            guarded[name] = dict(option, type=_TEXT_TYPES[option.get('type', 'str')])
            continue
        if option.get('type') == 'list' and _non_finite(value):
            guarded[name] = dict(option, type=plain_text)
            continue
        if option.get('type') == 'list' and option.get('elements') in _TEXT_TYPES and isinstance(value, list) \
                and any(_not_text(item) for item in value):
            guarded[name] = dict(option, elements=_TEXT_TYPES[option['elements']])
            continue
        if not option.get('options'):
            continue
        values = value if option.get('type') == 'list' and isinstance(value, list) else [value]
        if option.get('type') == 'list' and not isinstance(value, (list, str)):  # pragma: no mutate (equivalent: the line above already gives [value] here)
            values = [value]
        mappings = [_as_mapping(v) for v in values]
        if any(m is None for m in mappings):
            guarded[name] = dict((k, v) for k, v in option.items() if k not in ('options', 'apply_defaults'))
            continue
        sub = option['options']
        for mapping in mappings:
            sub = guarded_spec(sub, mapping, top=False)
        if sub is not option['options']:
            guarded[name] = dict(option, options=sub)
    return guarded
