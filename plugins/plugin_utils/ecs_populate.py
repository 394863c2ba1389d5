# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Adds the alicloud_ecs hosts to the inventory, and keeps what that derived for the cache.

populate_inventory(plugin, batches, stored=None) plans names and groups (ecs_transform), adds hosts and
vars batch by batch (a cold run's batches are regions, added while later regions are still read), runs
compose / groups / keyed_groups through ansible-core's own Constructable methods (made fast by
ecs_constructed), and returns a `derived` record of the plan and of the group memberships and parent
groups the constructed features made. The plugin stores it beside the records in its cache; a cached run
with the same local options replays it instead of planning and evaluating again.

What is stored: host names, group names and record indexes only, and only when every constructed
expression is pure (no lookups, no calls), so it holds nothing the instance data and options do not give.
compose is evaluated again on replay: its values keep ansible-core's data tags, which a JSON cache loses.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import itertools
import json

from ansible.inventory.host import Host
from ansible.release import __version__ as ansible_version
from ansible.utils.vars import combine_vars

try:
    from ansible.utils.vars import validate_variable_name
except ImportError:  # ansible-core before 2.19: each var goes through Host.set_variable
    validate_variable_name = None

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_constructed import (
    PlainKeyedGroups, fast_templar, missing_internals, pure_expression_names)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_options import InventoryOptionError
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_transform import (
    ALL_GROUP, HostPlanner, decorate_hostvars)

# Options that turn cached records into hosts, vars and groups (the API query is fingerprinted apart).
LOCAL_OPTIONS = ('hostnames', 'allow_duplicated_hosts', 'include_filters', 'exclude_filters', 'hostvars_prefix',
                 'hostvars_suffix', 'compose', 'groups', 'keyed_groups', 'strict', 'leading_separator',
                 'use_extra_vars')


class InventoryPlanError(AlicloudOpsError, ValueError):
    """A local option is malformed; the message starts with it."""

    option_from_message = True


def _option(plugin, name):
    try:
        return plugin.get_option(name)
    except KeyError:
        return None


def _storable(plugin, compose, groups, keyed_groups):
    """Whether the constructed results follow from records and options alone (so they may be stored)."""
    if _option(plugin, 'use_extra_vars'):
        return False
    expressions = list((compose or {}).values()) + list((groups or {}).values())
    for keyed in keyed_groups or []:
        if not isinstance(keyed, dict):
            return False
        expressions.append(keyed.get('key'))
        parent = keyed.get('parent_group')
        if parent is not None and (not isinstance(parent, str) or '{' in parent):
            return False
    return all(isinstance(e, str) and pure_expression_names(e) is not None for e in expressions)


