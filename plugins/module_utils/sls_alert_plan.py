# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure planning for the sls_alert module: the module's options -> a Log Service alert 2.0 body, the service's
answer -> the same option-shaped view, and the plan (what changed, which calls to make). No SDK, no I/O.

Vendor facts (tools/alicloud_emulator/ALERTS.md section 1, tags as there): the body is
``{name, displayName, description, type: Alert, schedule, configuration}`` [G1][D1]; configuration version 2.0 with
``queryList``, ``groupConfiguration``, ``severityConfigurations`` (2 report .. 10 critical), ``labels`` and
``annotations`` as lists of {key, value}, ``threshold``, ``noDataFire``/``noDataSeverity``, ``sendResolved``,
``policyConfiguration {alertPolicyId, actionPolicyId, repeatInterval}`` [G1][TF1][D4]; GET answers ``status``
ENABLED/DISABLED and enable/disable flip it [G2][D3]; the server adds createTime, lastModifiedTime, scheduleId,
lastModifiedBy, which a client drops before sending the rule back [P1].
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

SEVERITIES = {'report': 2, 'low': 4, 'medium': 6, 'high': 8, 'critical': 10}
SEVERITY_NAMES = dict((v, k) for k, v in SEVERITIES.items())
# Keys the service adds to a rule; dropped before a rule is sent back [P1] (status is set through enable/disable).
SERVER_KEYS = ('createTime', 'lastModifiedTime', 'scheduleId', 'lastModifiedBy', 'status', 'state')
# Rule id: the emulator's (stricter) reading of the unconfirmed charset [D2]: lower case, digits, - and _.
NAME_RE = re.compile(r'^[a-z0-9][a-z0-9_-]{0,126}[a-z0-9]$')
DURATION_RE = re.compile(r'^[1-9][0-9]*[smhd]$')
RELATIVE_RE = re.compile(r'^-[1-9][0-9]*[smhd]$')
CRON_FIELDS = 5
# The options the view holds, in the order changes are reported.
VIEW_KEYS = ('display_name', 'description', 'enabled', 'queries', 'schedule', 'group_by', 'conditions', 'threshold',
             'no_data_fire', 'no_data_severity', 'send_resolved', 'labels', 'annotations', 'action_policy',
             'alert_policy', 'repeat_interval')


# The evaluate-expression language of a condition [D7]: result columns (letters, digits, _; other names in
# [brackets]), numbers (a negative one in parentheses), "double" or 'single' quoted strings, + - * / %,
# > >= < <= == !=, && || !, parentheses; true, false, $ and . are reserved; 1-128 characters.
_TOKEN_RE = re.compile(r'\s*(?:(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*|\[[^\]]+\])'
                       r'|(?P<str>"[^"]*"|\'[^\']*\')|(?P<op>>=|<=|==|!=|&&|\|\||[<>+*/%!()-]))')
_BINARY = ('>=', '<=', '==', '!=', '&&', '||', '<', '>', '+', '-', '*', '/', '%')


def _tokens(text):
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError('unexpected character %r at %d' % (text[pos:].lstrip()[:1], pos))
        kind = match.lastgroup
        value = match.group(kind)
        if kind == 'name' and value in ('true', 'false'):
            raise ValueError('%s is a reserved word' % value)
        out.append((kind, value))
        pos = match.end()
    return out


def expression_problem(text):
    """Why ``text`` is not an evaluate expression [D7] (a message), or None when it is one (or empty)."""
    if text is None or text == '':
        return None
    if len(text) > 128:
        return 'at most 128 characters'
    try:
        tokens = _tokens(text)
        if not tokens:
            raise ValueError('blank')
        pos = _operand(tokens, 0)
        while pos < len(tokens):
            if tokens[pos] not in [('op', o) for o in _BINARY]:
                raise ValueError('unexpected %r' % tokens[pos][1])
            pos = _operand(tokens, pos + 1)
    except ValueError as err:
        return 'not an evaluate expression (%s): %r' % (err, text)
    return None


