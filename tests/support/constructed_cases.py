"""The constructed-feature configurations both equality tests run: tests/integration/test_inventory_constructed.py
(ansible-inventory against the emulator) and tests/unit/plugins/inventory/test_alicloud_ecs_constructed.py (the plugin
in-process, under `make units` on every supported ansible-core release). Each compares the plugin's fast path
with ansible-core's own (FAST_CONSTRUCTED = False)."""

# The running instances: tests/integration/test_inventory_emulator.py's FIXTURE serves them (and a stopped one the
# API query leaves out) from the emulator; the unit test, which has no emulator, takes them as they are.
RUNNING_INSTANCES = [
    {'InstanceId': 'i-web1', 'InstanceName': 'web-1', 'HostName': 'web1', 'RegionId': 'cn-hangzhou',
     'ZoneId': 'cn-hangzhou-h', 'InstanceType': 'ecs.g7.large', 'OSName': 'Alibaba Cloud Linux 3.2104 LTS 64 bit',
     'CreationTime': '2024-05-01T08:00Z', 'Status': 'Running',
     'VpcAttributes': {'VpcId': 'vpc-hz', 'VSwitchId': 'vsw-hz-h', 'PrivateIpAddress': {'IpAddress': ['10.0.1.11']}},
     'PublicIpAddress': {'IpAddress': ['47.96.0.11']},
     'SecurityGroupIds': {'SecurityGroupId': ['sg-web', 'sg-base']},
     'Tags': {'Tag': [{'TagKey': 'env', 'TagValue': 'prod'}, {'TagKey': 'role', 'TagValue': 'web'}]}},
    {'InstanceId': 'i-web2', 'InstanceName': 'web-2', 'RegionId': 'cn-hangzhou', 'ZoneId': 'cn-hangzhou-i',
     'Status': 'Running', 'VpcAttributes': {'VpcId': 'vpc-hz', 'PrivateIpAddress': {'IpAddress': ['10.0.2.12']}},
     'EipAddress': {'IpAddress': '8.136.0.12', 'AllocationId': 'eip-12'},
     'Tags': {'env': 'prod', 'role': 'web'}},
    {'InstanceId': 'i-db1', 'InstanceName': 'db-1', 'RegionId': 'cn-shanghai', 'ZoneId': 'cn-shanghai-b',
     'Status': 'Running', 'VpcAttributes': {'VpcId': 'vpc-sh', 'PrivateIpAddress': {'IpAddress': ['10.1.1.21']}},
     'Tags': {'env': 'staging', 'role': 'db'}},
]

EXTRA_INSTANCES = [
    {'InstanceId': 'i-bare', 'InstanceName': 'bare-1', 'RegionId': 'cn-shanghai', 'ZoneId': 'cn-shanghai-b',
     'Status': 'Running', 'OSName': 'Debian 12.5 64 bit',
     'VpcAttributes': {'VpcId': 'vpc-sh', 'PrivateIpAddress': {'IpAddress': ['10.1.1.31']}}},
    {'InstanceId': 'i-team', 'InstanceName': 'API-1', 'RegionId': 'cn-hangzhou', 'ZoneId': 'cn-hangzhou-h',
     'Status': 'Running', 'OSName': 'Debian 12.5 64 bit',
     'VpcAttributes': {'VpcId': 'vpc-hz', 'PrivateIpAddress': {'IpAddress': ['10.0.1.41']}},
     'Tags': {'env': 'PROD', 'role': 'api', 'team': 'search', 'owner': ''}},
]

