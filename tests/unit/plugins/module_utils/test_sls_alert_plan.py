"""sls_alert's pure planning: options -> alert 2.0 body, the service's rule -> view, and the plan."""
import copy

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_alert_plan as p


def params(**over):
    out = dict(project='proj', name='host-silent', display_name=None, description=None, state='present',
               enabled=True, queries=[{'logstore': 'syslog', 'query': '* | select count(*) as c', 'start': '-15m',
                                       'end': 'now', 'time_span_type': 'Relative'}],
               schedule={'type': 'FixedRate', 'interval': '1m', 'cron_expression': None, 'run_immediately': False},
               group_by=[], conditions=[{'severity': 'high', 'condition': 'c > 0', 'count_condition': None}],
               threshold=1, no_data_fire=False, no_data_severity=None, send_resolved=False, labels={},
               annotations={}, action_policy='ops', alert_policy='sls.builtin.dynamic', repeat_interval='1h')
    out.update(over)
    return out


def served(body):
    """What GET /jobs/{name} answers for a body the module created: the body plus the server's keys."""
    out = copy.deepcopy(body)
    out['status'] = out.pop('status', 'Enabled').upper()
    out.update(createTime=1800000000, lastModifiedTime=1800000000)
    return out


def test_body_maps_every_option():
    after, changes, actions = p.plan_alert(None, p.desired_view(params(
        group_by=['host'], labels={'team': 'ops'}, annotations={'title': 'Silent ${host}', 'a': 'b'},
        conditions=[{'severity': 'critical', 'condition': 'silent_s > 600', 'count_condition': None},
                    {'severity': 'low', 'condition': None, 'count_condition': '__count__ > 1'}],
        no_data_fire=True, no_data_severity='report', threshold=3, send_resolved=True)))
    assert changes == ['created'] and actions == ['create']
    body = p.alert_body('proj', after)
    assert body['name'] == 'host-silent' and body['displayName'] == 'host-silent' and body['type'] == 'Alert'
    assert body['status'] == 'Enabled' and body['description'] == ''
    assert body['schedule'] == {'type': 'FixedRate', 'interval': '1m', 'runImmediately': False}
    conf = body['configuration']
    assert conf['version'] == '2.0' and conf['type'] == 'default'
    assert conf['queryList'] == [{'storeType': 'log', 'project': 'proj', 'store': 'syslog',
                                  'query': '* | select count(*) as c', 'timeSpanType': 'Relative', 'start': '-15m',
                                  'end': 'now', 'powerSqlMode': 'auto'}]
    assert conf['groupConfiguration'] == {'type': 'custom', 'fields': ['host']}
    assert [s['severity'] for s in conf['severityConfigurations']] == [10, 4]
    assert conf['severityConfigurations'][1]['evalCondition'] == {'condition': '', 'countCondition': '__count__ > 1'}
    assert conf['labels'] == [{'key': 'team', 'value': 'ops'}]
    assert conf['annotations'] == [{'key': 'a', 'value': 'b'}, {'key': 'title', 'value': 'Silent ${host}'}]
    assert conf['threshold'] == 3 and conf['noDataFire'] is True and conf['noDataSeverity'] == 2
    assert conf['sendResolved'] is True
    assert conf['policyConfiguration'] == {'alertPolicyId': 'sls.builtin.dynamic', 'actionPolicyId': 'ops',
                                           'repeatInterval': '1h', 'useDefault': False}


@pytest.mark.parametrize('name,value', [('report', 2), ('low', 4), ('medium', 6), ('high', 8), ('critical', 10)])
def test_severity_numbers(name, value):
    after, _, _ = p.plan_alert(None, p.desired_view(params(
        conditions=[{'severity': name, 'condition': 'c > 0', 'count_condition': None}])))
    assert p.alert_body('proj', after)['configuration']['severityConfigurations'][0]['severity'] == value
    assert p.view(served(p.alert_body('proj', after)))['conditions'][0]['severity'] == name


