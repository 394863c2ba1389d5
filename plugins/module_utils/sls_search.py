# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-side helpers for sls_log_search and sls_machine_group_info, on plain values only (no SDK, no network):
the search time window, log rows as plain dicts, and machines with their heartbeat age."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

DEFAULT_SINCE = 900


def search_window(now, from_time=None, to_time=None, since=None):
    """(start, end, problems): [start, end) in epoch seconds. `since` (seconds before end) and from_time exclude
    each other; with neither, the last DEFAULT_SINCE seconds. end is exclusive on the service, so the default
    end is one second after now to include lines of the current second."""
    problems = []
    if since is not None and from_time is not None:
        problems.append(('since', 'give since or from_time, not both'))
    if since is not None and since < 1:
        problems.append(('since', 'must be at least 1 second, got %d' % since))
    end = int(now) + 1 if to_time is None else int(to_time)
    if from_time is not None:
        start = int(from_time)
    else:
        start = end - (DEFAULT_SINCE if since is None else int(since))
    if start >= end:
        problems.append(('from_time', 'must be earlier than to_time (%d >= %d)' % (start, end)))
    return start, end, problems


def log_row(time_value, source, contents):
    """One log as returned by sls_log_search: the fields plus __time__ (int) and __source__."""
    row = dict(contents)
    row['__time__'] = int(time_value)
    row['__source__'] = source
    return row


def count_by(rows, key):
    """{value of key: number of rows}; rows without the key count under ''."""
    counts = {}
    for row in rows:
        value = row.get(key, '')
        counts[value] = counts.get(value, 0) + 1
    return counts


def machine_row(ip, unique_id, user_defined_id, heartbeat_time, now, stale_after):
    """A machine of a group with its heartbeat age; alive when the last heartbeat is at most stale_after old."""
    heartbeat_time = int(heartbeat_time or 0)
    age = max(0, int(now) - heartbeat_time) if heartbeat_time else None
    return {'ip': ip, 'machine_unique_id': unique_id or '', 'user_defined_id': user_defined_id or '',
            'last_heartbeat': heartbeat_time or None, 'heartbeat_age': age,
            'alive': age is not None and age <= stale_after}


def silent_entries(machine_type, machine_list, machines):
    """Entries of a group's machine list that no alive machine answers for, in list order."""
    answered = set()
    for machine in machines:
        if machine['alive']:
            if machine_type == 'ip':
                answered.add(machine['ip'])
            else:
                answered.update(i for i in machine['user_defined_id'].split(',') if i)
    return [entry for entry in machine_list if entry not in answered]


# Log Service indexes a line with the index in effect when the line is received; an index written by
# CreateIndex/UpdateIndex takes effect about a minute later and never covers older lines (API reference,
# CreateIndex and UpdateIndex: "takes effect within about 1 minute", older data needs a reindex).
DEFAULT_INDEX_DELAY = 60


def index_timing(last_modified, now, index_delay=DEFAULT_INDEX_DELAY):
    """{'last_modified', 'searchable_from', 'wait'}: lines received from searchable_from on are searchable;
    wait is how many seconds from now until then (0 when already in effect). last_modified is the index's
    lastModifyTime (epoch seconds); None (the service did not say) counts as written now."""
    written = int(now) if last_modified is None else int(last_modified)
    searchable_from = written + int(index_delay)
    return {'last_modified': written, 'searchable_from': searchable_from,
            'wait': max(0, int(math.ceil(searchable_from - now)))}
