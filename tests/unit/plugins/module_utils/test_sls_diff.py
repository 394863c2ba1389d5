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
