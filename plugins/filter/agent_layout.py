# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that give the roles the facts the modules' Python already holds, so each has one home:
the agent flavour's layout (module_utils/logtail_install.py FLAVORS) and the rsyslog drop-in file name rule
(module_utils/rsyslog_render.py dropin_filename)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.deferred import deferred

# imported when called (plugin_utils/deferred.py says why)
flavor_facts = deferred('module_utils.logtail_install', 'flavor_facts')
dropin_filename = deferred('module_utils.rsyslog_render', 'dropin_filename')


def logtail_flavor_facts(flavor):
    """What differs between the agent flavours, as the roles read it: unit, init script, PID globs, config."""
    from ansible_collections.alicloud_ops.logging.plugins.module_utils.logtail_install import InstallError
    try:
        facts = flavor_facts(flavor)
    except InstallError as exc:
        raise AnsibleFilterError('logtail_flavor_facts: %s' % exc)
    return {'unit': facts['service'] + '.service', 'init_script': facts['init_script'],
            'pid_files': list(facts['pid_files']), 'config': facts['config'], 'install_dir': facts['install_dir'],
            'checkpoint': facts['checkpoint']}


def rsyslog_dropin_filename(name, weight):
    """``<weight>-<name>.conf``, the name rsyslog_dropin writes."""
    try:
        return dropin_filename(name, int(weight))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('rsyslog_dropin_filename: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'logtail_flavor_facts': logtail_flavor_facts, 'rsyslog_dropin_filename': rsyslog_dropin_filename}
