"""Log Service data-plane calls for SlsService (a mixin): PutLogs, GetLogs (v1 GET and v2 POST), GetHistograms,
index create/get/update/delete, ListMachines, and the emulator-only agent heartbeat.

Handlers take (project, body, query, *path args) like sls.py's; PutLogs and GetLogs v2 are RAW_BODY_ACTIONS and
get a RawRequest (body bytes plus headers) because their bodies are protobuf or need the Accept-Encoding header.
A handler may return a Reply to set its own body and headers (x-log-progress, compression).
"""
import copy
import json

import lz4.block

from .sls_logs import MAX_LINES, LogData
from .sls_query import split_query
from .sls_machines import Machines
from .sls_putlogs import check_content_type, decode_log_group
from .sls_signing import SlsError

_NAME = r'([^/]+)'
DATA_ROUTES = [
    ('POST', r'/logstores/' + _NAME + r'/shards/lb', 'PutLogs', '_put_logs'),
    ('POST', r'/logstores/' + _NAME + r'/shards/route', 'PutLogs', '_put_logs'),
    ('POST', r'/logstores/' + _NAME + r'/logs', 'GetLogs', '_get_logs_v2'),
    ('POST', r'/logstores/' + _NAME + r'/index', 'CreateIndex', '_create_index'),
    ('GET', r'/logstores/' + _NAME + r'/index', 'GetIndex', '_get_index'),
    ('PUT', r'/logstores/' + _NAME + r'/index', 'UpdateIndex', '_update_index'),
    ('DELETE', r'/logstores/' + _NAME + r'/index', 'DeleteIndex', '_delete_index'),
    ('GET', r'/machinegroups/' + _NAME + r'/machines', 'ListMachines', '_list_machines'),
]
RAW_BODY_ACTIONS = ('PutLogs', 'GetLogs')
# GET /logstores/{name} is GetLogStore unless `type` asks for logs or a histogram (the v1 query API).
QUERY_TYPES = {'log': ('GetLogs', '_get_logs_v1'), 'histogram': ('GetHistograms', '_get_histograms')}
HEARTBEAT_PATH = '/_emulator/sls/agent/heartbeat'


class RawRequest(object):
    def __init__(self, body, headers):
        self.body, self.headers = body, headers

    def header(self, name, default=None):
        return (self.headers.get(name) or [default])[0]


class Reply(object):
    def __init__(self, payload, headers):
        self.payload, self.headers = payload, headers


def _int_param(params, name, default, low=None, high=None):
    value = params.get(name, default)
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise SlsError(400, 'ParameterInvalid', '%s must be an integer: %r' % (name, value))
    if (low is not None and value < low) or (high is not None and value > high):
        raise SlsError(400, 'ParameterInvalid', '%s must be between %s and %s: %d' % (name, low, high, value))
    return value


def _flag(value):
    return value is True or str(value).lower() == 'true'


