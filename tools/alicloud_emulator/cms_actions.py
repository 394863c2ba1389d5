"""The CloudMonitor actions on the store (called by cms.CmsService with the store lock held).

Each function takes (service, params) and returns the body fields besides RequestId/Code/Message/Success, or raises
cms.Refused. Parameters and response shapes follow the SDK models of alibabacloud-cms20190101 4.0.10 [C1] and the
API reference [D23]; CMS.md lists what is inferred or unconfirmed.
"""
import json

from .cms_params import (NO_DATA_POLICIES, OPERATORS, STATISTICS, Refused, boolean, integer, numbered, paged,
                         required)
from .cms_store import LEVELS, OK

CHANNELS = ('Mail', 'SMS', 'AliIM', 'DingWebHook')
# SilenceTime: default 86400, minimum 3600 per the API reference [D23] and ROS GroupMetricRule; Terraform validates
# 300-86400 [TF5]. The stricter 3600 is enforced.
MIN_SILENCE_TIME = 3600


def _ms(service):
    return int(service.clock() * 1000)


def _contact_groups(service, value):
    """A comma list of contact group names; every one must exist (stricter reading: unconfirmed)."""
    names = [n.strip() for n in (value or '').split(',') if n.strip()]
    for name in names:
        if name not in service.store.contact_groups:
            raise Refused('The contact group %s does not exist.' % name, '404')
    return names


# Contacts and contact groups.
def put_contact(service, params):
    name = required(params, 'ContactName')
    describe = required(params, 'Describe')
    channels = {c: params['Channels.' + c] for c in CHANNELS if params.get('Channels.' + c)}
    if not channels:
        raise Refused('The contact %s needs at least one channel (Channels.Mail, .SMS, .AliIM, .DingWebHook).' % name)
    now = _ms(service)
    old = service.store.contacts.get(name)
    service.store.contacts[name] = {'Name': name, 'Desc': describe, 'Lang': params.get('Lang') or 'zh-cn',
                                    'Channels': channels, 'CreateTime': old['CreateTime'] if old else now,
                                    'UpdateTime': now}


def _contact_doc(store, contact):
    doc = dict(contact)
    doc['Channels'] = dict(contact['Channels'])
    doc['ChannelsState'] = {c: 'OK' for c in contact['Channels']}
    doc['ContactGroups'] = {'ContactGroup': sorted(g['Name'] for g in store.contact_groups.values()
                                                   if contact['Name'] in g['Contacts'])}
    return doc


def describe_contact_list(service, params):
    store = service.store
    contacts = [c for n, c in sorted(store.contacts.items())
                if not params.get('ContactName') or n == params['ContactName']]
    page, _, _ = paged(contacts, params, default_size=100)
    return {'Total': len(contacts), 'Contacts': {'Contact': [_contact_doc(store, c) for c in page]}}


def delete_contact(service, params):
    name = required(params, 'ContactName')
    if service.store.contacts.pop(name, None) is None:
        raise Refused('The contact %s does not exist.' % name, '404')
    for group in service.store.contact_groups.values():
        if name in group['Contacts']:
            group['Contacts'].remove(name)


def put_contact_group(service, params):
    name = required(params, 'ContactGroupName')
    members = numbered(params, 'ContactNames')
    for member in members:
        if member not in service.store.contacts:
            raise Refused('The contact %s does not exist.' % member, '404')
    now = _ms(service)
    old = service.store.contact_groups.get(name)
    service.store.contact_groups[name] = {
        'Name': name, 'Describe': params.get('Describe', old['Describe'] if old else ''), 'Contacts': members,
        'EnableSubscribed': boolean(params.get('EnableSubscribed'), old['EnableSubscribed'] if old else False),
        'EnabledWeeklyReport': False, 'CreateTime': old['CreateTime'] if old else now, 'UpdateTime': now}


