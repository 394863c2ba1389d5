"""The controller side of converge_probe: fingerprints, which answer a task takes, and when it runs its module.

ProbedModuleAction runs here with ActionBase's own run() and the module execution replaced: what it returns, and
whether it reaches the host, for each case of the probe's answers.
"""
from unittest import mock

import pytest
from ansible.plugins.action import ActionBase

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import converge

MODULE = 'alicloud_ops.logging.rsyslog_dropin'
ARGS = {'name': 'forward', 'content': '# x\n', 'weight': 60}
SETTINGS = {'check_mode': False, 'diff': False, 'become': False, 'become_user': None, 'become_method': 'sudo',
            'remote_user': None, 'environment': []}


def test_the_salt_changes_every_fingerprint():
    assert converge.fingerprint(MODULE, ARGS, SETTINGS, 'a') != converge.fingerprint(MODULE, ARGS, SETTINGS, 'b')
    assert converge.fingerprint(MODULE, ARGS, SETTINGS, '') == converge.fingerprint(MODULE, ARGS, SETTINGS)


def test_a_task_computes_its_fingerprint_with_the_probes_salt():
    given = dict(probe(answer(converge.fingerprint(MODULE, ARGS, SETTINGS, 's1'), path='/p')), salt='s1')
    result, executed = run(action(dict(ARGS, probe=given)))
    assert executed == [] and result['path'] == '/p'


def test_fingerprint_is_stable_and_ignores_the_probe_option_and_key_order():
    key = converge.fingerprint(MODULE, ARGS, SETTINGS)
    assert len(key) == 64 and key == converge.fingerprint(MODULE, dict(reversed(list(ARGS.items()))), SETTINGS)
    assert key == converge.fingerprint(MODULE, dict(ARGS, probe={'answers': []}), SETTINGS)


@pytest.mark.parametrize('module, args, settings', [
    ('alicloud_ops.logging.systemd_unit', ARGS, SETTINGS),
    (MODULE, dict(ARGS, weight=61), SETTINGS),
    (MODULE, dict(ARGS, weight='60'), SETTINGS),  # a string is not the int the task gives
    (MODULE, dict(ARGS, mode='0644'), SETTINGS),
    (MODULE, ARGS, dict(SETTINGS, check_mode=True)),
    (MODULE, ARGS, dict(SETTINGS, diff=True)),
    (MODULE, ARGS, dict(SETTINGS, become=True)),
    (MODULE, ARGS, dict(SETTINGS, become_user='root')),
    (MODULE, ARGS, dict(SETTINGS, remote_user='admin')),
    (MODULE, ARGS, dict(SETTINGS, environment=[{'PATH': '/opt/bin'}])),
])
def test_any_difference_in_module_options_or_settings_changes_the_fingerprint(module, args, settings):
    assert converge.fingerprint(module, args, settings) != converge.fingerprint(MODULE, ARGS, SETTINGS)


def probe(*answers, probe_id='p1'):
    return {'probe_id': probe_id, 'answers': list(answers), 'changed': False}


def answer(key='k', usable=True, **result):
    found = {'key': key, 'module': MODULE, 'usable': usable}
    if usable:
        found['result'] = dict({'changed': False}, **result)
    else:
        found['reason'] = 'it would change the host'
    return found


@pytest.mark.parametrize('given, key, spent, reason', [
    (None, 'k', None, 'the probe did not run on this host'),
    ({'skipped': True, 'changed': False}, 'k', None, 'the probe did not run on this host'),
    ('p1', 'k', None, 'the probe did not run on this host'),
    (probe(answer()), 'k', 'p1', 'a task given this probe changed the host since'),
    (probe(answer('other')), 'k', None, 'the probe has no answer for these options and settings'),
    (probe(), 'k', None, 'the probe has no answer for these options and settings'),
    (probe(answer(usable=False)), 'k', None, 'it would change the host'),
    (probe(dict(answer(), result='text')), 'k', None, 'no usable answer'),
])
def test_no_answer_and_why(given, key, spent, reason):
    assert converge.find_answer(given, key, spent) == (None, reason)


