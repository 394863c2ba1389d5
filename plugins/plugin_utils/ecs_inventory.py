# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glue between the alicloud_ecs inventory plugin's options and the client/transform layers.

fetch_records(plugin) reads the API and returns cacheable hostvars records; populate_inventory(plugin,
records) adds hosts, vars and groups. Both take the plugin object for get_option/display/inventory.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_client import EcsInventoryClient
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CredentialsError, known_secrets, mask_secrets, resolve_credentials)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_retry import EcsApiError, RetryPolicy
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_transform import (
    ALL_GROUP, InventoryOptionError, decorate_hostvars, instance_hostvars, plan_hosts)

# Bump when the record layout changes so old cache files are refetched instead of misread.
CACHE_FORMAT = 'alicloud_ecs/1'
# Inventory option -> setting of the shared credential chain (module_utils/alicloud_credentials.py).
CREDENTIAL_OPTIONS = {'access_key': 'access_key_id', 'secret_key': 'access_key_secret',
                      'security_token': 'security_token', 'profile': 'profile', 'config_file': 'config_file',
                      'ecs_role_name': 'ecs_role_name', 'role_arn': 'role_arn',
                      'role_session_name': 'role_session_name',
                      'role_session_duration': 'role_session_duration', 'sts_endpoint': 'sts_endpoint'}


class InventorySourceError(Exception):
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


def _region_error_handler(plugin, strict):
    def on_region_error(region, error):
        if strict:
            return False
        plugin.display.warning(redact(plugin, 'alicloud_ecs: skipping region %s (strict_permissions is false): %s'
                                      % (region, error)))
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
    return {'regions': sorted(plugin.get_option('regions') or []), 'filters': effective_filters(plugin),
            'endpoint_url': plugin.get_option('endpoint_url') or ''}


def fetch_records(plugin):
    """API -> list of hostvars dicts (instance data only: this is what the cache stores)."""
    client = build_client(plugin)
    started = time.time()
    strict = plugin.get_option('strict_permissions')
    try:
        regions = plugin.get_option('regions') or client.describe_regions()
        instances = client.fetch(regions, effective_filters(plugin), _region_error_handler(plugin, strict))
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
                       % (len(instances), len(regions), time.time() - started, client.counter.calls))
    return [instance_hostvars(item) for item in instances]


def _ensure_groups(inventory, names):
    for name in names:
        if name not in inventory.groups:
            inventory.add_group(name)


def populate_inventory(plugin, records):
    inventory = plugin.inventory
    try:
        planned, notes = plan_hosts(
            records, hostnames=plugin.get_option('hostnames'),
            allow_duplicated_hosts=plugin.get_option('allow_duplicated_hosts'),
            include_filters=plugin.get_option('include_filters'),
            exclude_filters=plugin.get_option('exclude_filters'), sanitize=plugin._sanitize_group_name)
    except InventoryOptionError as exc:
        raise InventorySourceError(str(exc))
    for note in notes:
        plugin.display.warning('alicloud_ecs: %s' % note)
    prefix, suffix = plugin.get_option('hostvars_prefix'), plugin.get_option('hostvars_suffix')
    compose, groups = plugin.get_option('compose'), plugin.get_option('groups')
    keyed_groups, strict = plugin.get_option('keyed_groups'), plugin.get_option('strict')
    constructed = bool(compose or groups or keyed_groups)
    _ensure_groups(inventory, [ALL_GROUP])
    for host in planned:
        _ensure_groups(inventory, host.groups)
        hostvars = decorate_hostvars(host.hostvars, prefix, suffix)
        for name in host.names:
            inventory.add_host(name, group=ALL_GROUP)
            host_obj = inventory.hosts[name]
            for group in host.groups[1:]:
                inventory.add_child(group, name)
            # Host.set_variable directly: InventoryData.set_variable adds a lookup and a debug call per var.
            for key, value in hostvars.items():
                host_obj.set_variable(key, value)
            if constructed:
                # The constructed features see the plugin's hostvars; skipped entirely when unused (speed).
                plugin._set_composite_vars(compose, hostvars, name, strict=strict)
                plugin._add_host_to_composed_groups(groups, hostvars, name, strict=strict)
                plugin._add_host_to_keyed_groups(keyed_groups, hostvars, name, strict=strict)
