#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_alert_action
short_description: Manage a Log Service alert action policy that notifies one webhook
description:
  - Makes sure two account-level records exist, or do not - a webhook integration (id V(<name>-webhook)) and an
    action policy (id O(name)) whose script sends every alert to it.
  - Alert rules (M(alicloud_ops.logging.sls_alert)) name the policy in their
    O(alicloud_ops.logging.sls_alert#module:action_policy) option.
  - The webhook URL is never shown - not in the result, not in the diff - DingTalk and Slack URLs carry the
    channel's token; a short SHA-256 fingerprint of it says whether it changed.
  - Records are account-level, so the module takes no project.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  name:
    description: Action policy id (2-120 letters, digits, C(-) and C(_)); the webhook integration's id is
      C(<name>-webhook).
    type: str
    required: true
    aliases: [action_policy]
  display_name:
    description: Name shown by the console for both records (1-64 characters). Default O(name).
    type: str
  state:
    description: V(present) creates or updates both records, V(absent) deletes the policy, then the webhook.
    type: str
    choices: [present, absent]
    default: present
  webhook_url:
    description: URL notifications are sent to (http or https). Required with O(state=present).
    type: str
  webhook_type:
    description: V(custom) posts the alert as JSON; V(dingtalk) and V(slack) post those services' message formats.
    type: str
    choices: [custom, dingtalk, slack]
    default: custom
  webhook_method:
    description: HTTP method of the notification.
    type: str
    choices: [POST, PUT, GET]
    default: POST
  webhook_headers:
    description:
      - Extra HTTP headers of the notification (exactly these).
      - Their values may authenticate the request (C(Authorization)), so they are handled as secrets - masked
        wherever Ansible prints them (C(no_log)) and shown as fingerprints in results and diffs. A value that also
        occurs in other output (a short word) is masked there too.
    type: dict
    default: {}
extends_documentation_fragment:
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
attributes:
  diff_mode:
    support: full
    description: Before and after are the pair as dicts; the URL shows as its fingerprint.
notes:
  - The script's C(fire(type="webhook", webhook_id=...)) arguments for a webhook integration are not confirmed by
    public vendor documentation (see the collection's C(tools/alicloud_emulator/ALERTS.md), section 2).
seealso:
  - module: alicloud_ops.logging.sls_alert
'''

EXAMPLES = r'''
- name: Notify the on-call receiver of every alert
  alicloud_ops.logging.sls_alert_action:
    name: ops-oncall
    display_name: Ops on-call
    webhook_url: https://hooks.example.com/alerts
    webhook_headers:
      X-Team: sre-team

- name: Remove the policy and its webhook
  alicloud_ops.logging.sls_alert_action:
    name: ops-oncall
    state: absent
'''

RETURN = r'''
action:
  description: The pair after the run (before it, for V(absent)); empty when neither record exists.
  returned: always
  type: dict
  sample: {"name": "ops-oncall", "display_name": "Ops on-call", "webhook_id": "ops-oncall-webhook",
           "webhook_type": "custom", "webhook_url": "sha256:1f2e3d4c5b6a", "webhook_method": "POST",
           "webhook_headers": {"X-Team": "sha256:f830fac60563"},
           "script": "fire(type=\"webhook\", webhook_id=\"ops-oncall-webhook\", period=\"any\")"}
changes:
  description: What changed (or would change in check mode); V(created) or V(deleted) for the pair.
  returned: always
  type: list
  elements: str
  sample: [webhook_url]
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_alert_action_plan import (
    POLICY_RESOURCE, WEBHOOK_RESOURCE, action_problems, desired_records, plan_action, view, webhook_id)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import ResourceRecord, SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import SLSModule


def read_record(module, client, resource, record_id):
    """The record's value (a dict), or None when it does not exist."""
    try:
        return client.get_resource_record(resource, record_id).get_record().get_value()
    except SlsApiError as err:
        return module.absent_on(err, ('RecordNotExist',))


def ensure_action(module, client):
    params = module.params
    name = params['name']
    ids = {WEBHOOK_RESOURCE: webhook_id(name), POLICY_RESOURCE: name}
    hook = read_record(module, client, WEBHOOK_RESOURCE, ids[WEBHOOK_RESOURCE])
    policy = read_record(module, client, POLICY_RESOURCE, name)
    current = view(name, hook, policy)

    def delete():
        for resource, value in ((POLICY_RESOURCE, policy), (WEBHOOK_RESOURCE, hook)):
            if value is not None:
                client.delete_resource_record(resource, [ids[resource]])

    module.exit_if_absent('action', current, delete)
    desired_hook, desired_policy = desired_records(params)
    changes, steps = plan_action(name, hook, policy, desired_hook, desired_policy)
    after = view(name, desired_hook, desired_policy)
    if steps and not module.check_mode:
        for verb, resource, value in steps:
            tag = value.get('name') if resource == WEBHOOK_RESOURCE else value.get('action_policy_name')
            record = ResourceRecord(ids[resource], tag, value)
            getattr(client, verb + '_resource_record')(resource, record)
        after = view(name, read_record(module, client, WEBHOOK_RESOURCE, ids[WEBHOOK_RESOURCE]),
                     read_record(module, client, POLICY_RESOURCE, name))
    module.exit_resource('action', changes, after, current or {}, after)


def main():
    module = SLSModule(dict(
        name=dict(type='str', required=True, aliases=['action_policy']),
        display_name=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        webhook_url=dict(type='str', no_log=True),
        webhook_type=dict(type='str', default='custom', choices=['custom', 'dingtalk', 'slack']),
        webhook_method=dict(type='str', default='POST', choices=['POST', 'PUT', 'GET']),
        webhook_headers=dict(type='dict', default={}, no_log=True),
    ))
    module.fail_on_problems(action_problems(module.params))
    with module.sls_errors():
        ensure_action(module, module.client())


if __name__ == '__main__':
    main()
