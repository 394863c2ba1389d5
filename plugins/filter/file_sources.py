# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The name rule of a file source's config, machine group and user-defined machine id, for the logtail role (which
writes the id on the hosts that list the source); one home: module_utils/file_sources.py config_name, which the
file_sources lookup uses for the Log Service side."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.deferred import deferred

# imported when called (plugin_utils/deferred.py says why)
config_name = deferred('module_utils.file_sources', 'config_name')


def file_source_id(name, prefix):
    """``<prefix>-<name>``."""
    if not isinstance(name, str) or not isinstance(prefix, str):
        raise AnsibleFilterError('file_source_id: name and prefix must be strings, got %r and %r' % (name, prefix))
    return config_name(prefix, name)


class FilterModule(object):
    def filters(self):
        return {'file_source_id': file_source_id}
