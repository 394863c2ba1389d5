"""Log Service (SLS) REST API for aliyun-log-python-sdk: projects, logstores, machine groups, Logtail configs
(legacy and pipeline form) and their machine-group bindings.

The SDK puts the project in the Host header (`<project>.<endpoint host>`) and signs with `LOG ak:sig` (V1) or
SLS4-HMAC-SHA256 (V4); see sls_signing.py. Errors are the real `{"errorCode","errorMessage"}` JSON with an
`x-log-requestid` header. The server routes a request here when `accepts(headers)` says so; latency, fault
injection and stats are the shared ones of EmulatorState.
"""
import json
import re
import time
from urllib.parse import unquote

from .errors import new_request_id
from .sls_dataplane import (
    DATA_ROUTES, HEARTBEAT_PATH, QUERY_TYPES, RAW_BODY_ACTIONS, DataPlaneHandlers, RawRequest, Reply)
from .sls_alert_scheduler import AlertScheduler
from .sls_alert_api import ACCOUNT_ACTIONS, ALERT_ROUTES, JOB_ACTIONS, AlertHandlers
from .sls_alerts import AlertStore
from .sls_signing import SlsAuthenticator, SlsError
from .sls_store import SlsStore

IPV4 = re.compile(r'^\d{1,3}(\.\d{1,3}){3}$')
_NAME = r'([^/]+)'
# (method, path pattern, action name, handler method name)
ROUTES = [
    ('GET', r'/', 'GetProject', '_get_project'),
    ('POST', r'/', 'CreateProject', '_create_project'),
    ('PUT', r'/', 'UpdateProject', '_update_project'),
    ('DELETE', r'/', 'DeleteProject', '_delete_project'),
    ('GET', r'/logstores', 'ListLogStores', '_list_logstores'),
    ('POST', r'/logstores', 'CreateLogStore', '_create_logstore'),
    ('GET', r'/logstores/' + _NAME, 'GetLogStore', '_get_logstore'),
    ('PUT', r'/logstores/' + _NAME, 'UpdateLogStore', '_update_logstore'),
    ('DELETE', r'/logstores/' + _NAME, 'DeleteLogStore', '_delete_logstore'),
    ('GET', r'/machinegroups', 'ListMachineGroup', '_list_groups'),
    ('POST', r'/machinegroups', 'CreateMachineGroup', '_create_group'),
    ('GET', r'/machinegroups/' + _NAME, 'GetMachineGroup', '_get_group'),
    ('PUT', r'/machinegroups/' + _NAME, 'UpdateMachineGroup', '_update_group'),
    ('DELETE', r'/machinegroups/' + _NAME, 'DeleteMachineGroup', '_delete_group'),
    ('GET', r'/machinegroups/' + _NAME + '/configs', 'GetAppliedConfigs', '_applied_configs'),
    ('PUT', r'/machinegroups/' + _NAME + '/configs/' + _NAME, 'ApplyConfigToMachineGroup', '_apply'),
    ('DELETE', r'/machinegroups/' + _NAME + '/configs/' + _NAME, 'RemoveConfigFromMachineGroup', '_remove'),
    ('GET', r'/configs', 'ListConfig', '_list_configs'),
    ('POST', r'/configs', 'CreateConfig', '_create_config'),
    ('GET', r'/configs/' + _NAME, 'GetConfig', '_get_config'),
    ('PUT', r'/configs/' + _NAME, 'UpdateConfig', '_update_config'),
    ('DELETE', r'/configs/' + _NAME, 'DeleteConfig', '_delete_config'),
    ('GET', r'/configs/' + _NAME + '/machinegroups', 'GetAppliedMachineGroups', '_applied_groups'),
    ('GET', r'/pipelineconfigs', 'ListLogtailPipelineConfig', '_list_pipelines'),
    ('POST', r'/pipelineconfigs', 'CreateLogtailPipelineConfig', '_create_pipeline'),
    ('GET', r'/pipelineconfigs/' + _NAME, 'GetLogtailPipelineConfig', '_get_pipeline'),
    ('PUT', r'/pipelineconfigs/' + _NAME, 'UpdateLogtailPipelineConfig', '_update_pipeline'),
    ('DELETE', r'/pipelineconfigs/' + _NAME, 'DeleteLogtailPipelineConfig', '_delete_pipeline'),
] + DATA_ROUTES + ALERT_ROUTES
ROUTES = [(m, re.compile('^' + p + '$'), a, h) for m, p, a, h in ROUTES]


def project_from_host(host):
    """'<project>.<IPv4|localhost|region.log.aliyuncs.com>[:port]' -> project, or '' for the bare endpoint."""
    host = host.rsplit(':', 1)[0] if host.count(':') == 1 else host
    if IPV4.match(host) or host == 'localhost':
        return ''
    head, _, rest = host.partition('.')
    if IPV4.match(rest) or rest == 'localhost' or rest.count('.') >= 3 and rest.endswith('.log.aliyuncs.com'):
        return head
    return ''


