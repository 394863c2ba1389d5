"""The CloudMonitor modules' pure planning (plugins/module_utils/cms_plan.py) and client checks (cms_client.py)."""
import hashlib

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import cms_client, cms_plan
from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_module import connection_problems

HOOK = 'https://hooks.example.com/x?token=abc'


def rule_params(**extra):
    params = dict(rule_id='r1', name=None, monitor_group='web', namespace='acs_ecs_dashboard', metric='cpu_total',
                  escalations={'critical': {'statistics': 'Average', 'operator': '>=', 'threshold': 90.0, 'times': 3},
                               'warn': None, 'info': None},
                  period=60, silence_time=86400, webhook_url=HOOK, send_ok=True, no_data_policy='OK',
                  contact_groups=None, enabled=True)
    params.update(extra)
    return params


def alarm(**extra):
    doc = {'RuleId': 'r1', 'RuleName': 'r1', 'GroupName': 'web', 'GroupId': '7', 'Namespace': 'acs_ecs_dashboard',
           'MetricName': 'cpu_total', 'Period': '60', 'SilenceTime': 86400, 'Webhook': HOOK, 'SendOK': True,
           'NoDataPolicy': 'OK', 'ContactGroups': 'b,a', 'EnableState': True,
           'Escalations': {'Critical': {'Statistics': 'Average', 'ComparisonOperator': 'GreaterThanOrEqualToThreshold',
                                        'Threshold': '90', 'Times': 3, 'PreCondition': ''},
                           'Warn': {'ComparisonOperator': None}, 'Info': {}}}
    doc.update(extra)
    return doc


def test_rule_as_the_service_has_it_equals_the_options():
    current = cms_plan.rule_view(alarm())
    wanted = cms_plan.desired_rule(rule_params(), 7, ['a', 'b'])
    assert cms_plan.changed_fields(current, wanted) == []
    assert current['escalations'] == {'critical': {'statistics': 'Average', 'operator': '>=', 'threshold': 90,
                                                   'times': 3}}
    assert current['webhook_url'].startswith('<hidden sha256:') and 'token' not in current['webhook_url']


@pytest.mark.parametrize('change, field', [
    (dict(period=120), 'period'), (dict(silence_time=3600), 'silence_time'), (dict(enabled=False), 'enabled'),
    (dict(webhook_url=HOOK + 'x'), 'webhook_url'), (dict(webhook_url=None), 'webhook_url'),
    (dict(no_data_policy='INSUFFICIENT_DATA'), 'no_data_policy'), (dict(metric='CPUUtilization'), 'metric'),
    (dict(name='other'), 'name'), (dict(monitor_group='db'), 'monitor_group'),
    (dict(escalations={'critical': {'statistics': 'Average', 'operator': '>=', 'threshold': 90.5, 'times': 3}}),
     'escalations'),
    (dict(escalations={'critical': {'statistics': 'Average', 'operator': '>', 'threshold': 90, 'times': 3}}),
     'escalations'),
    (dict(escalations={'critical': {'statistics': 'Average', 'operator': '>=', 'threshold': 90, 'times': 2}}),
     'escalations'),
])
def test_each_option_change_is_seen(change, field):
    wanted = cms_plan.desired_rule(rule_params(**change), 7, ['a', 'b'])
    assert cms_plan.changed_fields(cms_plan.rule_view(alarm()), wanted) == [field]


def test_contact_group_change_is_seen():
    wanted = cms_plan.desired_rule(rule_params(), 7, ['a'])
    assert cms_plan.changed_fields(cms_plan.rule_view(alarm()), wanted) == ['contact_groups']


