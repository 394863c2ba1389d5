"""ECS 2014-05-26 actions: DescribeRegions and DescribeInstances with the real filters and both paging styles.

Speed: instances are indexed by region and serialised to JSON once at start-up; a page is the join of
pre-serialised strings, and filtered result lists are cached per (region, filters).

Key order: a page and every instance in it are written in the order of the sample success response in
Alibaba's DescribeInstances API reference, because clients exist (footmark) whose parsing depends on it.
"""
import hashlib
import json
import re
import threading
from collections import OrderedDict

from .errors import ApiError, invalid_parameter

VERSION = '2014-05-26'
MAX_PAGE = 100
MIN_MAX_RESULTS = 10
MAX_TAGS = 20
MAX_IDS = 100
_TAG_PARAM = re.compile(r'^Tag\.(\d+)\.(Key|Value)$')
# Simple equality filters: request parameter -> function reading the instance's value.
_EQUALITY_FILTERS = OrderedDict([
    ('ZoneId', lambda i: i.get('ZoneId')),
    ('VpcId', lambda i: i['VpcAttributes'].get('VpcId')),
    ('VSwitchId', lambda i: i['VpcAttributes'].get('VSwitchId')),
    ('Status', lambda i: i.get('Status')),
    ('InstanceType', lambda i: i.get('InstanceType')),
    ('InstanceTypeFamily', lambda i: i.get('InstanceTypeFamily')),
    ('InstanceNetworkType', lambda i: i.get('InstanceNetworkType')),
    ('ImageId', lambda i: i.get('ImageId')),
    ('ResourceGroupId', lambda i: i.get('ResourceGroupId')),
])
# JSON-list filters: parameter -> values of the instance it matches against (any overlap matches).
_LIST_FILTERS = OrderedDict([
    ('InstanceIds', lambda i: [i['InstanceId']]),
    ('PrivateIpAddresses', lambda i: i['VpcAttributes']['PrivateIpAddress'].get('IpAddress') or []),
    ('PublicIpAddresses', lambda i: i['PublicIpAddress'].get('IpAddress') or []),
    ('EipAddresses', lambda i: [i['EipAddress'].get('IpAddress')]),
])


# The documented sample response's key order, top level first; a key the sample lacks keeps its place after.
PAGE_KEY_ORDER = ('Instances', 'TotalCount', 'RequestId', 'PageSize', 'PageNumber', 'NextToken')
INSTANCE_KEY_ORDER = (
    'ResourceGroupId', 'Memory', 'InstanceChargeType', 'Cpu', 'OSName', 'InstanceNetworkType', 'InnerIpAddress',
    'ExpiredTime', 'ImageId', 'EipAddress', 'HostName', 'Tags', 'VlanId', 'Status', 'MetadataOptions',
    'InstanceId', 'StoppedMode', 'CpuOptions', 'StartTime', 'DeletionProtection', 'SecurityGroupIds',
    'VpcAttributes', 'InternetChargeType', 'InstanceName', 'DeploymentSetId', 'InternetMaxBandwidthOut',
    'SerialNumber', 'OSType', 'CreationTime', 'AutoReleaseTime', 'Description', 'InstanceTypeFamily',
    'DedicatedInstanceAttribute', 'PublicIpAddress', 'GPUSpec', 'NetworkInterfaces', 'SpotPriceLimit',
    'DeviceAvailable', 'SaleCycle', 'InstanceType', 'OSNameEn', 'SpotStrategy', 'IoOptimized', 'ZoneId',
    'ClusterId', 'EcsCapacityReservationAttr', 'DedicatedHostAttribute', 'GPUAmount', 'OperationLocks',
    'InternetMaxBandwidthIn', 'Recyclable', 'RegionId', 'CreditSpecification')
NESTED_KEY_ORDER = {
    'EipAddress': ('AllocationId', 'IpAddress', 'InternetChargeType'),
    'VpcAttributes': ('PrivateIpAddress', 'VpcId', 'VSwitchId', 'NatIpAddress'),
    'NetworkInterface': ('Type', 'PrimaryIpAddress', 'NetworkInterfaceId', 'MacAddress', 'PrivateIpSets'),
    'PrivateIpSet': ('PrivateIpAddress', 'Primary'),
}


