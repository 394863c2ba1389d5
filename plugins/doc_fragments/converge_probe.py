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
      - Handled on the controller by the module's action plugin; the module never receives it.
    type: dict
notes:
  - With O(probe), an answered task's result is the one its module gave in check mode during the probe, on the
    host as it was then (RV(ignore:invocation) and every other key are that run's), plus RV(ignore:answered_by_probe),
    the probe's id. A task that ran on the host has no RV(ignore:answered_by_probe).
'''
