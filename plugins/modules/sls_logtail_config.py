#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_logtail_config
short_description: Manage a Logtail config (syslog or pipeline form) and the machine groups it is applied to
description:
  - Makes sure a Logtail config exists in a project and is applied to the given machine groups, or is detached
    from every group and deleted.
  - The default form is the syslog config the rsyslog forwarder needs - C(inputType) V(syslog) whose O(tag)
    must equal the second field (sys_tag) of each line rsyslog sends (C(alicloud_logging_sys_tag)); lines with
    another tag are dropped by Logtail.
  - With O(pipeline) the module manages the newer pipeline (v2) form (C(inputs), C(processors),
    C(aggregators), C(flushers)) through the SDK's Logtail pipeline config API instead.
  - When the config exists in the other form, it is detached, deleted and recreated in the asked form, then
    applied to the groups again.
  - In the syslog form, keys of C(inputDetail) that the service adds and that this module does not set are
    kept, so they never make the module report a change.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: Project that holds the config.
    type: str
    required: true
  name:
    description: Config name (2-128 lowercase letters, digits, hyphens and underscores).
    type: str
    required: true
    aliases: [config]
  state:
    description: V(present) creates or updates the config and its bindings; V(absent) detaches it from every
      machine group, then deletes it.
    type: str
    choices: [present, absent]
    default: present
  logstore:
    description: Logstore the collected logs go to. Required with O(state=present).
    type: str
  tag:
    description: Syslog tag the config accepts; equal to the rsyslog template's sys_tag. Required for the
      syslog form (without O(pipeline)).
    type: str
  local_storage:
    description: Let Logtail buffer up to 1 GB locally while Log Service is unreachable (syslog form).
    type: bool
    default: true
  input_detail:
    description: Further C(inputDetail) keys of the syslog form (multi-line values allowed), sent as given (O(tag)
      and O(local_storage) win).
    type: dict
    default: {}
  log_sample:
    description: Sample log (multi-line) shown in the console. Unset keeps the current one.
    type: str
  pipeline:
    description:
      - The pipeline (v2) form. Keys C(inputs) (exactly one plugin), C(processors), C(aggregators),
        C(flushers) (lists of plugin dicts, each with a C(Type)) and C(global) (dict). Its text values may be
        multi-line.
      - Without C(flushers), one C(flusher_sls) plugin into O(logstore) is used.
    type: dict
  machine_groups:
    description:
      - Machine groups the config is applied to. They must exist (M(alicloud_ops.logging.sls_machine_group)).
      - Unset leaves the bindings alone.
    type: list
    elements: str
  purge_machine_groups:
    description: Detach the config from groups not in O(machine_groups). V(false) only adds bindings.
    type: bool
    default: true
extends_documentation_fragment:
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
attributes:
  check_mode:
    support: full
    description: Only reads from Log Service and reports what would change, including bindings.
  diff_mode:
    support: full
    description: Before and after are the config as dicts, with the C(machine_groups) it is applied to.
seealso:
  - module: alicloud_ops.logging.sls_machine_group
  - module: alicloud_ops.logging.rsyslog_dropin
'''

EXAMPLES = r'''
- name: Syslog config matching the rsyslog template, applied to the fleet's group
  alicloud_ops.logging.sls_logtail_config:
    project: web-logs
    name: syslog-forward
    logstore: syslog
    tag: "{{ alicloud_logging_sys_tag }}"
    machine_groups: [web-hosts]

- name: The same collection in the pipeline form
  alicloud_ops.logging.sls_logtail_config:
    project: web-logs
    name: nginx-access
    logstore: nginx
    pipeline:
      inputs:
        - Type: input_file
          FilePaths: [/var/log/nginx/access.log]
    machine_groups: [web-hosts]

- name: Detach from every group and delete
  alicloud_ops.logging.sls_logtail_config:
    project: web-logs
    name: syslog-forward
    state: absent
'''

RETURN = r'''
config:
  description: The config after the run (before it, for V(absent)) as the API shows it, plus C(form)
    (V(legacy) or V(pipeline)); empty when it does not exist.
  returned: always
  type: dict
  sample: {"configName": "syslog-forward", "inputType": "syslog", "form": "legacy",
           "inputDetail": {"tag": "sys_tag", "localStorage": true}, "outputType": "LogService",
           "outputDetail": {"logstoreName": "syslog"}}
machine_groups:
  description: Groups the config is applied to after the run.
  returned: always
  type: list
  elements: str
attached:
  description: Groups the config was (or would be) applied to by this run.
  returned: always
  type: list
  elements: str
detached:
  description: Groups the config was (or would be) removed from by this run.
  returned: always
  type: list
  elements: str
changes:
  description: Config fields that changed (or would change); V(created), V(deleted) or V(form) for the whole config.
  returned: always
  type: list
  elements: str
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import config_view
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_logtail_config_plan import (
    logtail_config_problems, other_form, plan_logtail_config, result_views)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import (
    LogtailConfigGenerator, LogtailPipelineConfigDetail, SlsApiError)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import (
    SLSModule, logstore_parents, project_parent, resource_options)


