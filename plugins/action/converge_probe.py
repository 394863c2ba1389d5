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
    SPENT_FACT, fingerprint, probe_place, reuse_answers, task_settings, with_module_defaults,
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
        ahead = self._task.args.get('ahead') or []
        for name, value in (('tasks', tasks), ('ahead', ahead)):
            if not isinstance(value, list) or not all(isinstance(task, dict) for task in value):
                raise AnsibleActionFail('%s: a list of mappings (module, args) is required' % name)
        task_vars = task_vars or {}
        settings = task_settings(self._task, self._play_context, self._templar)
        place = probe_place(self._task)
        # What a task of each module here gets: its options and this block's module_defaults for it.
        planned = [(full_name(task.get('module')), task.get('args') or {}) for task in tasks + ahead]
        planned = [(module, with_module_defaults(self, module, args, task_vars)) for module, args in planned]
        earlier = self._task.args.get('reuse')
        if earlier is not None:
            salt = earlier.get('salt', '') if isinstance(earlier, dict) else ''
            keys = [fingerprint(module, args, settings, salt) for module, args in planned[:len(tasks)]]
            spent = (task_vars.get('ansible_facts') or {}).get(SPENT_FACT)
            reused, reason = reuse_answers(earlier, keys, spent, place)
            if reused is not None:
                self._display.vvv('converge_probe: answered by converge_probe %s of the role before (no round trip)'
                                  % reused['probe_id'])
                return merge_hash(result, reused)
            self._display.vvv('converge_probe: runs on the host: %s' % reason)
        salt = uuid.uuid4().hex
        stamped = [dict(module=module, args=args, key=fingerprint(module, args, settings, salt))
                   for module, args in planned]
        outcome = self._execute_module(module_name='alicloud_ops.logging.converge_probe',
                                       module_args=dict(tasks=stamped), task_vars=task_vars)
        # Its options are the tasks' options: each task shows its own.
        outcome.pop('invocation', None)
        if not outcome.get('failed'):
            outcome.update(probe_id=uuid.uuid4().hex, salt=salt, fingerprints=[task['key'] for task in stamped],
                           play=place[0], role_position=place[1])
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return merge_hash(result, outcome)
