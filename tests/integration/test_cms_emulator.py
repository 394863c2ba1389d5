"""The emulator's CloudMonitor driven by the unchanged official SDK (alibabacloud-cms20190101 4.0.10), with both
signature versions, plus the emulator-only metric push, evaluation and the state endpoint over HTTP."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl
from urllib.request import Request, urlopen

import pytest
from alibabacloud_cms20190101 import models as m
from alibabacloud_cms20190101.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config

from tools.alicloud_emulator import start_emulator

KEY_ID, SECRET = 'cms-key', 'cms-secret'


@pytest.fixture(scope='module')
def emu():
    running = start_emulator(access_keys={KEY_ID: SECRET}, instances=0, alarm_min_interval=10)
    running.state.services['2019-01-01'].stop_background()  # the test ticks by hand
    yield running
    running.stop()


def client(emu, algorithm=None, secret=SECRET):
    extra = {'signature_algorithm': algorithm} if algorithm else {}
    return Client(Config(endpoint=emu.endpoint, protocol='http', access_key_id=KEY_ID, access_key_secret=secret,
                         **extra))


def http(emu, method, path, doc=None):
    data = json.dumps(doc).encode() if doc is not None else None
    with urlopen(Request(emu.url + path, data=data, method=method), timeout=10) as resp:
        return json.loads(resp.read().decode())


@pytest.fixture
def receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers['Content-Length']))
            received.append(dict(parse_qsl(body.decode())))
            self.send_response(200)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield 'http://127.0.0.1:%d/cms' % server.server_address[1], received
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize('algorithm', [None, 'v2'])
def test_crud_through_sdk(emu, algorithm):
    c = client(emu, algorithm)
    suffix = algorithm or 'v3'
    contact, group = 'ops-' + suffix, 'oncall-' + suffix
    body = c.put_contact(m.PutContactRequest(contact_name=contact, describe='ops', channels=m.PutContactRequestChannels(
        ding_web_hook='https://oapi.dingtalk.com/robot/send?access_token=x'))).body
    assert body.success is True and body.code == '200'
    assert c.put_contact_group(m.PutContactGroupRequest(contact_group_name=group, contact_names=[contact])).body.success
    names = c.describe_contact_group_list(m.DescribeContactGroupListRequest()).body.contact_groups.contact_group
    assert group in names
    gid = c.create_monitor_group(m.CreateMonitorGroupRequest(group_name='web-' + suffix, contact_groups=group)).body
    assert gid.code == 200 and isinstance(gid.group_id, int)
    inst = m.CreateMonitorGroupInstancesRequestInstances(instance_id='i-a', instance_name='web-a',
                                                         region_id='cn-hangzhou', category='ecs')
    c.create_monitor_group_instances(m.CreateMonitorGroupInstancesRequest(group_id=gid.group_id, instances=[inst]))
    rows = c.describe_monitor_group_instances(m.DescribeMonitorGroupInstancesRequest(group_id=gid.group_id)).body
    assert [r.instance_id for r in rows.resources.resource] == ['i-a']
    crit = m.PutGroupMetricRuleRequestEscalationsCritical(
        statistics='Maximum', comparison_operator='GreaterThanThreshold', threshold='80', times=1)
    put = c.put_group_metric_rule(m.PutGroupMetricRuleRequest(
        rule_id='cpu-' + suffix, rule_name='cpu high', group_id=str(gid.group_id), namespace='acs_ecs_dashboard',
        metric_name='cpu_total', contact_groups=group, period='60', escalations=m.PutGroupMetricRuleRequestEscalations(
            critical=crit), labels=[m.PutGroupMetricRuleRequestLabels(key='team', value='ops')])).body
    assert put.success is True, put.message
    alarm = c.describe_metric_rule_list(m.DescribeMetricRuleListRequest(rule_ids='cpu-' + suffix)).body
    assert alarm.code == 200 and alarm.total == '1'
    rule = alarm.alarms.alarm[0]
    assert (rule.group_id, rule.enable_state, rule.escalations.critical.threshold, rule.labels.labels[0].value) == \
        (str(gid.group_id), True, '80', 'ops')
    assert c.disable_metric_rules(m.DisableMetricRulesRequest(rule_id=['cpu-' + suffix])).body.success
    assert c.describe_metric_rule_list(m.DescribeMetricRuleListRequest(
        rule_ids='cpu-' + suffix)).body.alarms.alarm[0].enable_state is False
    assert c.delete_metric_rules(m.DeleteMetricRulesRequest(id=['cpu-' + suffix])).body.success
    gone = c.describe_metric_rule_list(m.DescribeMetricRuleListRequest(rule_ids='cpu-' + suffix)).body
    assert gone.alarms.alarm == [] and gone.total == '0'
    assert c.delete_monitor_group(m.DeleteMonitorGroupRequest(group_id=gid.group_id)).body.success


def test_refusal_is_http_200_success_false(emu):
    body = client(emu).put_resource_metric_rule(m.PutResourceMetricRuleRequest(
        rule_id='short', rule_name='short', namespace='acs_ecs_dashboard', metric_name='cpu_total',
        contact_groups='oncall-v3', period='5', resources='[{"instanceId":"i-a"}]',
        escalations=m.PutResourceMetricRuleRequestEscalations(
            critical=m.PutResourceMetricRuleRequestEscalationsCritical(
                statistics='Average', comparison_operator='GreaterThanThreshold', threshold='1', times=1)))).body
    assert (body.success, body.code) == (False, '400') and 'Period' in body.message


def test_bad_secret_is_refused(emu):
    with pytest.raises(ClientException) as err:
        client(emu, secret='wrong').describe_contact_list(m.DescribeContactListRequest())
    assert err.value.status_code in (400, 403)


def test_push_evaluate_callback_and_state(emu, receiver):
    url, received = receiver
    c = client(emu)
    channels = m.PutContactRequestChannels(mail='e@x')
    c.put_contact(m.PutContactRequest(contact_name='e', describe='e', channels=channels))
    c.put_contact_group(m.PutContactGroupRequest(contact_group_name='eval', contact_names=['e']))
    body = c.put_resource_metric_rule(m.PutResourceMetricRuleRequest(
        rule_id='mem', rule_name='memory high', namespace='acs_ecs_dashboard', metric_name='memory_usedutilization',
        contact_groups='eval', period='10', resources='[{"instanceId":"i-m"}]', webhook=url, send_ok=True,
        escalations=m.PutResourceMetricRuleRequestEscalations(warn=m.PutResourceMetricRuleRequestEscalationsWarn(
            statistics='Average', comparison_operator='GreaterThanOrEqualToThreshold', threshold='85', times=1)))).body
    assert body.success, body.message
    now = time.time() + 10
    point = {'namespace': 'acs_ecs_dashboard', 'metric': 'memory_usedutilization', 'instanceId': 'i-m'}
    assert http(emu, 'POST', '/_emulator/cms/metrics', {'points': [dict(point, value=85, timestamp=now - 1)]}) == \
        {'accepted': 1}
    assert [s['status'] for s in emu.state.services['2019-01-01'].tick(now)] == ['ALERT']
    http(emu, 'POST', '/_emulator/cms/metrics', {'points': [dict(point, value=84.9, timestamp=now + 9)]})
    assert [s['status'] for s in emu.state.services['2019-01-01'].tick(now + 10)] == ['OK']
    assert [(r['alertState'], r['ruleId'], r['curValue']) for r in received] == \
        [('ALERT', 'mem', '85'), ('OK', 'mem', '84.9')]
    assert http(emu, 'POST', '/_emulator/cms/tick', {}) == {'sent': 0}  # the clock's now: nothing due
    state = http(emu, 'GET', '/_emulator/cms/state')
    assert state['rules']['mem']['AlertState'] == 'OK'
    assert [(n['status'], n['http_status']) for n in state['notifications'] if n['rule'] == 'mem'] == \
        [('ALERT', 200), ('OK', 200)]


def test_background_thread_evaluates_on_its_own(receiver):
    url, received = receiver
    with start_emulator(access_keys={KEY_ID: SECRET}, instances=0, alarm_min_interval=1) as running:
        c = client(running)
        c.put_contact(m.PutContactRequest(contact_name='b', describe='b',
                                          channels=m.PutContactRequestChannels(mail='b@x')))
        c.put_contact_group(m.PutContactGroupRequest(contact_group_name='bg', contact_names=['b']))
        body = c.put_resource_metric_rule(m.PutResourceMetricRuleRequest(
            rule_id='bg', rule_name='bg', namespace='acs_ecs_dashboard', metric_name='cpu_total',
            contact_groups='bg', period='2', resources='[{"instanceId":"i-b"}]', webhook=url,
            escalations=m.PutResourceMetricRuleRequestEscalations(
                info=m.PutResourceMetricRuleRequestEscalationsInfo(
                    statistics='Minimum', comparison_operator='LessThanThreshold', threshold='10', times=1)))).body
        assert body.success, body.message
        deadline = time.time() + 10
        while not received and time.time() < deadline:  # an agent reporting twice a second
            http(running, 'POST', '/_emulator/cms/metrics', {'points': [
                {'metric': 'cpu_total', 'instanceId': 'i-b', 'value': 3}]})
            time.sleep(0.5)
    assert [(r['alertState'], r['instanceName']) for r in received] == [('ALERT', 'i-b')]
