# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the alicloud_ecs inventory options may say: checked before any API call, with messages naming the option.

validate_options(options, written, definitions) refuses configuration that can only be a mistake: a value the
API or ansible-core would take silently and answer with no hosts, the wrong hosts or a crash later (`tag:`,
`filters.status: Bogus`, `max_workers: 0`, `retry_deadline: nan`, a keyed group without `key`, `regions: [123]`,
an option name with a typo). Pure functions on dicts: nothing here reads files, the network or Ansible state.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import math
import re

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import text_problem

try:
    from ansible.utils.vars import validate_variable_name
except ImportError:  # ansible-core before 2.19
    from ansible.utils.vars import isidentifier as _isidentifier

    def validate_variable_name(name):
        if not (isinstance(name, str) and _isidentifier(name)):
            raise ValueError('invalid variable name %r' % (name,))

# DescribeInstances' Status parameter takes exactly these (case-sensitive) values: "Pending: being created.
# Running: running. Starting: being started. Stopping: being stopped. Stopped: stopped." (ECS API reference,
# https://help.aliyun.com/en/ecs/api-describeinstances, and DescribeInstancesRequest.status in
# alibabacloud_ecs20140526). Any other value is not an error to the API: it answers with no instances.
INSTANCE_STATUSES = ('Pending', 'Running', 'Starting', 'Stopping', 'Stopped')
# `filters` keys -> DescribeInstancesRequest fields.
FILTER_FIELDS = {
    'status': 'status', 'vpc_id': 'vpc_id', 'vswitch_id': 'v_switch_id', 'zone_id': 'zone_id',
    'instance_ids': 'instance_ids', 'instance_name': 'instance_name', 'instance_type': 'instance_type',
    'security_group_id': 'security_group_id', 'resource_group_id': 'resource_group_id', 'image_id': 'image_id',
    'tags': 'tag',
}
MAX_INSTANCE_IDS = 100   # DescribeInstances: InstanceIds holds at most 100 ids
MAX_TAG_FILTERS = 20     # DescribeInstances: Tag.N, N from 1 to 20
# Hostname sources a user may name in `hostnames` (besides `tag:Key` and `tag:Key=Value`).
HOSTNAME_SOURCES = ('private_ip', 'public_ip', 'eip', 'instance_id', 'instance_name', 'hostname')
# include_filters / exclude_filters: keys a filter entry may use (evaluated locally on hostvars).
FILTER_KEYS = ('instance_id', 'instance_ids', 'instance_name', 'hostname', 'region_id', 'zone_id', 'vpc_id',
               'vswitch_id', 'status', 'instance_type', 'os_name', 'os_type', 'image_id', 'private_ip',
               'public_ip', 'eip', 'security_group_id', 'resource_group_id', 'tags')
KEYED_GROUP_KEYS = ('key', 'prefix', 'separator', 'parent_group', 'default_value', 'trailing_separator')
# Region ids: cn-hangzhou, ap-southeast-1, us-west-1, eu-central-1, cn-shanghai-finance-1, rus-west-1.
REGION_ID = re.compile(r'^[a-z]{2,}(?:-[a-z0-9]+)+$')
# Seconds: (lowest, whether the lowest itself is refused, highest). Above a day is a typo, not a wish; a timeout
# travels to the SDK in whole milliseconds, so less than one would be none.
SECONDS = {
    'retry_deadline': (0, False, 86400),   # 0: no retries
    'retry_base_delay': (0, True, 3600),   # 0 would retry in a tight loop until the deadline
    'retry_max_delay': (0, True, 3600),
    'connect_timeout': (0.001, False, 3600),
    'read_timeout': (0.001, False, 3600),
}
# Whole numbers: (lowest, highest or None). STS AssumeRole takes 900 to 43200 seconds.
INTEGERS = {'max_workers': (1, None), 'role_session_duration': (900, 43200), 'cache_timeout': (0, None)}
_ROLE_ARN = re.compile(r'^acs:ram::[0-9]+:role/\S+$', re.IGNORECASE)
_SESSION_NAME = re.compile(r'^[A-Za-z0-9.@_-]{2,64}$')
_HOST = re.compile(r'^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$'
                   r'|^\[[0-9A-Fa-f:.]+\]$')
_WILDCARD = re.compile(r'[*?\[]')
# What `{region}` stands for when an endpoint's host is checked (any region id is a valid host label).
_REGION_SAMPLE = 'cn-hangzhou'


