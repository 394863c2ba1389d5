import copy

import pytest

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_options import InventoryOptionError
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_transform import (
    HostPlanner, candidate_names, compile_hostnames, decorate_hostvars, default_groups, instance_hostvars,
    passes_local_filters, plan_hosts, sanitize_group_name)

WEB = {
    'InstanceId': 'i-web1', 'InstanceName': 'web 1', 'HostName': 'web1.internal', 'Status': 'Running',
    'RegionId': 'cn-hangzhou', 'ZoneId': 'cn-hangzhou-h', 'InstanceType': 'ecs.g7.large', 'OSName': 'Debian 12',
    'CreationTime': '2024-05-01T08:00Z', 'ImageId': 'debian_12', 'OSType': 'linux',
    'VpcAttributes': {'VpcId': 'vpc-a', 'VSwitchId': 'vsw-a', 'PrivateIpAddress': {'IpAddress': ['10.0.0.5', '10.0.0.6']}},
    'PublicIpAddress': {'IpAddress': ['47.1.1.1']},
    'EipAddress': {'IpAddress': '', 'AllocationId': ''},
    'SecurityGroupIds': {'SecurityGroupId': ['sg-web', 'sg-base']},
    'Tags': {'Tag': [{'TagKey': 'env', 'TagValue': 'prod'}, {'TagKey': 'Name', 'TagValue': 'web-one'},
                     {'TagKey': 'team', 'TagValue': ''}]},
    'NetworkInterfaces': {'NetworkInterface': [
        {'NetworkInterfaceId': 'eni-1', 'PrimaryIpAddress': '10.0.0.5', 'MacAddress': '00:16:3e:00:00:01',
         'Type': 'Primary'}]},
}


def instance(**changes):
    item = copy.deepcopy(WEB)
    item.update(changes)
    return item


def records(*instances):
    return [instance_hostvars(item) for item in instances]


def test_hostvars_are_snake_case_with_tags_as_dict():
    hv = instance_hostvars(WEB)
    assert hv['instance_id'] == 'i-web1'
    assert hv['instance_name'] == 'web 1'
    assert hv['hostname'] == 'web1.internal'
    assert (hv['region_id'], hv['zone_id'], hv['vpc_id'], hv['vswitch_id']) == (
        'cn-hangzhou', 'cn-hangzhou-h', 'vpc-a', 'vsw-a')
    assert hv['private_ip'] == '10.0.0.5' and hv['private_ips'] == ['10.0.0.5', '10.0.0.6']
    assert hv['public_ip'] == '47.1.1.1' and hv['eip'] == ''
    assert hv['security_group_ids'] == ['sg-web', 'sg-base']
    assert hv['ecs_tags'] == {'env': 'prod', 'Name': 'web-one', 'team': ''}
    assert 'tags' not in hv   # reserved play keyword: ansible-core would warn on every run
    assert (hv['instance_type'], hv['os_name'], hv['status']) == ('ecs.g7.large', 'Debian 12', 'Running')
    assert hv['creation_time'] == '2024-05-01T08:00Z'
    assert hv['network_interfaces'] == [{'network_interface_id': 'eni-1', 'primary_ip_address': '10.0.0.5',
                                         'mac_address': '00:16:3e:00:00:01', 'type': 'Primary'}]
    assert all(key == key.lower() for key in hv)


def test_hostvars_survive_missing_fields():
    hv = instance_hostvars({'InstanceId': 'i-bare'})
    assert hv['private_ip'] == '' and hv['ecs_tags'] == {} and hv['security_group_ids'] == []
    classic = instance_hostvars({'InstanceId': 'i-c', 'InnerIpAddress': {'IpAddress': ['10.9.9.9']}})
    assert classic['private_ip'] == '10.9.9.9'