def _paged(items, query, key):
    offset, size = int(query.get('offset') or 0), int(query.get('size') or 100)
    page = items[offset:offset + size]
    return {'count': len(page), 'total': len(items), key: page}


class SlsService(DataPlaneHandlers, AlertHandlers):
    product = 'Sls'

    def __init__(self, access_keys, sts_token=None, sts_key_ids=(), region='cn-hangzhou', account_aliuid='',
                 instance_ids=(), **data_options):
        """account_aliuid: the one account the emulator is; instance_ids: its ECS instances; data_options:
        LogData's index_delay, incomplete_first and clock."""
        self.auth = SlsAuthenticator(access_keys, sts_token, sts_key_ids)
        self.store = SlsStore(region, owner=account_aliuid)
        self.account_aliuid, self.instance_ids = account_aliuid, frozenset(instance_ids)
        self.data_options = data_options
        self._init_data_plane()
        self.alerts = AlertStore(self.store.project, lambda: self.data.clock())
        self.alarm_min_interval = 60
        self.scheduler = AlertScheduler(self)

    def start_background(self, state):
        """The alert scheduler thread: tick(LogData clock) every second (ALERTS.md)."""
        self.alarm_min_interval = getattr(state, 'alarm_min_interval', 60)
        self.scheduler.start()

    def stop_background(self):
        self.scheduler.stop()

    @staticmethod
    def accepts(headers):
        authorization = (headers.get('authorization') or [''])[0]
        return 'x-log-apiversion' in headers or authorization.startswith(('LOG ', 'SLS4-HMAC-SHA256 '))

    def introspect(self, method, path, body=b''):
        """(status, body) for /_emulator/sls/* or None."""
        if path == HEARTBEAT_PATH and method == 'POST':
            try:
                return 200, json.dumps(self.agent_heartbeat(body)).encode('utf-8')
            except SlsError as err:
                return err.status, json.dumps({'errorCode': err.code, 'errorMessage': err.message}).encode('utf-8')
        if path == '/_emulator/sls/state' and method == 'GET':
            with self.store.lock:
                return 200, json.dumps(self.snapshot(), sort_keys=True).encode('utf-8')
        if path == '/_emulator/sls/alerts' and method == 'GET':
            with self.store.lock:
                return 200, json.dumps(self.scheduler.snapshot(), sort_keys=True).encode('utf-8')
        if path == '/_emulator/sls/reset' and method == 'POST':
            with self.store.lock:
                self.store.projects.clear()
                self._init_data_plane()
                self.alerts.rules.clear()
                self.alerts.records.clear()
                self.scheduler.reset()
            return 200, b'{"reset":true}'
        return None

    def handle(self, state, method, path, query, headers, body):
        """Answer one SLS call: (status, body bytes, extra headers). `state` is the shared EmulatorState."""
        request_id = new_request_id()
        resource = unquote(path or '/')
        project = project_from_host((headers.get('host') or [''])[0])
        self.alarm_min_interval = getattr(state, 'alarm_min_interval', 60)
        route, args = self._route(method, resource, query)
        action = route[2] if route else 'Unknown'
        if action == 'GetProject' and not project:
            action = 'ListProject'
        state.stats.count_call(action, None)
        state.stats.enter()
        try:
            if state.latency:
                time.sleep(state.latency)
            status, payload, extra = self._answer(state, method, resource, query, headers, body, project, route,
                                                  action, args)
        finally:
            state.stats.leave()
        return status, payload, dict(extra, **{'x-log-requestid': request_id, 'Server': 'AliyunSLS'})

    @staticmethod
    def _route(method, resource, query):
        for route in ROUTES:
            match = route[1].match(resource)
            if route[0] == method and match:
                if route[2] == 'GetLogStore' and query.get('type') in QUERY_TYPES:
                    route = (method, route[1]) + QUERY_TYPES[query['type']]
                if route[2] == 'UpdateAlert' and query.get('action') in JOB_ACTIONS:
                    route = (method, route[1]) + JOB_ACTIONS[query['action']]
                return route, match.groups()
        return None, ()

    def _answer(self, state, method, resource, query, headers, body, project, route, action, args):
        counted = False
        try:
            try:
                self.auth.authenticate(method, resource, query, headers, body)
            except SlsError:
                state.stats.count('signature_failures')
                counted = True
                raise
            if route is None:
                raise SlsError(404, 'InvalidRequestURI', 'no API answers %s %s' % (method, resource))
            fault = state.faults.roll()
            if fault is not None:
                state.stats.count('throttled' if fault.status == 400 else 'errors')
                counted = True
                # SLS names these ServerBusy / InternalServerError; the SDK retries both.
                raise (SlsError(503, 'ServerBusy', 'The server is busy, please try again later.')
                       if fault.status == 400 else
                       SlsError(500, 'InternalServerError', 'Internal server error.'))
            if action == 'ListProject':
                with self.store.lock:
                    names = sorted(self.store.projects)
                    result = _paged([self.store.projects[n]['meta'] for n in names], query, 'projects')
            elif not project and route[2] not in ACCOUNT_ACTIONS:
                raise SlsError(400, 'ProjectNotExist', 'The Project does not exist : (no project in Host)')
            elif route[2] in RAW_BODY_ACTIONS:
                with self.store.lock:
                    result = getattr(self, route[3])(project, RawRequest(body, headers), query, *args)
            else:
                try:
                    doc = json.loads(body.decode('utf-8')) if body else {}
                except ValueError:
                    raise SlsError(400, 'PostBodyInvalid', 'The request body is not valid JSON.')
                if not isinstance(doc, dict):
                    raise SlsError(400, 'PostBodyInvalid', 'The request body must be a JSON object.')
                with self.store.lock:
                    result = getattr(self, route[3])(project, doc, query, *args)
        except SlsError as err:
            if not counted:
                state.stats.count('client_errors')
            payload = {'errorCode': err.code, 'errorMessage': err.message}
            return err.status, json.dumps(payload).encode('utf-8'), {}
        state.stats.count('ok')
        if isinstance(result, Reply):
            return 200, result.payload, result.headers
        return 200, b'' if result is None else json.dumps(result).encode('utf-8'), {}

    # -- handlers: (project, body, query, *path args) -> JSON-able result or None ------------------------------
    def _get_project(self, project, body, query):
        return dict(self.store.project(project)['meta'])

    def _create_project(self, project, body, query):
        self.store.create_project(project, body)

    def _update_project(self, project, body, query):
        self.store.update_project(project, body)

    def _delete_project(self, project, body, query):
        self.store.delete_project(project)
        self.data.drop(project)
        self.alerts.drop_project(project)

    def _list_logstores(self, project, body, query):
        return _paged(sorted(self.store.project(project)['logstores']), query, 'logstores')

    def _create_logstore(self, project, body, query):
        self.store.create_logstore(project, body)

    def _get_logstore(self, project, body, query, name):
        return dict(self.store.logstore(project, name))

    def _update_logstore(self, project, body, query, name):
        self.store.update_logstore(project, name, body)

    def _delete_logstore(self, project, body, query, name):
        self.store.delete_logstore(project, name)
        self.data.drop(project, name)

    def _list_groups(self, project, body, query):
        return _paged(sorted(self.store.project(project)['machinegroups']), query, 'machinegroups')

    def _create_group(self, project, body, query):
        self.store.create_group(project, body)

    def _get_group(self, project, body, query, name):
        return dict(self.store.group(project, name))

    def _update_group(self, project, body, query, name):
        self.store.update_group(project, name, body)

    def _delete_group(self, project, body, query, name):
        self.store.delete_group(project, name)

    def _applied_configs(self, project, body, query, group):
        configs = self.store.applied_configs(project, group)
        return {'count': len(configs), 'configs': configs}

    def _apply(self, project, body, query, group, config):
        self.store.apply_config(project, group, config)

    def _remove(self, project, body, query, group, config):
        self.store.remove_config(project, group, config)

    def _list_configs(self, project, body, query, kind='configs'):
        names = sorted(self.store.project(project)[kind])
        if query.get('configName'):
            names = [n for n in names if query['configName'] in n]
        return _paged(names, query, 'configs')

    def _create_config(self, project, body, query):
        self.store.create_config(project, body)

    def _get_config(self, project, body, query, name):
        return dict(self.store.config(project, name))

    def _update_config(self, project, body, query, name):
        self.store.update_config(project, name, body)

    def _delete_config(self, project, body, query, name):
        self.store.delete_config(project, name)

    def _applied_groups(self, project, body, query, config):
        groups = self.store.applied_groups(project, config)
        return {'count': len(groups), 'machinegroups': groups}

    def _list_pipelines(self, project, body, query):
        return self._list_configs(project, body, query, 'pipelineconfigs')

    def _create_pipeline(self, project, body, query):
        self.store.create_config(project, body, 'pipelineconfigs')

    def _get_pipeline(self, project, body, query, name):
        return dict(self.store.config(project, name, 'pipelineconfigs'))

    def _update_pipeline(self, project, body, query, name):
        self.store.update_config(project, name, body, 'pipelineconfigs')

    def _delete_pipeline(self, project, body, query, name):
        self.store.delete_config(project, name, 'pipelineconfigs')