class DataPlaneHandlers(object):
    """Mixed into SlsService, which provides self.store (SlsStore) and self.data (LogData)."""

    def _init_data_plane(self):
        """self.data_options: LogData's options; self.account_aliuid, self.instance_ids: whose machines count."""
        self.data = LogData(**self.data_options)
        self.machines = Machines(self.account_aliuid, self.instance_ids, self.data.clock)

    def snapshot(self):
        """SlsStore.snapshot() with each logstore's index (or None), when it takes effect and the number of stored
        logs, and (when there are any) the heartbeats that joined nothing: unattributedMachines."""
        out = self.store.snapshot()
        for project, state in out['projects'].items():
            for name, logstore in state['logstores'].items():
                data = self.data.stores.get((project, name)) or {'index': None, 'logs': []}
                logstore.update(index=copy.deepcopy(data['index']), logCount=len(data['logs']),
                                indexEffectiveTime=self.data.effective_time(project, name))
        unattributed = self.machines.unattributed_list()
        if unattributed:  # only then, so that an empty Log Service stays {'projects': {}}
            out['unattributedMachines'] = unattributed
        return out

    def _put_logs(self, project, request, query, logstore):
        check_content_type(request.header('content-type'))
        self.store.logstore(project, logstore)
        group = decode_log_group(request.body, request.header('x-log-compresstype', ''),
                                 request.header('x-log-bodyrawsize'))
        self.data.put(project, logstore, group, request.header('x-forwarded-for', '127.0.0.1'))

    def _search(self, project, logstore, params):
        """-> (rows, logs scanned, progress, has_sql). An Incomplete answer carries no rows, as the service's does.
        With SQL after `|`, the SQL's LIMIT (default 100) bounds the rows and `line`, `offset` and `reverse` do not
        apply (the service's reading of them with SQL is unconfirmed; the SDK's get_log sends its defaults)."""
        meta = self.store.logstore(project, logstore)
        start, end = _int_param(params, 'from', None), _int_param(params, 'to', None)
        if end < start:
            raise SlsError(400, 'ParameterInvalid', 'to (%d) is earlier than from (%d)' % (end, start))
        line = _int_param(params, 'line', MAX_LINES, 0, MAX_LINES)
        offset = _int_param(params, 'offset', 0, 0)
        query, topic = params.get('query') or '', params.get('topic') or None
        rows, scanned, has_sql = self.data.execute(project, logstore, query, start, end, topic,
                                                   bool(meta.get('appendMeta')))
        # offset, line and reverse page through one search; they do not make another.
        progress = self.data.progress((project, logstore, query, start, end, topic))
        if progress != 'Complete':
            return [], 0, progress, has_sql
        if not has_sql:
            if _flag(params.get('reverse')):
                rows = rows[::-1]
            rows = rows[offset:offset + line]
        return rows, scanned, progress, has_sql

    def _get_logs_v1(self, project, body, query, logstore):
        rows, scanned, progress, _ = self._search(project, logstore, query)
        return Reply(json.dumps(rows).encode('utf-8'),
                     {'x-log-progress': progress, 'x-log-count': str(len(rows)),
                      'x-log-processed-rows': str(scanned), 'x-log-elapsed-millisecond': '1'})

    def _get_logs_v2(self, project, request, query, logstore):
        try:
            params = json.loads(request.body.decode('utf-8'))
        except ValueError:
            raise SlsError(400, 'PostBodyInvalid', 'the GetLogs body is not valid JSON')
        rows, scanned, progress, has_sql = self._search(project, logstore, params)
        search, analytic = split_query(params.get('query') or '')
        if has_sql:  # the SQL's columns, in select order
            keys = list(rows[0]) if rows else []
        else:
            keys = sorted({k for row in rows for k in row if not k.startswith('__')})
        doc = {'meta': {'progress': progress, 'count': len(rows), 'processedRows': scanned,
                        'elapsedMillisecond': 1, 'hasSQL': has_sql, 'whereQuery': search.strip(),
                        'aggQuery': analytic or '', 'keys': keys, 'terms': [], 'mode': 0, 'isAccurate': True},
               'data': rows}
        raw = json.dumps(doc).encode('utf-8')
        if 'lz4' in (request.header('accept-encoding') or ''):
            # The service compresses the answer when the client offers lz4, as the SDK always does.
            return Reply(lz4.block.compress(raw, store_size=False),
                         {'x-log-compresstype': 'lz4', 'x-log-bodyrawsize': str(len(raw))})
        return Reply(raw, {})

    def _get_histograms(self, project, body, query, logstore):
        self.store.logstore(project, logstore)
        start, end = _int_param(query, 'from', None), _int_param(query, 'to', None)
        found, _ = self.data.search(project, logstore, query.get('query') or '', start, end,
                                    query.get('topic') or None)
        buckets = self.data.histogram(found, start, end)
        return Reply(json.dumps(buckets).encode('utf-8'),
                     {'x-log-progress': 'Complete', 'x-log-count': str(len(found))})

    def _create_index(self, project, body, query, logstore):
        self.store.logstore(project, logstore)
        self.data.create_index(project, logstore, body)

    def _get_index(self, project, body, query, logstore):
        self.store.logstore(project, logstore)
        return dict(self.data.get_index(project, logstore))

    def _update_index(self, project, body, query, logstore):
        self.store.logstore(project, logstore)
        self.data.update_index(project, logstore, body)

    def _delete_index(self, project, body, query, logstore):
        self.store.logstore(project, logstore)
        self.data.delete_index(project, logstore)

    def _list_machines(self, project, body, query, group):
        machines = self.machines.machines_of(self.store.group(project, group))
        offset, size = _int_param(query, 'offset', 0, 0), _int_param(query, 'size', 100, 1, 500)
        page = machines[offset:offset + size]
        return {'count': len(page), 'total': len(machines), 'machines': page}

    def agent_heartbeat(self, body):
        """Emulator-only (the real config-server protocol is not public): record a heartbeat, answer the machine
        groups it belongs to and the configs applied to them, with each config's full detail. A machine that is
        not the account's joins nothing: `refused` says why."""
        try:
            doc = json.loads(body.decode('utf-8'))
        except ValueError:
            raise SlsError(400, 'PostBodyInvalid', 'the heartbeat body is not valid JSON')
        if not isinstance(doc, dict):
            raise SlsError(400, 'PostBodyInvalid', 'the heartbeat body must be a JSON object')
        with self.store.lock:
            machine, refused = self.machines.heartbeat(doc)
            if refused:
                return {'machine': machine, 'groups': [], 'configs': [], 'refused': refused}
            groups, configs = [], []
            for project, state in sorted(self.store.projects.items()):
                for name, group in sorted(state['machinegroups'].items()):
                    if not any(m['machine-uniqueid'] == machine['machine-uniqueid']
                               for m in self.machines.machines_of(group)):
                        continue
                    groups.append({'project': project, 'groupName': name})
                    configs.extend(self._applied_detail(project, state, name))
        return {'machine': machine, 'groups': groups, 'configs': configs}

    @staticmethod
    def _applied_detail(project, state, group):
        for config in sorted(c for g, c in state['applied'] if g == group):
            kind = 'pipelineconfigs' if config in state['pipelineconfigs'] else 'configs'
            detail = state[kind][config]
            logstore = (detail['flushers'][0].get('Logstore') if kind == 'pipelineconfigs' else
                        detail.get('outputDetail', {}).get('logstoreName'))
            yield {'project': project, 'groupName': group, 'configName': config, 'kind': kind,
                   'logstore': logstore, 'detail': detail}
