# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-versus-current planning for Log Service resources, on plain dicts only (no SDK, no network).

Views are the snake_case dicts the modules return and diff; bodies are the camelCase JSON of the SLS API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import ipaddress
import re

from ansible_collections.alicloud_ops.logging.plugins.module_utils.machine_ids import machine_id_problem

NAME_RULES = {
    'project': (re.compile(r'^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\Z'),
                '3-63 characters: lowercase letters, digits and hyphens, starting and ending with a letter or digit'),
    'logstore': (re.compile(r'^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]\Z'),
                 '3-63 characters: lowercase letters, digits, hyphens and underscores, starting and ending with a '
                 'letter or digit'),
    'machine_group': (re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{1,126}[A-Za-z0-9]\Z'),
                      '3-128 characters: letters, digits, hyphens and underscores, starting and ending with a '
                      'letter or digit'),
    'config': (re.compile(r'^[a-z0-9][a-z0-9_-]{0,126}[a-z0-9]\Z'),
               '2-128 characters: lowercase letters, digits, hyphens and underscores, starting and ending with a '
               'letter or digit'),
}

LOGSTORE_DEFAULTS = {'ttl': 30, 'shard_count': 2, 'auto_split': True, 'max_split_shard': 64,
                     'append_meta': False, 'enable_tracking': False}
LOGSTORE_KEYS = {'ttl': 'ttl', 'shard_count': 'shardCount', 'auto_split': 'autoSplit',
                 'max_split_shard': 'maxSplitShard', 'append_meta': 'appendMeta', 'enable_tracking': 'enable_tracking'}
GROUP_ATTRIBUTE_KEYS = {'group_topic': 'groupTopic', 'external_name': 'externalName'}
PIPELINE_LISTS = ('inputs', 'processors', 'aggregators', 'flushers')


def name_problem(kind, value):
    """None when value is a valid name of that kind, else a message for the user."""
    pattern, rule = NAME_RULES[kind]
    if isinstance(value, str) and pattern.match(value):
        return None
    return 'invalid %s name %r: %s' % (kind.replace('_', ' '), value, rule)


def name_problems(params, **kinds):
    """[(option, problem or None)] for each option=kind: the option's value must be a valid name of that kind."""
    return [(option, name_problem(kind, params[option])) for option, kind in kinds.items()]


def changed_keys(current, desired):
    """Sorted keys whose desired value is set (not None) and differs from current."""
    return sorted(k for k, v in desired.items() if v is not None and current.get(k) != v)


def merge_view(current, desired):
    """current updated with every desired value that is set."""
    after = dict(current)
    after.update((k, v) for k, v in desired.items() if v is not None)
    return after


# -- projects ---------------------------------------------------------------------------------------------------
def project_view(body):
    return {'name': body.get('projectName'), 'description': body.get('description') or '',
            'region': body.get('region'), 'status': body.get('status')}


def plan_project(current, description):
    """(after view, changed keys); current None means the project does not exist yet."""
    if current is None:
        return {'name': None, 'description': description or ''}, ['created']
    desired = {'description': description}
    return merge_view(current, desired), changed_keys(current, desired)


# -- logstores --------------------------------------------------------------------------------------------------
def logstore_view(body):
    view = {'name': body.get('logstoreName')}
    for key, api_key in LOGSTORE_KEYS.items():
        view[key] = body.get(api_key, LOGSTORE_DEFAULTS[key])
    return view


def plan_logstore(current, desired):
    """(after view, changed keys, warnings). desired: LOGSTORE_KEYS -> value or None (keep / default)."""
    if current is None:
        after = merge_view(LOGSTORE_DEFAULTS, desired)
        return after, ['created'], []
    warnings = []
    wanted = dict(desired)
    if wanted.get('shard_count') is not None and wanted['shard_count'] != current.get('shard_count'):
        warnings.append('shard_count of an existing logstore only changes by splitting or merging shards; '
                        'keeping %s (asked for %s)' % (current.get('shard_count'), wanted['shard_count']))
        wanted['shard_count'] = None
    return merge_view(current, wanted), changed_keys(current, wanted), warnings


# -- machine groups ---------------------------------------------------------------------------------------------
def machines_problem(machine_type, machines):
    """An (option, problem) pair: why this machine list cannot be used (empty entries, bad IPs for machine_type
    ip), the option naming the entry at fault; the problem is None when the list is fine."""
    for index, machine in enumerate(machines or []):
        option = 'machines[%d]' % index
        problem = machine_id_problem(machine)
        if problem:
            return option, problem
        if machine_type == 'ip':
            try:
                ipaddress.ip_address(u'%s' % machine.strip())
            except ValueError:
                return option, '%r is not an IP address (machine_type is ip)' % machine
    return 'machines', None


def plan_machine_list(current, desired, append):
    """The list to send: desired alone (exact), or current plus the desired ones it lacks (append).

    desired None keeps current. Duplicates are dropped, order is kept (current first when appending)."""
    if desired is None:
        return list(current)
    base = list(current) if append else []
    for machine in desired:
        machine = machine.strip()
        if machine not in base:
            base.append(machine)
    return base


