"""TEST STAND-IN for the Logtail agent's sending half: heartbeats, applied configs, PutLogs. Not the real agent.

The daemon (ilogtail_standin_daemon.py) receives and parses; every accepted record goes to ``Shipper.accept``,
which appends it to a spool file on disk before anything else, so a record survives Log Service being
unreachable and the agent restarting. A background thread:

- heartbeats to the emulator-only endpoint ``POST /_emulator/sls/agent/heartbeat`` (the real config-server
  protocol is not public; see tools/alicloud_emulator/SLS.md) with the machine's identity: the lines of
  ``/etc/ilogtail/user_defined_id`` and its IP. The answer lists the configs applied to its machine groups;
  the last answer is cached on disk like the real agent's config cache;
- sends the spooled records to the logstore of the config that collects them (a legacy ``syslog`` config
  whose ``inputDetail.tag`` is the line's sys_tag; a pipeline config whose ``service_syslog`` input has the
  receiving address) as PutLogs: a protobuf LogGroup encoded here, deflate-compressed, signed like the SDK's
  V1 (HMAC-SHA1), in batches, retried until Log Service takes them. Records no applied config collects are
  dropped to ``<spool>.unshipped`` with the reason, as the real agent drops what no config asks for.

Delivery is at least once: the spool offset advances only after Log Service answered 200.

Where the endpoint and keys come from is stand-in business: a JSON settings file (``--ship-settings``) that
the stand-in's installer or a test writes: ``{"endpoint": "127.0.0.1:PORT" or "unix:/path/to.sock",
"access_key_id": ..., "access_key_secret": ..., "ip": optional, "user_defined_id_file": optional}``.
Python 3.5+ standard library only.
"""

import base64
import email.utils
import hashlib
import hmac
import http.client
import json
import os
import socket
import threading
import time
import zlib

BATCH_MAX_RECORDS = 1024
BATCH_MAX_BYTES = 512 * 1024


# ---- wire: protobuf LogGroup, V1 signature, HTTP over TCP or a unix socket -------------------------------

def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7f
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, payload):
    """A length-delimited field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _pair(key, value):
    return _field(1, key.encode('utf-8')) + _field(2, value.encode('utf-8'))


def encode_log_group(logs, topic='', source='', tags=None):
    """LogGroup{Logs=1, Topic=3, Source=4, LogTags=6} with Log{Time=1 varint, Contents=2 {Key=1, Value=2}}."""
    body = b''
    for log in logs:
        log_bytes = _varint(1 << 3) + _varint(int(log['time']))
        for key in sorted(log['contents']):
            log_bytes += _field(2, _pair(key, log['contents'][key]))
        body += _field(1, log_bytes)
    if topic:
        body += _field(3, topic.encode('utf-8'))
    if source:
        body += _field(4, source.encode('utf-8'))
    for key in sorted(tags or {}):
        body += _field(6, _pair(key, tags[key]))
    return body


def v1_authorization(key_id, secret, method, resource, headers):
    """The SDK's V1 (aliyun/log/auth.py): HMAC-SHA1 over method, MD5, type, date, sorted x-log-*/x-acs-*."""
    signed = ''.join('%s:%s\n' % (name, headers[name]) for name in sorted(headers)
                     if name.startswith(('x-log-', 'x-acs-')) and not name.startswith('x-log-meta-'))
    text = '%s\n%s\n%s\n%s\n%s%s' % (method, headers.get('content-md5', ''), headers.get('content-type', ''),
                                     headers['date'], signed, resource)
    digest = hmac.new(secret.encode('utf-8'), text.encode('utf-8'), hashlib.sha1).digest()
    return 'LOG %s:%s' % (key_id, base64.b64encode(digest).decode('ascii'))


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        http.client.HTTPConnection.__init__(self, 'localhost', timeout=timeout)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


class LogServiceError(Exception):
    pass


