"""ecs_options: every alicloud_ecs option checked on plain dicts; each refusal names its option, each limit is
tried on both sides."""
import math

import pytest
import yaml

from ansible_collections.alicloud_ops.logging.plugins.inventory import alicloud_ecs
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_options import (
    FILTER_FIELDS, HOSTNAME_SOURCES, INSTANCE_STATUSES, InventoryOptionError, check_written, parse_hostnames,
    validate_options)

SECRET = 'Options-Secret-Value-never-shown'
# The options as get_option returns them with the plugin's defaults.
DEFAULTS = dict((name, spec.get('default')) for name, spec in
                yaml.safe_load(alicloud_ecs.DOCUMENTATION)['options'].items())
DEFAULTS.update({'compose': {}, 'groups': {}, 'keyed_groups': [], 'cache_timeout': 3600,
                 'role_session_duration': 3600})
# ansible-core's definitions, as far as check_written reads them (type, aliases).
DEFINITIONS = {
    'plugin': {'type': 'str'}, 'regions': {'type': 'list'}, 'strict_permissions': {'type': 'bool'},
    'leading_separator': {'type': 'boolean'}, 'max_workers': {'type': 'int'}, 'retry_deadline': {'type': 'float'},
    'profile': {'type': 'str', 'aliases': ['alicloud_profile']}, 'cache_prefix': {'type': None},
    'access_key': {'type': 'str', 'aliases': ['alicloud_access_key', 'access_key_id']},
}


def refused(**changes):
    with pytest.raises(InventoryOptionError) as err:
        validate_options(dict(DEFAULTS, **changes))
    return str(err.value)


def accepted(**changes):
    validate_options(dict(DEFAULTS, **changes))


def test_the_documented_defaults_pass():
    assert DEFAULTS['max_workers'] == 8 and DEFAULTS['filters'] == {'status': 'Running'}
    validate_options(DEFAULTS)
    validate_options({})   # nothing given, nothing checked


# --- hostnames ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('hostnames, message', [
    (['tag:'], "hostnames[0]: 'tag:' names no tag key; write tag:Key (the tag's value) or tag:Key=Value"),
    (['private_ip', 'tag:=prod'], "hostnames[1]: 'tag:=prod' names no tag key"),
    (['tag: Name'], "hostnames[0]: 'tag: Name' is not tag:Key or tag:Key=Value"),
    (['tag:env='], "hostnames[0]: 'tag:env=' is not tag:Key or tag:Key=Value"),
    ([''], "hostnames[0]: unknown hostname source ''"),
    (['ipv6'], "hostnames[0]: unknown hostname source 'ipv6'; use one of private_ip, public_ip, eip"),
    (['Private_IP'], "hostnames[0]: unknown hostname source 'Private_IP'"),
    ([None], 'hostnames[0]: expected a string or a dict, got None'),
    ([{'name': 'tag:'}], "hostnames[0].name: 'tag:' names no tag key"),
    ([{'name': None}], 'hostnames[0].name: expected a hostname source string, got None (null)'),
    ([{'name': 'instance_id', 'prefix': ''}], "hostnames[0].prefix: unknown hostname source ''"),
    ([{'name': 'instance_id', 'prefix': 'tag:'}], "hostnames[0].prefix: 'tag:' names no tag key"),
    ([{'name': 'instance_id', 'separator': 1}], 'hostnames[0].separator: expected a string, got 1'),
    ([{'name': 'instance_id', 'sep': '-'}], "hostnames[0]: a dict entry takes name (required), prefix and "
                                            "separator, got ['name', 'sep']"),
    ([{'tag': 'Name'}], "hostnames[0]: a dict entry takes name (required), prefix and separator, got ['tag'] "
                        "(YAML read `tag: Name` as a mapping: write 'tag:Name' without a space)"),
    ('private_ip', 'hostnames: expected a list, got str'),
    (['tag:Na\x00me'], 'hostnames[0]: must not contain a NUL byte'),
    ([{'name': 'instance_id', 'prefix': 'tag:env\nx'}], 'hostnames[0].prefix: must be one line without control '
                                                        'characters'),
])
def test_hostnames_refused(hostnames, message):
    assert refused(hostnames=hostnames).startswith(message)


