"""sls_logtail_config's plan on plain dicts: option checks, writes, rebuilds and machine group bindings."""
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
