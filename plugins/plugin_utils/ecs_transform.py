# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure functions that turn DescribeInstances items into inventory hosts, names, vars and groups.

Nothing here talks to Ansible or the network, so every naming and filtering rule has plain unit tests.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import re

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_options import (
    check_local_filters, parse_hostnames)

DEFAULT_HOSTNAMES = ('private_ip',)
ALL_GROUP = 'alicloud'
_UNSAFE_GROUP_CHARS = re.compile(r'[^A-Za-z0-9_]')


def _ip_list(container):
    return list((container or {}).get('IpAddress') or [])


def instance_hostvars(instance):
    """One DescribeInstances item (API casing) -> snake_case hostvars without prefix or suffix."""
    vpc = instance.get('VpcAttributes') or {}
    private_ips = _ip_list(vpc.get('PrivateIpAddress')) or _ip_list(instance.get('InnerIpAddress'))
    public_ips = _ip_list(instance.get('PublicIpAddress'))
    eip = instance.get('EipAddress') or {}
    tags = {}
    for tag in (instance.get('Tags') or {}).get('Tag') or []:
        tags[tag.get('TagKey')] = tag.get('TagValue') or ''
    interfaces = []
    for nic in (instance.get('NetworkInterfaces') or {}).get('NetworkInterface') or []:
        interfaces.append({
            'network_interface_id': nic.get('NetworkInterfaceId', ''),
            'primary_ip_address': nic.get('PrimaryIpAddress', ''),
            'mac_address': nic.get('MacAddress', ''),
            'type': nic.get('Type', ''),
        })
    return {
        'instance_id': instance.get('InstanceId', ''),
        'instance_name': instance.get('InstanceName', ''),
        'hostname': instance.get('HostName', ''),
        'description': instance.get('Description', ''),
        'region_id': instance.get('RegionId', ''),
        'zone_id': instance.get('ZoneId', ''),
        'vpc_id': vpc.get('VpcId', ''),
        'vswitch_id': vpc.get('VSwitchId', ''),
        'private_ip': private_ips[0] if private_ips else '',
        'private_ips': private_ips,
        'public_ip': public_ips[0] if public_ips else '',
        'public_ips': public_ips,
        'eip': eip.get('IpAddress') or '',
        'eip_allocation_id': eip.get('AllocationId') or '',
        'security_group_ids': list((instance.get('SecurityGroupIds') or {}).get('SecurityGroupId') or []),
        # Not `tags`: that is a reserved play keyword and ansible-core warns about any variable with its name.
        'ecs_tags': tags,
        'instance_type': instance.get('InstanceType', ''),
        'instance_charge_type': instance.get('InstanceChargeType', ''),
        'image_id': instance.get('ImageId', ''),
        'os_name': instance.get('OSName', ''),
        'os_type': instance.get('OSType', ''),
        'status': instance.get('Status', ''),
        'creation_time': instance.get('CreationTime', ''),
        'resource_group_id': instance.get('ResourceGroupId', ''),
        'network_interfaces': interfaces,
    }


def _source_value(hostvars, source):
    """Value of one hostname source (`private_ip`, `tag:Key`, `tag:Key=Value`) or '' when absent."""
    if source.startswith('tag:'):
        key, sep, wanted = source[4:].partition('=')
        if key not in hostvars['ecs_tags']:
            return ''
        value = hostvars['ecs_tags'][key]
        if sep:
            # `tag:Key=Value` names the host `Key_Value` only when the tag has that value (aws_ec2 form).
            return '%s_%s' % (key, value) if value == wanted else ''
        return value
    return hostvars.get(source) or ''


def compile_hostnames(preferences):
    """Validate the `hostnames` option into a list of (name_source, prefix_source, separator) tuples."""
    return parse_hostnames(preferences, DEFAULT_HOSTNAMES)  # pragma: no mutate (equivalent: parse_hostnames' default is ('private_ip',) too)


def candidate_names(hostvars, compiled):
    """Every non-empty name the preferences give for one instance, best first, without repeats."""
    names = []
    for name_source, prefix_source, separator in compiled:
        name = _source_value(hostvars, name_source)
        if name and prefix_source:
            prefix = _source_value(hostvars, prefix_source)
            name = '%s%s%s' % (prefix, separator, name) if prefix else ''
        if name and name not in names:
            names.append(name)
    return names


def sanitize_group_name(name):
    """Same rule as Ansible's default group-name transformation: anything but [A-Za-z0-9_] becomes `_`."""
    return _UNSAFE_GROUP_CHARS.sub('_', name)


def default_groups(hostvars, sanitize=sanitize_group_name):
    """`alicloud`, the region and the zone (sanitised), in that order, skipping empty ones."""
    groups = [ALL_GROUP]
    for key in ('region_id', 'zone_id'):
        if hostvars.get(key):
            groups.append(sanitize(hostvars[key]))
    return groups


