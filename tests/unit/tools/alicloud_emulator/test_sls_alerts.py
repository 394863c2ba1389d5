"""Alert rule and resource record store (sls_alerts.py): validation boundaries, DSL reading, records."""
import json

import pytest

from tools.alicloud_emulator.sls_alerts import (
    ACTION_POLICY_RESOURCE, WEBHOOK_RESOURCE, AlertStore, duration_seconds, parse_fire_calls, relative_seconds)
from tools.alicloud_emulator.sls_signing import SlsError


def projects(name):
    if name != 'proj':
        raise SlsError(404, 'ProjectNotExist', 'The Project does not exist : %s' % name)


def rule(name='r1', **schedule):
    return {'name': name, 'displayName': 'R', 'schedule': dict({'type': 'FixedRate', 'interval': '5m'}, **schedule),
            'configuration': {
                'version': '2.0', 'queryList': [{'store': 's', 'query': '*', 'start': '-15m', 'end': 'now'}],
                'severityConfigurations': [{'severity': 6, 'evalCondition': {'condition': 'a > 1'}}],
                'policyConfiguration': {'actionPolicyId': 'p'}}}


def error(call):
    with pytest.raises(SlsError) as err:
        call()
    return err.value


@pytest.fixture
def store():
    return AlertStore(projects, clock=lambda: 1700000000.5)


def test_create_adds_server_fields_and_drops_client_ones(store):
    doc = store.create('proj', dict(rule(), createTime=1, scheduleId='x', status='disabled'), 60)
    assert doc['createTime'] == doc['lastModifiedTime'] == 1700000000
    assert doc['status'] == 'DISABLED' and 'scheduleId' not in doc and doc['type'] == 'Alert'


def test_project_must_exist(store):
    assert error(lambda: store.create('other', rule(), 60)).code == 'ProjectNotExist'


@pytest.mark.parametrize('interval, ok', [('299s', False), ('300s', True), ('5m', True), ('1h', True),
                                          ('0m', False), ('5', False), ('-5m', False)])
def test_min_interval_boundary(store, interval, ok):
    call = lambda: store.create('proj', rule(interval=interval), 300)   # noqa: E731
    if ok:
        call()
    else:
        assert 'schedule.interval' in error(call).message


def test_cron_schedules(store):
    store.create('proj', rule('c1', type='Cron', cronExpression='*/5 * * * *'), 60)
    err = error(lambda: store.create('proj', rule('c2', type='Cron', cronExpression='* * *'), 60))
    assert 'cronExpression' in err.message
    assert 'FixedRate or Cron' in error(lambda: store.create('proj', rule('c3', type='Daily', hour=3), 60)).message


@pytest.mark.parametrize('name, ok', [('ab', True), ('a', False), ('Host', False), ('a_b-c', True), ('-ab', False),
                                      ('a' * 128, True), ('a' * 129, False)])
def test_rule_names(store, name, ok):
    call = lambda: store.create('proj', rule(name), 60)   # noqa: E731
    if ok:
        call()
    else:
        assert error(call).code == 'ParameterInvalid'


def test_durations():
    assert duration_seconds('90s', 'x') == 90 and duration_seconds('2h', 'x') == 7200
    assert relative_seconds('-1d', 'x') == 86400
    for bad in ('15m', '-0m', '-1w', None):
        with pytest.raises(SlsError):
            relative_seconds(bad, 'x')


def test_fire_calls():
    script = 'fire(type="webhook", webhook_id="hook-1", period="any")\nfire(type="dingtalk", webhook_id="d")'
    assert parse_fire_calls(script) == [{'type': 'webhook', 'webhook_id': 'hook-1', 'period': 'any'},
                                        {'type': 'dingtalk', 'webhook_id': 'd'}]
    assert parse_fire_calls('') == []


def hook(record_id='h1', **value):
    return {'id': record_id, 'tag': 'H', 'value': json.dumps(dict(
        {'id': record_id, 'name': 'H', 'type': 'custom', 'url': 'https://example.com/x', 'method': 'POST',
         'headers': []}, **value))}


def test_records_upsert_is_all_or_nothing(store):
    with pytest.raises(SlsError):
        store.upsert_records(WEBHOOK_RESOURCE, {'records': [hook('a'), hook('b', url='nope')]})
    assert store.list_records(WEBHOOK_RESOURCE) == []
    store.upsert_records(WEBHOOK_RESOURCE, {'records': [hook('a'), hook('b')]})
    assert [r['id'] for r in store.list_records(WEBHOOK_RESOURCE)] == ['a', 'b']
    assert store.record_value(WEBHOOK_RESOURCE, 'a')['url'] == 'https://example.com/x'


@pytest.mark.parametrize('value, needle', [
    ({'id': 'other'}, 'value.id'), ({'type': 'pager'}, 'value.type'), ({'method': 'DELETE'}, 'value.method'),
    ({'headers': {'a': 'b'}}, 'value.headers')])
def test_webhook_values(store, value, needle):
    assert needle in error(lambda: store.create_record(WEBHOOK_RESOURCE, hook(**value))).message


def test_action_policy_values_and_unknown_resources(store):
    empty = {'id': 'p', 'value': json.dumps({'action_policy_id': 'p', 'primary_policy_script': ' '})}
    assert error(lambda: store.create_record(ACTION_POLICY_RESOURCE, empty)).code == 'ActionPolicyEmpty'
    assert error(lambda: store.create_record('sls.nope', hook())).code == 'ResourceNotExist'
    assert error(lambda: store.create_record(WEBHOOK_RESOURCE, {'id': 'x', 'value': '[1]'})).code == \
        'ParameterInvalid'