def test_rule_fields_map_operators_and_levels():
    fields = cms_plan.rule_fields(rule_params(escalations={
        'critical': {'statistics': 'Maximum', 'operator': '!=', 'threshold': 1.5, 'times': 1},
        'info': {'statistics': 'Minimum', 'operator': '<', 'threshold': 10.0, 'times': 2}}), 7, ['a', 'b'])
    assert fields['Escalations'] == {
        'Critical': {'Statistics': 'Maximum', 'ComparisonOperator': 'NotEqualToThreshold', 'Threshold': '1.5',
                     'Times': 1},
        'Info': {'Statistics': 'Minimum', 'ComparisonOperator': 'LessThanThreshold', 'Threshold': '10', 'Times': 2}}
    assert fields['GroupId'] == '7' and fields['ContactGroups'] == 'a,b' and fields['Period'] == '60'
    assert fields['Webhook'] == HOOK and fields['NoDataPolicy'] == 'OK'
    assert set(cms_plan.OPERATORS.values()) == {
        'GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold',
        'EqualToThreshold', 'NotEqualToThreshold'}


@pytest.mark.parametrize('change, option', [
    (dict(period=0), 'period'), (dict(silence_time=3599), 'silence_time'),
    (dict(webhook_url='hooks.example.com'), 'webhook_url'), (dict(escalations={}), 'escalations'),
    (dict(escalations={'warn': {'statistics': 'Average', 'operator': '>', 'threshold': 1, 'times': 0}}),
     'escalations'),
])
def test_rule_problems_name_the_option(change, option):
    assert [p[0] for p in cms_plan.rule_problems(rule_params(**change))] == [option]


def test_rule_boundaries_accepted():
    assert cms_plan.rule_problems(rule_params(period=60, silence_time=3600)) == []


def test_plan_instances_exact_list():
    current = [{'instance_id': 'i-1', 'instance_name': 'a', 'region_id': 'r'},
               {'instance_id': 'i-2', 'instance_name': 'b', 'region_id': 'r'}]
    desired = cms_plan.desired_instances([{'instance_id': 'i-3', 'instance_name': None, 'region_id': 'r'},
                                          {'instance_id': 'i-1', 'instance_name': 'a', 'region_id': 'r'}])
    to_add, to_remove = cms_plan.plan_instances(current, desired)
    assert to_add == [{'instance_id': 'i-3', 'instance_name': 'i-3', 'region_id': 'r'}]
    assert to_remove == [current[1]]
    renamed = [dict(current[0], instance_name='z'), current[1]]
    assert cms_plan.plan_instances(current, renamed) == ([renamed[0]], [current[0]])
    assert cms_plan.plan_instances(current, list(current)) == ([], [])


def test_duplicate_instances_and_contacts_refused():
    assert cms_plan.instance_problems([{'instance_id': 'i-1'}, {'instance_id': 'i-1'}])[0][0] == 'instances'
    problems = cms_plan.contact_problems([{'name': 'a', 'email': 'x@y'}, {'name': 'a', 'email': 'bad'}])
    assert [p[0] for p in problems] == ['contacts', 'contacts'] and 'twice' in problems[0][1]
    assert cms_plan.contact_problems([{'name': 'a', 'dingtalk_webhook': 'oapi.dingtalk.com'}])[0][0] == 'contacts'


def test_put_contact_keeps_unset_channels_and_hides_the_webhook():
    doc = {'Name': 'a', 'Desc': 'a', 'Channels': {'Mail': 'old@x', 'DingWebHook': HOOK}}
    fields = cms_plan.put_contact_fields({'name': 'a', 'email': 'new@x', 'dingtalk_webhook': None}, doc)
    assert fields == {'ContactName': 'a', 'Describe': 'a', 'Channels': {'Mail': 'new@x', 'DingWebHook': HOOK}}
    view = cms_plan.contact_view(doc)
    assert HOOK not in str(view) and view['email'] == 'old@x'
    wanted = cms_plan.desired_contact({'name': 'a', 'email': None, 'dingtalk_webhook': HOOK})
    assert cms_plan.changed_fields(view, wanted) == []
    assert cms_plan.changed_fields(view, cms_plan.desired_contact({'name': 'a', 'dingtalk_webhook': HOOK + '1'})) \
        == ['dingtalk_webhook']


