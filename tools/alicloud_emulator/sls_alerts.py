"""SLS alert rules (alert 2.0, the `/jobs` API of aliyun-log-python-sdk 0.9.52) and the account-level resource
records that route them (webhook integrations, action policies). Facts and source tags: ALERTS.md.

Callers hold SlsStore.lock; every error is an SlsError with the service's code where a source names it.
"""
import copy
import json
import re
import time

from .sls_alert_eval import ExpressionError, parse_expression
from .sls_signing import SlsError

ALERT_NAME = re.compile(r'^[a-z0-9][a-z0-9_-]{0,126}[a-z0-9]$')   # charset unconfirmed [D2]: the stricter reading
SEVERITIES = (2, 4, 6, 8, 10)                                        # Report, Low, Medium, High, Critical [G1]
GROUP_TYPES = ('no_group', 'custom', 'labels_auto')                  # [G1][D8]
SPAN_TYPES = ('Relative', 'Truncated')                               # Custom/absolute windows: not emulated
DURATION = re.compile(r'^(\d+)([smhd])$')
RELATIVE = re.compile(r'^-(\d+)([smhd])$')
UNITS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400}
SERVER_KEYS = ('createTime', 'lastModifiedTime')                     # [P1] _rebind_alert_query drops these
WEBHOOK_RESOURCE = 'sls.alert.action_webhook'                        # [D13]
ACTION_POLICY_RESOURCE = 'sls.alert.action_policy'                   # [D13]
KNOWN_RESOURCES = (WEBHOOK_RESOURCE, ACTION_POLICY_RESOURCE, 'sls.alert.alert_policy', 'sls.alert.content_template',
                   'sls.common.user', 'sls.common.user_group')       # [D13]
WEBHOOK_TYPES = ('custom', 'dingtalk', 'slack', 'wechat', 'lark', 'feishu')
WEBHOOK_METHODS = ('POST', 'GET', 'PUT')
FIRE_CALL = re.compile(r'fire\s*\(([^)]*)\)')
FIRE_ARG = re.compile(r'(\w+)\s*=\s*"([^"]*)"')


def invalid(message):
    return SlsError(400, 'ParameterInvalid', message)


def duration_seconds(text, what):
    """'90s' / '5m' / '1h' / '1d' -> seconds; anything else a 400 naming `what`."""
    match = DURATION.match(text) if isinstance(text, str) else None
    if not match or int(match.group(1)) <= 0:
        raise invalid('%s must be a duration like 30s, 5m, 1h: %r' % (what, text))
    return int(match.group(1)) * UNITS[match.group(2)]


def relative_seconds(text, what):
    """'-15m' -> 900 (the window start of a Relative query [D4][D9])."""
    match = RELATIVE.match(text) if isinstance(text, str) else None
    if not match or int(match.group(1)) <= 0:
        raise invalid('%s must be a relative time like -15m: %r' % (what, text))
    return int(match.group(1)) * UNITS[match.group(2)]


def _status(value):
    """Sent as Enabled/Disabled [D1][D5]; answered as ENABLED/DISABLED [G2][D3]. Absent: ENABLED (docs disagree)."""
    if value is None:
        return 'ENABLED'
    if not isinstance(value, str) or value.upper() not in ('ENABLED', 'DISABLED'):
        raise invalid('status must be Enabled or Disabled: %r' % (value,))
    return value.upper()


def _key_values(value, what):
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(i, dict) and isinstance(i.get('key'), str) and
                                              isinstance(i.get('value', ''), str) for i in value):
        raise invalid('configuration.%s must be a list of {key, value} strings' % what)


def validate_schedule(schedule, min_interval):
    if not isinstance(schedule, dict):
        raise invalid('schedule must be an object')
    kind = schedule.get('type')
    if kind == 'FixedRate':
        seconds = duration_seconds(schedule.get('interval'), 'schedule.interval')
        if seconds < min_interval:
            raise invalid('schedule.interval must be at least %ds: %r' % (min_interval, schedule.get('interval')))
    elif kind == 'Cron':
        from .sls_alert_scheduler import parse_cron
        parse_cron(schedule.get('cronExpression'))
    else:
        # Hourly / Daily / Weekly exist [D1] but the emulator evaluates only FixedRate and Cron (as Terraform's
        # new resource accepts [TF2]).
        raise invalid('schedule.type must be FixedRate or Cron in the emulator: %r' % (kind,))


def _check_expression(text, what):
    if text in (None, ''):
        return
    try:
        parse_expression(text)
    except ExpressionError as err:
        raise invalid('%s is not a valid expression: %s' % (what, err))


