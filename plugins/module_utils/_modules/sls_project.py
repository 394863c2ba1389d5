# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sls_project module's code: it creates, updates or deletes a Log Service project.

plugins/modules/sls_project.py holds its documentation and calls main(). The code lives here, in
module_utils, so that converge_probe (plugins/module_utils/converge_probe.py) can run it in check mode beside
the other modules in one round trip. Runs on the controller (or wherever the task is delegated), Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import PROBE_SPEC
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import (
    name_problems, plan_project, project_view)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import SLSModule


def refuse_to_drop_logstores(module, client, name):
    try:
        listing = client.list_logstore(name)
    except SlsApiError as err:
        # A missing project lists nothing, and ensure_project then reports it as already gone.
        listing = module.absent_on(err, ('ProjectNotExist',))
    held = sorted(listing.get_logstores()) if listing is not None else []
    if not held:
        return
    msg = ('force: project %s still holds logstore(s) %s (%d in all); deleting it deletes them and their data. '
           'Delete them first, or set force: true' % (name, ', '.join(held), listing.get_total() or len(held)))
    if module.check_mode:
        # Like a missing parent in check mode: an earlier task of the same run may delete them.
        module.warn('%s; check mode assumes an earlier task deletes them' % msg)
        return
    module.fail_json(msg, logstores=held)


def read_project(module, client, name):
    """The project's view, or None when it does not exist."""
    try:
        return project_view(client.get_project(name).get_body())
    except SlsApiError as err:
        return module.absent_on(err, ('ProjectNotExist',))


def ensure_project(module, client):
    params = module.params
    name = params['name']
    if params['state'] == 'absent' and not params['force']:
        refuse_to_drop_logstores(module, client, name)
    current = read_project(module, client, name)
    module.exit_if_absent('project', current, lambda: client.delete_project(name))
    after, changes = plan_project(current, params['description'])
    after['name'] = name
    if changes and not module.check_mode:
        if current is None:
            client.create_project(name, after['description'])
        else:
            client.update_project(name, after['description'])
        after = read_project(module, client, name)
    module.exit_resource('project', changes, after, current or {}, after)


def main():
    module = SLSModule(dict(
        probe=PROBE_SPEC['probe'], probe_after=PROBE_SPEC['probe_after'],
        name=dict(type='str', required=True, aliases=['project']),
        description=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        force=dict(type='bool', default=False),
    ), multiline=('description',))
    module.fail_on_problems(name_problems(module.params, name='project'))
    with module.sls_errors():
        ensure_project(module, module.client())
