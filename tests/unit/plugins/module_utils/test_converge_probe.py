"""converge_probe's host side: the modules' own main() in check mode, in one process, one after another.

It relies on ansible-core's module runtime (how AnsibleModule reads its arguments, prints its result and gathers
warnings), so this runs under `make units` on every supported release (tools/sanity/units.sh UNITS_INTERNALS).
The modules here are the real ones, on a temp dir: rsyslog_dropin with validate=false (no rsyslogd needed).
"""
import contextlib
import json
import os
import sys
from unittest import mock

import pytest
from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_ops.logging.plugins.module_utils import converge_probe
from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import HOST_MODULES
from tests.support.module_harness import module_internal, patch_module_args

DROPIN = 'alicloud_ops.logging.rsyslog_dropin'
INTERNAL = {'_ansible_diff': True, '_ansible_verbosity': 0}


@pytest.fixture
def probe_run():
    """The process as a probe module's run leaves it: its own arguments loaded, on a target."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(patch_module_args({'tasks': [], '_ansible_check_mode': False}))
        if module_internal is not None and hasattr(module_internal, 'is_controller'):
            stack.enter_context(mock.patch.object(module_internal, 'is_controller', False))
        yield


def dropin_args(tmp_path, text='# forward\n', name='forward'):
    return {'name': name, 'content': text, 'dropin_dir': str(tmp_path), 'validate': False}


def task(args, key='k1', module=DROPIN):
    return {'module': module, 'args': args, 'key': key}


def test_an_unchanged_file_is_a_usable_answer_with_the_modules_result(probe_run, tmp_path):
    (tmp_path / '50-forward.conf').write_text('# forward\n')
    os.chmod(str(tmp_path / '50-forward.conf'), 0o644)
    answers = converge_probe.answer_tasks([task(dropin_args(tmp_path))], INTERNAL, check_mode=False)
    assert [(a['key'], a['module'], a['usable']) for a in answers] == [('k1', DROPIN, True)]
    result = answers[0]['result']
    assert result['changed'] is False and result['path'] == str(tmp_path / '50-forward.conf')
    assert result['validated'] is False and result['restart_required'] is False
    assert 'warnings' not in result


def test_a_change_stops_the_probe_outside_check_mode_and_nothing_is_written(probe_run, tmp_path):
    (tmp_path / '50-second.conf').write_text('# second\n')
    tasks = [task(dropin_args(tmp_path), 'first'), task(dropin_args(tmp_path, '# second\n', 'second'), 'second')]
    answers = converge_probe.answer_tasks(tasks, INTERNAL, check_mode=False)
    assert [(a['key'], a['usable']) for a in answers] == [('first', False)]
    assert 'result' not in answers[0] and answers[0]['reason']
    assert sorted(os.listdir(str(tmp_path))) == ['50-second.conf'], 'the check run wrote a file'


def test_in_check_mode_every_task_is_answered_changed_or_not(probe_run, tmp_path):
    (tmp_path / '50-second.conf').write_text('# second\n')
    os.chmod(str(tmp_path / '50-second.conf'), 0o644)
    tasks = [task(dropin_args(tmp_path), 'first'), task(dropin_args(tmp_path, '# second\n', 'second'), 'second')]
    answers = converge_probe.answer_tasks(tasks, INTERNAL, check_mode=True)
    assert [(a['key'], a['usable'], a['result']['changed']) for a in answers] == [
        ('first', True, True), ('second', True, False)]
    # Each run had the probe's diff setting: the would-be change carries its diff.
    assert answers[0]['result']['diff'][0]['after'] == '# forward\n'
    assert sorted(os.listdir(str(tmp_path))) == ['50-second.conf']


def test_a_failure_is_no_answer_and_stops_the_probe(probe_run, tmp_path):
    bad = dict(dropin_args(tmp_path), weight=1000)
    answers = converge_probe.answer_tasks([task(bad, 'bad'), task(dropin_args(tmp_path), 'next')], INTERNAL, False)
    assert len(answers) == 1 and not answers[0]['usable']
    assert 'weight' in answers[0]['reason']


def test_warnings_make_an_answer_unusable_without_stopping_the_probe_and_do_not_leak(probe_run, tmp_path):
    def warns():
        module = AnsibleModule(argument_spec={}, supports_check_mode=True)
        module.warn('look at this')
        module.exit_json(changed=False)

    def quiet():
        module = AnsibleModule(argument_spec={}, supports_check_mode=True)
        module.exit_json(changed=False, said='nothing')

    with mock.patch.dict(converge_probe.MODULES, {'x.y.warns': warns, 'x.y.quiet': quiet}):
        answers = converge_probe.answer_tasks(
            [task({}, 'w', 'x.y.warns'), task({}, 'q', 'x.y.quiet')], INTERNAL, check_mode=False)
    assert [(a['key'], a['usable']) for a in answers] == [('w', False), ('q', True)]
    assert answers[1]['result']['said'] == 'nothing' and 'warnings' not in answers[1]['result']


def test_each_run_gets_its_own_arguments_in_check_mode_and_the_process_is_put_back(probe_run):
    seen = []

    def record():
        module = AnsibleModule(argument_spec={'n': {'type': 'int'}}, supports_check_mode=True)
        seen.append((module.params['n'], module.check_mode, module._diff, module.no_log, module._name))
        print('chatter before the result')
        module.exit_json(changed=False)

    own_args, stdout = basic._ANSIBLE_ARGS, sys.stdout
    with mock.patch.dict(converge_probe.MODULES, {'x.y.record': record}):
        answers = converge_probe.answer_tasks(
            [task({'n': 1}, 'a', 'x.y.record'), task({'n': 2}, 'b', 'x.y.record')], INTERNAL, check_mode=False)
    assert seen == [(1, True, True, True, 'x.y.record'), (2, True, True, True, 'x.y.record')]
    assert [a['usable'] for a in answers] == [True, True]
    assert basic._ANSIBLE_ARGS == own_args and sys.stdout is stdout
    assert json.loads(basic._ANSIBLE_ARGS.decode())['ANSIBLE_MODULE_ARGS']['tasks'] == []


def test_an_exception_or_no_result_is_an_unusable_answer_with_the_reason(probe_run):
    def raises():
        raise RuntimeError('boom')

    def silent():
        print('not json')

    with mock.patch.dict(converge_probe.MODULES, {'x.y.raises': raises, 'x.y.silent': silent}):
        raised = converge_probe.answer_tasks([task({}, 'r', 'x.y.raises')], INTERNAL, check_mode=True)
        quiet = converge_probe.answer_tasks([task({}, 's', 'x.y.silent')], INTERNAL, check_mode=True)
    assert raised[0]['usable'] is False and raised[0]['reason'] == 'RuntimeError: boom'
    assert quiet[0]['usable'] is False and 'no module result' in quiet[0]['reason']


@pytest.mark.parametrize('result, check_mode, usable', [
    ({'changed': False}, False, True), ({'changed': True}, False, False), ({'changed': True}, True, True),
    ({'changed': False, 'failed': True}, True, False), ({'changed': False, 'warnings': ['w']}, True, False),
    ({'changed': False, 'deprecations': [{'msg': 'd'}]}, False, False), (None, True, False),
    ({'changed': False, 'warnings': []}, False, True),
])
def test_usable(result, check_mode, usable):
    assert converge_probe.usable(result, check_mode) is usable


def test_internal_arguments_are_the_ansible_settings_only():
    assert converge_probe.internal_arguments({'tasks': [], '_ansible_diff': True, '_ansible_tmpdir': '/t', 'x': 1}) == {
        '_ansible_diff': True, '_ansible_tmpdir': '/t'}


def test_every_module_with_a_probe_option_is_answerable():
    from ansible_collections.alicloud_ops.logging.plugins.modules import converge_probe as probe_module
    import yaml
    choices = yaml.safe_load(probe_module.DOCUMENTATION)['options']['tasks']['suboptions']['module']['choices']
    assert sorted(choices) == sorted(converge_probe.ANSWERABLE)
    assert sorted(converge_probe.MODULES) == ['alicloud_ops.logging.%s' % name for name in HOST_MODULES]
    for name in converge_probe.ANSWERABLE:
        assert callable(converge_probe.module_main(name)), name


def test_a_carrying_task_runs_for_real_then_answers_the_tasks_after_it_on_the_host_as_it_left_it(probe_run, tmp_path):
    # The carrying task writes the first drop-in; the task after it (the same file, the same text) is read after
    # that write, so it changes nothing; the third (a new file) would change the host and stops the probe there.
    run = {'module': DROPIN, 'args': dropin_args(tmp_path)}
    after = [task(dropin_args(tmp_path), 'same'), task(dropin_args(tmp_path, '# b\n', 'b'), 'new'),
             task(dropin_args(tmp_path, '# c\n', 'c'), 'never')]
    result, answers = converge_probe.carry(run, after, dict(INTERNAL, _ansible_check_mode=False), check_mode=False)
    assert result['changed'] is True and result['path'] == str(tmp_path / '50-forward.conf')
    assert (tmp_path / '50-forward.conf').read_text() == '# forward\n', 'the carrying task did not run for real'
    assert [(a['key'], a['usable']) for a in answers] == [('same', True), ('new', False)]
    assert answers[0]['result']['changed'] is False
    assert sorted(os.listdir(str(tmp_path))) == ['50-forward.conf'], 'a probed task wrote a file'


def test_a_carrying_task_in_check_mode_changes_nothing_and_every_task_after_it_is_answered(probe_run, tmp_path):
    run = {'module': DROPIN, 'args': dropin_args(tmp_path)}
    after = [task(dropin_args(tmp_path, '# b\n', 'b'), 'b'), task(dropin_args(tmp_path, '# c\n', 'c'), 'c')]
    result, answers = converge_probe.carry(run, after, dict(INTERNAL, _ansible_check_mode=True), check_mode=True)
    assert result['changed'] is True and os.listdir(str(tmp_path)) == []
    assert [(a['key'], a['usable'], a['result']['changed']) for a in answers] == [('b', True, True), ('c', True, True)]


def test_a_carrying_task_that_fails_or_raises_answers_nothing(probe_run, tmp_path):
    after = [task(dropin_args(tmp_path), 'k')]
    failed, answers = converge_probe.carry({'module': DROPIN, 'args': {'name': ''}}, after, INTERNAL, False)
    assert failed['failed'] is True and answers == []
    with mock.patch.dict(converge_probe.MODULES, {DROPIN: mock.Mock(side_effect=RuntimeError('boom'))}):
        crashed, answers = converge_probe.carry({'module': DROPIN, 'args': {}}, after, INTERNAL, False)
    assert crashed == {'failed': True, 'msg': 'MODULE FAILURE: RuntimeError: boom'} and answers == []
    unknown, answers = converge_probe.carry({'module': 'ansible.builtin.copy', 'args': {}}, after, INTERNAL, False)
    assert unknown['failed'] is True and 'ansible.builtin.copy' in unknown['msg'] and answers == []


def test_deprecations_make_an_answer_unusable_and_do_not_leak_into_the_next_module(probe_run):
    def deprecates():
        module = AnsibleModule(argument_spec={}, supports_check_mode=True)
        module.deprecate('an old option', version='9.0.0', collection_name='x.y')
        module.exit_json(changed=False)

    def quiet():
        module = AnsibleModule(argument_spec={}, supports_check_mode=True)
        module.exit_json(changed=False)

    with mock.patch.dict(converge_probe.MODULES, {'x.y.old': deprecates, 'x.y.quiet': quiet}):
        answers = converge_probe.answer_tasks(
            [task({}, 'd', 'x.y.old'), task({}, 'q', 'x.y.quiet')], INTERNAL, check_mode=True)
    assert [(a['key'], a['usable']) for a in answers] == [('d', False), ('q', True)]
    assert not answers[1]['result'].get('deprecations')


def test_the_probe_s_own_parsed_arguments_are_put_back(probe_run, monkeypatch):
    # ansible-core 2.19 and later keep a module's parsed arguments in basic._PARSED_MODULE_ARGS; each module the
    # probe runs parses its own, and the probe's are put back afterwards. 2.18 has no such attribute: none is made.
    def quiet():
        module = AnsibleModule(argument_spec={'n': {'type': 'int'}}, supports_check_mode=True)
        module.exit_json(changed=False)

    mine = {'tasks': [], 'marker': 'the probe'}
    with mock.patch.dict(converge_probe.MODULES, {'x.y.quiet': quiet}):
        monkeypatch.setattr(basic, '_PARSED_MODULE_ARGS', mine, raising=False)
        answers = converge_probe.answer_tasks([task({'n': 3}, 'q', 'x.y.quiet')], INTERNAL, check_mode=True)
        assert answers[0]['usable'] is True
        assert basic._PARSED_MODULE_ARGS is mine
        monkeypatch.delattr(basic, '_PARSED_MODULE_ARGS', raising=False)
        answers = converge_probe.answer_tasks([task({'n': 3}, 'q', 'x.y.quiet')], INTERNAL, check_mode=True)
        assert answers[0]['usable'] is True


def test_a_change_without_a_message_gives_the_default_reason(probe_run):
    def changes():
        module = AnsibleModule(argument_spec={}, supports_check_mode=True)
        module.exit_json(changed=True)

    with mock.patch.dict(converge_probe.MODULES, {'x.y.changes': changes}):
        answers = converge_probe.answer_tasks([task({}, 'c', 'x.y.changes')], INTERNAL, check_mode=False)
    assert answers == [{'key': 'c', 'module': 'x.y.changes', 'usable': False, 'reason': 'it would change the host'}]


def test_no_result_names_the_end_of_the_output():
    text = 'a' * 600 + 'tail'
    with pytest.raises(ValueError) as raised:
        converge_probe._parse_result(text)
    assert str(raised.value) == 'no module result in its output: %r' % text[-500:]
    assert converge_probe._parse_result('noise\n{"changed": false}\n') == {'changed': False}


def test_an_unknown_module_name_is_a_key_error_naming_it():
    with pytest.raises(KeyError) as raised:
        converge_probe.module_main('alicloud_ops.logging.sls_nothing')
    assert raised.value.args == ('sls_nothing',)


def test_a_carrying_task_runs_under_its_own_module_name_and_an_unknown_one_is_named(probe_run):
    seen = []

    def record():
        module = AnsibleModule(argument_spec={}, supports_check_mode=True)
        seen.append((module._name, module.check_mode))
        module.exit_json(changed=False)

    with mock.patch.dict(converge_probe.MODULES, {DROPIN: record}):
        result, answers = converge_probe.carry({'module': DROPIN, 'args': {}}, [], INTERNAL, check_mode=False)
    assert seen == [(DROPIN, False)] and result['changed'] is False and answers == []
    unknown, answers = converge_probe.carry({'module': 'ansible.builtin.copy', 'args': {}}, [], INTERNAL, False)
    assert unknown == {'failed': True, 'msg': 'run: ansible.builtin.copy is not a module converge_probe can run'}
