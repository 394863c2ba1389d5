# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/verify.yml's canary per file source, on plain dicts: on each host, what to append where
(``file_canaries``); on the controller, with what each write said (``written_plans``), one search per
logstore for every host's canaries of the sources that write there (``file_canary_searches``), how many are still
missing and the report, with a diagnosis for each missing one (``file_canary_report``).

A host's canary plan per source::

    {'source': 'nginx-access', 'logstore': 'web-access', 'config_name': '<prefix>-nginx-access',
     'canary': 'alicloudverify<run>x<host>f<n>', 'line': '127.0.0.1 - - [...] "GET /alicloud-verify/... HTTP/1.1" ...',
     'field': 'request_uri', 'value': '/alicloud-verify/...', 'query': 'request_uri: "/alicloud-verify/..."',
     'probe': None, 'files': ['/var/log/nginx/access.log'], 'flush_wait': 0, 'problem': None}

``field`` None: the line is not parsed (a regex source without verify_line) and is found by full text. A field
the logstore's index lacks (a json source's alicloud_verify unless index_keys lists it) is searched by full text
too; either way the report takes a log as the canary only when the parsed field holds it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_source_canary import (
    CanaryError, canary_line, canary_target)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_sources import (
    FLUSH_TIMEOUT_SECS, config_name, index_fields, normalize_sources)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.canary_check import _found_at, diagnose_path

SOURCES_VAR = 'alicloud_logging_file_sources'


def _quoted(value):
    return '"%s"' % value.replace('\\', '\\\\').replace('"', '\\"')


def file_canaries(sources, canary, prefix, now=None):
    """One plan per source of the host (see the module docstring); a source no line or probe can be made for
    gets its ``problem`` (reported as that host's and source's failure) instead of a line."""
    plans = []
    for number, source in enumerate(normalize_sources(sources, SOURCES_VAR)):
        token = '%sf%d' % (canary, number)
        plan = {'source': source['name'], 'logstore': source['logstore'],
                'config_name': config_name(prefix, source['name']), 'canary': token, 'line': None, 'field': None,
                'value': token, 'query': token, 'probe': None, 'files': [], 'problem': None,
                # A multi-line source's last event waits for the next start line or FlushTimeoutSecs.
                'flush_wait': source.get('flush_timeout', FLUSH_TIMEOUT_SECS) if source['multiline_start'] else 0}
        try:
            plan.update(canary_line(source, token, now))
            plan.update(canary_target(source))
        except CanaryError as err:
            plan['problem'] = '%s[%d] (%s): %s' % (SOURCES_VAR, number, source['name'], err)
            plans.append(plan)
            continue
        if plan['field'] in [f['name'] for f in index_fields(source)]:
            plan['query'] = '%s: %s' % (plan['field'], _quoted(plan['value']))
        plans.append(plan)
    return plans


def written_plans(facts):
    """A host's plans (its canary facts' ``files``) with what the writes said (``file_writes``: the write task's
    loop results): ``path`` the line went to, or ``problem``; ``written`` when (``files_written``)."""
    by_source = dict(((r.get('item') or {}).get('source'), r) for r in facts.get('file_writes') or [])
    out = []
    for plan in facts.get('files') or []:
        plan = dict(plan, written=float(facts.get('files_written') or 0), path=None)
        result = by_source.get(plan['source'])
        if plan['problem'] is None:
            output = ((result or {}).get('stdout') or '').strip()
            if result is None or result.get('rc') != 0:
                plan['problem'] = 'no canary written: %s' % (output or (result or {}).get('msg') or 'not run')
            else:
                plan['path'] = output
        out.append(plan)
    return out


