"""CloudMonitor (cms 2019-01-01) RPC actions of the emulator, as alibabacloud-cms20190101 4.0.10 calls them.

Wire [C1][T1] (ALERTS.md section 4): RPC style, POST /, every parameter in the query string, signature V3
(ACS3-HMAC-SHA256, x-acs-action / x-acs-version 2019-01-01) or RPC V1 with Config(signature_algorithm='v2'); both
are checked by server.py's Authenticator before an action runs. Nested request objects arrive flattened:
`Escalations.Critical.Threshold`, `Labels.1.Key`, `RuleId.1`, `Instances.1.InstanceId`, `ContactNames.1` [T1].

Bodies: `Code` is the string "200" in most actions and the int 200 in CreateMonitorGroup(+Instances),
DescribeMonitorGroups, DescribeMonitorGroupInstances, DeleteMonitorGroup(+Instances) and DescribeMetricRuleList: the
SDK models type it so [C1]. A refused action answers HTTP 200 with `Success: false`, `Code` "400"/"404" (typed the
same way) and a Message; the SDK raises only on HTTP >= 400 [T1], so clients must check Success. Whether the real
service answers parameter errors with 200 + Success:false or an HTTP 4xx is unconfirmed (ALERTS.md open question 7);
the emulator takes the reading that is stricter for clients. Gateway errors (signature, unknown action) stay HTTP
4xx from server.py. Metric points and evaluation: cms_eval.py; CMS.md describes all of it.
"""
import json
import threading
import time

from . import cms_actions
from .cms_eval import Evaluator
from .cms_params import NO_DATA_POLICIES, OPERATORS, STATISTICS, Refused
from .cms_store import ALARM, INSUFFICIENT_DATA, LEVELS, OK, CmsStore

VERSION = '2019-01-01'
# Actions whose response model types Code as int [C1]; every other action answers Code as a string.
INT_CODE_ACTIONS = {'ModifyMonitorGroup', 'CreateMonitorGroup', 'CreateMonitorGroupInstances', 'DescribeMonitorGroups',
                    'DescribeMonitorGroupInstances', 'DeleteMonitorGroup', 'DeleteMonitorGroupInstances',
                    'DescribeMetricRuleList'}


class CmsService(object):
    """The CloudMonitor product: RPC actions on a CmsStore, plus the evaluator thread and emulator-only endpoints."""
    product = 'Cms'
    version = VERSION
    host_id = 'metrics.aliyuncs.com'

    def __init__(self, state=None, clock=None, account_aliuid='1808078950770264'):
        self.state = state
        self.clock = clock or time.time
        self.account_aliuid = account_aliuid
        self.store = CmsStore()
        self.evaluator = Evaluator(self.store, account_aliuid)
        self._thread = None
        self._stop = threading.Event()
        names = ('PutContact', 'DescribeContactList', 'DeleteContact', 'PutContactGroup', 'DescribeContactGroupList',
                 'DeleteContactGroup', 'CreateMonitorGroup', 'DescribeMonitorGroups', 'DeleteMonitorGroup',
                 'CreateMonitorGroupInstances', 'DescribeMonitorGroupInstances', 'DeleteMonitorGroupInstances',
                 'PutGroupMetricRule', 'PutResourceMetricRule', 'DescribeMetricRuleList', 'EnableMetricRules',
                 'DisableMetricRules', 'DeleteMetricRules', 'ModifyMonitorGroup')
        self.actions = {name: self._wrap(name) for name in names}

    @property
    def min_period(self):
        return getattr(self.state, 'alarm_min_interval', 60)

    def _wrap(self, name):
        method = getattr(cms_actions, _snake(name))
        int_code = name in INT_CODE_ACTIONS

        def handler(params, request_id):
            body = {'RequestId': request_id}
            try:
                with self.store.lock:
                    body.update(method(self, params) or {})
            except Refused as err:
                return {'RequestId': request_id, 'Code': int(err.code) if int_code else err.code,
                        'Message': err.message, 'Success': False}
            body.update({'Code': 200 if int_code else '200', 'Message': '', 'Success': True})
            return body
        return handler

    # Background evaluation and emulator-only endpoints.
    def tick(self, now=None):
        """Evaluate every due rule at `now` (default the clock) and send the callbacks; returns those sent."""
        return self.evaluator.tick(self.clock() if now is None else now)

    def push_metrics(self, points, now=None):
        now = self.clock() if now is None else now
        accepted = 0
        with self.store.lock:
            for point in points:
                for field in ('metric', 'instanceId', 'value'):
                    if point.get(field) in (None, ''):
                        raise ValueError('point %r lacks %s' % (point, field))
                self.store.add_point(point.get('namespace') or 'acs_ecs_dashboard', point['metric'],
                                     point['instanceId'], float(point.get('timestamp') or now), float(point['value']))
                accepted += 1
        return accepted

    def introspect(self, method, path, body):
        """GET /_emulator/cms/state and POST /_emulator/cms/metrics (emulator-only)."""
        if path == '/_emulator/cms/state' and method == 'GET':
            return 200, json.dumps(self.store.snapshot()).encode('utf-8')
        if path == '/_emulator/cms/metrics' and method == 'POST':
            try:
                doc = json.loads(body.decode('utf-8') or '{}')
                accepted = self.push_metrics(doc.get('points') or [])
            except (ValueError, TypeError, AttributeError) as err:
                return 400, json.dumps({'Code': 'InvalidMetrics', 'Message': str(err)}).encode('utf-8')
            return 200, json.dumps({'accepted': accepted}).encode('utf-8')
        if path == '/_emulator/cms/tick' and method == 'POST':
            return 200, json.dumps({'sent': len(self.tick())}).encode('utf-8')
        return None

    def start_background(self, state=None):
        if state is not None:
            self.state = state
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name='cms-evaluator', daemon=True)
        self._thread.start()

    def stop_background(self):
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(10)
        self._thread = None

    def _run(self):
        while not self._stop.wait(1.0):
            try:
                self.tick()
            except Exception:  # the thread must survive an evaluator bug; the next tick tries again
                import traceback
                traceback.print_exc()


def _snake(name):
    out = []
    for char in name:
        if char.isupper() and out:
            out.append('_')
        out.append(char.lower())
    return ''.join(out)


__all__ = ['CmsService', 'Refused', 'VERSION', 'OK', 'ALARM', 'INSUFFICIENT_DATA', 'LEVELS', 'OPERATORS',
           'STATISTICS', 'NO_DATA_POLICIES']
