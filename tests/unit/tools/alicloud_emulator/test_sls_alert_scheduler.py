"""Alert evaluation with a fake clock and fake rows: schedule, window, groups, threshold, sendResolved, noDataFire,
repeatInterval, annotations and webhook delivery (sls_alert_scheduler.py)."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest

from tools.alicloud_emulator.sls_alert_scheduler import AlertScheduler, next_cron, parse_cron, window
from tools.alicloud_emulator.sls_alerts import ACTION_POLICY_RESOURCE, WEBHOOK_RESOURCE, AlertStore
from tools.alicloud_emulator.sls_signing import SlsError

T0 = 1800000000   # a whole minute


class Receiver(object):
    """HTTP server on 127.0.0.1 recording POSTs; `fail_first` answers 500 that many times first."""

    def __init__(self, fail_first=0):
        received, counter = [], {'fail': fail_first}

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):   # noqa: N802
                body = self.rfile.read(int(self.headers['Content-Length']))
                if counter['fail'] > 0:
                    counter['fail'] -= 1
                    self.send_response(500)
                else:
                    received.append({'path': self.path, 'headers': dict(self.headers),
                                     'body': json.loads(body.decode('utf-8'))})
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.received = received
        self.server = HTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/hook' % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FakeData(object):
    def __init__(self):
        self.rows, self.calls = [], []
        self.clock = time.time

    def execute(self, project, logstore, query, start, end):
        self.calls.append((project, logstore, query, start, end))
        if isinstance(self.rows, Exception):
            raise self.rows
        return list(self.rows), len(self.rows), True


@pytest.fixture
def receiver():
    rec = Receiver()
    yield rec
    rec.close()


def make(receiver_url, kind='custom', **conf):
    lock = threading.RLock()
    alerts = AlertStore(lambda p: None, clock=lambda: T0)
    service = SimpleNamespace(store=SimpleNamespace(lock=lock), alerts=alerts, data=FakeData())
    alerts.create_record(WEBHOOK_RESOURCE, {'id': 'hook', 'tag': 'h', 'value': json.dumps({
        'id': 'hook', 'name': 'h', 'type': kind, 'url': receiver_url, 'method': 'POST',
        'headers': [{'key': 'X-Team', 'value': 'ops'}]})})
    alerts.create_record(ACTION_POLICY_RESOURCE, {'id': 'pol', 'tag': 'p', 'value': json.dumps({
        'action_policy_id': 'pol', 'action_policy_name': 'p',
        'primary_policy_script': 'fire(type="webhook", webhook_id="hook", period="any")'})})
    configuration = {
        'version': '2.0', 'type': 'default',
        'queryList': [{'store': 'syslog', 'query': '* | select host, silent_s', 'timeSpanType': 'Relative',
                       'start': '-10m', 'end': 'now'}],
        'groupConfiguration': {'type': 'custom', 'fields': ['host']},
        'severityConfigurations': [{'severity': 10, 'evalCondition': {'condition': 'silent_s > 600'}},
                                   {'severity': 8, 'evalCondition': {'condition': 'silent_s > 300'}}],
        'labels': [{'key': 'team', 'value': 'ops'}],
        'annotations': [{'key': 'title', 'value': '${host} silent'},
                        {'key': 'desc', 'value': 'no log from ${host} for ${silent_s}s'}],
        'threshold': 1, 'sendResolved': True,
        'policyConfiguration': {'alertPolicyId': 'sls.builtin.dynamic', 'actionPolicyId': 'pol'},
    }
    configuration.update(conf)
    alerts.create('proj', {'name': 'silent', 'displayName': 'Host silent', 'type': 'Alert',
                           'schedule': {'type': 'FixedRate', 'interval': '1m'}, 'configuration': configuration}, 60)
    return service, AlertScheduler(service)


def rows(**silent):
    return [{'host': h, 'silent_s': str(s)} for h, s in sorted(silent.items())]


def bodies(receiver):
    return [(r['body']['status'], r['body']['labels'].get('host'), r['body']['severity']) for r in receiver.received]


def test_schedule_window_and_first_run(receiver):
    service, sched = make(receiver.url)
    sched.tick(T0)                       # first sight: next run one interval later
    assert service.data.calls == []
    sched.tick(T0 + 59)
    assert service.data.calls == []
    sched.tick(T0 + 60)
    assert service.data.calls == [('proj', 'syslog', '* | select host, silent_s', T0 + 60 - 600, T0 + 60)]
    sched.tick(T0 + 60)                  # same instant: not due again
    sched.tick(T0 + 185)                 # missed runs are not replayed: one evaluation, next at T0+240
    assert len(service.data.calls) == 2
    sched.tick(T0 + 239)
    assert len(service.data.calls) == 2
    sched.tick(T0 + 240)
    assert len(service.data.calls) == 3


def test_groups_fire_once_resolve_and_severity_order(receiver):
    service, sched = make(receiver.url)
    sched.tick(T0)
    service.data.rows = rows(web1=700, web2=301, web3=300)
    sched.tick(T0 + 60)
    assert sorted(bodies(receiver)) == [('firing', 'web1', 10), ('firing', 'web2', 8)]
    web1 = [r for r in receiver.received if r['body']['labels']['host'] == 'web1'][0]
    assert web1['body']['annotations'] == {'title': 'web1 silent', 'desc': 'no log from web1 for 700s'}
    assert web1['body']['alert_name'] == 'Host silent' and web1['body']['alert_id'] == 'silent'
    assert web1['body']['fire_results'] == [{'host': 'web1', 'silent_s': '700'}]
    assert web1['body']['fire_time'] == T0 + 60 and web1['body']['resolve_time'] == 0
    assert web1['body']['labels'] == {'team': 'ops', 'host': 'web1'}
    assert web1['headers']['Content-Type'] == 'application/json;charset=utf-8'
    assert web1['headers']['X-Team'] == 'ops'
    sched.tick(T0 + 120)                 # still firing: no repeat without repeatInterval
    assert len(receiver.received) == 2
    service.data.rows = rows(web1=10, web2=400)
    sched.tick(T0 + 180)
    assert bodies(receiver)[2:] == [('resolved', 'web1', 10)]
    resolved = receiver.received[2]['body']
    assert resolved['resolve_time'] == T0 + 180 and resolved['fire_time'] == T0 + 60
    assert resolved['annotations']['desc'] == 'no log from web1 for 10s' and resolved['fire_results'] == []
    notes = sched.snapshot()['notifications']
    assert [n['http_status'] for n in notes] == [200, 200, 200]


def test_threshold_needs_consecutive_matches(receiver):
    service, sched = make(receiver.url, threshold=3)
    sched.tick(T0)
    service.data.rows = rows(web1=700)
    sched.tick(T0 + 60)
    sched.tick(T0 + 120)
    assert receiver.received == []
    assert sched.snapshot()['rules']['proj/silent']['groups']['host=web1']['status'] == 'pending'
    service.data.rows = rows(web1=1)     # a break restarts the count
    sched.tick(T0 + 180)
    service.data.rows = rows(web1=700)
    sched.tick(T0 + 240)
    sched.tick(T0 + 300)
    assert receiver.received == []
    sched.tick(T0 + 360)
    assert bodies(receiver) == [('firing', 'web1', 10)]


def test_vanished_group_resolves_and_no_resolved_without_send_resolved(receiver):
    service, sched = make(receiver.url, sendResolved=False)
    sched.tick(T0)
    service.data.rows = rows(web1=700)
    sched.tick(T0 + 60)
    service.data.rows = []
    sched.tick(T0 + 120)
    assert bodies(receiver) == [('firing', 'web1', 10)]
    assert sched.snapshot()['rules']['proj/silent']['groups'] == {}


def test_repeat_interval(receiver):
    service, sched = make(receiver.url, policyConfiguration={'actionPolicyId': 'pol', 'repeatInterval': '3m'})
    sched.tick(T0)
    service.data.rows = rows(web1=700)
    for minute in range(1, 8):
        sched.tick(T0 + 60 * minute)
    assert [r['body']['alert_time'] for r in receiver.received] == [T0 + 60, T0 + 240, T0 + 420]


def test_no_data_fire(receiver):
    service, sched = make(receiver.url, noDataFire=True, noDataSeverity=4,
                          groupConfiguration={'type': 'no_group'})
    sched.tick(T0)
    sched.tick(T0 + 60)
    assert bodies(receiver) == [('firing', None, 4)]
    service.data.rows = rows(web1=1)
    sched.tick(T0 + 120)
    assert [b[0] for b in bodies(receiver)] == ['firing', 'resolved']


def test_disabled_rules_are_not_evaluated(receiver):
    service, sched = make(receiver.url)
    service.alerts.set_enabled('proj', 'silent', False)
    sched.tick(T0)
    sched.tick(T0 + 600)
    assert service.data.calls == []


def test_query_errors_are_recorded(receiver):
    service, sched = make(receiver.url)
    service.data.rows = SlsError(400, 'ParameterInvalid', "Column 'x' cannot be resolved")
    sched.tick(T0)
    sched.tick(T0 + 60)
    last = sched.snapshot()['rules']['proj/silent']['last_evaluation']
    assert last['status'] == 'error' and 'cannot be resolved' in last['error']


def test_delivery_retries_three_times():
    flaky = Receiver(fail_first=2)
    try:
        service, sched = make(flaky.url)
        sched.tick(T0)
        service.data.rows = rows(web1=700)
        sched.tick(T0 + 60)
        assert len(flaky.received) == 1
    finally:
        flaky.close()
    broken = Receiver(fail_first=3)
    try:
        service, sched = make(broken.url)
        sched.tick(T0)
        service.data.rows = rows(web1=700)
        sched.tick(T0 + 60)
        assert broken.received == []
        assert sched.snapshot()['notifications'][0]['http_status'] is None
    finally:
        broken.close()


@pytest.mark.parametrize('kind, check', [
    ('dingtalk', lambda b: b['msgtype'] == 'markdown' and b['markdown']['title'] == 'web1 silent'
     and 'FIRING' in b['markdown']['text']),
    ('slack', lambda b: 'web1 silent' in b['text']),
])
def test_chat_formats(receiver, kind, check):
    service, sched = make(receiver.url, kind=kind)
    sched.tick(T0)
    service.data.rows = rows(web1=700)
    sched.tick(T0 + 60)
    assert check(receiver.received[0]['body'])


def test_missing_policy_is_a_recorded_error(receiver):
    service, sched = make(receiver.url, policyConfiguration={'actionPolicyId': 'nope'})
    sched.tick(T0)
    service.data.rows = rows(web1=700)
    sched.tick(T0 + 60)
    assert receiver.received == []
    assert 'nope' in sched.snapshot()['notifications'][0]['error']


def test_cron_and_windows():
    sets = parse_cron('*/5 * * * *')
    assert T0 % 300 == 0 and next_cron(sets, T0) == T0 + 300 and next_cron(sets, T0 - 1) == T0
    assert next_cron(parse_cron('0 3 * * *'), 0) == 3 * 3600
    for bad in ('* * * *', '60 * * * *', 'a * * * *', None):
        with pytest.raises(SlsError):
            parse_cron(bad)
    assert window({'start': '-15m', 'timeSpanType': 'Relative'}, T0 + 30) == (T0 + 30 - 900, T0 + 30)
    assert window({'start': '-1m', 'timeSpanType': 'Truncated'}, T0 + 30) == (T0 - 60, T0)
