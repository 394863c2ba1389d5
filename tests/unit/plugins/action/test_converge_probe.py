"""converge_probe's action plugin: each task stamped with the fingerprint its own task will compute, the module run
once with them, its invocation (every task's options) left out, and a new probe id on each run."""
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.alicloud_ops.logging.plugins.action import converge_probe
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import converge
from tests.unit.plugins.plugin_utils.test_converge import SETTINGS, PlayContext, Task, placed


def run(tasks, module_result=None, task=None, task_vars=None, **context):
    plugin = converge_probe.ActionModule.__new__(converge_probe.ActionModule)
    plugin._task = task or Task({'tasks': tasks})
    plugin._display = mock.Mock()
    plugin._play_context = PlayContext(**context)
    plugin._templar = mock.Mock(template=lambda value: value)
    plugin._connection = mock.Mock()
    plugin._remove_tmp_path = mock.Mock()
    sent = []

    def execute(module_name=None, module_args=None, task_vars=None):
        sent.append((module_name, module_args))
        return dict(module_result or {'changed': False, 'answers': [], 'invocation': {'module_args': module_args}})

    plugin._execute_module = execute
    # module_defaults (none here; ansible-core's own function, checked by the log_service role's test).
    with mock.patch.object(ActionBase, 'run', return_value={}), \
            mock.patch.object(converge, 'with_module_defaults', lambda action, module, args, task_vars: dict(args)):
        return plugin.run(task_vars=task_vars or {}), sent


def test_tasks_are_stamped_with_their_fingerprint_and_short_names_are_qualified():
    args = {'name': 'forward', 'content': '# x\n'}
    result, sent = run([{'module': 'rsyslog_dropin', 'args': args},
                        {'module': 'alicloud_ops.logging.systemd_unit', 'args': {'name': 'a.service'}}], diff=True)
    settings, salt = dict(SETTINGS, diff=True), result['salt']
    assert sent == [('alicloud_ops.logging.converge_probe', {'tasks': [
        {'module': 'alicloud_ops.logging.rsyslog_dropin', 'args': args,
         'key': converge.fingerprint('alicloud_ops.logging.rsyslog_dropin', args, settings, salt)},
        {'module': 'alicloud_ops.logging.systemd_unit', 'args': {'name': 'a.service'},
         'key': converge.fingerprint('alicloud_ops.logging.systemd_unit', {'name': 'a.service'}, settings, salt)}]})]
    assert 'invocation' not in result and len(result['probe_id']) == 32 and len(salt) == 32
    again = run([], None)[0]
    assert again['probe_id'] != result['probe_id'] and again['salt'] != salt


def test_a_failed_probe_has_no_id_so_no_task_takes_an_answer_from_it():
    result, _ = run([], {'failed': True, 'msg': 'no python'})
    assert 'probe_id' not in result and result['failed'] is True
    assert converge.find_answer(result, 'k', None) == (None, 'the probe did not run on this host')


@pytest.mark.parametrize('tasks', [None, 'x', [1], [{'module': 'x'}, 'y']])
def test_tasks_must_be_a_list_of_mappings(tasks):
    with pytest.raises(AnsibleActionFail, match='tasks: a list of mappings'):
        run(tasks)


def key(module, args, salt):
    return converge.fingerprint(module, args, SETTINGS, salt)


FORWARD = {'module': 'alicloud_ops.logging.rsyslog_dropin', 'args': {'name': 'forward'}}
STATS = {'module': 'alicloud_ops.logging.rsyslog_dropin', 'args': {'name': 'stats'}}
UNIT = {'module': 'alicloud_ops.logging.systemd_unit', 'args': {'name': 'a.service'}}


def probe_task(role, args):
    task = placed(role)
    task.args = args
    return task


def test_ahead_tasks_are_probed_after_the_tasks_and_the_result_names_its_place_and_keys():
    result, sent = run(None, task=probe_task('logtail', {'tasks': [UNIT], 'ahead': [FORWARD, STATS]}))
    salt = result['salt']
    stamped = sent[0][1]['tasks']
    assert [task['args']['name'] for task in stamped] == ['a.service', 'forward', 'stats']
    assert result['fingerprints'] == [task['key'] for task in stamped]
    assert result['fingerprints'][1] == key(FORWARD['module'], FORWARD['args'], salt)
    assert (result['play'], result['role_position']) == ('play-1', 0)


def test_the_next_roles_probe_reuses_the_earlier_answers_without_a_round_trip():
    first, _ = run(None, {'changed': False, 'answers': []},
                   task=probe_task('logtail', {'tasks': [UNIT], 'ahead': [FORWARD, STATS]}))
    salt = first['salt']
    first['answers'] = [{'key': k, 'module': 'm', 'usable': True, 'result': {'changed': False, 'n': i}}
                        for i, k in enumerate(first['fingerprints'])]
    second, sent = run(None, task=probe_task('rsyslog_forward', {'tasks': [FORWARD, STATS], 'reuse': first}))
    assert sent == []
    assert second['probe_id'] == first['probe_id'] and second['salt'] == salt and second[converge.ANSWERED_KEY] == first['probe_id']
    assert [a['result']['n'] for a in second['answers']] == [1, 2]
    assert second['fingerprints'] == [key(FORWARD['module'], FORWARD['args'], salt), key(STATS['module'], STATS['args'], salt)]


@pytest.mark.parametrize('role, tasks, facts', [
    ('rsyslog_forward', [FORWARD, dict(STATS, args={'name': 'other'})], {}),  # a task the earlier probe was not given
    ('other', [FORWARD, STATS], {}),                                          # not the next role in the play's roles
    ('rsyslog_forward', [FORWARD, STATS], None),                              # spent: a task given it changed the host
])
def test_the_next_roles_probe_runs_itself_where_the_earlier_one_does_not_hold(role, tasks, facts):
    first, _ = run(None, task=probe_task('logtail', {'tasks': [UNIT], 'ahead': [FORWARD, STATS]}))
    spent = {'ansible_facts': {converge.SPENT_FACT: first['probe_id']}} if facts is None else {}
    second, sent = run(None, task=probe_task(role, {'tasks': tasks, 'reuse': first}), task_vars=spent)
    assert len(sent) == 1 and [t['args']['name'] for t in sent[0][1]['tasks']] == [t['args']['name'] for t in tasks]
    assert second['probe_id'] != first['probe_id'] and converge.ANSWERED_KEY not in second


@pytest.mark.parametrize('ahead', ['x', [1]])
def test_ahead_must_be_a_list_of_mappings(ahead):
    with pytest.raises(AnsibleActionFail, match='ahead: a list of mappings'):
        run(None, task=Task({'tasks': [], 'ahead': ahead}))
