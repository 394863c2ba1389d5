"""Log Service data plane state: stored logs per logstore, index configs, and machine heartbeats.

PutLogs bodies are the SDK's protobuf LogGroup (aliyun.log.log_logs_pb2, the SDK's own definitions), lz4 block
or deflate compressed as `x-log-compresstype` says, with `x-log-bodyrawsize` the uncompressed length. Every stored
log keeps its receive time. Searches run the sls_query subset over a [from, to) window of log times.
Callers hold SlsStore.lock; errors are SlsError with the real codes.
"""
import time
import zlib

import lz4.block
from aliyun.log.log_logs_pb2 import LogGroup
from google.protobuf.message import DecodeError

from .sls_query import check_against_index, matches, parse_query
from .sls_signing import SlsError

MAX_LINES = 100           # GetLogs `line` upper bound on the real service
MAX_HISTOGRAM_BUCKETS = 60
INDEX_TYPES = ('text', 'long', 'double', 'json')


def bad_body(message):
    return SlsError(400, 'PostBodyInvalid', message)


def decode_log_group(body, compress_type, raw_size):
    """Wire body -> LogGroup, checking the compression and x-log-bodyrawsize the way the service must."""
    try:
        raw_size = int(raw_size)
    except (TypeError, ValueError):
        raise SlsError(400, 'InvalidBodyRawSize', 'x-log-bodyrawsize is missing or not a number: %r' % (raw_size,))
    try:
        if compress_type == 'lz4':
            raw = lz4.block.decompress(body, uncompressed_size=raw_size)
        elif compress_type == 'deflate':
            raw = zlib.decompress(body)
        elif compress_type in ('', None):
            raw = body
        else:
            raise SlsError(400, 'InvalidCompressType', 'x-log-compresstype %r is not supported' % compress_type)
    except (lz4.block.LZ4BlockError, zlib.error) as err:
        raise bad_body('the body does not decompress as %s: %s' % (compress_type, err))
    if len(raw) != raw_size:
        raise bad_body('x-log-bodyrawsize %d does not match the uncompressed body (%d bytes)' % (raw_size, len(raw)))
    group = LogGroup()
    try:
        group.ParseFromString(raw)
    except DecodeError as err:
        raise bad_body('the body is not a protobuf LogGroup: %s' % err)
    return group


def logs_from_group(group, client_ip, received):
    tags = [('__tag__:' + t.Key, t.Value) for t in group.LogTags]
    for log in group.Logs:
        yield {'time': log.Time, 'source': group.Source or client_ip, 'topic': group.Topic, 'tags': tags,
               'contents': [(c.Key, c.Value) for c in log.Contents], 'received': received,
               'client_ip': client_ip}


def validate_index(body):
    line, keys = body.get('line'), body.get('keys')
    if not line and not keys:
        raise SlsError(400, 'ParameterInvalid', 'an index needs a full-text (line) index or field (keys) indexes')
    if line is not None and (not isinstance(line, dict) or not line.get('token')):
        raise SlsError(400, 'ParameterInvalid', 'line.token must be a non-empty list of delimiters')
    for key, config in (keys or {}).items():
        if not isinstance(config, dict) or config.get('type', 'text') not in INDEX_TYPES:
            raise SlsError(400, 'ParameterInvalid', 'keys.%s.type must be one of %s' % (key, ', '.join(INDEX_TYPES)))
        if config.get('type', 'text') == 'text' and not config.get('token'):
            raise SlsError(400, 'ParameterInvalid', 'keys.%s.token must be a non-empty list of delimiters' % key)


def result_row(log, append_meta):
    row = {'__time__': str(log['time']), '__source__': log['source'], '__topic__': log['topic']}
    row.update(log['tags'])
    if append_meta:
        # Logstores with appendMeta get the service's receive-time and client-ip tags, as on the real service.
        row['__tag__:__receive_time__'] = str(int(log['received']))
        row['__tag__:__client_ip__'] = log['client_ip']
    row.update(log['contents'])
    return row


