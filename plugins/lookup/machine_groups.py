# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r'''
name: machine_groups
short_description: Log Service machine groups from inventory host patterns
description:
  - Resolves a list of machine groups, each naming an Ansible host pattern (C(web), C(app:certman),
    C(web:&prod)), into the machines each group lists, ready for M(alicloud_ops.logging.sls_machine_group).
  - Hosts are selected by Ansible's own pattern matching (the P(ansible.builtin.inventory_hostnames#lookup)
    lookup). An V(ip) group lists each host's IP from its hostvars; a V(userdefined) group lists the union of
    the hosts' C(alicloud_logging_user_defined_ids) (the ids the logtail role writes on them), falling back to
    the group's C(user_defined_ids), else the O(user_defined_ids) option.
  - A pattern that selects no host, or an V(ip) host without its IP hostvar, is an error naming the group and
    the pattern.
  - Call it with C(query), not C(lookup), so the result stays a list of dicts.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  _terms:
    description:
      - The machine groups, as dicts with keys C(name) and C(hosts) (required), C(machine_type), C(ip_var),
        C(user_defined_ids), C(append), C(group_topic) (optional, defaulting to the options below).
    type: list
    elements: dict
    required: true
  machine_type:
    description: Identity type of a group that sets no C(machine_type).
    type: str
    choices: [ip, userdefined]
    default: userdefined
  ip_var:
    description: Hostvar that holds a host's IP, for V(ip) groups that set no C(ip_var).
    type: str
    default: private_ip
  user_defined_ids:
    description: Ids of a V(userdefined) group whose hosts set no C(alicloud_logging_user_defined_ids).
    type: list
    elements: str
    default: []
  append:
    description: Default of each group's C(append) (add machines instead of replacing the list).
    type: bool
    default: false
seealso:
  - module: alicloud_ops.logging.sls_machine_group
'''

EXAMPLES = r'''
- name: One machine group per inventory group
  alicloud_ops.logging.sls_machine_group:
    project: web-logs
    name: "{{ item.name }}"
    machine_type: "{{ item.machine_type }}"
    machines: "{{ item.machines }}"
  loop: "{{ query('alicloud_ops.logging.machine_groups', groups_wanted, machine_type='ip') }}"
  vars:
    groups_wanted:
      - {name: app, hosts: web}
      - {name: certman, hosts: certman}
'''

RETURN = r'''
_list:
  description: One dict per group, in the given order.
  type: list
  elements: dict
  contains:
    name:
      description: Machine group name.
      type: str
    hosts:
      description: The host pattern.
      type: str
    machine_type:
      description: V(ip) or V(userdefined).
      type: str
    machines:
      description: The IPs or user-defined ids, each once, in host order.
      type: list
      elements: str
    append:
      description: Add the machines instead of replacing the list.
      type: bool
    group_topic:
      description: The group's topic; null when unset.
      type: str
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.machine_groups import (
    MachineGroupError, resolve_machine_groups)


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        specs = terms[0] if len(terms) == 1 and isinstance(terms[0], list) else list(terms)
        # Ansible's own pattern matching, so 'app:certman', 'web:&prod' and '!x' mean what they mean in hosts:.
        patterns = lookup_loader.get('ansible.builtin.inventory_hostnames', loader=self._loader, templar=self._templar)
        members = {}
        for spec in specs:
            if isinstance(spec, dict) and isinstance(spec.get('hosts'), str) and spec['hosts'].strip():
                members[spec.get('name')] = patterns.run(spec['hosts'], variables=variables)
        hostvars = variables['hostvars']
        host_vars = {host: hostvars[host] for hosts in members.values() for host in hosts}
        defaults = {key: self.get_option(key) for key in ('machine_type', 'ip_var', 'user_defined_ids', 'append')}
        try:
            return resolve_machine_groups(specs, members, host_vars, defaults)
        except MachineGroupError as err:
            raise AnsibleLookupError(str(err)) from None
