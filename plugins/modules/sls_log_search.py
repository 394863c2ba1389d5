#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops maintainers (@alicloud-ops)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sls_log_search
short_description: Search the logs of a Log Service (SLS) logstore
description:
  - Runs one search (GetLogs) over a time window and returns the matching logs. Read-only, never changed; it
    runs in check mode too.
  - The logstore needs an index (M(alicloud_ops.logging.sls_index)); without one Log Service answers
    C(IndexConfigNotExist), which this module reports as a failure naming the index.
  - One call returns at most 100 logs; a larger O(rows) pages through the results (one GetLogs call per 100).
  - Log Service answers C(Incomplete) while a search is still gathering; the SDK repeats such a call a few
    times. When the answer is still incomplete the module returns RV(complete=false) with a warning, as the
    logs it returns may be missing some, so "not found" is not yet an answer - search again.
  - Only lines received after the logstore's index took effect are searchable (see
    M(alicloud_ops.logging.sls_index_info)).
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  project:
    description: Project that holds the logstore.
    type: str
    required: true
  logstore:
    description: Logstore to search.
    type: str
    required: true
  query:
    description:
      - Log Service search syntax (multi-line), for example V(error and not _program_:cron) or
        V(_hostname_:web-1 or canary-42). V(*) matches every log.
    type: str
    default: '*'
  topic:
    description: Only logs of this topic.
    type: str
  from_time:
    description: Start of the window, epoch seconds (inclusive). Excludes O(since).
    type: int
  to_time:
    description: End of the window, epoch seconds (exclusive). Default one second after now.
    type: int
  since:
    description: Window length in seconds, ending at O(to_time). Default V(900) when O(from_time) is unset.
    type: int
  rows:
    description: Most logs to return.
    type: int
    default: 100
  reverse:
    description: Newest logs first.
    type: bool
    default: false
  count_by:
    description: Also return how many of the returned logs carry each value of this key (for example
      V(_hostname_)), in RV(counts).
    type: str
extends_documentation_fragment:
  - alicloud_ops.logging.sls_auth.read_only
  - alicloud_ops.logging.sls_auth
  - alicloud_ops.logging.sls_auth.credential_chain
  - alicloud_ops.logging.attributes.api
  - alicloud_ops.logging.input_checks
  - alicloud_ops.logging.attributes
seealso:
  - module: alicloud_ops.logging.sls_index
  - module: alicloud_ops.logging.sls_machine_group_info
  - module: alicloud_ops.logging.sls_index_info
'''

EXAMPLES = r'''
- name: The last 10 minutes of sshd logs, newest first
  alicloud_ops.logging.sls_log_search:
    project: web-logs
    logstore: syslog
    query: "_program_: sshd"
    since: 600
    reverse: true
  register: found

- name: Every canary of this run in one call
  alicloud_ops.logging.sls_log_search:
    project: web-logs
    logstore: syslog
    query: "canary-{{ run_id }}"
    since: 300
    rows: 1000
    count_by: _hostname_
  register: canaries
'''

RETURN = r'''
logs:
  description: Matching logs, each the log's keys plus V(__time__) (int), V(__source__) and V(__topic__).
  returned: success
  type: list
  elements: dict
  sample: [{"__time__": 1764230400, "__source__": "10.0.0.7", "__topic__": "", "_hostname_": "web-1",
            "_content_": "canary-42"}]
count:
  description: Number of logs returned.
  returned: success
  type: int
complete:
  description: Whether Log Service finished the search (C(x-log-progress) V(Complete)); an incomplete answer may
    miss logs.
  returned: success
  type: bool
counts:
  description: With O(count_by), {value of that key among the returned logs -> number of logs}.
  returned: when O(count_by) is set
  type: dict
window:
  description: The searched window, epoch seconds, [from, to).
  returned: success
  type: dict
  sample: {"from": 1764229500, "to": 1764230401}
api_calls:
  description: GetLogs calls made.
  returned: success
  type: int
'''

import time

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import name_problems
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import SLSModule
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_search import count_by, log_row, search_window

PAGE = 100  # GetLogs answers at most 100 logs per call


def get_logs(module, client, start, end, offset, size):
    """One GetLogs call; a bad query or a logstore without an index fails with what to do about it."""
    params = module.params
    try:
        return client.get_log(params['project'], params['logstore'], start, end, topic=params['topic'],
                              query=params['query'], reverse=params['reverse'], offset=offset, size=size)
    except SlsApiError as err:
        if err.code == 'ParameterInvalid' and 'query' in str(err).lower():
            module.fail_json('query: %s' % err, error_code='ParameterInvalid', request_id=err.request_id,
                             invalid_options=['query'])
        if err.code == 'IndexConfigNotExist':
            module.fail_json('logstore: %s in project %s has no index, so Log Service cannot search it; create one '
                             'with alicloud_ops.logging.sls_index' % (params['logstore'], params['project']),
                             error_code='IndexConfigNotExist', invalid_options=['logstore'])
        raise


def search(module, client, start, end):
    """exit_json with up to `rows` logs of the window, read a page at a time."""
    params = module.params
    rows, complete = [], True
    while len(rows) < params['rows']:
        size = min(PAGE, params['rows'] - len(rows))
        response = get_logs(module, client, start, end, len(rows), size)
        complete = complete and response.is_completed()
        page = [log_row(log.get_time(), log.get_source(), log.get_contents()) for log in response.get_logs()]
        rows.extend(page)
        if len(page) < size:
            break
    if not complete:
        module.warn('Log Service answered Incomplete: the search was still gathering, so logs may be missing from '
                    'the result; search again before concluding a log is not there')
    result = {'changed': False, 'logs': rows, 'count': len(rows), 'complete': complete,
              'window': {'from': start, 'to': end}, 'api_calls': len(client.calls)}
    if params['count_by']:
        result['counts'] = count_by(rows, params['count_by'])
    module.exit_json(**result)


def main():
    module = SLSModule(dict(
        project=dict(type='str', required=True),
        logstore=dict(type='str', required=True),
        query=dict(type='str', default='*'),
        topic=dict(type='str'),
        from_time=dict(type='int'),
        to_time=dict(type='int'),
        since=dict(type='int'),
        rows=dict(type='int', default=100),
        reverse=dict(type='bool', default=False),
        count_by=dict(type='str'),
    ), multiline=('query',))
    params = module.params
    start, end, problems = search_window(time.time(), params['from_time'], params['to_time'], params['since'])
    if params['rows'] < 1:
        problems.append(('rows', 'must be at least 1, got %d' % params['rows']))
    module.fail_on_problems(problems + name_problems(params, project='project', logstore='logstore'))
    with module.sls_errors():
        search(module, module.client(), start, end)


if __name__ == '__main__':
    main()