class InventoryOptionError(AlicloudOpsError, ValueError):
    """A user option is malformed; the message starts with the option."""

    option_from_message = True


def _type_name(value):
    return 'null' if value is None else type(value).__name__


def _words(values):
    return ', '.join(values)


def _text(option, value, what='a string', multiline=False):
    """value is a non-empty string without surrounding whitespace, NUL or (unless multiline: Jinja2 expressions)
    line breaks and control characters (the modules' rule, option_checks.text_problem), else an error naming
    `option`."""
    if not isinstance(value, str):
        raise InventoryOptionError('%s: expected %s, got %r (%s)' % (option, what, value, _type_name(value)))
    if not value:
        raise InventoryOptionError('%s: empty; expected %s' % (option, what))
    if value != value.strip():
        raise InventoryOptionError('%s: %r has leading or trailing whitespace' % (option, value))
    problem = text_problem(value, multiline)
    if problem:
        raise InventoryOptionError('%s: %s' % (option, problem))
    return value


def _is_bool_word(value):
    if isinstance(value, bool):
        return True
    if isinstance(value, str):
        value = value.lower()
    try:
        return value in BOOLEANS_TRUE or value in BOOLEANS_FALSE
    except TypeError:  # unhashable: a list or dict
        return False


def check_written(written, definitions):
    """The inventory file as written: every key an option or alias, each option once, booleans and numbers that
    ansible-core's lenient conversion would otherwise bend (`flase` is false to it, `true` is the integer 1)."""
    aliases = {}
    for name, definition in definitions.items():
        for alias in (definition or {}).get('aliases') or ():
            aliases[alias] = name
    given = {}
    for key in written:
        option = key if key in definitions else aliases.get(key)
        if option is None:
            near = difflib.get_close_matches(str(key), list(definitions) + list(aliases),
                                             n=1)  # pragma: no mutate - only the best match, near[0], is shown
            raise InventoryOptionError('unknown option %r%s' % (key, '; did you mean %r?' % near[0] if near else ''))
        if option in given:
            raise InventoryOptionError('%s: given twice, as %r and %r' % (option, given[option], key))
        given[option] = key
        kind = ((definitions[option] or {}).get('type') or '').lower()  # pragma: no mutate - no type: '' or 'XXXX', no type checked below
        value = written[key]
        if value is None:
            continue
        if kind in ('bool', 'boolean') and not _is_bool_word(value):
            raise InventoryOptionError('%s: expected true or false, got %r' % (key, value))
        if kind in ('int', 'integer', 'float') and isinstance(value, bool):
            raise InventoryOptionError('%s: expected a number, got %r' % (key, value))
        if kind in ('str', 'string') and isinstance(value, bool):
            raise InventoryOptionError('%s: expected a string, got the boolean %r (YAML reads yes/no/true/false '
                                       'unquoted as booleans; quote the value)' % (key, value))


def check_numbers(options):
    for name, (lowest, lowest_refused, highest) in SECONDS.items():
        value = options.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InventoryOptionError('%s: must be a finite number of seconds, got %r' % (name, value))
        if value < lowest or (lowest_refused and value == lowest):
            raise InventoryOptionError('%s: must be %s %g seconds, got %r'
                                       % (name, 'more than' if lowest_refused else 'at least', lowest, value))
        if value > highest:
            raise InventoryOptionError('%s: must be at most %g seconds, got %r' % (name, highest, value))
    for name, (lowest, highest) in INTEGERS.items():
        value = options.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise InventoryOptionError('%s: expected a whole number, got %r' % (name, value))
        if value < lowest or (highest is not None and value > highest):
            raise InventoryOptionError('%s: must be %s, got %r' % (
                name, 'at least %d' % lowest if highest is None else 'from %d to %d' % (lowest, highest), value))
    base, most = options.get('retry_base_delay'), options.get('retry_max_delay')
    if base is not None and most is not None and most < base:
        raise InventoryOptionError('retry_max_delay: must be at least retry_base_delay (%g), got %g' % (base, most))


def check_region(option, value):
    if not isinstance(value, str) or not REGION_ID.match(value) or len(value) > 64:
        raise InventoryOptionError('%s: expected a region id such as cn-hangzhou or ap-southeast-1 (lowercase '
                                   'letters, digits and -), got %r (%s)' % (option, value, _type_name(value)))
    return value


