#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: cms_monitor_group
short_description: Manage a CloudMonitor application group and exactly its ECS instances
description:
  - Makes sure the CloudMonitor application (monitor) group O(name) exists, notifies O(contact_groups) and holds
    exactly O(instances), adding and removing instances as needed; or that it does not exist.
  - Groups are found by exact name; CloudMonitor allows two groups of one name, which fails the task naming O(name).
  - Usually one group per inventory group, its instances from the inventory's hostvars.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  name:
    description: Application group name, for example the inventory group's.
    type: str
    required: true
  contact_groups:
    description:
      - Contact groups (M(alicloud_ops.logging.cms_contact_group)) the group notifies. They must exist.
      - Unset keeps the current ones (none on creation).
    type: list
    elements: str
  instances:
    description:
      - The group's ECS instances, exactly; instances not listed are removed from the group (not from ECS).
      - Unset keeps the current instances.
    type: list
    elements: dict
    suboptions:
      instance_id:
        description: ECS instance id.
        type: str
        required: true
      instance_name:
        description: Instance name shown by CloudMonitor (defaults to the id).
        type: str
      region_id:
        description: Region of the instance.
        type: str
        required: true
  state:
    description: V(present) creates or updates the group, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - alicloud_ops.logging.cms_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.attributes
attributes:
  diff_mode:
    support: full
    description: Before and after are the group as a dict (contact groups, instances).
seealso:
  - module: alicloud_ops.logging.cms_contact_group
  - module: alicloud_ops.logging.cms_metric_rule
'''

EXAMPLES = r'''
- name: Contact group the application group notifies
  alicloud_ops.logging.cms_contact_group:
    name: ops-oncall
    contacts:
      - name: ops-mail
        email: ops@example.com

- name: Application group of two web hosts
  alicloud_ops.logging.cms_monitor_group:
    name: web
    contact_groups: [ops-oncall]
    instances:
      - instance_id: i-bp1web0000000001
        instance_name: web-1
        region_id: cn-hangzhou
      - instance_id: i-bp1web0000000002
        instance_name: web-2
        region_id: cn-hangzhou
  register: web_group

- name: Delete the group
  alicloud_ops.logging.cms_monitor_group:
    name: web
    state: absent
'''

RETURN = r'''
group_id:
  description: Id of the group (empty when it does not exist, or is created in check mode).
  returned: always
  type: str
  sample: "4567"
monitor_group:
  description: The group after the run (before it, for V(absent)); empty when it does not exist.
  returned: always
  type: dict
  sample: {"name": "web", "group_id": "4567", "contact_groups": ["ops-oncall"],
           "instances": [{"instance_id": "i-bp1web0000000001", "instance_name": "web-1", "region_id": "cn-hangzhou"}]}
changes:
  description: What changed (or would in check mode), for example V(created), V(instances added i-...).
  returned: always
  type: list
  elements: str
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_module import CMSModule
from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_plan import (
    blank_problems, desired_instances, instance_problems, instance_view, instances_fields, monitor_group_view, plan_instances)


def find_group(module, client, name):
    """The DescribeMonitorGroups Resource of exactly this name, or None (GroupName may match as a substring)."""
    found = [g for g in client.pages('DescribeMonitorGroups', ('Resources', 'Resource'), GroupName=name)
             if g.get('GroupName') == name]
    if len(found) > 1:
        module.fail_json('name: %d CloudMonitor groups are named %s (ids %s); delete the extra ones'
                         % (len(found), name, ', '.join(str(g.get('GroupId')) for g in found)),
                         invalid_options=['name'])
    return found[0] if found else None


def read(module, client, name):
    doc = find_group(module, client, name)
    if doc is None:
        return None
    rows = client.pages('DescribeMonitorGroupInstances', ('Resources', 'Resource'), GroupId=int(doc['GroupId']))
    return monitor_group_view(doc, [instance_view(r) for r in rows])


def ensure(module, client):
    params = module.params
    name = params['name']
    current = read(module, client, name)
    if params['state'] == 'absent':
        if current and not module.check_mode:
            client.call('DeleteMonitorGroup', GroupId=int(current['group_id']))
        module.exit_resource('monitor_group', ['deleted'] if current else [], current or {}, current or {}, {},
                             group_id=(current or {}).get('group_id', ''))
    changes = []
    before = current or {'name': name, 'group_id': '', 'contact_groups': [], 'instances': []}
    after = dict(before)
    if params['contact_groups'] is not None:
        after['contact_groups'] = sorted(set(params['contact_groups']))
    if params['instances'] is not None:
        after['instances'] = desired_instances(params['instances'])
    to_add, to_remove = plan_instances(before['instances'], after['instances'])
    if current is None:
        changes.append('created')
    elif after['contact_groups'] != before['contact_groups']:
        changes.append('contact_groups')
    if to_add:
        changes.append('instances added %s' % ', '.join(i['instance_id'] for i in to_add))
    if to_remove:
        changes.append('instances removed %s' % ', '.join(i['instance_id'] for i in to_remove))
    if current is None or 'contact_groups' in changes:
        module.require_contact_groups(client, after['contact_groups'])
    if changes and not module.check_mode:
        group_id = before['group_id']
        if current is None:
            body = client.call('CreateMonitorGroup', GroupName=name, ContactGroups=','.join(after['contact_groups']))
            group_id = str(body.get('GroupId'))
        elif 'contact_groups' in changes:
            client.call('ModifyMonitorGroup', GroupId=group_id, GroupName=name,
                        ContactGroups=','.join(after['contact_groups']))
        if to_remove:
            client.call('DeleteMonitorGroupInstances', GroupId=int(group_id), Category='ecs',
                        InstanceIdList=','.join(i['instance_id'] for i in to_remove))
        if to_add:
            client.call('CreateMonitorGroupInstances', **instances_fields(group_id, to_add))
        after = read(module, client, name)
    module.exit_resource('monitor_group', changes, after, current or {}, after, group_id=after.get('group_id', ''))


def main():
    module = CMSModule(dict(
        name=dict(type='str', required=True),
        contact_groups=dict(type='list', elements='str'),
        instances=dict(type='list', elements='dict', options=dict(
            instance_id=dict(type='str', required=True),
            instance_name=dict(type='str'),
            region_id=dict(type='str', required=True))),
        state=dict(type='str', default='present', choices=['present', 'absent'])))
    module.fail_on_problems(blank_problems(module.params, ('name',)) + instance_problems(module.params['instances']))
    with module.cms_errors():
        ensure(module, module.client())


if __name__ == '__main__':
    main()
