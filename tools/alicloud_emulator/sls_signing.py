"""Verify the request signatures aliyun-log-python-sdk sends to Log Service (aliyun/log/auth.py).

- V1 (LogClient's default): `Authorization: LOG <AccessKeyId>:<base64 HMAC-SHA1>` over
  METHOD\\nContent-MD5\\nContent-Type\\nDate\\n + sorted `x-log-*`/`x-acs-*` headers (`x-log-meta-*` excluded)
  + resource?sorted-params (values unencoded). The SDK adds `x-log-date` only after signing, so it is not part
  of the V1 string.
- V4 (LogClient(auth_version='v4', region=R)): `Authorization: SLS4-HMAC-SHA256 Credential=AK/DATE/R/sls/
  aliyun_v4_request,Signature=hex` over a canonical request that includes host, content-type and the
  `x-log-*`/`x-acs-*` headers, with `x-log-content-sha256` as the payload hash.
Both are recomputed from what arrived on the wire.
"""
import base64
import calendar
import hashlib
import hmac
import time
from email.utils import parsedate
from urllib.parse import quote

# Beyond 15 minutes the service answers 400 RequestTimeExpired (Log Service API reference, Error codes;
# alibaba/loongcollector core/plugin/flusher/sls/SLSConstant.cpp LOGE_REQUEST_TIME_EXPIRED).
MAX_CLOCK_SKEW_SECONDS = 15 * 60
EMPTY_SHA256 = hashlib.sha256(b'').hexdigest()


class SlsError(Exception):
    """A Log Service error answer: HTTP status, errorCode, errorMessage."""

    def __init__(self, status, code, message):
        super().__init__('%s %s: %s' % (status, code, message))
        self.status = status
        self.code = code
        self.message = message


def _is_signed_header(name):
    return name.startswith('x-acs-') or (name.startswith('x-log-') and not name.startswith('x-log-meta-'))


def _first(headers, name, default=''):
    return (headers.get(name) or [default])[0]


def v1_string_to_sign(method, resource, query, headers):
    """headers: {lowercase name: [values]} as received; query: {name: value} decoded."""
    content = '%s\n%s\n%s\n%s\n' % (method, _first(headers, 'content-md5'), _first(headers, 'content-type'),
                                    _first(headers, 'date'))
    for name in sorted(headers):
        if _is_signed_header(name) and name != 'x-log-date':
            content += '%s:%s\n' % (name, headers[name][0])
    if query:
        resource += '?' + '&'.join('%s=%s' % (k, query[k]) for k in sorted(query))
    return content + resource


