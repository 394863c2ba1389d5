# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sls_logstore module's code: it creates, updates or deletes a logstore.

plugins/modules/sls_logstore.py holds its documentation and calls main(). The code lives here, in
module_utils, so that converge_probe (plugins/module_utils/converge_probe.py) can run it in check mode beside
the other modules in one round trip. Runs on the controller (or wherever the task is delegated), Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import PROBE_SPEC
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import (
    LOGSTORE_KEYS, logstore_view, name_problems, plan_logstore)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import (
    SLSModule, project_parent, resource_options)

RANGES = {'ttl': (1, 3650), 'shard_count': (1, 256), 'max_split_shard': (1, 256)}


def check_params(module):
    params = module.params
    problems = name_problems(params, project='project', name='logstore')
    for key, (low, high) in RANGES.items():
        if params[key] is not None and not low <= params[key] <= high:
            problems.append((key, 'must be between %d and %d, got %d' % (low, high, params[key])))
    module.fail_on_problems(problems)


def read_logstore(module, client, project, name):
    """The logstore's view, or None when it does not exist."""
    try:
        return logstore_view(client.get_logstore(project, name).get_body())
    except SlsApiError as err:
        return module.absent_on(err, ('LogStoreNotExist',), project_parent(project))


def ensure_logstore(module, client):
    params = module.params
    project, name = params['project'], params['name']
    current = read_logstore(module, client, project, name)
    module.exit_if_absent('logstore', current, lambda: client.delete_logstore(project, name))
    after, changes, warnings = plan_logstore(current, dict((k, params[k]) for k in LOGSTORE_KEYS))
    for warning in warnings:
        module.warn(warning)
    after['name'] = name
    if changes and not module.check_mode:
        settings = dict((k, after[k]) for k in ('ttl', 'auto_split', 'max_split_shard', 'append_meta',
                                                'enable_tracking'))
        if current is None:
            # The shard count is only set on creation (see shard_count in DOCUMENTATION).
            client.create_logstore(project, name, shard_count=after['shard_count'], **settings)
        else:
            client.update_logstore(project, name, **settings)
        after = read_logstore(module, client, project, name)
    module.exit_resource('logstore', changes, after, current or {}, after)


def main():
    module = SLSModule(dict(
        resource_options('logstore'),
        probe=PROBE_SPEC['probe'], probe_after=PROBE_SPEC['probe_after'],
        ttl=dict(type='int'),
        shard_count=dict(type='int'),
        auto_split=dict(type='bool'),
        max_split_shard=dict(type='int'),
        append_meta=dict(type='bool'),
        enable_tracking=dict(type='bool'),
    ))
    check_params(module)
    with module.sls_errors():
        ensure_logstore(module, module.client())
