# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure planning for the cms_* modules (no SDK, no I/O): the service's answers normalised to the modules' option
names, the desired state from the options, what changed, and the request fields (API names, as the SDK models'
from_map takes them; shapes from alibabacloud-cms20190101 4.0.10 models, ALERTS.md section 4 [C1]).

Webhook URLs (DingTalk robots, callback URLs) carry tokens: views never hold one, only hidden_url()'s marker, which
changes when the URL does so that diff and `changes` still show a change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

# The modules' operator spelling -> the API's ComparisonOperator [C1][D23].
OPERATORS = {'>': 'GreaterThanThreshold', '>=': 'GreaterThanOrEqualToThreshold', '<': 'LessThanThreshold',
             '<=': 'LessThanOrEqualToThreshold', '==': 'EqualToThreshold', '!=': 'NotEqualToThreshold'}
API_OPERATORS = dict((v, k) for k, v in OPERATORS.items())
LEVELS = (('critical', 'Critical'), ('warn', 'Warn'), ('info', 'Info'))
STATISTICS = ('Average', 'Maximum', 'Minimum')
NO_DATA_POLICIES = ('KEEP_LAST_STATE', 'INSUFFICIENT_DATA', 'OK')


def hidden_url(url):
    """A marker for a secret-bearing URL: empty for none, else a short hash that changes with the URL."""
    if not url:
        return ''
    return '<hidden sha256:%s>' % hashlib.sha256(url.encode('utf-8')).hexdigest()[:12]  # pragma: no mutate (equivalent: codec names are case-insensitive)


def _listed(value, key):
    """Items under value[key] when the service wraps a list as {"Key": [...]}, or value itself when a list."""
    if isinstance(value, dict):
        value = value.get(key)
    if isinstance(value, list):
        return value
    return [value] if value else []


def changed_fields(current, desired):
    """The keys whose desired value is not None and differs from current (sorted)."""
    return sorted(k for k, v in desired.items() if v is not None and current.get(k) != v)


# Contacts and contact groups.
def contact_view(doc):
    """A DescribeContactList Contact as {name, description, email, dingtalk_webhook (hidden)}."""
    channels = doc.get('Channels') or {}
    return {'name': doc.get('Name'), 'description': doc.get('Desc') or doc.get('Describe') or '',
            'email': channels.get('Mail') or '', 'dingtalk_webhook': hidden_url(channels.get('DingWebHook'))}


def desired_contact(option):
    """A contacts[] option as a view (description defaults to the name; unset channels stay None = keep)."""
    return {'name': option['name'], 'description': option.get('description') or option['name'],
            'email': option.get('email'), 'dingtalk_webhook': hidden_url(option.get('dingtalk_webhook'))
            if option.get('dingtalk_webhook') is not None else None}


def blank_problems(params, names):
    """(option, message) for each of `names` given as an empty or all-blank string: the service refuses those only
    after the module has written what came before."""
    return [(name, 'must not be empty') for name in names
            if isinstance(params.get(name), str) and not params[name].strip()]


def contact_problems(contacts):
    """(option, message) pairs for a contacts list the service would refuse."""
    problems, seen = [], set()
    for index, contact in enumerate(contacts or []):
        where = 'contacts[%d]' % index
        if not (contact.get('name') or '').strip():
            problems.append(('contacts', '%s.name must not be empty' % where))
        if not (contact.get('email') or contact.get('dingtalk_webhook')):
            problems.append(('contacts', '%s.email or %s.dingtalk_webhook: a contact needs at least one channel'
                             % (where, where)))
        if contact['name'] in seen:
            problems.append(('contacts', '%s: name %s appears twice' % (where, contact['name'])))
        seen.add(contact['name'])
        if contact.get('email') and '@' not in contact['email']:
            problems.append(('contacts', '%s (%s): email %r is not an address'
                             % (where, contact['name'], contact['email'])))
        hook = contact.get('dingtalk_webhook')
        if hook and not hook.startswith(('http://', 'https://')):
            problems.append(('contacts', '%s (%s): dingtalk_webhook must be an http(s) URL' % (where, contact['name'])))
    return problems