def test_round_trip_through_the_service_is_no_change():
    desired = p.desired_view(params(group_by=['host'], labels={'x': 'y'}, enabled=False,
                                    schedule={'type': 'Cron', 'interval': '1m', 'cron_expression': '*/5 * * * *',
                                              'run_immediately': True}))
    after, _, _ = p.plan_alert(None, desired)
    body = p.alert_body('proj', after)
    assert body['schedule'] == {'type': 'Cron', 'cronExpression': '*/5 * * * *', 'runImmediately': True}
    current = p.view(served(body))
    assert current['enabled'] is False
    assert p.plan_alert(current, desired)[1:] == ([], [])


def test_one_field_is_one_update_and_enabled_is_enable_or_disable():
    current = p.view(served(p.alert_body('proj', p.plan_alert(None, p.desired_view(params()))[0])))
    assert p.plan_alert(current, p.desired_view(params(threshold=2)))[1:] == (['threshold'], ['update'])
    assert p.plan_alert(current, p.desired_view(params(enabled=False)))[1:] == (['enabled'], ['disable'])
    both = p.plan_alert(current, p.desired_view(params(enabled=False, annotations={'t': 'x'})))
    assert both[1:] == (['enabled', 'annotations'], ['update', 'disable'])
    disabled = dict(current, enabled=False)
    assert p.plan_alert(disabled, p.desired_view(params()))[1:] == (['enabled'], ['enable'])


def test_unset_description_keeps_the_current_one():
    current = dict(p.view(served(p.alert_body('proj', p.plan_alert(None, p.desired_view(params()))[0]))),
                   description='kept')
    after, changes, _ = p.plan_alert(current, p.desired_view(params()))
    assert after['description'] == 'kept' and changes == []
    assert p.plan_alert(current, p.desired_view(params(description='new')))[1] == ['description']


def test_no_data_severity_filled_in_by_the_service_is_no_change():
    desired = p.desired_view(params(no_data_fire=True))
    raw = served(p.alert_body('proj', p.plan_alert(None, desired)[0]))
    assert 'noDataSeverity' not in raw['configuration']
    raw['configuration']['noDataSeverity'] = 6
    assert p.plan_alert(p.view(raw), desired)[1:] == ([], [])
    changes = p.plan_alert(p.view(raw), p.desired_view(params(no_data_fire=True, no_data_severity='high')))[1]
    assert changes == ['no_data_severity']
    off = p.plan_alert(p.view(raw), p.desired_view(params()))
    assert off[1] == ['no_data_fire'] and 'noDataSeverity' not in p.alert_body('proj', off[0], raw)['configuration']


def test_update_keeps_unmanaged_keys_and_drops_the_servers():
    after, _, _ = p.plan_alert(None, p.desired_view(params()))
    raw = served(p.alert_body('proj', after))
    raw['muteUntil'] = 1900000000
    raw['scheduleId'] = 'sched-1'
    raw['configuration']['tags'] = ['a']
    raw['configuration']['noDataSeverity'] = 6
    body = p.alert_body('proj', dict(after, threshold=4), raw)
    assert body['muteUntil'] == 1900000000 and body['configuration']['tags'] == ['a']
    for key in ('createTime', 'lastModifiedTime', 'scheduleId', 'status'):
        assert key not in body
    assert body['configuration']['threshold'] == 4 and 'noDataSeverity' not in body['configuration']
    assert raw['configuration']['threshold'] == 1            # the service's copy is not changed


def test_view_reads_legacy_and_default_fields():
    got = p.view({'name': 'r', 'displayName': 'R', 'state': 'Disabled', 'schedule': {'type': 'FixedRate',
                                                                                     'interval': '5m'},
                  'configuration': {'queryList': [{'logStore': 'app', 'query': 'q', 'start': '-1h'}],
                                    'severityConfigurations': [{'severity': 7}]}})
    assert got['enabled'] is False and got['queries'][0]['logstore'] == 'app'
    assert got['queries'][0]['end'] == 'now' and got['queries'][0]['time_span_type'] == 'Relative'
    assert got['group_by'] == [] and got['threshold'] == 1 and got['conditions'][0]['severity'] == '7'
    assert p.view(None) is None


