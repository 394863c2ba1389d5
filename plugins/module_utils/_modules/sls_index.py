# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sls_index module's code: it sets a logstore's index.

plugins/modules/sls_index.py holds its documentation and calls main(). The code lives here, in
module_utils, so that converge_probe (plugins/module_utils/converge_probe.py) can run it in check mode beside
the other modules in one round trip. Runs on the controller (or wherever the task is delegated), Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import PROBE_SPEC
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import name_problems
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import (
    desired_index, index_body, index_view, plan_index)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import IndexConfig, SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import (
    SLSModule, logstore_parents, resource_options)


def read_index(module, client, project, logstore):
    """The index's view with the logstore's name (as the module returns it), or None when the logstore has none."""
    try:
        body = client.get_index_config(project, logstore).get_body()
    except SlsApiError as err:
        return module.absent_on(err, ('IndexConfigNotExist',), logstore_parents(project, logstore, 'name'))
    return dict(index_view(body), name=logstore)


def ensure_index(module, client, desired):
    params = module.params
    project, logstore = params['project'], params['name']
    current = read_index(module, client, project, logstore)
    module.exit_if_absent('index', current, lambda: client.delete_index(project, logstore))
    changes = plan_index(current, desired)
    after = dict(desired, name=logstore)
    if changes and not module.check_mode:
        config = IndexConfig()
        config.from_json(index_body(desired))
        if current is None:
            client.create_index(project, logstore, config)
        else:
            client.update_index(project, logstore, config)
        after = read_index(module, client, project, logstore)
    module.exit_resource('index', changes, after, current or {}, after)


def main():
    module = SLSModule(dict(
        resource_options('logstore'),
        probe=PROBE_SPEC['probe'], probe_after=PROBE_SPEC['probe_after'],
        full_text=dict(type='bool', default=True),
        tokens=dict(type='list', elements='str', no_log=False),
        case_sensitive=dict(type='bool', default=False),
        fields=dict(type='list', elements='dict', options=dict(
            name=dict(type='str', required=True),
            type=dict(type='str', default='text', choices=['text', 'long', 'double']),
            tokens=dict(type='list', elements='str', no_log=False),
            case_sensitive=dict(type='bool'),
            analytics=dict(type='bool', default=True))),
    ), multiline=('tokens', 'fields.tokens'))  # delimiters include line breaks and tabs (the console's list)
    params = module.params
    desired, problems = desired_index(params)
    module.fail_on_problems(name_problems(params, project='project', name='logstore') + problems)
    with module.sls_errors():
        ensure_index(module, module.client(), desired)
