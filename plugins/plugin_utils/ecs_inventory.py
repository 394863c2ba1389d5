# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glue between the alicloud_ecs inventory plugin's options and the client/transform layers.

fetch_record_batches(plugin) reads the API and yields cacheable hostvars records region by region, in this
process (read_record_batches: the threaded client) or in a child process (ecs_fetch_process, which runs
read_record_batches there); ecs_populate adds them to the inventory as they come. Both take the plugin object
for get_option/display/inventory.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_client import EcsInventoryClient
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_fetch_process import (
    FetchProcess, FetchProcessError, wants_process)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CredentialsError, known_secrets, mask_secrets, resolve_credentials)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_retry import EcsApiError, RetryPolicy
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_transform import instance_hostvars

# Bump when the record layout changes so old cache files are refetched instead of misread.
CACHE_FORMAT = 'alicloud_ecs/3'
# Inventory option -> setting of the shared credential chain (module_utils/alicloud_credentials.py).
CREDENTIAL_OPTIONS = {'access_key': 'access_key_id', 'secret_key': 'access_key_secret',
                      'security_token': 'security_token', 'profile': 'profile', 'config_file': 'config_file',
                      'ecs_role_name': 'ecs_role_name', 'role_arn': 'role_arn',
                      'role_session_name': 'role_session_name',
                      'role_session_duration': 'role_session_duration', 'sts_endpoint': 'sts_endpoint'}
# What read_record_batches reads: the options a fetch process is given (credentials travel on its stdin).
FETCH_OPTIONS = tuple(CREDENTIAL_OPTIONS) + (
    'endpoint_url', 'default_region', 'max_workers', 'retry_base_delay', 'retry_max_delay', 'retry_deadline',
    'connect_timeout', 'read_timeout', 'strict_permissions', 'regions', 'filters')


class InventorySourceError(AlicloudOpsError):
    """Anything that stops the inventory: bad option, credentials, API failure. Message is user-facing."""


def credential_options(plugin):
    """The inventory file's credential options under the chain's names; unset ones are None, so the chain
    reads the environment and the profile file in its own order."""
    return dict((setting, plugin.get_option(option)) for option, setting in CREDENTIAL_OPTIONS.items())


def redact(plugin, text):
    """Last line of defence: no message we emit may contain a secret we were given, whatever quoted it."""
    return mask_secrets(text, known_secrets(credential_options(plugin)))


def build_client(plugin):
    try:
        credentials = resolve_credentials(credential_options(plugin))
    except CredentialsError as exc:
        raise InventorySourceError('credentials: %s' % exc)
    plugin.display.vvv('alicloud_ecs: credentials from %s' % credentials.source)
    retry = RetryPolicy(base_delay=plugin.get_option('retry_base_delay'),
                        max_delay=plugin.get_option('retry_max_delay'),
                        deadline=plugin.get_option('retry_deadline'))
    return EcsInventoryClient(
        credentials.client(), endpoint_url=plugin.get_option('endpoint_url'),
        default_region=plugin.get_option('default_region'), max_workers=plugin.get_option('max_workers'),
        retry_policy=retry, connect_timeout_ms=int(plugin.get_option('connect_timeout') * 1000),
        read_timeout_ms=int(plugin.get_option('read_timeout') * 1000))


def _region_error_handler(plugin, strict, skipped):
    """on_region_error for the client: with strict_permissions false, warn and note the region in `skipped`."""
    def on_region_error(region, error):
        if strict:
            return False
        plugin.display.warning(redact(plugin, 'alicloud_ecs: skipping region %s (strict_permissions is false): %s'
                                      % (region, error)))
        skipped.append((region, error))
        return True
    return on_region_error


def effective_filters(plugin):
    """`filters` with status Running unless the user named a status (null lifts it)."""
    filters = dict(plugin.get_option('filters') or {})
    filters.setdefault('status', 'Running')
    return filters


def query_fingerprint(plugin):
    """What decides which instances the API returns. Stored with the cache: a cache filled for other
    regions, filters or endpoint is refetched instead of served (secrets are not part of it)."""
    query = {'regions': sorted(plugin.get_option('regions') or []), 'filters': effective_filters(plugin),
             'endpoint_url': plugin.get_option('endpoint_url') or ''}
    # Plain JSON: option values carry ansible-core's origin tags, which its JSON cache would store as objects.
    return json.loads(json.dumps(query))


