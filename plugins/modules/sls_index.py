#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops maintainers (@alicloud-ops)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_index
short_description: Create, update or delete the index of a Log Service (SLS) logstore
description:
  - Log Service cannot search a logstore without an index. This module makes sure a logstore has a full-text
    index and field indexes (by default for the keys the Logtail syslog inputs produce), or has no index.
  - A module of its own rather than an option of M(alicloud_ops.logging.sls_logstore) because the index is a
    separate API resource (CreateIndex/UpdateIndex/DeleteIndex) with its own lifecycle; it can be managed on a
    logstore another tool created, changed without touching retention or shards, and its diff stays readable.
  - The whole index is declared; field indexes not listed are removed on update.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: Project that holds the logstore.
    type: str
    required: true
  name:
    description: Logstore whose index this is (see M(alicloud_ops.logging.sls_logstore)).
    type: str
    required: true
    aliases: [logstore]
  state:
    description: V(present) creates or updates the index; V(absent) deletes it (the logs stay, but unsearchable).
    type: str
    choices: [present, absent]
    default: present
  full_text:
    description: Index every value for full-text search (words without a key).
    type: bool
    default: true
  tokens:
    description:
      - Delimiters (single characters, line breaks and other control characters included; never a NUL byte)
        that split values into words, for full text and as the default of each text field. Default the Log
        Service console's list (comma, space, quotes, C(;=()[]{}?@&<>/:) and the line break, tab and carriage
        return).
    type: list
    elements: str
  case_sensitive:
    description: Case-sensitive matching for full text and as the default of each text field.
    type: bool
    default: false
  fields:
    description:
      - Field indexes, for C(key:value) searches and analytics. Default the keys the Logtail syslog inputs give a
        line, as text - V(_hostname_), V(_program_), V(_priority_), V(_facility_), V(_severity_), V(_ip_),
        V(_content_), and from C(service_syslog) V(_client_ip_) (the sender), V(_unixtimestamp_) (nanoseconds),
        V(_process_id_), V(_message_id_) and V(_structured_data_).
      - V([]) with O(full_text=true) keeps full text only.
    type: list
    elements: dict
    suboptions:
      name:
        description: The log key.
        type: str
        required: true
      type:
        description: Value type.
        type: str
        choices: [text, long, double]
        default: text
      tokens:
        description: Delimiters of a text field; default O(tokens).
        type: list
        elements: str
      case_sensitive:
        description: Case-sensitive matching of a text field; default O(case_sensitive).
        type: bool
      analytics:
        description: Enable statistics (the index's doc_value) on the field.
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
  diff_mode:
    support: full
    description: Before and after are the index as the RV(index) dict.
seealso:
  - module: alicloud_ops.logging.sls_logstore
  - module: alicloud_ops.logging.sls_log_search
'''

EXAMPLES = r'''
- name: Full text plus the syslog keys
  alicloud_ops.logging.sls_index:
    project: web-logs
    logstore: syslog

- name: Full text only, case-sensitive
  alicloud_ops.logging.sls_index:
    project: web-logs
    logstore: syslog
    case_sensitive: true
    fields: []

- name: Extra numeric field
  alicloud_ops.logging.sls_index:
    project: web-logs
    logstore: app
    fields:
      - name: _hostname_
      - name: latency_ms
        type: long
'''

RETURN = r'''
index:
  description: The index after the run (before it, for V(absent)); empty when there is none.
  returned: always
  type: dict
  sample: {"name": "syslog", "full_text": {"tokens": [",", " "], "case_sensitive": false},
           "fields": {"_hostname_": {"type": "text", "tokens": [",", " "], "case_sensitive": false,
                                     "analytics": true}}}
changes:
  description: V(created), V(deleted), or what differs (V(full_text), V(fields.<key>)); also in check mode.
  returned: always
  type: list
  elements: str
  sample: [fields._program_]
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.sls_index import main


if __name__ == '__main__':
    main()
