# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sls_logtail_config module's code: it creates, updates or deletes a Logtail collection config and its machine groups.

plugins/modules/sls_logtail_config.py holds its documentation and calls main(). The code lives here, in
module_utils, so that converge_probe (plugins/module_utils/converge_probe.py) can run it in check mode beside
the other modules in one round trip. Runs on the controller (or wherever the task is delegated), Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import PROBE_SPEC
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
        probe=PROBE_SPEC['probe'], probe_after=PROBE_SPEC['probe_after'],
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
