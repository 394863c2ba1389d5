"""CloudMonitor threshold evaluation and webhook callbacks of the emulator (CMS.md, ALERTS.md section 4).

`Evaluator.tick(now)` evaluates every enabled rule whose Period has elapsed since its last evaluation (or since it
was put / enabled); disabled rules are skipped and keep their state. For each resource - the rule's `Resources`
(PutResourceMetricRule) or the application group's instances at evaluation time (PutGroupMetricRule) - it takes the
points of (Namespace, MetricName, instanceId) with now - Period < timestamp <= now, applies the level's Statistics
(Average / Maximum / Minimum [C1][D23]) and ComparisonOperator against Threshold, and counts consecutive
evaluations that met it; `Times` consecutive ones put the resource in ALARM [TF5][D23] (levels checked Critical, Warn,
Info: the most severe level reached wins). No points in the window: NoDataPolicy KEEP_LAST_STATE (default: state and
counts unchanged), INSUFFICIENT_DATA (state INSUFFICIENT_DATA) or OK [C1][D23].

Callbacks [D25]: one form-urlencoded POST to the rule's Webhook when a resource enters ALARM (alertState ALERT) or
INSUFFICIENT_DATA, when its alarm level changes, and on recovery to OK only if SendOK; nothing while the state holds,
except a repeat after SilenceTime seconds of the same alarm [D23]. Up to 3 attempts, 5 s timeout each [D25] ("3
retries": read as 3 attempts, unconfirmed). The fields are [D25]'s; ruleId, triggerLevel, preTriggerLevel, regionId,
lastTime are names seen in newer copies whose semantics are unconfirmed (see CMS.md).
"""
import json
import operator
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from .cms_store import ALARM, INSUFFICIENT_DATA, LEVELS, OK

COMPARE = {'GreaterThanOrEqualToThreshold': (operator.ge, '>='), 'GreaterThanThreshold': (operator.gt, '>'),
           'LessThanOrEqualToThreshold': (operator.le, '<='), 'LessThanThreshold': (operator.lt, '<'),
           'NotEqualToThreshold': (operator.ne, '!='), 'EqualToThreshold': (operator.eq, '==')}
STATISTIC = {'Average': lambda v: sum(v) / len(v), 'Maximum': max, 'Minimum': min}
# The callback's alertState for a resource state [D25] (ALARM is sent as ALERT).
CALLBACK_STATE = {ALARM: 'ALERT', OK: 'OK', INSUFFICIENT_DATA: 'INSUFFICIENT_DATA'}
# `level` in the callback's expression names the notification channels [D25]: 4 = email, 3 = SMS + email. Info
# notifies by email, Warn by SMS + email, Critical by phone + SMS + email, hence Info 4, Warn 3, Critical 2 (the value
# for Critical is an inference: unconfirmed).
LEVEL_NUMBER = {'Critical': 2, 'Warn': 3, 'Info': 4}
ATTEMPTS = 3
TIMEOUT = 5


def statistic(name, values):
    return STATISTIC[name](values)


def _number(value):
    text = repr(round(value, 6))
    return text[:-2] if text.endswith('.0') else text


def expression(escalation):
    _, symbol = COMPARE[escalation['ComparisonOperator']]
    return '$%s%s%s' % (escalation['Statistics'], symbol, escalation['Threshold'])


