"""Verify the request signatures the official Tea SDK sends (alibabacloud_tea_openapi).

Two schemes reach an RPC-style API such as ECS:
- V3 (the SDK's default): header `Authorization: ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=..,Signature=hex`
  over a canonical request (method, path, sorted query, signed headers, x-acs-content-sha256).
- V1 (Config(signature_algorithm='v2') and older SDKs): query/form params AccessKeyId, SignatureMethod=HMAC-SHA1,
  Signature = base64(HMAC-SHA1(secret + '&', 'POST&%2F&' + encoded sorted params)).
Both are recomputed here from what arrived on the wire, so a client that signs differently from the SDK fails.
"""
import base64
import calendar
import hashlib
import hmac
import threading
import time
from urllib.parse import parse_qsl, quote

from .errors import ApiError

ACS3_ALGORITHM = 'ACS3-HMAC-SHA256'
# The real gateway rejects requests whose timestamp is more than 15 minutes off.
MAX_CLOCK_SKEW_SECONDS = 15 * 60
STS_KEY_PREFIX = 'STS.'


def _quote(value):
    return quote(value, safe='~', encoding='utf-8')


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def acs3_canonical_request(method, pathname, query, headers, signed_header_names, payload_hash):
    """Canonical request exactly as alibabacloud_tea_openapi.utils.Utils.get_authorization builds it.

    query: {name: value}; headers: {lowercase name: [values]}.
    """
    canonical_query = '&'.join('%s=%s' % (k, _quote(query[k])) for k in sorted(query))
    canonical_headers = ''.join(
        '%s:%s\n' % (name, ','.join(sorted(v.strip() for v in headers.get(name, []))))
        for name in signed_header_names)
    return '%s\n%s\n%s\n%s\n%s\n%s' % (method, pathname or '/', canonical_query, canonical_headers,
                                       ';'.join(signed_header_names), payload_hash)