@pytest.mark.parametrize('over,option', [
    ({'name': 'Host'}, 'name'), ({'name': 'a'}, 'name'), ({'name': 'a' * 129}, 'name'), ({'name': 'ab-'}, 'name'),
    ({'display_name': ''}, 'display_name'), ({'display_name': 'x' * 65}, 'display_name'),
    ({'queries': None}, 'queries'), ({'conditions': []}, 'conditions'), ({'action_policy': None}, 'action_policy'),
    ({'queries': [{'logstore': '', 'query': 'q', 'start': '-1m', 'end': 'now'}]}, 'queries[0].logstore'),
    ({'queries': [{'logstore': 's', 'query': ' ', 'start': '-1m', 'end': 'now'}]}, 'queries[0].query'),
    ({'queries': [{'logstore': 's', 'query': 'q', 'start': '-0m', 'end': 'now'}]}, 'queries[0].start'),
    ({'queries': [{'logstore': 's', 'query': 'q', 'start': '-1m', 'end': 'later'}]}, 'queries[0].end'),
    ({'queries': [{'logstore': 's', 'query': 'q', 'start': '-1m', 'end': 'now'}] * 2}, 'queries'),
    ({'schedule': {'type': 'FixedRate', 'interval': '0m'}}, 'schedule.interval'),
    ({'schedule': {'type': 'Cron', 'cron_expression': '* * * *'}}, 'schedule.cron_expression'),
    ({'conditions': [{'severity': 'low', 'condition': 'x' * 129}]}, 'conditions[0].condition'),
    ({'threshold': 0}, 'threshold'), ({'repeat_interval': '5'}, 'repeat_interval'),
    ({'no_data_severity': 'low'}, 'no_data_severity'), ({'labels': {'n': 1}}, 'labels.n'),
])
def test_problems_name_the_option(over, option):
    assert [o for o, _ in p.alert_problems(params(**over))] == [option]


@pytest.mark.parametrize('over', [
    {'name': 'ab'}, {'name': 'a' * 128}, {'display_name': 'x' * 64}, {'threshold': 1},
    {'conditions': [{'severity': 'low', 'condition': 'x' * 128}]},
    {'schedule': {'type': 'Cron', 'cron_expression': '0 * * * *'}}, {'repeat_interval': '30s'},
    {'no_data_fire': True, 'no_data_severity': 'low'},
])
def test_boundaries_accepted(over):
    assert p.alert_problems(params(**over)) == []


def test_absent_needs_only_the_name():
    assert p.alert_problems(params(state='absent', queries=None, conditions=None, action_policy=None)) == []


@pytest.mark.parametrize('text', [
    'c > 0', 'errors >= 20', '__count__ > 10', '[5xx%] > 20', 'a > (-1)', '!(a > 1) && b == "x"',
    "host != 'web-1'", '(a + b) * 2 % 3 <= c / 4 || d', '', None, 'x' * 128,
])
def test_expressions_accepted(text):
    assert p.expression_problem(text) is None


@pytest.mark.parametrize('text,why', [
    (' ', 'blank'), ('tab\tx', "unexpected 'x'"), ('-1 < a', 'negative number must be in parentheses'),
    ('a > -1', 'negative number must be in parentheses'), ('a >', 'incomplete'), ('(a > 1', 'unbalanced'),
    ('a > 1)', "unexpected ')'"), ('true', 'reserved'), ('a.b > 1', "unexpected character '.'"),
    ('$x', "unexpected character '$'"), ('x' * 129, 'at most 128'), ('a b', "unexpected 'b'"),
])
def test_expressions_refused_say_why(text, why):
    assert why in p.expression_problem(text)


@pytest.mark.parametrize('message,option', [
    ('configuration.severityConfigurations[2].evalCondition.condition is not a valid expression',
     'conditions[2].condition'),
    ('configuration.severityConfigurations[0].evalCondition.countCondition is not', 'conditions[0].count_condition'),
    ('configuration.queryList[0].start must be a relative time', 'queries[0].start'),
    ('schedule.interval must be at least 60s', 'schedule.interval'),
    ('configuration.policyConfiguration.repeatInterval must be', 'repeat_interval'),
    ('JobAlreadyExist', None),
])
def test_service_fields_map_to_options(message, option):
    assert p.service_option(message) == option