@pytest.mark.parametrize('hostnames', [
    list(HOSTNAME_SOURCES), ['tag:Name'], ['tag:env=prod'], ['tag:k=v=w'], [],
    [{'name': 'tag:Name', 'prefix': 'instance_id', 'separator': ''}], [{'name': 'private_ip', 'prefix': None}],
])
def test_hostnames_accepted(hostnames):
    accepted(hostnames=hostnames)


# --- filters (server side) ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('status', list(INSTANCE_STATUSES) + ['running', 'STOPPED', None])
def test_every_instance_status_in_any_case_or_null_is_accepted(status):
    accepted(filters={'status': status})


@pytest.mark.parametrize('filters, message', [
    ({'status': 'Bogus'}, "filters.status: 'Bogus' is not an ECS instance status; use one of Pending, Running, "
                          "Starting, Stopping, Stopped, or null for every status"),
    ({'status': ''}, "filters.status: '' is not an ECS instance status"),
    ({'status': 'Deleted'}, "filters.status: 'Deleted' is not an ECS instance status"),
    ({'status': ['Running']}, "filters.status: ['Running'] is not an ECS instance status"),
    ({'colour': 'red'}, "filters: unknown key 'colour'; use one of image_id, instance_ids"),
    ({'instance_ids': []}, 'filters.instance_ids: expected an instance id or a non-empty list of them'),
    ({'instance_ids': ['i-%d' % n for n in range(101)]}, 'filters.instance_ids: at most 100 ids per request, got 101'),
    ({'instance_ids': ['i-1', '']}, 'filters.instance_ids[1]: empty; expected an instance id'),
    ({'instance_ids': [7]}, 'filters.instance_ids[0]: expected an instance id, got 7 (int)'),
    ({'tags': {}}, 'filters.tags: expected a dict of 1 to 20 tag keys'),
    ({'tags': dict(('k%d' % n, None) for n in range(21))}, 'filters.tags: expected a dict of 1 to 20 tag keys'),
    ({'tags': ['env']}, "filters.tags: expected a dict of 1 to 20 tag keys (value null = any value), got ['env']"),
    ({'tags': {'env': 1}}, 'filters.tags.env: expected a string (quote numbers and booleans) or null, got 1 (int)'),
    ({'tags': {'': 'x'}}, 'filters.tags: empty; expected tag keys as non-empty strings'),
    ({'vpc_id': ''}, 'filters.vpc_id: empty; expected a string'),
    ({'zone_id': 5}, 'filters.zone_id: expected a string, got 5 (int)'),
    ({'instance_name': ' web-*'}, "filters.instance_name: ' web-*' has leading or trailing whitespace"),
    ({'vpc_id': 'vpc-1\x00'}, 'filters.vpc_id: must not contain a NUL byte'),
    ({'instance_type': 'ecs.g7\nlarge'}, 'filters.instance_type: must be one line without control characters'),
    ({'tags': {'env': 'prod\x1b'}}, 'filters.tags.env: must be one line without control characters'),
    ('status=Running', 'filters: expected a dict, got str'),
])
def test_filters_refused(filters, message):
    assert refused(filters=filters).startswith(message)


@pytest.mark.parametrize('filters', [
    {}, {'status': None, 'vpc_id': None}, {'instance_ids': 'i-1'},
    {'instance_ids': ['i-%d' % n for n in range(100)]}, {'tags': {'env': None}},
    {'tags': dict(('k%d' % n, 'v') for n in range(20))}, {'instance_name': 'web-*', 'image_id': 'debian_12'},
])
def test_filters_accepted(filters):
    accepted(filters=filters)
    assert set(filters) <= set(FILTER_FIELDS)


