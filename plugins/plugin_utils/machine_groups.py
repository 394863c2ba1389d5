"""Plan Log Service machine groups from inventory groups: pure, on the controller, tested on dicts.

``resolve_machine_groups(specs, members, host_vars, defaults)`` turns the user's list
(``alicloud_logging_machine_groups``) into the groups sls_machine_group is called with:

    specs     [{'name': 'app', 'hosts': 'web'}, {'name': 'certman', 'hosts': 'certman', 'machine_type': 'ip'}]
    members   {'app': ['web-1', 'web-2'], 'certman': ['cm-1']}   hosts Ansible's pattern matching selected
    host_vars {'web-1': {'private_ip': '10.0.0.1'}, ...}          hostname -> that host's variables
    defaults  {'machine_type': 'ip', 'ip_var': 'private_ip', 'user_defined_ids': [...], 'append': False}
    ->        [{'name': 'app', 'hosts': 'web', 'machine_type': 'ip', 'machines': ['10.0.0.1', ...],
                'append': False, 'group_topic': None}, ...]

An ip group lists each selected host's IP (the ``ip_var`` hostvar); a userdefined group lists the union of the
selected hosts' ``alicloud_logging_user_defined_ids`` (the ids the logtail role writes on them), falling back
to the group's or the shared default. Raises MachineGroupError naming the group, the field or the pattern.
"""

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError

SPEC_KEYS = ('name', 'hosts', 'machine_type', 'ip_var', 'user_defined_ids', 'append', 'group_topic')
MACHINE_TYPES = ('ip', 'userdefined')
HOST_IDS_VAR = 'alicloud_logging_user_defined_ids'


class MachineGroupError(AlicloudOpsError, ValueError):
    """A machine group spec that cannot be used; the message starts with the field at fault."""

    option_from_message = True


def _checked_spec(index, spec):
    """The spec without null keys (role argument validation may fill unset suboptions with None)."""
    where = 'alicloud_logging_machine_groups[%d]' % index
    if not isinstance(spec, dict):
        raise MachineGroupError('%s: expected a dict with name and hosts, got %r' % (where, spec))
    spec = {key: value for key, value in spec.items() if value is not None}
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        raise MachineGroupError('%s: unknown key(s) %s; known: %s' % (where, ', '.join(unknown), ', '.join(SPEC_KEYS)))
    for key in ('name', 'hosts'):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            raise MachineGroupError('%s: %s is required (a non-empty string)' % (where, key))
    if spec.get('machine_type', MACHINE_TYPES[0]) not in MACHINE_TYPES:
        raise MachineGroupError('%s (%s): machine_type must be one of %s, got %r'
                                % (where, spec['name'], ', '.join(MACHINE_TYPES), spec['machine_type']))
    return spec


def _unique(values):
    seen = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _machines(spec, hosts, host_vars, machine_type, ip_var, default_ids):
    if machine_type == 'ip':
        missing = [host for host in hosts if not (host_vars.get(host) or {}).get(ip_var)]
        if missing:
            raise MachineGroupError('machine group %s (hosts: %s): %s has no %s hostvar (set it, or '
                                    'alicloud_logging_machine_ip_var, or use machine_type userdefined)'
                                    % (spec['name'], spec['hosts'], ', '.join(missing), ip_var))
        return _unique(str(host_vars[host][ip_var]) for host in hosts)
    ids = []
    for host in hosts:
        ids.extend((host_vars.get(host) or {}).get(HOST_IDS_VAR) or default_ids)
    return _unique(ids)


def resolve_machine_groups(specs, members, host_vars, defaults):
    if not isinstance(specs, list):
        raise MachineGroupError('alicloud_logging_machine_groups: expected a list, got %r' % (specs,))
    names = []
    resolved = []
    for index, spec in enumerate(specs):
        spec = _checked_spec(index, spec)
        if spec['name'] in names:
            raise MachineGroupError('alicloud_logging_machine_groups: machine group %s is listed twice' % spec['name'])
        names.append(spec['name'])
        hosts = members.get(spec['name']) or []
        if not hosts:
            raise MachineGroupError('machine group %s: host pattern %r selects no hosts in the inventory'
                                    % (spec['name'], spec['hosts']))
        machine_type = spec.get('machine_type', defaults['machine_type'])
        default_ids = spec.get('user_defined_ids', defaults['user_defined_ids'])
        machines = _machines(spec, hosts, host_vars, machine_type, spec.get('ip_var', defaults['ip_var']),
                             default_ids)
        if not machines:
            raise MachineGroupError('machine group %s (hosts: %s): no user-defined ids' % (spec['name'], spec['hosts']))
        resolved.append({'name': spec['name'], 'hosts': spec['hosts'], 'machine_type': machine_type,
                         'machines': machines, 'append': bool(spec.get('append', defaults.get('append', False))),
                         'group_topic': spec.get('group_topic')})
    return resolved
