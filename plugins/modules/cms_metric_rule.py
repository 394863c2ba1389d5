#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: cms_metric_rule
short_description: Manage a CloudMonitor metric alert rule on an application group
description:
  - Makes sure the CloudMonitor metric rule O(rule_id) exists on the application group O(monitor_group)
    (PutGroupMetricRule), with the given escalations, and is enabled or disabled; or that it does not exist.
  - A rule fires when the metric's statistic over O(period) meets the level's condition O(escalations.critical.times)
    periods in a row, then notifies the contact groups and calls O(webhook_url).
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  rule_id:
    description: Rule id, chosen by you; the same id updates the rule.
    type: str
    required: true
  name:
    description: Rule name shown by CloudMonitor (defaults to O(rule_id)).
    type: str
  monitor_group:
    description:
      - Name of the application group (M(alicloud_ops.logging.cms_monitor_group)) the rule applies to.
      - It must exist; in check mode a missing group only warns, since an earlier task would create it.
    type: str
    required: true
  namespace:
    description: Metric namespace.
    type: str
    default: acs_ecs_dashboard
  metric:
    description: Metric name, for example V(cpu_total) (the CloudMonitor agent's) or V(CPUUtilization).
    type: str
    required: true
  escalations:
    description: The rule's levels; at least one. Required with O(state=present).
    type: dict
    suboptions:
      critical:
        description: Condition of the critical level.
        type: dict
        suboptions: &level
          statistics:
            description: Statistic of the metric over one period.
            type: str
            choices: [Average, Maximum, Minimum]
            default: Average
          operator:
            description: Comparison of the statistic with O(escalations.critical.threshold).
            type: str
            choices: ['>', '>=', '<', '<=', '==', '!=']
            required: true
          threshold:
            description: Threshold value.
            type: float
            required: true
          times:
            description: Consecutive periods the condition must hold before the alert fires.
            type: int
            default: 3
      warn:
        description: Condition of the warn level (same fields as O(escalations.critical)).
        type: dict
        suboptions: *level
      info:
        description: Condition of the info level (same fields as O(escalations.critical)).
        type: dict
        suboptions: *level
  period:
    description: Seconds per evaluation period (CloudMonitor refuses less than 60, naming C(Period)).
    type: int
    default: 60
  silence_time:
    description: Seconds before an alert that keeps firing is notified again (3600 or more, the API's minimum).
    type: int
    default: 86400
  webhook_url:
    description:
      - URL CloudMonitor POSTs the alert to (form fields alertName, alertState, curValue, dimensions, ...).
      - It may carry a token, so it is never logged or returned; diff and the return values show
        V(<hidden sha256:...>), which changes when the URL does. Unset or empty means no callback.
    type: str
  send_ok:
    description:
      - Notify the recovery too. The service's default for group rules is on; PutGroupMetricRule
        (alibabacloud-cms20190101 4.0.10) has no parameter to turn it off, so V(false) fails naming this option.
    type: bool
    default: true
  no_data_policy:
    description: What a period without data means.
    type: str
    choices: [KEEP_LAST_STATE, INSUFFICIENT_DATA, OK]
    default: KEEP_LAST_STATE
  contact_groups:
    description: Contact groups notified. Unset means the application group's own contact groups.
    type: list
    elements: str
  enabled:
    description: Whether the rule is evaluated.
    type: bool
    default: true
  state:
    description: V(present) creates or updates the rule, V(absent) deletes it.
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
    description: Before and after are the rule as a dict, the webhook URL hidden.
seealso:
  - module: alicloud_ops.logging.cms_monitor_group
  - module: alicloud_ops.logging.cms_contact_group
'''

EXAMPLES = r'''
- name: Contact group
  alicloud_ops.logging.cms_contact_group:
    name: ops-oncall
    contacts:
      - name: ops-mail
        email: ops@example.com

- name: Application group
  alicloud_ops.logging.cms_monitor_group:
    name: web
    contact_groups: [ops-oncall]
    instances:
      - instance_id: i-bp1web0000000001
        region_id: cn-hangzhou

- name: CPU above 90 % for three minutes
  alicloud_ops.logging.cms_metric_rule:
    rule_id: web-cpu-high
    name: web CPU high
    monitor_group: web
    metric: cpu_total
    escalations:
      critical:
        operator: '>'
        threshold: 90
        times: 3
    webhook_url: https://hooks.example.com/cms
    no_data_policy: INSUFFICIENT_DATA

- name: Delete the rule
  alicloud_ops.logging.cms_metric_rule:
    rule_id: web-cpu-high
    monitor_group: web
    metric: cpu_total
    state: absent
'''

RETURN = r'''
rule:
  description: The rule after the run (before it, for V(absent)); empty when it does not exist.
  returned: always
  type: dict
  sample: {"rule_id": "web-cpu-high", "name": "web CPU high", "monitor_group": "web", "group_id": "4567",
           "namespace": "acs_ecs_dashboard", "metric": "cpu_total", "period": 60, "silence_time": 86400,
           "escalations": {"critical": {"statistics": "Average", "operator": ">", "threshold": 90, "times": 3}},
           "webhook_url": "<hidden sha256:0123456789ab>", "send_ok": true, "no_data_policy": "INSUFFICIENT_DATA",
           "contact_groups": ["ops-oncall"], "enabled": true}
changes:
  description: Fields that changed (or would in check mode); V(created) or V(deleted) for the rule.
  returned: always
  type: list
  elements: str
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_module import CMSModule
from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_plan import (
    NO_DATA_POLICIES, OPERATORS, STATISTICS, blank_problems, changed_fields, desired_rule, rule_fields, rule_problems, rule_view)

LEVEL_OPTIONS = dict(statistics=dict(type='str', choices=list(STATISTICS), default='Average'),
                     operator=dict(type='str', choices=sorted(OPERATORS), required=True),
                     threshold=dict(type='float', required=True),
                     times=dict(type='int', default=3))


def read_rule(client, rule_id):
    body = client.call('DescribeMetricRuleList', RuleIds=rule_id, Page=1, PageSize=10)
    return next((a for a in (body.get('Alarms') or {}).get('Alarm') or [] if a.get('RuleId') == rule_id), None)


def find_group(module, client, name):
    found = [g for g in client.pages('DescribeMonitorGroups', ('Resources', 'Resource'), GroupName=name)
             if g.get('GroupName') == name]
    if len(found) > 1:
        module.fail_json('monitor_group: %d CloudMonitor groups are named %s' % (len(found), name),
                         invalid_options=['monitor_group'])
    return found[0] if found else None


def group_contacts(group):
    listed = (group.get('ContactGroups') or {}).get('ContactGroup') or []
    return [g.get('Name') if isinstance(g, dict) else g for g in listed]


def ensure(module, client):
    params = module.params
    rule_id = params['rule_id']
    doc = read_rule(client, rule_id)
    current = rule_view(doc) if doc else None
    if params['state'] == 'absent':
        if current and not module.check_mode:
            client.call('DeleteMetricRules', Id=[rule_id])
        module.exit_resource('rule', ['deleted'] if current else [], current or {}, current or {}, {})
    group = find_group(module, client, params['monitor_group'])
    if group is None and not module.check_mode:
        module.fail_json('monitor_group: application group %s does not exist; create it first '
                         '(alicloud_ops.logging.cms_monitor_group)' % params['monitor_group'],
                         invalid_options=['monitor_group'])
    if group is None:
        module.warn('monitor_group: application group %s does not exist; check mode assumes an earlier task '
                    'creates it' % params['monitor_group'])
    contact_groups = params['contact_groups']
    if contact_groups is None:
        contact_groups = group_contacts(group) if group else []
    if not contact_groups and group is not None:
        module.fail_json('contact_groups: set contact_groups, or give application group %s contact groups; a rule '
                         'needs at least one' % params['monitor_group'], invalid_options=['contact_groups'])
    module.require_contact_groups(client, contact_groups)
    group_id = group.get('GroupId') if group else None
    wanted = desired_rule(params, group_id, contact_groups)
    if current is None:
        changes = ['created']
        after = dict(wanted, group_id=wanted['group_id'] or '')
    else:
        changes = changed_fields(current, wanted)
        after = dict(current, **dict((k, v) for k, v in wanted.items() if v is not None))
    if changes and not module.check_mode:
        put = [c for c in changes if c != 'enabled']
        if put:
            client.call('PutGroupMetricRule', **rule_fields(params, group_id, contact_groups))
        if current is None or (current['enabled'] != params['enabled']):
            client.call('EnableMetricRules' if params['enabled'] else 'DisableMetricRules', RuleId=[rule_id])
        after = rule_view(read_rule(client, rule_id) or {})
    module.exit_resource('rule', changes, after, current or {}, after)


def main():
    module = CMSModule(dict(
        rule_id=dict(type='str', required=True),
        name=dict(type='str'),
        monitor_group=dict(type='str', required=True),
        namespace=dict(type='str', default='acs_ecs_dashboard'),
        metric=dict(type='str', required=True),
        escalations=dict(type='dict', options=dict(
            critical=dict(type='dict', options=LEVEL_OPTIONS),
            warn=dict(type='dict', options=LEVEL_OPTIONS),
            info=dict(type='dict', options=LEVEL_OPTIONS))),
        period=dict(type='int', default=60),
        silence_time=dict(type='int', default=86400),
        webhook_url=dict(type='str', no_log=True),
        send_ok=dict(type='bool', default=True),
        no_data_policy=dict(type='str', choices=list(NO_DATA_POLICIES), default='KEEP_LAST_STATE'),
        contact_groups=dict(type='list', elements='str'),
        enabled=dict(type='bool', default=True),
        state=dict(type='str', default='present', choices=['present', 'absent'])),
        required_if=[('state', 'present', ['escalations'])])
    params = module.params
    if params['state'] == 'present':
        problems = blank_problems(params, ('rule_id', 'name', 'monitor_group', 'metric', 'namespace')) + rule_problems(params)
        if not params['send_ok']:
            problems.append(('send_ok', 'PutGroupMetricRule (alibabacloud-cms20190101 4.0.10) has no SendOK '
                                        'parameter; recovery notifications cannot be turned off for a group rule'))
        module.fail_on_problems(problems)
    with module.cms_errors():
        ensure(module, module.client())


if __name__ == '__main__':
    main()