@pytest.mark.parametrize('preference, expected', [
    (['private_ip'], ['10.0.0.5']),
    (['public_ip'], ['47.1.1.1']),
    (['instance_id'], ['i-web1']),
    (['instance_name'], ['web 1']),
    (['hostname'], ['web1.internal']),
    (['tag:Name'], ['web-one']),
    (['tag:env=prod'], ['env_prod']),
    (['tag:env=dev'], []),
    (['tag:team'], []),              # empty tag value does not name a host
    (['eip'], []),
    (['eip', 'tag:missing', 'instance_id'], ['i-web1']),
    ([{'name': 'tag:Name', 'prefix': 'instance_id'}], ['i-web1_web-one']),
    ([{'name': 'private_ip', 'prefix': 'tag:env', 'separator': '-'}], ['prod-10.0.0.5']),
    ([{'name': 'private_ip', 'prefix': 'eip', 'separator': '-'}], []),   # empty prefix skips the entry
    (['private_ip', 'public_ip', 'private_ip'], ['10.0.0.5', '47.1.1.1']),
])
def test_every_hostnames_form(preference, expected):
    assert candidate_names(instance_hostvars(WEB), compile_hostnames(preference)) == expected


def test_eip_form():
    hv = instance_hostvars(instance(EipAddress={'IpAddress': '8.8.1.1', 'AllocationId': 'eip-1'}))
    assert candidate_names(hv, compile_hostnames(['eip'])) == ['8.8.1.1']
    assert hv['eip_allocation_id'] == 'eip-1'


def test_default_hostname_is_private_ip():
    assert candidate_names(instance_hostvars(WEB), compile_hostnames(None)) == ['10.0.0.5']


@pytest.mark.parametrize('bad, fragment', [
    (['private_ip', 'ipv6'], "hostnames[1]: unknown hostname source 'ipv6'"),
    ([{'prefix': 'instance_id'}], 'hostnames[0]: a dict entry takes name (required)'),
    ([{'name': 'instance_id', 'sep': '-'}], 'hostnames[0]: a dict entry'),
    ([{'name': 'instance_id', 'prefix': 'nope'}], "unknown hostname source 'nope'"),
    ([3], 'hostnames[0]: expected a string or a dict'),
])
def test_bad_hostnames_name_the_entry(bad, fragment):
    with pytest.raises(InventoryOptionError) as err:
        compile_hostnames(bad)
    assert fragment in str(err.value)


def test_duplicate_names_fall_back_to_instance_id_without_allow_duplicated_hosts():
    twin = instance(InstanceId='i-web2')  # same private ip (e.g. two VPCs)
    planned, notes = plan_hosts(records(WEB, twin), hostnames=['private_ip'])
    assert [p.names for p in planned] == [['10.0.0.5'], ['i-web2']]
    assert len(notes) == 1 and 'i-web1 and i-web2' in notes[0]


def test_planning_batch_by_batch_keeps_names_taken_in_earlier_batches():
    twin, nameless = instance(InstanceId='i-web2'), instance(InstanceId='i-x', VpcAttributes={}, PublicIpAddress={})
    planner = HostPlanner(hostnames=['private_ip'])
    first, first_notes = planner.plan(records(WEB, nameless))
    second, second_notes = planner.plan(records(twin))
    assert [p.names for p in first + second] == [['10.0.0.5'], ['i-web2']]
    assert first_notes == [] and len(second_notes) == 1 and 'i-web1 and i-web2' in second_notes[0]
    whole, notes = plan_hosts(records(WEB, nameless, twin), hostnames=['private_ip'])
    assert [p.names for p in whole] == [['10.0.0.5'], ['i-web2']]
    assert notes == second_notes + planner.finish() and 'i-x' in notes[-1]


def test_allow_duplicated_hosts_lists_every_matching_name_and_keeps_collisions():
    twin = instance(InstanceId='i-web2')
    planned, notes = plan_hosts(records(WEB, twin), hostnames=['private_ip', 'instance_id'], allow_duplicated_hosts=True)
    assert [p.names for p in planned] == [['10.0.0.5', 'i-web1'], ['10.0.0.5', 'i-web2']]
    assert notes == []


def test_instances_without_any_name_are_left_out_with_a_note():
    planned, notes = plan_hosts(records(WEB, instance(InstanceId='i-x', EipAddress={})), hostnames=['tag:Owner'])
    assert planned == []
    assert '2 instance(s) have none of the hostnames sources' in notes[0] and 'i-x' in notes[0]


@pytest.mark.parametrize('raw, safe', [
    ('cn-hangzhou', 'cn_hangzhou'), ('cn-hangzhou-h', 'cn_hangzhou_h'), ('a.b c/d:e', 'a_b_c_d_e'),
    ('ok_name1', 'ok_name1'),
])
def test_group_name_sanitisation(raw, safe):
    assert sanitize_group_name(raw) == safe