def in_key_order(doc, order):
    """A copy of dict `doc` with the keys of `order` first, in that order, then the rest as they were."""
    ordered = OrderedDict((key, doc[key]) for key in order if key in doc)
    ordered.update((key, value) for key, value in doc.items() if key not in ordered)
    return ordered


def documented_order(value, order=INSTANCE_KEY_ORDER):
    """An instance (recursively) in the documented response's key order."""
    if isinstance(value, list):
        return [documented_order(item, order) for item in value]
    if not isinstance(value, dict):
        return value
    doc = in_key_order(value, order)
    for key, item in doc.items():
        if isinstance(item, (dict, list)):
            doc[key] = documented_order(item, NESTED_KEY_ORDER.get(key, ()))
    return doc


def wildcard_pattern(name):
    """InstanceName filter: '*' matches any run of characters, everything else is literal."""
    return re.compile('^%s$' % '.*'.join(re.escape(part) for part in name.split('*')), re.DOTALL)


def parse_tag_filters(params):
    """Tag.N.Key / Tag.N.Value (N 1..20) -> [(key, value or None)] in N order."""
    tags = {}
    for name, value in params.items():
        match = _TAG_PARAM.match(name)
        if not match:
            continue
        n = int(match.group(1))
        if not 1 <= n <= MAX_TAGS:
            raise invalid_parameter(name, value, 'InvalidTagCount')
        tags.setdefault(n, {})[match.group(2)] = value
    result = []
    for n in sorted(tags):
        key = tags[n].get('Key')
        if not key:
            raise ApiError(400, 'InvalidTagKey.Malformed', 'Tag.%d.Key is required when Tag.%d.Value is set.' % (n, n))
        result.append((key, tags[n].get('Value') or None))
    return result


def _parse_json_list(name, value):
    try:
        values = json.loads(value)
    except ValueError:
        values = None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise invalid_parameter(name, value, 'Invalid%s.Malformed' % name)
    if len(values) > MAX_IDS:
        raise invalid_parameter(name, value, 'Invalid%s.Malformed' % name)
    return values


def compile_filter(params):
    """Request params -> (cache key, predicate(instance) -> bool)."""
    checks = []
    key = []
    for name, read in _EQUALITY_FILTERS.items():
        if params.get(name):
            wanted = params[name]
            checks.append(lambda inst, read=read, wanted=wanted: read(inst) == wanted)
            key.append((name, wanted))
    for name, read in _LIST_FILTERS.items():
        if params.get(name):
            wanted = frozenset(_parse_json_list(name, params[name]))
            checks.append(lambda inst, read=read, wanted=wanted: any(v in wanted for v in read(inst)))
            key.append((name, tuple(sorted(wanted))))
    if params.get('InstanceName'):
        pattern = wildcard_pattern(params['InstanceName'])
        checks.append(lambda inst: pattern.match(inst.get('InstanceName') or '') is not None)
        key.append(('InstanceName', params['InstanceName']))
    for tag_key, tag_value in parse_tag_filters(params):
        def has_tag(inst, tag_key=tag_key, tag_value=tag_value):
            for tag in inst['Tags'].get('Tag') or []:
                if tag.get('TagKey') == tag_key and (tag_value is None or tag.get('TagValue') == tag_value):
                    return True
            return False
        checks.append(has_tag)
        key.append(('Tag', tag_key, tag_value))
    key = tuple(sorted(key, key=repr))
    return key, (lambda inst: all(check(inst) for check in checks))


def _int_param(params, name, default, low, high):
    raw = params.get(name)
    if raw in (None, ''):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_parameter(name, raw)
    if not low <= value <= high:
        raise invalid_parameter(name, raw)
    return value


def _max_results(params):
    """MaxResults is clamped, never refused: unset or below 10 is 10, above 100 is 100 (the API reference's words, kept
    in the official SDK's alibabacloud_ecs20140526/models/_describe_instances_request.py)."""
    size = _int_param(params, 'MaxResults', MIN_MAX_RESULTS, -2 ** 63, 2 ** 63)
    return min(MAX_PAGE, max(MIN_MAX_RESULTS, size))