class ConfigTasks(object):
    """The SDK calls on one config, in either form: legacy (v1, the Config API) or pipeline (v2)."""

    def __init__(self, module, client):
        self.module, self.client = module, client
        self.project, self.name = module.params['project'], module.params['name']
        self.parents = project_parent(self.project)

    def get(self, form):
        try:
            if form == 'pipeline':
                response = self.client.get_logtail_pipeline_config(self.project, self.name)
            else:
                response = self.client.get_logtail_config(self.project, self.name)
        except SlsApiError as err:
            return self.module.absent_on(err, ('ConfigNotExist',), self.parents)
        return config_view(response.get_body(), form)

    def write(self, form, verb, body):
        if form == 'pipeline':
            detail = LogtailPipelineConfigDetail.from_json(body)
            if verb == 'create':
                self.client.create_logtail_pipeline_config(self.project, detail)
            else:
                self.client.update_logtail_pipeline_config(self.project, detail)
        else:
            detail = LogtailConfigGenerator.generate_config(body)
            if verb == 'create':
                self.client.create_logtail_config(self.project, detail)
            else:
                self.client.update_logtail_config(self.project, detail)

    def delete(self, form):
        if form == 'pipeline':
            self.client.delete_logtail_pipeline_config(self.project, self.name)
        else:
            self.client.delete_logtail_config(self.project, self.name)

    def applied_groups(self):
        response = self.client.get_config_applied_machine_groups(self.project, self.name)
        return sorted(response.get_body().get('machinegroups') or [])

    def group_parents(self, group):
        return dict(self.parents, MachineGroupNotExist='machine_groups: machine group %s does not exist in project '
                    '%s; create it first (alicloud_ops.logging.sls_machine_group)' % (group, self.project))

    def bind(self, group, attach):
        try:
            if attach:
                self.client.apply_config_to_machine_group(self.project, self.name, group)
            else:
                self.client.remove_config_to_machine_group(self.project, self.name, group)
        except SlsApiError as err:
            self.module.absent_on(err, (), self.group_parents(group))

    def check_logstore_exists(self, logstore):
        """A missing logstore (or project) gets a message naming the option, before anything is written."""
        try:
            self.client.get_logstore(self.project, logstore)
        except SlsApiError as err:
            self.module.absent_on(err, (), logstore_parents(self.project, logstore, 'logstore'))

    def check_groups_exist(self, groups):
        """Fail before any write when a group to apply to is missing; in check mode warn (an earlier task of
        the run may create it)."""
        for group in groups:
            try:
                self.client.get_machine_group(self.project, group)
            except SlsApiError as err:
                self.module.absent_on(err, (), self.group_parents(group))


def ensure_config(module, tasks):
    params = module.params
    form = 'pipeline' if params['state'] == 'present' and params['pipeline'] is not None else 'legacy'
    current = tasks.get(form)
    if current is None:
        current = tasks.get(other_form(form))
    groups_before = tasks.applied_groups() if current else []
    plan = plan_logtail_config(params, current, groups_before)

    if plan['check_logstore']:
        tasks.check_logstore_exists(params['logstore'])
    tasks.check_groups_exist(plan['attach'])
    after = plan['after']
    if not module.check_mode:
        for group in plan['unbind']:
            tasks.bind(group, attach=False)
        if current is not None and plan['rebuild']:
            tasks.delete(current['form'])
        if plan['write']:
            tasks.write(plan['form'], plan['write'], plan['write_body'])
        for group in plan['attach']:
            tasks.bind(group, attach=True)
        if plan['present']:
            after = tasks.get(plan['form'])

    before_view, after_view = result_views(current, after, groups_before, plan['groups_after'], plan['present'])
    module.exit_json(changed=bool(plan['changes'] or plan['attach'] or plan['detach']), changes=plan['changes'],
                     config=(after or current or {}), machine_groups=plan['groups_after'], attached=plan['attach'],
                     detached=plan['detach'], diff={'before': before_view, 'after': after_view})


def main():
    module = SLSModule(dict(
        resource_options('config'),
        logstore=dict(type='str'),
        tag=dict(type='str'),
        local_storage=dict(type='bool', default=True),
        input_detail=dict(type='dict', default={}),
        log_sample=dict(type='str'),
        pipeline=dict(type='dict'),
        machine_groups=dict(type='list', elements='str'),
        purge_machine_groups=dict(type='bool', default=True),
    ), multiline=('log_sample', 'input_detail', 'pipeline'),
        mutually_exclusive=[('tag', 'pipeline')],
        required_if=[('state', 'present', ['logstore'])])
    problems = logtail_config_problems(module.params)
    if problems:
        module.fail_json('; '.join(problems))
    with module.sls_errors():
        ensure_config(module, ConfigTasks(module, module.client()))


if __name__ == '__main__':
    main()
