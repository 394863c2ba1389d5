#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_machine_group
short_description: Manage a Log Service machine group (the hosts a Logtail config applies to)
description:
  - Makes sure a machine group exists with the given identification, machine list and attributes, or does not
    exist.
  - V(userdefined) identification (the default) keeps working under auto scaling - every host writes the same
    id into C(/etc/ilogtail/user_defined_id) (M(alicloud_ops.logging.logtail_config), variable
    C(alicloud_logging_user_defined_ids)), so new instances join with no API call.
  - V(ip) identification lists the hosts' private IPs, usually taken from the inventory's hostvars.
  - The machine list is replaced exactly, or only added to with O(append=true).
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: Project that holds the machine group.
    type: str
    required: true
  name:
    description: Machine group name (3-128 letters, digits, hyphens and underscores).
    type: str
    required: true
    aliases: [group]
  state:
    description: V(present) creates or updates the group, V(absent) deletes it (configs applied to it stay).
    type: str
    choices: [present, absent]
    default: present
  machine_type:
    description: How Logtail hosts are recognised - by user-defined id or by IP address.
    type: str
    choices: [userdefined, ip]
    default: userdefined
  machines:
    description:
      - User-defined ids or IP addresses (for O(machine_type=ip)) of the group.
      - An id holding a line break or another control character is refused, by the same rule
        M(alicloud_ops.logging.logtail_config) applies to the ids it writes on the host.
      - Unset keeps the current list (empty on creation); V([]) empties it unless O(append=true).
    type: list
    elements: str
  append:
    description: Add O(machines) to the current list instead of replacing it.
    type: bool
    default: false
  group_topic:
    description: Topic attached to every log collected from the group. Unset keeps the current one.
    type: str
  external_name:
    description: External name attribute of the group. Unset keeps the current one.
    type: str
extends_documentation_fragment:
  - alicloud_ops.logging.converge_probe
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
attributes:
  diff_mode:
    support: full
    description: Before and after are the group as dicts (machine type, machines, attributes).
seealso:
  - module: alicloud_ops.logging.sls_logtail_config
  - module: alicloud_ops.logging.logtail_config
'''

EXAMPLES = r'''
- name: Group identified by the id every host writes (auto-scaling friendly)
  alicloud_ops.logging.sls_machine_group:
    project: web-logs
    name: web-hosts
    machines: "{{ alicloud_logging_user_defined_ids }}"
    group_topic: web

# role_web: the alicloud_ecs inventory's keyed group of the instances tagged role=web (its keyed_groups:
# [{key: ecs_tags.role, prefix: role}]); private_ip: the hostvar it sets to the instance's VPC address.
- name: Group of the inventory's private IPs, replaced exactly
  alicloud_ops.logging.sls_machine_group:
    project: web-logs
    name: web-hosts-by-ip
    machine_type: ip
    machines: "{{ groups['role_web'] | map('extract', hostvars, 'private_ip') | list }}"

- name: Add two hosts, keep the rest
  alicloud_ops.logging.sls_machine_group:
    project: web-logs
    name: web-hosts-by-ip
    machine_type: ip
    machines: [10.0.0.21, 10.0.0.22]
    append: true
'''

RETURN = r'''
machine_group:
  description: The group after the run (before it, for V(absent)); empty when it does not exist.
  returned: always
  type: dict
  sample: {"name": "web-hosts", "machine_type": "userdefined", "machines": ["alicloud-ops-logging"],
           "group_type": "", "group_topic": "web", "external_name": ""}
changes:
  description: Fields that changed (or would change in check mode); V(created) or V(deleted) for the group.
  returned: always
  type: list
  elements: str
  sample: [machines]
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.sls_machine_group import main


if __name__ == '__main__':
    main()