def test_group_views():
    group = cms_plan.contact_group_view({'Name': 'g', 'Describe': 'd', 'Contacts': {'Contact': ['b', 'a']}})
    assert group == {'name': 'g', 'description': 'd', 'contacts': ['a', 'b']}
    wanted = cms_plan.desired_contact_group('g', None, [{'name': 'a'}, {'name': 'b'}])
    assert cms_plan.changed_fields(group, wanted) == []
    view = cms_plan.monitor_group_view({'GroupName': 'w', 'GroupId': 5, 'ContactGroups': {'ContactGroup': [
        {'Name': 'y'}, {'Name': 'x'}]}}, [])
    assert view == {'name': 'w', 'group_id': '5', 'contact_groups': ['x', 'y'], 'instances': []}


# cms_client: the SDK raises only on HTTP >= 400, so every 200 body is checked.
@pytest.mark.parametrize('body, code', [
    ({'Success': False, 'Code': '400', 'Message': 'bad Period'}, '400'),
    ({'Success': False, 'Code': 404, 'Message': 'no group'}, '404'),
    ({'Success': True, 'Code': '500', 'Message': 'odd'}, '500'),
    ({'Success': 'false', 'Message': 'x'}, 'Failed'),
])
def test_body_error_on_success_false_or_code(body, code):
    err = cms_client.body_error('PutGroupMetricRule', dict(body, RequestId='RID'))
    assert err.code == code and err.request_id == 'RID' and body['Message'] in str(err)
    assert 'PutGroupMetricRule' in str(err)


@pytest.mark.parametrize('body', [{'Success': True, 'Code': '200'}, {'Success': True, 'Code': 200}, {'Total': 1}])
def test_body_ok(body):
    assert cms_client.body_error('X', body) is None


class FakeBody(object):
    def __init__(self, body):
        self.body = body

    def to_map(self):
        return self.body


class FakeSdk(object):
    def __init__(self, bodies):
        self.bodies = list(bodies)
        self.requests = []

    def describe_contact_list_with_options(self, request, runtime):
        self.requests.append(request.to_map())
        return type('R', (), {'body': FakeBody(self.bodies.pop(0))})()


def test_client_raises_on_success_false_and_pages():
    sdk = FakeSdk([{'Success': False, 'Code': '403', 'Message': 'denied', 'RequestId': 'R'}])
    with pytest.raises(cms_client.CmsApiError) as caught:
        cms_client.CmsClient(sdk).call('DescribeContactList', ContactName='a')
    assert caught.value.code == '403' and sdk.requests == [{'ContactName': 'a'}]
    pages = [{'Success': True, 'Total': 3, 'Contacts': {'Contact': [{'Name': 'a'}, {'Name': 'b'}]}},
             {'Success': True, 'Total': 3, 'Contacts': {'Contact': [{'Name': 'c'}]}}]
    sdk = FakeSdk(pages)
    items = cms_client.CmsClient(sdk).pages('DescribeContactList', ('Contacts', 'Contact'), size=2)
    assert [i['Name'] for i in items] == ['a', 'b', 'c'] and [r['PageNumber'] for r in sdk.requests] == [1, 2]


def test_endpoints():
    assert cms_client.split_endpoint('http://127.0.0.1:8080/') == ('127.0.0.1:8080', 'http')
    assert cms_client.split_endpoint('metrics.cn-hangzhou.aliyuncs.com') == ('metrics.cn-hangzhou.aliyuncs.com',
                                                                            'https')
    assert connection_problems({'endpoint': None, 'region': None, 'request_timeout': 30})[0][0] == 'endpoint'
    assert connection_problems({'endpoint': 'ftp://x', 'region': None, 'request_timeout': 30})[0][0] == 'endpoint'
    assert connection_problems({'endpoint': None, 'region': 'cn-hangzhou', 'request_timeout': 0}) == [
        ('request_timeout', 'must be at least 1 second')]


