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
