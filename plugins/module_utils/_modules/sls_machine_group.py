# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sls_machine_group module's code: it creates, updates or deletes a machine group.

plugins/modules/sls_machine_group.py holds its documentation and calls main(). The code lives here, in
module_utils, so that converge_probe (plugins/module_utils/converge_probe.py) can run it in check mode beside
the other modules in one round trip. Runs on the controller (or wherever the task is delegated), Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import PROBE_SPEC
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import (
    GROUP_ATTRIBUTE_KEYS, group_attribute_body, group_view, machines_problem, name_problems, plan_group)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import MachineGroupDetail, SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import (
    SLSModule, project_parent, resource_options)


def read_group(module, client, project, name):
    """The machine group's view, or None when it does not exist."""
    try:
        return group_view(client.get_machine_group(project, name).get_body())
    except SlsApiError as err:
        return module.absent_on(err, ('MachineGroupNotExist',), project_parent(project))


def ensure_group(module, client):
    params = module.params
    project, name = params['project'], params['name']
    current = read_group(module, client, project, name)
    module.exit_if_absent('machine_group', current, lambda: client.delete_machine_group(project, name))
    attributes = dict((k, params[k]) for k in GROUP_ATTRIBUTE_KEYS)
    after, changes = plan_group(current, params['machine_type'], params['machines'], params['append'], attributes)
    after['name'] = name
    if changes and not module.check_mode:
        detail = MachineGroupDetail(name, after['machine_type'], after['machines'], group_type=after['group_type'],
                                    group_attribute=group_attribute_body(after))
        if current is None:
            client.create_machine_group(project, detail)
        else:
            client.update_machine_group(project, detail)
        after = read_group(module, client, project, name)
    module.exit_resource('machine_group', changes, after, current or {}, after)


def main():
    module = SLSModule(dict(
        resource_options('group'),
        probe=PROBE_SPEC['probe'], probe_after=PROBE_SPEC['probe_after'],
        machine_type=dict(type='str', default='userdefined', choices=['userdefined', 'ip']),
        machines=dict(type='list', elements='str'),
        append=dict(type='bool', default=False),
        group_topic=dict(type='str'),
        external_name=dict(type='str'),
    ))
    params = module.params
    problems = name_problems(params, project='project', name='machine_group')
    problems.append(machines_problem(params['machine_type'], params['machines']))
    module.fail_on_problems(problems)
    with module.sls_errors():
        ensure_group(module, module.client())