CASES = {
    'plain_paths': {'keyed_groups': [
        {'key': 'ecs_tags.env', 'prefix': 'env'}, {'key': 'zone_id'}, {'key': 'region_id', 'prefix': ''},
        {'key': 'instance_type', 'prefix': 'type', 'separator': '-'}, {'key': 'ecs_tags.items', 'prefix': 'm'}]},
    'missing_key_not_strict': {'strict': False, 'keyed_groups': [{'key': 'ecs_tags.team', 'prefix': 'team'}]},
    'default_value': {'keyed_groups': [
        {'key': 'ecs_tags.owner', 'prefix': 'owner', 'default_value': 'nobody'},
        {'key': 'ecs_tags.team', 'prefix': 'team', 'default_value': 'unowned'},
        {'key': 'eip', 'prefix': 'eip', 'default_value': 'none'}]},
    'trailing_separator_false': {'keyed_groups': [
        {'key': 'ecs_tags', 'prefix': 'tag', 'trailing_separator': False},
        {'key': 'ecs_tags', 'prefix': 'kv'}]},
    'parent_group': {'keyed_groups': [
        {'key': 'ecs_tags.role', 'prefix': 'role', 'parent_group': 'roles'},
        {'key': 'ecs_tags.env', 'parent_group': 'envs', 'prefix': 'env'},
        {'key': 'zone_id', 'parent_group': '{{ region_id }}_zones'}]},
    'expressions_and_filters': {
        'keyed_groups': [
            {'key': 'ecs_tags.env | lower', 'prefix': 'e'}, {'key': "instance_name.split('-')[0]", 'prefix': 'n'},
            {'key': 'security_group_ids', 'prefix': 'sg'}, {'key': "ecs_tags.role ~ '_' ~ zone_id", 'prefix': 'rz'},
            {'key': "ecs_tags.get('team', '')", 'prefix': 't', 'default_value': 'x'}],
        'groups': {'web': "ecs_tags.role == 'web'", 'has_public': "public_ip != ''",
                   'debian': "os_name is search('Debian')", 'Odd-Name': "ecs_tags.env is defined"},
        'compose': {'ansible_host': 'public_ip or eip or private_ip', 'env_upper': "ecs_tags.env | default('none') | upper",
                    'literal': "'constant'", 'tag_copy': 'ecs_tags', 'zone': 'zone_id', 'templ': "'{{ zone_id }}'"}},
    'keyed_on_compose_and_group_names': {
        'compose': {'role_copy': 'ecs_tags.role'},
        'keyed_groups': [{'key': 'role_copy', 'prefix': 'rc'}, {'key': 'ecs_tags.env', 'prefix': 'env'},
                         {'key': "group_names | join('+')", 'prefix': 'gn'}, {'key': 'inventory_hostname', 'prefix': 'h'}]},
    # No group_names: the variables are merged once per host, or not at all when nothing reads what the merge adds.
    'keyed_on_compose_and_magic_vars': {
        'compose': {'role_copy': 'ecs_tags.role'},
        'keyed_groups': [{'key': 'role_copy', 'prefix': 'rc'}, {'key': 'inventory_hostname_short', 'prefix': 'hs'}],
        'groups': {'has_file': 'inventory_file is defined', 'hz': "region_id == 'cn-hangzhou'"}},
    'hostvars_prefix_inventory': {'hostvars_prefix': 'inventory_', 'keyed_groups': [
        {'key': 'inventory_hostname', 'prefix': 'h'}, {'key': 'inventory_zone_id', 'prefix': 'z'}]},
    'leading_separator_false': {'leading_separator': False, 'keyed_groups': [{'key': 'ecs_tags.env'}, {'key': 'zone_id'}]},
    'strict_all_present': {'strict': True, 'keyed_groups': [{'key': 'zone_id', 'prefix': 'z'}],
                           'groups': {'hz': "region_id == 'cn-hangzhou'"}},
    'hostvars_prefix': {'hostvars_prefix': 'ecs_', 'keyed_groups': [{'key': 'ecs_ecs_tags.env', 'prefix': 'env'}],
                        'compose': {'ansible_host': 'ecs_private_ip'}},
}
FAILING_CASES = {
    'missing_key_strict': {'strict': True, 'keyed_groups': [{'key': 'ecs_tags.team', 'prefix': 'team'}]},
    'non_bool_conditional_strict': {'strict': True, 'groups': {'named': 'instance_name'}},
}