# --- numbers -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('changes, message', [
    ({'max_workers': 0}, 'max_workers: must be at least 1, got 0'),
    ({'max_workers': -3}, 'max_workers: must be at least 1, got -3'),
    ({'max_workers': True}, 'max_workers: expected a whole number, got True'),
    ({'max_workers': 2.5}, 'max_workers: expected a whole number, got 2.5'),
    ({'retry_deadline': float('nan')}, 'retry_deadline: must be a finite number of seconds, got nan'),
    ({'retry_deadline': float('inf')}, 'retry_deadline: must be a finite number of seconds, got inf'),
    ({'retry_deadline': -float('inf')}, 'retry_deadline: must be a finite number of seconds, got -inf'),
    ({'retry_deadline': -0.001}, 'retry_deadline: must be at least 0 seconds, got -0.001'),
    ({'retry_deadline': 86400.5}, 'retry_deadline: must be at most 86400 seconds, got 86400.5'),
    ({'retry_deadline': '60'}, "retry_deadline: must be a finite number of seconds, got '60'"),
    ({'retry_base_delay': 0.0}, 'retry_base_delay: must be more than 0 seconds, got 0.0'),
    ({'retry_base_delay': -1.0}, 'retry_base_delay: must be more than 0 seconds, got -1.0'),
    ({'retry_base_delay': 3600.5, 'retry_max_delay': 3600.5}, 'retry_base_delay: must be at most 3600 seconds'),
    ({'retry_max_delay': 0.0}, 'retry_max_delay: must be more than 0 seconds, got 0.0'),
    ({'retry_max_delay': float('nan')}, 'retry_max_delay: must be a finite number of seconds, got nan'),
    ({'retry_base_delay': 1.0, 'retry_max_delay': 0.5}, 'retry_max_delay: must be at least retry_base_delay (1), '
                                                        'got 0.5'),
    ({'connect_timeout': 0.0009}, 'connect_timeout: must be at least 0.001 seconds, got 0.0009'),
    ({'connect_timeout': 0.0}, 'connect_timeout: must be at least 0.001 seconds, got 0.0'),
    ({'connect_timeout': 3600.01}, 'connect_timeout: must be at most 3600 seconds, got 3600.01'),
    ({'read_timeout': float('nan')}, 'read_timeout: must be a finite number of seconds, got nan'),
    ({'read_timeout': -5.0}, 'read_timeout: must be at least 0.001 seconds, got -5.0'),
    ({'role_session_duration': 899}, 'role_session_duration: must be from 900 to 43200, got 899'),
    ({'role_session_duration': 43201}, 'role_session_duration: must be from 900 to 43200, got 43201'),
    ({'cache_timeout': -1}, 'cache_timeout: must be at least 0, got -1'),
])
def test_numbers_refused(changes, message):
    assert refused(**changes).startswith(message)


@pytest.mark.parametrize('changes', [
    {'max_workers': 1}, {'max_workers': 64}, {'retry_deadline': 0.0}, {'retry_deadline': 86400.0},
    {'retry_base_delay': 0.001, 'retry_max_delay': 0.001}, {'retry_base_delay': 3600.0, 'retry_max_delay': 3600.0},
    {'connect_timeout': 0.001}, {'connect_timeout': 3600.0}, {'read_timeout': 0.001}, {'read_timeout': 3600},
    {'role_session_duration': 900}, {'role_session_duration': 43200}, {'cache_timeout': 0},
])
def test_numbers_accepted_at_their_limits(changes):
    accepted(**changes)
    assert all(math.isfinite(v) for v in changes.values())


# --- regions -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('regions, message', [
    ([123], 'regions[0]: expected a region id such as cn-hangzhou or ap-southeast-1 (lowercase letters, digits '
            'and -), got 123 (int)'),
    (['cn-hangzhou', None], 'regions[1]: expected a region id such as cn-hangzhou'),
    ([''], "regions[0]: expected a region id such as cn-hangzhou or ap-southeast-1 (lowercase letters, digits "
           "and -), got '' (str)"),
    (['cn_hangzhou'], "regions[0]: expected a region id such as cn-hangzhou"),
    (['CN-HANGZHOU'], "regions[0]: expected a region id"),
    (['hangzhou'], "regions[0]: expected a region id"),
    (['cn-hangzhou '], "regions[0]: expected a region id"),
    (['cn-'], "regions[0]: expected a region id"),
    (['-cn-hangzhou'], "regions[0]: expected a region id"),
    (['cn--hangzhou'], "regions[0]: expected a region id"),
    (['cn-' + 'a' * 62], "regions[0]: expected a region id"),
    (['cn-hangzhou', 'cn-shanghai', 'cn-hangzhou'], 'regions[2]: cn-hangzhou is listed twice'),
])
def test_regions_refused(regions, message):
    assert refused(regions=regions).startswith(message)