@pytest.mark.parametrize('message, option', [
    ('The parameter Period must be at least 60 seconds, got 30.', 'period'),
    ('The parameter SilenceTime must be at least 3600 seconds.', 'silence_time'),
    ('The specified contact group does not exist.', None),
    ('The parameter Unknown is invalid.', None),
])
def test_body_error_names_the_option_a_refusal_names(message, option):
    err = cms_client.body_error('PutGroupMetricRule', {'Success': False, 'Code': '400', 'Message': message})
    assert err.option == option
    assert str(err).count(message) == 1 and (option is None or (option + ': ') in str(err))


# Issue 25: values, defaults and exact messages of every cms_plan function.
def test_hidden_url_is_a_short_hash_marker():
    digest = hashlib.sha256(HOOK.encode('utf-8')).hexdigest()[:12]
    assert cms_plan.hidden_url(HOOK) == '<hidden sha256:%s>' % digest
    assert cms_plan.hidden_url('') == '' and cms_plan.hidden_url(None) == ''


@pytest.mark.parametrize('value, listed', [
    ({'Contact': ['a', 'b']}, ['a', 'b']), ({'Contact': 'a'}, ['a']), ({'Other': ['a']}, []), (['a'], ['a']),
    ('a', ['a']), (None, []), ('', []), ({}, []),
])
def test_listed_unwraps_the_services_lists(value, listed):
    assert cms_plan.contact_group_view({'Name': 'g', 'Contacts': value})['contacts'] == listed


def test_changed_fields_skips_none_and_sorts():
    assert cms_plan.changed_fields({'a': 1, 'b': 2, 'c': 3}, {'c': 4, 'b': None, 'a': 0, 'd': 5}) == ['a', 'c', 'd']
    assert cms_plan.changed_fields({'a': 1}, {'a': 1}) == []


def test_contact_view_defaults_and_fallbacks():
    assert cms_plan.contact_view({'Name': 'a'}) == {'name': 'a', 'description': '', 'email': '',
                                                    'dingtalk_webhook': ''}
    assert cms_plan.contact_view({'Name': 'a', 'Describe': 'd', 'Channels': {'Mail': 'a@x'}})['description'] == 'd'
    assert cms_plan.contact_view({'Name': 'a', 'Desc': 'one', 'Describe': 'two'})['description'] == 'one'
    assert cms_plan.contact_view({'Name': 'a', 'Channels': {'DingWebHook': HOOK}})['dingtalk_webhook'] \
        == cms_plan.hidden_url(HOOK)


def test_desired_contact_defaults():
    assert cms_plan.desired_contact({'name': 'a'}) == {'name': 'a', 'description': 'a', 'email': None,
                                                       'dingtalk_webhook': None}
    assert cms_plan.desired_contact({'name': 'a', 'description': 'd', 'email': 'a@x', 'dingtalk_webhook': ''}) \
        == {'name': 'a', 'description': 'd', 'email': 'a@x', 'dingtalk_webhook': ''}
    assert cms_plan.desired_contact({'name': 'a', 'description': ''})['description'] == 'a'


def test_blank_problems_name_each_blank_string():
    params = {'a': '', 'b': ' \t', 'c': 'x', 'd': None, 'e': 0}
    assert cms_plan.blank_problems(params, ['a', 'b', 'c', 'd', 'e', 'f']) == [
        ('a', 'must not be empty'), ('b', 'must not be empty')]