class Client:
    """The two calls the stand-in makes. ``endpoint``: 'host:port' or 'unix:/path'."""

    def __init__(self, endpoint, key_id, secret, timeout=10):
        self.endpoint, self.key_id, self.secret, self.timeout = endpoint, key_id, secret, timeout

    def _request(self, method, path, body, headers, host):
        if self.endpoint.startswith('unix:'):
            conn = _UnixConnection(self.endpoint[5:], self.timeout)
        else:
            conn = http.client.HTTPConnection(self.endpoint, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=dict(headers, Host=host))
            answer = conn.getresponse()
            return answer.status, answer.read()
        finally:
            conn.close()

    def heartbeat(self, identity):
        status, data = self._request('POST', '/_emulator/sls/agent/heartbeat', json.dumps(identity).encode(),
                                     {'Content-Type': 'application/json'}, 'localhost')
        if status != 200:
            raise LogServiceError('heartbeat: %s %s' % (status, data[:200]))
        return json.loads(data.decode('utf-8'))

    def put_logs(self, project, logstore, group_bytes):
        compressed = zlib.compress(group_bytes)
        resource = '/logstores/%s/shards/lb' % logstore
        headers = {'content-type': 'application/x-protobuf', 'content-md5': hashlib.md5(compressed).hexdigest().upper(),
                   'date': email.utils.formatdate(usegmt=True), 'x-log-apiversion': '0.6.0',
                   'x-log-signaturemethod': 'hmac-sha1', 'x-log-bodyrawsize': str(len(group_bytes)),
                   'x-log-compresstype': 'deflate'}
        headers['authorization'] = v1_authorization(self.key_id, self.secret, 'POST', resource, headers)
        status, data = self._request('POST', resource, compressed, headers, '%s.localhost' % project)
        if status != 200:
            raise LogServiceError('PutLogs %s/%s: %s %s' % (project, logstore, status, data[:300]))


# ---- which config collects a record --------------------------------------------------------------------

def route(record, configs):
    """(project, logstore, topic) of the first applied config that collects the record, or None."""
    for config in configs:
        detail = config.get('detail') or {}
        if config.get('kind') == 'configs':
            if (record['input'] == 'streamlog' and detail.get('inputType') == 'syslog'
                    and (detail.get('inputDetail') or {}).get('tag') == record['tag']):
                return config['project'], config['logstore'], (detail.get('outputDetail') or {}).get('topic', '')
        elif record['input'] == 'service_syslog':
            for plugin in detail.get('inputs') or []:
                if plugin.get('Type') == 'service_syslog' and plugin.get('Address') == record['tag']:
                    return config['project'], config['logstore'], ''
    return None


def identity(settings):
    path = settings.get('user_defined_id_file') or '/etc/ilogtail/user_defined_id'
    ids = []
    if os.path.exists(path):
        with open(path) as handle:
            ids = [line.strip() for line in handle if line.strip()]
    ip = settings.get('ip')
    if not ip:
        try:
            ip = socket.gethostbyname(socket.gethostname())
        except OSError:
            ip = '127.0.0.1'
    return {'ip': ip, 'user_defined_id': ids, 'machine_uniqueid': settings.get('machine_uniqueid') or ip}


# ---- spool and the shipping loop ---------------------------------------------------------------------