def test_regions_accepted_and_default_region_checked():
    accepted(regions=['cn-hangzhou', 'ap-southeast-1', 'us-west-1', 'eu-central-1', 'cn-shanghai-finance-1',
                      'rus-west-1', 'cn-' + 'a' * 61])
    accepted(regions=[])
    # default_region is checked when it is used: regions empty, DescribeRegions asked there.
    assert refused(regions=[], default_region='cn_hangzhou').startswith("default_region: expected a region id "
                                                                        "such as cn-hangzhou")
    assert refused(regions=[], default_region='').startswith('default_region: expected a region id')
    accepted(regions=[], default_region='ap-southeast-1')
    accepted(regions=['cn-hangzhou'], default_region='')


# --- compose / groups / keyed_groups / hostvars_prefix / hostvars_suffix -----------------------------------------

@pytest.mark.parametrize('keyed_groups, message', [
    ([{'prefix': 'env'}], 'keyed_groups[0].key: required (the expression whose value names the group)'),
    ([{'key': 'zone_id'}, {'prefix': 'x', 'key': None}], 'keyed_groups[1].key: required'),
    ([{'key': ''}], 'keyed_groups[0].key: empty; expected a Jinja2 expression string'),
    ([{'key': 5}], 'keyed_groups[0].key: expected a Jinja2 expression string, got 5 (int)'),
    ([{'key': 'zone_id', 'seperator': '-'}], "keyed_groups[0]: unknown key 'seperator'; use key, prefix, separator"),
    (['zone_id'], "keyed_groups[0]: expected a dict with key and optionally prefix, separator, parent_group, "
                  "default_value, trailing_separator, got 'zone_id'"),
    ([{}], 'keyed_groups[0]: expected a dict with key'),
    ([{'key': 'zone_id', 'prefix': None}], 'keyed_groups[0].prefix: expected a string, got None'),
    ([{'key': 'zone_id', 'separator': 0}], 'keyed_groups[0].separator: expected a string, got 0'),
    ([{'key': 'zone_id', 'default_value': 1}], 'keyed_groups[0].default_value: expected a string, got 1'),
    ([{'key': 'zone_id', 'parent_group': ''}], 'keyed_groups[0].parent_group: empty; expected a group name'),
    ([{'key': 'zone_id', 'trailing_separator': 'no'}], "keyed_groups[0].trailing_separator: expected true or "
                                                       "false, got 'no'"),
    ([{'key': 'zone_id', 'default_value': 'x', 'trailing_separator': False}],
     'keyed_groups[0]: default_value and trailing_separator are mutually exclusive'),
    ({'key': 'zone_id'}, 'keyed_groups: expected a list of dicts, got dict'),
])
def test_keyed_groups_refused(keyed_groups, message):
    assert refused(keyed_groups=keyed_groups).startswith(message)


def test_keyed_groups_compose_groups_accepted():
    # Jinja2 expressions may span lines (a YAML block scalar).
    accepted(compose={'env': "ecs_tags.env\n| default('none')"}, groups={'web': "ecs_tags.role ==\n'web'"})
    accepted(keyed_groups=[{'key': 'ecs_tags.env', 'prefix': '', 'separator': '', 'default_value': '',
                            'parent_group': '{{ region_id }}'},
                           {'key': 'ecs_tags', 'trailing_separator': False}],
             compose={'ansible_host': 'public_ip or private_ip'}, groups={'web': "ecs_tags.role == 'web'",
                                                                          'all_of_them': True, 'Odd-Name': 'true'})


@pytest.mark.parametrize('changes, message', [
    ({'compose': {'bad-name': 'private_ip'}}, "compose: 'bad-name' is not a valid variable name"),
    ({'compose': {'x': 5}}, 'compose.x: expected a Jinja2 expression string, got 5 (int)'),
    ({'compose': {'x': ''}}, 'compose.x: empty; expected a Jinja2 expression string'),
    ({'groups': {'g': ''}}, 'groups.g: empty; expected a Jinja2 conditional string or a boolean'),
    ({'groups': {'g': None}}, 'groups.g: expected a Jinja2 conditional string or a boolean, got None (null)'),
    ({'groups': {'': 'true'}}, 'groups: empty; expected group names as non-empty strings'),
    ({'compose': {'x': 'private_ip\x00'}}, 'compose.x: must not contain a NUL byte'),
    ({'keyed_groups': [{'key': 'zone\x00_id'}]}, 'keyed_groups[0].key: must not contain a NUL byte, got'),
    ({'hostvars_prefix': 'ecs-'}, "hostvars_prefix: 'ecs-instance_id' is not a valid variable name"),
    ({'hostvars_prefix': '1x'}, "hostvars_prefix: '1xinstance_id' is not a valid variable name"),
    ({'hostvars_suffix': '-x'}, "hostvars_suffix: 'instance_id-x' is not a valid variable name"),
])
def test_constructed_and_hostvars_names_refused(changes, message):
    assert refused(**changes).startswith(message)


