# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""converge_probe's controller side: stamps each task with its fingerprint, runs the module, names the probe."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import HOST_MODULES, SLS_MODULES
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.converge import (
    fingerprint, task_settings, with_module_defaults,
)

SHORT_NAMES = HOST_MODULES + SLS_MODULES


def full_name(module):
    return 'alicloud_ops.logging.%s' % module if module in SHORT_NAMES else module


class ActionModule(ActionBase):

    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        tasks = self._task.args.get('tasks')
        if not isinstance(tasks, list) or not all(isinstance(task, dict) for task in tasks):
            raise AnsibleActionFail('tasks: a list of mappings (module, args) is required')
        settings = task_settings(self._task, self._play_context, self._templar)
        salt = uuid.uuid4().hex
        stamped = []
        for task in tasks:
            module = full_name(task.get('module'))
            # What a task of that module here gets: its options and this block's module_defaults for it.
            args = with_module_defaults(self, module, task.get('args') or {}, task_vars or {})
            stamped.append(dict(module=module, args=args, key=fingerprint(module, args, settings, salt)))
        outcome = self._execute_module(module_name='alicloud_ops.logging.converge_probe',
                                       module_args=dict(tasks=stamped), task_vars=task_vars)
        # Its options are the tasks' options: each task shows its own.
        outcome.pop('invocation', None)
        if not outcome.get('failed'):
            outcome['probe_id'] = uuid.uuid4().hex
            outcome['salt'] = salt
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return merge_hash(result, outcome)
