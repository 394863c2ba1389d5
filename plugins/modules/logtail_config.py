#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: logtail_config
short_description: Merge settings into Logtail's ilogtail_config.json, and manage its machine id and AliUid files
description:
  - Sets the keys you name in C(ilogtail_config.json) and keeps every other key, in its order; new keys
    are appended. When the values already match, the file is left byte-identical.
  - Typed options for the syslog (streamlog) TCP input and the resource limits are checked before anything
    is written; O(extra_config) sets any other key.
  - Integer options are at most 2147483647. The agent reads them with jsoncpp's C(isInt()) and silently keeps
    its default for anything larger (C(core/app_config/AppConfig.cpp) in alibaba/ilogtail), so a larger value
    is refused instead of written.
  - Writes the machine group's user-defined id file (O(user_defined_ids)) and the cross-account AliUid
    marker files (O(aliuids)).
  - All inputs, the existing file (JSON in UTF-8, no NaN) and every target path are checked, and every
    file is staged, before the first one is replaced; on any error none of them changes.
  - The installer (M(alicloud_ops.logging.logtail_agent)) rewrites C(ilogtail_config.json), so run this
    module after it.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  config_path:
    description:
      - The agent's main config. Created (with its directory) if missing.
      - For LoongCollector it is C(conf/instance_config/local/loongcollector_config.json) under the install dir
        (the open-source layout; unconfirmed for the commercial build, which the C(logtail) role's
        C(logtail_config_file) lets you change). Its streamlog keys only matter to an agent built with streamlog.
    type: path
    default: /usr/local/ilogtail/ilogtail_config.json
  streamlog_open:
    description: Turn the syslog TCP input on or off.
    type: bool
  streamlog_tcp_addr:
    description: IP address the syslog TCP input listens on; V(127.0.0.1) keeps it local to the host.
    type: str
  streamlog_tcp_port:
    description: Port of the syslog TCP input (1-65535). rsyslog forwards to it.
    type: int
  streamlog_formats:
    description:
      - Line formats the syslog input parses. The first field of a line is the format's O(streamlog_formats[].version).
    type: list
    elements: dict
    suboptions:
      version:
        description: Format version tag, for example V(0.1).
        type: str
        required: true
      fields:
        description: Field names in line order; an empty list for a built-in layout such as V(0.1) (the seed's value).
        type: list
        elements: str
        required: true
  streamlog_pool_size_in_mb:
    description: Buffer size of the syslog input, in MB.
    type: int
  streamlog_rcv_size_each_call:
    description: Bytes read per receive call by the syslog input.
    type: int
  cpu_usage_limit:
    description: CPU cores the agent may use (for example V(0.4)). NaN and infinity are refused (JSON has neither).
    type: float
  mem_usage_limit:
    description: Memory limit in MB.
    type: int
  max_bytes_per_sec:
    description: Upload rate limit in bytes per second.
    type: int
  process_thread_count:
    description: Worker threads.
    type: int
  send_request_concurrency:
    description: Concurrent upload requests.
    type: int
  buffer_file_num:
    description: Number of local buffer files kept when Log Service is unreachable.
    type: int
  buffer_file_size:
    description: Size of each local buffer file in bytes.
    type: int
  extra_config:
    description:
      - Any other keys to set, for example V(working_ip) or V(data_server_list). Values are written as JSON.
      - Typed keys above are refused here; use their options. NaN and infinity, integers that do not fit 64 bits
        (what jsoncpp can hold), NUL bytes and line breaks (at any depth, keys included) are refused.
    type: dict
  user_defined_ids:
    description:
      - Ids the machine group identifies this host by; written one a line to O(user_defined_id_path).
      - Blanks around an id are dropped; an id holding a line break or another control character is refused,
        by the same rule M(alicloud_ops.logging.sls_machine_group) applies to its O(alicloud_ops.logging.sls_machine_group#module:machines).
        So is an item that is not text (a mapping or a list would otherwise be written as its Python text).
      - The agent picks changes up by itself within about a minute (no restart).
      - Unset leaves the file alone; an empty list removes it.
    type: list
    elements: str
  user_defined_id_path:
    description: Where the user-defined ids go.
    type: path
    default: /etc/ilogtail/user_defined_id
  aliuids:
    description:
      - Alibaba Cloud account ids (digits) allowed to collect from this host; each becomes an empty file
        in O(aliuids_dir). Unset leaves the directory alone.
    type: list
    elements: str
  aliuids_dir:
    description: Directory of the AliUid marker files.
    type: path
    default: /etc/ilogtail/users
  aliuids_exclusive:
    description:
      - Remove account-id files in O(aliuids_dir) that O(aliuids) does not list. Files whose names are
        not account ids are never touched.
    type: bool
    default: false
extends_documentation_fragment:
  - alicloud_ops.logging.converge_probe
  - alicloud_ops.logging.attributes
  - alicloud_ops.logging.attributes.posix
  - alicloud_ops.logging.input_checks
attributes:
  diff_mode:
    description: One diff per changed file.
    support: full
seealso:
  - module: alicloud_ops.logging.logtail_agent
'''

EXAMPLES = r'''
- name: Open the syslog input on loopback for rsyslog, identify the host, allow a second account
  alicloud_ops.logging.logtail_config:
    streamlog_open: true
    streamlog_tcp_addr: 127.0.0.1
    streamlog_tcp_port: 11111
    streamlog_formats:
      - version: "0.1"
        fields: []   # the built-in 0.1 layout of the ALI_LOG_FMT line
    cpu_usage_limit: 0.5
    mem_usage_limit: 512
    extra_config:
      working_hostname: "{{ inventory_hostname }}"
    user_defined_ids: [web-prod]
    aliuids: ["1234567890123456"]
    aliuids_exclusive: true
  register: logtail_cfg
  notify: restart logtail
'''

RETURN = r'''
restart_required:
  description: True when ilogtail_config.json changed; the agent reads it only at start. The id and AliUid files need no restart.
  returned: always
  type: bool
changed_files:
  description: Paths that changed (or would change in check mode).
  returned: always
  type: list
  elements: str
  sample: [/usr/local/ilogtail/ilogtail_config.json, /etc/ilogtail/user_defined_id]
config:
  description: The merged content of ilogtail_config.json.
  returned: always
  type: dict
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.logtail_config import main


if __name__ == '__main__':
    main()
