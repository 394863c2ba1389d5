# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: alicloud_ecs
short_description: Alibaba Cloud ECS instances as inventory hosts
version_added: 0.1.0
description:
  - Lists the ECS instances of one or more regions through the official SDK (alibabacloud_ecs20140526),
    reading regions concurrently and pages of 100 with NextToken.
  - Throttling, 5xx answers and connection resets are retried with exponential backoff and full
    jitter until O(retry_deadline).
  - A refused connection, a host name that does not resolve, or no answer within O(connect_timeout) /
    O(read_timeout) is not retried (the same request would meet the same failure); the inventory fails at
    once with a message naming the endpoint.
  - Hosts get snake_case hostvars and land in the groups C(alicloud), one per region and one per zone
    (sanitised, for example C(cn_hangzhou) and C(cn_hangzhou_h)), plus whatever O(groups) and O(keyed_groups) build.
  - "Hostvars (snake_case): instance_id, instance_name, hostname, description, region_id, zone_id, vpc_id,
    vswitch_id, private_ip, private_ips, public_ip, public_ips, eip, eip_allocation_id, security_group_ids,
    ecs_tags (the tags as a dict; not C(tags), which is a reserved play keyword that ansible-core warns about),
    instance_type, instance_charge_type, image_id, os_name, os_type, status, creation_time, resource_group_id,
    network_interfaces. O(hostvars_prefix) and O(hostvars_suffix) decorate every name."
  - The inventory file name must end in C(alicloud_ecs.yml) or C(alicloud_ecs.yaml).
  - Secrets are never written to output, warnings or the cache, which holds instance data and the host and group names derived from it.
  - With O(cache), data cached for other O(regions), O(filters) or O(endpoint_url) is refetched rather than
    served; O(hostnames), the filters applied locally and the constructed options apply to cached data too.
  - "Options are checked before any API call, and configuration that can only be a mistake is refused with a
    message naming the option: an unknown option name (a typo would otherwise be ignored), a boolean that is
    not true or false (ansible-core would read C(flase) as false), C(true) for a number, a region id that is
    not one (lowercase letters, digits and C(-), such as C(cn-hangzhou) or C(ap-southeast-1)) or is listed
    twice, a number that is NaN, infinite or out of range, an unknown filter key or instance status, a
    hostnames source such as C(tag:) without a key, a keyed group without O(keyed_groups[].key), an
    O(endpoint_url) that is not C([http://|https://]host[:port]), a NUL byte anywhere or a line break outside a
    Jinja2 expression, a key, secret or token with spaces or control characters (named, never shown)."
  - "Errors fail the run, whatever ansible-core's C(unparsed_is_failed) says. ansible-core treats any exception
    of an inventory plugin (AnsibleParserError too) as a warning and goes on without the source's hosts unless
    C(any_unparsed_is_failed) is set. With it set, the error is raised as a parse error; without it, the plugin
    prints the error and ends C(ansible-inventory) or C(ansible-playbook) with exit code 1 (also in
    C(meta: refresh_inventory)), so that a bad option, a missing SDK, wrong credentials, an endpoint that does not
    answer or a region that fails never pass for an empty inventory."
author: alicloud_ops maintainers (@alicloud-ops)
requirements:
  - alibabacloud_ecs20140526
  - alibabacloud_credentials
extends_documentation_fragment:
  - constructed
  - inventory_cache
  # profile, config_file, ecs_role_name, role_arn, role_session_*, sts_endpoint and the credentials order
  - alicloud_ops.logging.sls_auth.credential_chain
options:
  plugin:
    description: Marks the file as an inventory for this plugin.
    required: true
    type: str
    choices: [alicloud_ops.logging.alicloud_ecs]
  regions:
    description:
      - Region ids to read. When empty the plugin asks DescribeRegions (in O(default_region)) for all of them.
      - Each is a region id (C(cn-hangzhou), C(ap-southeast-1), C(us-west-1), C(eu-central-1)), at most once.
    type: list
    elements: str
    default: []
  default_region:
    description: Region whose endpoint answers DescribeRegions; read (and checked as a region id) only when
      O(regions) is empty.
    type: str
    default: cn-hangzhou
    env: [{name: ALICLOUD_REGION}, {name: ALIBABA_CLOUD_REGION_ID}]
  filters:
    description:
      - Server-side filters, sent with every DescribeInstances request.
      - "Keys: C(status) (C(Running) unless given, also when other filters are set; one of C(Pending),
        C(Running), C(Starting), C(Stopping), C(Stopped), in any case; V(null) lists every status), C(vpc_id),
        C(vswitch_id), C(zone_id), C(instance_ids) (1 to 100), C(instance_name) (C(*) wildcards),
        C(instance_type), C(security_group_id), C(resource_group_id), C(image_id), C(tags) (a dict of 1 to 20
        tag keys; all must match; a V(null) value matches any value)."
      - Values are non-empty strings (quote numbers); V(null) lifts a filter; an empty list or dict is refused.
    type: dict
    default: {status: Running}
  include_filters:
    description:
      - Client-side filters on the fetched hosts. A host is kept when it matches at least one entry. Each entry
        is a dict of conditions that must all hold; a list value means any of; strings may use C(*) wildcards.
      - "Keys: instance_id, instance_ids, instance_name, hostname, region_id, zone_id, vpc_id, vswitch_id, status,
        instance_type, os_name, os_type, image_id, private_ip, public_ip, eip, security_group_id,
        resource_group_id, tags (dict of key to value or V(null))."
      - Values are strings or non-empty lists of strings (quote numbers); a C(status) without wildcards must be
        an instance status as the API spells it (C(Running), not C(running)).
    type: list
    elements: dict
    default: []
  exclude_filters:
    description: Same form as O(include_filters); a host matching any entry is dropped, even if it is included.
    type: list
    elements: dict
    default: []
  hostnames:
    description:
      - Ordered preference list of host name sources; the first non-empty one names the host.
      - "Sources: C(private_ip), C(public_ip), C(eip), C(instance_id), C(instance_name), C(hostname),
        C(tag:Key) (the tag's value), C(tag:Key=Value) (C(Key_Value) when the tag has that value). C(tag:), a key
        with surrounding spaces and C(tag:Key=) are refused."
      - "An entry may be a dict C({name: SOURCE, prefix: SOURCE, separator: '_'}) that joins two sources, for
        example C({name: tag:Name, prefix: instance_id, separator: '-'})."
      - Instances with none of the sources are left out with a warning.
    type: list
    elements: raw
    default: [private_ip]
  allow_duplicated_hosts:
    description:
      - When false, each instance is one host named by its first matching source; an instance whose name is
        already taken by another instance is listed under its instance id instead, with a warning.
      - When true, each instance is listed under every name its sources give and instances may share names.
    type: bool
    default: false
  hostvars_prefix:
    description: Prefix added to every hostvar name this plugin sets (not to O(compose) results); the names it
      makes must be valid variable names.
    type: str
    default: ''
  hostvars_suffix:
    description: Suffix added to every hostvar name this plugin sets (not to O(compose) results); the names it
      makes must be valid variable names.
    type: str
    default: ''
  access_key:
    description: AccessKey id. See the description for the full credentials order.
    type: str
    aliases: [alicloud_access_key, access_key_id]
  secret_key:
    description: AccessKey secret. Never printed or cached.
    type: str
    aliases: [alicloud_secret_key, access_key_secret]
  security_token:
    description: STS security token, for temporary AccessKeys (C(STS.*)). Sent with every request.
    type: str
    aliases: [alicloud_security_token, sts_token]
  endpoint_url:
    description:
      - ECS API endpoint instead of the SDK's regional default, for VPC or private endpoints and emulators.
        C(http://) selects plain HTTP. C({region}) is replaced by the region id, e.g.
        C(https://ecs-vpc.{region}.aliyuncs.com).
    type: str
    aliases: [ecs_endpoint]
    env: [{name: ALIBABA_CLOUD_ECS_ENDPOINT}, {name: ALICLOUD_ECS_ENDPOINT}]
  strict_permissions:
    description:
      - When true, a region that answers Forbidden or cannot be read fails the inventory with a clear error.
      - When false, such a region is skipped with a warning and the other regions are listed.
      - Authentication failures (wrong key, secret or token) always fail, and so does a run in which every
        region failed.
    type: bool
    default: true
  max_workers:
    description: Regions read at the same time (1 or more).
    type: int
    default: 8
  fetch_process:
    description:
      - Where the API is read when the cache does not serve the inventory.
      - V(always) reads it in a child Python process (the controller's own interpreter, started fresh) that
        streams the hosts back region by region as they are read (with O(strict_permissions), the pages of the
        region being waited for as they arrive), so the SDK, HTTP, signing, JSON and hostvars work runs on
        another core while this process adds hosts. The options, credentials included,
        reach it on its standard input, never in its arguments or environment; it stops when the inventory
        is done or fails.
      - V(never) reads it in threads of the ansible process itself.
      - V(auto) uses the child process when the controller has more than one usable CPU, else threads.
      - Hosts, warnings, errors and the cache are the same either way.
    type: str
    choices: [auto, always, never]
    default: auto
  retry_deadline:
    description: Seconds after the first attempt of a call when retrying stops (0 to 86400; 0 retries nothing).
    type: float
    default: 60
  retry_base_delay:
    description: First backoff cap in seconds (more than 0, at most 3600); it doubles per retry up to
      O(retry_max_delay), and the delay is drawn uniformly below it.
    type: float
    default: 0.2
  retry_max_delay:
    description: Largest backoff cap in seconds (at least O(retry_base_delay), at most 3600).
    type: float
    default: 5
  connect_timeout:
    description: Connect timeout per request, in seconds (0.001 to 3600).
    type: float
    default: 5
  read_timeout:
    description: Read timeout per request, in seconds (0.001 to 3600). An API call that gets no answer in this
      time fails the inventory (it is not retried).
    type: float
    default: 15
'''

EXAMPLES = r'''
# inventories/production/alicloud_ecs.yml
plugin: alicloud_ops.logging.alicloud_ecs
regions: [cn-hangzhou, cn-shanghai]
filters:
  status: Running
  tags: {team: web}
exclude_filters:
  - tags: {logging: disabled}
hostnames:
  - private_ip
  - instance_id
keyed_groups:
  - key: ecs_tags.env
    prefix: env
  - key: instance_type
    prefix: type
groups:
  debian: os_name is search('Debian')
compose:
  ansible_host: private_ip
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: .cache/inventory
cache_timeout: 600

# A second inventory file: every region, credentials from ~/.aliyun/config.json profile "ops", assuming a
# read-only role (one source per file; ansible-test reads EXAMPLES as one YAML document):
#   plugin: alicloud_ops.logging.alicloud_ecs
#   profile: ops
#   role_arn: acs:ram::123456789012:role/ecs-inventory-readonly
#   strict_permissions: false
'''

import gc
import traceback
from collections.abc import Mapping

from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sdk_requirements import (
    INVENTORY_SDKS, install_command, missing_sdks)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_constructed import NOT_PLAIN, plain_path_value
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_options import (
    InventoryOptionError, check_written, validate_options)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_inventory import (
    InventorySourceError, cache_entry, fetch_record_batches, query_fingerprint, read_cache_entry, redact)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_populate import (
    InventoryPlanError, populate_inventory)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'alicloud_ops.logging.alicloud_ecs'
    # False: compose/groups/keyed_groups run through ansible-core's Constructable exactly as it ships (per-host
    # compiles, nothing stored in the cache); the equality test compares the two paths' inventories.
    FAST_CONSTRUCTED = True
    # Set by populate_inventory: plain variable paths are read directly unless use_extra_vars mixes in more,
    # and keyed groups on them go through a PlainKeyedGroups (ecs_constructed) for the run.
    read_plain_paths = False
    plain_keyed_groups = None

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ('alicloud_ecs.yml', 'alicloud_ecs.yaml'))

    def _compose(self, template, variables, disable_lookups=...):
        """ansible-core's _compose, except that a plain variable path to a string is read without Jinja."""
        if self.read_plain_paths:
            value = plain_path_value(template, variables)
            if value is not NOT_PLAIN:
                # Same templar state as ansible-core leaves behind: parent_group is templated with it.
                self.templar.available_variables = variables
                return value
        return super(InventoryModule, self)._compose(template, variables, disable_lookups)

    def _add_host_to_keyed_groups(self, keys, variables, host, strict=False, fetch_hostvars=True):
        """ansible-core's, except that entries whose group PlainKeyedGroups knows skip composing and naming."""
        fast = self.plain_keyed_groups
        if fast is None or fetch_hostvars or not isinstance(keys, list):
            return super(InventoryModule, self)._add_host_to_keyed_groups(keys, variables, host, strict=strict,
                                                                          fetch_hostvars=fetch_hostvars)
        inventory = self.inventory
        # add_child(group, host) is ansible-core's add_host(host, group) for a host already in the inventory,
        # with fewer steps; unless a group has the host's name (then add_child would add that group).
        add_child = host not in inventory.groups
        for keyed in keys:
            group = fast.group_for(keyed, variables)
            if group is None:
                # Entries do not affect one another without fetch_hostvars: one at a time is the same as all.
                super(InventoryModule, self)._add_host_to_keyed_groups([keyed], variables, host, strict=strict,
                                                                       fetch_hostvars=False)
            elif add_child:
                inventory.add_child(group, host)
            else:
                inventory.add_host(host, group)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        try:
            self._read_options(path)
            self._populate(path, cache)
        except NotThisPlugin:
            raise
        except Exception as exc:  # ours, ansible-core's (a strict constructed expression) or a bug: never a warning
            self._fail(path, exc)

    def _read_options(self, path):
        """Read the file's options and refuse what can only be a mistake, before anything is fetched."""
        definitions = C.config.get_configuration_definitions('inventory', self._load_name) or {}
        try:
            written = self._read_config_data(path)
        except Exception:
            # A file for another plugin is not ours to fail; for ours, a named error beats ansible-core's own.
            check_written(self._written_if_mine(path), definitions)
            raise
        options = dict((name, self.get_option(name)) for name in definitions)
        validate_options(options, written, definitions)

    def _written_if_mine(self, path):
        """The file as written; NotThisPlugin (which ansible-core hands on to its other plugins) when it names
        another plugin. A file that cannot be read as a mapping is taken as ours, as its name says."""
        try:
            written = self.loader.load_from_file(path)
        except Exception:
            return {}
        if not isinstance(written, Mapping):
            return {}
        if written.get('plugin') not in (getattr(self, '_redirected_names', None) or [self.NAME]):
            raise NotThisPlugin('%s names the inventory plugin %r, not %s' % (path, written.get('plugin'), self.NAME))
        return written

    def _populate(self, path, cache):
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        records = stored = None
        query = query_fingerprint(self)
        if use_cache:
            try:
                cached = self._cache[cache_key]
            except KeyError:
                cached = None
            records, stored = read_cache_entry(cached, query)
            if records is not None:
                self.display.vvv('alicloud_ecs: %d hosts from the inventory cache' % len(records))
            update_cache = records is None
        if records is None:
            missing = missing_sdks(INVENTORY_SDKS)
            if missing:
                raise InventorySourceError('the Python package(s) %s are not installed for the controller; install '
                                           'them with: %s' % (', '.join(missing), install_command(missing)))
        # Tens of thousands of long-lived objects: the cyclic GC would rescan them again and again for nothing.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            # Cold: hosts are added region by region while the later regions are still being read.
            batches = fetch_record_batches(self) if records is None else [records]
            records, derived = populate_inventory(self, batches, stored, record=update_cache)
        finally:
            if gc_was_enabled:
                gc.enable()
        # Only write what was fetched now: rewriting data read from the cache would reset its age.
        if update_cache:
            self._cache[cache_key] = cache_entry(query, records, derived)

    def _fail(self, path, exc):
        """End the inventory with exc's message (secrets masked) in a way ansible-core reports as an error.

        ansible-core turns every exception of an inventory plugin, AnsibleParserError included, into a warning
        and goes on with the hosts it has (none from this source) unless any_unparsed_is_failed is set;
        unparsed_is_failed fails only when no source at all parsed. An ECS inventory that failed must not pass
        for an empty one, so then the error is printed and the run ends (exit code 1)."""
        ours = isinstance(exc, (InventorySourceError, InventoryPlanError, InventoryOptionError))
        if getattr(C, 'INVENTORY_ANY_UNPARSED_IS_FAILED', False) and isinstance(exc, AnsibleError):
            raise exc  # ansible-core's own error (origin included): it fails the run as it is
        text = to_native(exc)
        if not ours and not isinstance(exc, AnsibleError):
            text = 'unexpected %s: %s' % (type(exc).__name__, text)
            self.display.vvv(redact(self, traceback.format_exc()))
        message = redact(self, 'alicloud_ecs: %s' % text)
        if getattr(C, 'INVENTORY_ANY_UNPARSED_IS_FAILED', False):
            # Not chained: ansible-core appends a cause's message, which would bring back what redact() masked.
            raise AnsibleParserError(message) from None
        self.display.error('%s (inventory source %s; the run stops here: a failed alicloud_ecs source is never '
                           'used as an empty one)' % (message, path))
        raise InventorySourceFailed(message)


class NotThisPlugin(AnsibleParserError, AlicloudOpsError):
    """The file names another plugin: ansible-core tries its other plugins on it, as for any source."""


class InventorySourceFailed(SystemExit):
    """Raised once the error is printed: ends ansible-inventory / ansible-playbook with exit code 1 where
    ansible-core would only warn. Not an Exception, so ansible-core's inventory manager does not catch it."""

    def __init__(self, message):
        super(InventorySourceFailed, self).__init__(1)
        self.message = message