def _operand(tokens, pos):
    """Index after one operand starting at pos: ! operand, (expression), (-number), a column, number or string."""
    if pos >= len(tokens):
        raise ValueError('incomplete expression')
    kind, value = tokens[pos]
    if (kind, value) == ('op', '!'):
        return _operand(tokens, pos + 1)
    if (kind, value) == ('op', '('):
        if tokens[pos + 1:pos + 2] == [('op', '-')] and tokens[pos + 2:pos + 3] and tokens[pos + 2][0] == 'num':
            pos += 3
        else:
            pos = _operand(tokens, pos + 1)
            while pos < len(tokens) and tokens[pos] != ('op', ')'):
                if tokens[pos] not in [('op', o) for o in _BINARY]:
                    raise ValueError('unexpected %r' % tokens[pos][1])
                pos = _operand(tokens, pos + 1)
        if tokens[pos:pos + 1] != [('op', ')')]:
            raise ValueError('unbalanced parentheses')
        return pos + 1
    if kind == 'op':
        raise ValueError('a negative number must be in parentheses' if value == '-' else 'unexpected %r' % value)
    return pos + 1


# Body fields named in the service's ParameterInvalid messages -> the option that sets them.
_SERVICE_FIELDS = [
    (re.compile(r'severityConfigurations\[(\d+)\]\.evalCondition\.condition'), 'conditions[%s].condition'),
    (re.compile(r'severityConfigurations\[(\d+)\]\.evalCondition\.countCondition'), 'conditions[%s].count_condition'),
    (re.compile(r'queryList\[(\d+)\]\.(start|end|query)'), 'queries[%s].%s'),
    (re.compile(r'schedule\.interval'), 'schedule.interval'),
    (re.compile(r'schedule\.cronExpression|cron'), 'schedule.cron_expression'),
    (re.compile(r'repeatInterval'), 'repeat_interval'),
    (re.compile(r'noDataSeverity'), 'no_data_severity'),
    (re.compile(r'threshold'), 'threshold'),
    (re.compile(r'displayName'), 'display_name'),
]


def service_option(message):
    """The option behind a body field the service's error message names, or None."""
    for pattern, option in _SERVICE_FIELDS:
        match = pattern.search(message or '')  # pragma: no mutate (equivalent: no pattern matches 'XXXX' either, as none matches '')
        if match:
            return option % match.groups() if match.groups() else option  # pragma: no mutate (equivalent: an option without %s, % () leaves it as it is)
    return None


def _duration_problem(value, example):
    if value is not None and not DURATION_RE.match(str(value)):
        return 'must be a duration like %s (a number and s, m, h or d), got %r' % (example, value)
    return None


def alert_problems(params):
    """[(option, problem)] for options the service would refuse or that cannot mean anything; empty when fine."""
    problems = []
    if not NAME_RE.match(params['name'] or ''):  # pragma: no mutate (equivalent: 'XXXX' (upper case) fails NAME_RE as '' does)
        problems.append(('name', 'must be 2-128 lower-case letters, digits, - or _, starting and ending with a '
                                 'letter or digit, got %r' % params['name']))
    display = params.get('display_name')
    if display is not None and not 1 <= len(display) <= 64:
        problems.append(('display_name', 'must be 1-64 characters'))
    if params['state'] == 'absent':
        return problems
    for option in ('queries', 'conditions', 'action_policy'):
        if not params.get(option):
            problems.append((option, 'required with state=present'))
    for i, query in enumerate(params.get('queries') or []):
        where = 'queries[%d]' % i
        for key in ('logstore', 'query'):
            if not (query.get(key) or '').strip():
                problems.append(('%s.%s' % (where, key), 'required'))
        if not RELATIVE_RE.match(query.get('start') or ''):  # pragma: no mutate (equivalent: 'XXXX' fails RELATIVE_RE as '' does)
            problems.append((where + '.start', 'must be a relative time like -15m, got %r' % query.get('start')))
        if query.get('end') not in ('now', 'absolute'):
            problems.append((where + '.end', 'must be now (or absolute), got %r' % query.get('end')))
    if len(params.get('queries') or []) > 1:
        problems.append(('queries', 'one query per rule (joins of several queries are not supported)'))
    schedule = params.get('schedule') or {}
    if schedule.get('type') == 'Cron':
        if len((schedule.get('cron_expression') or '').split()) != CRON_FIELDS:
            problems.append(('schedule.cron_expression', 'type Cron needs five cron fields, got %r'
                             % schedule.get('cron_expression')))
    else:
        problems.append(('schedule.interval', _duration_problem(schedule.get('interval'), '1m')))
    for i, cond in enumerate(params.get('conditions') or []):
        for key in ('condition', 'count_condition'):
            problems.append(('conditions[%d].%s' % (i, key), expression_problem(cond.get(key))))
    if params.get('threshold') is not None and params['threshold'] < 1:
        problems.append(('threshold', 'must be at least 1, got %d' % params['threshold']))
    if params.get('no_data_severity') and not params.get('no_data_fire'):
        problems.append(('no_data_severity', 'only means something with no_data_fire=true'))
    problems.append(('repeat_interval', _duration_problem(params.get('repeat_interval'), '1h')))
    for option in ('labels', 'annotations'):
        for key, value in (params.get(option) or {}).items():
            if not isinstance(value, str):
                problems.append(('%s.%s' % (option, key), 'must be a string, got %r' % (value,)))
    return [p for p in problems if p[1]]