def test_contact_problems_messages():
    assert cms_plan.contact_problems(None) == []
    assert cms_plan.contact_problems([{'name': 'a', 'email': 'a@x'}, {'name': 'b', 'dingtalk_webhook': HOOK},
                                      {'name': 'c', 'dingtalk_webhook': 'http://h'}]) == []
    assert cms_plan.contact_problems([{'name': 'a', 'email': 'a@x'}, {'name': ' ', 'email': 'b@x'},
                                      {'name': 'c'}, {'name': 'a', 'email': 'bad'},
                                      {'name': 'd', 'dingtalk_webhook': 'ftp://h'}]) == [
        ('contacts', 'contacts[1].name must not be empty'),
        ('contacts', 'contacts[2].email or contacts[2].dingtalk_webhook: a contact needs at least one channel'),
        ('contacts', 'contacts[3]: name a appears twice'),
        ('contacts', "contacts[3] (a): email 'bad' is not an address"),
        ('contacts', 'contacts[4] (d): dingtalk_webhook must be an http(s) URL')]
    assert cms_plan.contact_problems([{'name': None, 'email': 'a@x'}]) == [
        ('contacts', 'contacts[0].name must not be empty')]


def test_put_contact_fields_keeps_known_set_channels_only():
    doc = {'Channels': {'Mail': 'old@x', 'SMS': '123', 'AliIM': 'im', 'DingWebHook': '', 'Other': 'o'}}
    assert cms_plan.put_contact_fields({'name': 'a'}, doc) == {
        'ContactName': 'a', 'Describe': 'a', 'Channels': {'Mail': 'old@x', 'SMS': '123', 'AliIM': 'im'}}
    fields = cms_plan.put_contact_fields({'name': 'a', 'description': 'd', 'email': '', 'dingtalk_webhook': HOOK},
                                         doc)
    assert fields == {'ContactName': 'a', 'Describe': 'd',
                      'Channels': {'SMS': '123', 'AliIM': 'im', 'DingWebHook': HOOK}}
    assert cms_plan.put_contact_fields({'name': 'a', 'email': 'a@x'}) == {
        'ContactName': 'a', 'Describe': 'a', 'Channels': {'Mail': 'a@x'}}
    assert doc['Channels']['Other'] == 'o'


def test_contact_group_views_defaults():
    assert cms_plan.contact_group_view({'Name': 'g'}) == {'name': 'g', 'description': '', 'contacts': []}
    assert cms_plan.desired_contact_group('g', '', None) == {'name': 'g', 'description': '', 'contacts': None}
    assert cms_plan.desired_contact_group('g', 'd', [{'name': 'b'}, {'name': 'a'}]) == {
        'name': 'g', 'description': 'd', 'contacts': ['a', 'b']}
    assert cms_plan.desired_contact_group('g', None, [])['contacts'] == []


def test_instance_views_and_fields():
    assert cms_plan.instance_view({'InstanceId': 'i-1'}) == {'instance_id': 'i-1', 'instance_name': '',
                                                             'region_id': ''}
    assert cms_plan.instance_view({'InstanceId': 'i-1', 'InstanceName': 'web', 'RegionId': 'cn-x'}) == {
        'instance_id': 'i-1', 'instance_name': 'web', 'region_id': 'cn-x'}
    desired = cms_plan.desired_instances([{'instance_id': 'i-2', 'instance_name': 'b', 'region_id': 'r'},
                                          {'instance_id': 'i-1', 'instance_name': '', 'region_id': 's'}])
    assert desired == [{'instance_id': 'i-1', 'instance_name': 'i-1', 'region_id': 's'},
                       {'instance_id': 'i-2', 'instance_name': 'b', 'region_id': 'r'}]
    assert cms_plan.instances_fields('7', desired) == {'GroupId': 7, 'Instances': [
        {'InstanceId': 'i-1', 'InstanceName': 'i-1', 'RegionId': 's', 'Category': 'ecs'},
        {'InstanceId': 'i-2', 'InstanceName': 'b', 'RegionId': 'r', 'Category': 'ecs'}]}
    assert cms_plan.resources_json(7) == '[{"groupId": 7}]'


