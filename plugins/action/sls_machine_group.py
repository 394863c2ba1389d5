# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""sls_machine_group on the controller: its answer from a converge_probe where one holds, else the module's own run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.converge import ProbedModuleAction


class ActionModule(ProbedModuleAction):
    pass