@pytest.mark.parametrize('changes', [
    {'hostvars_prefix': 'ecs_'}, {'hostvars_prefix': '_'}, {'hostvars_suffix': '_x'}, {'hostvars_suffix': '2'},
    {'hostvars_prefix': 'a', 'hostvars_suffix': 'b'},
])
def test_hostvars_prefix_and_suffix_accepted(changes):
    accepted(**changes)


# --- include_filters / exclude_filters ---------------------------------------------------------------------------

@pytest.mark.parametrize('option, entries, message', [
    ('include_filters', [{}], 'include_filters[0]: expected a non-empty dict of conditions'),
    ('include_filters', ['zone_id'], 'include_filters[0]: expected a non-empty dict of conditions'),
    ('include_filters', 'zone_id', 'include_filters: expected a list of dicts, got str'),
    ('exclude_filters', [{'vpc_id': 'v'}, {'colour': 'x'}], "exclude_filters[1]: unknown key 'colour'"),
    ('include_filters', [{'status': 'running'}], "include_filters[0].status: 'running' is not an ECS instance "
                                                 "status (matched as written); use one of Pending, Running"),
    ('exclude_filters', [{'status': ['Running', 'Bogus']}], "exclude_filters[0].status: 'Bogus' is not an ECS "
                                                            "instance status"),
    ('include_filters', [{'zone_id': None}], 'include_filters[0].zone_id: expected a string or a list of '
                                             'strings (quote numbers and booleans), got None (null)'),
    ('include_filters', [{'zone_id': []}], 'include_filters[0].zone_id: an empty list matches nothing'),
    ('include_filters', [{'instance_type': 5}], 'include_filters[0].instance_type: expected a string or a list'),
    ('include_filters', [{'tags': {}}], 'include_filters[0].tags: expected a dict of tag key to value (or null)'),
    ('include_filters', [{'tags': ['env']}], 'include_filters[0].tags: expected a dict'),
    ('exclude_filters', [{'tags': {'env': 1}}], 'exclude_filters[0].tags.env: expected a string or a list of '
                                                'strings'),
    ('exclude_filters', [{'tags': {'': 'x'}}], 'exclude_filters[0].tags: empty'),
    ('include_filters', [{'instance_name': ['web-*', 'db\n']}], 'include_filters[0].instance_name: must be one line'),
    ('include_filters', [{'tags': {'env': 'a\x00'}}], 'include_filters[0].tags.env: must not contain a NUL byte'),
])
def test_local_filters_refused(option, entries, message):
    assert refused(**{option: entries}).startswith(message)


def test_local_filters_accepted():
    accepted(include_filters=[{'status': 'Run*'}, {'status': ['Running', 'Stopped']}, {'eip': ''},
                              {'tags': {'env': None, 'team': ['a', 'b*']}}],
             exclude_filters=[{'instance_ids': 'i-1', 'private_ip': '10.0.*'}])


# --- endpoints and credentials -----------------------------------------------------------------------------------

@pytest.mark.parametrize('url, message', [
    ('ftp://ecs.aliyuncs.com', "endpoint_url: 'ftp://ecs.aliyuncs.com': the scheme must be http or https"),
    ('http://127.0.0.1:8080/api', "endpoint_url: 'http://127.0.0.1:8080/api' is not [http://|https://]host[:port]"),
    ('http://ecs.example.com?x=1', "endpoint_url: 'http://ecs.example.com?x=1' is not"),
    ('http://127.0.0.1:0', "endpoint_url: 'http://127.0.0.1:0' is not"),
    ('http://127.0.0.1:65536', "endpoint_url: 'http://127.0.0.1:65536' is not"),
    ('http://127.0.0.1:', "endpoint_url: 'http://127.0.0.1:' is not"),
    ('http://', "endpoint_url: 'http://' is not"),
    ('https://ecs.{regoin}.aliyuncs.com', "endpoint_url: 'https://ecs.{regoin}.aliyuncs.com' is not"),
    ('http://ecs example.com', "endpoint_url: 'http://ecs example.com' is not"),
    (' http://ecs.example.com', "endpoint_url: ' http://ecs.example.com' has leading or trailing whitespace"),
    (8080, 'endpoint_url: expected a string, got 8080 (int)'),
])
def test_endpoint_url_refused(url, message):
    assert refused(endpoint_url=url).startswith(message)


