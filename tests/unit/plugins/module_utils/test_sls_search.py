"""Read-side helpers (plugins/module_utils/sls_search.py): when an index covers new lines."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_search as search


@pytest.mark.parametrize('modified, now, delay, expected', [
    (1000, 1000.0, 60, {'last_modified': 1000, 'searchable_from': 1060, 'wait': 60}),
    (1000, 1059.2, 60, {'last_modified': 1000, 'searchable_from': 1060, 'wait': 1}),
    (1000, 1060.0, 60, {'last_modified': 1000, 'searchable_from': 1060, 'wait': 0}),
    (1000, 5000.0, 60, {'last_modified': 1000, 'searchable_from': 1060, 'wait': 0}),
    (1000, 1000.0, 0, {'last_modified': 1000, 'searchable_from': 1000, 'wait': 0}),
    (None, 2000.7, 60, {'last_modified': 2000, 'searchable_from': 2060, 'wait': 60}),
])
def test_index_timing(modified, now, delay, expected):
    assert search.index_timing(modified, now, delay) == expected


# Issue 25: values and both sides of each boundary of the search window, the log rows and the machine rows.
@pytest.mark.parametrize('kwargs, expected', [
    ({}, (1000 - 900 + 1, 1001, [])),                                   # the last 900 s, the current second included
    ({'since': 1}, (1000, 1001, [])),                                   # the smallest window
    ({'since': 2}, (999, 1001, [])),
    ({'since': 0}, (1001, 1001, [('since', 'must be at least 1 second, got 0'),
                                 ('from_time', 'must be earlier than to_time (1001 >= 1001)')])),
    ({'from_time': 500, 'since': 60}, (500, 1001, [('since', 'give since or from_time, not both')])),
    ({'from_time': 1199, 'to_time': 1200}, (1199, 1200, [])),           # one second
    ({'from_time': 1200, 'to_time': 1200}, (1200, 1200, [('from_time', 'must be earlier than to_time (1200 >= 1200)')])),
    ({'from_time': 1201.9, 'to_time': 1200.5}, (1201, 1200, [('from_time', 'must be earlier than to_time (1201 >= 1200)')])),
])
def test_search_window_values_and_messages(kwargs, expected):
    assert search.search_window(1000.7, **kwargs) == expected


def test_log_row_keeps_the_fields_and_adds_time_and_source():
    contents = {'content': 'canary', '__tag__:__hostname__': 'web-1'}
    assert search.log_row('1700000000', '10.0.0.5', contents) == {
        'content': 'canary', '__tag__:__hostname__': 'web-1', '__time__': 1700000000, '__source__': '10.0.0.5'}
    assert contents == {'content': 'canary', '__tag__:__hostname__': 'web-1'}, 'the given fields were changed'


@pytest.mark.parametrize('heartbeat, now, age, alive', [
    (1000, 1000.9, 0, True),      # a heartbeat of this very second
    (1000, 1060, 60, True),       # exactly stale_after old: still alive
    (1000, 1061, 61, False),
    (1100, 1000, 0, True),        # a clock behind the service's: never a negative age
    (0, 1000, None, False),       # never seen
    (None, 1000, None, False),
])
def test_machine_row_values_and_the_stale_boundary(heartbeat, now, age, alive):
    assert search.machine_row('10.0.0.5', 'uid-1', 'web', heartbeat, now, 60) == {
        'ip': '10.0.0.5', 'machine_unique_id': 'uid-1', 'user_defined_id': 'web',
        'last_heartbeat': heartbeat or None, 'heartbeat_age': age, 'alive': alive}


def test_machine_row_without_ids_has_empty_ones():
    row = search.machine_row('10.0.0.6', None, None, 990, 1000, 60)
    assert (row['machine_unique_id'], row['user_defined_id'], row['heartbeat_age']) == ('', '', 10)
