#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_alert
short_description: Manage a Log Service alert rule (alert 2.0) on a logstore query
description:
  - Makes sure an alert rule exists in a project with the given query, schedule, conditions and notification
    settings, enabled or disabled, or does not exist.
  - The rule runs O(queries) on its O(schedule); each group of result rows (O(group_by)) is checked against
    O(conditions) in order, the first match giving the severity. After O(threshold) consecutive matching runs the
    alert fires and goes to the action policy O(action_policy) (made with
    M(alicloud_ops.logging.sls_alert_action)).
  - The whole rule is declared; what the module has no option for (such as C(muteUntil)) is kept as the service
    has it.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: Project that holds the rule.
    type: str
    required: true
  name:
    description: Rule id (2-128 lower-case letters, digits, C(-) and C(_), starting and ending with a letter or digit).
    type: str
    required: true
    aliases: [alert]
  display_name:
    description: The rule's name as the console and notifications show it (1-64 characters). Default O(name).
    type: str
  description:
    description: Free text. Unset keeps the current one (empty on creation).
    type: str
  state:
    description: V(present) creates or updates the rule, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description: Whether the rule is evaluated (a disabled rule is kept but paused).
    type: bool
    default: true
  queries:
    description: The query the rule runs (one; required with O(state=present)).
    type: list
    elements: dict
    suboptions:
      logstore:
        description: Logstore the query searches.
        type: str
        required: true
      query:
        description: Search, usually with SQL (C(search | select ...)); result columns are what O(conditions) test.
        type: str
        required: true
      start:
        description: Start of the window, relative to each run (V(-15m) is the 15 minutes before it).
        type: str
        default: '-15m'
      end:
        description: End of the window.
        type: str
        default: now
      time_span_type:
        description: V(Relative) windows end at the run time; V(Truncated) cut it down to the unit of
          O(queries[].start).
        type: str
        choices: [Relative, Truncated]
        default: Relative
  schedule:
    description: When the rule runs.
    type: dict
    default: {}
    suboptions:
      type:
        description: V(FixedRate) every O(schedule.interval), or V(Cron) per O(schedule.cron_expression).
        type: str
        choices: [FixedRate, Cron]
        default: FixedRate
      interval:
        description: Duration between runs (V(1m), V(5m), V(1h)); the service refuses less than 60 seconds.
        type: str
        default: 1m
      cron_expression:
        description: Five-field cron expression (minute precision), for O(schedule.type=Cron).
        type: str
      run_immediately:
        description: Run once as soon as the rule is created.
        type: bool
        default: false
  group_by:
    description: Result columns whose values split the rows into groups, each alerting on its own (empty - one group).
    type: list
    elements: str
    default: []
  conditions:
    description:
      - Severity conditions, tested in order; the first that matches gives the severity. Required with
        O(state=present).
      - With neither O(conditions[].condition) nor O(conditions[].count_condition), any returned row matches.
    type: list
    elements: dict
    suboptions:
      severity:
        description: Severity when this condition matches.
        type: str
        choices: [critical, high, medium, low, report]
        required: true
      condition:
        description: Expression tested on each row, such as C(silent_s > 300) (at most 128 characters).
        type: str
      count_condition:
        description: Expression on C(__count__), the number of rows that met O(conditions[].condition), such as
          C(__count__ > 10).
        type: str
  threshold:
    description: Consecutive matching runs before the alert fires.
    type: int
    default: 1
  no_data_fire:
    description: Fire when the query returns no rows.
    type: bool
    default: false
  no_data_severity:
    description: Severity of the no-data alert (with O(no_data_fire=true)); unset leaves the service's default.
    type: str
    choices: [critical, high, medium, low, report]
  send_resolved:
    description: Notify again when a firing alert stops matching.
    type: bool
    default: false
  labels:
    description: Labels added to every alert of the rule (exactly these).
    type: dict
    default: {}
  annotations:
    description: Annotations such as C(title) and C(desc) (exactly these); values may name a result column as
      C(${field}).
    type: dict
    default: {}
  action_policy:
    description: Id of the action policy that notifies (O(alicloud_ops.logging.sls_alert_action#module:name)).
      Required with O(state=present).
    type: str
  alert_policy:
    description: Alert policy; V(sls.builtin.dynamic) lets O(action_policy) decide.
    type: str
    default: sls.builtin.dynamic
  repeat_interval:
    description: While an alert keeps firing, notify again after this long.
    type: str
    default: 1h
extends_documentation_fragment:
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
attributes:
  diff_mode:
    support: full
    description: Before and after are the rule as dicts in the shape of the options.
notes:
  - Vendor facts behind the body (alert 2.0 C(configuration), severities 2-10, C(status) ENABLED/DISABLED) are listed
    with their sources in the collection's C(tools/alicloud_emulator/ALERTS.md).
seealso:
  - module: alicloud_ops.logging.sls_alert_action
  - module: alicloud_ops.logging.sls_index
'''

EXAMPLES = r'''
- name: Error burst per host, every minute over the last 5 minutes
  alicloud_ops.logging.sls_alert:
    project: web-logs
    name: error-burst
    display_name: Error burst
    queries:
      - logstore: syslog
        query: '_severity_: 3 | select _hostname_ as host, count(*) as errors group by host'
        start: '-5m'
    group_by: [host]
    conditions:
      - severity: high
        condition: errors >= 20
    annotations:
      title: Errors on ${host}
      desc: "${errors} error lines in 5 minutes"
    send_resolved: true
    action_policy: ops-oncall

- name: Pause it during maintenance
  alicloud_ops.logging.sls_alert:
    project: web-logs
    name: error-burst
    display_name: Error burst
    enabled: false
    queries:
      - logstore: syslog
        query: '_severity_: 3 | select _hostname_ as host, count(*) as errors group by host'
        start: '-5m'
    group_by: [host]
    conditions:
      - severity: high
        condition: errors >= 20
    annotations:
      title: Errors on ${host}
      desc: "${errors} error lines in 5 minutes"
    send_resolved: true
    action_policy: ops-oncall

- name: Remove the rule
  alicloud_ops.logging.sls_alert:
    project: web-logs
    name: error-burst
    state: absent
'''

RETURN = r'''
alert:
  description: The rule after the run (before it, for V(absent)) as the service has it, in the shape of the options;
    empty when it does not exist.
  returned: always
  type: dict
  sample: {"name": "error-burst", "display_name": "Error burst", "enabled": true, "threshold": 1,
           "queries": [{"logstore": "syslog", "query": "* | select count(*) as errors", "start": "-5m",
                        "end": "now", "time_span_type": "Relative"}],
           "schedule": {"type": "FixedRate", "interval": "1m", "cron_expression": null, "run_immediately": false},
           "group_by": [], "conditions": [{"severity": "high", "condition": "errors >= 20", "count_condition": ""}],
           "action_policy": "ops-oncall", "alert_policy": "sls.builtin.dynamic", "repeat_interval": "1h"}
changes:
  description: Options that changed (or would change in check mode); V(created) or V(deleted) for the rule.
  returned: always
  type: list
  elements: str
  sample: [conditions, enabled]
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_alert_plan import (
    SEVERITIES, alert_body, alert_problems, desired_view, plan_alert, service_option, view)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import name_problems
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import (
    SLSModule, project_parent, resource_options)

# Text that may span lines: a query written as a YAML block, free text, annotation values (desc).
MULTILINE = ('queries.query', 'description', 'annotations')
SEVERITY_CHOICES = sorted(SEVERITIES, key=SEVERITIES.get, reverse=True)


def read_alert(module, client, project, name):
    """The service's rule (its raw body), or None when it does not exist."""
    try:
        return client.get_alert(project, name).get_body()
    except SlsApiError as err:
        return module.absent_on(err, ('JobNotExist',), project_parent(project))


def blame_option(err):
    """The service's refusal of a body field (ParameterInvalid naming it) as an error naming the option."""
    option = service_option(str(err)) if err.code == 'ParameterInvalid' and not err.option else None
    if option is None:
        return err
    return SlsApiError('%s: %s' % (option, err), option=option, code=err.code, request_id=err.request_id,
                       http_status=err.http_status)


def ensure_alert(module, client):
    params = module.params
    project, name = params['project'], params['name']
    raw = read_alert(module, client, project, name)
    current = view(raw)
    module.exit_if_absent('alert', current, lambda: client.delete_alert(project, name))
    after, changes, actions = plan_alert(current, desired_view(params))
    if actions and not module.check_mode:
        for action in actions:
            try:
                if action == 'create':
                    client.create_alert(project, alert_body(project, after))
                elif action == 'update':
                    client.update_alert(project, alert_body(project, after, raw))
                else:
                    getattr(client, action + '_alert')(project, name)
            except SlsApiError as err:
                raise blame_option(err)
        wanted, after = after['enabled'], view(read_alert(module, client, project, name))
        if after and after['enabled'] != wanted:
            # The docs disagree on the status a new rule gets whatever the body says [D1]: set it explicitly.
            getattr(client, ('enable' if wanted else 'disable') + '_alert')(project, name)
            after = view(read_alert(module, client, project, name))
    module.exit_resource('alert', changes, after, current or {}, after)


def main():
    query = dict(logstore=dict(type='str', required=True), query=dict(type='str', required=True),
                 start=dict(type='str', default='-15m'), end=dict(type='str', default='now'),
                 time_span_type=dict(type='str', default='Relative', choices=['Relative', 'Truncated']))
    schedule = dict(type=dict(type='str', default='FixedRate', choices=['FixedRate', 'Cron']),
                    interval=dict(type='str', default='1m'), cron_expression=dict(type='str'),
                    run_immediately=dict(type='bool', default=False))
    condition = dict(severity=dict(type='str', required=True, choices=SEVERITY_CHOICES),
                     condition=dict(type='str'), count_condition=dict(type='str'))
    module = SLSModule(dict(
        resource_options('alert'),
        display_name=dict(type='str'),
        description=dict(type='str'),
        enabled=dict(type='bool', default=True),
        queries=dict(type='list', elements='dict', options=query),
        schedule=dict(type='dict', default={}, options=schedule),
        group_by=dict(type='list', elements='str', default=[]),
        conditions=dict(type='list', elements='dict', options=condition),
        threshold=dict(type='int', default=1),
        no_data_fire=dict(type='bool', default=False),
        no_data_severity=dict(type='str', choices=SEVERITY_CHOICES),
        send_resolved=dict(type='bool', default=False),
        labels=dict(type='dict', default={}),
        annotations=dict(type='dict', default={}),
        action_policy=dict(type='str'),
        alert_policy=dict(type='str', default='sls.builtin.dynamic'),
        repeat_interval=dict(type='str', default='1h'),
    ), multiline=MULTILINE)
    module.fail_on_problems(name_problems(module.params, project='project') + alert_problems(module.params))
    with module.sls_errors():
        ensure_alert(module, module.client())


if __name__ == '__main__':
    main()