def validate_configuration(conf):
    if not isinstance(conf, dict):
        raise invalid('configuration must be an object')
    if str(conf.get('version')) not in ('2.0', '2'):
        raise invalid('configuration.version must be 2.0 (alert 1.0 is not emulated): %r' % (conf.get('version'),))
    queries = conf.get('queryList')
    if not isinstance(queries, list) or not queries:
        raise invalid('configuration.queryList must be a non-empty list')
    for i, query in enumerate(queries):
        what = 'configuration.queryList[%d]' % i
        if not isinstance(query, dict):
            raise invalid('%s must be an object' % what)
        if query.get('storeType', 'log') != 'log':
            raise invalid('%s.storeType: only log is emulated' % what)
        if not (query.get('store') or query.get('logStore')):
            raise invalid('%s.store is required' % what)
        if not isinstance(query.get('query'), str) or not query['query'].strip():
            raise invalid('%s.query is required' % what)
        if query.get('timeSpanType', 'Relative') not in SPAN_TYPES:
            raise invalid('%s.timeSpanType must be Relative or Truncated' % what)
        relative_seconds(query.get('start'), what + '.start')
        if query.get('end', 'now') not in ('now', 'absolute'):
            raise invalid('%s.end must be now' % what)
    if len(queries) > 1:
        raise invalid('configuration.queryList: the emulator evaluates one query (joins are not emulated)')
    group = conf.get('groupConfiguration') or {'type': 'no_group'}
    if not isinstance(group, dict) or group.get('type') not in GROUP_TYPES:
        raise invalid('configuration.groupConfiguration.type must be one of %s' % ', '.join(GROUP_TYPES))
    if group['type'] == 'custom' and not (isinstance(group.get('fields'), list) and group['fields']):
        raise invalid('configuration.groupConfiguration.fields is required for type custom')
    severities = conf.get('severityConfigurations')
    if not isinstance(severities, list) or not severities:
        raise invalid('configuration.severityConfigurations must be a non-empty list')
    for i, entry in enumerate(severities):
        what = 'configuration.severityConfigurations[%d]' % i
        if not isinstance(entry, dict) or entry.get('severity') not in SEVERITIES:
            raise invalid('%s.severity must be one of 2, 4, 6, 8, 10' % what)
        cond = entry.get('evalCondition') or {}
        if not isinstance(cond, dict):
            raise invalid('%s.evalCondition must be an object' % what)
        _check_expression(cond.get('condition'), what + '.evalCondition.condition')
        _check_expression(cond.get('countCondition'), what + '.evalCondition.countCondition')
    _key_values(conf.get('labels'), 'labels')
    _key_values(conf.get('annotations'), 'annotations')
    threshold = conf.get('threshold', 1)
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise invalid('configuration.threshold must be an integer >= 1: %r' % (threshold,))
    if conf.get('noDataFire') and conf.get('noDataSeverity', 6) not in SEVERITIES:
        raise invalid('configuration.noDataSeverity must be one of 2, 4, 6, 8, 10')
    policy = conf.get('policyConfiguration')
    if not isinstance(policy, dict) or not policy.get('actionPolicyId') and not policy.get('alertPolicyId'):
        raise invalid('configuration.policyConfiguration.actionPolicyId is required')
    if policy.get('repeatInterval') not in (None, ''):
        duration_seconds(policy['repeatInterval'], 'configuration.policyConfiguration.repeatInterval')


def parse_fire_calls(script):
    """[{'type':..., 'webhook_id':..., ...}] from an action-policy script's fire(...) calls [D13]. The argument
    names of a webhook channel are unconfirmed; the emulator reads `type` and `webhook_id`."""
    return [dict(FIRE_ARG.findall(args)) for args in FIRE_CALL.findall(script or '')]


def validate_record_value(resource, record_id, value):
    if resource == WEBHOOK_RESOURCE:
        if value.get('id') != record_id:
            raise invalid('value.id must equal the record id %r' % record_id)
        if value.get('type') not in WEBHOOK_TYPES:
            raise invalid('value.type must be one of %s' % ', '.join(WEBHOOK_TYPES))
        if not isinstance(value.get('url'), str) or not re.match(r'^https?://', value['url']):
            raise invalid('value.url must be an http(s) URL')
        if value.get('method', 'POST') not in WEBHOOK_METHODS:
            raise invalid('value.method must be one of %s' % ', '.join(WEBHOOK_METHODS))
        headers = value.get('headers') or []
        if not isinstance(headers, list) or not all(isinstance(h, dict) and 'key' in h for h in headers):
            raise invalid('value.headers must be a list of {key, value}')
    elif resource == ACTION_POLICY_RESOURCE:
        if value.get('action_policy_id') != record_id:
            raise invalid('value.action_policy_id must equal the record id %r' % record_id)
        if not isinstance(value.get('primary_policy_script'), str) or not value['primary_policy_script'].strip():
            # An empty primary script is ActionPolicyEmpty on the service (error list, code name only).
            raise SlsError(400, 'ActionPolicyEmpty', 'value.primary_policy_script must not be empty')


