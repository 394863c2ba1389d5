# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS API access for the inventory: SDK client per region, NextToken paging, retries, concurrent regions.

The official SDK (alibabacloud_ecs20140526 on alibabacloud_tea_openapi) signs and sends every request.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_options import (
    FILTER_FIELDS, canonical_status, check_server_filters)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_retry import EcsApiError, RetryPolicy
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_sdk import ecs_sdk

ENDPOINT_ENV = ('ALICLOUD_ECS_ENDPOINT', 'ALIBABA_CLOUD_ECS_ENDPOINT')
PAGE_SIZE = 100
API_VERSION = '2014-05-26'
__all__ = ['EcsInventoryClient', 'EcsApiError', 'RetryPolicy', 'parse_endpoint', 'build_describe_request',
           'FILTER_FIELDS']


def parse_endpoint(endpoint_url, region_id):
    """endpoint_url (or None) -> (host[:port] or None, protocol). `{region}` is replaced by the region id.

    http:// selects plain HTTP (emulators, private gateways); https:// or no scheme keeps HTTPS.
    """
    if not endpoint_url:
        return None, 'HTTPS'
    url = endpoint_url.replace('{region}', region_id)
    protocol = 'HTTPS'
    if url.startswith('http://'):
        protocol, url = 'HTTP', url[len('http://'):]
    elif url.startswith('https://'):
        url = url[len('https://'):]
    return url.rstrip('/'), protocol


def build_describe_request(region_id, filters, next_token=None):
    """`filters` option (snake_case) -> the SDK's DescribeInstancesRequest for one page."""
    ecs_models = ecs_sdk()[1]
    fields = {'region_id': region_id, 'max_results': PAGE_SIZE}
    if next_token:
        fields['next_token'] = next_token
    check_server_filters(filters or {})  # InventoryOptionError (a ValueError) naming the key
    for key, value in (filters or {}).items():
        if value is None:
            continue
        if key == 'instance_ids':
            value = json.dumps([value] if isinstance(value, str) else list(value))
        elif key == 'tags':
            value = [ecs_models.DescribeInstancesRequestTag(key=k, value=v) for k, v in sorted(value.items())]
        elif key == 'status':
            value = canonical_status(value)
        fields[FILTER_FIELDS[key]] = value
    return ecs_models.DescribeInstancesRequest(**fields)


def _drain(pages):
    """Instances from a region's page queue (lists, None at the end) as they come: each time, every page
    already there joined into one list, so a caller that fell behind gets a region's pages in one piece."""
    while True:
        chunk = pages.get()
        if chunk is None:
            return
        while True:
            try:
                more = pages.get_nowait()
            except queue.Empty:
                break
            if more is None:
                yield chunk
                return
            chunk.extend(more)
        yield chunk


class CallCounter(object):
    """Thread-safe count of API calls (attempts, including retried ones) per action."""

    def __init__(self):
        self._lock = threading.Lock()
        self.calls = {}

    def add(self, action):
        with self._lock:
            self.calls[action] = self.calls.get(action, 0) + 1

    @property
    def total(self):
        return sum(self.calls.values())


