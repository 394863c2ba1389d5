# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters behind playbooks/verify.yml: the one query for every canary, and the report; for the file sources, each
host's canary plans, one search per logstore, and their report."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.deferred import deferred

# imported when called (plugin_utils/deferred.py says why)
canary_query = deferred('plugin_utils.canary_check', 'canary_query')
canary_report = deferred('plugin_utils.canary_check', 'canary_report')
file_canaries = deferred('plugin_utils.file_canary_check', 'file_canaries')
file_canary_searches = deferred('plugin_utils.file_canary_check', 'file_canary_searches')
file_canary_report = deferred('plugin_utils.file_canary_check', 'file_canary_report')


def file_canaries_filter(sources, canary, prefix):
    from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_sources import SourceError
    try:
        return file_canaries(sources, canary, prefix)
    except SourceError as err:
        raise AnsibleFilterError('file_canaries: %s' % err)


class FilterModule(object):
    def filters(self):
        return {'canary_query': canary_query, 'canary_report': canary_report, 'file_canaries': file_canaries_filter,
                'file_canary_searches': file_canary_searches, 'file_canary_report': file_canary_report}
