"""sls_project (plugins/module_utils/_modules/sls_project.py) against the emulator: creation, description updates,
deletion, and the refusal to drop a project that still holds logstores, word for word."""
from unittest import mock

from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.modules import sls_logstore, sls_project
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    mutating_calls, sls_emulator, sls_emulator_server)
from tests.unit.plugins.module_utils.test_sls_client import answer, scripted
from tests.unit.plugins.modules.test_sls_modules import run

VIEW = {'name': 'proj-a', 'description': 'first', 'region': 'cn-hangzhou', 'status': 'Normal'}
REFUSED = ('force: project proj-a still holds logstore(s) %s (%d in all); deleting it deletes them and their data. '
           'Delete them first, or set force: true')


def listing(names, total):
    return answer(200, {'count': len(names), 'total': total, 'logstores': names})


def test_creation_with_a_description_of_several_lines(sls_emulator):
    result = run(sls_project, sls_emulator, project='proj-a', description='first\nsecond')
    assert not result.failed, result
    want = dict(VIEW, description='first\nsecond')
    assert result.changed and result.data['changes'] == ['created']
    assert result.data['project'] == want and result.data['diff'] == {'before': {}, 'after': want}
    assert sls_emulator.sls_state()['projects']['proj-a']['description'] == 'first\nsecond'
    assert mutating_calls(sls_emulator) == {'CreateProject': 1}


def test_check_mode_creation_names_the_project(sls_emulator):
    result = run(sls_project, sls_emulator, check=True, name='proj-a', description='first')
    assert not result.failed and result.data['changes'] == ['created']
    assert result.data['project'] == {'name': 'proj-a', 'description': 'first'}
    assert result.data['diff']['before'] == {} and sls_emulator.sls_state() == {'projects': {}}


def test_a_new_description_updates_the_project_and_the_same_one_nothing(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-a', description='first').failed
    sls_emulator.reset_stats()
    result = run(sls_project, sls_emulator, name='proj-a', description='second')
    assert not result.failed, result
    want = dict(VIEW, description='second')
    assert result.changed and result.data['changes'] == ['description']
    assert result.data['project'] == want and result.data['diff'] == {'before': VIEW, 'after': want}
    assert sls_emulator.sls_state()['projects']['proj-a']['description'] == 'second'
    assert mutating_calls(sls_emulator) == {'UpdateProject': 1}
    sls_emulator.reset_stats()
    same = run(sls_project, sls_emulator, name='proj-a', description='second')
    assert not same.failed and not same.changed and same.data['diff'] == {'before': want, 'after': want}
    assert mutating_calls(sls_emulator) == {}


def test_an_empty_project_is_deleted_without_force_and_then_already_gone(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-a', description='first').failed
    assert not run(sls_project, sls_emulator, name='proj-b').failed
    result = run(sls_project, sls_emulator, name='proj-a', state='absent')
    assert not result.failed, result
    assert result.changed and result.data['changes'] == ['deleted']
    assert result.data['project'] == VIEW and result.data['diff'] == {'before': VIEW, 'after': {}}
    assert list(sls_emulator.sls_state()['projects']) == ['proj-b']
    sls_emulator.reset_stats()
    again = run(sls_project, sls_emulator, name='proj-a', state='absent')
    assert not again.failed and not again.changed and again.data['project'] == {}
    assert mutating_calls(sls_emulator) == {}


def test_the_refusal_names_the_logstores_listed_and_the_total(sls_emulator):
    patch, sent = scripted([listing(['b-store', 'a-store'], 250)])
    with patch:
        result = run(sls_project, sls_emulator, name='proj-a', state='absent')
    assert result.failed and len(sent) == 1
    assert result.msg == REFUSED % ('a-store, b-store', 250)
    assert result.data['logstores'] == ['a-store', 'b-store']


def test_without_a_total_the_refusal_counts_the_listed_logstores(sls_emulator):
    patch, _sent = scripted([listing(['a-store', 'b-store'], 0)])
    with patch:
        result = run(sls_project, sls_emulator, name='proj-a', state='absent')
    assert result.failed and result.msg == REFUSED % ('a-store, b-store', 2)


def test_check_mode_warns_word_for_word_instead_of_refusing(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-a').failed
    assert not run(sls_logstore, sls_emulator, project='proj-a', name='syslog').failed
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        result = run(sls_project, sls_emulator, check=True, name='proj-a', state='absent')
    assert not result.failed and result.data['changes'] == ['deleted']
    assert [call.args[0] for call in warn.call_args_list] == [
        (REFUSED % ('syslog', 1)) + '; check mode assumes an earlier task deletes them']


def test_absent_on_a_missing_project_without_force_changes_nothing(sls_emulator):
    result = run(sls_project, sls_emulator, name='proj-a', state='absent')
    assert not result.failed, result
    assert not result.changed and result.data['changes'] == [] and result.data['project'] == {}
    assert sls_emulator.stats()['calls'] == {'ListLogStores': 1, 'GetProject': 1}


def test_a_listing_that_fails_otherwise_fails_the_module_before_any_delete(sls_emulator):
    denied = answer(403, {'errorCode': 'Unauthorized', 'errorMessage': 'denied'}, 'REQ-LIST')
    patch, sent = scripted([denied, answer(200, {'projectName': 'proj-a'}), answer(200, {})])
    with patch:
        result = run(sls_project, sls_emulator, name='proj-a', state='absent')
    assert result.failed and len(sent) == 1
    assert result.msg.startswith('access_key_id/security_token: ListLogStores failed: Unauthorized: denied')
    assert result.data['error_code'] == 'Unauthorized'


def test_the_probe_options_are_accepted_and_ignored(sls_emulator):
    result = run(sls_project, sls_emulator, check=True, name='proj-a', probe={'module': 'x'}, probe_after=['y'])
    assert not result.failed, result
    assert result.data['changes'] == ['created']


def test_a_project_gone_right_after_the_write_is_reported_as_gone(sls_emulator):
    gone = answer(404, {'errorCode': 'ProjectNotExist', 'errorMessage': 'project proj-a does not exist'})
    patch, sent = scripted([gone, answer(200, {}), gone])
    with patch:
        result = run(sls_project, sls_emulator, name='proj-a', description='first')
    assert not result.failed, result
    assert len(sent) == 3 and result.data['changes'] == ['created']
    assert result.data['project'] is None and result.data['diff'] == {'before': {}, 'after': None}


def test_the_options_are_checked_before_any_call(sls_emulator):
    missing = run(sls_project, sls_emulator, description='first')
    assert missing.failed and missing.msg == 'missing required arguments: name'
    state = run(sls_project, sls_emulator, name='proj-a', state='gone')
    assert state.failed and state.msg == 'value of state must be one of: present, absent, got: gone'
    for option, value in (('name', 'proj\x00a'), ('description', 'a\x00b')):
        result = run(sls_project, sls_emulator, **dict({'name': 'proj-a'}, **{option: value}))
        assert result.failed and result.msg == (
            "argument '%s' is of type str and we were unable to convert to plain_text: contains a NUL character, "
            "which no path, name or log line can hold" % option), result
    assert sls_emulator.stats()['calls'] == {}