def test_default_groups_are_all_region_zone():
    assert default_groups(instance_hostvars(WEB)) == ['alicloud', 'cn_hangzhou', 'cn_hangzhou_h']
    assert default_groups({'region_id': 'x', 'zone_id': ''}) == ['alicloud', 'x']
    assert default_groups(instance_hostvars(WEB), sanitize=lambda n: n.upper()) == [
        'alicloud', 'CN-HANGZHOU', 'CN-HANGZHOU-H']


def test_prefix_and_suffix():
    hv = {'instance_id': 'i-1', 'ecs_tags': {}}
    assert decorate_hostvars(hv) is hv
    assert decorate_hostvars(hv, 'x_') == {'x_instance_id': 'i-1', 'x_ecs_tags': {}}
    assert decorate_hostvars(hv, suffix='_ecs') == {'instance_id_ecs': 'i-1', 'ecs_tags_ecs': {}}
    assert decorate_hostvars(hv, 'a_', '_z') == {'a_instance_id_z': 'i-1', 'a_ecs_tags_z': {}}


def test_include_and_exclude_filters_exclude_wins():
    hv = instance_hostvars(WEB)
    assert passes_local_filters(hv, None, None)
    assert passes_local_filters(hv, [{'tags': {'env': 'prod'}}], None)
    assert passes_local_filters(hv, [{'tags': {'env': None}}], None)             # any value
    assert not passes_local_filters(hv, [{'tags': {'env': 'dev'}}], None)
    assert passes_local_filters(hv, [{'zone_id': 'cn-shanghai-*'}, {'instance_name': 'web*'}], None)  # any entry
    assert not passes_local_filters(hv, [{'instance_name': 'web*', 'vpc_id': 'vpc-b'}], None)  # AND within
    assert passes_local_filters(hv, [{'security_group_id': 'sg-base'}], None)
    assert passes_local_filters(hv, [{'private_ip': '10.0.0.6'}], None)         # any of the host's ips
    assert passes_local_filters(hv, [{'instance_ids': ['i-x', 'i-web1']}], None)
    assert not passes_local_filters(hv, [{'tags': {'env': 'prod'}}], [{'instance_type': 'ecs.g7.*'}])
    assert not passes_local_filters(hv, None, [{'status': ['Stopped', 'Running']}])


def test_plan_hosts_applies_filters_and_validates_them():
    other = instance(InstanceId='i-db', VpcAttributes={'VpcId': 'vpc-a', 'PrivateIpAddress': {'IpAddress': ['10.0.0.9']}},
                     Tags={'Tag': [{'TagKey': 'env', 'TagValue': 'dev'}]})
    planned, _ = plan_hosts(records(WEB, other), include_filters=[{'vpc_id': 'vpc-a'}],
                            exclude_filters=[{'tags': {'env': 'dev'}}])
    assert [p.hostvars['instance_id'] for p in planned] == ['i-web1']
    with pytest.raises(InventoryOptionError) as err:
        plan_hosts(records(WEB), exclude_filters=[{'colour': 'red'}])
    assert "exclude_filters[0]: unknown key 'colour'" in str(err.value)
    with pytest.raises(InventoryOptionError) as err:
        plan_hosts(records(WEB), include_filters=[{'tags': ['env']}])
    assert 'include_filters[0].tags' in str(err.value)


# Issue 25: every hostvar by name and value, the empty value of each absent field, and the planner's exact notes,
# boundaries and per-zone groups.

