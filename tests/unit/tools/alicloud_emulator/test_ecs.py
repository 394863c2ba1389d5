"""ECS actions of the emulator on dicts: dataset, filters, tag semantics, wildcards, both paging styles, faults."""
import json

import pytest

from tools.alicloud_emulator.dataset import FixtureError, build_dataset, load_fixture, region_table
from tools.alicloud_emulator.ecs import EcsService, wildcard_pattern
from tools.alicloud_emulator.errors import ApiError
from tools.alicloud_emulator.server import FaultInjector

FIXTURE = {
    'regions': [{'RegionId': 'cn-hangzhou', 'LocalName': 'China (Hangzhou)'}],
    'instances': [
        {'InstanceId': 'i-web1', 'InstanceName': 'web-1.prod', 'ZoneId': 'cn-hangzhou-h',
         'VpcAttributes': {'VpcId': 'vpc-a', 'PrivateIpAddress': {'IpAddress': ['10.0.0.1']}},
         'Tags': {'env': 'prod', 'role': 'web'}},
        {'InstanceId': 'i-web2', 'InstanceName': 'web-2', 'ZoneId': 'cn-hangzhou-i', 'Status': 'Stopped',
         'VpcAttributes': {'VpcId': 'vpc-a'}, 'Tags': {'Tag': [{'TagKey': 'env', 'TagValue': 'staging'},
                                                              {'TagKey': 'role', 'TagValue': 'web'}]}},
        {'InstanceId': 'i-db1', 'InstanceName': 'db-1', 'VpcAttributes': {'VpcId': 'vpc-b'},
         'Tags': {'env': 'prod', 'role': 'db', 'backup': ''}},
        {'InstanceId': 'i-sg1', 'InstanceName': 'web?1', 'RegionId': 'ap-southeast-1'},
    ],
}


def service(instances=0, regions=None, seed=0, fixture=None, forbidden=()):
    region_list, instance_list = build_dataset(instances, regions, seed, fixture)
    return EcsService(region_list, instance_list, forbidden)


def describe(svc, **params):
    return json.loads(svc.describe_instances({k: str(v) for k, v in params.items()}, 'REQ'))


def ids(svc, **params):
    return [i['InstanceId'] for i in describe(svc, PageSize=100, **params)['Instances']['Instance']]


def api_error(call):
    with pytest.raises(ApiError) as err:
        call()
    return err.value.status, err.value.code


# --- dataset ---------------------------------------------------------------------------------------------

def test_seeded_dataset_is_deterministic_and_spread_round_robin():
    regions_a, a = build_dataset(30, 3, seed=7)
    _, b = build_dataset(30, 3, seed=7)
    _, c = build_dataset(30, 3, seed=8)
    assert a == b and a != c
    assert [r['RegionId'] for r in regions_a] == ['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1']
    assert [sum(1 for i in a if i['RegionId'] == r['RegionId']) for r in regions_a] == [10, 10, 10]


def test_seeded_ids_and_private_ips_are_unique_account_wide():
    _, instances = build_dataset(2000, 10, seed=1)
    assert len({i['InstanceId'] for i in instances}) == 2000
    ips = [i['VpcAttributes']['PrivateIpAddress']['IpAddress'][0] for i in instances]
    assert len(set(ips)) == 2000
    assert all(i['InstanceId'].startswith('i-') and len(i['InstanceId']) == 22 for i in instances)
    first = instances[0]
    assert first['InstanceId'].startswith('i-bp') and first['Status'] == 'Running'
    assert first['NetworkInterfaces']['NetworkInterface'][0]['PrimaryIpAddress'] == ips[0]
    assert {t['TagKey'] for t in first['Tags']['Tag']} >= {'env', 'role'}


def test_region_table_past_the_known_regions():
    table = region_table(30)
    assert len({r['RegionId'] for r in table}) == 30 and table[-1]['RegionId'] == 'xx-emulated-30'


def test_fixture_defaults_are_filled_and_given_fields_win():
    regions, instances = load_fixture(FIXTURE)
    assert [r['RegionId'] for r in regions] == ['cn-hangzhou', 'ap-southeast-1']
    web1 = instances[0]
    assert web1['VpcAttributes']['VpcId'] == 'vpc-a' and web1['VpcAttributes']['VSwitchId']
    assert web1['HostName'] == 'web-1.prod' and web1['Status'] == 'Running'
    assert web1['Tags'] == {'Tag': [{'TagKey': 'env', 'TagValue': 'prod'}, {'TagKey': 'role', 'TagValue': 'web'}]}
    assert web1['PublicIpAddress'] == {'IpAddress': []} and web1['EipAddress']['IpAddress'] == ''
    assert web1['NetworkInterfaces']['NetworkInterface'][0]['PrimaryIpAddress'] == '10.0.0.1'
    assert instances[2]['VpcAttributes']['PrivateIpAddress'] == {'IpAddress': []}
    assert instances[3]['ZoneId'] == 'ap-southeast-1a'