def test_instance_problems_messages():
    assert cms_plan.instance_problems(None) == []
    assert cms_plan.instance_problems([{'instance_id': 'i-1', 'region_id': 'r'},
                                       {'instance_id': 'i-2', 'region_id': 'r'}]) == []
    assert cms_plan.instance_problems([{'instance_id': 'i-1', 'region_id': ' '}, {'instance_id': '', 'region_id': 'r'},
                                       {'instance_id': 'i-1', 'region_id': 'r'}]) == [
        ('instances', 'instances[0].region_id must not be empty'),
        ('instances', 'instances[1].instance_id must not be empty'),
        ('instances', 'instances[2]: instance_id i-1 appears twice')]
    assert cms_plan.instance_problems([{'instance_id': None, 'region_id': None}]) == [
        ('instances', 'instances[0].instance_id must not be empty'),
        ('instances', 'instances[0].region_id must not be empty')]


def test_monitor_group_view_names_and_order():
    instances = [{'instance_id': 'i-2'}, {'instance_id': 'i-1'}]
    view = cms_plan.monitor_group_view({'GroupName': 'w', 'GroupId': 5, 'ContactGroups': ['y', {'Name': 'x'},
                                                                                          {'Name': ''}, '']},
                                       instances)
    assert view == {'name': 'w', 'group_id': '5', 'contact_groups': ['x', 'y'],
                    'instances': [{'instance_id': 'i-1'}, {'instance_id': 'i-2'}]}
    assert cms_plan.monitor_group_view({}, [])['contact_groups'] == []


@pytest.mark.parametrize('value, number', [
    ('90', 90), ('1.5', 1.5), (2.0, 2), ('-3', -3), ('abc', 'abc'), (None, None), ('0', 0)])
def test_number_reads_the_services_strings(value, number):
    got = cms_plan._number(value)
    assert got == number and type(got) is type(number)


def test_escalations_view_values_and_defaults():
    assert cms_plan.escalations_view(None) == {}
    assert cms_plan.escalations_view({
        'Critical': {'ComparisonOperator': 'LessThanOrEqualToThreshold', 'Statistics': 'Minimum', 'Threshold': '2.5'},
        'Warn': {'ComparisonOperator': 'Odd', 'Statistics': 'Maximum', 'Threshold': 7, 'Times': '4'},
        'Info': {'ComparisonOperator': 'EqualToThreshold', 'Threshold': '1', 'Times': 0}}) == {
        'critical': {'statistics': 'Minimum', 'operator': '<=', 'threshold': 2.5, 'times': 1},
        'warn': {'statistics': 'Maximum', 'operator': 'Odd', 'threshold': 7, 'times': 4},
        'info': {'statistics': None, 'operator': '==', 'threshold': 1, 'times': 1}}


def test_rule_view_defaults_and_spellings():
    got = cms_plan.rule_view({'RuleId': 'r', 'RuleName': 'n', 'Namespace': 'ns', 'MetricName': 'm'})
    assert got == {'rule_id': 'r', 'name': 'n', 'monitor_group': '', 'group_id': '', 'namespace': 'ns',
                   'metric': 'm', 'escalations': {}, 'period': 0, 'silence_time': 0, 'webhook_url': '',
                   'send_ok': False, 'no_data_policy': 'KEEP_LAST_STATE', 'contact_groups': [], 'enabled': False}
    for value in (True, 'true', 'True'):
        got = cms_plan.rule_view(alarm(SendOK=value, EnableState=value))
        assert got['send_ok'] is True and got['enabled'] is True
    for value in (False, 'false', 'TRUE', None):
        got = cms_plan.rule_view(alarm(SendOK=value, EnableState=value))
        assert got['send_ok'] is False and got['enabled'] is False
    got = cms_plan.rule_view(alarm(Period='300', SilenceTime='3600', ContactGroups='b,,a', GroupId=12))
    assert (got['period'], got['silence_time'], got['contact_groups']) == (300, 3600, ['a', 'b'])
    assert got['group_id'] == '12'