# Issue 25: exact messages, the view and body field by field, defaults.
@pytest.mark.parametrize('text,message', [
    ('x' * 129, 'at most 128 characters'),
    (' ', "not an evaluate expression (blank): ' '"),
    ('a > 1 $', "not an evaluate expression (unexpected character '$' at 5): 'a > 1 $'"),
    ('a > 1  ', None), ('  a > 1', None),
    ('a > 1 #  ', "not an evaluate expression (unexpected character '#' at 5): 'a > 1 #  '"),
    ('false', "not an evaluate expression (false is a reserved word): 'false'"),
    ('a > true', "not an evaluate expression (true is a reserved word): 'a > true'"),
    ('a b', "not an evaluate expression (unexpected 'b'): 'a b'"),
    ('(a b)', "not an evaluate expression (unexpected 'b'): '(a b)'"),
    ('a >', "not an evaluate expression (incomplete expression): 'a >'"),
    ('(a > 1', "not an evaluate expression (unbalanced parentheses): '(a > 1'"),
    ('(-1', "not an evaluate expression (unbalanced parentheses): '(-1'"),
    ('(-', "not an evaluate expression (a negative number must be in parentheses): '(-'"),
    ('(-a)', "not an evaluate expression (a negative number must be in parentheses): '(-a)'"),
    ('a > (-1) && (- 2.5) < b', None), ('((-1)) < a', None), ('(-1)', None), ('(-1) < a', None),
    ('(a', "not an evaluate expression (unbalanced parentheses): '(a'"),
    ('(a 1)', "not an evaluate expression (unexpected '1'): '(a 1)'"),
    ('a > *', "not an evaluate expression (unexpected '*'): 'a > *'"),
    (')', "not an evaluate expression (unexpected ')'): ')'"),
    ('a > -1', "not an evaluate expression (a negative number must be in parentheses): 'a > -1'"),
])
def test_expression_messages_exact(text, message):
    assert p.expression_problem(text) == message


@pytest.mark.parametrize('message,option', [
    ('queryList[0].end must be now', 'queries[0].end'), ('queryList[1].query is empty', 'queries[1].query'),
    ('schedule.cronExpression is invalid', 'schedule.cron_expression'), ('bad cron', 'schedule.cron_expression'),
    ('noDataSeverity must be 2..10', 'no_data_severity'), ('threshold must be >= 1', 'threshold'),
    ('displayName too long', 'display_name'), (None, None), ('', None),
])
def test_more_service_fields(message, option):
    assert p.service_option(message) == option


def test_problem_messages_exact():
    query = {'logstore': '', 'query': None, 'start': '15m', 'end': 'then'}
    got = p.alert_problems(params(
        name='Host', display_name='', queries=[query, dict(query, start=None, end=None)],
        schedule={'type': 'Cron', 'cron_expression': '* * *'}, threshold=0, no_data_severity='low',
        repeat_interval='1 h', labels={'a': 1}, annotations={'b': None},
        conditions=[{'severity': 'low', 'condition': 'a >', 'count_condition': 'b <'}]))
    assert got == [
        ('name', "must be 2-128 lower-case letters, digits, - or _, starting and ending with a letter or digit, "
                 "got 'Host'"),
        ('display_name', 'must be 1-64 characters'),
        ('queries[0].logstore', 'required'), ('queries[0].query', 'required'),
        ('queries[0].start', "must be a relative time like -15m, got '15m'"),
        ('queries[0].end', "must be now (or absolute), got 'then'"),
        ('queries[1].logstore', 'required'), ('queries[1].query', 'required'),
        ('queries[1].start', 'must be a relative time like -15m, got None'),
        ('queries[1].end', 'must be now (or absolute), got None'),
        ('queries', 'one query per rule (joins of several queries are not supported)'),
        ('schedule.cron_expression', "type Cron needs five cron fields, got '* * *'"),
        ('conditions[0].condition', "not an evaluate expression (incomplete expression): 'a >'"),
        ('conditions[0].count_condition', "not an evaluate expression (incomplete expression): 'b <'"),
        ('threshold', 'must be at least 1, got 0'),
        ('no_data_severity', 'only means something with no_data_fire=true'),
        ('repeat_interval', "must be a duration like 1h (a number and s, m, h or d), got '1 h'"),
        ('labels.a', 'must be a string, got 1'), ('annotations.b', 'must be a string, got None')]
    assert p.alert_problems(params(name=None, state='absent')) == [
        ('name', 'must be 2-128 lower-case letters, digits, - or _, starting and ending with a letter or digit, '
                 'got None')]
    assert p.alert_problems(params(queries=None, conditions=None, action_policy='')) == [
        ('queries', 'required with state=present'), ('conditions', 'required with state=present'),
        ('action_policy', 'required with state=present')]
    assert p.alert_problems(params(schedule=None)) == []
    assert p.alert_problems(params(schedule={'type': 'FixedRate', 'interval': 90})) == [
        ('schedule.interval', 'must be a duration like 1m (a number and s, m, h or d), got 90')]
    assert p.alert_problems(params(schedule={'type': 'Cron'})) == [
        ('schedule.cron_expression', 'type Cron needs five cron fields, got None')]