def decorate_hostvars(hostvars, prefix='', suffix=''):
    if not prefix and not suffix:
        return hostvars
    return dict(('%s%s%s' % (prefix, key, suffix), value) for key, value in hostvars.items())


def _matches_any(actual_values, wanted):
    wanted_list = wanted if isinstance(wanted, list) else [wanted]
    for pattern in wanted_list:
        for actual in actual_values:
            if fnmatch.fnmatchcase(str(actual), str(pattern)):
                return True
    return False


def _entry_matches(hostvars, entry):
    for key, wanted in entry.items():
        if key == 'tags':
            for tag_key, tag_value in wanted.items():
                if tag_key not in hostvars['ecs_tags']:
                    return False
                if tag_value is not None and not _matches_any([hostvars['ecs_tags'][tag_key]], tag_value):
                    return False
            continue
        if key == 'instance_ids':
            actual = [hostvars['instance_id']]
        elif key == 'security_group_id':
            actual = hostvars['security_group_ids']
        elif key in ('private_ip', 'public_ip'):
            actual = hostvars[key + 's']
        else:
            actual = [hostvars[key]]
        if not _matches_any(actual, wanted):
            return False
    return True


def passes_local_filters(hostvars, include_filters, exclude_filters):
    """Kept when it matches any include entry (or there are none) and no exclude entry: exclude wins."""
    for entry in exclude_filters or ():
        if _entry_matches(hostvars, entry):
            return False
    if not include_filters:
        return True
    for entry in include_filters:
        if _entry_matches(hostvars, entry):
            return True
    return False


class PlannedHost(object):
    __slots__ = ('names', 'hostvars', 'groups')

    def __init__(self, names, hostvars, groups):
        self.names = names
        self.hostvars = hostvars
        self.groups = groups


class HostPlanner(object):
    """Plans hosts batch by batch (regions as they arrive) with the same outcome as one plan of all records:
    names taken in an earlier batch stay taken. Options are validated when the planner is made."""

    def __init__(self, hostnames=None, allow_duplicated_hosts=False, include_filters=None, exclude_filters=None,
                 sanitize=sanitize_group_name):
        self.compiled = compile_hostnames(hostnames)
        check_local_filters('include_filters', include_filters or [])
        check_local_filters('exclude_filters', exclude_filters or [])
        self.allow_duplicated_hosts = allow_duplicated_hosts
        self.include_filters, self.exclude_filters = include_filters, exclude_filters
        self.sanitize = sanitize
        self.taken, self.unnamed = {}, []
        self._groups = {}  # (region_id, zone_id) -> default_groups: sanitised once per zone, not per host

    def plan(self, records):
        """Hostvars records (from instance_hostvars) -> (planned hosts, notes about these records)."""
        planned, notes, taken = [], [], self.taken
        for hostvars in records:
            if not passes_local_filters(hostvars, self.include_filters, self.exclude_filters):
                continue
            names = candidate_names(hostvars, self.compiled)
            if not names:
                self.unnamed.append(hostvars['instance_id'])
                continue
            if not self.allow_duplicated_hosts:
                names = names[:1]
                holder = taken.get(names[0])
                if holder is not None:
                    notes.append('instances %s and %s both resolve to host name %r; %s is listed as %s'
                                 % (holder, hostvars['instance_id'], names[0], hostvars['instance_id'],
                                    hostvars['instance_id']))
                    names = [hostvars['instance_id']]
                taken[names[0]] = hostvars['instance_id']
            where = (hostvars.get('region_id'), hostvars.get('zone_id'))
            groups = self._groups.get(where)
            if groups is None:
                groups = self._groups[where] = default_groups(hostvars, self.sanitize)
            planned.append(PlannedHost(names, hostvars, groups))
        return planned, notes

    def finish(self):
        """Notes about the whole run, once every batch is planned."""
        unnamed = self.unnamed
        if not unnamed:
            return []
        return ['%d instance(s) have none of the hostnames sources and were left out: %s'
                % (len(unnamed), ', '.join(unnamed[:10]) + (' ...' if len(unnamed) > 10 else ''))]


def plan_hosts(records, hostnames=None, allow_duplicated_hosts=False, include_filters=None,
               exclude_filters=None, sanitize=sanitize_group_name):
    """Hostvars records (from instance_hostvars) -> (planned hosts, notes). Names are unique unless
    allow_duplicated_hosts is set.

    Without allow_duplicated_hosts each instance becomes one host named by its first non-empty preference;
    when another instance already holds that name, the instance falls back to its instance_id (with a
    note) so that two machines never share one host entry and its vars. With allow_duplicated_hosts the
    instance is listed under every name its preferences give, as aws_ec2 does.
    """
    planner = HostPlanner(hostnames, allow_duplicated_hosts, include_filters, exclude_filters, sanitize)
    planned, notes = planner.plan(records)
    return planned, notes + planner.finish()