def test_desired_rule_defaults():
    wanted = cms_plan.desired_rule(rule_params(webhook_url=None, escalations={
        'info': {'statistics': 'Minimum', 'operator': '<', 'threshold': '5.0', 'times': 2}}), None, ['b', 'a'])
    assert wanted == {'rule_id': 'r1', 'name': 'r1', 'monitor_group': 'web', 'group_id': None,
                      'namespace': 'acs_ecs_dashboard', 'metric': 'cpu_total',
                      'escalations': {'info': {'statistics': 'Minimum', 'operator': '<', 'threshold': 5, 'times': 2}},
                      'period': 60, 'silence_time': 86400, 'webhook_url': '', 'send_ok': True, 'no_data_policy': 'OK',
                      'contact_groups': ['a', 'b'], 'enabled': True}
    assert cms_plan.desired_rule(rule_params(name='n', escalations=None), '7', [])['name'] == 'n'
    assert cms_plan.desired_rule(rule_params(escalations=None), '7', [])['escalations'] == {}
    assert cms_plan.desired_rule(rule_params(), 0, [])['group_id'] is None
    assert cms_plan.desired_rule(rule_params(), 7, [])['group_id'] == '7'


def test_rule_problems_messages():
    assert cms_plan.rule_problems(rule_params(escalations=None)) == [
        ('escalations', 'set at least one of critical, warn, info')]
    assert cms_plan.rule_problems(rule_params(escalations={'critical': None, 'warn': {}, 'info': None})) == [
        ('escalations', 'set at least one of critical, warn, info')]
    escalations = {'critical': {'times': 0}, 'warn': {'times': -2}, 'info': {'times': 1}}
    assert cms_plan.rule_problems(rule_params(escalations=escalations, period=0, silence_time=3599,
                                              webhook_url='ftp://x')) == [
        ('escalations', 'critical.times must be at least 1, got 0'),
        ('escalations', 'warn.times must be at least 1, got -2'),
        ('period', 'must be at least 1 second, got 0'), ('silence_time', 'must be at least 3600 seconds, got 3599'),
        ('webhook_url', 'must be an http(s) URL')]
    assert cms_plan.rule_problems(rule_params(escalations={'info': {'times': None}}, period=None, silence_time=None,
                                              webhook_url='http://h')) == []
    assert cms_plan.rule_problems(rule_params(period=1, webhook_url='')) == []


def test_rule_fields_every_field():
    fields = cms_plan.rule_fields(rule_params(webhook_url=None, escalations={
        'warn': {'statistics': 'Average', 'operator': '>', 'threshold': 80, 'times': 2}}), 7, ['a', 'b'])
    assert fields == {'RuleId': 'r1', 'RuleName': 'r1', 'GroupId': '7', 'Category': 'ecs',
                      'Namespace': 'acs_ecs_dashboard', 'MetricName': 'cpu_total', 'Period': '60',
                      'SilenceTime': 86400, 'ContactGroups': 'a,b', 'NoDataPolicy': 'OK', 'Webhook': '',
                      'Escalations': {'Warn': {'Statistics': 'Average', 'ComparisonOperator': 'GreaterThanThreshold',
                                               'Threshold': '80', 'Times': 2}}}
    assert cms_plan.rule_fields(rule_params(name='n', escalations=None), 7, [])['RuleName'] == 'n'
    assert cms_plan.rule_fields(rule_params(escalations=None), 7, [])['Escalations'] == {}


@pytest.mark.parametrize('operator, api', sorted(cms_plan.OPERATORS.items()))
def test_operators_round_trip(operator, api):
    assert cms_plan.API_OPERATORS[api] == operator
    assert cms_plan.escalations_view({'Info': {'ComparisonOperator': api}})['info']['operator'] == operator
