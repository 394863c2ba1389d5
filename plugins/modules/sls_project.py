#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_project
short_description: Create, update or delete a Log Service (SLS) project
description:
  - Makes sure a Log Service project exists with the given description, or does not exist.
  - Talks to Log Service through the official C(aliyun-log-python-sdk); the endpoint is configurable.
  - Log Service deletes everything in a project with it (logstores and their data, machine groups, Logtail
    configs). So V(absent) refuses a project that still holds logstores, naming them, unless O(force=true).
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  name:
    description: Project name (3-63 lowercase letters, digits and hyphens; globally unique in a region).
    type: str
    required: true
    aliases: [project]
  description:
    description: Project description (multi-line). Unset keeps the current one (empty on creation).
    type: str
  state:
    description: V(present) creates or updates the project, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), delete the project even when it still holds logstores (their data goes with it).
      - V(false) fails, naming the logstores, and deletes nothing; delete them first
        (M(alicloud_ops.logging.sls_logstore)). In check mode it warns instead, since an earlier task of the
        same run may delete them.
    type: bool
    default: false
extends_documentation_fragment:
  - alicloud_ops.logging.converge_probe
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
attributes:
  diff_mode:
    support: full
    description: Before and after are the project as dicts (name, description).
seealso:
  - module: alicloud_ops.logging.sls_logstore
'''

EXAMPLES = r'''
- name: Log project for the web fleet
  alicloud_ops.logging.sls_project:
    name: web-logs
    description: syslog of every web host
    region: cn-hangzhou

- name: Remove the project and everything in it, logstores included
  alicloud_ops.logging.sls_project:
    name: web-logs
    state: absent
    force: true
    region: cn-hangzhou
'''

RETURN = r'''
project:
  description: The project after the run (before it, for V(absent)); empty when it does not exist.
  returned: always
  type: dict
  sample: {"name": "web-logs", "description": "syslog of every web host", "region": "cn-hangzhou",
           "status": "Normal"}
changes:
  description: Fields that changed (or would change in check mode); V(created) or V(deleted) for the whole project.
  returned: always
  type: list
  elements: str
  sample: [description]
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.sls_project import main


if __name__ == '__main__':
    main()