def test_fixture_file_and_errors(tmp_path):
    path = tmp_path / 'fixture.json'
    path.write_text(json.dumps(FIXTURE))
    assert len(load_fixture(str(path))[1]) == 4
    with pytest.raises(FixtureError, match='duplicate InstanceId i-a'):
        load_fixture({'instances': [{'InstanceId': 'i-a'}, {'InstanceId': 'i-a'}]})
    with pytest.raises(FixtureError, match='regions\\[0\\] needs a RegionId'):
        load_fixture({'regions': [{}]})
    with pytest.raises(FixtureError, match='cannot read fixture'):
        load_fixture(str(tmp_path / 'missing.json'))


def test_a_fixture_alone_brings_only_its_regions():
    assert [r['RegionId'] for r in build_dataset(fixture=FIXTURE)[0]] == ['cn-hangzhou', 'ap-southeast-1']
    assert len(build_dataset()[0]) == 3 and build_dataset()[1] == []


def test_fixture_and_seeded_fleet_combine():
    regions, instances = build_dataset(6, 2, fixture=FIXTURE)
    assert [r['RegionId'] for r in regions] == ['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1']
    assert len(instances) == 10


# --- DescribeRegions / errors ------------------------------------------------------------------------------

def test_describe_regions_shape():
    body = service(regions=2).describe_regions({}, 'REQ')
    assert body['Regions']['Region'][1] == {'RegionId': 'cn-shanghai', 'LocalName': 'China (Shanghai)',
                                            'RegionEndpoint': 'ecs.cn-shanghai.aliyuncs.com',
                                            'Status': 'available'}


def test_region_errors_and_forbidden():
    svc = service(fixture=FIXTURE, forbidden=['ap-southeast-1'])
    assert api_error(lambda: describe(svc)) == (400, 'MissingRegionId')
    assert api_error(lambda: describe(svc, RegionId='eu-nowhere-1')) == (404, 'InvalidRegionId.NotFound')
    assert api_error(lambda: describe(svc, RegionId='ap-southeast-1')) == (403, 'Forbidden.RAM')
    assert ids(svc, RegionId='cn-hangzhou') == ['i-web1', 'i-web2', 'i-db1']


# --- filters ---------------------------------------------------------------------------------------------

def test_equality_filters():
    svc = service(fixture=FIXTURE)
    assert ids(svc, RegionId='cn-hangzhou', Status='Running') == ['i-web1', 'i-db1']
    assert ids(svc, RegionId='cn-hangzhou', Status='Stopped') == ['i-web2']
    assert ids(svc, RegionId='cn-hangzhou', ZoneId='cn-hangzhou-i') == ['i-web2']
    assert ids(svc, RegionId='cn-hangzhou', VpcId='vpc-b') == ['i-db1']
    assert ids(svc, RegionId='cn-hangzhou', VpcId='vpc-a', Status='Running') == ['i-web1']


def test_instance_ids_filter_is_a_json_list():
    svc = service(fixture=FIXTURE)
    assert ids(svc, RegionId='cn-hangzhou', InstanceIds='["i-db1", "i-web1", "i-sg1"]') == ['i-web1', 'i-db1']
    assert api_error(lambda: ids(svc, RegionId='cn-hangzhou', InstanceIds='i-db1')) \
        == (400, 'InvalidInstanceIds.Malformed')
    too_many = json.dumps(['i-%d' % n for n in range(101)])
    assert api_error(lambda: ids(svc, RegionId='cn-hangzhou', InstanceIds=too_many))[0] == 400


def test_instance_name_wildcards_are_star_only():
    svc = service(fixture=FIXTURE)
    assert ids(svc, RegionId='cn-hangzhou', InstanceName='web-*') == ['i-web1', 'i-web2']
    assert ids(svc, RegionId='cn-hangzhou', InstanceName='*-1*') == ['i-web1', 'i-db1']
    assert ids(svc, RegionId='cn-hangzhou', InstanceName='web-1.prod') == ['i-web1']
    assert ids(svc, RegionId='cn-hangzhou', InstanceName='web-1') == []
    assert ids(svc, RegionId='cn-hangzhou', InstanceName='web-1?prod') == []
    assert ids(svc, RegionId='ap-southeast-1', InstanceName='web?1') == ['i-sg1']
    assert wildcard_pattern('a.*').match('a.b') and not wildcard_pattern('a.*').match('ab')


