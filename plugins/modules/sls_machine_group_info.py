#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops maintainers (@alicloud-ops)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_machine_group_info
short_description: The machines of a Log Service (SLS) machine group, with their heartbeat age
description:
  - Lists the machines whose Logtail agent heartbeats into a machine group (ListMachines), with the age of each
    last heartbeat, and the Logtail configs applied to the group (GetAppliedConfigs).
  - Read-only, never changed; runs in check mode too. A machine in the group's machine list whose agent never
    heartbeated does not appear in RV(machines); RV(silent) names those entries.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: Project that holds the machine group.
    type: str
    required: true
  name:
    description: Machine group name.
    type: str
    required: true
    aliases: [machine_group]
  stale_after:
    description: A machine whose last heartbeat is older than this many seconds counts as not alive.
    type: int
    default: 120
extends_documentation_fragment:
  - alicloud_ops.logging.sls_auth.read_only
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
seealso:
  - module: alicloud_ops.logging.sls_machine_group
  - module: alicloud_ops.logging.sls_log_search
'''

EXAMPLES = r'''
- name: Which agents are heartbeating
  alicloud_ops.logging.sls_machine_group_info:
    project: web-logs
    name: web-hosts
  register: group

- name: Fail when an agent is silent
  ansible.builtin.assert:
    that: group.silent | length == 0
    fail_msg: "no heartbeat from {{ group.silent | join(', ') }}"
'''

RETURN = r'''
machines:
  description: Machines that heartbeat into the group.
  returned: success
  type: list
  elements: dict
  sample: [{"ip": "10.0.0.7", "user_defined_id": "web-hosts", "machine_unique_id": "10.0.0.7",
            "last_heartbeat": 1764230400, "heartbeat_age": 12, "alive": true}]
machine_type:
  description: How the group identifies machines, V(ip) or V(userdefined).
  returned: success
  type: str
machine_list:
  description: The group's machine list (IPs or user-defined ids).
  returned: success
  type: list
  elements: str
silent:
  description: Entries of RV(machine_list) that no alive machine answers for (agent down, or not reporting
    that IP or user-defined id).
  returned: success
  type: list
  elements: str
applied_configs:
  description: Logtail configs applied to the group.
  returned: success
  type: list
  elements: str
'''

import time

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import name_problems
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import SLSModule
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_search import machine_row, silent_entries

PAGE = 100  # ListMachines page size


def read_machines(module, client, project, name):
    """exit_json with the group's machines (heartbeats), its machine list and the configs applied to it."""
    try:
        body = client.get_machine_group(project, name).get_body()
    except SlsApiError as err:
        body = module.absent_on(err, (), parents={
            'MachineGroupNotExist': 'name: machine group %s does not exist in project %s' % (name, project),
            'ProjectNotExist': 'project: project %s does not exist' % project})
    if body is None:  # check mode after a warning: an earlier task would have created it
        module.exit_json(changed=False, machines=[], machine_type='', machine_list=[], silent=[], applied_configs=[])
    now, machines = time.time(), []
    while True:
        page = client.list_machines(project, name, offset=len(machines), size=PAGE)
        machines.extend(machine_row(m.ip, m.machine_unique_id, m.user_defined_id, m.heartbeat_time, now,
                                    module.params['stale_after']) for m in page.get_machines())
        if page.get_machine_count() < PAGE:
            break
    applied = client.get_machine_group_applied_configs(project, name)
    module.exit_json(changed=False, machines=machines, machine_type=body.get('machineIdentifyType', ''),
                     machine_list=list(body.get('machineList') or []),
                     silent=silent_entries(body.get('machineIdentifyType'), body.get('machineList') or [], machines),
                     applied_configs=sorted(applied.get_configs()))


def main():
    module = SLSModule(dict(
        project=dict(type='str', required=True),
        name=dict(type='str', required=True, aliases=['machine_group']),
        stale_after=dict(type='int', default=120),
    ))
    params = module.params
    module.fail_on_problems(name_problems(params, project='project', name='machine_group') + [
        ('stale_after', 'must be at least 1 second, got %d' % params['stale_after'] if params['stale_after'] < 1
         else None)])
    with module.sls_errors():
        read_machines(module, module.client(), params['project'], params['name'])


if __name__ == '__main__':
    main()