def describe_contact_group_list(service, params):
    groups = [g for _, g in sorted(service.store.contact_groups.items())]
    page, number, size = paged(groups, params, default_size=100)
    docs = []
    for group in page:
        doc = dict(group)
        doc['Contacts'] = {'Contact': list(group['Contacts'])}
        docs.append(doc)
    return {'Total': len(groups), 'ContactGroupList': {'ContactGroup': docs},
            'ContactGroups': {'ContactGroup': [g['Name'] for g in page]}}


def delete_contact_group(service, params):
    name = required(params, 'ContactGroupName')
    if service.store.contact_groups.pop(name, None) is None:
        raise Refused('The contact group %s does not exist.' % name, '404')


# Application (monitor) groups and their instances.
def _group(service, params):
    group_id = integer(params, 'GroupId')
    group = service.store.groups.get(group_id)
    if group is None:
        raise Refused('The group %s does not exist.' % group_id, '404')
    return group


def create_monitor_group(service, params):
    name = required(params, 'GroupName')
    contact_groups = _contact_groups(service, params.get('ContactGroups'))
    store = service.store
    group_id = store.new_group_id()
    now = _ms(service)
    store.groups[group_id] = {'GroupId': group_id, 'GroupName': name, 'ContactGroups': contact_groups,
                              'Type': 'custom', 'GmtCreate': now, 'GmtModified': now, 'instances': {}}
    return {'GroupId': group_id}


def modify_monitor_group(service, params):
    """ModifyMonitorGroup: GroupId (required), GroupName and ContactGroups (a comma list) replace the group's; the
    SDK's response model types Code as an int (_modify_monitor_group_response_body.py)."""
    group = _group(service, params)
    if params.get('GroupName') is not None:
        group['GroupName'] = required(params, 'GroupName')
    if params.get('ContactGroups') is not None:
        group['ContactGroups'] = _contact_groups(service, params.get('ContactGroups'))
    group['GmtModified'] = _ms(service)
    return {}


def describe_monitor_groups(service, params):
    groups = sorted(service.store.groups.values(), key=lambda g: g['GroupId'])
    if params.get('GroupId'):
        groups = [g for g in groups if str(g['GroupId']) == params['GroupId']]
    # GroupName is matched as a substring (stricter for clients: they must compare names exactly; unconfirmed).
    for key in ('GroupName', 'Keyword'):
        if params.get(key):
            groups = [g for g in groups if params[key] in g['GroupName']]
    if params.get('InstanceId'):
        groups = [g for g in groups if params['InstanceId'] in g['instances']]
    page, number, size = paged(groups, params)
    docs = [{'GroupId': g['GroupId'], 'GroupName': g['GroupName'], 'Type': g['Type'], 'GmtCreate': g['GmtCreate'],
             'GmtModified': g['GmtModified'],
             'ContactGroups': {'ContactGroup': [{'Name': n} for n in g['ContactGroups']]},
             'Tags': {'Tag': []}} for g in page]
    return {'Total': len(groups), 'PageNumber': number, 'PageSize': size, 'Resources': {'Resource': docs}}


def delete_monitor_group(service, params):
    group = _group(service, params)
    del service.store.groups[group['GroupId']]
    return {'Group': {'GroupName': group['GroupName'], 'ContactGroups': {'ContactGroup': [
        {'Name': n} for n in group['ContactGroups']]}}}


def create_monitor_group_instances(service, params):
    group = _group(service, params)
    instances = numbered(params, 'Instances', fields=True)
    if not instances:
        raise Refused('The parameter Instances is required.')
    for index, inst in enumerate(instances, 1):
        for field in ('InstanceId', 'InstanceName', 'RegionId', 'Category'):
            if not inst.get(field):
                raise Refused('The parameter Instances.%d.%s is required.' % (index, field))
    for inst in instances:
        old = group['instances'].get(inst['InstanceId'])
        group['instances'][inst['InstanceId']] = {
            'Id': old['Id'] if old else service.store.new_instance_row(), 'InstanceId': inst['InstanceId'],
            'InstanceName': inst['InstanceName'], 'RegionId': inst['RegionId'], 'Category': inst['Category'].upper()}
    group['GmtModified'] = _ms(service)


