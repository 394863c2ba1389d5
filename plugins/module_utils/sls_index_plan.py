# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A logstore's index as sls_index options, as the GetIndex/CreateIndex JSON, and the plan between them, on plain
dicts only (no SDK, no network).

The view is what the module returns and diffs: {'full_text': None or {'tokens', 'case_sensitive'},
'fields': {name: {'type', 'tokens', 'case_sensitive', 'analytics'}}}. Only what the options control is compared,
so settings the service adds (index_mode, storage, lastModifyTime, ...) never make a run report a change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The Log Service console's default delimiters.
DEFAULT_TOKENS = [',', ' ', "'", '"', ';', '=', '(', ')', '[', ']', '{', '}', '?', '@', '&', '<', '>', '/', ':',
                  '\n', '\t', '\r']
# The keys the Logtail syslog inputs (the ALI_LOG_FMT streamlog input and service_syslog) give each line.
# The keys both Logtail syslog inputs give every line; service_syslog adds the sender (_client_ip_), the message
# time in nanoseconds and, for RFC 5424 lines that carry them, the process id, message id and structured data
# (alibaba/loongcollector plugins/input/syslog/syslog.go, parse()). The default index covers all of them.
SYSLOG_KEYS = ['_hostname_', '_program_', '_priority_', '_facility_', '_severity_', '_ip_', '_content_']
SERVICE_SYSLOG_KEYS = ['_client_ip_', '_unixtimestamp_', '_process_id_', '_message_id_', '_structured_data_']
SYSLOG_FIELDS = SYSLOG_KEYS + SERVICE_SYSLOG_KEYS
FIELD_TYPES = ('text', 'long', 'double')


def desired_index(params):
    """(view, problems) from the module options; problems are (field, message) pairs."""
    problems = []
    tokens = params.get('tokens')
    tokens = DEFAULT_TOKENS if tokens is None else list(tokens)
    if not tokens or not all(isinstance(t, str) and len(t) == 1 for t in tokens):
        problems.append(('tokens', 'must be a non-empty list of single characters'))
    case = bool(params.get('case_sensitive'))
    full_text = {'tokens': tokens, 'case_sensitive': case} if params.get('full_text', True) else None
    fields = {}
    specs = params.get('fields')
    specs = [{'name': n} for n in SYSLOG_FIELDS] if specs is None else specs
    for number, spec in enumerate(specs):
        name = spec.get('name')
        where = 'fields[%d]' % number
        if not name or not isinstance(name, str):
            problems.append((where + '.name', 'required'))
            continue
        if name in fields:
            problems.append((where + '.name', 'duplicate field %r' % name))
        kind = spec.get('type') or 'text'
        if kind not in FIELD_TYPES:
            problems.append((where + '.type', 'must be one of %s, got %r' % (', '.join(FIELD_TYPES), kind)))
        field_tokens = tokens if spec.get('tokens') is None else list(spec['tokens'])
        if kind == 'text' and spec.get('tokens') is not None and not field_tokens:
            problems.append((where + '.tokens', 'a text field needs delimiters'))
        field_case = case if spec.get('case_sensitive') is None else bool(spec['case_sensitive'])
        analytics = True if spec.get('analytics') is None else bool(spec['analytics'])
        fields[name] = ({'type': kind, 'tokens': field_tokens, 'case_sensitive': field_case, 'analytics': analytics}
                        if kind == 'text' else {'type': kind, 'analytics': analytics})
    if full_text is None and not fields:
        problems.append(('fields', 'with full_text false at least one field index is needed'))
    return {'full_text': full_text, 'fields': fields}, problems


def index_body(view):
    """The CreateIndex/UpdateIndex JSON (aliyun.log IndexConfig.from_json reads it) for a view."""
    body = {}
    if view['full_text'] is not None:
        body['line'] = {'token': list(view['full_text']['tokens']),
                        'caseSensitive': view['full_text']['case_sensitive'], 'chn': False}
    keys = {}
    for name, field in view['fields'].items():
        key = {'type': field['type'], 'doc_value': field['analytics']}
        if field['type'] == 'text':
            key.update(token=list(field['tokens']), caseSensitive=field['case_sensitive'], chn=False)
        keys[name] = key
    if keys:
        body['keys'] = keys
    return body


def index_view(body):
    """The view of a GetIndex body."""
    line = body.get('line')
    full_text = None
    if line:
        full_text = {'tokens': list(line.get('token') or []), 'case_sensitive': bool(line.get('caseSensitive'))}
    fields = {}
    for name, key in (body.get('keys') or {}).items():
        kind = key.get('type', 'text')
        field = {'type': kind, 'analytics': bool(key.get('doc_value'))}
        if kind == 'text':
            field.update(tokens=list(key.get('token') or []), case_sensitive=bool(key.get('caseSensitive')))
        fields[name] = field
    return {'full_text': full_text, 'fields': fields}


def plan_index(current, desired):
    """Sorted change names: ['created'] for a new index, else 'full_text' and 'fields.<name>' that differ."""
    if current is None:
        return ['created']
    changes = []
    if current['full_text'] != desired['full_text']:
        changes.append('full_text')
    for name in set(current['fields']) | set(desired['fields']):
        if current['fields'].get(name) != desired['fields'].get(name):
            changes.append('fields.' + name)
    return sorted(changes)