def test_the_answer_for_the_key_is_a_copy_of_its_result_and_a_spent_older_probe_does_not_count():
    given = probe(answer('a', path='/a'), answer('k', path='/k'))
    found, reason = converge.find_answer(given, 'k', 'an-older-probe')
    assert reason is None and found == {'changed': False, 'path': '/k'}
    found['changed'] = True
    assert given['answers'][1]['result']['changed'] is False


class Task(object):
    def __init__(self, args, **attrs):
        self.args = args
        self.async_val = 0
        self.delegate_to = None
        self.resolved_action = MODULE
        self.environment = []
        self._parent = None
        self._role = None
        self.__dict__.update(attrs)


class PlayContext(object):
    def __init__(self, **attrs):
        self.check_mode = False
        self.diff = False
        self.become = False
        self.become_user = None
        self.become_method = 'sudo'
        self.remote_user = None
        self.__dict__.update(attrs)


def action(args, task_attrs=None, **context):
    plugin = converge.ProbedModuleAction.__new__(converge.ProbedModuleAction)
    plugin._task = Task(args, **(task_attrs or {}))
    plugin._play_context = PlayContext(**context)
    plugin._templar = mock.Mock(template=lambda value: value)
    plugin._display = mock.Mock()
    plugin._connection = mock.Mock()
    plugin._remove_tmp_path = mock.Mock()
    return plugin


def run(plugin, module_result=None, facts=None):
    executed = []

    def execute(module_name=None, module_args=None, task_vars=None, wrap_async=False):
        executed.append((module_name, module_args))
        return dict(module_result or {'changed': False, 'ran': True})

    plugin._execute_module = execute
    with mock.patch.object(ActionBase, 'run', return_value={}):
        result = plugin.run(task_vars={'ansible_facts': facts or {}})
    return result, executed


def key_for(args, **context):
    return converge.fingerprint(MODULE, args, dict(SETTINGS, **context))


def test_an_answered_task_returns_the_answer_marked_with_the_probe_and_never_reaches_the_host():
    given = probe(answer(key_for(ARGS), path='/etc/rsyslog.d/60-forward.conf'))
    result, executed = run(action(dict(ARGS, probe=given)))
    assert executed == []
    assert result == {'changed': False, 'path': '/etc/rsyslog.d/60-forward.conf', 'answered_by_probe': 'p1'}


@pytest.mark.parametrize('given, task_attrs, context, facts', [
    (probe(answer(key_for(ARGS))), {'async_val': 30}, {}, {}),           # async: runs as a job
    (probe(answer(key_for(ARGS))), {'delegate_to': 'other'}, {}, {}),     # another host
    (probe(answer(key_for(ARGS))), {}, {'diff': True}, {}),               # settings differ from the probe's
    (probe(answer(key_for(ARGS))), {}, {}, {converge.SPENT_FACT: 'p1'}),  # a task changed the host since
    (probe(answer(key_for(ARGS), usable=False)), {}, {}, {}),
    (probe(answer(key_for(dict(ARGS, weight=61)))), {}, {}, {}),
])
def test_the_module_runs_with_the_options_but_the_probe_in_every_other_case(given, task_attrs, context, facts):
    result, executed = run(action(dict(ARGS, probe=given), task_attrs, **context), facts=facts)
    assert executed == [(MODULE, ARGS)]
    assert result == {'changed': False, 'ran': True}


def test_without_a_probe_the_module_just_runs():
    result, executed = run(action(dict(ARGS)))
    assert executed == [(MODULE, ARGS)] and result == {'changed': False, 'ran': True}


def test_a_changed_run_marks_its_probe_spent_but_not_in_check_mode_or_without_a_probe():
    given = probe(answer('unrelated'), probe_id='p7')
    result, _ = run(action(dict(ARGS, probe=given)), {'changed': True, 'ansible_facts': {'other': 1}})
    assert result['ansible_facts'] == {'other': 1, converge.SPENT_FACT: 'p7'}
    checked, _ = run(action(dict(ARGS, probe=given), check_mode=True), {'changed': True})
    assert 'ansible_facts' not in checked
    plain, _ = run(action(dict(ARGS)), {'changed': True})
    assert 'ansible_facts' not in plain
    unchanged, _ = run(action(dict(ARGS, probe=given)), {'changed': False})
    assert 'ansible_facts' not in unchanged


