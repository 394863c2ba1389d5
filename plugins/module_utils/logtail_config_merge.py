# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure merge and render functions behind the logtail_config module.

``ilogtail_config.json`` belongs to the agent and its installer: we change only the keys the
user names, keep every other key and the existing key order (new keys go at the end), and
keep the file byte-identical when nothing changes, so diffs stay small and the agent is not
restarted for nothing. Also renders ``/etc/ilogtail/user_defined_id`` and plans the AliUid
files. Runs on target Python 3.6+ (OrderedDict because 3.6 does not promise dict order).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import math
import re
from collections import OrderedDict

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.machine_ids import machine_id_problem
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import INT32_MAX, data_problems

# Typed keys: name -> (python type, minimum or None, maximum or None). The agent reads its integers with
# jsoncpp's isInt()/asInt() (alibaba/ilogtail core/app_config/AppConfig.cpp, LoadResourceConf: max_bytes_per_sec)
# and silently keeps its default for a larger value, so nothing above INT32_MAX is written.
TYPED_KEYS = OrderedDict([
    ('streamlog_open', (bool, None, None)),
    ('streamlog_tcp_addr', (str, None, None)),
    ('streamlog_tcp_port', (int, 1, 65535)),
    ('streamlog_formats', (list, None, None)),
    ('streamlog_pool_size_in_mb', (int, 1, INT32_MAX)),
    ('streamlog_rcv_size_each_call', (int, 1, INT32_MAX)),
    ('cpu_usage_limit', (float, 0, None)),
    ('mem_usage_limit', (int, 1, INT32_MAX)),
    ('max_bytes_per_sec', (int, 1, INT32_MAX)),
    ('process_thread_count', (int, 1, INT32_MAX)),
    ('send_request_concurrency', (int, 1, INT32_MAX)),
    ('buffer_file_num', (int, 1, INT32_MAX)),
    ('buffer_file_size', (int, 1, INT32_MAX)),
])

_ALIUID_RE = re.compile(r'^[0-9]{1,32}$')


class ConfigError(AlicloudOpsError):
    """Bad input or a bad existing file; ``option`` names what to fix."""

    def __init__(self, option, message):
        super(ConfigError, self).__init__('%s: %s' % (option, message), option)


def parse_config(text, path):
    """Existing file text -> OrderedDict; None text (no file) -> empty config."""
    if text is None or not text.strip():
        return OrderedDict()
    undecodable = re.search(u'[\udc80-\udcff]', text)
    if undecodable:
        # read_text keeps bytes that are not UTF-8 as surrogates; JSON text is UTF-8 by definition.
        raise ConfigError('config_path', '%s is not valid UTF-8 (byte 0x%02x at character %d); nothing was written'
                          % (path, ord(undecodable.group()) - 0xdc00, undecodable.start()))
    try:
        config = json.loads(
            text, parse_constant=_refuse_constant,
            object_pairs_hook=OrderedDict,  # pragma: no mutate (equivalent: dict keeps order on CPython/PyPy 3.6+)
        )
    except ValueError as exc:
        raise ConfigError('config_path', '%s is not valid JSON (%s); nothing was written' % (path, exc))
    if not isinstance(config, dict):
        raise ConfigError('config_path', '%s holds a JSON %s, not an object; nothing was written'
                          % (path, _json_type(config)))
    return config


def _json_type(value):
    # JSON's own name for what json.loads returned (it gives no other types), not Python's.
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'array'
    return 'null'


def _refuse_constant(name):
    # Python's json reads NaN/Infinity, which no JSON parser (the agent's included) accepts.
    raise ValueError('%s is not a JSON value' % name)


def _check_formats(value):
    formats = []
    for index, entry in enumerate(value):
        where = 'streamlog_formats[%d]' % index
        if not isinstance(entry, dict) or set(entry) != set(['version', 'fields']):
            raise ConfigError(where, 'must be a dict with exactly the keys version and fields')
        fields = entry['fields']
        # Alibaba's documented value for the built-in "0.1" layout is an empty list, so [] is valid.
        if not isinstance(fields, list) or not all(isinstance(f, str) and f for f in fields):
            raise ConfigError(where + '.fields', 'must be a list of field names (empty for a built-in layout)')
        if not isinstance(entry['version'], str) or not entry['version']:
            raise ConfigError(where + '.version', 'must be a non-empty string such as "0.1"')
        formats.append(OrderedDict([('version', entry['version']), ('fields', list(fields))]))
    return formats