def test_tags_are_anded_and_a_key_without_value_matches_any_value():
    svc = service(fixture=FIXTURE)
    region = {'RegionId': 'cn-hangzhou'}
    assert ids(svc, **region, **{'Tag.1.Key': 'role', 'Tag.1.Value': 'web'}) == ['i-web1', 'i-web2']
    assert ids(svc, **region, **{'Tag.1.Key': 'role', 'Tag.1.Value': 'web', 'Tag.2.Key': 'env',
                                 'Tag.2.Value': 'prod'}) == ['i-web1']
    assert ids(svc, **region, **{'Tag.1.Key': 'env'}) == ['i-web1', 'i-web2', 'i-db1']
    assert ids(svc, **region, **{'Tag.1.Key': 'backup'}) == ['i-db1']
    assert ids(svc, **region, **{'Tag.1.Key': 'env', 'Tag.1.Value': 'prod', 'Tag.20.Key': 'role'}) \
        == ['i-web1', 'i-db1']
    assert ids(svc, **region, **{'Tag.1.Key': 'Role', 'Tag.1.Value': 'web'}) == []
    assert api_error(lambda: ids(svc, **region, **{'Tag.21.Key': 'env'})) == (400, 'InvalidTagCount')
    assert api_error(lambda: ids(svc, **region, **{'Tag.1.Value': 'prod'})) == (400, 'InvalidTagKey.Malformed')


# --- paging ----------------------------------------------------------------------------------------------

def collect_by_token(svc, size, **filters):
    seen, token, pages = [], '', 0
    while True:
        params = dict(filters, RegionId='cn-hangzhou', MaxResults=size)
        if token:
            params['NextToken'] = token
        body = describe(svc, **params)
        seen.extend(i['InstanceId'] for i in body['Instances']['Instance'])
        assert len(body['Instances']['Instance']) <= size and body['PageSize'] == size
        assert body['TotalCount'] == len(expected(svc, **filters))
        token, pages = body['NextToken'], pages + 1
        if not token:
            return seen, pages


def collect_by_page(svc, size, **filters):
    seen, number = [], 1
    while True:
        body = describe(svc, RegionId='cn-hangzhou', PageSize=size, PageNumber=number, **filters)
        page = [i['InstanceId'] for i in body['Instances']['Instance']]
        assert body['PageNumber'] == number and body['PageSize'] == size and body['NextToken'] == ''
        if not page:
            return seen, number - 1
        seen.extend(page)
        number += 1


def expected(svc, **filters):
    status = filters.get('Status')
    return [inst['InstanceId'] for inst, _ in svc.by_region['cn-hangzhou'] if not status or inst['Status'] == status]