def derived_fingerprint(plugin, compose, groups, keyed_groups):
    """A digest of the local options and ansible-core's version; None when results may not be stored."""
    if not _storable(plugin, compose, groups, keyed_groups):
        return None
    options = dict((name, _option(plugin, name)) for name in LOCAL_OPTIONS)
    text = json.dumps([ansible_version, options], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def _ensure_groups(inventory, names):
    for name in names:
        if name not in inventory.groups:
            inventory.add_group(name)


class VarNames(object):
    """Hostvar names that ansible-core's Host.set_variable stores as they are (one instance per populate run).

    Host.set_variable(key, value) takes the trust off the key, checks that it is a valid variable name (else it
    warns, deprecated), merges a mapping into a mapping already stored under the key, and otherwise stores
    vars[key] = value. For a key that is an exact `str` (no tags to take off) and a valid name, not yet among
    the host's vars, that is the store alone: plain(keys) says whether every key is such a name, so a new
    host's vars can be stored in one dict update with the same outcome. Names are checked once per run."""

    def __init__(self):
        self._valid = set() if validate_variable_name is not None else None

    def plain(self, keys):
        valid = self._valid
        if valid is None:
            return False
        for key in keys:
            if type(key) is not str:  # pylint: disable=unidiomatic-typecheck
                return False
            if key not in valid:
                try:
                    validate_variable_name(key)
                except Exception:
                    return False  # Host.set_variable warns about it, per var, as it always does
                valid.add(key)
        return True


def _add_host(inventory, name, default_groups, hostvars, var_names=None):
    """Add a host (to `all` and its default groups) with the plugin's hostvars; returns (the Host, whether its
    vars were stored in one update). With `var_names` (a VarNames), a host that is new and whose hostvars are
    all plain names gets them in one update (see VarNames): its vars are then ansible-core's inventory_file and
    inventory_dir and these hostvars, nothing else."""
    new = var_names is not None and name not in inventory.hosts
    inventory.add_host(name, group=ALL_GROUP)
    host_obj = inventory.hosts[name]
    for group in default_groups[1:]:
        inventory.add_child(group, name)
    host_vars = host_obj.vars
    plain_dict = type(host_vars) is dict  # pylint: disable=unidiomatic-typecheck
    if new and plain_dict and host_vars.keys().isdisjoint(hostvars) and var_names.plain(hostvars):
        host_vars.update(hostvars)
        return host_obj, True
    # Host.set_variable directly: InventoryData.set_variable adds a lookup and a debug call per var.
    for key, value in hostvars.items():
        host_obj.set_variable(key, value)
    return host_obj, False


def _reads_group_names(groups, keyed_groups):
    """Whether a groups or keyed_groups expression may read group_names (or anything unknown).

    ansible-core merges the host's vars (compose results, inventory_hostname, group_names) into the
    variables again before every entry, because each keyed group changes group_names. When no expression
    reads group_names, merging once per host gives every entry the same variables."""
    expressions = list((groups or {}).values())
    for keyed in keyed_groups or []:
        if not isinstance(keyed, dict) or '{' in str(keyed.get('parent_group') or ''):
            return True
        expressions.append(keyed.get('key'))
    for expression in expressions:
        names = pure_expression_names(expression) if isinstance(expression, str) else None
        if names is None or 'group_names' in names:
            return True
    return False


# Host vars ansible-core sets besides the plugin's own (InventoryData.add_host).
_INVENTORY_VARS = ('inventory_file', 'inventory_dir')


def _magic_var_names():
    """The names Host.get_vars adds to a host's own vars (inventory_hostname, group_names, ...), or None."""
    try:
        return set(Host('magic.example', gen_uuid=False).get_magic_vars())
    except Exception:
        return None


def _hostvars_suffice(plugin, compose, groups, keyed_groups, fast=True):
    """Whether the groups and keyed_groups expressions give the same results on a new host's plugin hostvars
    as on ansible-core's variables, its hostvars merged with the host's vars (Host.get_vars).

    For a host whose vars were stored in one update (_add_host), the merge adds the compose results,
    inventory_file / inventory_dir and the magic vars, and leaves every other name's value as it is in the
    hostvars. So when every expression is pure and reads none of those names, merging changes nothing they
    read, and the per-host merge can be skipped."""
    if not fast or not getattr(plugin, 'FAST_CONSTRUCTED', True) or _option(plugin, 'use_extra_vars'):
        return False
    magic = _magic_var_names()
    if magic is None:
        return False
    merged = magic.union(_INVENTORY_VARS, compose or {})
    expressions = list((groups or {}).values())
    for keyed in keyed_groups or []:
        if not isinstance(keyed, dict) or keyed.get('parent_group') is not None:
            return False
        expressions.append(keyed.get('key'))
    for expression in expressions:
        names = pure_expression_names(expression) if isinstance(expression, str) else None
        if names is None or merged.intersection(names):
            return False
    return True


class _Builder(object):
    """Adds planned hosts batch by batch and runs the constructed features; with `record`, keeps what they
    derived (finish() returns it)."""

    def __init__(self, plugin, options, record, fast):
        self.plugin, self.inventory, self.options, self.record = plugin, plugin.inventory, options, record
        compose, groups, keyed_groups = options[2:5]
        self.constructed = bool(compose or groups or keyed_groups)
        self.merge_per_entry = not fast or _reads_group_names(groups, keyed_groups)
        # Without group_names read, the merge is once per host; with this, not at all for hosts added in one update.
        self.hostvars_suffice = not self.merge_per_entry and _hostvars_suffice(plugin, compose, groups, keyed_groups)
        # Each group's parents before the run: new groups, and the parent links parent_group adds to any group
        # (one an earlier source made too), are what the run derived.
        self.parents_before = dict((name, set(p.name for p in group.parent_groups))
                                   for name, group in self.inventory.groups.items())
        # Not fast (FAST_CONSTRUCTED False, the equality test's reference, or the fallback): every var through
        # Host.set_variable.
        self.var_names = VarNames() if fast else None
        self.hosts = []
        _ensure_groups(self.inventory, [ALL_GROUP])

    def add(self, planned, index):
        """planned: PlannedHost list; index: {id(record): its position in all records} (used when recording)."""
        plugin, inventory, record = self.plugin, self.inventory, self.record
        prefix, suffix, compose, groups, keyed_groups, strict = self.options
        merge_per_entry, hostvars_suffice = self.merge_per_entry, self.hostvars_suffice
        for host in planned:
            _ensure_groups(inventory, host.groups)
            hostvars = decorate_hostvars(host.hostvars, prefix, suffix)
            made = []
            for name in host.names:
                host_obj, in_one_update = _add_host(inventory, name, host.groups, hostvars, self.var_names)
                if self.constructed:
                    first_new = len(host_obj.groups)
                    # The constructed features see the plugin's hostvars; skipped entirely when unused (speed).
                    plugin._set_composite_vars(compose, hostvars, name, strict=strict)
                    if merge_per_entry or (hostvars_suffice and in_one_update):
                        variables = hostvars
                    else:
                        variables = combine_vars(hostvars, host_obj.get_vars())
                    plugin._add_host_to_composed_groups(groups, variables, name, strict=strict,
                                                        fetch_hostvars=merge_per_entry)
                    plugin._add_host_to_keyed_groups(keyed_groups, variables, name, strict=strict,
                                                     fetch_hostvars=merge_per_entry)
                    if record:
                        # Direct memberships only: Host.groups also lists the ancestors parent_group added.
                        made.append([str(g.name) for g in host_obj.groups[first_new:] if name in g.host_names])
            if record:
                self.hosts.append([index[id(host.hostvars)], host.names, host.groups, made])

    def finish(self):
        if not self.record:
            return None
        inventory = self.inventory
        # str(): plain names. Option-derived names carry ansible-core's origin tags, which its JSON cache
        # serialises as objects that take far longer to load than the names themselves.
        before = self.parents_before
        new_groups = [str(name) for name in inventory.groups if name not in before]
        parents = [[str(name), [str(p.name) for p in group.parent_groups if p.name not in before.get(name, ())]]
                   for name, group in inventory.groups.items()]
        return {'groups': new_groups, 'parents': [p for p in parents if p[1]], 'hosts': self.hosts}


def _replay(plugin, records, derived, options):
    inventory = plugin.inventory
    prefix, suffix, compose, strict = options[0], options[1], options[2], options[5]
    _ensure_groups(inventory, derived['groups'])
    var_names = VarNames()  # replay runs only with FAST_CONSTRUCTED
    for record_index, names, default_groups, made in derived['hosts']:
        hostvars = decorate_hostvars(records[record_index], prefix, suffix)
        # Groups another source made before this one (so not in derived['groups']) may be absent now.
        _ensure_groups(inventory, default_groups)
        for position, name in enumerate(names):
            _add_host(inventory, name, default_groups, hostvars, var_names)
            if compose:
                plugin._set_composite_vars(compose, hostvars, name, strict=strict)
            for group in made[position] if made else ():
                _ensure_groups(inventory, (group,))
                inventory.add_child(group, name)
    for child, parents in derived['parents']:
        for parent in parents:
            _ensure_groups(inventory, (parent, child))
            inventory.add_child(parent, child)


def populate_inventory(plugin, batches, stored=None, record=True):
    """Add the records of `batches` (lists of records, e.g. one per region as it is read) to plugin.inventory.

    Returns (all records, the `derived` data to cache or None; None too without `record`, when nothing
    will be cached). `stored` is the derived data of an earlier run from the cache: replayed when its
    fingerprint matches. If anything fails, the hosts and groups added so far are removed again: a source
    that fails leaves nothing behind.

    The fast path (FAST_CONSTRUCTED) hooks into ansible-core internals (ecs_constructed). When one is missing
    (missing_internals), or using them raises AttributeError or ImportError, the hosts go through ansible-core's
    own path instead (the batches read so far are not read again) and -vvv says so.
    """
    fast = getattr(plugin, 'FAST_CONSTRUCTED', True)
    missing = missing_internals(plugin.templar) if fast else None
    if missing is not None:
        _fall_back(plugin, 'it has no %s' % missing)
        fast = False
    if not fast:
        return _populate(plugin, batches, stored, record, fast=False)
    read = []

    def remembered():
        for batch in batches:
            read.append(batch)
            yield batch
    try:
        try:
            return _populate(plugin, remembered(), stored, record, fast=True)
        except (AttributeError, ImportError) as exc:
            # _populate took back what it added; ansible-core's own path raises again whatever is not the hooks'.
            _fall_back(plugin, 'using its internals raised %s: %s' % (type(exc).__name__, exc))
        return _populate(plugin, itertools.chain(read, batches), stored, record, fast=False)
    except BaseException:
        # _populate closed only the wrapper: stop reading regions here too.
        getattr(batches, 'close', lambda: None)()
        raise


def _fall_back(plugin, why):
    plugin.display.vvv("alicloud_ecs: constructed features (compose, groups, keyed_groups) go through ansible-core's "
                       "own path, without the fast path: ansible-core %s: %s" % (ansible_version, why))


def _populate(plugin, batches, stored, record, fast):
    compose, groups = plugin.get_option('compose'), plugin.get_option('groups')
    keyed_groups = plugin.get_option('keyed_groups')
    options = (plugin.get_option('hostvars_prefix'), plugin.get_option('hostvars_suffix'), compose, groups,
               keyed_groups, plugin.get_option('strict'))
    fingerprint = derived_fingerprint(plugin, compose, groups, keyed_groups) if fast else None
    # With use_extra_vars, ansible-core evaluates against hostvars plus extra vars: leave that to it.
    plugin.read_plain_paths = fast and not _option(plugin, 'use_extra_vars')
    plugin.plain_keyed_groups = PlainKeyedGroups(plugin) if plugin.read_plain_paths else None
    inventory = plugin.inventory
    hosts_before, groups_before = set(inventory.hosts), set(inventory.groups)
    records = []
    try:
        with fast_templar(plugin.templar) if fast else _Nothing():
            if fingerprint is not None and isinstance(stored, dict) and stored.get('fingerprint') == fingerprint:
                for batch in batches:
                    records.extend(batch)
                _warn(plugin, stored['notes'])
                _replay(plugin, records, stored, options)
                return records, stored
            try:
                planner = HostPlanner(
                    hostnames=plugin.get_option('hostnames'),
                    allow_duplicated_hosts=plugin.get_option('allow_duplicated_hosts'),
                    include_filters=plugin.get_option('include_filters'),
                    exclude_filters=plugin.get_option('exclude_filters'), sanitize=plugin._sanitize_group_name)
            except InventoryOptionError as exc:
                raise InventoryPlanError(str(exc))
            builder = _Builder(plugin, options, record=record and fingerprint is not None, fast=fast)
            notes = []
            for batch in batches:
                index = dict((id(r), i) for i, r in enumerate(batch, len(records))) if builder.record else None
                records.extend(batch)
                planned, batch_notes = planner.plan(batch)
                _warn(plugin, batch_notes)
                builder.add(planned, index)
                notes.extend(batch_notes)
            final_notes = planner.finish()
            _warn(plugin, final_notes)
            notes.extend(final_notes)
            derived = builder.finish()
    except BaseException:
        # Stop reading regions now (a generator of batches cancels what it has not started) rather than when
        # the traceback lets go of it, then take back what was added.
        getattr(batches, 'close', lambda: None)()
        _remove_added(inventory, hosts_before, groups_before)
        raise
    if derived is not None:
        derived.update(fingerprint=fingerprint, notes=notes)
    return records, derived


def _warn(plugin, notes):
    for note in notes:
        plugin.display.warning('alicloud_ecs: %s' % note)


def _remove_added(inventory, hosts_before, groups_before):
    """Undo a failed populate (an API error in a later region, say): remove the hosts and groups it added,
    so a source that fails leaves nothing behind, as when every region was read before any host was added."""
    for name in [g for g in inventory.groups if g not in groups_before]:
        group = inventory.groups[name]
        # Hosts drop the group and the ancestors it gave them; then parents kept from before let go of it.
        inventory.remove_group(group)
        if name in inventory.groups:
            # ansible-core 2.18's remove_group looks the Group up among the names (2.19 takes group.name): the hosts
            # let go of it, the inventory keeps it. Drop it as 2.19 does.
            del inventory.groups[name]
            if hasattr(inventory, '_groups_dict_cache'):
                inventory._groups_dict_cache = {}
        for parent in group.parent_groups:
            if group in parent.child_groups:
                parent.child_groups.remove(group)
                parent.clear_hosts_cache()
    for name in [h for h in inventory.hosts if h not in hosts_before]:
        inventory.remove_host(inventory.hosts[name])


class _Nothing(object):
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False