def put_contact_fields(option, current_doc=None):
    """PutContact fields: unset channels keep the current ones (PutContact replaces the whole contact)."""
    channels = dict((current_doc or {}).get('Channels') or {})
    channels = dict((k, v) for k, v in channels.items() if k in ('Mail', 'SMS', 'AliIM', 'DingWebHook') and v)
    if option.get('email') is not None:
        channels['Mail'] = option['email']
    if option.get('dingtalk_webhook') is not None:
        channels['DingWebHook'] = option['dingtalk_webhook']
    return {'ContactName': option['name'], 'Describe': option.get('description') or option['name'],
            'Channels': dict((k, v) for k, v in channels.items() if v)}


def contact_group_view(doc):
    """A DescribeContactGroupList ContactGroup as {name, description, contacts (sorted)}."""
    return {'name': doc.get('Name'), 'description': doc.get('Describe') or '',
            'contacts': sorted(_listed(doc.get('Contacts'), 'Contact'))}


def desired_contact_group(name, description, contacts):
    return {'name': name, 'description': description if description is not None else None,  # pragma: no mutate (equivalent: None gives None either way)
            'contacts': sorted(c['name'] for c in contacts) if contacts is not None else None}


# Application (monitor) groups.
def instance_view(doc):
    return {'instance_id': doc.get('InstanceId'), 'instance_name': doc.get('InstanceName') or '',
            'region_id': doc.get('RegionId') or ''}


def desired_instances(options):
    return sorted(({'instance_id': i['instance_id'], 'instance_name': i.get('instance_name') or i['instance_id'],
                    'region_id': i['region_id']} for i in options), key=lambda i: i['instance_id'])


def instance_problems(options):
    problems, seen = [], set()
    for index, item in enumerate(options or []):
        for field in ('instance_id', 'region_id'):
            if not (item.get(field) or '').strip():
                problems.append(('instances', 'instances[%d].%s must not be empty' % (index, field)))
        if item['instance_id'] in seen:
            problems.append(('instances', 'instances[%d]: instance_id %s appears twice' % (index, item['instance_id'])))
        seen.add(item['instance_id'])
    return problems


def plan_instances(current, desired):
    """(to_add, to_remove) instance views so that the group holds exactly `desired`; a changed name or region is
    a remove then an add."""
    current_by_id = dict((i['instance_id'], i) for i in current)
    desired_by_id = dict((i['instance_id'], i) for i in desired)
    to_add = [i for i in desired if current_by_id.get(i['instance_id']) != i]
    to_remove = [i for i in current if desired_by_id.get(i['instance_id']) != i]
    return to_add, to_remove


def monitor_group_view(doc, instances):
    contact_groups = [g.get('Name') if isinstance(g, dict) else g for g in _listed(doc.get('ContactGroups'),
                                                                                   'ContactGroup')]
    return {'name': doc.get('GroupName'), 'group_id': str(doc.get('GroupId')),
            'contact_groups': sorted(g for g in contact_groups if g),
            'instances': sorted(instances, key=lambda i: i['instance_id'])}


def instances_fields(group_id, instances):
    return {'GroupId': int(group_id), 'Instances': [
        {'InstanceId': i['instance_id'], 'InstanceName': i['instance_name'], 'RegionId': i['region_id'],
         'Category': 'ecs'} for i in instances]}


# Metric rules.
def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number == int(number) else number


def escalations_view(doc):
    out = {}
    for level, api in LEVELS:
        item = (doc or {}).get(api) or {}
        if not item.get('ComparisonOperator'):
            continue
        out[level] = {'statistics': item.get('Statistics'),
                      'operator': API_OPERATORS.get(item['ComparisonOperator'], item['ComparisonOperator']),
                      'threshold': _number(item.get('Threshold')), 'times': int(item.get('Times') or 1)}
    return out