def describe_monitor_group_instances(service, params):
    group = _group(service, params)
    rows = list(group['instances'].values())
    if params.get('Category'):
        rows = [r for r in rows if r['Category'].lower() == params['Category'].lower()]
    if params.get('InstanceIds'):
        wanted = set(i.strip() for i in params['InstanceIds'].split(','))
        rows = [r for r in rows if r['InstanceId'] in wanted]
    if params.get('Keyword'):
        rows = [r for r in rows if params['Keyword'] in r['InstanceName'] or params['Keyword'] in r['InstanceId']]
    page, number, size = paged(rows, params)
    return {'Total': len(rows), 'PageNumber': number, 'PageSize': size,
            'Resources': {'Resource': [dict(r) for r in page]}}


def delete_monitor_group_instances(service, params):
    group = _group(service, params)
    required(params, 'Category')
    ids = [i.strip() for i in required(params, 'InstanceIdList').split(',') if i.strip()]
    for instance_id in ids:
        group['instances'].pop(instance_id, None)
    group['GmtModified'] = _ms(service)


# Metric rules.
def _escalations(params):
    found = {}
    for level in LEVELS:
        fields = {f: params.get('Escalations.%s.%s' % (level, f))
                  for f in ('Statistics', 'ComparisonOperator', 'Threshold', 'Times')}
        given = {k: v for k, v in fields.items() if v not in (None, '')}
        if not given:
            continue
        if len(given) != 4:
            missing = sorted(set(fields) - set(given))
            names = ', '.join('Escalations.%s.%s' % (level, m) for m in missing)
            raise Refused('Escalations.%s needs %s.' % (level, names))
        if given['Statistics'] not in STATISTICS:
            raise Refused('Escalations.%s.Statistics %r is not supported (%s).'
                          % (level, given['Statistics'], ', '.join(STATISTICS)))
        if given['ComparisonOperator'] not in OPERATORS:
            raise Refused('Escalations.%s.ComparisonOperator %r is not valid.' % (level, given['ComparisonOperator']))
        try:
            float(given['Threshold'])
        except ValueError:
            raise Refused('Escalations.%s.Threshold %r is not a number.' % (level, given['Threshold']))
        times = integer(given, 'Times', low=1)
        found[level] = {'Statistics': given['Statistics'], 'ComparisonOperator': given['ComparisonOperator'],
                        'Threshold': given['Threshold'], 'Times': times, 'PreCondition': ''}
    if not found:
        raise Refused('At least one of Escalations.Critical, .Warn, .Info is required.')
    return found