def check_regions(options):
    seen = set()
    for index, region in enumerate(options.get('regions') or []):
        check_region('regions[%d]' % index, region)
        if region in seen:
            raise InventoryOptionError('regions[%d]: %s is listed twice' % (index, region))
        seen.add(region)
    # Only read when regions is empty (DescribeRegions); ALICLOUD_REGION may be set empty for other tools.
    if not options.get('regions') and options.get('default_region') is not None:
        check_region('default_region', options['default_region'])


def canonical_status(value):
    """A `filters.status` value -> the API's spelling (case-insensitive), or None when it is no status."""
    if isinstance(value, str):
        for status in INSTANCE_STATUSES:
            if value.lower() == status.lower():
                return status
    return None


def check_server_filters(filters):
    """The `filters` option (sent to DescribeInstances). A null value lifts that filter."""
    if not isinstance(filters, dict):
        raise InventoryOptionError('filters: expected a dict, got %s' % _type_name(filters))
    for key, value in filters.items():
        if key not in FILTER_FIELDS:
            raise InventoryOptionError('filters: unknown key %r; use one of %s' % (key, _words(sorted(FILTER_FIELDS))))
        option = 'filters.%s' % key
        if value is None:
            continue
        if key == 'status':
            if canonical_status(value) is None:
                raise InventoryOptionError('%s: %r is not an ECS instance status; use one of %s, or null for every '
                                           'status' % (option, value, _words(INSTANCE_STATUSES)))
        elif key == 'instance_ids':
            ids = [value] if isinstance(value, str) else value
            if not isinstance(ids, list) or not ids:
                raise InventoryOptionError('%s: expected an instance id or a non-empty list of them (null: no id '
                                           'filter), got %r' % (option, value))
            if len(ids) > MAX_INSTANCE_IDS:
                raise InventoryOptionError('%s: at most %d ids per request, got %d'
                                           % (option, MAX_INSTANCE_IDS, len(ids)))
            for index, instance_id in enumerate(ids):
                _text('%s[%d]' % (option, index), instance_id, 'an instance id')
        elif key == 'tags':
            if not isinstance(value, dict) or not value or len(value) > MAX_TAG_FILTERS:
                raise InventoryOptionError('%s: expected a dict of 1 to %d tag keys (value null = any value), got %r'
                                           % (option, MAX_TAG_FILTERS, value))
            for tag_key, tag_value in value.items():
                _text(option, tag_key, 'tag keys as non-empty strings')
                if tag_value is not None:
                    _text('%s.%s' % (option, tag_key), tag_value, 'a string (quote numbers and booleans) or null')
        else:
            _text(option, value)


def check_local_filters(option, entries):
    """include_filters / exclude_filters entries; errors name the option, index and key."""
    if not isinstance(entries, list):
        raise InventoryOptionError('%s: expected a list of dicts, got %s' % (option, _type_name(entries)))
    for index, entry in enumerate(entries):
        where = '%s[%d]' % (option, index)
        if not isinstance(entry, dict) or not entry:
            raise InventoryOptionError('%s: expected a non-empty dict of conditions' % where)
        for key, value in entry.items():
            if key not in FILTER_KEYS:
                raise InventoryOptionError('%s: unknown key %r; use one of %s' % (where, key, _words(FILTER_KEYS)))
            if key == 'tags':
                if not isinstance(value, dict) or not value:
                    raise InventoryOptionError('%s.tags: expected a dict of tag key to value (or null)' % where)
                for tag_key, tag_value in value.items():
                    _text('%s.tags' % where, tag_key, 'tag keys as non-empty strings')
                    if tag_value is not None:
                        _patterns('%s.tags.%s' % (where, tag_key), tag_value)
                continue
            for pattern in _patterns('%s.%s' % (where, key), value):
                if key == 'status' and not _WILDCARD.search(pattern) and pattern not in INSTANCE_STATUSES:
                    raise InventoryOptionError('%s.status: %r is not an ECS instance status (matched as written); '
                                               'use one of %s' % (where, pattern, _words(INSTANCE_STATUSES)))


def _patterns(option, value):
    """A filter value: a string (wildcards allowed; '' matches an empty value) or a non-empty list of them."""
    patterns = value if isinstance(value, list) else [value]
    if not patterns:
        raise InventoryOptionError('%s: an empty list matches nothing' % option)
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise InventoryOptionError('%s: expected a string or a list of strings (quote numbers and booleans), '
                                       'got %r (%s)' % (option, pattern, _type_name(pattern)))
        if text_problem(pattern):
            raise InventoryOptionError('%s: %s' % (option, text_problem(pattern)))
    return patterns