@pytest.mark.parametrize('over', [
    {'display_name': 'x'}, {'queries': [{'logstore': 's', 'query': 'q', 'start': '-2d', 'end': 'absolute'}]},
    {'schedule': {'type': 'FixedRate', 'interval': '90s'}}, {'repeat_interval': None}, {'threshold': None},
    {'no_data_fire': True, 'no_data_severity': None}, {'labels': None, 'annotations': {'t': 'x'}},
])
def test_more_boundaries_accepted(over):
    assert p.alert_problems(params(**over)) == []


def test_desired_view_every_field():
    got = p.desired_view(params(
        display_name='Host silent', description='d',
        schedule={'type': None, 'interval': '5m', 'cron_expression': '* * * * *'},
        conditions=[{'severity': 'low', 'condition': None}], no_data_fire=False, no_data_severity='low',
        group_by=('host',), labels={'a': 'b'}))
    assert got == {
        'name': 'host-silent', 'display_name': 'Host silent', 'description': 'd', 'enabled': True,
        'queries': [{'logstore': 'syslog', 'query': '* | select count(*) as c', 'start': '-15m', 'end': 'now',
                     'time_span_type': 'Relative'}],
        'schedule': {'type': 'FixedRate', 'interval': '5m', 'cron_expression': None, 'run_immediately': False},
        'group_by': ['host'], 'conditions': [{'severity': 'low', 'condition': '', 'count_condition': ''}],
        'threshold': 1, 'no_data_fire': False, 'no_data_severity': None, 'send_resolved': False,
        'labels': {'a': 'b'}, 'annotations': {}, 'action_policy': 'ops', 'alert_policy': 'sls.builtin.dynamic',
        'repeat_interval': '1h'}
    got = p.desired_view(params(schedule={'type': 'Cron', 'interval': '5m', 'cron_expression': '0 * * * *',
                                          'run_immediately': 1},
                                conditions=[{'severity': 'low', 'condition': 'a > 1', 'count_condition': 'b > 2'}],
                                no_data_fire=True, no_data_severity='low'))
    assert got['schedule'] == {'type': 'Cron', 'interval': None, 'cron_expression': '0 * * * *',
                               'run_immediately': True}
    assert got['conditions'] == [{'severity': 'low', 'condition': 'a > 1', 'count_condition': 'b > 2'}]
    assert got['no_data_severity'] == 'low'
    assert p.desired_view(params(schedule=None))['schedule'] == {
        'type': 'FixedRate', 'interval': None, 'cron_expression': None, 'run_immediately': False}