def v1_signature(secret, string_to_sign):
    digest = hmac.new(secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def v4_canonical_request(method, resource, query, headers, payload_hash):
    names = sorted(n for n in headers if n in ('content-type', 'host') or _is_signed_header(n))
    canonical_headers = ''.join('%s:%s\n' % (n, headers[n][0].strip()) for n in names)
    parts = []
    for key in sorted(query):
        value = quote(query[key].encode('utf-8'), safe='~')
        parts.append(key + ('=' + value if value else ''))
    return '%s\n%s\n%s\n%s\n%s\n%s' % (method, resource, '&'.join(parts), canonical_headers, ';'.join(names),
                                       payload_hash)


def v4_signature(secret, region, date, string_to_sign):
    key = hmac.new(('aliyun_v4' + secret).encode('utf-8'), date.encode('utf-8'), hashlib.sha256).digest()
    for part in (region, 'sls', 'aliyun_v4_request'):
        key = hmac.new(key, part.encode('utf-8'), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def _unauthorized(message):
    return SlsError(401, 'Unauthorized', message)


class SlsAuthenticator(object):
    """access_keys {id: secret}; sts_key_ids: keys that must carry sts_token in x-acs-security-token."""

    def __init__(self, access_keys, sts_token=None, sts_key_ids=(), clock=time.time):
        self.access_keys = dict(access_keys)
        self.sts_token = sts_token
        self.sts_key_ids = set(sts_key_ids)
        self.clock = clock

    def authenticate(self, method, resource, query, headers, body):
        """Return the AccessKeyId that signed the request, or raise SlsError."""
        authorization = _first(headers, 'authorization').strip()
        if authorization.startswith('LOG '):
            key_id = self._check_v1(method, resource, query, headers, body, authorization)
        elif authorization.startswith('SLS4-HMAC-SHA256 '):
            key_id = self._check_v4(method, resource, query, headers, body, authorization)
        else:
            raise _unauthorized('The request is not signed: no Authorization header in LOG or SLS4 form.')
        self._check_token(key_id, _first(headers, 'x-acs-security-token', None))
        return key_id

    def _secret_for(self, key_id):
        if key_id not in self.access_keys:
            raise _unauthorized('AccessKeyId not found: %s' % key_id)
        return self.access_keys[key_id]

    def _check_v1(self, method, resource, query, headers, body, authorization):
        key_id, _, signature = authorization[4:].rpartition(':')
        secret = self._secret_for(key_id)
        md5 = _first(headers, 'content-md5')
        if body and md5 and md5 != hashlib.md5(body).hexdigest().upper():
            raise SlsError(400, 'InvalidContentMD5', 'The Content-MD5 header does not match the request body.')
        expected = v1_signature(secret, v1_string_to_sign(method, resource, query, headers))
        if not hmac.compare_digest(expected, signature):
            raise SlsError(401, 'SignatureNotMatch', 'signature %s not match' % signature)
        self._check_clock(_first(headers, 'date'))
        return key_id

    def _check_v4(self, method, resource, query, headers, body, authorization):
        fields = dict(part.strip().partition('=')[::2] for part in authorization.split(' ', 1)[1].split(','))
        scope = fields.get('Credential', '').split('/')
        if len(scope) != 5 or scope[3:] != ['sls', 'aliyun_v4_request'] or 'Signature' not in fields:
            raise _unauthorized('Malformed SLS4-HMAC-SHA256 Authorization header.')
        key_id, date, region = scope[0], scope[1], scope[2]
        secret = self._secret_for(key_id)
        payload_hash = _first(headers, 'x-log-content-sha256')
        if payload_hash != (hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256):
            raise SlsError(400, 'InvalidContentSha256', 'x-log-content-sha256 does not match the request body.')
        when = _first(headers, 'x-log-date')
        canonical = v4_canonical_request(method, resource, query, headers, payload_hash)
        string_to_sign = 'SLS4-HMAC-SHA256\n%s\n%s/%s/sls/aliyun_v4_request\n%s' % (
            when, date, region, hashlib.sha256(canonical.encode('utf-8')).hexdigest())
        if not hmac.compare_digest(v4_signature(secret, region, date, string_to_sign), fields['Signature']):
            raise SlsError(401, 'SignatureNotMatch', 'signature %s not match' % fields['Signature'])
        try:
            stamp = calendar.timegm(time.strptime(when, '%Y%m%dT%H%M%SZ'))
        except ValueError:
            raise SlsError(400, 'InvalidRequestTime', 'x-log-date is not a valid time: %r' % when)
        self._check_skew(stamp)
        return key_id

    def _check_clock(self, date_header):
        parsed = parsedate(date_header) if date_header else None
        if parsed is None:
            raise SlsError(400, 'InvalidRequestTime', 'The Date header is missing or malformed.')
        self._check_skew(calendar.timegm(parsed))

    def _check_skew(self, stamp):
        if abs(self.clock() - stamp) > MAX_CLOCK_SKEW_SECONDS:
            raise SlsError(400, 'RequestTimeExpired', 'Request time %s has been expired while server time is %s.'
                           % (int(stamp), int(self.clock())))

    def _check_token(self, key_id, token):
        if key_id in self.sts_key_ids:
            if not token or not hmac.compare_digest(token, self.sts_token):
                raise _unauthorized('The security token you provided is invalid.')
        elif token:
            raise _unauthorized('The security token you provided does not match the AccessKeyId.')