def _hostname_source(option, source):
    if not isinstance(source, str):
        raise InventoryOptionError('%s: expected a hostname source string, got %r (%s)'
                                   % (option, source, _type_name(source)))
    if source in HOSTNAME_SOURCES:
        return source
    if source.startswith('tag:'):
        key, sep, value = source[4:].partition('=')
        if not key:
            raise InventoryOptionError('%s: %r names no tag key; write tag:Key (the tag\'s value) or tag:Key=Value'
                                       % (option, source))
        if key != key.strip() or (sep and not value):
            raise InventoryOptionError('%s: %r is not tag:Key or tag:Key=Value (no spaces around the key, a value '
                                       'after =)' % (option, source))
        if text_problem(source):
            raise InventoryOptionError('%s: %s' % (option, text_problem(source)))
        return source
    raise InventoryOptionError('%s: unknown hostname source %r; use one of %s, tag:Key or tag:Key=Value'
                               % (option, source, _words(HOSTNAME_SOURCES)))


def parse_hostnames(preferences, default=('private_ip',)):
    """The `hostnames` option -> [(name_source, prefix_source or None, separator)]."""
    if not isinstance(preferences, (list, tuple)) and preferences is not None:
        raise InventoryOptionError('hostnames: expected a list, got %s' % _type_name(preferences))
    parsed = []
    for index, item in enumerate(preferences or default):
        where = 'hostnames[%d]' % index
        if isinstance(item, dict):
            unknown = set(item) - {'name', 'prefix', 'separator'}
            if unknown or 'name' not in item:
                hint = ''
                if 'tag' in item and len(item) == 1:
                    hint = " (YAML read `tag: %s` as a mapping: write 'tag:%s' without a space)" % (
                        item['tag'], item['tag'])
                raise InventoryOptionError('%s: a dict entry takes name (required), prefix and separator, got %s%s'
                                           % (where, sorted(item), hint))
            name = _hostname_source('%s.name' % where, item['name'])
            prefix = item.get('prefix')
            if prefix is not None:
                _hostname_source('%s.prefix' % where, prefix)
            separator = item.get('separator', '_')
            if not isinstance(separator, str):
                raise InventoryOptionError('%s.separator: expected a string, got %r' % (where, separator))
            parsed.append((name, prefix, separator))
        elif isinstance(item, str):
            parsed.append((_hostname_source(where, item), None, '_'))
        else:
            raise InventoryOptionError('%s: expected a string or a dict, got %r' % (where, item))
    return parsed


def _variable_name(option, name):
    try:
        validate_variable_name(name)
    except Exception:
        raise InventoryOptionError('%s: %r is not a valid variable name' % (option, name))


def check_constructed(options):
    """compose / groups / keyed_groups, and the hostvar names that hostvars_prefix / hostvars_suffix make.
    ansible-core checks a keyed group only once it has a host, and skips a keyed group without `key`, an
    expression that is no string and an empty one silently unless `strict`; these are refused here at once."""
    prefix, suffix = options.get('hostvars_prefix') or '', options.get('hostvars_suffix') or ''
    if prefix or suffix:
        _variable_name('hostvars_prefix' if prefix else 'hostvars_suffix', '%sinstance_id%s' % (prefix, suffix))
    for name, expression in (options.get('compose') or {}).items():
        _variable_name('compose', name)
        _text('compose.%s' % name, expression, 'a Jinja2 expression string', multiline=True)
    for name, conditional in (options.get('groups') or {}).items():
        _text('groups', name, 'group names as non-empty strings')
        if not isinstance(conditional, bool):
            _text('groups.%s' % name, conditional, 'a Jinja2 conditional string or a boolean', multiline=True)
    keyed_groups = options.get('keyed_groups') or []
    if not isinstance(keyed_groups, list):
        raise InventoryOptionError('keyed_groups: expected a list of dicts, got %s' % _type_name(keyed_groups))
    for index, keyed in enumerate(keyed_groups):
        where = 'keyed_groups[%d]' % index
        if not isinstance(keyed, dict) or not keyed:
            raise InventoryOptionError('%s: expected a dict with key and optionally %s, got %r'
                                       % (where, _words(KEYED_GROUP_KEYS[1:]), keyed))
        unknown = sorted(set(keyed) - set(KEYED_GROUP_KEYS))
        if unknown:
            raise InventoryOptionError('%s: unknown key %r; use %s' % (where, unknown[0], _words(KEYED_GROUP_KEYS)))
        if keyed.get('key') is None:
            raise InventoryOptionError('%s.key: required (the expression whose value names the group)' % where)
        _text('%s.key' % where, keyed['key'], 'a Jinja2 expression string', multiline=True)
        for field in ('prefix', 'separator', 'default_value'):
            if field in keyed and not isinstance(keyed[field], str):
                raise InventoryOptionError('%s.%s: expected a string, got %r' % (where, field, keyed[field]))
        if 'parent_group' in keyed:
            _text('%s.parent_group' % where, keyed['parent_group'], 'a group name')
        if 'trailing_separator' in keyed and not isinstance(keyed['trailing_separator'], bool):
            raise InventoryOptionError('%s.trailing_separator: expected true or false, got %r'
                                       % (where, keyed['trailing_separator']))
        if keyed.get('default_value') is not None and keyed.get('trailing_separator') is not None:
            raise InventoryOptionError('%s: default_value and trailing_separator are mutually exclusive' % where)