@pytest.mark.parametrize('size', [10, 11, 37, 100])
def test_token_paging_never_drops_or_repeats(size):
    svc = service(instances=750, regions=3, seed=3)
    for filters in ({}, {'Status': 'Running'}):
        seen, pages = collect_by_token(svc, size, **filters)
        assert seen == expected(svc, **filters) and len(seen) == 250
        assert pages == -(-250 // size)


@pytest.mark.parametrize('size', [1, 7, 100])
def test_page_number_paging_never_drops_or_repeats(size):
    svc = service(instances=750, regions=3, seed=3)
    seen, pages = collect_by_page(svc, size)
    assert seen == expected(svc) and pages == -(-250 // size)


def test_token_is_bound_to_its_filters_and_sizes_are_checked():
    svc = service(instances=60, regions=2)
    token = describe(svc, RegionId='cn-hangzhou', MaxResults=10)['NextToken']
    assert len(token) == 32
    assert api_error(lambda: describe(svc, RegionId='cn-hangzhou', MaxResults=10, NextToken=token, Status='Stopped')) \
        == (400, 'InvalidParameter.NextToken')
    assert api_error(lambda: describe(svc, RegionId='cn-shanghai', NextToken=token))[1] == 'InvalidParameter.NextToken'
    assert api_error(lambda: describe(svc, RegionId='cn-hangzhou', NextToken='garbage'))[0] == 400
    assert api_error(lambda: describe(svc, RegionId='cn-hangzhou', MaxResults='ten')) == (400, 'InvalidParameter')
    assert api_error(lambda: describe(svc, RegionId='cn-hangzhou', PageSize=101)) == (400, 'InvalidParameter')
    assert api_error(lambda: describe(svc, RegionId='cn-hangzhou', PageSize=0)) == (400, 'InvalidParameter')


@pytest.mark.parametrize('asked, served', [('1', 10), ('9', 10), ('10', 10), ('0', 10), ('-5', 10), ('11', 11),
                                           ('100', 100), ('101', 100), ('100000', 100)])
def test_max_results_is_clamped_to_10_to_100_not_refused(asked, served):
    svc = service(instances=600, regions=2)
    body = describe(svc, RegionId='cn-hangzhou', MaxResults=asked)
    assert body['PageSize'] == served and len(body['Instances']['Instance']) == served
    follow = describe(svc, RegionId='cn-hangzhou', MaxResults=asked, NextToken=body['NextToken'])
    assert follow['Instances']['Instance'][0]['InstanceId'] == expected(svc)[served]
    assert api_error(lambda: describe(svc, RegionId='cn-hangzhou', PageNumber='x')) == (400, 'InvalidParameter')


def test_defaults_are_ten_per_page_and_last_page_has_empty_token():
    svc = service(instances=24, regions=2)
    body = describe(svc, RegionId='cn-hangzhou')
    assert len(body['Instances']['Instance']) == 10 and body['TotalCount'] == 12
    body = describe(svc, RegionId='cn-hangzhou', MaxResults=12)
    assert len(body['Instances']['Instance']) == 12 and body['NextToken'] == ''


def test_filtered_results_cache_does_not_leak_between_filters():
    svc = service(fixture=FIXTURE)
    assert ids(svc, RegionId='cn-hangzhou', Status='Running') == ['i-web1', 'i-db1']
    assert ids(svc, RegionId='cn-hangzhou', Status='Stopped') == ['i-web2']
    assert ids(svc, RegionId='cn-hangzhou', Status='Running') == ['i-web1', 'i-db1']


# --- faults ----------------------------------------------------------------------------------------------

def test_fault_injector_rates_and_codes_are_seeded():
    injector = FaultInjector(0.2, 0.1, seed=5)
    outcomes = [injector.roll() for _ in range(4000)]
    throttled = [f for f in outcomes if f is not None and f.code == 'Throttling.User']
    failed = [f for f in outcomes if f is not None and f.status >= 500]
    assert 0.17 < len(throttled) / 4000 < 0.23 and 0.08 < len(failed) / 4000 < 0.12
    assert {f.code for f in failed} == {'ServiceUnavailable', 'InternalError'}
    assert throttled[0].status == 400 and throttled[0].message == 'Request was denied due to user flow control.'
    again = FaultInjector(0.2, 0.1, seed=5)
    assert [(f.code if f else None) for f in (again.roll() for _ in range(50))] == \
        [(f.code if f else None) for f in outcomes[:50]]
    assert all(FaultInjector().roll() is None for _ in range(10))
    with pytest.raises(ValueError):
        FaultInjector(0.7, 0.5)


def test_pages_and_instances_follow_the_documented_sample_key_order():
    """The order of Alibaba's DescribeInstances sample response: clients that walk keys in order depend on it."""
    from tools.alicloud_emulator.ecs import INSTANCE_KEY_ORDER, NESTED_KEY_ORDER
    svc = service(instances=3, regions=1)
    page = json.loads(svc.describe_instances({'RegionId': 'cn-hangzhou', 'MaxResults': '10'}, 'REQ'))
    assert list(page) == ['Instances', 'TotalCount', 'RequestId', 'PageSize', 'PageNumber', 'NextToken']
    for instance in page['Instances']['Instance']:
        keys = list(instance)
        assert keys == [k for k in INSTANCE_KEY_ORDER if k in instance]
        assert keys[:4] == ['ResourceGroupId', 'Memory', 'InstanceChargeType', 'Cpu'] and keys[-1] == 'RegionId'
        assert list(instance['VpcAttributes']) == list(NESTED_KEY_ORDER['VpcAttributes'])
        assert list(instance['EipAddress'])[:3] == list(NESTED_KEY_ORDER['EipAddress'])
        nic = instance['NetworkInterfaces']['NetworkInterface'][0]
        assert list(nic) == list(NESTED_KEY_ORDER['NetworkInterface'])
        assert list(nic['PrivateIpSets']['PrivateIpSet'][0]) == ['PrivateIpAddress', 'Primary']
    legacy = json.loads(svc.describe_instances({'RegionId': 'cn-hangzhou', 'PageSize': '10'}, 'REQ'))
    assert list(legacy)[0] == 'Instances' and legacy['Instances']['Instance'] == page['Instances']['Instance']