def _put_rule(service, params, group=None):
    """Upsert a rule. ContactGroups is required on a resource rule; a group rule without it takes the group's
    (Terraform's group rule example sets none [D28])."""
    if group is None:
        required(params, 'ContactGroups')
    rule_id = required(params, 'RuleId')
    store = service.store
    old = store.rules.get(rule_id)
    period = integer(params, 'Period', 300)
    if period < service.min_period:
        raise Refused('The parameter Period must be at least %d seconds, got %d.' % (service.min_period, period))
    policy = params.get('NoDataPolicy') or 'KEEP_LAST_STATE'
    if policy not in NO_DATA_POLICIES:
        raise Refused('The parameter NoDataPolicy %r is not valid (%s).' % (policy, ', '.join(NO_DATA_POLICIES)))
    resources = params.get('Resources') or '[]'
    if group is None:
        try:
            parsed = json.loads(resources)
            assert isinstance(parsed, list) and all(isinstance(r, dict) and r.get('instanceId') for r in parsed)
        except (ValueError, AssertionError):
            raise Refused('The parameter Resources must be a JSON list of {"instanceId": ...}, got %r.' % resources)
    now = _ms(service)
    rule = {
        'RuleId': rule_id, 'RuleName': required(params, 'RuleName'), 'Namespace': required(params, 'Namespace'),
        'MetricName': required(params, 'MetricName'),
        'ContactGroups': ','.join(_contact_groups(service, params.get('ContactGroups')) if params.get('ContactGroups')
                                  or group is None else group['ContactGroups']),
        'Resources': resources if group is None else json.dumps([{'groupId': group['GroupId']}]),
        'Escalations': _escalations(params), 'Period': str(period), 'Interval': params.get('Interval', ''),
        'SilenceTime': integer(params, 'SilenceTime', 86400, MIN_SILENCE_TIME),
        'EffectiveInterval': params.get('EffectiveInterval') or '00:00-23:59',
        'NoEffectiveInterval': params.get('NoEffectiveInterval') or '',
        'Webhook': params.get('Webhook') or '', 'MailSubject': params.get('EmailSubject') or '',
        'SendOK': boolean(params.get('SendOK'), True), 'NoDataPolicy': policy,
        'Labels': {'Labels': [{'Key': label.get('Key'), 'Value': label.get('Value', '')}
                              for label in numbered(params, 'Labels', fields=True)]},
        'GroupId': str(group['GroupId']) if group else '', 'GroupName': group['GroupName'] if group else '',
        'Dimensions': params.get('Dimensions') or '', 'SourceType': 'METRIC',
        'EnableState': old['EnableState'] if old else True, 'AlertState': old['AlertState'] if old else OK,
        'GmtCreate': old['GmtCreate'] if old else now, 'GmtUpdate': now,
        '_resources': old['_resources'] if old else {}, '_last_eval': old['_last_eval'] if old else None,
        '_next_due': service.clock() + period}
    store.rules[rule_id] = rule


def put_resource_metric_rule(service, params):
    _put_rule(service, params)


def put_group_metric_rule(service, params):
    _put_rule(service, params, _group(service, params))


def describe_metric_rule_list(service, params):
    rules = sorted(service.store.rules.values(), key=lambda r: r['GmtCreate'])
    if params.get('RuleIds'):
        wanted = [i.strip() for i in params['RuleIds'].split(',') if i.strip()]
        if len(wanted) > 20:
            raise Refused('The parameter RuleIds takes at most 20 ids.')
        rules = [r for r in rules if r['RuleId'] in wanted]
    if params.get('RuleName'):
        rules = [r for r in rules if params['RuleName'] in r['RuleName']]
    for key in ('Namespace', 'MetricName', 'GroupId', 'AlertState'):
        if params.get(key):
            rules = [r for r in rules if str(r[key]) == params[key]]
    if params.get('EnableState'):
        rules = [r for r in rules if r['EnableState'] == boolean(params['EnableState'], True)]
    page, _, _ = paged(rules, params, page_name='Page', default_size=10)
    docs = [{k: v for k, v in r.items() if not k.startswith('_')} for r in page]
    return {'Total': str(len(rules)), 'Alarms': {'Alarm': docs}}


def _set_enabled(service, params, enabled):
    ids = numbered(params, 'RuleId')
    if not ids:
        raise Refused('The parameter RuleId is required.')
    missing = [i for i in ids if i not in service.store.rules]
    if missing:
        raise Refused('The metric rule %s does not exist.' % ', '.join(missing), '404')
    for rule_id in ids:
        rule = service.store.rules[rule_id]
        rule['EnableState'] = enabled
        if enabled:
            rule['_next_due'] = service.clock() + int(rule['Period'])


def enable_metric_rules(service, params):
    _set_enabled(service, params, True)


def disable_metric_rules(service, params):
    _set_enabled(service, params, False)


def delete_metric_rules(service, params):
    ids = numbered(params, 'Id')
    if not ids:
        raise Refused('The parameter Id is required.')
    for rule_id in ids:  # an unknown id is ignored (idempotent delete; unconfirmed)
        service.store.rules.pop(rule_id, None)