def test_hostvars_name_every_field_of_a_full_item():
    full = instance(Description='front end', InstanceChargeType='PostPaid', ResourceGroupId='rg-web',
                    EipAddress={'IpAddress': '8.8.1.1', 'AllocationId': 'eip-1'},
                    PublicIpAddress={'IpAddress': ['47.1.1.1', '47.1.1.2']})
    assert instance_hostvars(full) == {
        'instance_id': 'i-web1', 'instance_name': 'web 1', 'hostname': 'web1.internal', 'description': 'front end',
        'region_id': 'cn-hangzhou', 'zone_id': 'cn-hangzhou-h', 'vpc_id': 'vpc-a', 'vswitch_id': 'vsw-a',
        'private_ip': '10.0.0.5', 'private_ips': ['10.0.0.5', '10.0.0.6'],
        'public_ip': '47.1.1.1', 'public_ips': ['47.1.1.1', '47.1.1.2'],
        'eip': '8.8.1.1', 'eip_allocation_id': 'eip-1', 'security_group_ids': ['sg-web', 'sg-base'],
        'ecs_tags': {'env': 'prod', 'Name': 'web-one', 'team': ''},
        'instance_type': 'ecs.g7.large', 'instance_charge_type': 'PostPaid', 'image_id': 'debian_12',
        'os_name': 'Debian 12', 'os_type': 'linux', 'status': 'Running', 'creation_time': '2024-05-01T08:00Z',
        'resource_group_id': 'rg-web',
        'network_interfaces': [{'network_interface_id': 'eni-1', 'primary_ip_address': '10.0.0.5',
                                'mac_address': '00:16:3e:00:00:01', 'type': 'Primary'}],
    }


EMPTY_HOSTVARS = {
    'instance_id': '', 'instance_name': '', 'hostname': '', 'description': '', 'region_id': '', 'zone_id': '',
    'vpc_id': '', 'vswitch_id': '', 'private_ip': '', 'private_ips': [], 'public_ip': '', 'public_ips': [],
    'eip': '', 'eip_allocation_id': '', 'security_group_ids': [], 'ecs_tags': {}, 'instance_type': '',
    'instance_charge_type': '', 'image_id': '', 'os_name': '', 'os_type': '', 'status': '', 'creation_time': '',
    'resource_group_id': '', 'network_interfaces': [],
}


@pytest.mark.parametrize('item', [
    {},
    {'VpcAttributes': None, 'InnerIpAddress': None, 'PublicIpAddress': None, 'EipAddress': None,
     'SecurityGroupIds': None, 'Tags': None, 'NetworkInterfaces': None},
    {'VpcAttributes': {'PrivateIpAddress': {'IpAddress': None}}, 'InnerIpAddress': {'IpAddress': []},
     'PublicIpAddress': {}, 'EipAddress': {'IpAddress': None, 'AllocationId': None},
     'SecurityGroupIds': {'SecurityGroupId': None}, 'Tags': {'Tag': None}, 'NetworkInterfaces': {}},
])
def test_absent_fields_are_empty_strings_and_lists_never_none(item):
    # Templates test `hostvar == ''` and iterate lists: None (or a placeholder) in their place would break them.
    assert instance_hostvars(item) == EMPTY_HOSTVARS


def test_a_network_interface_or_tag_missing_fields_reads_as_empty():
    hv = instance_hostvars({'InstanceId': 'i-n', 'NetworkInterfaces': {'NetworkInterface': [
        {'NetworkInterfaceId': 'eni-2'}, {}]}, 'Tags': {'Tag': [{'TagKey': 'bare'}]}})
    assert hv['network_interfaces'] == [
        {'network_interface_id': 'eni-2', 'primary_ip_address': '', 'mac_address': '', 'type': ''},
        {'network_interface_id': '', 'primary_ip_address': '', 'mac_address': '', 'type': ''}]
    assert hv['ecs_tags'] == {'bare': ''}


def test_tag_filters_need_the_tag_and_do_not_end_the_entry():
    hv = instance_hostvars(WEB)
    assert not passes_local_filters(hv, [{'tags': {'owner': None}}], None)      # a tag the host lacks
    assert not passes_local_filters(hv, [{'tags': {'owner': 'x', 'env': 'prod'}}], None)
    # The other conditions of an entry with tags still count (AND), in either order.
    assert not passes_local_filters(hv, [{'tags': {'env': 'prod'}, 'vpc_id': 'vpc-b'}], None)
    assert not passes_local_filters(hv, [{'vpc_id': 'vpc-b', 'tags': {'env': 'prod'}}], None)
    assert passes_local_filters(hv, [{'tags': {'env': 'prod'}, 'vpc_id': 'vpc-a'}], None)