@pytest.mark.parametrize('url', [
    None, '', 'http://127.0.0.1:1', 'http://127.0.0.1:65535/', 'https://ecs-vpc.{region}.aliyuncs.com',
    'ecs.cn-hangzhou.aliyuncs.com', 'ecs-{region}.example.com:8443', 'http://[::1]:8080', 'http://localhost',
])
def test_endpoint_url_accepted(url):
    accepted(endpoint_url=url)


@pytest.mark.parametrize('changes, message', [
    ({'access_key': ''}, 'access_key: must be a non-empty string without spaces, line breaks'),
    ({'secret_key': SECRET + '\n'}, 'secret_key: must be a non-empty string without spaces, line breaks'),
    ({'security_token': 'a ' + SECRET}, 'security_token: must be a non-empty string without spaces'),
    ({'access_key': SECRET + '\x01'}, 'access_key: must be a non-empty string without spaces, line breaks or '
                                      'control characters'),
    ({'profile': ''}, 'profile: empty'),
    ({'profile': 'ops\x00'}, 'profile: must not contain a NUL byte'),
    ({'ecs_role_name': ' ops'}, "ecs_role_name: ' ops' has leading or trailing whitespace"),
    ({'role_arn': 'arn:aws:iam::1:role/x'}, "role_arn: expected acs:ram::<account id>:role/<role name>, got "
                                            "'arn:aws:iam::1:role/x'"),
    ({'role_arn': 'acs:ram::123:role/'}, 'role_arn: expected acs:ram::<account id>:role/<role name>'),
    ({'role_session_name': 'a'}, "role_session_name: 2 to 64 letters, digits and . @ _ -, got 'a'"),
    ({'role_session_name': 'x' * 65}, 'role_session_name: 2 to 64 letters'),
    ({'role_session_name': 'my session'}, 'role_session_name: 2 to 64 letters'),
    ({'sts_endpoint': 'https://sts.aliyuncs.com'}, "sts_endpoint: 'https://sts.aliyuncs.com': a host name, "
                                                   "without a scheme"),
    ({'sts_endpoint': 'sts.aliyuncs.com/x'}, "sts_endpoint: 'sts.aliyuncs.com/x' is not host[:port]"),
])
def test_credentials_refused_without_showing_a_secret(changes, message):
    text = refused(**changes)
    assert text.startswith(message) and SECRET not in text


def test_credentials_accepted():
    accepted(access_key='LTAI5tExample', secret_key=SECRET, security_token='CAIS+token/=', profile='ops',
             role_arn='acs:ram::123456789012:role/ecs-inventory-readonly', role_session_name='ab',
             sts_endpoint='sts-vpc.cn-hangzhou.aliyuncs.com')
    accepted(role_session_name='a.b@c_d-' + 'x' * 55)


# --- the file as written -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('written, message', [
    ({'plugin': 'x', 'regoins': []}, "unknown option 'regoins'; did you mean 'regions'?"),
    ({'colour': 'red'}, "unknown option 'colour'"),
    ({'access_key': 'a', 'access_key_id': 'b'}, "access_key: given twice, as 'access_key' and 'access_key_id'"),
    ({'strict_permissions': 'flase'}, "strict_permissions: expected true or false, got 'flase'"),
    ({'leading_separator': 2}, 'leading_separator: expected true or false, got 2'),
    ({'strict_permissions': [True]}, 'strict_permissions: expected true or false, got [True]'),
    ({'max_workers': True}, 'max_workers: expected a number, got True'),
    ({'retry_deadline': False}, 'retry_deadline: expected a number, got False'),
    ({'alicloud_profile': True}, 'alicloud_profile: expected a string, got the boolean True (YAML reads'),
])
def test_the_file_as_written_refused(written, message):
    with pytest.raises(InventoryOptionError) as err:
        check_written(written, DEFINITIONS)
    assert str(err.value).startswith(message)
    with pytest.raises(InventoryOptionError):
        validate_options(DEFAULTS, written, DEFINITIONS)


