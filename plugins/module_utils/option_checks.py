# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks every module runs on all of its options before it reads or changes anything (issue 19).

ansible-core converts types; it does not refuse values that no consumer of ours can hold. This file does,
by walking the module's argument spec, and names the option (with its path: ``forward.queue.size``,
``fields[2].name``) in each problem:

- text: never a NUL byte (C strings end there: systemd, rsyslogd, the agent and the kernel would read
  something shorter than what was given); no line break or other control character (a tab is fine) unless
  the module lists the option as multi-line (file content, a template format, a log sample, delimiters).
- paths: text as above, absolute (a relative path would land wherever the module happens to run), shorter
  than PATH_MAX.
- integers: within a signed 32-bit int. The agent reads its numbers with jsoncpp's ``isInt()`` /
  ``asInt()`` and silently ignores anything larger (alibaba/ilogtail core/app_config/AppConfig.cpp,
  ``LoadResourceConf``); rsyslog's counts and the Log Service API's times and counts are 32-bit too.
- floats: finite (JSON has no NaN or infinity, and no consumer has a use for them).
- free-form mappings (``extra_config``, ``sections``, ``pipeline``...): the same rules at every depth, keys
  included, with integers allowed up to 64 bits (what a JSON reader such as jsoncpp can still hold).

The value of a ``no_log`` option is never quoted in a problem. Pure (plus ``refuse_bad_options``, the
module edge); runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import mask_secrets

INT32_MIN, INT32_MAX = -2 ** 31, 2 ** 31 - 1
INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1
PATH_MAX = 4096
# Everything that breaks a line or hides in it, except the tab.
_SINGLE_LINE = re.compile(u'[\x00-\x08\x0a-\x1f\x7f\u0085\u2028\u2029]')


def shown(value, limit=60):
    """``value`` for a message: its repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 4] + '...' + text[-1]


def text_problem(value, multiline=False, secret=False):
    """Why ``value`` (a string) cannot be used as text, or None. Other types are ansible's to judge."""
    if not isinstance(value, str):
        return None
    got = '' if secret else ', got %s' % shown(value)
    if '\x00' in value:
        return 'must not contain a NUL byte%s' % got
    if not multiline:
        found = _SINGLE_LINE.search(value)
        if found:
            return 'must be one line without control characters (%r at position %d)%s' % (
                found.group(), found.start(), got)
    return None


def path_problem(value):
    """Why ``value`` cannot be a path on the managed host, or None."""
    problem = text_problem(value)
    if problem or not isinstance(value, str):
        return problem
    if not value.startswith('/'):
        return 'must be an absolute path, got %s' % shown(value)
    if len(value.encode('utf-8', 'surrogateescape')) >= PATH_MAX:
        return 'is longer than the %d bytes a path may have' % (PATH_MAX - 1)
    return None


def int_problem(value, low=INT32_MIN, high=INT32_MAX):
    """Why the integer ``value`` is out of [low, high], or None (non-integers are not judged here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if value < low or value > high:
        return 'must be between %d and %d, got %s' % (low, high, shown(value, 30))
    return None


def number_problem(value):
    """Why the float ``value`` cannot be used (NaN, infinity), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return 'must be a finite number (NaN and infinity are refused), got %r' % (value,)
    return None


def data_problems(field, value, multiline=False, secret=False, depth=0):
    """[(field, problem)] for a free-form value and everything inside it."""
    if depth > 32:
        return [(field, 'is nested more than 32 levels deep')]
    if isinstance(value, dict):
        problems = []
        for key, item in value.items():
            where = '%s.%s' % (field, key)
            problem = text_problem(key) if isinstance(key, str) else None
            if problem:
                problems.append((field, 'key %s' % problem))
            problems.extend(data_problems(where, item, multiline, secret, depth + 1))
        return problems
    if isinstance(value, (list, tuple)):
        problems = []
        for index, item in enumerate(value):
            problems.extend(data_problems('%s[%d]' % (field, index), item, multiline, secret, depth + 1))
        return problems
    problem = text_problem(value, multiline, secret) or number_problem(value) or int_problem(value, INT64_MIN, INT64_MAX)
    return [(field, problem)] if problem else []


def _value_problems(field, plain, kind, value, suboptions, multiline, secret):
    if kind == 'dict' and suboptions and isinstance(value, dict):
        return option_problems(suboptions, value, multiline, field + '.', plain + '.')
    if kind in ('dict', 'raw', 'list'):
        return data_problems(field, value, plain in multiline, secret)
    if kind == 'path':
        problem = path_problem(value)
    elif kind == 'int':
        problem = int_problem(value)
    elif kind == 'float':
        problem = number_problem(value)
    elif kind in ('str', 'bytes', 'bits', 'jsonarg', 'json'):
        problem = text_problem(value, plain in multiline, secret)
    else:
        problem = None  # pragma: no mutate (equivalent: '' is falsy too and the line below only tests its truth)
    return [(field, problem)] if problem else []


def option_problems(spec, params, multiline=(), prefix='', plain_prefix=''):
    """[(option, problem)] for every given option of ``spec`` that breaks a rule above.

    ``multiline``: options (dotted, without list indexes: ``forward.template.format``) whose text may hold
    line breaks and control characters (never a NUL byte).
    """
    problems = []
    for name, option in spec.items():
        value = params.get(name)
        if value is None:
            continue
        field, plain = prefix + name, plain_prefix + name
        kind = option.get('type', 'str')
        secret = bool(option.get('no_log'))
        if kind == 'list' and isinstance(value, list):
            elements = option.get('elements', 'raw')
            for index, item in enumerate(value):
                if item is not None:
                    problems.extend(_value_problems('%s[%d]' % (field, index), plain, elements, item,
                                                    option.get('options'), multiline, secret))
        else:
            problems.extend(_value_problems(field, plain, kind, value, option.get('options'), multiline, secret))
    return problems


def secret_values(spec, params):
    """The values of the ``no_log`` options given, for mask_secrets."""
    return [params[name] for name, option in spec.items()
            if option.get('no_log') and isinstance(params.get(name), str)]


def refuse_bad_options(module, multiline=()):
    """fail_json naming every option that breaks a rule, before the module does anything else."""
    problems = option_problems(module.argument_spec, module.params, multiline)
    if problems:
        message = '; '.join('%s: %s' % problem for problem in problems)
        module.fail_json(msg=mask_secrets(message, secret_values(module.argument_spec, module.params)),
                         invalid_options=sorted(set(field for field, _problem in problems)))