def test_a_check_mode_answer_that_would_change_is_taken_in_check_mode():
    args = dict(ARGS)
    given = probe(dict(answer(key_for(args, check_mode=True)), result={'changed': True, 'diff': [{'after': 'x'}]}))
    result, executed = run(action(dict(args, probe=given), check_mode=True))
    assert executed == [] and result['changed'] is True and result['diff'] == [{'after': 'x'}]


class Listed(object):
    """A role, or a play with its roles: what probe_place reads of them."""

    def __init__(self, uuid, roles=(), from_include=False):
        self._uuid = uuid
        self._roles = list(roles)
        self.from_include = from_include

    def get_roles(self):
        return list(self._roles)


def placed(role_uuid, roles=('logtail', 'rsyslog_forward'), play='play-1'):
    """A task of the role of uuid `role_uuid` (None: no role) in a play listing `roles` (uuids)."""
    block = mock.Mock(_play=Listed(play, [Listed(uuid) for uuid in roles]))
    return Task({}, _parent=block, _role=Listed(role_uuid) if role_uuid else None)


@pytest.mark.parametrize('role, place', [
    ('logtail', ('play-1', 0)),
    ('rsyslog_forward', ('play-1', 1)),
    ('other', ('play-1', None)),   # import_role / include_role: not in the play's roles list
    (None, ('play-1', None)),      # a play's own task
])
def test_probe_place_is_the_play_and_the_position_of_the_role_in_its_roles(role, place):
    assert converge.probe_place(placed(role)) == place


def test_probe_place_without_a_play():
    assert converge.probe_place(Task({})) == (None, None)


def test_a_role_imported_or_included_has_no_place_even_when_ansible_core_lists_it_with_the_roles():
    block = mock.Mock(_play=Listed('play-1', [Listed('logtail'), Listed('other', from_include=True),
                                              Listed('rsyslog_forward')]))
    assert converge.probe_place(Task({}, _parent=block, _role=Listed('rsyslog_forward'))) == ('play-1', 1)
    assert converge.probe_place(Task({}, _parent=block, _role=Listed('other', from_include=True))) == ('play-1', None)


def compiled_tasks(blocks):
    for block in blocks:
        for item in block.block:
            if hasattr(item, 'block'):
                yield from compiled_tasks([item])
            else:
                yield item


