#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_logtail_config
short_description: Manage a Logtail config (syslog or pipeline form) and the machine groups it is applied to
description:
  - Makes sure a Logtail config exists in a project and is applied to the given machine groups, or is detached
    from every group and deleted.
  - The default form is the syslog config the rsyslog forwarder needs - C(inputType) V(syslog) whose O(tag)
    must equal the second field (sys_tag) of each line rsyslog sends (C(alicloud_logging_sys_tag)); lines with
    another tag are dropped by Logtail.
  - With O(pipeline) the module manages the newer pipeline (v2) form (C(inputs), C(processors),
    C(aggregators), C(flushers)) through the SDK's Logtail pipeline config API instead.
  - When the config exists in the other form, it is detached, deleted and recreated in the asked form, then
    applied to the groups again.
  - In the syslog form, keys of C(inputDetail) that the service adds and that this module does not set are
    kept, so they never make the module report a change.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: Project that holds the config.
    type: str
    required: true
  name:
    description: Config name (2-128 lowercase letters, digits, hyphens and underscores).
    type: str
    required: true
    aliases: [config]
  state:
    description: V(present) creates or updates the config and its bindings; V(absent) detaches it from every
      machine group, then deletes it.
    type: str
    choices: [present, absent]
    default: present
  logstore:
    description: Logstore the collected logs go to. Required with O(state=present).
    type: str
  tag:
    description: Syslog tag the config accepts; equal to the rsyslog template's sys_tag. Required for the
      syslog form (without O(pipeline)).
    type: str
  local_storage:
    description: Let Logtail buffer up to 1 GB locally while Log Service is unreachable (syslog form).
    type: bool
    default: true
  input_detail:
    description: Further C(inputDetail) keys of the syslog form (multi-line values allowed), sent as given (O(tag)
      and O(local_storage) win).
    type: dict
    default: {}
  log_sample:
    description: Sample log (multi-line) shown in the console. Unset keeps the current one.
    type: str
  pipeline:
    description:
      - The pipeline (v2) form. Keys C(inputs) (exactly one plugin), C(processors), C(aggregators),
        C(flushers) (lists of plugin dicts, each with a C(Type)) and C(global) (dict). Its text values may be
        multi-line.
      - Without C(flushers), one C(flusher_sls) plugin into O(logstore) is used.
    type: dict
  machine_groups:
    description:
      - Machine groups the config is applied to. They must exist (M(alicloud_ops.logging.sls_machine_group)).
      - Unset leaves the bindings alone.
    type: list
    elements: str
  purge_machine_groups:
    description: Detach the config from groups not in O(machine_groups). V(false) only adds bindings.
    type: bool
    default: true
extends_documentation_fragment:
  - alicloud_ops.logging.converge_probe
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
attributes:
  check_mode:
    support: full
    description: Only reads from Log Service and reports what would change, including bindings.
  diff_mode:
    support: full
    description: Before and after are the config as dicts, with the C(machine_groups) it is applied to.
seealso:
  - module: alicloud_ops.logging.sls_machine_group
  - module: alicloud_ops.logging.rsyslog_dropin
'''

EXAMPLES = r'''
- name: Syslog config matching the rsyslog template, applied to the fleet's group
  alicloud_ops.logging.sls_logtail_config:
    project: web-logs
    name: syslog-forward
    logstore: syslog
    tag: "{{ alicloud_logging_sys_tag }}"
    machine_groups: [web-hosts]

- name: The same collection in the pipeline form
  alicloud_ops.logging.sls_logtail_config:
    project: web-logs
    name: nginx-access
    logstore: nginx
    pipeline:
      inputs:
        - Type: input_file
          FilePaths: [/var/log/nginx/access.log]
    machine_groups: [web-hosts]

- name: Detach from every group and delete
  alicloud_ops.logging.sls_logtail_config:
    project: web-logs
    name: syslog-forward
    state: absent
'''

RETURN = r'''
config:
  description: The config after the run (before it, for V(absent)) as the API shows it, plus C(form)
    (V(legacy) or V(pipeline)); empty when it does not exist.
  returned: always
  type: dict
  sample: {"configName": "syslog-forward", "inputType": "syslog", "form": "legacy",
           "inputDetail": {"tag": "sys_tag", "localStorage": true}, "outputType": "LogService",
           "outputDetail": {"logstoreName": "syslog"}}
machine_groups:
  description: Groups the config is applied to after the run.
  returned: always
  type: list
  elements: str
attached:
  description: Groups the config was (or would be) applied to by this run.
  returned: always
  type: list
  elements: str
detached:
  description: Groups the config was (or would be) removed from by this run.
  returned: always
  type: list
  elements: str
changes:
  description: Config fields that changed (or would change); V(created), V(deleted) or V(form) for the whole config.
  returned: always
  type: list
  elements: str
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.sls_logtail_config import main


if __name__ == '__main__':
    main()