class LogData(object):
    """Per (project, logstore): {'logs': [...], 'index': dict or None}. Machines are region-wide, as heartbeats
    reach the region's config server, not a project."""

    def __init__(self):
        self.stores = {}
        self.machines = {}
        self.recent_searches = {}

    def of(self, project, logstore):
        return self.stores.setdefault((project, logstore), {'logs': [], 'index': None, 'index_version': 0})

    def drop(self, project, logstore=None):
        for key in [k for k in self.stores if k[0] == project and logstore in (None, k[1])]:
            del self.stores[key]

    def put(self, project, logstore, group, client_ip):
        logs = list(logs_from_group(group, client_ip, time.time()))
        self.of(project, logstore)['logs'].extend(logs)
        return len(logs)

    def search(self, project, logstore, query, start, end, topic=None):
        """Logs in [start, end) (of `topic` when given) matching `query`, oldest first, and how many logs the
        window held."""
        data = self.of(project, logstore)
        if data['index'] is None:
            raise SlsError(400, 'IndexConfigNotExist', 'logstore without index config')
        tree = parse_query(query)
        check_against_index(tree, data['index'])
        # Paging through a result asks the same search again with another offset; until a log arrives or the
        # index changes the answer is the same, so keep the last few (the real service caches results too).
        key = (project, logstore, query, start, end, topic, len(data['logs']), data['index_version'])
        if key not in self.recent_searches:
            window = [log for log in data['logs'] if start <= log['time'] < end and topic in (None, log['topic'])]
            found = [log for log in window if matches(tree, log, data['index'])]
            found.sort(key=lambda log: log['time'])  # stable: arrival order within one second
            if len(self.recent_searches) >= 8:
                self.recent_searches.pop(next(iter(self.recent_searches)))
            self.recent_searches[key] = (found, len(window))
        return self.recent_searches[key]

    @staticmethod
    def histogram(found, start, end):
        width = max(1, -(-(end - start) // MAX_HISTOGRAM_BUCKETS))
        buckets = []
        for low in range(start, end, width):
            high = min(low + width, end)
            buckets.append({'from': low, 'to': high, 'progress': 'Complete',
                            'count': sum(1 for log in found if low <= log['time'] < high)})
        return buckets

    # -- index --------------------------------------------------------------------------------------------
    def get_index(self, project, logstore):
        index = self.of(project, logstore)['index']
        if index is None:
            raise SlsError(400, 'IndexConfigNotExist', "index config doesn't exist")
        return index

    def create_index(self, project, logstore, body):
        if self.of(project, logstore)['index'] is not None:
            raise SlsError(400, 'IndexAlreadyExist', 'log store index is already created')
        self._set_index(project, logstore, body)

    def update_index(self, project, logstore, body):
        self.get_index(project, logstore)
        self._set_index(project, logstore, body)

    def _set_index(self, project, logstore, body):
        validate_index(body)
        doc = dict(body, index_mode='v2', storage='pg', lastModifyTime=int(time.time()))
        data = self.of(project, logstore)
        data['index'], data['index_version'] = doc, data['index_version'] + 1

    def delete_index(self, project, logstore):
        self.get_index(project, logstore)
        data = self.of(project, logstore)
        data['index'], data['index_version'] = None, data['index_version'] + 1

    # -- machines -------------------------------------------------------------------------------------------
    def heartbeat(self, doc):
        ip = doc.get('ip')
        ids = doc.get('user_defined_id') or []
        if not isinstance(ip, str) or not ip or not isinstance(ids, list):
            raise SlsError(400, 'ParameterInvalid', 'a heartbeat needs "ip" (string) and "user_defined_id" (list)')
        unique = str(doc.get('machine_uniqueid') or ip)
        self.machines[unique] = {'ip': ip, 'machine-uniqueid': unique, 'user_defined_ids': [str(i) for i in ids],
                                 'lastHeartbeatTime': int(time.time())}
        return self.machines[unique]

    def machines_of(self, group):
        """Machines whose heartbeat identity matches the group's machineList, in ListMachines' shape."""
        wanted = set(group['machineList'])
        out = []
        for machine in sorted(self.machines.values(), key=lambda m: (m['ip'], m['machine-uniqueid'])):
            if group['machineIdentifyType'] == 'ip':
                hit = machine['ip'] in wanted
                ids = machine['user_defined_ids']
            else:
                ids = [i for i in machine['user_defined_ids'] if i in wanted]
                hit = bool(ids)
            if hit:
                out.append({'ip': machine['ip'], 'machine-uniqueid': machine['machine-uniqueid'],
                            'userdefined-id': ','.join(ids), 'lastHeartbeatTime': machine['lastHeartbeatTime']})
        return out