class EcsInventoryClient(object):
    """Reads regions and instances. One SDK client per region; regions run in a bounded thread pool."""

    def __init__(self, credential_client, endpoint_url=None, default_region='cn-hangzhou', max_workers=8,
                 retry_policy=None, connect_timeout_ms=5000, read_timeout_ms=15000, sdk_factory=None,
                 environ=None):
        environ = os.environ if environ is None else environ
        self._credential = credential_client
        self.endpoint_url = endpoint_url or next((environ[n] for n in ENDPOINT_ENV if environ.get(n)), None)
        self.default_region = default_region
        self.max_workers = max(1, int(max_workers))
        self.retry = retry_policy or RetryPolicy()
        self._timeouts = (int(connect_timeout_ms), int(read_timeout_ms))
        self._sdk_factory = sdk_factory or self._make_sdk_client
        self._sdk_clients = {}
        self._lock = threading.Lock()
        self.counter = CallCounter()

    def _make_sdk_client(self, region_id):
        EcsClient = ecs_sdk()[0]
        from alibabacloud_tea_openapi.utils_models import Config
        endpoint, protocol = parse_endpoint(self.endpoint_url, region_id)
        config = Config(credential=self._credential, region_id=region_id, protocol=protocol,
                        connect_timeout=self._timeouts[0], read_timeout=self._timeouts[1])
        if endpoint:
            config.endpoint = endpoint
        return EcsClient(config)

    def sdk_client(self, region_id):
        with self._lock:
            client = self._sdk_clients.get(region_id)
            if client is None:
                client = self._sdk_clients[region_id] = self._sdk_factory(region_id)
            return client

    def _call(self, action, region_id, send):
        def attempt():
            self.counter.add(action)
            return send()
        return self.retry.run(attempt, '%s in %s' % (action, region_id), region_id)

    def describe_regions(self):
        """All region ids the account can see (DescribeRegions, asked in default_region)."""
        from darabonba.runtime import RuntimeOptions
        ecs_models = ecs_sdk()[1]
        sdk = self.sdk_client(self.default_region)
        request = ecs_models.DescribeRegionsRequest(accept_language='en-US')
        response = self._call('DescribeRegions', self.default_region,
                              lambda: sdk.describe_regions_with_options(request, RuntimeOptions()))
        regions = (response.body.to_map().get('Regions') or {}).get('Region') or []
        return [region['RegionId'] for region in regions]

    def _describe_page(self, sdk, request):
        """One DescribeInstances page as the raw JSON body.

        Same request the SDK's describe_instances_with_options sends (query from the SDK's own request
        model), but the body stays plain JSON: building and flattening the response models costs about
        30 us per instance, a third of a second at 10,000 hosts, for data we turn into dicts anyway.
        """
        from alibabacloud_tea_openapi.utils import Utils
        from alibabacloud_tea_openapi import utils_models as openapi_models
        from darabonba.runtime import RuntimeOptions
        request.validate()
        query = dict((k, v) for k, v in request.to_map().items() if v is not None)
        params = openapi_models.Params(action='DescribeInstances', version=API_VERSION, protocol='HTTPS',
                                       pathname='/', method='POST', auth_type='AK', style='RPC',
                                       req_body_type='formData', body_type='json')
        raw = sdk.call_api(params, openapi_models.OpenApiRequest(query=Utils.query(query)), RuntimeOptions())
        return raw['body']

    def describe_instances(self, region_id, filters=None, per_instance=None, on_page=None):
        """Every instance of one region, following NextToken. Each page is fetched (with retries) before the
        token advances, so a retried page is neither skipped nor counted twice. per_instance(instance), if
        given, replaces each instance as its page arrives: in the pool, that work fills the waits on the API.
        on_page(instances), if given, takes each page's instances as it is read instead of the returned list."""
        sdk = self.sdk_client(region_id)
        instances, seen_tokens, token = [], set(), None
        while True:
            request = build_describe_request(region_id, filters, token)
            body = self._call('DescribeInstances', region_id, lambda: self._describe_page(sdk, request))
            page = (body.get('Instances') or {}).get('Instance') or []
            page = list(map(per_instance, page)) if per_instance else page
            if on_page is None:
                instances.extend(page)
            elif page:
                on_page(page)
            token = body.get('NextToken') or None
            if token is None:
                return instances
            if token in seen_tokens:
                raise EcsApiError('request', 'DescribeInstances in %s returned NextToken %r twice; stopping '
                                  'instead of looping' % (region_id, token), region_id=region_id)
            seen_tokens.add(token)

    def _read_pages(self, region_id, filters, per_instance, pages):
        try:
            self.describe_instances(region_id, filters, per_instance, on_page=pages.put)
        finally:
            pages.put(None)

    def fetch_regions(self, regions, filters=None, on_region_error=None, per_instance=None, by_page=False):
        """Yield (region_id, instances) in region order, each region as soon as it and the ones before it
        are read, while the pool goes on reading the rest (the caller's work on one region fills the waits of
        the others). Instances are in API order, each through per_instance (see describe_instances).

        by_page: yield the pages of the region being waited for as soon as they are read (all pages already
        read at once), so the caller starts after one page rather than a whole region; a region may then come
        as several yields, still in order.

        on_region_error(region_id, EcsApiError) -> True to skip the region (strict_permissions false),
        False/None to raise. Auth failures are always raised: they would fail in every region alike; so is
        a failure in a region some of whose pages were already yielded (by_page): they cannot be taken back.
        Regions not yet started are cancelled when the caller stops early or an error is raised.
        """
        build_describe_request('validate', filters)  # bad filters fail here, once, naming the key
        workers = min(self.max_workers, max(1, len(regions)))
        pool = ThreadPoolExecutor(max_workers=workers)
        if by_page:
            queues = [queue.Queue() for _region in regions]
            futures = [(region, pool.submit(self._read_pages, region, filters, per_instance, pages), pages)
                       for region, pages in zip(regions, queues)]
        else:
            futures = [(region, pool.submit(self.describe_instances, region, filters, per_instance), None)
                       for region in regions]
        try:
            for region, future, pages in futures:
                yielded = False
                for page in _drain(pages) if pages is not None else ():
                    yielded = True
                    yield region, page
                try:
                    instances = future.result()
                except EcsApiError as error:
                    if error.kind == 'auth' or yielded or not (on_region_error and on_region_error(region, error)):
                        raise
                    continue
                if pages is None:
                    yield region, instances
        finally:
            for _region, other, _pages in futures:
                other.cancel()
            pool.shutdown(wait=True)

    def fetch(self, regions, filters=None, on_region_error=None, per_instance=None):
        """Instances of every region, read concurrently; in region order, then API order (see fetch_regions)."""
        instances = []
        for _region, found in self.fetch_regions(regions, filters, on_region_error, per_instance):
            instances.extend(found)
        return instances
