"""The emulated account's regions and ECS instances: a seeded fleet and/or a fixture file of exact instances.

Instances are plain dicts in the DescribeInstances shape. Seeded private IPs are unique across the whole account
(10.<region index>.x.y), so an inventory keyed by private IP sees every instance as its own host.
"""
import copy
import json
import random
import string

# (RegionId, LocalName, instance-id infix) for real regions, in the order --regions R takes them.
KNOWN_REGIONS = [
    ('cn-hangzhou', 'China (Hangzhou)', 'bp'), ('cn-shanghai', 'China (Shanghai)', 'uf'),
    ('ap-southeast-1', 'Singapore', 't4n'), ('cn-beijing', 'China (Beijing)', '2ze'),
    ('cn-shenzhen', 'China (Shenzhen)', 'wz9'), ('cn-qingdao', 'China (Qingdao)', 'm5e'),
    ('cn-zhangjiakou', 'China (Zhangjiakou)', '8vb'), ('cn-huhehaote', 'China (Hohhot)', 'hp3'),
    ('cn-chengdu', 'China (Chengdu)', '2vc'), ('cn-hongkong', 'China (Hong Kong)', 'j6c'),
    ('ap-northeast-1', 'Japan (Tokyo)', '6we'), ('us-west-1', 'US (Silicon Valley)', 'rj9'),
    ('us-east-1', 'US (Virginia)', '0xi'), ('eu-central-1', 'Germany (Frankfurt)', 'gw8'),
    ('eu-west-1', 'UK (London)', 'd7o'), ('ap-southeast-5', 'Indonesia (Jakarta)', 'k1a'),
    ('me-east-1', 'UAE (Dubai)', 'eb3'), ('ap-southeast-3', 'Malaysia (Kuala Lumpur)', '8ps'),
    ('cn-wulanchabu', 'China (Ulanqab)', '0jl'), ('cn-guangzhou', 'China (Guangzhou)', '7xv'),
    ('cn-heyuan', 'China (Heyuan)', 'f8z'), ('ap-northeast-2', 'South Korea (Seoul)', 'mj7'),
    ('ap-southeast-6', 'Philippines (Manila)', '5tg'), ('ap-southeast-7', 'Thailand (Bangkok)', '0ju'),
]
ROLES = ['web', 'api', 'worker', 'db', 'cache']
ENVS = ['prod', 'staging', 'dev']
TEAMS = ['payments', 'search', 'platform']
INSTANCE_TYPES = ['ecs.g7.large', 'ecs.c7.xlarge', 'ecs.r7.large', 'ecs.g8i.xlarge', 'ecs.t6-c1m2.large']
OS_NAMES = ['Alibaba Cloud Linux 3.2104 LTS 64 bit', 'Ubuntu 22.04 64 bit', 'Debian 12.5 64 bit',
            'CentOS Stream 9 64 bit']
ID_CHARS = string.ascii_lowercase + string.digits


class FixtureError(ValueError):
    pass


def region_table(count):
    """The first `count` regions as DescribeRegions entries (synthetic ids past the known list)."""
    regions = []
    for index in range(count):
        if index < len(KNOWN_REGIONS):
            region_id, name, _ = KNOWN_REGIONS[index]
        else:
            region_id = name = 'xx-emulated-%d' % (index + 1)
        regions.append({'RegionId': region_id, 'LocalName': name})
    return regions


def zone_ids(region_id):
    # Mainland zones are "cn-hangzhou-h"; overseas zones append the letter directly ("ap-southeast-1a").
    sep = '-' if region_id.startswith('cn-') else ''
    return ['%s%s%s' % (region_id, sep, letter) for letter in 'abc']


def _id_infix(region_id):
    for known_id, _, infix in KNOWN_REGIONS:
        if known_id == region_id:
            return infix
    return 'xx'


def _random_id(rng, prefix, infix, used):
    while True:
        value = '%s-%s%s' % (prefix, infix, ''.join(rng.choice(ID_CHARS) for _ in range(20 - len(infix))))
        if value not in used:
            used.add(value)
            return value