def desired_view(params):
    """The rule the options describe, in the view's shape (None for what the options leave as it is)."""
    schedule = params['schedule'] or {}
    kind = schedule.get('type') or 'FixedRate'
    return {
        'name': params['name'],
        'display_name': params['display_name'] or params['name'],
        'description': params['description'],
        'enabled': params['enabled'],
        'queries': [{'logstore': q['logstore'], 'query': q['query'], 'start': q['start'], 'end': q['end'],
                     'time_span_type': q['time_span_type']} for q in params['queries']],
        'schedule': {'type': kind, 'interval': schedule.get('interval') if kind == 'FixedRate' else None,
                     'cron_expression': schedule.get('cron_expression') if kind == 'Cron' else None,
                     'run_immediately': bool(schedule.get('run_immediately'))},
        'group_by': list(params['group_by'] or []),
        'conditions': [{'severity': c['severity'], 'condition': c.get('condition') or '',
                        'count_condition': c.get('count_condition') or ''} for c in params['conditions']],
        'threshold': params['threshold'],
        'no_data_fire': params['no_data_fire'],
        'no_data_severity': params['no_data_severity'] if params['no_data_fire'] else None,
        'send_resolved': params['send_resolved'],
        'labels': dict(params['labels'] or {}),
        'annotations': dict(params['annotations'] or {}),
        'action_policy': params['action_policy'],
        'alert_policy': params['alert_policy'],
        'repeat_interval': params['repeat_interval'],
    }


def _pairs(mapping):
    return [{'key': k, 'value': mapping[k]} for k in sorted(mapping)]


def _unpairs(pairs):
    return dict((p.get('key'), p.get('value', '')) for p in pairs or [] if isinstance(p, dict))


def view(body, project=None):
    """The service's rule (GET /jobs/{name}) as the module's option-shaped view; None for None."""
    if body is None:
        return None
    conf = body.get('configuration') or {}
    schedule = body.get('schedule') or {}
    kind = schedule.get('type')
    group = conf.get('groupConfiguration') or {}
    policy = conf.get('policyConfiguration') or {}
    status = body.get('status') or body.get('state') or 'ENABLED'  # pragma: no mutate (equivalent: read through upper(), so 'enabled' is the same)
    no_data_fire = bool(conf.get('noDataFire'))
    return {
        'name': body.get('name'),
        'display_name': body.get('displayName'),
        'description': body.get('description') or '',
        'enabled': str(status).upper() == 'ENABLED',
        'queries': [{'logstore': q.get('store') or q.get('logStore'), 'query': q.get('query'),
                     'start': q.get('start'), 'end': q.get('end') or 'now',
                     'time_span_type': q.get('timeSpanType') or 'Relative'} for q in conf.get('queryList') or []],
        'schedule': {'type': kind, 'interval': schedule.get('interval') if kind == 'FixedRate' else None,
                     'cron_expression': schedule.get('cronExpression') if kind == 'Cron' else None,
                     'run_immediately': bool(schedule.get('runImmediately'))},
        'group_by': list(group.get('fields') or []) if group.get('type') == 'custom' else [],
        'conditions': [{'severity': SEVERITY_NAMES.get(s.get('severity'), str(s.get('severity'))),
                        'condition': (s.get('evalCondition') or {}).get('condition') or '',
                        'count_condition': (s.get('evalCondition') or {}).get('countCondition') or ''}
                       for s in conf.get('severityConfigurations') or []],
        'threshold': conf.get('threshold', 1),
        'no_data_fire': no_data_fire,
        'no_data_severity': SEVERITY_NAMES.get(conf.get('noDataSeverity')) if no_data_fire else None,
        'send_resolved': bool(conf.get('sendResolved')),
        'labels': _unpairs(conf.get('labels')),
        'annotations': _unpairs(conf.get('annotations')),
        'action_policy': policy.get('actionPolicyId'),
        'alert_policy': policy.get('alertPolicyId'),
        'repeat_interval': policy.get('repeatInterval'),
    }


