"""Emulator CloudMonitor: actions on dicts, and the evaluator with a fake clock and a local webhook receiver."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl

import pytest

from tools.alicloud_emulator.cms import CmsService


class FakeState(object):
    alarm_min_interval = 60


class Clock(object):
    def __init__(self, now=1000000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers['Content-Length']))
            received.append({'type': self.headers['Content-Type'], 'form': dict(parse_qsl(body.decode()))})
            self.send_response(200)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d/hook' % server.server_address[1], received
    server.shutdown()
    server.server_close()


def call(svc, action, **params):
    return svc.actions[action]({k: str(v) for k, v in params.items()}, 'RID')


def setup(clock=None):
    svc = CmsService(FakeState(), clock=clock or Clock(), account_aliuid='42')
    assert call(svc, 'PutContact', ContactName='ops', Describe='ops', **{'Channels.Mail': 'a@b.c'})['Success']
    assert call(svc, 'PutContactGroup', ContactGroupName='oncall', **{'ContactNames.1': 'ops'})['Success']
    return svc


def rule(svc, rule_id='r1', webhook='', times=2, op='GreaterThanThreshold', stat='Average', threshold=90, **extra):
    params = {'RuleId': rule_id, 'RuleName': rule_id + '-name', 'Namespace': 'acs_ecs_dashboard',
              'MetricName': 'cpu_total', 'ContactGroups': 'oncall', 'Period': 60, 'Webhook': webhook,
              'Resources': json.dumps([{'instanceId': 'i-1'}]), 'Escalations.Critical.Statistics': stat,
              'Escalations.Critical.ComparisonOperator': op, 'Escalations.Critical.Threshold': threshold,
              'Escalations.Critical.Times': times}
    params.update(extra)
    action = 'PutGroupMetricRule' if 'GroupId' in params else 'PutResourceMetricRule'
    if 'GroupId' in params:
        del params['Resources']
    body = call(svc, action, **params)
    assert body['Success'], body
    return body


def push(svc, now, *values, instance='i-1'):
    svc.push_metrics([{'metric': 'cpu_total', 'instanceId': instance, 'value': v, 'timestamp': now - 1 - i}
                      for i, v in enumerate(values)])


# Wire shapes.
def test_code_is_int_or_string_per_action():
    svc = setup()
    assert call(svc, 'DescribeContactList')['Code'] == '200'
    created = call(svc, 'CreateMonitorGroup', GroupName='web', ContactGroups='oncall')
    assert created['Code'] == 200 and isinstance(created['GroupId'], int)
    assert call(svc, 'DescribeMetricRuleList')['Code'] == 200
    assert call(svc, 'DescribeMetricRuleList')['Total'] == '0'


def test_refusals_are_success_false_with_typed_code():
    svc = setup()
    body = call(svc, 'PutResourceMetricRule', RuleId='r', RuleName='r', Namespace='acs_ecs_dashboard',
                MetricName='cpu_total', ContactGroups='oncall', Period=59, Resources='[{"instanceId":"i-1"}]',
                **{'Escalations.Critical.Statistics': 'Average', 'Escalations.Critical.ComparisonOperator':
                   'GreaterThanThreshold', 'Escalations.Critical.Threshold': '1', 'Escalations.Critical.Times': 1})
    assert body['Success'] is False and body['Code'] == '400' and 'Period' in body['Message']
    body = call(svc, 'DescribeMonitorGroupInstances', GroupId=1)
    assert body == {'RequestId': 'RID', 'Code': 404, 'Message': body['Message'], 'Success': False}
    body = call(svc, 'PutContactGroup', ContactGroupName='x', **{'ContactNames.1': 'nobody'})
    assert body['Success'] is False and 'nobody' in body['Message']
    body = call(svc, 'CreateMonitorGroup', GroupName='web', ContactGroups='missing')
    assert body['Success'] is False and body['Code'] == 404


def test_period_at_min_interval_is_accepted():
    svc = setup()
    rule(svc)  # Period 60 == alarm_min_interval
    assert call(svc, 'DescribeMetricRuleList', RuleIds='r1')['Alarms']['Alarm'][0]['Period'] == '60'


@pytest.mark.parametrize('silence,ok', [(3599, False), (3600, True)])
def test_silence_time_minimum(silence, ok):
    svc = setup()
    body = call(svc, 'PutResourceMetricRule', RuleId='r', RuleName='r', Namespace='n', MetricName='m',
                ContactGroups='oncall', Resources='[{"instanceId":"i-1"}]', SilenceTime=silence,
                **{'Escalations.Info.Statistics': 'Average', 'Escalations.Info.Threshold': '1',
                   'Escalations.Info.ComparisonOperator': 'EqualToThreshold', 'Escalations.Info.Times': 1})
    assert body['Success'] is ok and (ok or 'SilenceTime' in body['Message'])


def test_alarm_repeats_only_after_silence_time():
    clock = Clock()
    svc = setup(clock)
    rule(svc, times=1, SilenceTime=3600)
    t = clock.now
    statuses = []
    for step in range(1, 62):
        push(svc, t + 60 * step, 95)
        statuses.extend((step, s['status']) for s in svc.tick(t + 60 * step))
    assert statuses == [(1, 'ALERT'), (61, 'ALERT')]


def test_level_change_notifies_and_most_severe_wins():
    clock = Clock()
    svc = setup(clock)
    rule(svc, times=1, threshold=90, **{'Escalations.Warn.Statistics': 'Average', 'Escalations.Warn.Threshold': 70,
                                        'Escalations.Warn.ComparisonOperator': 'GreaterThanThreshold',
                                        'Escalations.Warn.Times': 1})
    t = clock.now
    push(svc, t + 60, 80)
    first = svc.tick(t + 60)
    push(svc, t + 120, 95)
    second = svc.tick(t + 120)
    assert [(s['level'], s['body']['triggerLevel']) for s in first + second] == [('Warn', 'WARN'),
                                                                                 ('Critical', 'CRITICAL')]
    assert json.loads(second[0]['body']['expression'])[0]['expression'] == '$Average>90'


def test_escalation_level_must_be_complete():
    svc = setup()
    body = call(svc, 'PutResourceMetricRule', RuleId='r', RuleName='r', Namespace='n', MetricName='m',
                ContactGroups='oncall', Resources='[{"instanceId":"i-1"}]',
                **{'Escalations.Warn.Statistics': 'Average', 'Escalations.Warn.Threshold': '1'})
    assert body['Success'] is False and 'Escalations.Warn.ComparisonOperator' in body['Message']


def test_group_instances_add_remove_and_describe_filters():
    svc = setup()
    gid = call(svc, 'CreateMonitorGroup', GroupName='web-prod', ContactGroups='oncall')['GroupId']
    call(svc, 'CreateMonitorGroup', GroupName='web', ContactGroups='oncall')
    inst = {'Instances.%d.%s' % (n, f): v for n in (1, 2) for f, v in
            (('InstanceId', 'i-%d' % n), ('InstanceName', 'h%d' % n), ('RegionId', 'cn-hangzhou'), ('Category', 'ecs'))}
    assert call(svc, 'CreateMonitorGroupInstances', GroupId=gid, **inst)['Success']
    assert call(svc, 'DescribeMonitorGroupInstances', GroupId=gid)['Total'] == 2
    assert call(svc, 'DeleteMonitorGroupInstances', GroupId=gid, Category='ECS', InstanceIdList='i-1')['Success']
    rows = call(svc, 'DescribeMonitorGroupInstances', GroupId=gid)['Resources']['Resource']
    assert [r['InstanceId'] for r in rows] == ['i-2']
    names = [g['GroupName'] for g in call(svc, 'DescribeMonitorGroups', GroupName='web')['Resources']['Resource']]
    assert sorted(names) == ['web', 'web-prod']  # substring match: clients must compare names exactly


def test_enable_disable_delete():
    svc = setup()
    rule(svc)
    assert call(svc, 'DisableMetricRules', **{'RuleId.1': 'r1'})['Success']
    assert call(svc, 'DescribeMetricRuleList', EnableState='false')['Total'] == '1'
    assert call(svc, 'EnableMetricRules', **{'RuleId.1': 'nope'})['Success'] is False
    assert call(svc, 'DeleteMetricRules', **{'Id.1': 'r1'})['Success']
    assert call(svc, 'DescribeMetricRuleList')['Alarms']['Alarm'] == []


# Evaluation.
def test_times_consecutive_then_one_alert_then_ok(receiver):
    url, received = receiver
    clock = Clock()
    svc = setup(clock)
    rule(svc, webhook=url, times=2)
    t = clock.now
    push(svc, t + 60, 95, 91)          # average 93 > 90: 1st time
    assert svc.tick(t + 60) == [] and svc.store.rules['r1']['AlertState'] == 'OK'
    push(svc, t + 120, 95)              # 2nd consecutive: ALARM
    sent = svc.tick(t + 120)
    assert [s['status'] for s in sent] == ['ALERT'] and svc.store.rules['r1']['AlertState'] == 'ALARM'
    push(svc, t + 180, 99)              # still alarming: nothing
    assert svc.tick(t + 180) == []
    push(svc, t + 240, 90)              # 90 is not > 90: recovery
    assert [s['status'] for s in svc.tick(t + 240)] == ['OK']
    assert [r['form']['alertState'] for r in received] == ['ALERT', 'OK']
    form = received[0]['form']
    assert received[0]['type'].startswith('application/x-www-form-urlencoded')
    assert form['alertName'] == 'r1-name' and form['curValue'] == '95' and form['metricName'] == 'cpu_total'
    assert form['dimensions'] == '{userId=42, instanceId=i-1}' and form['userId'] == '42'
    assert json.loads(form['expression']) == [{'expression': '$Average>90', 'level': 2, 'times': 2}]
    assert form['namespace'] == 'acs_ecs_dashboard' and form['metricProject'] == 'acs_ecs'
    assert form['timestamp'] == str(int(t + 120))


def test_not_consecutive_resets_count():
    clock = Clock()
    svc = setup(clock)
    rule(svc, times=2)
    t = clock.now
    for step, value in enumerate((95, 50, 95), 1):
        push(svc, t + 60 * step, value)
        svc.tick(t + 60 * step)
    assert svc.store.rules['r1']['AlertState'] == 'OK'


@pytest.mark.parametrize('stat,values,fires', [('Maximum', (10, 91), True), ('Maximum', (10, 90), False),
                                               ('Minimum', (91, 95), True), ('Minimum', (89, 95), False),
                                               ('Average', (80, 101), True), ('Average', (80, 100), False)])
def test_statistics(stat, values, fires):
    clock = Clock()
    svc = setup(clock)
    rule(svc, times=1, stat=stat)
    push(svc, clock.now + 60, *values)
    svc.tick(clock.now + 60)
    assert (svc.store.rules['r1']['AlertState'] == 'ALARM') is fires


def test_window_is_last_period_only():
    clock = Clock()
    svc = setup(clock)
    rule(svc, times=1, stat='Maximum')
    t = clock.now
    svc.push_metrics([{'metric': 'cpu_total', 'instanceId': 'i-1', 'value': 99, 'timestamp': t}])  # now-60: out
    svc.push_metrics([{'metric': 'cpu_total', 'instanceId': 'i-1', 'value': 10, 'timestamp': t + 60}])
    svc.tick(t + 60)
    assert svc.store.rules['r1']['AlertState'] == 'OK'


def test_send_ok_false_sends_no_recovery():
    clock = Clock()
    svc = setup(clock)
    rule(svc, webhook='', times=1, SendOK='false')
    push(svc, clock.now + 60, 95)
    assert len(svc.tick(clock.now + 60)) == 1
    push(svc, clock.now + 120, 5)
    assert svc.tick(clock.now + 120) == [] and svc.store.rules['r1']['AlertState'] == 'OK'


@pytest.mark.parametrize('policy,state,sent', [('KEEP_LAST_STATE', 'ALARM', []), ('OK', 'OK', ['OK']),
                                               ('INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', ['INSUFFICIENT_DATA'])])
def test_no_data_policy(policy, state, sent):
    clock = Clock()
    svc = setup(clock)
    rule(svc, times=1, NoDataPolicy=policy)
    push(svc, clock.now + 60, 95)
    svc.tick(clock.now + 60)
    assert [s['status'] for s in svc.tick(clock.now + 120)] == sent
    assert svc.store.rules['r1']['AlertState'] == state


def test_disabled_rule_not_evaluated_and_not_before_period():
    clock = Clock()
    svc = setup(clock)
    rule(svc, times=1)
    push(svc, clock.now + 59, 95)
    assert svc.tick(clock.now + 59) == [] and svc.store.rules['r1']['_last_eval'] is None
    call(svc, 'DisableMetricRules', **{'RuleId.1': 'r1'})
    assert svc.tick(clock.now + 60) == [] and svc.store.rules['r1']['_last_eval'] is None


def test_group_rule_follows_group_instances():
    clock = Clock()
    svc = setup(clock)
    gid = call(svc, 'CreateMonitorGroup', GroupName='web', ContactGroups='oncall')['GroupId']
    rule(svc, times=1, GroupId=gid, Category='ecs')
    t = clock.now
    push(svc, t + 60, 95, instance='i-9')
    assert svc.tick(t + 60) == []  # i-9 not in the group yet
    call(svc, 'CreateMonitorGroupInstances', GroupId=gid, **{'Instances.1.InstanceId': 'i-9',
         'Instances.1.InstanceName': 'web-9', 'Instances.1.RegionId': 'cn-hangzhou', 'Instances.1.Category': 'ecs'})
    push(svc, t + 120, 95, instance='i-9')
    sent = svc.tick(t + 120)
    assert [(s['instanceId'], s['body']['instanceName'], s['body']['regionId']) for s in sent] == \
        [('i-9', 'web-9', 'cn-hangzhou')]


def test_state_snapshot_lists_rules_and_notifications():
    clock = Clock()
    svc = setup(clock)
    rule(svc, times=1)
    push(svc, clock.now + 60, 95)
    svc.tick(clock.now + 60)
    snap = json.loads(svc.introspect('GET', '/_emulator/cms/state', b'')[1])
    assert snap['rules']['r1']['AlertState'] == 'ALARM' and snap['contact_groups']['oncall']['Contacts'] == ['ops']
    assert snap['notifications'][0]['status'] == 'ALERT' and snap['notifications'][0]['error'] == 'no Webhook'


def test_instance_removed_from_group_is_no_longer_evaluated():
    clock = Clock()
    svc = setup(clock)
    gid = call(svc, 'CreateMonitorGroup', GroupName='web', ContactGroups='oncall')['GroupId']
    call(svc, 'CreateMonitorGroupInstances', GroupId=gid, **{'Instances.1.InstanceId': 'i-9',
         'Instances.1.InstanceName': 'web-9', 'Instances.1.RegionId': 'cn-hangzhou', 'Instances.1.Category': 'ecs'})
    rule(svc, times=1, GroupId=gid, Category='ecs')
    t = clock.now
    push(svc, t + 60, 95, instance='i-9')
    assert len(svc.tick(t + 60)) == 1 and svc.store.rules['r1']['AlertState'] == 'ALARM'
    call(svc, 'DeleteMonitorGroupInstances', GroupId=gid, Category='ecs', InstanceIdList='i-9')
    push(svc, t + 120, 95, instance='i-9')
    assert svc.tick(t + 120) == [] and svc.store.rules['r1']['AlertState'] == 'OK'
    assert svc.store.rules['r1']['_resources'] == {}


def test_metrics_endpoint_validates_points():
    svc = setup()
    status, body = svc.introspect('POST', '/_emulator/cms/metrics', b'{"points": [{"metric": "cpu_total"}]}')
    assert status == 400 and b'instanceId' in body
    status, body = svc.introspect('POST', '/_emulator/cms/metrics',
                                  b'{"points": [{"metric": "m", "instanceId": "i-1", "value": 1}]}')
    assert (status, json.loads(body)) == (200, {'accepted': 1})
    assert svc.store.points == {('acs_ecs_dashboard', 'm', 'i-1'): [(1000000.0, 1.0)]}  # timestamp: the clock
    assert svc.introspect('GET', '/_emulator/sls/state', b'') is None


def test_failed_delivery_is_recorded_after_three_attempts():
    clock = Clock()
    svc = setup(clock)
    rule(svc, times=1, webhook='http://127.0.0.1:9/closed')
    push(svc, clock.now + 60, 95)
    sent = svc.tick(clock.now + 60)
    assert (sent[0]['attempts'], sent[0]['http_status']) == (3, None) and sent[0]['error']


def test_group_rule_takes_the_groups_contact_groups_when_omitted():
    svc = setup()
    gid = call(svc, 'CreateMonitorGroup', GroupName='web', ContactGroups='oncall')['GroupId']
    rule(svc, GroupId=gid, ContactGroups='')
    assert call(svc, 'DescribeMetricRuleList')['Alarms']['Alarm'][0]['ContactGroups'] == 'oncall'
    info = {'Escalations.Info.Statistics': 'Average', 'Escalations.Info.Threshold': '1',
            'Escalations.Info.ComparisonOperator': 'EqualToThreshold', 'Escalations.Info.Times': 1}
    body = call(svc, 'PutResourceMetricRule', RuleId='r', RuleName='r', Namespace='n', MetricName='m',
                Resources='[{"instanceId":"i-1"}]', **info)
    assert body['Success'] is False and 'ContactGroups' in body['Message']


def test_modify_monitor_group_replaces_contact_groups_and_checks_them():
    from tools.alicloud_emulator.cms import CmsService
    service = CmsService(clock=lambda: 1800000000.0)
    for name in ('ops', 'dev'):
        service.actions['PutContactGroup']({'ContactGroupName': name}, 'rid')
    group_id = service.actions['CreateMonitorGroup']({'GroupName': 'web', 'ContactGroups': 'ops'}, 'rid')['GroupId']
    answer = service.actions['ModifyMonitorGroup']({'GroupId': str(group_id), 'ContactGroups': 'dev,ops'}, 'rid')
    assert answer['Success'] is True and answer['Code'] == 200
    assert service.store.groups[group_id]['ContactGroups'] == ['dev', 'ops']
    refused = service.actions['ModifyMonitorGroup']({'GroupId': str(group_id), 'ContactGroups': 'nobody'}, 'rid')
    assert refused['Success'] is False and 'nobody' in refused['Message']
    assert service.store.groups[group_id]['ContactGroups'] == ['dev', 'ops']
    missing = service.actions['ModifyMonitorGroup']({'GroupId': '999', 'ContactGroups': 'ops'}, 'rid')
    assert missing['Success'] is False and missing['Code'] == 404
