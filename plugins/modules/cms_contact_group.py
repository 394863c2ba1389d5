#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: cms_contact_group
short_description: Manage a CloudMonitor alert contact group and its contacts
description:
  - Makes sure the CloudMonitor contacts in O(contacts) exist with the given channels, then that the contact group
    O(name) holds exactly those contacts; or that the group does not exist.
  - A CloudMonitor contact's only webhook is a DingTalk robot URL (O(contacts[].dingtalk_webhook)); a generic
    callback URL belongs to a metric rule
    (O(alicloud_ops.logging.cms_metric_rule#module:webhook_url) of M(alicloud_ops.logging.cms_metric_rule)).
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  name:
    description: Contact group name.
    type: str
    required: true
  description:
    description: Description of the group. Unset keeps the current one (the name on creation).
    type: str
  contacts:
    description:
      - The group's contacts, created or updated first. The group's member list becomes exactly these names.
      - Unset keeps the current members (none on creation).
    type: list
    elements: dict
    suboptions:
      name:
        description: Contact name.
        type: str
        required: true
      description:
        description: Description of the contact (defaults to the name).
        type: str
      email:
        description: Mail channel. Unset keeps the current one.
        type: str
      dingtalk_webhook:
        description:
          - DingTalk robot webhook URL. It carries the robot's token, so it is never logged or returned; diff and
            the return values show V(<hidden sha256:...>), which changes when the URL does.
          - Unset keeps the current one.
        type: str
  purge_contacts:
    description: With O(state=absent), also delete the contacts listed in O(contacts).
    type: bool
    default: false
  state:
    description: V(present) creates or updates, V(absent) deletes the group (contacts stay unless O(purge_contacts)).
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
    description: Before and after are the group and its contacts as dicts, webhook URLs hidden.
seealso:
  - module: alicloud_ops.logging.cms_monitor_group
  - module: alicloud_ops.logging.cms_metric_rule
'''

EXAMPLES = r'''
- name: On-call contact group with a mail and a DingTalk contact
  alicloud_ops.logging.cms_contact_group:
    name: ops-oncall
    description: Operations on call
    contacts:
      - name: ops-mail
        email: ops@example.com
      - name: ops-dingtalk
        dingtalk_webhook: https://oapi.dingtalk.com/robot/send?access_token=example-token

- name: Remove the group and the contacts it created
  alicloud_ops.logging.cms_contact_group:
    name: ops-oncall
    contacts:
      - name: ops-mail
      - name: ops-dingtalk
    purge_contacts: true
    state: absent
'''

RETURN = r'''
contact_group:
  description: The group after the run (before it, for V(absent)); empty when it does not exist.
  returned: always
  type: dict
  sample: {"name": "ops-oncall", "description": "Operations on call", "contacts": ["ops-dingtalk", "ops-mail"]}
contacts:
  description: The contacts of O(contacts) after the run, webhook URLs hidden.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "ops-mail", "description": "ops-mail", "email": "ops@example.com", "dingtalk_webhook": ""}]
changes:
  description: What changed (or would in check mode), for example V(contact ops-mail created), V(contacts).
  returned: always
  type: list
  elements: str
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_module import CMSModule
from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_plan import (
    blank_problems, changed_fields, contact_group_view, contact_problems, contact_view, desired_contact, desired_contact_group,
    put_contact_fields)


def read_group(client, name):
    groups = client.pages('DescribeContactGroupList', ('ContactGroupList', 'ContactGroup'))
    return next((g for g in groups if g.get('Name') == name), None)


def read_contact(client, name):
    body = client.call('DescribeContactList', ContactName=name, PageNumber=1, PageSize=100)
    return next((c for c in (body.get('Contacts') or {}).get('Contact') or [] if c.get('Name') == name), None)


def ensure(module, client):
    params = module.params
    name, contacts = params['name'], params['contacts']
    group_doc = read_group(client, name)
    current = contact_group_view(group_doc) if group_doc else None
    changes, before_contacts, after_contacts = [], [], []
    if params['state'] == 'absent':
        if current:
            changes.append('deleted')
            if not module.check_mode:
                client.call('DeleteContactGroup', ContactGroupName=name)
        for contact in contacts or [] if params['purge_contacts'] else []:
            doc = read_contact(client, contact['name'])
            if doc:
                before_contacts.append(contact_view(doc))
                changes.append('contact %s deleted' % contact['name'])
                if not module.check_mode:
                    client.call('DeleteContact', ContactName=contact['name'])
        module.exit_resource('contact_group', changes, current or {},
                             dict(current or {}, contact_details=before_contacts), {}, contacts=before_contacts)
    for contact in contacts or []:
        doc = read_contact(client, contact['name'])
        before = contact_view(doc) if doc else None
        wanted = desired_contact(contact)
        after = dict(before or {}, **dict((k, v) for k, v in wanted.items() if v is not None))
        if before is None:
            if not contact.get('email') and not contact.get('dingtalk_webhook'):
                module.fail_json('contacts: contact %s does not exist yet and needs email or dingtalk_webhook (a '
                                 'contact needs a channel)' % contact['name'], invalid_options=['contacts'])
            after = dict({'email': '', 'dingtalk_webhook': ''}, **after)
            changes.append('contact %s created' % contact['name'])
        elif changed_fields(before, wanted):
            changes.append('contact %s: %s' % (contact['name'], ', '.join(changed_fields(before, wanted))))
        if (before is None or changed_fields(before, wanted)) and not module.check_mode:
            client.call('PutContact', **put_contact_fields(contact, doc))
        before_contacts.append(before or {})
        after_contacts.append(after)
    wanted = desired_contact_group(name, params['description'], contacts)
    after = dict(current or {'name': name, 'description': name, 'contacts': []},
                 **dict((k, v) for k, v in wanted.items() if v is not None))
    group_changes = ['created'] if current is None else changed_fields(current, wanted)
    if group_changes and not module.check_mode:
        client.call('PutContactGroup', ContactGroupName=name, Describe=after['description'],
                    ContactNames=after['contacts'])
    changes.extend(group_changes)
    module.exit_resource('contact_group', changes, after, dict(current or {}, contact_details=before_contacts),
                         dict(after, contact_details=after_contacts), contacts=after_contacts)


def main():
    module = CMSModule(dict(
        name=dict(type='str', required=True),
        description=dict(type='str'),
        contacts=dict(type='list', elements='dict', options=dict(
            name=dict(type='str', required=True),
            description=dict(type='str'),
            email=dict(type='str'),
            dingtalk_webhook=dict(type='str', no_log=True))),
        purge_contacts=dict(type='bool', default=False),
        state=dict(type='str', default='present', choices=['present', 'absent'])))
    if module.params['state'] == 'present':
        problems = blank_problems(module.params, ('name', 'description'))
        module.fail_on_problems(problems + contact_problems(module.params['contacts']))
    with module.cms_errors():
        ensure(module, module.client())


if __name__ == '__main__':
    main()
