# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The code of the host modules that converge_probe runs in check mode (one file a module, each with main())."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Every module here takes `probe` and `probe_after` (doc fragment alicloud_ops.logging.converge_probe). Its action
# plugin takes them out before the module runs, so the module sees them only when run without that plugin, and then
# ignores them.
PROBE_SPEC = dict(probe=dict(type='dict'), probe_after=dict(type='list', elements='raw'))

# The modules whose code is here, which converge_probe answers for (their short names; the probe's documentation
# lists them as its `module` choices, and a test holds the two lists equal).
HOST_MODULES = ('logtail_agent', 'logtail_config', 'rsyslog_dropin', 'systemd_unit')
SLS_MODULES = ('sls_index', 'sls_logstore', 'sls_logtail_config', 'sls_logtail_config_info', 'sls_machine_group',
               'sls_project')