def _ip_in_region(region_index, k):
    # 254 usable hosts per /24, 256 /24s per region: unique account-wide for up to 65,024 per region.
    return '10.%d.%d.%d' % (region_index % 256, (k // 254) % 256, k % 254 + 1)


def empty_network_parts():
    return {
        'PublicIpAddress': {'IpAddress': []},
        'InnerIpAddress': {'IpAddress': []},
        'EipAddress': {'IpAddress': '', 'AllocationId': '', 'Bandwidth': 0, 'InternetChargeType': '',
                       'IsSupportUnassociate': False},
        'Tags': {'Tag': []},
    }


def instance_defaults(instance_id, region_id, zone_id, private_ip, index=0):
    """Every field a fixture may leave out, with neutral values derived from what it gave."""
    suffix = instance_id.split('-', 1)[-1]
    doc = {
        'InstanceId': instance_id, 'InstanceName': instance_id, 'HostName': 'iZ%sZ' % suffix,
        'Description': '', 'Status': 'Running', 'RegionId': region_id, 'ZoneId': zone_id,
        'InstanceType': 'ecs.g7.large', 'InstanceTypeFamily': 'ecs.g7', 'Cpu': 2, 'Memory': 8192,
        'OSName': 'Debian 12.5 64 bit', 'OSNameEn': 'Debian 12.5 64 bit', 'OSType': 'linux',
        'ImageId': 'debian_12_5_x64_20G_alibase_20240502.vhd', 'CreationTime': '2024-01-01T00:00Z',
        'StartTime': '2024-01-01T00:01Z', 'ExpiredTime': '2099-12-31T15:59Z',
        'InstanceChargeType': 'PostPaid', 'InternetChargeType': 'PayByTraffic', 'InstanceNetworkType': 'vpc',
        'InternetMaxBandwidthIn': 100, 'InternetMaxBandwidthOut': 0, 'IoOptimized': True,
        'DeletionProtection': False, 'ResourceGroupId': '', 'SerialNumber': '00000000-0000-0000-0000-%012d' % index,
        'OperationLocks': {'LockReason': []}, 'DeviceAvailable': True, 'Recyclable': False,
        'VpcAttributes': {'VpcId': 'vpc-%s' % region_id, 'VSwitchId': 'vsw-%s' % zone_id,
                          'NatIpAddress': '', 'PrivateIpAddress': {'IpAddress': [private_ip] if private_ip else []}},
        'SecurityGroupIds': {'SecurityGroupId': ['sg-%s-default' % region_id]},
        'NetworkInterfaces': {'NetworkInterface': [] if not private_ip else [{
            'Type': 'Primary', 'NetworkInterfaceId': 'eni-%s' % suffix, 'PrimaryIpAddress': private_ip,
            'MacAddress': '00:16:3e:%02x:%02x:%02x' % ((index >> 16) & 255, (index >> 8) & 255, index & 255),
            'PrivateIpSets': {'PrivateIpSet': [{'PrivateIpAddress': private_ip, 'Primary': True}]},
        }]},
    }
    doc.update(empty_network_parts())
    return doc


def seeded_instances(count, regions, seed=0, stopped_rate=0.0):
    """`count` deterministic instances spread round-robin over `regions` (DescribeRegions entries)."""
    rng = random.Random(seed)
    used_ids = set()
    per_region = {}
    vpcs = {}
    instances = []
    for region_index, region in enumerate(regions):
        region_id = region['RegionId']
        infix = _id_infix(region_id)
        vpcs[region_id] = [_random_id(rng, 'vpc', infix, used_ids) for _ in range(2)]
    for i in range(count):
        region_index = i % len(regions)
        region_id = regions[region_index]['RegionId']
        k = per_region.get(region_id, 0)
        per_region[region_id] = k + 1
        infix = _id_infix(region_id)
        instance_id = _random_id(rng, 'i', infix, used_ids)
        zone_id = rng.choice(zone_ids(region_id))
        private_ip = _ip_in_region(region_index, k)
        doc = instance_defaults(instance_id, region_id, zone_id, private_ip, index=i)
        role, env = rng.choice(ROLES), rng.choice(ENVS)
        name = '%s-%s-%05d' % (role, env, i)
        os_name = rng.choice(OS_NAMES)
        instance_type = rng.choice(INSTANCE_TYPES)
        vpc_id = rng.choice(vpcs[region_id])
        day = rng.randrange(0, 700)
        doc.update({
            'InstanceName': name, 'HostName': name, 'InstanceType': instance_type,
            'InstanceTypeFamily': instance_type.rsplit('.', 1)[0], 'OSName': os_name, 'OSNameEn': os_name,
            'Status': 'Stopped' if rng.random() < stopped_rate else 'Running',
            'CreationTime': '20%02d-%02d-%02dT%02d:%02dZ' % (23 + day // 336, day % 336 // 28 + 1,
                                                             day % 28 + 1, rng.randrange(24), rng.randrange(60)),
        })
        doc['VpcAttributes']['VpcId'] = vpc_id
        doc['VpcAttributes']['VSwitchId'] = 'vsw-%s-%s' % (vpc_id[4:], zone_id[-1])
        doc['SecurityGroupIds']['SecurityGroupId'] = ['sg-%s-%s' % (vpc_id[4:], role)]
        tags = [{'TagKey': 'env', 'TagValue': env}, {'TagKey': 'role', 'TagValue': role}]
        if rng.random() < 0.8:
            tags.append({'TagKey': 'team', 'TagValue': rng.choice(TEAMS)})
        doc['Tags']['Tag'] = tags
        network_roll = rng.random()
        if network_roll < 0.3:
            doc['PublicIpAddress']['IpAddress'] = ['47.%d.%d.%d' % (96 + i // 65024 % 64, i // 254 % 256,
                                                                    i % 254 + 1)]
            doc['InternetMaxBandwidthOut'] = 5
        elif network_roll < 0.5:
            doc['EipAddress'].update({'IpAddress': '39.%d.%d.%d' % (96 + i // 65024 % 64, i // 254 % 256,
                                                                   i % 254 + 1),
                                      'AllocationId': _random_id(rng, 'eip', infix, used_ids),
                                      'Bandwidth': 10, 'InternetChargeType': 'PayByTraffic'})
        instances.append(doc)
    return instances


def _fill_missing(target, defaults):
    """Recursively add keys the fixture left out; what the fixture gave wins, lists are taken whole."""
    for key, value in defaults.items():
        if key not in target:
            target[key] = copy.deepcopy(value)
        elif isinstance(value, dict) and isinstance(target[key], dict):
            _fill_missing(target[key], value)
    return target


def _normalise_tags(tags):
    # Convenience for hand-written fixtures: {"env": "prod"} instead of {"Tag": [{"TagKey": ..}]}.
    if isinstance(tags, dict) and 'Tag' not in tags:
        return {'Tag': [{'TagKey': k, 'TagValue': '' if v is None else str(v)} for k, v in tags.items()]}
    return tags


def load_fixture(source):
    """source: a path to a JSON file or an already-parsed dict -> (regions, instances)."""
    if isinstance(source, dict):
        doc = copy.deepcopy(source)
    else:
        try:
            with open(source) as handle:
                doc = json.load(handle)
        except (OSError, ValueError) as err:
            raise FixtureError('cannot read fixture %s: %s' % (source, err))
    if not isinstance(doc, dict):
        raise FixtureError('fixture must be a JSON object with "regions" and/or "instances"')
    regions = doc.get('regions') or []
    raw_instances = doc.get('instances') or []
    if not isinstance(regions, list) or not isinstance(raw_instances, list):
        raise FixtureError('fixture "regions" and "instances" must be lists')
    for n, region in enumerate(regions):
        if not isinstance(region, dict) or not region.get('RegionId'):
            raise FixtureError('fixture regions[%d] needs a RegionId' % n)
        region.setdefault('LocalName', region['RegionId'])
    known = [r['RegionId'] for r in regions]
    instances = []
    seen = set()
    for n, raw in enumerate(raw_instances):
        if not isinstance(raw, dict):
            raise FixtureError('fixture instances[%d] must be an object' % n)
        inst = copy.deepcopy(raw)
        inst.setdefault('InstanceId', 'i-fixture%013d' % n)
        if inst['InstanceId'] in seen:
            raise FixtureError('fixture instances[%d]: duplicate InstanceId %s' % (n, inst['InstanceId']))
        seen.add(inst['InstanceId'])
        region_id = inst.setdefault('RegionId', known[0] if known else 'cn-hangzhou')
        if region_id not in known:
            known.append(region_id)
            regions.append({'RegionId': region_id, 'LocalName': region_id})
        if 'Tags' in inst:
            inst['Tags'] = _normalise_tags(inst['Tags'])
        ips = ((inst.get('VpcAttributes') or {}).get('PrivateIpAddress') or {}).get('IpAddress') or []
        defaults = instance_defaults(inst['InstanceId'], region_id, inst.get('ZoneId') or zone_ids(region_id)[0],
                                     ips[0] if ips else None, index=n)
        if 'InstanceName' in inst and 'HostName' not in raw:
            defaults['HostName'] = inst['InstanceName']
        instances.append(_fill_missing(inst, defaults))
    return regions, instances


def build_dataset(instances=0, regions=None, seed=0, fixture=None, stopped_rate=0.0):
    """The seeded fleet plus the fixture's instances -> (regions, instances).

    regions defaults to 3, except with a fixture and no seeded instances: then only the fixture's regions exist.
    """
    if regions is None:
        regions = 0 if fixture is not None and not instances else 3
    region_list = region_table(max(int(regions), 1 if instances else 0))
    all_instances = seeded_instances(int(instances), region_list, seed, stopped_rate) if instances else []
    if fixture is not None:
        fixture_regions, fixture_instances = load_fixture(fixture)
        known = {r['RegionId'] for r in region_list}
        region_list.extend(r for r in fixture_regions if r['RegionId'] not in known)
        taken = {i['InstanceId'] for i in all_instances}
        clash = [i['InstanceId'] for i in fixture_instances if i['InstanceId'] in taken]
        if clash:
            raise FixtureError('fixture InstanceIds clash with seeded ones: %s' % ', '.join(clash[:5]))
        all_instances.extend(fixture_instances)
    return region_list, all_instances
