"""sls_index_info in-process against the emulator, and sls_log_search when Log Service answers Incomplete."""
import time

import pytest
from ansible.module_utils.common import warnings as warning_store
from ansible.module_utils.common.warnings import get_warning_messages

from ansible_collections.alicloud_ops.logging.plugins.modules import (
    sls_index, sls_index_info, sls_log_search, sls_logstore, sls_project)
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    SLS_KEY_ID, SLS_KEY_SECRET, mutating_calls, sls_auth, sls_emulator, sls_emulator_server)
from tools.alicloud_emulator import start_emulator


def incomplete_warnings():
    return len([w for w in get_warning_messages() if 'Log Service answered Incomplete' in w])


def run(module, emu, check=False, **args):
    return run_module(module.main, dict(sls_auth(emu), **args), check_mode=check, diff=True)


@pytest.fixture
def store(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-i').failed
    assert not run(sls_logstore, sls_emulator, project='proj-i', name='syslog').failed
    sls_emulator.reset_stats()
    return sls_emulator


def test_no_index_then_when_a_new_one_takes_effect(store):
    none = run(sls_index_info, store, check=True, project='proj-i', name='syslog')
    assert not none.failed and not none.changed
    assert (none.data['exists'], none.data['index'], none.data['searchable_from'], none.data['wait']) == (
        False, {}, None, 0)
    before = int(time.time())
    assert not run(sls_index, store, project='proj-i', logstore='syslog').failed
    after = int(time.time())
    info = run(sls_index_info, store, project='proj-i', logstore='syslog')
    assert info.data['exists'] and info.data['index']['name'] == 'syslog'
    assert '_hostname_' in info.data['index']['fields']
    assert before <= info.data['last_modified'] <= after
    assert info.data['searchable_from'] == info.data['last_modified'] + 60
    assert 57 <= info.data['wait'] <= 60
    now = run(sls_index_info, store, project='proj-i', logstore='syslog', index_delay=0)
    assert now.data['searchable_from'] == now.data['last_modified'] and now.data['wait'] == 0
    assert mutating_calls(store) == {'CreateIndex': 1}
    # One per info run (3), sls_index's lookup and its read-back after the write (2).
    assert store.stats()['calls'].get('GetIndex') == 5


def test_errors_name_the_option(store):
    missing = run(sls_index_info, store, project='proj-i', name='nostore')
    assert missing.failed and missing.msg == 'name: logstore nostore does not exist in project proj-i'
    no_project = run(sls_index_info, store, project='proj-nope', name='syslog')
    assert no_project.failed and no_project.msg.startswith('project: project proj-nope does not exist')
    store.reset_stats()
    negative = run(sls_index_info, store, project='proj-i', name='syslog', index_delay=-1)
    assert negative.failed and negative.msg == 'index_delay: must be 0 or more seconds, got -1'
    assert store.stats()['calls'] == {}


def test_search_still_incomplete_is_reported_as_such():
    # More Incomplete answers than the SDK's own retries (5): the module must not pass it off as "nothing found".
    emu = start_emulator(access_keys={SLS_KEY_ID: SLS_KEY_SECRET}, instances=1, regions=1, index_delay=0,
                         incomplete_first=8)
    try:
        assert not run(sls_project, emu, name='proj-i').failed
        assert not run(sls_logstore, emu, project='proj-i', name='syslog').failed
        assert not run(sls_index, emu, project='proj-i', logstore='syslog').failed
        window = dict(project='proj-i', logstore='syslog', query='canary', from_time=int(time.time()) - 60,
                      to_time=int(time.time()) + 60)
        # ansible-core 2.19 and later keep each warning text once per process: one left by an earlier test (in
        # whatever order the tests run, e.g. under make mutation) would hide this one. A list on 2.18: clear() too.
        warning_store._global_warnings.clear()
        warned = incomplete_warnings()
        first = run(sls_log_search, emu, **window)
        assert not first.failed and first.data['complete'] is False and first.data['count'] == 0
        assert incomplete_warnings() == warned + 1, first.data
        # The same query again: the emulator has answered it Incomplete 5 times; the 9th answer is Complete.
        second = run(sls_log_search, emu, **window)
        assert second.data['complete'] is True and incomplete_warnings() == warned + 1
    finally:
        emu.stop()
