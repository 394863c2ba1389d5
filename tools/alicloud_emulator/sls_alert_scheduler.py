"""Evaluates SLS alert rules on their schedules and posts notifications to webhooks (ALERTS.md sections 2-3).

`tick(now)` evaluates every enabled rule that is due at `now` (tests call it with a fake clock); the background
thread calls `tick(clock())` once a second with the LogData clock. Evaluation holds SlsStore.lock (rows come from
`LogData.execute`); webhook posts happen after it is released.
"""
import collections
import hashlib
import json
import re
import threading
import time
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from .sls_alert_eval import group_label, group_rows, match_severity, render
from .sls_alerts import (
    ACTION_POLICY_RESOURCE, UNITS, WEBHOOK_RESOURCE, duration_seconds, parse_fire_calls, relative_seconds)
from .sls_logs import result_row
from .sls_signing import SlsError

CRON_FIELD = re.compile(r'^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$')
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
DELIVERY_TRIES = 3          # 3 tries, 5 s timeout each: CloudMonitor's documented callback policy [D25];
DELIVERY_TIMEOUT = 5        # SLS publishes none for webhooks (unconfirmed), the emulator uses the same.
KEPT = 200                  # evaluations / notifications kept for introspection
SEVERITY_NAMES = {2: 'report', 4: 'low', 6: 'medium', 8: 'high', 10: 'critical'}


def _cron_values(field, low, high):
    values = set()
    for part in field.split(','):
        base, _, step = part.partition('/')
        step = int(step) if step else 1
        if base == '*':
            start, end = low, high
        elif '-' in base:
            start, end = (int(x) for x in base.split('-'))
        else:
            start = end = int(base)
            if step > 1:
                end = high
        if not low <= start <= end <= high or step < 1:
            raise ValueError(part)
        values.update(range(start, end + 1, step))
    return frozenset(values)


def parse_cron(expression):
    """'m h dom mon dow' (minute precision [D1], UTC in the emulator) -> five sets; 400 ParameterInvalid."""
    fields = expression.split() if isinstance(expression, str) else []
    try:
        if len(fields) != 5 or not all(CRON_FIELD.match(f) for f in fields):
            raise ValueError(expression)
        return tuple(_cron_values(f, lo, hi) for f, (lo, hi) in zip(fields, CRON_RANGES))
    except ValueError:
        raise SlsError(400, 'ParameterInvalid',
                       'schedule.cronExpression must be a 5-field cron expression: %r' % (expression,))


def next_cron(sets, after):
    """The first whole minute strictly after `after` (epoch s, UTC) that the cron sets match."""
    minute = int(after) // 60 * 60 + 60
    for _ in range(366 * 24 * 60):
        t = time.gmtime(minute)
        if (t.tm_min in sets[0] and t.tm_hour in sets[1] and t.tm_mday in sets[2] and t.tm_mon in sets[3]
                and (t.tm_wday + 1) % 7 in sets[4]):
            return minute
        minute += 60
    return None


def next_run(schedule, after, first=False):
    if schedule['type'] == 'Cron':
        return next_cron(parse_cron(schedule['cronExpression']), after)
    if first and schedule.get('runImmediately'):
        return after                                            # runImmediately [D1]
    return after + duration_seconds(schedule['interval'], 'schedule.interval')


def window(query, now):
    """[start, end) of queryList[0] at `now` [D9]: Relative -N .. now; Truncated cuts both to the unit
    (inferred, unconfirmed)."""
    span = relative_seconds(query['start'], 'start')
    end = int(now)
    if query.get('timeSpanType') == 'Truncated':
        unit = UNITS[query['start'][-1]]
        end = end // unit * unit
    return end - span, end


def _kv(items):
    return {i['key']: i.get('value', '') for i in items or []}


def webhook_body(kind, alert):
    """custom: the [D16] alert object as JSON (the service's default body is unconfirmed); dingtalk / slack:
    their robot formats."""
    if kind == 'custom':
        return alert
    title = alert['annotations'].get('title') or alert['alert_name']
    text = '%s [%s] %s\n%s' % (alert['status'].upper(), SEVERITY_NAMES.get(alert['severity'], alert['severity']),
                               title, alert['annotations'].get('desc', ''))
    if kind == 'dingtalk':
        return {'msgtype': 'markdown', 'markdown': {'title': title, 'text': text}}
    return {'text': text}


def post(url, method, headers, body):
    """(http status or None, error text or '') after up to DELIVERY_TRIES tries."""
    data = json.dumps(body, sort_keys=True).encode('utf-8')
    error = ''
    for _ in range(DELIVERY_TRIES):
        request = Request(url, data=data, method=method, headers=headers)
        try:
            with urlopen(request, timeout=DELIVERY_TIMEOUT) as resp:
                return resp.status, ''
        except HTTPError as err:
            if err.code < 500:
                return err.code, str(err)
            error = str(err)
        except (URLError, OSError) as err:
            error = str(err)
    return None, error