def file_canary_searches(hosts):
    """{logstore: {'query', 'rows', 'wait', 'canaries'}} over every host's written canaries: ONE search per logstore
    finds them all; ``wait`` is the longest flush wait of its multi-line sources."""
    searches = {}
    for name in sorted(hosts):
        for plan in written_plans(hosts[name]):
            if plan.get('problem'):
                continue
            search = searches.setdefault(plan['logstore'], {'queries': [], 'canaries': [], 'wait': 0})
            search['queries'].append(plan['query'])
            search['canaries'].append(dict((k, plan[k]) for k in ('canary', 'field', 'value')))
            search['wait'] = max(search['wait'], int(plan.get('flush_wait') or 0))
    return dict((store, {'query': ' OR '.join('(%s)' % q for q in s['queries']), 'rows': len(s['canaries']),
                         'wait': s['wait'], 'canaries': s['canaries']}) for store, s in searches.items())


def _holds(log, canary):
    """The log is this canary's: its parsed field (or, unparsed, any value) holds it as a whole token (a host's
    ...f1 is not its ...f10)."""
    token = re.compile(r'(?<![A-Za-z0-9])%s(?![A-Za-z0-9])' % re.escape(canary['canary']))
    if canary['field'] is not None:
        return token.search(str(log.get(canary['field'], ''))) is not None
    return any(token.search(str(value)) for key, value in log.items() if not key.startswith('__'))


def _match(logs, canary):
    return next((log for log in logs or [] if _holds(log, canary)), None)


def _diagnose(host, plan, group, search):
    if plan.get('problem'):
        return plan['problem']
    if group is not None and group.get('failed'):
        return 'machine group %s: %s' % (plan['config_name'], group.get('msg'))
    facts = dict(host, written=plan['written'])
    cause = diagnose_path(facts, group, plan['config_name'], search, collects='source %s' % plan['source'])
    if cause:
        return cause
    text = ('heartbeat but no line: the agent has config %s but did not ship %s (readable by the agent? the path '
            'in the config?)' % (plan['config_name'], plan['path']))
    if plan.get('flush_wait'):
        text += ('; a multi-line source\'s last event is sent only after flush_timeout (%d s) or the next event'
                 % plan['flush_wait'])
    return text


def file_canary_report(hosts, results, searched_at, groups=None, search=None):
    """hosts: {name: canary facts with 'files', 'file_writes' and 'files_written' (see written_plans)};
    results: {logstore: {'logs', 'complete'}} of the searches; groups: {machine group: sls_machine_group_info's
    result plus 'name'} of the sources with a missing canary (None: not looked up); search: {'searchable_from':
    {logstore: epoch}}.

    Returns {'found': {'host source': delay}, 'missing': {'host source': diagnosis}, 'lines': [...], 'pending':
    {logstore: written canaries not found}, 'groups': [machine groups of the missing ones]}."""
    found, missing, lines, pending, groups_missing = {}, {}, [], {}, []
    searchable = (search or {}).get('searchable_from') or {}
    for name in sorted(hosts):
        for plan in written_plans(hosts[name]):
            key = '%s %s' % (name, plan['source'])
            result = (results or {}).get(plan['logstore']) or {}
            log = None if plan.get('problem') else _match(result.get('logs'), plan)
            if not plan.get('problem'):
                pending[plan['logstore']] = pending.get(plan['logstore'], 0) + (log is None)
            if log is not None:
                delay = max(0.0, _found_at(log, searched_at) - float(plan['written']))
                found[key] = round(delay, 1)
                lines.append('%s: source %s canary searchable in %s after %.1f s: %s=%s' % (
                    name, plan['source'], plan['logstore'], delay, plan['field'] or 'text',
                    str(log.get(plan['field'], plan['canary'])).strip()))
                continue
            group = (groups or {}).get(plan['config_name'])
            group = None if group is None else dict(group, name=plan['config_name'])
            state = {'complete': result.get('complete', True), 'searchable_from': searchable.get(plan['logstore'])}
            missing[key] = _diagnose(hosts[name], plan, group, state)
            if plan['config_name'] not in groups_missing:
                groups_missing.append(plan['config_name'])
            lines.append('%s: source %s canary %s NOT FOUND in %s: %s' % (
                name, plan['source'], plan['canary'], plan['logstore'], missing[key]))
    return {'found': found, 'missing': missing, 'lines': lines, 'pending': pending, 'groups': groups_missing}
