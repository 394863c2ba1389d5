"""sls_logstore (plugins/module_utils/_modules/sls_logstore.py) against the emulator: the ranges it checks, what it
creates, updates and deletes, the diff and the result it reports."""
from unittest import mock

import pytest
from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.modules import sls_logstore, sls_project
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    mutating_calls, sls_emulator, sls_emulator_server)
from tests.unit.plugins.module_utils.test_sls_client import answer, scripted
from tests.unit.plugins.modules.test_sls_modules import run

VIEW = {'name': 'syslog', 'ttl': 7, 'shard_count': 4, 'auto_split': True, 'max_split_shard': 64,
        'append_meta': False, 'enable_tracking': False}


def stored(emu, name='syslog'):
    return emu.sls_state()['projects']['proj-a']['logstores'].get(name)


def with_logstore(emu, **args):
    assert not run(sls_project, emu, name='proj-a').failed
    result = run(sls_logstore, emu, project='proj-a', name='syslog', ttl=7, shard_count=4, **args)
    assert not result.failed, result
    emu.reset_stats()
    return result


@pytest.mark.parametrize('option,low,high', [('ttl', 1, 3650), ('shard_count', 1, 256), ('max_split_shard', 1, 256)])
def test_ranges_are_inclusive_and_the_message_names_the_option_and_value(sls_emulator, option, low, high):
    for value in (low, high):
        result = run(sls_logstore, sls_emulator, check=True, project='proj-a', name='syslog', **{option: value})
        assert not result.failed, (value, result)
        assert result.data['logstore'][option] == value
    sls_emulator.reset_stats()
    for value in (low - 1, high + 1):
        result = run(sls_logstore, sls_emulator, project='proj-a', name='syslog', **{option: value})
        assert result.failed
        assert result.msg == '%s: must be between %d and %d, got %d' % (option, low, high, value)
        assert result.data['invalid_options'] == [option]
    assert sls_emulator.stats()['calls'] == {}


def test_every_bad_option_is_named_at_once(sls_emulator):
    result = run(sls_logstore, sls_emulator, project='Bad_Proj', name='syslog', ttl=0, shard_count=0,
                 max_split_shard=257)
    assert result.failed
    assert result.msg.startswith("project: invalid project name 'Bad_Proj'")
    for text in ('ttl: must be between 1 and 3650, got 0', 'shard_count: must be between 1 and 256, got 0',
                 'max_split_shard: must be between 1 and 256, got 257'):
        assert text in result.msg
    assert result.data['invalid_options'] == ['max_split_shard', 'project', 'shard_count', 'ttl']
    assert sls_emulator.stats()['calls'] == {}


def test_creation_sets_every_option_and_the_shard_count(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-a').failed
    # The booleans as YAML may give them, as strings: each option converts its own.
    result = run(sls_logstore, sls_emulator, project='proj-a', logstore='syslog', ttl=7, shard_count=4,
                 auto_split='no', max_split_shard=8, append_meta='yes', enable_tracking='on')
    assert not result.failed, result
    want = dict(VIEW, auto_split=False, max_split_shard=8, append_meta=True, enable_tracking=True)
    assert result.changed and result.data['changes'] == ['created']
    assert result.data['logstore'] == want
    assert result.data['diff'] == {'before': {}, 'after': want}
    store = stored(sls_emulator)
    assert (store['ttl'], store['shardCount'], store['autoSplit'], store['maxSplitShard'], store['appendMeta'],
            store['enable_tracking']) == (7, 4, False, 8, True, True)


def test_check_mode_creation_shows_the_name_and_the_options_converted(sls_emulator):
    result = run(sls_logstore, sls_emulator, check=True, project='proj-a', name='syslog', ttl='7', shard_count=4,
                 auto_split='no', append_meta='yes', enable_tracking='on')
    assert not result.failed and result.data['changes'] == ['created']
    assert result.data['logstore'] == dict(VIEW, auto_split=False, append_meta=True, enable_tracking=True)
    assert result.data['diff']['before'] == {}


def test_update_changes_the_settings_keeps_the_shards_and_warns(sls_emulator):
    with_logstore(sls_emulator)
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        result = run(sls_logstore, sls_emulator, project='proj-a', name='syslog', ttl=30, shard_count=2,
                     append_meta=True)
    assert not result.failed, result
    assert result.changed and result.data['changes'] == ['append_meta', 'ttl']
    want = dict(VIEW, ttl=30, append_meta=True)
    assert result.data['logstore'] == want
    assert result.data['diff'] == {'before': VIEW, 'after': want}
    assert [call.args[0] for call in warn.call_args_list] == [
        'shard_count of an existing logstore only changes by splitting or merging shards; keeping 4 (asked for 2)']
    store = stored(sls_emulator)
    assert (store['ttl'], store['shardCount'], store['appendMeta']) == (30, 4, True)
    assert mutating_calls(sls_emulator) == {'UpdateLogStore': 1}


def test_an_unchanged_logstore_writes_nothing(sls_emulator):
    with_logstore(sls_emulator)
    result = run(sls_logstore, sls_emulator, project='proj-a', name='syslog', ttl=7)
    assert not result.failed and not result.changed and result.data['changes'] == []
    assert result.data['diff'] == {'before': VIEW, 'after': VIEW}
    assert mutating_calls(sls_emulator) == {}


def test_absent_deletes_that_logstore_once(sls_emulator):
    with_logstore(sls_emulator)
    assert not run(sls_logstore, sls_emulator, project='proj-a', name='other').failed
    result = run(sls_logstore, sls_emulator, project='proj-a', name='syslog', state='absent')
    assert not result.failed, result
    assert result.changed and result.data['changes'] == ['deleted']
    assert result.data['logstore'] == VIEW and result.data['diff'] == {'before': VIEW, 'after': {}}
    assert stored(sls_emulator) is None and stored(sls_emulator, 'other') is not None
    again = run(sls_logstore, sls_emulator, project='proj-a', name='syslog', state='absent')
    assert not again.failed and not again.changed and again.data['changes'] == []
    assert again.data['logstore'] == {} and again.data['diff'] == {'before': {}, 'after': {}}
    assert mutating_calls(sls_emulator) == {'CreateLogStore': 1, 'DeleteLogStore': 1}


def test_a_logstore_gone_right_after_the_write_is_reported_as_gone(sls_emulator):
    body = {'logstoreName': 'syslog', 'ttl': 7, 'shardCount': 4, 'autoSplit': True, 'maxSplitShard': 64,
            'appendMeta': False, 'enable_tracking': False}
    gone = answer(404, {'errorCode': 'LogStoreNotExist', 'errorMessage': 'logstore syslog does not exist'})
    # the SDK's update_logstore reads the logstore itself before it writes
    patch, sent = scripted([answer(200, body), answer(200, body), answer(200, {}), gone])
    with patch:
        result = run(sls_logstore, sls_emulator, project='proj-a', name='syslog', ttl=30)
    assert not result.failed, result
    assert len(sent) == 4 and result.data['changes'] == ['ttl']
    assert result.data['logstore'] is None and result.data['diff'] == {'before': VIEW, 'after': None}


def test_the_probe_options_are_accepted_and_ignored(sls_emulator):
    result = run(sls_logstore, sls_emulator, check=True, project='proj-a', name='syslog', probe={'module': 'x'},
                 probe_after=['y'])
    assert not result.failed, result
    assert result.data['changes'] == ['created']
