# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r'''
name: file_sources
short_description: The Log Service side of the hosts' application log files
description:
  - Reads C(alicloud_logging_file_sources) from the hostvars of the hosts a pattern selects (set it per inventory
    group, e.g. in C(group_vars/web.yml)) and returns one entry per source - its pipeline config (LoongCollector
    C(input_file) with the parse processor its format needs), its logstore and index fields, and the machine
    group of the hosts that list it - ready for M(alicloud_ops.logging.sls_logstore),
    M(alicloud_ops.logging.sls_index), M(alicloud_ops.logging.sls_machine_group) and
    M(alicloud_ops.logging.sls_logtail_config).
  - A source's fields are checked before anything is returned; a bad one is an error naming the field and the
    host. A source name defined differently on two hosts is an error naming both.
  - Call it with C(query), not C(lookup), so the result stays a list of dicts.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  _terms:
    description: The host pattern (C(all), C(web), C(web:&prod)).
    type: str
    required: true
  prefix:
    description: Prefix of each source's config and machine group name (C(<prefix>-<source name>)).
    type: str
    default: alicloud-ops-logging-file
  machine_type:
    description:
      - V(userdefined) - each source's machine group lists the id C(<prefix>-<source name>), which the logtail
        role writes on the hosts that list the source.
      - V(ip) - each source's machine group lists those hosts' IPs (hostvar O(ip_var)).
    type: str
    choices: [ip, userdefined]
    default: userdefined
  ip_var:
    description: Hostvar that holds a host's IP, for O(machine_type=ip).
    type: str
    default: private_ip
  syslog_logstore:
    description: The syslog logstore; a source that writes there is an error (its index is the syslog keys).
    type: str
seealso:
  - module: alicloud_ops.logging.sls_logtail_config
  - plugin: alicloud_ops.logging.machine_groups
    plugin_type: lookup
'''

EXAMPLES = r'''
- name: One pipeline config per file source, applied to the machine group of the hosts that list it
  alicloud_ops.logging.sls_logtail_config:
    project: web-logs
    name: "{{ item.config_name }}"
    logstore: "{{ item.logstore }}"
    pipeline: "{{ item.pipeline }}"
    machine_groups: ["{{ item.machine_group.name }}"]
  loop: "{{ query('alicloud_ops.logging.file_sources', 'all') }}"
  loop_control:
    label: "{{ item.name }}"
'''

RETURN = r'''
_list:
  description: One dict per source, sorted by name.
  type: list
  elements: dict
  contains:
    name:
      description: The source's name.
      type: str
    config_name:
      description: Its pipeline config's name.
      type: str
    logstore:
      description: The logstore its events go to.
      type: str
    hosts:
      description: The hosts that list it.
      type: list
      elements: str
    machine_group:
      description: C(name), C(machine_type) and C(machines) of its machine group.
      type: dict
    index_fields:
      description:
        - The index fields of its parsed keys, for M(alicloud_ops.logging.sls_index); sources that share a
          logstore have the same list, every one's fields.
      type: list
      elements: dict
    pipeline:
      description: The pipeline config body (C(inputs), C(processors), C(flushers), C(global)).
      type: dict
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.file_source_plan import (
    SOURCES_VAR, FileSourcePlanError, plan_file_sources)


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if len(terms) != 1 or not isinstance(terms[0], str):
            raise AnsibleLookupError('file_sources: give one host pattern, got %r' % (terms,))
        patterns = lookup_loader.get('ansible.builtin.inventory_hostnames', loader=self._loader, templar=self._templar)
        hosts = patterns.run(terms[0], variables=variables)
        hostvars = variables['hostvars']
        host_vars, host_sources = {}, {}
        for host in hosts:
            host_vars[host] = hostvars[host]
            sources = host_vars[host].get(SOURCES_VAR)
            if sources:
                host_sources[host] = self._templar.template(sources)
        ip_var = self.get_option('ip_var')
        ips = {host: {ip_var: self._templar.template(host_vars[host].get(ip_var))} for host in host_sources}
        try:
            return plan_file_sources(host_sources, ips, self.get_option('prefix'), self.get_option('machine_type'),
                                     ip_var, self.get_option('syslog_logstore'))
        except FileSourcePlanError as err:
            raise AnsibleLookupError(str(err)) from None