@pytest.mark.parametrize('written', [
    {'plugin': 'x', 'regions': ['cn-hangzhou'], 'alicloud_access_key': 'a', 'profile': None},
    {'strict_permissions': 'no', 'leading_separator': 'False'}, {'strict_permissions': True},
    {'strict_permissions': 1}, {'max_workers': 8}, {'max_workers': '8'}, {'retry_deadline': 0.5},
    {'cache_prefix': True},
])
def test_the_file_as_written_accepted(written):
    check_written(written, DEFINITIONS)


def test_the_plugins_example_passes():
    example = yaml.safe_load(alicloud_ecs.EXAMPLES)
    validate_options(dict(DEFAULTS, **example))


def test_the_file_as_written_messages_in_full():
    def message(written, definitions=DEFINITIONS):
        with pytest.raises(InventoryOptionError) as err:
            check_written(written, definitions)
        return str(err.value)
    assert message({'colour': 'red'}) == "unknown option 'colour'"
    assert message({'regoins': []}) == "unknown option 'regoins'; did you mean 'regions'?"
    assert message({'alicloud_profile': False}) == (
        "alicloud_profile: expected a string, got the boolean False (YAML reads yes/no/true/false unquoted as "
        "booleans; quote the value)")
    # Every spelling of the types ansible-core takes.
    assert message({'n': True}, {'n': {'type': 'integer'}}) == 'n: expected a number, got True'
    assert message({'s': True}, {'s': {'type': 'string'}}).startswith('s: expected a string, got the boolean True')
    assert message({'b': 'maybe'}, {'b': {'type': 'BOOLEAN'}}) == "b: expected true or false, got 'maybe'"
    # A null value is not checked, and the keys after it still are.
    assert message({'profile': None, 'strict_permissions': 'flase'}) == (
        "strict_permissions: expected true or false, got 'flase'")
    # No definition or no type: any value.
    check_written({'x': True, 'y': 'z'}, {'x': None, 'y': {}})


@pytest.mark.parametrize('url', ['http://ecs.example.com://x', 'https://ecs.example.com/http://x'])
def test_endpoint_url_with_a_second_scheme_is_no_host(url):
    assert refused(endpoint_url=url) == (
        "endpoint_url: %r is not [http://|https://]host[:port] (a host name or IP, no path, query or spaces; "
        "{region} is the only placeholder)" % url)


@pytest.mark.parametrize('url, ok', [
    ('http://[::1]', True), ('http://[::1]/', True), ('http://[::1]:8080/', True), ('http://127.0.0.1:1/', True),
    ('http://ecs.example.com//', False), ('http://[::1]:8080//', False),
])
def test_endpoint_url_one_trailing_slash_and_a_bracketed_ip_without_port(url, ok):
    if ok:
        accepted(endpoint_url=url)
    else:
        assert refused(endpoint_url=url).startswith("endpoint_url: %r is not [http://|https://]host[:port]" % url)


def test_a_local_filter_value_that_is_no_string_is_named_with_its_type():
    assert refused(include_filters=[{'zone_id': 5}]) == (
        'include_filters[0].zone_id: expected a string or a list of strings (quote numbers and booleans), got 5 (int)')


@pytest.mark.parametrize('changes, message', [
    ({'config_file': ''}, 'config_file: empty; expected a string'),
    ({'config_file': 5}, 'config_file: expected a string, got 5 (int)'),
    ({'role_arn': ''}, 'role_arn: empty; expected a string'),
    ({'role_arn': ' acs:ram::1:role/x'}, "role_arn: ' acs:ram::1:role/x' has leading or trailing whitespace"),
    ({'sts_endpoint': ''}, 'sts_endpoint: empty; expected a string'),
    ({'sts_endpoint': 443}, 'sts_endpoint: expected a string, got 443 (int)'),
])
def test_credential_texts_refused_naming_the_option(changes, message):
    assert refused(**changes) == message


def test_a_keyed_groups_key_may_span_lines_like_compose_and_groups():
    accepted(keyed_groups=[{'key': "ecs_tags.env\n| default('none')", 'prefix': 'env'}])
    assert refused(keyed_groups=[{'key': 'ecs_tags.env\x00'}]).startswith('keyed_groups[0].key: must not contain a NUL')