def check_endpoint(option, url, schemes=('http', 'https')):
    """An endpoint: [scheme://]host[:port] with nothing after it but one '/'; `{region}` may stand in the host.
    Without `schemes` (sts_endpoint: the SDK always speaks HTTPS to it) a scheme is refused too."""
    rest = url
    if '://' in url:
        scheme, rest = url.split('://', 1)
        if scheme not in schemes:
            raise InventoryOptionError('%s: %r: %s' % (option, url, 'the scheme must be ' + ' or '.join(schemes)
                                                       if schemes else 'a host name, without a scheme'))
    rest = rest[:-1] if rest.endswith('/') else rest
    host, port = rest, None
    if rest.count(':') == 1 or (rest.startswith('[') and ']:' in rest):
        host, port = rest.rsplit(':', 1)
    if not _HOST.match(host.replace('{region}', _REGION_SAMPLE)) or (
            port is not None and not (port.isdigit() and 0 < int(port) < 65536)):
        raise InventoryOptionError('%s: %r is not %shost[:port] (a host name or IP, no path, query or spaces; '
                                   '{region} is the only placeholder)'
                                   % (option, url, '[http://|https://]' if schemes else ''))


def check_credentials(options):
    """Never echoes a key, secret or token: only names the option."""
    for name in ('access_key', 'secret_key', 'security_token'):
        value = options.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not value or any(ch.isspace() for ch in value) or text_problem(value):
            raise InventoryOptionError('%s: must be a non-empty string without spaces, line breaks or control '
                                       'characters (leave it out to use the environment or a profile)' % name)
    for name in ('profile', 'ecs_role_name', 'config_file'):
        if options.get(name) is not None:
            _text(name, options[name])
    if options.get('role_arn') is not None and not _ROLE_ARN.match(_text('role_arn', options['role_arn'])):
        raise InventoryOptionError('role_arn: expected acs:ram::<account id>:role/<role name>, got %r'
                                   % options['role_arn'])
    name = options.get('role_session_name')
    if name is not None and not (isinstance(name, str) and _SESSION_NAME.match(name)):
        raise InventoryOptionError('role_session_name: 2 to 64 letters, digits and . @ _ -, got %r' % (name,))
    if options.get('sts_endpoint') is not None:
        check_endpoint('sts_endpoint', _text('sts_endpoint', options['sts_endpoint']), schemes=())


def validate_options(options, written=None, definitions=None):
    """Refuse configuration that can only be a mistake, before any API call; InventoryOptionError names the option.

    options: each option's effective value (what get_option returns); written: the inventory file as loaded
    (its keys and values before ansible-core's type conversion), with definitions: option name -> ansible-core's
    definition (type, aliases). Options missing from `options` are not checked."""
    if written is not None and definitions:
        check_written(written, definitions)
    check_regions(options)
    check_numbers(options)
    if options.get('filters') is not None:
        check_server_filters(options['filters'])
    for name in ('include_filters', 'exclude_filters'):
        if options.get(name) is not None:
            check_local_filters(name, options[name])
    parse_hostnames(options.get('hostnames'))
    check_constructed(options)
    if options.get('endpoint_url'):
        check_endpoint('endpoint_url', _text('endpoint_url', options['endpoint_url']))
    check_credentials(options)
