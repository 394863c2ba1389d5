"""sls_logtail_config's plan on plain dicts: option checks, writes, rebuilds and machine group bindings."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import config_view
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_logtail_config_plan import (
    desired_body, logtail_config_problems, other_form, plan_logtail_config, result_views)

PIPELINE = {'inputs': [{'Type': 'input_syslog', 'Address': 'tcp://127.0.0.1:11111'}]}


def params(**overrides):
    base = {'project': 'proj-a', 'name': 'cfg', 'state': 'present', 'logstore': 'syslog', 'tag': 'sys_tag',
            'local_storage': True, 'input_detail': {}, 'log_sample': None, 'pipeline': None,
            'machine_groups': None, 'purge_machine_groups': True}
    base.update(overrides)
    return base


def held(**overrides):
    """A config as the service returns it (view), built from the same options."""
    form, body = desired_body(params(**overrides))
    return config_view(body, form)


def test_problems_name_each_option():
    assert logtail_config_problems(params()) == []
    got = logtail_config_problems(params(project='Bad_Name', tag='two words', machine_groups=['g']))
    assert [p.split(':')[0] for p in got] == ['project', 'tag', 'machine_groups']
    assert logtail_config_problems(params(tag=None)) == ['tag: required for the syslog form (or give pipeline)']
    assert logtail_config_problems(params(state='absent', logstore=None, tag=None)) == []


def test_new_config_is_created_and_bound():
    plan = plan_logtail_config(params(machine_groups=['hosts']), None, [])
    assert plan['changes'] == ['created'] and plan['write'] == 'create' and plan['check_logstore']
    assert plan['write_body']['inputDetail'] == {'tag': 'sys_tag', 'localStorage': True}
    assert (plan['attach'], plan['detach'], plan['unbind'], plan['groups_after']) == (['hosts'], [], [], ['hosts'])


def test_same_config_and_groups_plan_nothing():
    plan = plan_logtail_config(params(machine_groups=['hosts']), held(), ['hosts'])
    assert plan['changes'] == [] and plan['write'] is None and not plan['check_logstore']
    assert (plan['attach'], plan['detach'], plan['unbind']) == ([], [], [])


def test_changed_tag_updates_in_place_and_keeps_service_details():
    current = held()
    current['inputDetail']['maxSendRate'] = -1
    plan = plan_logtail_config(params(tag='other'), current, ['hosts'])
    assert plan['changes'] == ['inputDetail.tag'] and plan['write'] == 'update' and not plan['rebuild']
    assert plan['write_body']['inputDetail'] == {'tag': 'other', 'localStorage': True, 'maxSendRate': -1}
    assert plan['groups_after'] == ['hosts'] and plan['unbind'] == []


def test_purge_detaches_unlisted_groups_only_when_asked():
    plan = plan_logtail_config(params(machine_groups=['a']), held(), ['a', 'b'])
    assert (plan['attach'], plan['detach'], plan['unbind'], plan['groups_after']) == ([], ['b'], ['b'], ['a'])
    plan = plan_logtail_config(params(machine_groups=['a'], purge_machine_groups=False), held(), ['a', 'b'])
    assert (plan['detach'], plan['groups_after']) == ([], ['a', 'b'])


def test_switching_form_rebuilds_and_binds_again_every_kept_group():
    plan = plan_logtail_config(params(tag=None, pipeline=PIPELINE), held(), ['a', 'b'])
    assert plan['changes'] == ['form'] and plan['rebuild'] and plan['write'] == 'create'
    assert plan['check_logstore'] and plan['form'] == 'pipeline'
    assert (plan['unbind'], plan['attach'], plan['detach'], plan['groups_after']) == (
        ['a', 'b'], ['a', 'b'], [], ['a', 'b'])
    plan = plan_logtail_config(params(tag=None, pipeline=PIPELINE, machine_groups=['a']), held(), ['a', 'b'])
    assert (plan['attach'], plan['detach'], plan['groups_after']) == (['a'], ['b'], ['a'])


def test_absent_unbinds_then_deletes():
    plan = plan_logtail_config(params(state='absent'), held(), ['a', 'b'])
    assert plan['changes'] == ['deleted'] and plan['rebuild'] and plan['write'] is None
    assert (plan['unbind'], plan['detach'], plan['groups_after'], plan['after']) == (['a', 'b'], ['a', 'b'], [], None)
    assert plan_logtail_config(params(state='absent'), None, [])['changes'] == []


def test_log_sample_is_kept_when_not_given():
    current = held(log_sample='<13>1 sample')
    plan = plan_logtail_config(params(tag='other'), current, [])
    assert plan['write_body']['logSample'] == '<13>1 sample'


def test_views_and_forms():
    assert other_form('legacy') == 'pipeline' and other_form('pipeline') == 'legacy'
    before, after = result_views(held(), held(tag='x'), ['a'], ['a', 'b'], True)
    assert before['machine_groups'] == ['a'] and after['machine_groups'] == ['a', 'b']
    assert result_views(None, None, [], [], False) == ({}, {})


# Issue 25: each message word for word, the whole plan of each kind of run, the views of the diff.
PROJECT_RULE = '3-63 characters: lowercase letters, digits and hyphens, starting and ending with a letter or digit'
GROUP_RULE = '3-128 characters: letters, digits, hyphens and underscores, starting and ending with a letter or digit'
ONE_WORD = 'tag: must be one word: rsyslog sends it as a space-separated field, got %r'


def test_problems_word_for_word_in_option_order():
    got = logtail_config_problems(params(project='P', name='C', logstore='L', tag='a b',
                                         machine_groups=['ok-1', 'g', 'h']))
    assert got == [
        "project: invalid project name 'P': " + PROJECT_RULE,
        "name: invalid config name 'C': 2-128 characters: lowercase letters, digits, hyphens and underscores, "
        "starting and ending with a letter or digit",
        "logstore: invalid logstore name 'L': 3-63 characters: lowercase letters, digits, hyphens and underscores, "
        "starting and ending with a letter or digit",
        ONE_WORD % 'a b',
        "machine_groups: invalid machine group name 'g': " + GROUP_RULE,
        "machine_groups: invalid machine group name 'h': " + GROUP_RULE,
    ]


@pytest.mark.parametrize('tag, problems', [
    ('sys_tag', []), ('x', []), ('a/b:c', []),
    ('', ['tag: required for the syslog form (or give pipeline)']),
    (' x', [ONE_WORD % ' x']), ('x ', [ONE_WORD % 'x ']), ('a\tb', [ONE_WORD % 'a\tb']),
])
def test_the_tag_is_one_word(tag, problems):
    assert logtail_config_problems(params(tag=tag)) == problems


def test_a_pipeline_is_checked_instead_of_the_tag():
    assert logtail_config_problems(params(tag=None, pipeline=PIPELINE)) == []
    assert logtail_config_problems(params(tag='two words', pipeline={})) == [
        'pipeline: pipeline.inputs: exactly one input plugin is required']


def test_absent_checks_names_and_groups_only():
    assert logtail_config_problems(params(state='absent', logstore='L', tag='a b', pipeline={})) == []
    assert logtail_config_problems(params(state='absent', name='C', machine_groups=['g'])) == [
        "name: invalid config name 'C': 2-128 characters: lowercase letters, digits, hyphens and underscores, "
        "starting and ending with a letter or digit",
        "machine_groups: invalid machine group name 'g': " + GROUP_RULE]


def test_desired_body_of_each_form():
    assert desired_body(params(state='absent', pipeline=PIPELINE)) == ('legacy', None)
    assert desired_body(params(local_storage=False, input_detail={'maxSendRate': 5}, log_sample='<13>x')) == (
        'legacy', {'configName': 'cfg', 'inputType': 'syslog',
                   'inputDetail': {'maxSendRate': 5, 'tag': 'sys_tag', 'localStorage': False},
                   'outputType': 'LogService', 'outputDetail': {'logstoreName': 'syslog'}, 'logSample': '<13>x'})
    assert desired_body(params(tag=None, pipeline=PIPELINE, log_sample='<13>x')) == (
        'pipeline', {'configName': 'cfg', 'inputs': PIPELINE['inputs'],
                     'flushers': [{'Type': 'flusher_sls', 'Logstore': 'syslog'}], 'logSample': '<13>x'})


def test_the_whole_plan_of_a_new_config():
    form, body = desired_body(params(machine_groups=['b', 'a']))
    assert plan_logtail_config(params(machine_groups=['b', 'a']), None, []) == {
        'present': True, 'form': 'legacy', 'check_logstore': True, 'write': 'create', 'write_body': body,
        'changes': ['created'], 'after': config_view(body, form), 'attach': ['a', 'b'], 'detach': [],
        'rebuild': False, 'unbind': [], 'groups_after': ['a', 'b']}


def test_the_whole_plan_of_a_config_left_as_it_is():
    current = held()
    assert plan_logtail_config(params(), current, ['b', 'a']) == {
        'present': True, 'form': 'legacy', 'check_logstore': False, 'write': None, 'write_body': None,
        'changes': [], 'after': current, 'attach': [], 'detach': [], 'rebuild': False, 'unbind': [],
        'groups_after': ['a', 'b']}


def test_the_whole_plan_of_a_deletion():
    assert plan_logtail_config(params(state='absent', machine_groups=['a']), held(), ['b', 'a']) == {
        'present': False, 'form': 'legacy', 'check_logstore': False, 'write': None, 'write_body': None,
        'changes': ['deleted'], 'after': None, 'attach': [], 'detach': ['b', 'a'], 'rebuild': True,
        'unbind': ['b', 'a'], 'groups_after': []}
    assert plan_logtail_config(params(state='absent'), None, []) == {
        'present': False, 'form': 'legacy', 'check_logstore': False, 'write': None, 'write_body': None,
        'changes': [], 'after': None, 'attach': [], 'detach': [], 'rebuild': True, 'unbind': [], 'groups_after': []}


def test_a_pipeline_updated_in_place_writes_its_own_body():
    current = held(tag=None, pipeline=PIPELINE)
    changed = {'inputs': [{'Type': 'input_syslog', 'Address': 'udp://127.0.0.1:11111'}]}
    _, body = desired_body(params(tag=None, pipeline=changed))
    plan = plan_logtail_config(params(tag=None, pipeline=changed, machine_groups=['a']), current, ['b'])
    assert (plan['form'], plan['changes'], plan['write'], plan['write_body'], plan['check_logstore']) == (
        'pipeline', ['inputs'], 'update', body, False)
    assert (plan['attach'], plan['detach'], plan['unbind'], plan['rebuild'], plan['groups_after']) == (
        ['a'], ['b'], ['b'], False, ['a'])


def test_a_new_log_sample_is_written():
    plan = plan_logtail_config(params(log_sample='<13>new'), held(log_sample='<13>old'), [])
    assert plan['changes'] == ['logSample'] and plan['write_body']['logSample'] == '<13>new'
    plan = plan_logtail_config(params(tag=None, pipeline=PIPELINE), held(tag=None, pipeline=PIPELINE,
                                                                         log_sample='<13>old'), [])
    assert plan['write'] is None and plan['after']['logSample'] == '<13>old'


def test_groups_are_left_alone_without_machine_groups():
    plan = plan_logtail_config(params(tag='other'), held(), ['b', 'a'])
    assert (plan['attach'], plan['detach'], plan['unbind'], plan['groups_after']) == ([], [], [], ['a', 'b'])


def test_switching_form_keeps_unlisted_groups_without_purge():
    plan = plan_logtail_config(params(tag=None, pipeline=PIPELINE, machine_groups=['c', 'a'],
                                      purge_machine_groups=False), held(), ['b', 'a'])
    assert (plan['unbind'], plan['attach'], plan['detach'], plan['groups_after']) == (
        ['b', 'a'], ['a', 'b', 'c'], [], ['a', 'b', 'c'])
    plan = plan_logtail_config(params(tag=None, pipeline=PIPELINE, purge_machine_groups=False), held(), ['b'])
    assert (plan['attach'], plan['detach'], plan['groups_after']) == (['b'], [], ['b'])


def test_switching_back_to_the_syslog_form_writes_its_input_detail():
    plan = plan_logtail_config(params(machine_groups=[]), held(tag=None, pipeline=PIPELINE), ['a'])
    _, body = desired_body(params())
    assert (plan['changes'], plan['form'], plan['write'], plan['write_body'], plan['check_logstore']) == (
        ['form'], 'legacy', 'create', body, True)
    assert (plan['unbind'], plan['attach'], plan['detach'], plan['groups_after']) == (['a'], [], ['a'], [])


def test_result_views_word_for_word():
    current, after = held(), held(tag='x')
    assert result_views(current, after, ['a'], ['a', 'b'], True) == (
        dict(current, machine_groups=['a']), dict(after, machine_groups=['a', 'b']))
    assert result_views(current, after, ['a'], [], False) == (dict(current, machine_groups=['a']), {})
    assert result_views({}, after, [], ['b'], True) == ({}, dict(after, machine_groups=['b']))