@pytest.mark.parametrize('hostnames, message', [
    ([{'name': 5}], 'hostnames[0].name: expected a hostname source string, got 5 (int)'),
    (['tag: Name'], "hostnames[0]: 'tag: Name' is not tag:Key or tag:Key=Value (no spaces around the key, a value "
                    "after =)"),
    (['ipv6'], "hostnames[0]: unknown hostname source 'ipv6'; use one of private_ip, public_ip, eip, instance_id, "
               "instance_name, hostname, tag:Key or tag:Key=Value"),
    ([{'name': 'instance_id', 'sep': '-'}], "hostnames[0]: a dict entry takes name (required), prefix and separator, "
                                            "got ['name', 'sep']"),
    ([{'nmae': 'instance_id'}], "hostnames[0]: a dict entry takes name (required), prefix and separator, got ['nmae']"),
    ([{'tag': 'Name', 'prefix': 'x'}], "hostnames[0]: a dict entry takes name (required), prefix and separator, got "
                                       "['prefix', 'tag']"),
])
def test_hostnames_messages_in_full(hostnames, message):
    assert refused(hostnames=hostnames) == message


@pytest.mark.parametrize('options, message', [
    # A null option is skipped, and the ones after it are still checked.
    ({'retry_deadline': None, 'retry_base_delay': 0}, 'retry_base_delay: must be more than 0 seconds, got 0'),
    ({'max_workers': None, 'role_session_duration': 1}, 'role_session_duration: must be from 900 to 43200, got 1'),
    ({'filters': {'status': None, 'vpc_id': ''}}, 'filters.vpc_id: empty; expected a string'),
    ({'include_filters': [{'tags': {'env': 'a'}, 'status': 'bogus'}]},
     "include_filters[0].status: 'bogus' is not an ECS instance status (matched as written); use one of Pending, "
     "Running, Starting, Stopping, Stopped"),
    ({'filters': {'instance_ids': 5}}, 'filters.instance_ids: expected an instance id or a non-empty list of them '
                                       '(null: no id filter), got 5'),
    ({'filters': {'instance_ids': []}}, 'filters.instance_ids: expected an instance id or a non-empty list of them '
                                        '(null: no id filter), got []'),
    ({'exclude_filters': [{'tags': {'': 'x'}}]}, 'exclude_filters[0].tags: empty; expected tag keys as non-empty '
                                                 'strings'),
    ({'filters': {'colour': 'red'}}, "filters: unknown key 'colour'; use one of image_id, instance_ids, "
                                     "instance_name, instance_type, resource_group_id, security_group_id, status, "
                                     "tags, vpc_id, vswitch_id, zone_id"),
    ({'include_filters': [{'colour': 'red'}]}, "include_filters[0]: unknown key 'colour'; use one of instance_id, "
                                               "instance_ids, instance_name, hostname, region_id, zone_id, vpc_id, "
                                               "vswitch_id, status, instance_type, os_name, os_type, image_id, "
                                               "private_ip, public_ip, eip, security_group_id, resource_group_id, "
                                               "tags"),
    ({'regions': ['cn-hangzhou', 'cn-hangzhou']}, 'regions[1]: cn-hangzhou is listed twice'),
])
def test_options_alone_refused_with_the_whole_message(options, message):
    with pytest.raises(InventoryOptionError) as err:
        validate_options(options)
    assert str(err.value) == message


def test_one_retry_delay_alone_and_the_file_as_written_only_with_definitions():
    validate_options({'retry_base_delay': 1.0})
    validate_options({'retry_max_delay': 1.0})
    validate_options({'regions': [], 'default_region': None})
    validate_options(DEFAULTS, {'colour': 'red'}, None)
    validate_options(DEFAULTS, {'colour': 'red'}, {})
    validate_options(DEFAULTS, None, DEFINITIONS)


def test_parse_hostnames_gives_source_prefix_and_separator():
    assert parse_hostnames(None) == [('private_ip', None, '_')]
    assert parse_hostnames([]) == [('private_ip', None, '_')]
    assert parse_hostnames((), default=('instance_id', 'eip')) == [('instance_id', None, '_'), ('eip', None, '_')]
    assert parse_hostnames(('public_ip', {'name': 'tag:Name', 'prefix': 'instance_id'},
                            {'name': 'eip', 'separator': '-'})) == [
        ('public_ip', None, '_'), ('tag:Name', 'instance_id', '_'), ('eip', None, '-')]
