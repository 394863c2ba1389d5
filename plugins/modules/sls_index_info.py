#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops maintainers (@alicloud-ops)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_index_info
short_description: A Log Service (SLS) logstore's index, and from when it makes new lines searchable
description:
  - Reads a logstore's index (GetIndex) and says when it takes effect. Read-only, never changed; runs in check
    mode too.
  - Log Service indexes a line with the index in effect when the line is received. An index written by
    CreateIndex or UpdateIndex takes effect about a minute later (API reference, CreateIndex and UpdateIndex)
    and never covers lines received before that; those need a reindex. So a line written right after
    M(alicloud_ops.logging.sls_index) created the index may never be found by M(alicloud_ops.logging.sls_log_search).
    RV(searchable_from) is the index's C(lastModifyTime) plus O(index_delay); RV(wait) the seconds until then.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: Project that holds the logstore.
    type: str
    required: true
  name:
    description: Logstore whose index this is.
    type: str
    required: true
    aliases: [logstore]
  index_delay:
    description: Seconds from an index write until Log Service applies it to newly received lines.
    type: int
    default: 60
extends_documentation_fragment:
  - alicloud_ops.logging.sls_auth.read_only
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
seealso:
  - module: alicloud_ops.logging.sls_index
  - module: alicloud_ops.logging.sls_log_search
'''

EXAMPLES = r'''
- name: When does the index cover new lines
  alicloud_ops.logging.sls_index_info:
    project: web-logs
    name: syslog
  register: index

- name: Wait until lines written now will be searchable
  ansible.builtin.pause:
    seconds: "{{ index.wait }}"
  when: index.exists and index.wait > 0
'''

RETURN = r'''
exists:
  description: Whether the logstore has an index. Without one, Log Service cannot search it.
  returned: success
  type: bool
index:
  description: The index, as M(alicloud_ops.logging.sls_index) returns it; empty when there is none.
  returned: success
  type: dict
last_modified:
  description: When the index was last written (its C(lastModifyTime)), epoch seconds; null without an index.
  returned: success
  type: int
searchable_from:
  description: Epoch second from which received lines are indexed, RV(last_modified) plus O(index_delay); null
    without an index.
  returned: success
  type: int
wait:
  description: Seconds from now until RV(searchable_from); V(0) when the index is in effect or missing.
  returned: success
  type: int
'''

import time

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import name_problems
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import index_view
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import SLSModule, logstore_parents
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_search import index_timing


def main():
    module = SLSModule(dict(
        project=dict(type='str', required=True),
        name=dict(type='str', required=True, aliases=['logstore']),
        index_delay=dict(type='int', default=60),
    ))
    params = module.params
    module.fail_on_problems(name_problems(params, project='project', name='logstore') + [
        ('index_delay', 'must be 0 or more seconds, got %d' % params['index_delay'] if params['index_delay'] < 0
         else None)])
    project, logstore = params['project'], params['name']
    with module.sls_errors():
        try:
            body = module.client().get_index_config(project, logstore).get_body()
        except SlsApiError as err:
            body = module.absent_on(err, ('IndexConfigNotExist',),
                                    logstore_parents(project, logstore, 'name', create_hint=False))
    if body is None:
        module.exit_json(changed=False, exists=False, index={}, last_modified=None, searchable_from=None, wait=0)
    timing = index_timing(body.get('lastModifyTime'), time.time(), params['index_delay'])
    module.exit_json(changed=False, exists=True, index=dict(index_view(body), name=logstore), **timing)


if __name__ == '__main__':
    main()
