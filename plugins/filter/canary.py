# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters behind playbooks/verify.yml: the one query for every canary, and the report."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.canary_check import canary_query, canary_report


class FilterModule(object):
    def filters(self):
        return {'canary_query': canary_query, 'canary_report': canary_report}