class AlertStore(object):
    """Rules per (project, name) and resource records per (resource, id); `projects` is SlsStore.project."""

    def __init__(self, project_lookup, clock=time.time):
        self.project = project_lookup
        self.clock = clock
        self.rules = {}
        self.records = {}

    # -- rules ---------------------------------------------------------------------------------------------
    def rule(self, project, name):
        self.project(project)
        if (project, name) not in self.rules:
            raise SlsError(404, 'JobNotExist', 'job %s does not exist' % name)   # code [TF4]; 404 unconfirmed
        return self.rules[(project, name)]

    def _validated(self, body, min_interval):
        if body.get('type', 'Alert') != 'Alert':
            raise invalid('type must be Alert: %r' % (body.get('type'),))
        name = body.get('name')
        if not isinstance(name, str) or not ALERT_NAME.match(name):
            raise invalid('name is invalid: %r' % (name,))
        display = body.get('displayName')
        if not isinstance(display, str) or not 1 <= len(display) <= 64:
            raise invalid('displayName must be 1-64 characters: %r' % (display,))
        validate_schedule(body.get('schedule'), min_interval)
        validate_configuration(body.get('configuration'))
        doc = copy.deepcopy(body)
        for key in SERVER_KEYS + ('scheduleId', 'lastModifiedBy', 'state'):
            doc.pop(key, None)
        doc['type'] = 'Alert'
        return doc

    def create(self, project, body, min_interval):
        self.project(project)
        doc = self._validated(body, min_interval)
        if (project, doc['name']) in self.rules:
            raise SlsError(400, 'JobAlreadyExist', 'job %s already exists' % doc['name'])   # code [P1]
        now = int(self.clock())
        doc['status'] = _status(body.get('status'))
        doc['createTime'] = doc['lastModifiedTime'] = now
        self.rules[(project, doc['name'])] = doc
        return doc

    def update(self, project, name, body, min_interval):
        current = self.rule(project, name)
        if body.get('name', name) != name:
            raise invalid('name in the body does not match the URL')
        doc = self._validated(dict(body, name=name), min_interval)
        doc['status'] = _status(body['status']) if 'status' in body else current['status']
        doc['createTime'], doc['lastModifiedTime'] = current['createTime'], int(self.clock())
        self.rules[(project, name)] = doc
        return doc

    def set_enabled(self, project, name, enabled):
        doc = self.rule(project, name)
        doc['status'] = 'ENABLED' if enabled else 'DISABLED'
        doc['lastModifiedTime'] = int(self.clock())

    def delete(self, project, name):
        self.rule(project, name)
        del self.rules[(project, name)]

    def list(self, project, job_name=None):
        self.project(project)
        names = sorted(n for p, n in self.rules if p == project and (not job_name or job_name in n))
        return [copy.deepcopy(self.rules[(project, n)]) for n in names]

    def drop_project(self, project):
        for key in [k for k in self.rules if k[0] == project]:
            del self.rules[key]

    # -- resource records (account level [P1][D13]) -------------------------------------------------------
    @staticmethod
    def _resource(name):
        if name not in KNOWN_RESOURCES:
            raise SlsError(404, 'ResourceNotExist', 'resource %s does not exist' % name)   # code unconfirmed

    def _record_doc(self, resource, body, record_id=None):
        if not isinstance(body, dict):
            raise invalid('a record must be an object')
        record_id = record_id or body.get('id')
        if not isinstance(record_id, str) or not record_id:
            raise invalid('record id is required')
        try:
            value = json.loads(body.get('value'))
        except (TypeError, ValueError):
            raise invalid('record value must be a JSON object string')
        if not isinstance(value, dict):
            raise invalid('record value must be a JSON object string')
        validate_record_value(resource, record_id, value)
        return {'id': record_id, 'tag': body.get('tag') or '', 'value': json.dumps(value, sort_keys=True)}

    def record(self, resource, record_id):
        self._resource(resource)
        if (resource, record_id) not in self.records:
            raise SlsError(404, 'RecordNotExist', 'record %s does not exist' % record_id)   # code unconfirmed
        return self.records[(resource, record_id)]

    def _put_record(self, resource, doc, existing=None):
        now = int(self.clock())
        doc['createTime'] = existing['createTime'] if existing else now
        doc['lastModifyTime'] = now
        self.records[(resource, doc['id'])] = doc

    def create_record(self, resource, body):
        self._resource(resource)
        doc = self._record_doc(resource, body)
        if (resource, doc['id']) in self.records:
            raise SlsError(400, 'RecordAlreadyExist', 'record %s already exists' % doc['id'])   # code unconfirmed
        self._put_record(resource, doc)

    def update_record(self, resource, record_id, body):
        existing = self.record(resource, record_id)
        self._put_record(resource, self._record_doc(resource, body, record_id), existing)

    def upsert_records(self, resource, body):
        self._resource(resource)
        records = body.get('records')
        if not isinstance(records, list) or not records:
            raise invalid('records must be a non-empty list')
        docs = [self._record_doc(resource, r) for r in records]   # all validated before any is written
        for doc in docs:
            self._put_record(resource, doc, self.records.get((resource, doc['id'])))

    def delete_records(self, resource, ids):
        self._resource(resource)
        for record_id in ids:
            self.records.pop((resource, record_id), None)

    def list_records(self, resource, tag=None, ids=None):
        self._resource(resource)
        keys = sorted(k for k in self.records if k[0] == resource)
        docs = [self.records[k] for k in keys]
        return [dict(d) for d in docs if (not tag or d['tag'] == tag) and (not ids or d['id'] in ids)]

    def record_value(self, resource, record_id):
        doc = self.records.get((resource, record_id))
        return json.loads(doc['value']) if doc else None
