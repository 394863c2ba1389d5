# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""converge_probe's controller side: stamps each task with its fingerprint, runs the module, names the probe."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.converge import (
    PROBE_MODULE, SPENT_FACT, entries, fingerprint, plan, probe_data, probe_fields, probe_place, reuse_answers,
    stamp, task_settings,
)


class ActionModule(ActionBase):

    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        tasks = entries(self._task.args.get('tasks'), 'tasks')
        ahead = entries(self._task.args.get('ahead') or [], 'ahead')
        task_vars = task_vars or {}
        settings = task_settings(self._task, self._play_context, self._templar)
        place = probe_place(self._task)
        # What a task of each module here gets: its options and this block's module_defaults for it.
        planned = plan(self, tasks + ahead, task_vars)
        earlier = self._task.args.get('reuse')
        if earlier is not None:
            salt = probe_data(earlier).get('salt', '')
            keys = [fingerprint(module, args, settings, salt) for module, args in planned[:len(tasks)]]
            spent = (task_vars.get('ansible_facts') or {}).get(SPENT_FACT)
            reused, reason = reuse_answers(earlier, keys, spent, place)
            if reused is not None:
                self._display.vvv('converge_probe: answered by converge_probe %s of the role before (no round trip)'
                                  % reused['probe_id'])
                return merge_hash(result, reused)
            self._display.vvv('converge_probe: runs on the host: %s' % reason)
        salt, stamped = stamp(planned, settings)
        outcome = self._execute_module(module_name=PROBE_MODULE, module_args=dict(tasks=stamped), task_vars=task_vars)
        # Its options are the tasks' options: each task shows its own.
        outcome.pop('invocation', None)
        if not outcome.get('failed'):
            outcome.update(probe_fields(outcome, salt, stamped, place))
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return merge_hash(result, outcome)
