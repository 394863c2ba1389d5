# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The option of the host modules that converge_probe can answer for (issue 24).
    DOCUMENTATION = r'''
options:
  probe:
    description:
      - The registered result of an M(alicloud_ops.logging.converge_probe) task run earlier on this host, that had
        this task among its O(alicloud_ops.logging.converge_probe#module:tasks).
      - The task then returns the probe's answer without running on the host (a round trip saved) when the probe
        holds one for exactly this module and these options, taken with the same check mode, diff mode, become
        and environment settings, and no task given the same probe has changed the host since. Outside check
        mode only an answer that changes nothing is taken, so a change is always made by the task's own run.
        In every other case the task runs as it would without O(probe).
      - Also the registered result of a task given O(probe_after), which holds its probe under C(converge_probe).
      - Handled on the controller by the module's action plugin; the module never receives it.
    type: dict
  probe_after:
    description:
      - The tasks that run after this one, each a mapping with C(module) and C(args) as in
        O(alicloud_ops.logging.converge_probe#module:tasks); an element that is a list (a variable holding such
        mappings) stands for its elements.
      - This task then carries the probe itself, and no M(alicloud_ops.logging.converge_probe) task is needed. In its
        one round trip it runs as it would without this option, and then reads what each of these tasks would
        change, in check mode, on the host as its own run left it; outside check mode up to the first task that
        would change the host. Register the result and give it to those tasks as their O(probe). Each one whose
        answer holds makes no round trip of its own.
      - Its result is the module's own, plus C(converge_probe), the probe's result (the return values of
        M(alicloud_ops.logging.converge_probe), and C(after_change), whether this task's own run changed the host).
      - Not with C(async) or C(delegate_to), where the task runs as without this option.
      - Handled on the controller by the module's action plugin; the module never receives it.
    type: list
    elements: raw
notes:
  - With O(probe), an answered task's result is the one its module gave in check mode during the probe, on the
    host as it was then (RV(ignore:invocation) and every other key are that run's), plus RV(ignore:answered_by_probe),
    the probe's id. A task that ran on the host has no RV(ignore:answered_by_probe).
'''