def plan_alert(current, desired):
    """(after view, changes, actions). current None: the rule does not exist. changes: ['created'] or the options
    that differ; actions: the calls to make, in order, among 'create', 'update', 'enable', 'disable'. A desired
    value of None keeps the current one."""
    if current is None:
        after = dict(desired, description=desired['description'] or '')
        return after, ['created'], ['create']
    after = dict(current)
    # None keeps the current value: description, and no_data_severity (a service may fill in its default).
    after.update((k, v) for k, v in desired.items() if v is not None)
    changes = [k for k in VIEW_KEYS if after.get(k) != current.get(k)]
    actions = []
    if [k for k in changes if k != 'enabled']:
        actions.append('update')
    if 'enabled' in changes:
        actions.append('enable' if after['enabled'] else 'disable')
    return after, changes, actions


def alert_body(project, after, current_body=None):
    """The rule to send (POST /jobs or PUT /jobs/{name}) for the after view. current_body: the service's rule,
    whose keys the module does not manage (muteUntil, tags, extra sinks...) are kept; the server's own keys are
    dropped [P1]. On creation the body carries status; on update enable/disable set it."""
    body = copy.deepcopy(current_body or {})
    for key in SERVER_KEYS:
        body.pop(key, None)
    conf = body.setdefault('configuration', {})
    schedule = {'type': after['schedule']['type'], 'runImmediately': after['schedule']['run_immediately']}
    if schedule['type'] == 'Cron':
        schedule['cronExpression'] = after['schedule']['cron_expression']
    else:
        schedule['interval'] = after['schedule']['interval']
    body.update(name=after['name'], displayName=after['display_name'], description=after['description'] or '',
                type='Alert', schedule=schedule)
    if current_body is None:
        body['status'] = 'Enabled' if after['enabled'] else 'Disabled'
        conf.update(type='default', dashboard='internal-alert-analysis')    # as the docs' example [D5]
    conf.update(
        version='2.0',
        queryList=[{'storeType': 'log', 'project': project, 'store': q['logstore'], 'query': q['query'],
                    'timeSpanType': q['time_span_type'], 'start': q['start'], 'end': q['end'],
                    'powerSqlMode': 'auto'} for q in after['queries']],
        groupConfiguration=({'type': 'custom', 'fields': list(after['group_by'])} if after['group_by']
                            else {'type': 'no_group', 'fields': []}),
        severityConfigurations=[{'severity': SEVERITIES[c['severity']],
                                 'evalCondition': {'condition': c['condition'],
                                                   'countCondition': c['count_condition']}}
                                for c in after['conditions']],
        threshold=after['threshold'], noDataFire=after['no_data_fire'], sendResolved=after['send_resolved'],
        labels=_pairs(after['labels']), annotations=_pairs(after['annotations']),
        policyConfiguration={'alertPolicyId': after['alert_policy'], 'actionPolicyId': after['action_policy'],
                             'repeatInterval': after['repeat_interval'], 'useDefault': False})
    if after['no_data_fire'] and after['no_data_severity']:
        conf['noDataSeverity'] = SEVERITIES[after['no_data_severity']]
    else:
        conf.pop('noDataSeverity', None)
    return body
