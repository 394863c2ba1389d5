"""converge_probe's action plugin: each task stamped with the fingerprint its own task will compute, the module run
once with them, its invocation (every task's options) left out, and a new probe id on each run."""
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.alicloud_ops.logging.plugins.action import converge_probe
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import converge
from tests.unit.plugins.plugin_utils.test_converge import SETTINGS, PlayContext, Task


def run(tasks, module_result=None, **context):
    plugin = converge_probe.ActionModule.__new__(converge_probe.ActionModule)
    plugin._task = Task({'tasks': tasks})
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
            mock.patch.object(converge_probe, 'with_module_defaults', lambda action, module, args, task_vars: dict(args)):
        return plugin.run(task_vars={}), sent


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