def rule_view(doc):
    """A DescribeMetricRuleList Alarm in the module's option names (the webhook hidden)."""
    enabled = doc.get('EnableState')
    return {'rule_id': doc.get('RuleId'), 'name': doc.get('RuleName'), 'monitor_group': doc.get('GroupName') or '',
            'group_id': str(doc.get('GroupId') or ''), 'namespace': doc.get('Namespace'),
            'metric': doc.get('MetricName'), 'escalations': escalations_view(doc.get('Escalations')),
            'period': int(doc.get('Period') or 0), 'silence_time': int(doc.get('SilenceTime') or 0),
            'webhook_url': hidden_url(doc.get('Webhook')), 'send_ok': doc.get('SendOK') in (True, 'true', 'True'),
            'no_data_policy': doc.get('NoDataPolicy') or 'KEEP_LAST_STATE',
            'contact_groups': sorted(g for g in (doc.get('ContactGroups') or '').split(',') if g),
            'enabled': enabled in (True, 'true', 'True')}


def desired_rule(params, group_id, contact_groups):
    escalations = {}
    for level, dummy in LEVELS:
        item = (params.get('escalations') or {}).get(level)
        if item:
            escalations[level] = {'statistics': item['statistics'], 'operator': item['operator'],
                                  'threshold': _number(item['threshold']), 'times': item['times']}
    return {'rule_id': params['rule_id'], 'name': params.get('name') or params['rule_id'],
            'monitor_group': params['monitor_group'], 'group_id': str(group_id) if group_id else None,
            'namespace': params['namespace'], 'metric': params['metric'], 'escalations': escalations,
            'period': params['period'], 'silence_time': params['silence_time'],
            'webhook_url': hidden_url(params.get('webhook_url') or ''), 'send_ok': params['send_ok'],
            'no_data_policy': params['no_data_policy'], 'contact_groups': sorted(contact_groups),
            'enabled': params['enabled']}


def rule_problems(params):
    problems = []
    escalations = params.get('escalations') or {}
    if not any(escalations.get(level) for level, dummy in LEVELS):
        problems.append(('escalations', 'set at least one of critical, warn, info'))
    for level, dummy in LEVELS:
        item = escalations.get(level)
        if item and item.get('times') is not None and item['times'] < 1:
            problems.append(('escalations', '%s.times must be at least 1, got %d' % (level, item['times'])))
    # CloudMonitor's own minimum (60 s) is left to the service, which names Period in its refusal: an emulator
    # (and the alarm demo) takes shorter periods, as sls_alert leaves schedule.interval's to Log Service.
    if params.get('period') is not None and params['period'] < 1:
        problems.append(('period', 'must be at least 1 second, got %d' % params['period']))
    # The API reference gives 3600 as the minimum (Terraform validates 300); the stricter reading [D23].
    if params.get('silence_time') is not None and params['silence_time'] < 3600:
        problems.append(('silence_time', 'must be at least 3600 seconds, got %d' % params['silence_time']))
    url = params.get('webhook_url')
    if url and not url.startswith(('http://', 'https://')):
        problems.append(('webhook_url', 'must be an http(s) URL'))
    return problems


def rule_fields(params, group_id, contact_groups):
    """PutGroupMetricRule fields for the options."""
    fields = {'RuleId': params['rule_id'], 'RuleName': params.get('name') or params['rule_id'],
              'GroupId': str(group_id), 'Category': 'ecs', 'Namespace': params['namespace'],
              'MetricName': params['metric'], 'Period': str(params['period']), 'SilenceTime': params['silence_time'],
              'ContactGroups': ','.join(contact_groups), 'NoDataPolicy': params['no_data_policy'],
              'Webhook': params.get('webhook_url') or '', 'Escalations': {}}
    for level, api in LEVELS:
        item = (params.get('escalations') or {}).get(level)
        if item:
            fields['Escalations'][api] = {'Statistics': item['statistics'],
                                          'ComparisonOperator': OPERATORS[item['operator']],
                                          'Threshold': str(_number(item['threshold'])), 'Times': item['times']}
    return fields


def resources_json(group_id):
    return json.dumps([{'groupId': group_id}])