class EcsService(object):
    """The ECS product: answers its actions from an in-memory dataset."""
    product = 'Ecs'
    version = VERSION

    def __init__(self, regions, instances, forbidden_regions=()):
        self.regions = list(regions)
        self.region_ids = {r['RegionId'] for r in self.regions}
        self.forbidden_regions = set(forbidden_regions)
        self.by_region = {r['RegionId']: [] for r in self.regions}
        for inst in instances:
            self.by_region.setdefault(inst['RegionId'], []).append(
                (inst, json.dumps(documented_order(inst), separators=(',', ':'), ensure_ascii=False)))
        self._filtered = OrderedDict()
        self._filtered_lock = threading.Lock()
        self.actions = {'DescribeRegions': self.describe_regions, 'DescribeInstances': self.describe_instances}

    def describe_regions(self, params, request_id):
        regions = [{'RegionId': r['RegionId'], 'LocalName': r.get('LocalName', r['RegionId']),
                    'RegionEndpoint': 'ecs.%s.aliyuncs.com' % r['RegionId'], 'Status': 'available'}
                   for r in self.regions]
        return {'RequestId': request_id, 'Regions': {'Region': regions}}

    def _matching(self, region_id, params):
        filter_key, predicate = compile_filter(params)
        cache_key = (region_id, filter_key)
        with self._filtered_lock:
            hit = self._filtered.get(cache_key)
            if hit is not None:
                self._filtered.move_to_end(cache_key)
                return hit, filter_key
        entries = self.by_region.get(region_id, [])
        found = entries if not filter_key else [e for e in entries if predicate(e[0])]
        found = [doc for _, doc in found]
        with self._filtered_lock:
            self._filtered[cache_key] = found
            while len(self._filtered) > 512:
                self._filtered.popitem(last=False)
        return found, filter_key

    def describe_instances(self, params, request_id):
        region_id = params.get('RegionId')
        if not region_id:
            raise ApiError(400, 'MissingRegionId', 'RegionId is mandatory for this action.')
        if region_id not in self.region_ids:
            raise ApiError(404, 'InvalidRegionId.NotFound', 'The specified RegionId %s does not exist.' % region_id)
        if region_id in self.forbidden_regions:
            raise ApiError(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource, '
                                                 'or this API doesn\'t support RAM.',
                           {'AccessDeniedDetail': {'AuthAction': 'ecs:DescribeInstances',
                                                   'NoPermissionType': 'ImplicitDeny',
                                                   'PolicyType': 'AccountLevelIdentityBasedPolicy',
                                                   'AuthPrincipalType': 'SubUser'}})
        found, filter_key = self._matching(region_id, params)
        fingerprint = hashlib.sha1(repr((region_id, filter_key)).encode('utf-8')).hexdigest()[:24]
        if params.get('MaxResults') or params.get('NextToken'):
            size = _max_results(params)
            offset = self._decode_token(params.get('NextToken'), fingerprint)
            end = offset + size
            next_token = '%08x%s' % (end, fingerprint) if end < len(found) else ''
            page_number = offset // size + 1
        else:
            size = _int_param(params, 'PageSize', 10, 1, MAX_PAGE)
            page_number = _int_param(params, 'PageNumber', 1, 1, 10 ** 9)
            offset = (page_number - 1) * size
            end = offset + size
            next_token = ''
        # The page is assembled from pre-serialised instances: no per-request JSON encoding of 100 dicts.
        tail = json.dumps(in_key_order({'RequestId': request_id, 'TotalCount': len(found), 'PageNumber': page_number,
                                        'PageSize': size, 'NextToken': next_token}, PAGE_KEY_ORDER),
                          separators=(',', ':'))
        return ('{"Instances":{"Instance":[%s]},%s' % (','.join(found[offset:end]), tail[1:])).encode('utf-8')

    @staticmethod
    def _decode_token(token, fingerprint):
        """NextToken = 8 hex digits of offset + a fingerprint of region and filters; any other token is rejected."""
        if not token:
            return 0
        if len(token) != 32 or token[8:] != fingerprint:
            raise invalid_parameter('NextToken', token, 'InvalidParameter.NextToken')
        try:
            return int(token[:8], 16)
        except ValueError:
            raise invalid_parameter('NextToken', token, 'InvalidParameter.NextToken')