def check_typed_value(name, value):
    """Validate and normalise one typed key; raises ConfigError naming it."""
    kind, low, high = TYPED_KEYS[name]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(name, 'must be of type %s, got %r' % (kind.__name__, value))
    if kind is float and not math.isfinite(value):
        raise ConfigError(name, 'must be a finite number (JSON has no NaN or infinity), got %r' % (value,))
    if low is not None and value < low or high is not None and value > high:
        bounds = ('between %s and %s' % (low, high)) if high is not None else ('at least %s' % low)
        raise ConfigError(name, 'must be %s, got %r' % (bounds, value))
    if name == 'streamlog_tcp_addr':
        try:
            ipaddress.ip_address(u'%s' % value)
        except ValueError:
            raise ConfigError(name, 'must be an IP address such as 127.0.0.1, got %r' % value)
    if name == 'streamlog_formats':
        value = _check_formats(value)
    return value


def wanted_keys(typed, extra_config):
    """The keys to set: typed options that are not None, then extra_config in its order."""
    wanted = OrderedDict()
    for name in TYPED_KEYS:
        if typed.get(name) is not None:
            wanted[name] = check_typed_value(name, typed[name])
    for key, value in (extra_config or {}).items():
        if key in TYPED_KEYS:
            raise ConfigError('extra_config.%s' % key, 'set it with the %s option, which checks its type' % key)
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise ConfigError('extra_config.%s' % key, 'value %r cannot be written as JSON (JSON has no '
                                                       'NaN or infinity)' % (value,))
        # What a JSON reader such as the agent's jsoncpp cannot hold: integers past 64 bits, NUL bytes, ...
        problems = data_problems('extra_config.%s' % key, value)
        if problems:
            raise ConfigError(problems[0][0], problems[0][1])
        wanted[key] = value
    return wanted


def merge_logtail_config(current, wanted):
    """New config: ``current`` with ``wanted`` keys set. Unknown keys and key order are kept."""
    merged = OrderedDict(current)
    for key, value in wanted.items():
        merged[key] = value
    return merged


def _canonical(config):
    # sort_keys, and json's own type rendering, so true != 1 and 1 != 1.0.
    return json.dumps(config, sort_keys=True)


def render_logtail_config(current_text, current, merged):
    """File text for ``merged``; the old text untouched when the content is the same."""
    if current_text is not None and current_text.strip() and _canonical(current) == _canonical(merged):
        return current_text
    return json.dumps(merged, indent=4, ensure_ascii=False, allow_nan=False) + '\n'


def render_user_defined_id(ids):
    """One id a line; None (remove the file) for an empty list. Duplicates dropped, order kept."""
    seen = []
    for index, raw in enumerate(ids):
        problem = machine_id_problem(raw)
        if problem:
            raise ConfigError('user_defined_ids[%d]' % index, problem)
        value = raw.strip()
        if value not in seen:
            seen.append(value)
    if not seen:
        return None
    return '\n'.join(seen) + '\n'


def check_aliuids(aliuids):
    """Account ids, as strings, deduplicated; each must be digits (it becomes a file name)."""
    out = []
    for index, raw in enumerate(aliuids):
        value = str(raw).strip()
        if not _ALIUID_RE.match(value):
            raise ConfigError('aliuids[%d]' % index, 'must be an Alibaba Cloud account id (digits only), got %r'
                              % (raw,))
        if value not in out:
            out.append(value)
    return out


def plan_aliuid_files(wanted, existing, exclusive):
    """(names to create, names to remove) in /etc/ilogtail/users/.

    Only names that look like account ids are removed in exclusive mode; anything else in the
    directory was not put there by this module, or by the console instructions."""
    existing = set(existing)
    create = sorted(set(wanted) - existing)
    remove = []
    if exclusive:
        remove = sorted(n for n in existing - set(wanted) if _ALIUID_RE.match(n))
    return create, remove
