"""Desired-versus-current planning for Log Service resources (pure functions on dicts)."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_diff as d


@pytest.mark.parametrize('kind,value', [
    ('project', 'web-logs'), ('project', 'a1b'), ('logstore', 'sys_log'), ('machine_group', 'Web_Hosts-1'),
    ('config', 'ab'), ('config', 'syslog-forward_1'),
])
def test_valid_names(kind, value):
    assert d.name_problem(kind, value) is None


@pytest.mark.parametrize('kind,value', [
    ('project', 'Web-Logs'), ('project', 'ab'), ('project', 'web_logs'), ('project', '-web'), ('project', 'x' * 64),
    ('logstore', 'sys log'), ('logstore', 'sys_'), ('machine_group', 'a'), ('config', 'A-config'),
    ('config', None), ('project', 12),
])
def test_invalid_names_say_which_kind_and_rule(kind, value):
    problem = d.name_problem(kind, value)
    assert problem.startswith('invalid %s name %r' % (kind.replace('_', ' '), value))
    assert 'characters' in problem


def test_project_create_then_description_change():
    after, changes = d.plan_project(None, 'logs')
    assert (after['description'], changes) == ('logs', ['created'])
    current = d.project_view({'projectName': 'p1', 'description': 'logs', 'region': 'cn-hangzhou',
                              'status': 'Normal'})
    assert d.plan_project(current, 'logs')[1] == []
    assert d.plan_project(current, None) == (current, [])
    after, changes = d.plan_project(current, 'new')
    assert changes == ['description'] and after['description'] == 'new' and after['region'] == 'cn-hangzhou'


def test_logstore_defaults_on_create_and_unset_keeps_current():
    after, changes, warnings = d.plan_logstore(None, {'ttl': 7, 'shard_count': None})
    assert changes == ['created'] and warnings == []
    assert after == dict(d.LOGSTORE_DEFAULTS, ttl=7)
    current = d.logstore_view({'logstoreName': 's', 'ttl': 7, 'shardCount': 2, 'autoSplit': True,
                               'maxSplitShard': 64, 'appendMeta': False, 'enable_tracking': False})
    assert d.plan_logstore(current, {k: None for k in d.LOGSTORE_KEYS})[1] == []
    after, changes, _ = d.plan_logstore(current, {'ttl': 90, 'auto_split': False, 'append_meta': None})
    assert changes == ['auto_split', 'ttl'] and after['ttl'] == 90 and after['append_meta'] is False


def test_logstore_shard_count_change_is_a_warning_not_a_change():
    current = dict(d.LOGSTORE_DEFAULTS, name='s', shard_count=2)
    after, changes, warnings = d.plan_logstore(current, {'shard_count': 4})
    assert changes == [] and after['shard_count'] == 2
    assert len(warnings) == 1 and 'keeping 2 (asked for 4)' in warnings[0]


def test_machine_list_exact_append_and_keep():
    assert d.plan_machine_list(['a', 'b'], ['c', 'c', ' b '], append=False) == ['c', 'b']
    assert d.plan_machine_list(['a', 'b'], ['b', 'c'], append=True) == ['a', 'b', 'c']
    assert d.plan_machine_list(['a'], None, append=False) == ['a']
    assert d.plan_machine_list(['a'], [], append=False) == []
    assert d.plan_machine_list(['a'], [], append=True) == ['a']


def test_machines_problem_checks_ips_only_for_ip_groups():
    assert d.machines_problem('ip', ['10.0.0.1', 'fd00::1']) == ('machines', None)
    assert d.machines_problem('ip', ['10.0.0.1', 'web-1']) == (
        'machines[1]', "'web-1' is not an IP address (machine_type is ip)")
    assert d.machines_problem('userdefined', ['web-1']) == ('machines', None)
    option, problem = d.machines_problem('userdefined', ['ok', '  '])
    assert option == 'machines[1]' and 'non-empty' in problem
    assert d.machines_problem('ip', None) == ('machines', None)


def _group(**over):
    body = {'groupName': 'g', 'machineIdentifyType': 'userdefined', 'machineList': ['id-1', 'id-2'],
            'groupType': '', 'groupAttribute': {'groupTopic': 'web'}}
    body.update(over)
    return d.group_view(body)


def test_group_membership_order_is_not_a_change():
    after, changes = d.plan_group(_group(), 'userdefined', ['id-2', 'id-1'], False,
                                  {'group_topic': None, 'external_name': None})
    assert changes == [] and after['machines'] == ['id-2', 'id-1']


def test_group_changes_type_list_and_topic():
    after, changes = d.plan_group(_group(), 'ip', ['10.0.0.1'], False, {'group_topic': 'api', 'external_name': None})
    assert changes == ['group_topic', 'machine_type', 'machines']
    assert d.group_attribute_body(after) == {'groupTopic': 'api'}
    after, changes = d.plan_group(None, 'userdefined', ['x'], True, {'group_topic': None, 'external_name': 'e'})
    assert changes == ['created'] and after['machines'] == ['x'] and after['external_name'] == 'e'


def test_syslog_body_matches_the_sdk_shape():
    body = d.syslog_config_body('cfg', 'store', 'sys_tag', input_detail={'tag': 'ignored', 'x': 1})
    assert body == {'configName': 'cfg', 'inputType': 'syslog', 'outputType': 'LogService',
                    'inputDetail': {'tag': 'sys_tag', 'localStorage': True, 'x': 1},
                    'outputDetail': {'logstoreName': 'store'}}


def test_syslog_plan_ignores_service_added_detail_and_keeps_it():
    current = d.config_view(dict(d.syslog_config_body('cfg', 'store', 'sys_tag'), createTime=1, lastModifyTime=2,
                                 inputDetail={'tag': 'sys_tag', 'localStorage': True, 'discardUnmatch': False}),
                            'legacy')
    assert 'createTime' not in current
    desired = d.syslog_config_body('cfg', 'store', 'sys_tag')
    after, changes = d.plan_config(current, desired, 'legacy')
    assert changes == [] and after['inputDetail']['discardUnmatch'] is False
    after, changes = d.plan_config(current, d.syslog_config_body('cfg', 'other', 'new_tag', False), 'legacy')
    assert changes == ['inputDetail.localStorage', 'inputDetail.tag', 'outputDetail']
    assert after['inputDetail'] == {'tag': 'new_tag', 'localStorage': False, 'discardUnmatch': False}


def test_log_sample_kept_when_unset_and_compared_when_set():
    current = d.config_view(d.syslog_config_body('cfg', 's', 't', log_sample='line'), 'legacy')
    after, changes = d.plan_config(current, d.syslog_config_body('cfg', 's', 't'), 'legacy')
    assert changes == [] and after['logSample'] == 'line'
    assert d.plan_config(current, d.syslog_config_body('cfg', 's', 't', log_sample='other'), 'legacy')[1] == \
        ['logSample']


def test_pipeline_body_default_flusher_and_exact_compare():
    pipeline = {'inputs': [{'Type': 'input_file', 'FilePaths': ['/var/log/a.log']}]}
    body = d.pipeline_config_body('cfg', 'store', pipeline)
    assert body['flushers'] == [{'Type': 'flusher_sls', 'Logstore': 'store'}]
    assert 'processors' not in body and 'global' not in body
    current = d.config_view(dict(body, createTime=5), 'pipeline')
    assert d.plan_config(current, body, 'pipeline')[1] == []
    changed = d.pipeline_config_body('cfg', 'store', dict(pipeline, processors=[{'Type': 'processor_json'}]))
    assert d.plan_config(current, changed, 'pipeline')[1] == ['processors']


def test_form_switch_is_one_change():
    legacy = d.config_view(d.syslog_config_body('cfg', 's', 't'), 'legacy')
    pipeline = d.pipeline_config_body('cfg', 's', {'inputs': [{'Type': 'input_file'}]})
    after, changes = d.plan_config(legacy, pipeline, 'pipeline')
    assert changes == ['form'] and after['form'] == 'pipeline'


@pytest.mark.parametrize('pipeline,fragment', [
    ({'inputs': []}, 'exactly one input'),
    ({'inputs': [{'Type': 'a'}, {'Type': 'b'}]}, 'exactly one input'),
    ({'inputs': [{'FilePaths': []}]}, 'pipeline.inputs: every plugin needs a Type'),
    ({'inputs': [{'Type': 'a'}], 'processors': ['x']}, 'pipeline.processors'),
    ({'inputs': [{'Type': 'a'}], 'flushers': [{'Type': 'flusher_kafka'}]}, 'flusher_sls'),
])
def test_pipeline_problems(pipeline, fragment):
    assert fragment in d.pipeline_problem(pipeline)


def test_attachment_plan():
    assert d.plan_attachments(['a', 'b'], ['b', 'c'], purge=True) == (['c'], ['a'])
    assert d.plan_attachments(['a', 'b'], ['b', 'c'], purge=False) == (['c'], [])
    assert d.plan_attachments(['a'], None, purge=True) == ([], [])
    assert d.plan_attachments([], ['a'], purge=True) == (['a'], [])
    assert d.plan_attachments(['a'], [], purge=True) == ([], ['a'])


def test_machine_ids_refused_exactly_where_logtail_config_refuses_them():
    # Issue 8: one rule (machine_ids) for the group's entries and the agent's id file.
    from ansible_collections.alicloud_ops.logging.plugins.module_utils.logtail_config_merge import (
        ConfigError, render_user_defined_id)
    for raw in ['web-1', ' web-1 ', 'a\nb', 'a\rb', 'tab\tx', '', '  ', 'x\x7f']:
        option, group = d.machines_problem('userdefined', [raw])
        try:
            render_user_defined_id([raw])
            agent = None
        except ConfigError as exc:
            agent = str(exc)
        assert (group is None) == (agent is None), raw
        if group:
            assert option == 'machines[0]' and agent.startswith('user_defined_ids[0]: ')


# -- issue 25: values, boundaries and messages word for word ---------------------------------------------------------
RULES = {
    'project': '3-63 characters: lowercase letters, digits and hyphens, starting and ending with a letter or digit',
    'logstore': '3-63 characters: lowercase letters, digits, hyphens and underscores, starting and ending with a '
                'letter or digit',
    'machine_group': '3-128 characters: letters, digits, hyphens and underscores, starting and ending with a letter '
                     'or digit',
    'config': '2-128 characters: lowercase letters, digits, hyphens and underscores, starting and ending with a '
              'letter or digit',
}


@pytest.mark.parametrize('kind, shortest, longest', [('project', 3, 63), ('logstore', 3, 63),
                                                     ('machine_group', 3, 128), ('config', 2, 128)])
def test_name_lengths_on_both_sides_and_the_rule_word_for_word(kind, shortest, longest):
    for size in (shortest, longest):
        assert d.name_problem(kind, 'a' * size) is None
    label = kind.replace('_', ' ')
    for size in (shortest - 1, longest + 1):
        value = 'a' * size
        assert d.name_problem(kind, value) == 'invalid %s name %r: %s' % (label, value, RULES[kind])
    assert d.name_problem(kind, 'a' * (longest - 1) + '-') == 'invalid %s name %r: %s' % (
        label, 'a' * (longest - 1) + '-', RULES[kind])


@pytest.mark.parametrize('kind, value, ok', [
    ('project', 'a-b', True), ('project', 'a_b', False), ('project', 'aBc', False), ('project', '0-9', True),
    ('logstore', 'a_b', True), ('logstore', '_ab', False), ('logstore', 'a.b', False),
    ('machine_group', 'Web_Hosts-1', True), ('machine_group', '-ab', False), ('machine_group', 'ab_', False),
    ('config', 'a_b-c', True), ('config', 'Ab', False), ('config', 'a', False),
    ('machine_group', b'abc', False), ('config', ['ab'], False),
])
def test_name_characters(kind, value, ok):
    assert (d.name_problem(kind, value) is None) == ok


@pytest.mark.parametrize('kind', sorted(RULES))
@pytest.mark.parametrize('tail', ['\n', '\n\n', '\r', ' '])
def test_a_name_with_a_trailing_line_break_is_refused(kind, tail):
    # Issue 25: the rules ended in $, which also matches before a final newline: 'web-logs\n' was a valid name.
    value = 'web-logs' + tail
    assert d.name_problem(kind, value) == 'invalid %s name %r: %s' % (kind.replace('_', ' '), value, RULES[kind])


def test_name_problems_checks_each_option_as_its_kind():
    params = {'name': 'ab', 'logstore': 'ok_store', 'project': 'Bad'}
    assert d.name_problems(params, name='config', logstore='logstore', project='project') == [
        ('name', None), ('logstore', None), ('project', "invalid project name 'Bad': " + RULES['project'])]
    assert d.name_problems(params, name='project')[0] == ('name', "invalid project name 'ab': " + RULES['project'])
    assert d.name_problems(params) == []


def test_changed_keys_and_merge_view_skip_unset_values():
    current = {'a': 1, 'b': 2, 'c': None}
    desired = {'z': 3, 'a': 1, 'b': None, 'c': 0, 'd': False}
    assert d.changed_keys(current, desired) == ['c', 'd', 'z']
    assert d.merge_view(current, desired) == {'a': 1, 'b': 2, 'c': 0, 'd': False, 'z': 3}
    assert current == {'a': 1, 'b': 2, 'c': None}
    assert d.changed_keys({}, {}) == [] and d.merge_view({'a': 1}, {'a': None}) == {'a': 1}


def test_project_view_and_plan():
    body = {'projectName': 'p1', 'description': 'logs', 'region': 'cn-hangzhou', 'status': 'Normal', 'owner': 'x'}
    assert d.project_view(body) == {'name': 'p1', 'description': 'logs', 'region': 'cn-hangzhou',
                                    'status': 'Normal'}
    assert d.project_view({'projectName': 'p1', 'description': None}) == {
        'name': 'p1', 'description': '', 'region': None, 'status': None}
    assert d.plan_project(None, None) == ({'name': None, 'description': ''}, ['created'])
    assert d.plan_project(None, 'logs') == ({'name': None, 'description': 'logs'}, ['created'])
    current = d.project_view(body)
    assert d.plan_project(current, '') == (dict(current, description=''), ['description'])


def test_logstore_view_reads_each_api_key_or_its_default():
    body = {'logstoreName': 's', 'ttl': 7, 'shardCount': 4, 'autoSplit': False, 'maxSplitShard': 8,
            'appendMeta': True, 'enable_tracking': True}
    assert d.logstore_view(body) == {'name': 's', 'ttl': 7, 'shard_count': 4, 'auto_split': False,
                                     'max_split_shard': 8, 'append_meta': True, 'enable_tracking': True}
    assert d.logstore_view({'logstoreName': 's'}) == {'name': 's', 'ttl': 30, 'shard_count': 2, 'auto_split': True,
                                                      'max_split_shard': 64, 'append_meta': False,
                                                      'enable_tracking': False}


def test_logstore_plan_on_create_and_the_shard_warning_word_for_word():
    desired = {'ttl': None, 'shard_count': 4, 'auto_split': False}
    assert d.plan_logstore(None, desired) == (dict(d.LOGSTORE_DEFAULTS, shard_count=4, auto_split=False),
                                              ['created'], [])
    current = dict(d.LOGSTORE_DEFAULTS, name='s', shard_count=3)
    after, changes, warnings = d.plan_logstore(current, desired)
    assert (after, changes) == (dict(current, auto_split=False), ['auto_split'])
    assert warnings == ['shard_count of an existing logstore only changes by splitting or merging shards; '
                        'keeping 3 (asked for 4)']
    assert desired == {'ttl': None, 'shard_count': 4, 'auto_split': False}
    assert d.plan_logstore(current, {'shard_count': 3}) == (current, [], [])
    assert d.plan_logstore(current, {'shard_count': None, 'ttl': 1}) == (dict(current, ttl=1), ['ttl'], [])


def test_machines_problem_names_the_first_entry_at_fault():
    assert d.machines_problem('ip', [' 10.0.0.1 ', '\t::1']) == ('machines', None)
    assert d.machines_problem('ip', ['10.0.0.1', '10.0.0.256', 'web']) == (
        'machines[1]', "'10.0.0.256' is not an IP address (machine_type is ip)")
    assert d.machines_problem('ip', ['web', '']) == ('machines[0]', "'web' is not an IP address (machine_type is ip)")
    assert d.machines_problem('userdefined', ['a', 'b', '', 'c\n']) == (
        'machines[2]', "must be a non-empty single-line string, got ''")
    assert d.machines_problem('ip', []) == ('machines', None)


def test_machine_list_keeps_current_as_a_new_list():
    current = ['a', 'b']
    kept = d.plan_machine_list(current, None, append=True)
    assert kept == ['a', 'b'] and kept is not current
    assert d.plan_machine_list(current, [' c', 'a '], append=True) == ['a', 'b', 'c']
    assert d.plan_machine_list(current, ['b ', 'c', ' b'], append=False) == ['b', 'c']
    assert current == ['a', 'b']


def test_group_view_reads_each_field_or_its_default():
    assert d.group_view({'groupName': 'g', 'machineIdentifyType': 'ip', 'machineList': ['10.0.0.1'],
                         'groupType': 'Armory', 'groupAttribute': {'groupTopic': 't', 'externalName': 'e'}}) == {
        'name': 'g', 'machine_type': 'ip', 'machines': ['10.0.0.1'], 'group_type': 'Armory', 'group_topic': 't',
        'external_name': 'e'}
    assert d.group_view({'groupName': 'g', 'groupType': None, 'machineList': None, 'groupAttribute': None}) == {
        'name': 'g', 'machine_type': None, 'machines': [], 'group_type': '', 'group_topic': '', 'external_name': ''}


def test_group_plan_on_create_and_update():
    keep = {'group_topic': None, 'external_name': None}
    assert d.plan_group(None, 'ip', [' 10.0.0.1', '10.0.0.1'], False, keep) == (
        {'name': None, 'machine_type': 'ip', 'machines': ['10.0.0.1'], 'group_type': '', 'group_topic': '',
         'external_name': ''}, ['created'])
    assert d.plan_group(None, 'userdefined', None, False, {'group_topic': 't', 'external_name': None})[0] == {
        'name': None, 'machine_type': 'userdefined', 'machines': [], 'group_type': '', 'group_topic': 't',
        'external_name': ''}
    current = _group()
    assert d.plan_group(current, 'userdefined', None, False, keep) == (current, [])
    after, changes = d.plan_group(current, 'userdefined', ['id-3'], True, {'group_topic': None, 'external_name': 'e'})
    assert changes == ['external_name', 'machines']
    assert after == dict(current, machines=['id-1', 'id-2', 'id-3'], external_name='e')
    after, changes = d.plan_group(current, 'userdefined', ['id-1'], False, keep)
    assert (after['machines'], changes) == (['id-1'], ['machines'])
    assert current['machines'] == ['id-1', 'id-2']


def test_group_attribute_body_sends_only_set_attributes():
    assert d.group_attribute_body({'group_topic': 't', 'external_name': 'e', 'name': 'g'}) == {
        'groupTopic': 't', 'externalName': 'e'}
    assert d.group_attribute_body({'group_topic': '', 'external_name': None}) == {}
    assert d.group_attribute_body({}) == {}


def test_syslog_body_local_storage_and_log_sample():
    detail = {'x': 1}
    body = d.syslog_config_body('cfg', 'store', 'tag', local_storage=0, input_detail=detail, log_sample='a line')
    assert body == {'configName': 'cfg', 'inputType': 'syslog', 'outputType': 'LogService',
                    'inputDetail': {'x': 1, 'tag': 'tag', 'localStorage': False},
                    'outputDetail': {'logstoreName': 'store'}, 'logSample': 'a line'}
    assert detail == {'x': 1}
    assert d.syslog_config_body('c', 's', 't', local_storage='yes')['inputDetail'] == {
        'tag': 't', 'localStorage': True}
    assert 'logSample' not in d.syslog_config_body('c', 's', 't', log_sample='')


def test_pipeline_body_copies_every_part_it_is_given():
    pipeline = {'inputs': [{'Type': 'input_file'}], 'processors': [{'Type': 'processor_json'}],
                'aggregators': [{'Type': 'aggregator_default'}], 'flushers': [{'Type': 'flusher_sls', 'Logstore': 'x'}],
                'global': {'TopicType': 'custom'}}
    body = d.pipeline_config_body('cfg', 'store', pipeline, log_sample='line')
    assert body == dict(pipeline, configName='cfg', logSample='line')
    body['inputs'][0]['Type'] = 'changed'
    assert pipeline['inputs'] == [{'Type': 'input_file'}]
    assert d.pipeline_config_body('cfg', 'store', None) == {
        'configName': 'cfg', 'inputs': [], 'flushers': [{'Type': 'flusher_sls', 'Logstore': 'store'}]}
    assert d.pipeline_config_body('cfg', 'store', {'inputs': None, 'processors': [], 'aggregators': None,
                                                   'flushers': [], 'global': {}}, log_sample='') == {
        'configName': 'cfg', 'inputs': [], 'flushers': [{'Type': 'flusher_sls', 'Logstore': 'store'}]}


@pytest.mark.parametrize('pipeline, problem', [
    ({}, 'pipeline.inputs: exactly one input plugin is required'),
    ({'inputs': {'Type': 'a'}}, 'pipeline.inputs: exactly one input plugin is required'),
    ({'inputs': []}, 'pipeline.inputs: exactly one input plugin is required'),
    ({'inputs': [{'Type': 'a'}] * 2}, 'pipeline.inputs: exactly one input plugin is required'),
    ({'inputs': ['input_file']}, "pipeline.inputs: every plugin needs a Type, got 'input_file'"),
    ({'inputs': [{'Type': ''}]}, "pipeline.inputs: every plugin needs a Type, got {'Type': ''}"),
    ({'inputs': [{'Type': 'a'}], 'processors': [{'Type': 'p'}, {}]}, 'pipeline.processors: every plugin needs a '
                                                                     'Type, got {}'),
    ({'inputs': [{'Type': 'a'}], 'aggregators': [None]}, 'pipeline.aggregators: every plugin needs a Type, got None'),
    ({'inputs': [{'Type': 'a'}], 'flushers': [{'Logstore': 's'}]}, "pipeline.flushers: every plugin needs a Type, "
                                                                   "got {'Logstore': 's'}"),
    ({'inputs': [{'Type': 'a'}], 'flushers': [{'Type': 'flusher_kafka'}]},
     'pipeline.flushers: exactly one flusher_sls plugin is allowed'),
    ({'inputs': [{'Type': 'a'}], 'flushers': [{'Type': 'flusher_sls'}] * 2},
     'pipeline.flushers: exactly one flusher_sls plugin is allowed'),
    ({'inputs': [{'Type': 'a'}], 'flushers': [{'Type': 'flusher_sls'}, {'Type': 'flusher_kafka'}]},
     'pipeline.flushers: exactly one flusher_sls plugin is allowed'),
    ({'inputs': [{'Type': 'a'}]}, None),
    ({'inputs': [{'Type': 'a'}], 'processors': None, 'flushers': []}, None),
    ({'inputs': [{'Type': 'a'}], 'processors': [{'Type': 'p'}], 'aggregators': [{'Type': 'g'}],
      'flushers': [{'Type': 'flusher_sls', 'Logstore': 's'}]}, None),
])
def test_pipeline_problem_word_for_word(pipeline, problem):
    assert d.pipeline_problem(pipeline) == problem


def test_config_view_drops_server_timestamps_and_copies():
    body = {'configName': 'c', 'createTime': 1, 'lastModifyTime': 2, 'modifyTime': 3, 'inputs': [{'Type': 'a'}]}
    view = d.config_view(body, 'pipeline')
    assert view == {'configName': 'c', 'inputs': [{'Type': 'a'}], 'form': 'pipeline'}
    view['inputs'][0]['Type'] = 'b'
    assert body['inputs'] == [{'Type': 'a'}]


def test_plan_config_on_create_is_the_desired_view():
    desired = dict(d.syslog_config_body('cfg', 's', 't'), createTime=1)
    assert d.plan_config(None, desired, 'legacy') == (d.config_view(desired, 'legacy'), ['created'])


def test_legacy_plan_compares_input_type_and_the_logstore_only():
    current = d.config_view(dict(d.syslog_config_body('cfg', 's', 't'), inputType='file',
                                 outputDetail={'logstoreName': 's', 'endpoint': 'e'}), 'legacy')
    desired = d.syslog_config_body('cfg', 's', 't')
    after, changes = d.plan_config(current, desired, 'legacy')
    assert changes == ['inputType']
    assert after == dict(d.config_view(desired, 'legacy'), outputDetail={'logstoreName': 's', 'endpoint': 'e'})
    after, changes = d.plan_config(current, d.syslog_config_body('cfg', 'other', 't', log_sample='x'), 'legacy')
    assert changes == ['inputType', 'logSample', 'outputDetail']
    assert after['outputDetail'] == {'logstoreName': 'other', 'endpoint': 'e'}
    bare = {'configName': 'cfg', 'form': 'legacy'}
    after, changes = d.plan_config(bare, desired, 'legacy')
    assert changes == ['inputDetail.localStorage', 'inputDetail.tag', 'inputType', 'outputDetail']
    assert after == d.config_view(desired, 'legacy') and 'logSample' not in after


def test_pipeline_plan_compares_each_list_and_global_exactly():
    body = d.pipeline_config_body('cfg', 's', {'inputs': [{'Type': 'a'}], 'global': {'g': 1}})
    current = d.config_view(body, 'pipeline')
    assert d.plan_config(current, body, 'pipeline') == (current, [])
    changed = d.pipeline_config_body('cfg', 's', {'inputs': [{'Type': 'b'}], 'aggregators': [{'Type': 'x'}],
                                                  'flushers': [{'Type': 'flusher_sls', 'Logstore': 't'}]})
    assert d.plan_config(current, changed, 'pipeline')[1] == ['aggregators', 'flushers', 'global', 'inputs']
    # an empty (or null) list or global is the same as none
    bare = d.pipeline_config_body('cfg', 's', {'inputs': [{'Type': 'a'}]})
    empty = dict(bare, processors=[], aggregators=None, **{'global': {}})
    assert d.plan_config(d.config_view(empty, 'pipeline'), bare, 'pipeline')[1] == []
    assert d.plan_config(d.config_view(bare, 'pipeline'), dict(empty, **{'global': None}), 'pipeline')[1] == []
    assert d.plan_config(dict(current, form='legacy'), body, 'pipeline') == (d.config_view(body, 'pipeline'),
                                                                             ['form'])
    assert d.plan_config({'configName': 'cfg'}, body, 'pipeline')[1] == ['form']


def test_log_sample_unset_is_kept_only_when_the_service_has_one():
    current = d.config_view(d.pipeline_config_body('cfg', 's', {'inputs': [{'Type': 'a'}]}, log_sample='l'),
                            'pipeline')
    desired = d.pipeline_config_body('cfg', 's', {'inputs': [{'Type': 'a'}]})
    assert d.plan_config(current, desired, 'pipeline') == (current, [])
    assert d.plan_config(dict(current, logSample=''), desired, 'pipeline') == (
        d.config_view(desired, 'pipeline'), [])
    assert d.plan_config(current, dict(desired, logSample='l'), 'pipeline') == (current, [])
    assert d.plan_config(dict(current, logSample=None), dict(desired, logSample=''), 'pipeline')[1] == ['logSample']


def test_attachment_plan_is_sorted_and_takes_none_as_no_bindings():
    assert d.plan_attachments(None, ['b', 'a'], purge=True) == (['a', 'b'], [])
    assert d.plan_attachments(['z', 'y', 'x'], ['x'], purge=True) == ([], ['y', 'z'])
    assert d.plan_attachments(('c', 'a'), ['d', 'b', 'a'], purge=False) == (['b', 'd'], [])
    assert d.plan_attachments(None, None, purge=True) == ([], [])
