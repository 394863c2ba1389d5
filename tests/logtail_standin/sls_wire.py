"""TEST STAND-IN: the Log Service wire the stand-in's shipper speaks (see shipper.py). Not the real agent.

A protobuf LogGroup encoded by hand (the SDK's aliyun/log/log_logs.proto: LogGroup{Logs=1, Topic=3, Source=4,
LogTags=6}, Log{Time=1, Contents=2 {Key=1, Value=2}}), the SDK's V1 request signature (aliyun/log/auth.py), and
HTTP over TCP or a unix socket, for the two calls the stand-in makes: the emulator-only heartbeat and PutLogs.
Python 3.5+ standard library only.
"""

import base64
import email.utils
import hashlib
import hmac
import http.client
import json
import socket
import zlib


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