def cache_entry(query, records, derived):
    """What the plugin stores in its inventory cache: instance records and what populate derived from them.

    The records ride as one JSON string: ansible-core's cache decoder runs a Python hook on every JSON object
    (about 35,000 at 10,000 hosts, most of a cached run's time), while one string costs nothing to it and the
    C decoder reads it back in a fraction of that."""
    return {'format': CACHE_FORMAT, 'query': query,
            'payload': json.dumps({'hosts': records, 'derived': derived}, separators=(',', ':'))}


def read_cache_entry(cached, query):
    """(records, derived) from a cache entry written by cache_entry for the same query, else (None, None)."""
    if not isinstance(cached, dict) or cached.get('format') != CACHE_FORMAT or cached.get('query') != query:
        return None, None
    try:
        payload = json.loads(cached['payload'])
    except (KeyError, TypeError, ValueError):
        return None, None
    return payload.get('hosts'), payload.get('derived')


def fetch_record_batches(plugin):
    """API -> hostvars dicts (instance data only: what the cache stores), one list per region in region order
    as the regions are read, so the caller adds hosts while later regions are still fetched. Read in a child
    process or in this one, as the fetch_process option says; the batches, messages and errors are the same."""
    mode = plugin.get_option('fetch_process')
    if wants_process(mode):
        # Plain JSON values: option values carry ansible-core's origin tags, which the child has no need of.
        settings = json.loads(json.dumps(dict((name, plugin.get_option(name)) for name in FETCH_OPTIONS)))
        try:
            process = FetchProcess(settings, plugin.display.warning, plugin.display.vvv).start()
        except (OSError, FetchProcessError) as exc:
            if mode == 'always':
                raise InventorySourceError('fetch_process: cannot start the fetch process: %s' % exc)
            plugin.display.vvv('alicloud_ecs: fetching in this process (no fetch process: %s)' % exc)
        else:
            plugin.display.vvv('alicloud_ecs: reading the API in a child process (pid %d)' % process.pid)
            return _ProcessBatches(process)
    plugin.display.vvv('alicloud_ecs: reading the API in threads of this process')
    return read_record_batches(plugin)


class _ProcessBatches(object):
    """The batches of a started fetch process; close() stops it, also when iteration never began."""

    def __init__(self, process):
        self._process = process

    def __iter__(self):
        # batches() stops the child itself when it ends, fails or is closed.
        try:
            yield from self._process.batches()
        except FetchProcessError as exc:
            raise InventorySourceError(str(exc))

    def close(self):
        self._process.close()


def read_record_batches(plugin):
    """fetch_record_batches in this process: the threaded client."""
    client = build_client(plugin)
    started = time.time()
    strict = plugin.get_option('strict_permissions')
    count, regions, skipped = 0, [], []
    try:
        regions = plugin.get_option('regions') or client.describe_regions()
        # Page by page when any failure fails the inventory anyway (populate then takes back what was added);
        # with strict_permissions false a region that fails is skipped whole, so it comes whole.
        for _region, records in client.fetch_regions(regions, effective_filters(plugin),
                                                     _region_error_handler(plugin, strict, skipped),
                                                     per_instance=instance_hostvars, by_page=strict):
            count += len(records)
            yield records
        if regions and len(skipped) == len(regions):
            # Skipping a region keeps the others; with none left the inventory is empty because of errors.
            region, error = skipped[0]
            raise InventorySourceError('no region could be read (strict_permissions false skips a failing region, '
                                       'but all %d failed); %s: %s' % (len(regions), region, error))
    except EcsApiError as exc:
        what = {'auth': 'authentication failed', 'permission': 'permission denied',
                'transient': 'API unavailable', 'unreachable': 'endpoint unreachable'}.get(exc.kind, 'API request failed')
        where = ' in region %s' % exc.region_id if exc.region_id else ''
        raise InventorySourceError('%s%s: %s' % (what, where, exc))
    except ValueError as exc:
        raise InventorySourceError(str(exc))
    except Exception as exc:
        # Credential providers fail lazily on the first request (bad profile file, no metadata service).
        if type(exc).__name__ == 'CredentialException':
            raise InventorySourceError('credentials: %s' % exc)
        raise
    plugin.display.vvv('alicloud_ecs: %d instances from %d regions in %.2fs; API calls %s'
                       % (count, len(regions), time.time() - started, client.counter.calls))