def group_view(body):
    attribute = body.get('groupAttribute') or {}
    view = {'name': body.get('groupName'), 'machine_type': body.get('machineIdentifyType'),
            'machines': list(body.get('machineList') or []), 'group_type': body.get('groupType') or ''}
    for key, api_key in GROUP_ATTRIBUTE_KEYS.items():
        view[key] = attribute.get(api_key, '')
    return view


def plan_group(current, machine_type, machines, append, attributes):
    """(after view, changed keys). attributes: GROUP_ATTRIBUTE_KEYS -> value or None (keep)."""
    base = current or {'name': None, 'machine_type': machine_type, 'machines': [], 'group_type': '',
                       'group_topic': '', 'external_name': ''}
    desired = dict(attributes, machine_type=machine_type)
    after = merge_view(base, desired)
    after['machines'] = plan_machine_list(base['machines'], machines, append)
    if current is None:
        return after, ['created']
    changed = changed_keys(current, desired)
    # Order of the list means nothing to Log Service; only membership is compared.
    if sorted(after['machines']) != sorted(current['machines']):
        changed = sorted(changed + ['machines'])
    return after, changed


def group_attribute_body(view):
    return {api_key: view[key] for key, api_key in GROUP_ATTRIBUTE_KEYS.items() if view.get(key)}


# -- Logtail configs --------------------------------------------------------------------------------------------
def syslog_config_body(name, logstore, tag, local_storage=True, input_detail=None, log_sample=None):
    """Legacy (v1) config JSON of inputType syslog, as SyslogConfigDetail.to_json() builds it."""
    detail = dict(input_detail or {})
    detail.update({'tag': tag, 'localStorage': bool(local_storage)})
    body = {'configName': name, 'inputType': 'syslog', 'inputDetail': detail,
            'outputType': 'LogService', 'outputDetail': {'logstoreName': logstore}}
    if log_sample:
        body['logSample'] = log_sample
    return body


def pipeline_config_body(name, logstore, pipeline, log_sample=None):
    """Pipeline (v2) config JSON; without flushers, one flusher_sls into logstore."""
    pipeline = copy.deepcopy(pipeline or {})
    body = {'configName': name, 'inputs': pipeline.get('inputs') or [],
            'flushers': pipeline.get('flushers') or [{'Type': 'flusher_sls', 'Logstore': logstore}]}
    for key in ('processors', 'aggregators'):
        if pipeline.get(key):
            body[key] = pipeline[key]
    if pipeline.get('global'):
        body['global'] = pipeline['global']
    if log_sample:
        body['logSample'] = log_sample
    return body


def pipeline_problem(pipeline):
    if not isinstance(pipeline.get('inputs'), list) or len(pipeline['inputs']) != 1:
        return 'pipeline.inputs: exactly one input plugin is required'
    for key in PIPELINE_LISTS:
        for plugin in pipeline.get(key) or []:
            if not isinstance(plugin, dict) or not plugin.get('Type'):
                return 'pipeline.%s: every plugin needs a Type, got %r' % (key, plugin)
    flushers = pipeline.get('flushers')
    if flushers and (len(flushers) != 1 or flushers[0].get('Type') != 'flusher_sls'):
        return 'pipeline.flushers: exactly one flusher_sls plugin is allowed'
    return None


def config_view(body, form):
    """What the module shows and compares: the config body without server timestamps, plus its form."""
    view = {k: copy.deepcopy(v) for k, v in body.items() if k not in ('createTime', 'lastModifyTime', 'modifyTime')}
    view['form'] = form
    return view


def _normal_pipeline(body):
    out = {k: body.get(k) or [] for k in PIPELINE_LISTS}
    out['global'] = body.get('global') or {}
    return out


def plan_config(current, desired_body, form):
    """(after view, changed keys). current: a config_view or None.

    Legacy form: inputDetail is compared key by key on the keys asked for, so details the service adds keep
    the config idempotent, and the update body keeps them. Pipeline form: plugin lists and global are exact."""
    after = config_view(desired_body, form)
    if current is None:
        return after, ['created']
    if current.get('form') != form:
        return after, ['form']
    changed = []
    if form == 'legacy':
        detail = dict(current.get('inputDetail') or {})
        for key, value in desired_body['inputDetail'].items():
            if detail.get(key) != value:
                changed.append('inputDetail.%s' % key)
        detail.update(desired_body['inputDetail'])
        after['inputDetail'] = detail
        for key in ('inputType', 'outputDetail'):
            wanted = desired_body[key]
            have = current.get(key)
            if key == 'outputDetail':
                have = {'logstoreName': (have or {}).get('logstoreName')}
                after[key] = dict(current.get(key) or {}, **wanted)
            if have != wanted:
                changed.append(key)
    else:
        have, wanted = _normal_pipeline(current), _normal_pipeline(desired_body)
        changed.extend(k for k in sorted(wanted) if have[k] != wanted[k])
    if 'logSample' in desired_body:
        if current.get('logSample') != desired_body['logSample']:
            changed.append('logSample')
    elif current.get('logSample'):
        after['logSample'] = current['logSample']
    return after, sorted(changed)


def plan_attachments(current, desired, purge):
    """(attach, detach) machine group names, each sorted. desired None leaves the bindings alone."""
    current = set(current or [])
    if desired is None:
        return [], []
    desired = set(desired)
    return sorted(desired - current), (sorted(current - desired) if purge else [])