class Shipper:
    def __init__(self, settings, spool_dir, heartbeat_interval=2.0, retry_interval=1.0):
        self.settings = settings
        self.client = Client(settings['endpoint'], settings['access_key_id'], settings['access_key_secret'])
        os.makedirs(spool_dir, exist_ok=True)
        self.spool = os.path.join(spool_dir, 'spool.jsonl')
        self.offset_path = self.spool + '.offset'
        self.unshipped = self.spool + '.unshipped'
        self.configs_cache = os.path.join(spool_dir, 'applied_configs.json')
        self.heartbeat_interval, self.retry_interval = heartbeat_interval, retry_interval
        self.status = {'shipped': 0, 'unshipped': 0, 'last_error': None}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._spool_out = open(self.spool, 'a', encoding='utf-8')
        self._configs = self._load_cached_configs()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _load_cached_configs(self):
        if os.path.exists(self.configs_cache):
            with open(self.configs_cache) as handle:
                return json.load(handle)
        return None  # never heard from Log Service: keep every record until it answers

    def start(self):
        self._thread.start()
        return self

    def stop(self, timeout=10):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def accept(self, record):
        """Spool one parsed record: {'input', 'tag', 'time', 'contents'}."""
        with self._lock:
            self._spool_out.write(json.dumps(record, sort_keys=True) + '\n')
            self._spool_out.flush()
        self._wake.set()

    def _read_offset(self):
        try:
            with open(self.offset_path) as handle:
                return int(handle.read().strip() or 0)
        except (IOError, ValueError):
            return 0

    def _write_offset(self, offset):
        with open(self.offset_path + '.tmp', 'w') as handle:
            handle.write(str(offset))
        os.rename(self.offset_path + '.tmp', self.offset_path)

    def _pending(self, offset):
        """(records, end offset) of the next batch of complete lines after offset."""
        records, size, end = [], 0, offset
        with open(self.spool, 'rb') as handle:
            handle.seek(offset)
            for raw in handle:
                if not raw.endswith(b'\n') or len(records) >= BATCH_MAX_RECORDS or size >= BATCH_MAX_BYTES:
                    break
                records.append(json.loads(raw.decode('utf-8')))
                size += len(raw)
                end += len(raw)
        return records, end

    def _heartbeat(self):
        answer = self.client.heartbeat(identity(self.settings))
        configs = answer.get('configs') or []
        if configs != self._configs:
            with open(self.configs_cache + '.tmp', 'w') as handle:
                json.dump(configs, handle)
            os.rename(self.configs_cache + '.tmp', self.configs_cache)
        self._configs = configs

    def _ship(self, records):
        groups, dropped = {}, []
        for record in records:
            target = route(record, self._configs)
            if target is None:
                dropped.append(record)
            else:
                groups.setdefault(target, []).append(record)
        for (project, logstore, topic), logs in sorted(groups.items()):
            source = identity(self.settings)['ip']
            self.client.put_logs(project, logstore, encode_log_group(logs, topic=topic, source=source))
        with open(self.unshipped, 'a', encoding='utf-8') as handle:
            for record in dropped:
                handle.write('no applied config collects %s %r\t%s\n'
                             % (record['input'], record['tag'], record['contents'].get('_content_', '')))
        self.status['shipped'] += len(records) - len(dropped)
        self.status['unshipped'] += len(dropped)

    def _truncate_if_done(self, offset):
        """A fully shipped spool starts again from zero, so it never grows without bound."""
        with self._lock:
            if offset == os.path.getsize(self.spool):
                self._spool_out.truncate(0)
                self._spool_out.seek(0)
                self._write_offset(0)
                return 0
        return offset

    def _run(self):
        last_beat = 0.0
        offset = self._read_offset()
        while not self._stop.is_set():
            try:
                if time.monotonic() - last_beat >= self.heartbeat_interval:
                    self._heartbeat()
                    last_beat = time.monotonic()
                records, end = self._pending(offset)
                if records and self._configs is not None:
                    self._ship(records)
                    self._write_offset(end)
                    offset = self._truncate_if_done(end)
                    self.status['last_error'] = None
                    continue
            except (OSError, LogServiceError, http.client.HTTPException, ValueError) as exc:
                # Log Service unreachable or refusing: the records stay in the spool; try again later.
                self.status['last_error'] = str(exc)
                last_beat = 0.0
                self._stop.wait(self.retry_interval)
                continue
            self._wake.wait(min(self.heartbeat_interval, 0.5))
            self._wake.clear()
