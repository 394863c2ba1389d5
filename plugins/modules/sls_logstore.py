#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_logstore
short_description: Create, update or delete a Log Service (SLS) logstore
description:
  - Makes sure a logstore exists in a project with the given retention and shard settings, or does not exist.
  - Options left unset keep the logstore's current value (or the service default on creation).
  - O(shard_count) only applies on creation; Log Service changes the shard count of an existing logstore only
    by splitting or merging shards, so a different value gives a warning and no change.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: Project that holds the logstore (see M(alicloud_ops.logging.sls_project)).
    type: str
    required: true
  name:
    description: Logstore name (3-63 lowercase letters, digits, hyphens and underscores).
    type: str
    required: true
    aliases: [logstore]
  state:
    description: V(present) creates or updates the logstore, V(absent) deletes it with its data.
    type: str
    choices: [present, absent]
    default: present
  ttl:
    description: Days to keep data, 1-3650 (3650 keeps it for good). Default on creation V(30).
    type: int
  shard_count:
    description: Shards on creation, 1-256. Default V(2).
    type: int
  auto_split:
    description: Split shards automatically when traffic grows. Default on creation V(true).
    type: bool
  max_split_shard:
    description: Upper bound for automatic splitting, 1-256. Default on creation V(64).
    type: int
  append_meta:
    description: Add the receive time and client IP to each log. Default on creation V(false).
    type: bool
  enable_tracking:
    description: Accept web tracking (anonymous writes). Default on creation V(false).
    type: bool
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
    description: Before and after are the logstore settings as dicts.
seealso:
  - module: alicloud_ops.logging.sls_project
  - module: alicloud_ops.logging.sls_logtail_config
'''

EXAMPLES = r'''
- name: Syslog logstore, 30 days
  alicloud_ops.logging.sls_logstore:
    project: web-logs
    name: syslog
    ttl: 30
    shard_count: 2
    auto_split: true
    region: cn-hangzhou

- name: Keep a year of data
  alicloud_ops.logging.sls_logstore:
    project: web-logs
    name: syslog
    ttl: 365
'''

RETURN = r'''
logstore:
  description: The logstore after the run (before it, for V(absent)); empty when it does not exist.
  returned: always
  type: dict
  sample: {"name": "syslog", "ttl": 30, "shard_count": 2, "auto_split": true, "max_split_shard": 64,
           "append_meta": false, "enable_tracking": false}
changes:
  description: Settings that changed (or would change in check mode); V(created) or V(deleted) for the logstore.
  returned: always
  type: list
  elements: str
  sample: [ttl]
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.sls_logstore import main


if __name__ == '__main__':
    main()
