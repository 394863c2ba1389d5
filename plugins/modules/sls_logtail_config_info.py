#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops maintainers (@alicloud-ops)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_logtail_config_info
short_description: List the Logtail configs of a Log Service (SLS) project, in both forms
description:
  - Lists the project's Logtail configs, the pipeline (v2) form (ListLogtailPipelineConfig) and the legacy (v1)
    form (ListConfig), every page, optionally only those whose name starts with O(name_prefix).
  - Read-only, never changed; runs in check mode too. A project that does not exist has no configs (an empty
    list, so a teardown run twice passes). The log_service role uses it to find the application log file
    configs no host lists any more.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: The project.
    type: str
    required: true
  name_prefix:
    description: Only configs whose name starts with this.
    type: str
extends_documentation_fragment:
  - alicloud_ops.logging.converge_probe
  - alicloud_ops.logging.sls_auth.read_only
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
seealso:
  - module: alicloud_ops.logging.sls_logtail_config
'''

EXAMPLES = r'''
- name: The application log file configs
  alicloud_ops.logging.sls_logtail_config_info:
    project: web-logs
    name_prefix: alicloud-ops-logging-file-
  register: file_configs

- name: Their names
  ansible.builtin.debug:
    msg: "{{ file_configs.configs | map(attribute='name') | list }}"
'''

RETURN = r'''
configs:
  description: The configs, sorted by name.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The config's name.
      type: str
    form:
      description: V(pipeline) or V(legacy).
      type: str
  sample: [{"name": "alicloud-ops-logging-file-nginx-access", "form": "pipeline"}]
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.sls_logtail_config_info import main


if __name__ == '__main__':
    main()