def acs3_signature(secret, canonical_request):
    string_to_sign = '%s\n%s' % (ACS3_ALGORITHM, sha256_hex(canonical_request.encode('utf-8')))
    return hmac.new(secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def rpc_v1_signature(secret, method, params):
    """HMAC-SHA1 signature over every parameter except Signature itself."""
    canonical = '&'.join('%s=%s' % (_quote(k), _quote(params[k])) for k in sorted(params) if k != 'Signature')
    string_to_sign = '%s&%s&%s' % (method, _quote('/'), _quote(canonical))
    digest = hmac.new((secret + '&').encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def parse_acs3_authorization(value):
    """'ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex' -> (algorithm, fields)."""
    algorithm, _, rest = value.strip().partition(' ')
    fields = {}
    for part in rest.split(','):
        name, sep, val = part.strip().partition('=')
        if sep:
            fields[name] = val
    return algorithm, fields


def _parse_utc(value, fmt='%Y-%m-%dT%H:%M:%SZ'):
    return calendar.timegm(time.strptime(value, fmt))


def _signature_mismatch():
    return ApiError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.')


def _incomplete(message):
    return ApiError(400, 'IncompleteSignature', message)


class Authenticator(object):
    """Checks who signed a request and whether the STS token it carries is the configured one.

    access_keys: {AccessKeyId: AccessKeySecret}. sts_token: when set, keys named like real STS keys
    ('STS.' prefix) must carry exactly this token; when no configured key has that prefix, every key is
    treated as the STS pair, so `--access-key-id X --sts-token T` means "X is a temporary key".
    """

    def __init__(self, access_keys, sts_token=None, clock=time.time):
        if not access_keys:
            raise ValueError('at least one access key pair is required')
        self.access_keys = dict(access_keys)
        self.sts_token = sts_token
        sts_named = {k for k in self.access_keys if k.startswith(STS_KEY_PREFIX)}
        self.sts_key_ids = (sts_named or set(self.access_keys)) if sts_token else set()
        self.clock = clock
        self._nonces = {}
        self._nonce_lock = threading.Lock()

    def authenticate(self, method, pathname, query, headers, body):
        """Return the AccessKeyId that validly signed the request, or raise ApiError.

        query: {name: value} from the URL; headers: {lowercase name: [values]}; body: bytes.
        """
        authorization = (headers.get('authorization') or [''])[0]
        if authorization:
            return self._authenticate_acs3(method, pathname, query, headers, body, authorization)
        if 'Signature' in query:
            # V1 signs the query and a form body together, as one parameter set.
            params = dict(query)
            if body and (headers.get('content-type') or [''])[0].startswith('application/x-www-form-urlencoded'):
                params.update(parse_qsl(body.decode('utf-8'), keep_blank_values=True))
            return self._authenticate_rpc_v1(method, params)
        raise _incomplete('The request signature does not conform to Aliyun standards: no Authorization '
                          'header and no Signature parameter.')

    def _secret_for(self, key_id):
        if key_id not in self.access_keys:
            raise ApiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
        return self.access_keys[key_id]

    def _authenticate_acs3(self, method, pathname, query, headers, body, authorization):
        algorithm, fields = parse_acs3_authorization(authorization)
        if algorithm != ACS3_ALGORITHM:
            raise _incomplete('Signature algorithm %r is not supported by this emulator (use %s).'
                              % (algorithm, ACS3_ALGORITHM))
        key_id = fields.get('Credential', '')
        signed = [h for h in fields.get('SignedHeaders', '').split(';') if h]
        if not key_id or not signed or 'Signature' not in fields:
            raise _incomplete('Authorization header lacks Credential, SignedHeaders or Signature.')
        unsigned_acs = [h for h in headers if h.startswith('x-acs-') and h not in signed]
        if 'host' not in signed or unsigned_acs:
            raise _incomplete('Headers host and x-acs-* must be signed; unsigned: %s' % ', '.join(unsigned_acs))
        secret = self._secret_for(key_id)
        payload_hash = (headers.get('x-acs-content-sha256') or [''])[0]
        if payload_hash != sha256_hex(body or b''):
            raise ApiError(400, 'ContentSHA256NotMatched', 'The x-acs-content-sha256 header does not match '
                                                           'the SHA256 of the request body.')
        canonical = acs3_canonical_request(method, pathname, query, headers, signed, payload_hash)
        if not hmac.compare_digest(acs3_signature(secret, canonical), fields['Signature']):
            raise _signature_mismatch()
        self._check_fresh((headers.get('x-acs-date') or [''])[0],
                          (headers.get('x-acs-signature-nonce') or [''])[0])
        self._check_security_token(key_id, (headers.get('x-acs-security-token') or [None])[0])
        return key_id

    def _authenticate_rpc_v1(self, method, params):
        key_id = params.get('AccessKeyId', '')
        if not key_id:
            raise _incomplete('The input parameter AccessKeyId is not supplied.')
        if params.get('SignatureMethod') != 'HMAC-SHA1' or params.get('SignatureVersion') != '1.0':
            raise _incomplete('SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.')
        secret = self._secret_for(key_id)
        if not hmac.compare_digest(rpc_v1_signature(secret, method, params), params['Signature']):
            raise _signature_mismatch()
        self._check_fresh(params.get('Timestamp', ''), params.get('SignatureNonce', ''))
        self._check_security_token(key_id, params.get('SecurityToken'))
        return key_id

    def _check_fresh(self, timestamp, nonce):
        now = self.clock()
        try:
            when = _parse_utc(timestamp)
        except ValueError:
            raise ApiError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.')
        if abs(now - when) > MAX_CLOCK_SKEW_SECONDS:
            raise ApiError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
        if not nonce:
            raise ApiError(400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.')
        with self._nonce_lock:
            if nonce in self._nonces:
                raise ApiError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
            if len(self._nonces) > 100000:
                cutoff = now - 2 * MAX_CLOCK_SKEW_SECONDS
                self._nonces = {n: t for n, t in self._nonces.items() if t > cutoff}
            self._nonces[nonce] = now

    def _check_security_token(self, key_id, token):
        if key_id in self.sts_key_ids:
            if not token:
                raise ApiError(400, 'InvalidSecurityToken.Missing',
                               'The AccessKey is temporary; the request must carry a SecurityToken.')
            if not hmac.compare_digest(token, self.sts_token):
                raise ApiError(400, 'InvalidSecurityToken.Malformed', 'Specified SecurityToken is malformed.')
        elif token:
            raise ApiError(400, 'InvalidSecurityToken.MismatchWithAccessKey',
                           'Specified SecurityToken mismatch with the AccessKey.')