def test_view_every_field():
    body = {'name': 'r', 'displayName': 'R', 'description': 'd', 'status': 'enabled',
            'schedule': {'type': 'Cron', 'interval': '1m', 'cronExpression': '0 * * * *', 'runImmediately': True},
            'configuration': {
                'queryList': [{'store': 's', 'logStore': 'other', 'query': 'q', 'start': '-5m', 'end': 'absolute',
                               'timeSpanType': 'Truncated'}],
                'groupConfiguration': {'type': 'no_group', 'fields': ['host']},
                'severityConfigurations': [{'severity': 6, 'evalCondition': {'condition': 'a > 1',
                                                                             'countCondition': 'b > 2'}}],
                'threshold': 0, 'noDataFire': True, 'noDataSeverity': 8, 'sendResolved': True,
                'labels': [{'key': 'k', 'value': 'v'}, {'key': 'e'}, 'junk'],
                'annotations': [{'key': 'title', 'value': 't'}],
                'policyConfiguration': {'alertPolicyId': 'ap', 'actionPolicyId': 'op', 'repeatInterval': '2h'}}}
    assert p.view(body) == {
        'name': 'r', 'display_name': 'R', 'description': 'd', 'enabled': True,
        'queries': [{'logstore': 's', 'query': 'q', 'start': '-5m', 'end': 'absolute',
                     'time_span_type': 'Truncated'}],
        'schedule': {'type': 'Cron', 'interval': None, 'cron_expression': '0 * * * *', 'run_immediately': True},
        'group_by': [], 'conditions': [{'severity': 'medium', 'condition': 'a > 1', 'count_condition': 'b > 2'}],
        'threshold': 0, 'no_data_fire': True, 'no_data_severity': 'high', 'send_resolved': True,
        'labels': {'k': 'v', 'e': ''}, 'annotations': {'title': 't'}, 'action_policy': 'op', 'alert_policy': 'ap',
        'repeat_interval': '2h'}
    assert p.view({'name': 'r'}) == {
        'name': 'r', 'display_name': None, 'description': '', 'enabled': True, 'queries': [],
        'schedule': {'type': None, 'interval': None, 'cron_expression': None, 'run_immediately': False},
        'group_by': [], 'conditions': [], 'threshold': 1, 'no_data_fire': False, 'no_data_severity': None,
        'send_resolved': False, 'labels': {}, 'annotations': {}, 'action_policy': None, 'alert_policy': None,
        'repeat_interval': None}
    fixed = p.view({'schedule': {'type': 'FixedRate', 'interval': '1m', 'cronExpression': '* * * * *'},
                    'configuration': {'noDataSeverity': 8, 'severityConfigurations': [{'severity': 2}],
                                      'groupConfiguration': {'type': 'custom'}}})
    assert fixed['schedule'] == {'type': 'FixedRate', 'interval': '1m', 'cron_expression': None,
                                 'run_immediately': False}
    assert fixed['no_data_severity'] is None and fixed['group_by'] == []
    assert fixed['conditions'] == [{'severity': 'report', 'condition': '', 'count_condition': ''}]
    assert p.view({'status': 'DISABLED', 'state': 'ENABLED'})['enabled'] is False


def test_created_view_description_is_empty_not_none():
    after, _, _ = p.plan_alert(None, p.desired_view(params()))
    assert after['description'] == ''
    after, _, _ = p.plan_alert(None, p.desired_view(params(description='d')))
    assert after['description'] == 'd' and p.alert_body('proj', after)['description'] == 'd'


def test_body_for_a_disabled_rule_without_groups():
    after, _, _ = p.plan_alert(None, p.desired_view(params(enabled=False, description='d')))
    body = p.alert_body('proj', after)
    assert body['status'] == 'Disabled' and body['description'] == 'd'
    assert body['configuration']['dashboard'] == 'internal-alert-analysis'
    assert body['configuration']['groupConfiguration'] == {'type': 'no_group', 'fields': []}
    update = p.alert_body('proj', after, {'status': 'ENABLED', 'state': 'x', 'lastModifiedBy': 'u',
                                          'configuration': {'dashboard': 'mine'}})
    assert 'status' not in update and 'state' not in update and 'lastModifiedBy' not in update
    assert update['configuration']['dashboard'] == 'mine' and 'type' not in update['configuration']