def test_probe_place_of_real_plays_on_this_ansible_core(tmp_path):
    """ansible-core's own Play, Role and Task objects (and a task's copy, as a worker gets it): the roles listed in
    roles: have their positions; a role imported among the play's tasks, which ansible-core appends to the same
    list, and the play's own tasks have none."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook.play import Play
    from ansible.plugins.loader import init_plugin_loader
    from ansible.vars.manager import VariableManager

    init_plugin_loader([])
    for role in ('first', 'second', 'imported'):
        (tmp_path / 'roles' / role / 'tasks').mkdir(parents=True)
        (tmp_path / 'roles' / role / 'tasks' / 'main.yml').write_text('- ansible.builtin.debug: {msg: %s}\n' % role)
    loader = DataLoader()
    loader.set_basedir(str(tmp_path))
    play = Play.load({'hosts': 'all', 'gather_facts': False, 'roles': ['first', 'second'],
                      'tasks': [{'ansible.builtin.import_role': {'name': 'imported'}},
                                {'ansible.builtin.debug': {'msg': 'own'}}]},
                     variable_manager=VariableManager(loader=loader), loader=loader)
    places = dict((task.args['msg'], (converge.probe_place(task), converge.probe_place(task.copy())))
                  for task in compiled_tasks(play.compile()) if task.args.get('msg'))
    uuid = play._uuid
    assert places == {'first': ((uuid, 0), (uuid, 0)), 'second': ((uuid, 1), (uuid, 1)),
                      'imported': ((uuid, None), (uuid, None)), 'own': ((uuid, None), (uuid, None))}


def earlier_probe(keys=('k1', 'k2', 'k3'), answered=('k1', 'k2', 'k3'), **extra):
    found = dict(probe(*[answer(key, path='/' + key) for key in answered]), salt='s0', fingerprints=list(keys),
                 play='play-1', role_position=0, check_mode=False)
    found.update(extra)
    return found


def test_reuse_returns_the_earlier_answers_for_these_keys_only_in_their_order():
    result, reason = converge.reuse_answers(earlier_probe(), ['k2', 'k3'], None, ('play-1', 1))
    assert reason is None
    assert [a['key'] for a in result['answers']] == ['k2', 'k3'] and result['answered'] == 2
    assert result['probe_id'] == 'p1' and result['salt'] == 's0' and result['fingerprints'] == ['k2', 'k3']
    assert result[converge.ANSWERED_KEY] == 'p1' and result['changed'] is False
    assert (result['play'], result['role_position']) == ('play-1', 1)
    # The tasks take the earlier probe's answers with its salt and id: exactly what find_answer sees.
    assert converge.find_answer(result, 'k3', None)[0]['path'] == '/k3'


def test_reuse_after_the_earlier_probe_stopped_keeps_only_what_it_answered():
    # The earlier probe stopped at k2 (it would change the host): k3 has no answer, its task runs its module.
    stopped = earlier_probe(answered=('k1',))
    stopped['answers'].append(answer('k2', usable=False, reason='it would change the host'))
    result, _ = converge.reuse_answers(stopped, ['k2', 'k3'], None, ('play-1', 1))
    assert [a['key'] for a in result['answers']] == ['k2'] and result['answered'] == 0
    assert converge.find_answer(result, 'k3', None) == (None, 'the probe has no answer for these options and settings')


@pytest.mark.parametrize('earlier, keys, spent, place, reason', [
    (None, ['k2'], None, ('play-1', 1), 'did not run'),
    (dict(earlier_probe(), failed=True), ['k2'], None, ('play-1', 1), 'did not run'),
    (earlier_probe(), ['k2'], 'p1', ('play-1', 1), 'changed the host since'),
    (earlier_probe(), ['k2'], None, ('play-2', 1), 'right before'),
    (earlier_probe(), ['k2'], None, ('play-1', 2), 'right before'),
    (earlier_probe(), ['k2'], None, ('play-1', 0), 'right before'),
    (earlier_probe(), ['k2'], None, ('play-1', None), 'right before'),
    (earlier_probe(role_position=None), ['k2'], None, ('play-1', 1), 'right before'),
    (earlier_probe(), ['k2'], None, (None, None), 'right before'),
    (earlier_probe(), ['k2', 'k4'], None, ('play-1', 1), 'not given these tasks'),
    (earlier_probe(), [], None, ('play-1', 1), 'not given these tasks'),
    (earlier_probe(keys=[]), ['k2'], None, ('play-1', 1), 'not given these tasks'),
])
def test_no_reuse_and_why(earlier, keys, spent, place, reason):
    result, why = converge.reuse_answers(earlier, keys, spent, place)
    assert result is None and reason in why


def carried(earlier):
    """A carrying task's registered result (probe_after): its module's result, the probe under converge_probe."""
    return {'changed': earlier.get('after_change', False), 'path': '/installed', converge.CARRIED_KEY: earlier}


def test_reuse_reads_the_probe_a_task_carried():
    result, reason = converge.reuse_answers(carried(earlier_probe()), ['k2'], None, ('play-1', 1))
    assert reason is None and [a['key'] for a in result['answers']] == ['k2'] and result['probe_id'] == 'p1'


@pytest.mark.parametrize('spent', [None, 'p1'])
def test_after_a_new_host_the_next_roles_probe_makes_no_round_trip_and_answers_nothing(spent):
    # The carrying task installed (after_change) and the very next task would change the host too: nothing answered.
    fresh = earlier_probe(answered=(), after_change=True)
    fresh['answers'] = [answer('k1', usable=False)]
    result, reason = converge.reuse_answers(carried(fresh), ['k2', 'k3'], spent, ('play-1', 1))
    assert reason is None and result['answers'] == [] and result['answered'] == 0
    assert result[converge.ANSWERED_KEY] == 'p1'
    assert converge.find_answer(result, 'k2', spent)[0] is None


@pytest.mark.parametrize('changes', [
    dict(after_change=False),                 # the carrying task changed nothing: drift further on, probe again
    dict(after_change=True, check_mode=True),  # check mode: nothing was installed, the probe answered everything
])
def test_a_spent_earlier_probe_is_not_a_new_host_unless_its_carrier_changed_the_host(changes):
    fresh = earlier_probe(answered=(), **changes)
    result, reason = converge.reuse_answers(carried(fresh), ['k2'], 'p1', ('play-1', 1))
    assert result is None and 'changed the host since' in reason


def test_a_new_host_with_answers_is_not_new():
    partly = earlier_probe(answered=('k1',), after_change=True)
    partly['answered'] = 1
    result, reason = converge.reuse_answers(carried(partly), ['k2'], 'p1', ('play-1', 1))
    assert result is None and 'changed the host since' in reason


def test_entries_stand_a_list_element_for_its_elements():
    one, two = {'module': 'a', 'args': {}}, {'module': 'b'}
    assert converge.entries([one, [two], []], 'probe_after') == [one, two]
    for bad in (None, 'x', {'module': 'a'}, [one, 'y'], [[1]]):
        with pytest.raises(Exception, match='probe_after: a list of mappings'):
            converge.entries(bad, 'probe_after')


def carrier_run(after, module_result, check_mode=False, task_attrs=None):
    plugin = action(dict(ARGS, probe_after=after), task_attrs, check_mode=check_mode)
    with mock.patch.object(converge, 'with_module_defaults', lambda action, module, args, task_vars: dict(args)), \
            mock.patch.object(converge, 'probe_place', lambda task: ('play-1', 0)):
        return run(plugin, module_result)


UNIT = 'alicloud_ops.logging.systemd_unit'


def test_a_carrying_task_runs_itself_and_the_probe_in_one_round_trip_and_returns_its_own_result():
    after = [{'module': 'systemd_unit', 'args': {'name': 'a.service'}}, [{'module': MODULE, 'args': {'name': 'x'}}]]
    probed = {'changed': True, 'check_mode': False, 'answered': 1, 'invocation': {'module_args': 'probe'},
              'run_result': {'changed': True, 'path': '/p', 'invocation': {'module_args': ARGS}},
              'answers': [answer('ku', path='/u')]}
    result, executed = carrier_run(after, probed)
    [(module, sent)] = executed
    salt = result[converge.CARRIED_KEY]['salt']
    keys = [converge.fingerprint(UNIT, {'name': 'a.service'}, SETTINGS, salt),
            converge.fingerprint(MODULE, {'name': 'x'}, SETTINGS, salt)]
    assert module == 'alicloud_ops.logging.converge_probe'
    assert sent == {'run': {'module': MODULE, 'args': ARGS}, 'tasks': [
        {'module': UNIT, 'args': {'name': 'a.service'}, 'key': keys[0]},
        {'module': MODULE, 'args': {'name': 'x'}, 'key': keys[1]}]}
    probe_result = result.pop(converge.CARRIED_KEY)
    assert result == {'changed': True, 'path': '/p', 'invocation': {'module_args': ARGS}}
    assert probe_result['fingerprints'] == keys and probe_result['after_change'] is True
    assert (probe_result['play'], probe_result['role_position']) == ('play-1', 0)
    assert probe_result['answers'] == [answer('ku', path='/u')] and probe_result['answered'] == 1
    assert len(probe_result['probe_id']) == 32 and probe_result['check_mode'] is False
    # A task after it, given the carrying task's registered result as its probe, takes its answer from there.
    follower = action(dict(ARGS, probe=dict(result, **{converge.CARRIED_KEY: dict(
        probe_result, answers=[answer(converge.fingerprint(MODULE, ARGS, SETTINGS, salt), path='/f')])})))
    answered, executed = run(follower)
    assert executed == [] and answered['path'] == '/f'
    assert answered[converge.ANSWERED_KEY] == probe_result['probe_id']


def test_a_carrying_task_that_changed_nothing_says_so_and_an_empty_probe_after_carries_nothing():
    after = [{'module': MODULE, 'args': {}}]
    result, _ = carrier_run(after, {'changed': False, 'run_result': {'changed': False}, 'answers': []})
    assert result[converge.CARRIED_KEY]['after_change'] is False and result['changed'] is False
    plain, executed = carrier_run([], {'changed': False, 'ran': True})
    assert executed == [(MODULE, ARGS)] and plain == {'changed': False, 'ran': True}


def test_when_the_probe_module_itself_fails_that_is_the_tasks_result():
    result, _ = carrier_run([{'module': MODULE, 'args': {}}], {'failed': True, 'msg': 'no python', 'changed': False})
    assert result == {'failed': True, 'msg': 'no python', 'changed': False}


@pytest.mark.parametrize('task_attrs', [{'async_val': 30}, {'delegate_to': 'other'}])
def test_async_or_delegated_carrying_tasks_just_run_their_module(task_attrs):
    result, executed = carrier_run([{'module': MODULE, 'args': {}}], {'changed': False, 'ran': True},
                                   task_attrs=task_attrs)
    assert executed == [(MODULE, ARGS)] and result == {'changed': False, 'ran': True}


def test_a_carrying_task_given_a_probe_too_takes_its_answer_and_makes_no_round_trip():
    given = probe(answer(key_for(ARGS), path='/answered'))
    plugin = action(dict(ARGS, probe=given, probe_after=[{'module': MODULE, 'args': {}}]))
    result, executed = run(plugin)
    assert executed == [] and result['path'] == '/answered'


def test_a_carrying_task_that_changed_the_host_spends_the_probe_it_was_given():
    given = probe(answer('other'), probe_id='p9')
    plugin = action(dict(ARGS, probe=given, probe_after=[]))
    result, _ = run(plugin, {'changed': True})
    assert result['ansible_facts'] == {converge.SPENT_FACT: 'p9'}


# Issue 25 (mutation testing): module_defaults on each release's path, the reasons word for word, what the action
# plugin hands to ActionBase, the module, the probe's planner and the log, and its cleanup.

def test_a_fingerprint_takes_options_json_cannot_hold_as_their_text():
    import datetime
    day = {'since': datetime.date(2026, 12, 7)}
    key = converge.fingerprint(MODULE, day, SETTINGS)
    assert key == converge.fingerprint(MODULE, {'since': datetime.date(2026, 12, 7)}, SETTINGS)
    assert key != converge.fingerprint(MODULE, {'since': datetime.date(2026, 12, 8)}, SETTINGS)


def test_without_omitted_drops_the_omit_placeholder_at_every_depth_of_mappings():
    omit = '__omit_place_holder__x'
    value = {'a': omit, 'b': {'c': omit, 'd': 1}, 'e': [{'f': omit, 'g': [omit, 2]}], 'h': None}
    assert converge._without_omitted(value, omit) == {'b': {'d': 1}, 'e': [{'g': [omit, 2]}], 'h': None}
    assert converge._without_omitted(omit, omit) == omit  # only a mapping's values are left out


class DefaultsAction(object):
    """What with_module_defaults reads of an action plugin: its task (module_defaults, the play's action groups)
    and its templar."""

    def __init__(self):
        self._templar = object()
        self._task = mock.Mock(module_defaults=[{'m': {'x': 1}}])
        self._task._parent._play._action_groups = {'group/x': ['m']}


def test_module_defaults_on_ansible_core_2_19_and_later():
    plugin = DefaultsAction()
    calls = []

    def apply(module, task, args, templar):
        calls.append((module, task, templar))
        args['seen'] = True
        return args
    args = {'a': 1}
    with mock.patch.object(converge, '_apply_action_arg_defaults', apply):
        assert converge.with_module_defaults(plugin, 'm', args, {}) == {'a': 1, 'seen': True}
    assert calls == [('m', plugin._task, plugin._templar)] and args == {'a': 1}  # a copy is handed on


def test_module_defaults_on_ansible_core_2_18_leave_omitted_options_out():
    plugin = DefaultsAction()
    calls = []

    def get(module, args, module_defaults, templar, action_groups=None):
        calls.append((module, module_defaults, templar, action_groups))
        args['d'] = 'OMIT'
        return args
    args = {'a': 1}
    with mock.patch.object(converge, '_apply_action_arg_defaults', None), \
            mock.patch.object(converge, 'get_action_args_with_defaults', get):
        assert converge.with_module_defaults(plugin, 'm', args, {'omit': 'OMIT'}) == {'a': 1}
    assert calls == [('m', [{'m': {'x': 1}}], plugin._templar, {'group/x': ['m']})] and args == {'a': 1}


def test_without_a_way_to_apply_module_defaults_the_options_are_a_copy():
    args = {'a': 1}
    with mock.patch.object(converge, '_apply_action_arg_defaults', None), \
            mock.patch.object(converge, 'get_action_args_with_defaults', None):
        found = converge.with_module_defaults(DefaultsAction(), 'm', args, {})
    assert found == {'a': 1} and found is not args


def test_plan_gives_each_entry_its_full_name_and_the_defaults_of_this_place():
    plugin, seen = object(), []

    def defaults(action, module, args, task_vars):
        seen.append((action, module, task_vars))
        return dict(args, defaulted=True)
    with mock.patch.object(converge, 'with_module_defaults', defaults):
        planned = converge.plan(plugin, [{'module': 'systemd_unit', 'args': {'name': 'a'}}, {'module': 'x.y.z'}],
                                {'v': 1})
    assert planned == [(UNIT, {'name': 'a', 'defaulted': True}), ('x.y.z', {'defaulted': True})]
    assert seen == [(plugin, UNIT, {'v': 1}), (plugin, 'x.y.z', {'v': 1})]


def test_entries_name_the_option_in_the_error_word_for_word():
    with pytest.raises(Exception) as refused:
        converge.entries('x', 'ahead')
    assert str(refused.value) == 'ahead: a list of mappings (module, args) is required'


def test_probe_fields_of_an_outcome_without_answers():
    fields = converge.probe_fields({}, 's', [{'key': 'k1'}, {'key': 'k2'}], ('play-1', 2))
    assert len(fields.pop('probe_id')) == 32
    assert fields == {'salt': 's', 'fingerprints': ['k1', 'k2'], 'play': 'play-1', 'role_position': 2,
                      'check_mode': None, 'answers': [], 'answered': 0}


def test_probe_data_of_a_carried_probe_takes_the_carriers_failure_unless_it_has_its_own():
    assert converge.probe_data({'failed': True, converge.CARRIED_KEY: {'probe_id': 'p'}}) == {
        'probe_id': 'p', 'failed': True}
    assert converge.probe_data({converge.CARRIED_KEY: {'probe_id': 'p'}}) == {'probe_id': 'p', 'failed': None}
    assert converge.probe_data({'failed': True, converge.CARRIED_KEY: {'failed': False}}) == {'failed': False}


@pytest.mark.parametrize('earlier, spent, place, reason', [
    (None, None, ('play-1', 1), 'the earlier probe did not run on this host'),
    (earlier_probe(), 'p1', ('play-1', 1), 'a task given the earlier probe changed the host since'),
    (earlier_probe(), None, ('play-1', 2), "the earlier probe is not of the role right before this one in the play's "
                                           'roles'),
    (earlier_probe(keys=['k1']), None, ('play-1', 1), 'the earlier probe was not given these tasks'),
])
def test_no_reuse_reasons_word_for_word(earlier, spent, place, reason):
    assert converge.reuse_answers(earlier, ['k2'], spent, place) == (None, reason)


@pytest.mark.parametrize('check_mode', [True, False])
def test_reuse_keeps_the_earlier_probes_check_mode(check_mode):
    result, _ = converge.reuse_answers(earlier_probe(check_mode=check_mode), ['k2'], None, ('play-1', 1))
    assert result['check_mode'] is check_mode


def recorded_run(plugin, module_result=None, facts=None, action_result=None):
    """run() that also records what ActionBase.run and the module execution were given."""
    executed = []

    def execute(**given):
        executed.append(given)
        return dict(module_result or {'changed': False, 'ran': True})

    plugin._execute_module = execute
    task_vars = {'ansible_facts': facts or {}, 'v': 1}
    with mock.patch.object(ActionBase, 'run', return_value=dict(action_result or {})) as base:
        result = plugin.run(tmp='/tmp/x', task_vars=task_vars)
    assert base.call_args == mock.call('/tmp/x', task_vars)
    return result, executed, task_vars


def test_the_module_runs_with_the_task_vars_and_async_setting_and_the_remote_tmp_is_removed():
    plugin = action(dict(ARGS))
    result, executed, task_vars = recorded_run(plugin, action_result={'from_base': 1})
    assert result == {'from_base': 1, 'changed': False, 'ran': True}
    assert executed == [dict(module_name=MODULE, module_args=ARGS, task_vars=task_vars, wrap_async=0)]
    plugin._remove_tmp_path.assert_called_once_with(plugin._connection._shell.tmpdir)
    plugin._display.vvv.assert_not_called()
    plugin._templar = mock.Mock()
    recorded_run(plugin)
    plugin._templar.template.assert_not_called()  # no probe: the environment is not templated


def test_an_async_task_keeps_its_remote_tmp():
    plugin = action(dict(ARGS), {'async_val': 30})
    _result, executed, _ = recorded_run(plugin)
    assert executed[0]['wrap_async'] == 30
    plugin._remove_tmp_path.assert_not_called()


def test_the_log_says_why_a_task_runs_or_which_probe_answered_it():
    plugin = action(dict(ARGS, probe=probe(answer('other'))))
    recorded_run(plugin)
    plugin._display.vvv.assert_called_once_with(
        '%s: runs on the host: the probe has no answer for these options and settings' % MODULE)
    plugin = action(dict(ARGS, probe=probe(answer(key_for(ARGS)), probe_id='p7')))
    recorded_run(plugin)
    plugin._display.vvv.assert_called_once_with('%s: answered by converge_probe p7 (no round trip)' % MODULE)


def test_the_fingerprint_is_of_the_templated_environment():
    plugin = action(dict(ARGS, probe=probe(answer(key_for(ARGS, environment={'A': 'b'}), path='/t'))),
                    {'environment': '{{ env }}'})
    plugin._templar = mock.Mock(template=lambda value: {'A': 'b'})
    result, executed, _ = recorded_run(plugin)
    assert executed == [] and result['path'] == '/t'


def test_a_bad_probe_after_names_the_option():
    plugin = action(dict(ARGS, probe_after='x'))
    with pytest.raises(Exception) as refused:
        recorded_run(plugin)
    assert str(refused.value) == 'probe_after: a list of mappings (module, args) is required'


def test_a_carrying_task_plans_and_places_its_probe_with_its_own_task_and_vars():
    plugin = action(dict(ARGS, probe_after=[{'module': 'systemd_unit', 'args': {}}]))
    seen = []

    def defaults(action, module, args, task_vars):
        seen.append((action, task_vars))
        return dict(args)

    def place(task):
        seen.append(task)
        return ('play-1', 0)
    with mock.patch.object(converge, 'with_module_defaults', defaults), \
            mock.patch.object(converge, 'probe_place', place):
        result, executed, task_vars = recorded_run(plugin, {'run_result': {'changed': False}, 'answers': []})
    assert seen == [(plugin, task_vars), plugin._task]
    assert executed[0]['task_vars'] is task_vars and executed[0]['module_name'] == converge.PROBE_MODULE
    assert result[converge.CARRIED_KEY]['play'] == 'play-1'


def test_task_settings_are_the_play_contexts_and_the_templated_environment():
    task = Task({}, environment=[{'A': '{{ a }}'}])
    context = PlayContext(check_mode=1, diff=0, become='yes', become_user='root', become_method='su',
                          remote_user='admin')
    templar = mock.Mock(template=lambda value: [{'A': 'x'}])
    assert converge.task_settings(task, context, templar) == {
        'check_mode': True, 'diff': False, 'become': True, 'become_user': 'root', 'become_method': 'su',
        'remote_user': 'admin', 'environment': [{'A': 'x'}]}
    broken = mock.Mock(template=mock.Mock(side_effect=ValueError('undefined')))
    assert converge.task_settings(task, PlayContext(), broken) == dict(SETTINGS, environment=[{'A': '{{ a }}'}])