class AlertScheduler(object):
    def __init__(self, service):
        self.service = service
        self.states = {}                    # (project, name) -> {'next', 'groups', 'last_evaluation'}
        self.evaluations = collections.deque(maxlen=KEPT)
        self.notifications = collections.deque(maxlen=KEPT)
        self._tick_lock = threading.Lock()
        self._record_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    # -- thread ----------------------------------------------------------------------------------------------
    def start(self):
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name='sls-alert-scheduler', daemon=True)
            self._thread.start()

    def stop(self):
        if self._thread is not None:
            self._stop.set()
            self._thread.join(DELIVERY_TRIES * DELIVERY_TIMEOUT + 5)
            self._thread = None

    def _run(self):
        while not self._stop.wait(1):
            try:
                self.tick(self.service.data.clock())
            except Exception as err:   # pylint: disable=broad-except - the scheduler must outlive one bad rule
                with self._record_lock:
                    self.evaluations.append({'time': time.time(), 'status': 'internal-error', 'error': repr(err)})

    def forget(self, project, name):
        """A rule changed (create, update, enable, disable, delete): new schedule, new state. Caller holds the lock."""
        self.states.pop((project, name), None)

    def reset(self):
        self.states.clear()
        with self._record_lock:
            self.evaluations.clear()
            self.notifications.clear()

    # -- evaluation ------------------------------------------------------------------------------------------
    def tick(self, now):
        """Evaluate the rules due at `now`, then deliver their notifications; returns the deliveries made."""
        with self._tick_lock:
            with self.service.store.lock:
                events = []
                for (project, name), rule in sorted(self.service.alerts.rules.items()):
                    if rule['status'] != 'ENABLED':
                        continue                                  # paused [D11]
                    state = self.states.get((project, name))
                    if state is None:
                        state = self.states[(project, name)] = {
                            'next': next_run(rule['schedule'], now, first=True), 'groups': {},
                            'last_evaluation': None}
                    if state['next'] is None or now < state['next']:
                        continue
                    while state['next'] is not None and state['next'] <= now:
                        state['next'] = next_run(rule['schedule'], state['next'])
                    events.extend(self._evaluate(project, rule, state, now))
            return [self._deliver(event) for event in events]

    def _rows(self, project, query, start, end):
        data = self.service.data
        store = query.get('store') or query.get('logStore')
        if hasattr(data, 'execute'):
            return data.execute(project, store, query['query'], start, end)[0]
        found, _ = data.search(project, store, query['query'], start, end)
        return [result_row(log, False) for log in found]

    def _evaluate(self, project, rule, state, now):
        conf = rule['configuration']
        query = conf['queryList'][0]
        start, end = window(query, now)
        record = {'time': now, 'rule': '%s/%s' % (project, rule['name']), 'start': start, 'end': end}
        try:
            rows = self._rows(project, query, start, end)
        except SlsError as err:
            record.update(status='error', error='%s: %s' % (err.code, err.message))
            state['last_evaluation'] = record
            with self._record_lock:
                self.evaluations.append(record)
            return []
        groups = group_rows(rows, conf.get('groupConfiguration'))
        results = {}
        for key, group in groups.items():
            results[key] = match_severity(group, conf['severityConfigurations'])
        if not rows and conf.get('noDataFire'):
            results[()] = (conf.get('noDataSeverity', 6), [])     # noDataFire / noDataSeverity [TF1]
        events = []
        for key in set(results) | set(state['groups']):
            severity, matched = results.get(key, (None, []))
            row = (matched or groups.get(key) or [{}])[0]
            events.extend(self._advance(project, rule, state, key, (severity, matched, row), now, (start, end)))
            if key not in results and state['groups'][key]['status'] == 'inactive':
                del state['groups'][key]
        record.update(status='ok', rows=len(rows),
                      groups={group_label(k): SEVERITY_NAMES.get(v[0], 'none') for k, v in results.items()})
        state['last_evaluation'] = record
        with self._record_lock:
            self.evaluations.append(record)
        return events

    def _advance(self, project, rule, state, key, outcome, now, span):
        """One group's state machine: inactive -> pending (threshold not yet met [D7][D11]) -> firing ->
        resolved (sendResolved [D10]). A group missing from this run's result counts as not met (inferred).
        outcome: (severity or None, matching rows, the row annotations are rendered from)."""
        severity, matched, row = outcome
        conf = rule['configuration']
        group = state['groups'].setdefault(key, {'status': 'inactive', 'consecutive': 0, 'fire_time': 0,
                                                 'notified': None, 'severity': None})
        policy = conf.get('policyConfiguration') or {}
        repeat = policy.get('repeatInterval')
        repeat = duration_seconds(repeat, 'repeatInterval') if repeat else None
        if severity is not None:
            group['consecutive'] += 1
            group['severity'] = severity
            if group['consecutive'] < conf.get('threshold', 1):
                group['status'] = 'pending'
                return []
            if group['status'] != 'firing':
                group.update(status='firing', fire_time=now, notified=None)
            if group['notified'] is not None and (repeat is None or now - group['notified'] < repeat):
                return []
            group['notified'] = now
            return self._events(project, rule, key, group, ('firing', matched, row), now, span)
        was_firing = group['status'] == 'firing'
        group.update(status='inactive', consecutive=0)
        if not was_firing or not conf.get('sendResolved'):
            return []
        return self._events(project, rule, key, group, ('resolved', [], row), now, span)

    def _events(self, project, rule, key, group, what, now, span):
        """what: (status, matching rows, row for annotations: the group's first matching row, else its first)."""
        status, matched, first = what
        conf = rule['configuration']
        if now < (conf.get('muteUntil') or 0):
            return []                                             # muteUntil [G1]
        instance = hashlib.md5(('%s/%s/%s/%s' % (project, rule['name'], group_label(key), group['fire_time']))
                               .encode('utf-8')).hexdigest()[:16]
        query = conf['queryList'][0]
        alert = {
            'alert_id': rule['name'], 'alert_name': rule['displayName'], 'alert_instance_id': instance,
            'project': project, 'status': status, 'severity': group['severity'],
            'labels': dict(_kv(conf.get('labels')), **dict(key)),
            'annotations': {k: render(v, first, key) for k, v in _kv(conf.get('annotations')).items()},
            'results': [{'project': project, 'logstore': query.get('store') or query.get('logStore'),
                         'query': query['query'], 'start_time': span[0], 'end_time': span[1],
                         'fire_result': first}],
            'fire_results': matched, 'fire_time': group['fire_time'], 'alert_time': now,
            'resolve_time': now if status == 'resolved' else 0,
        }
        return [{'time': now, 'rule': '%s/%s' % (project, rule['name']), 'group': group_label(key),
                 'status': status, 'alert': alert, 'targets': self._targets(conf)}]

    def _targets(self, conf):
        """rule -> action policy -> fire(...) -> webhook records [D13][D14]; errors become notification records."""
        policy_id = (conf.get('policyConfiguration') or {}).get('actionPolicyId')
        policy = self.service.alerts.record_value(ACTION_POLICY_RESOURCE, policy_id)
        if policy is None:
            return [{'error': 'action policy %s does not exist' % policy_id}]
        targets = []
        for call in parse_fire_calls(policy.get('primary_policy_script')):
            hook = self.service.alerts.record_value(WEBHOOK_RESOURCE, call.get('webhook_id'))
            if hook is None:
                targets.append({'error': 'webhook %s does not exist' % call.get('webhook_id')})
            else:
                targets.append(hook)
        return targets or [{'error': 'action policy %s fires no webhook' % policy_id}]

    def _deliver(self, event):
        """POST one event to each of its webhooks (no store lock held)."""
        for target in event['targets']:
            note = {'time': event['time'], 'rule': event['rule'], 'group': event['group'],
                    'status': event['status'], 'url': target.get('url'), 'http_status': None, 'error': ''}
            if 'error' in target:
                note['error'] = target['error']
            else:
                body = webhook_body(target.get('type', 'custom'), event['alert'])
                headers = {'Content-Type': 'application/json;charset=utf-8'}   # [D17]
                headers.update({h['key']: h.get('value', '') for h in target.get('headers') or []})
                note['body'] = body
                note['http_status'], note['error'] = post(target['url'], target.get('method', 'POST'), headers,
                                                          body)
            with self._record_lock:
                self.notifications.append(note)
        return event

    def snapshot(self):
        """GET /_emulator/sls/alerts (emulator-only). Caller holds the store lock."""
        rules = {}
        for (project, name), rule in sorted(self.service.alerts.rules.items()):
            state = self.states.get((project, name)) or {'groups': {}, 'next': None, 'last_evaluation': None}
            rules['%s/%s' % (project, name)] = {
                'status': rule['status'], 'next_evaluation': state['next'],
                'groups': {group_label(k): dict(v) for k, v in state['groups'].items()},
                'last_evaluation': state['last_evaluation']}
        with self._record_lock:
            return {'rules': rules, 'evaluations': list(self.evaluations),
                    'notifications': list(self.notifications)}