@pytest.mark.parametrize('key, value, kept', [
    ('public_ip', '47.1.1.2', True),      # any of the host's public ips, not only the first
    ('public_ip', '47.1.1.1', True),
    ('public_ip', '47.1.1.3', False),
    ('private_ip', '10.0.0.6', True),
    ('private_ip', '10.0.0.7', False),
])
def test_ip_filters_match_any_of_the_hosts_ips(key, value, kept):
    hv = instance_hostvars(instance(PublicIpAddress={'IpAddress': ['47.1.1.1', '47.1.1.2']}))
    assert passes_local_filters(hv, [{key: value}], None) is kept


def test_plan_skips_hosts_outside_the_include_filters_and_goes_on():
    outside = instance(InstanceId='i-out', VpcAttributes={'VpcId': 'vpc-b', 'PrivateIpAddress': {'IpAddress': ['10.1.0.1']}})
    planned, notes = plan_hosts(records(outside, WEB), include_filters=[{'vpc_id': 'vpc-a'}])
    assert [(p.names, p.hostvars['instance_id']) for p in planned] == [(['10.0.0.5'], 'i-web1')]
    assert notes == []
    planned, _notes = plan_hosts(records(outside, WEB), exclude_filters=[{'vpc_id': 'vpc-a'}])
    assert [p.hostvars['instance_id'] for p in planned] == ['i-out']


def test_without_allow_duplicated_hosts_a_host_takes_only_its_first_name():
    planned, notes = plan_hosts(records(WEB), hostnames=['private_ip', 'instance_id', 'public_ip'])
    assert [p.names for p in planned] == [['10.0.0.5']] and notes == []


def test_duplicate_name_note_word_for_word():
    twin = instance(InstanceId='i-web2')
    _planned, notes = plan_hosts(records(WEB, twin), hostnames=['private_ip'])
    assert notes == ["instances i-web1 and i-web2 both resolve to host name '10.0.0.5'; i-web2 is listed as i-web2"]


def nameless(count):
    return [instance_hostvars({'InstanceId': 'i-%02d' % n}) for n in range(count)]


@pytest.mark.parametrize('count, listed', [
    (1, 'i-00'),
    (10, 'i-00, i-01, i-02, i-03, i-04, i-05, i-06, i-07, i-08, i-09'),        # ten: all of them, no ellipsis
    (11, 'i-00, i-01, i-02, i-03, i-04, i-05, i-06, i-07, i-08, i-09 ...'),    # eleven: the first ten and ' ...'
    (12, 'i-00, i-01, i-02, i-03, i-04, i-05, i-06, i-07, i-08, i-09 ...'),
])
def test_unnamed_note_lists_at_most_ten_instances(count, listed):
    planned, notes = plan_hosts(nameless(count), hostnames=['private_ip'])
    assert planned == []
    assert notes == ['%d instance(s) have none of the hostnames sources and were left out: %s' % (count, listed)]


def test_groups_are_sanitised_once_per_region_and_zone_with_the_planners_rule():
    calls = []

    def shout(name):
        calls.append(name)
        return name.upper()
    hosts = [instance_hostvars({'InstanceId': 'i-%d' % n, 'RegionId': region, 'ZoneId': zone})
             for n, (region, zone) in enumerate([
                 ('cn-hangzhou', 'cn-hangzhou-h'), ('cn-hangzhou', 'cn-hangzhou-i'), ('cn-shanghai', ''),
                 ('cn-beijing', ''), ('', 'cn-beijing-a'), ('cn-hangzhou', 'cn-hangzhou-h')])]
    planned, _notes = plan_hosts(hosts, hostnames=['instance_id'], sanitize=shout)
    assert [p.groups for p in planned] == [
        ['alicloud', 'CN-HANGZHOU', 'CN-HANGZHOU-H'], ['alicloud', 'CN-HANGZHOU', 'CN-HANGZHOU-I'],
        ['alicloud', 'CN-SHANGHAI'], ['alicloud', 'CN-BEIJING'], ['alicloud', 'CN-BEIJING-A'],
        ['alicloud', 'CN-HANGZHOU', 'CN-HANGZHOU-H']]
    # The sixth host's zone was seen first: its groups come from the planner's cache, not from sanitize again.
    assert calls == ['cn-hangzhou', 'cn-hangzhou-h', 'cn-hangzhou', 'cn-hangzhou-i', 'cn-shanghai', 'cn-beijing',
                     'cn-beijing-a']