class Evaluator(object):
    def __init__(self, store, account_aliuid):
        self.store = store
        self.account_aliuid = account_aliuid

    def _resources(self, rule):
        """{instanceId: (instanceName, regionId)} the rule covers now."""
        if rule['GroupId']:
            group = self.store.groups.get(int(rule['GroupId']))
            if group is None:
                return {}
            return {i: (r['InstanceName'], r['RegionId']) for i, r in group['instances'].items()}
        return {r['instanceId']: (r.get('instanceName') or r['instanceId'], r.get('regionId', ''))
                for r in json.loads(rule['Resources'] or '[]')}

    def tick(self, now):
        """Evaluate the due rules at `now`; send and return the callbacks (list of notification records)."""
        pending = []
        with self.store.lock:
            for rule in list(self.store.rules.values()):
                if not rule['EnableState'] or rule['_next_due'] > now:
                    continue
                pending.extend(self._evaluate(rule, now))
                rule['_next_due'] = now + int(rule['Period'])
        sent = []
        for record in pending:
            record.update(deliver(record['url'], record['body']) if record['url'] else
                          {'http_status': None, 'attempts': 0, 'error': 'no Webhook'})
            with self.store.lock:
                self.store.record('notification', record)
            sent.append(record)
        return sent

    def _evaluate(self, rule, now):
        period = int(rule['Period'])
        covered = self._resources(rule)
        states = rule['_resources']
        for gone in set(states) - set(covered):  # left the group: forgotten without a callback (inferred)
            del states[gone]
        events, detail = [], {}
        for instance_id, (name, region) in sorted(covered.items()):
            res = states.setdefault(instance_id, {'State': OK, 'Level': '', 'Counts': {}, 'CurValue': None,
                                                  'Since': now, 'LastNotified': None})
            values = self.store.values_between(rule['Namespace'], rule['MetricName'], instance_id, now - period, now)
            old_state, old_level = res['State'], res['Level']
            if not values:
                if rule['NoDataPolicy'] == 'KEEP_LAST_STATE':
                    detail[instance_id] = {'values': 0, 'state': old_state}
                    continue
                res['Counts'] = {}
                new_state, new_level = (INSUFFICIENT_DATA if rule['NoDataPolicy'] == INSUFFICIENT_DATA else OK), ''
            else:
                new_state, new_level = OK, ''
                for level in LEVELS:
                    esc = rule['Escalations'].get(level)
                    if esc is None:
                        continue
                    value = statistic(esc['Statistics'], values)
                    compare, _ = COMPARE[esc['ComparisonOperator']]
                    met = compare(value, float(esc['Threshold']))
                    res['Counts'][level] = res['Counts'].get(level, 0) + 1 if met else 0
                    if level == (new_level or level):
                        res['CurValue'] = value
                    if met and res['Counts'][level] >= esc['Times'] and new_state == OK:
                        new_state, new_level = ALARM, level
                        res['CurValue'] = value
            detail[instance_id] = {'values': len(values), 'state': new_state, 'level': new_level,
                                   'counts': dict(res['Counts']), 'value': res['CurValue']}
            notify = False
            if new_state != old_state:
                notify = new_state != OK or rule['SendOK']
                res['Since'] = now
            elif new_state == ALARM and new_level != old_level:
                notify = True
            elif new_state == ALARM and res['LastNotified'] is not None \
                    and now - res['LastNotified'] >= rule['SilenceTime']:
                notify = True
            res['State'], res['Level'] = new_state, new_level
            if notify:
                res['LastNotified'] = now
                events.append(self._notification(rule, instance_id, name, region, res, old_level, old_state, now))
        all_states = [r['State'] for r in states.values()]
        rule['AlertState'] = ALARM if ALARM in all_states else (
            INSUFFICIENT_DATA if INSUFFICIENT_DATA in all_states else OK)
        rule['_last_eval'] = {'time': now, 'resources': detail, 'AlertState': rule['AlertState']}
        self.store.record('evaluation', {'time': now, 'rule': rule['RuleId'], 'AlertState': rule['AlertState'],
                                         'resources': detail})
        return events

    def _notification(self, rule, instance_id, name, region, res, old_level, old_state, now):
        level = res['Level'] or old_level or next(lv for lv in LEVELS if lv in rule['Escalations'])
        esc = rule['Escalations'][level]
        namespace = rule['Namespace']
        body = {
            'alertName': rule['RuleName'], 'alertState': CALLBACK_STATE[res['State']],
            'curValue': '' if res['CurValue'] is None else _number(res['CurValue']),
            'dimensions': '{userId=%s, instanceId=%s}' % (self.account_aliuid, instance_id),
            'expression': json.dumps([{'expression': expression(esc), 'level': LEVEL_NUMBER[level],
                                       'times': esc['Times']}], separators=(',', ':')),
            'instanceName': name, 'metricName': rule['MetricName'],
            'metricProject': namespace[:-len('_dashboard')] if namespace.endswith('_dashboard') else namespace,
            'namespace': namespace, 'timestamp': str(int(now)), 'userId': self.account_aliuid,
            'ruleId': rule['RuleId'],
            'triggerLevel': INSUFFICIENT_DATA if res['State'] == INSUFFICIENT_DATA else (res['Level'] or OK).upper(),
            'preTriggerLevel': (old_level or old_state).upper(), 'regionId': region,
            'lastTime': str(int(now - res['Since'])) if res['State'] == ALARM else '0',
        }
        return {'time': now, 'rule': rule['RuleId'], 'instanceId': instance_id, 'status': body['alertState'],
                'level': res['Level'], 'url': rule['Webhook'], 'body': body}


def deliver(url, fields):
    """POST the callback form; up to ATTEMPTS tries with TIMEOUT seconds each. Returns delivery facts."""
    data = urlencode(fields).encode('utf-8')
    last_error, status = None, None
    for attempt in range(1, ATTEMPTS + 1):
        request = Request(url, data=data, method='POST',
                          headers={'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8'})
        try:
            with urlopen(request, timeout=TIMEOUT) as resp:
                status = resp.status
                if 200 <= status < 300:
                    return {'http_status': status, 'attempts': attempt, 'error': None}
        except URLError as err:
            status = getattr(err, 'code', None)
            last_error = str(err)
        except OSError as err:
            last_error = str(err)
    return {'http_status': status, 'attempts': ATTEMPTS, 'error': last_error or 'HTTP %s' % status}
