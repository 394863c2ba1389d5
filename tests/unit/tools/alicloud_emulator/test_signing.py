"""The emulator's signature checks against signatures made by the official SDK's own signing code."""
import hashlib
import time

import pytest
from alibabacloud_tea_openapi.utils import Utils
from darabonba.request import DaraRequest

from tools.alicloud_emulator.errors import ApiError
from tools.alicloud_emulator.signing import (Authenticator, acs3_canonical_request, acs3_signature,
                                             parse_acs3_authorization, rpc_v1_signature)

KEY, SECRET = 'LTAI5tUnitKey', 'unit-secret'
EMPTY_SHA256 = hashlib.sha256(b'').hexdigest()


def sdk_signed_acs3(query=None, key=KEY, secret=SECRET, token=None, body=b'', extra_headers=None, nonce=None):
    """A request signed by alibabacloud_tea_openapi exactly as do_request does -> (method, path, query, headers, body)."""
    req = DaraRequest()
    req.method = 'POST'
    req.pathname = '/'
    req.query = dict(query or {'RegionId': 'cn-hangzhou', 'MaxResults': '100'})
    payload = hashlib.sha256(body).hexdigest()
    req.headers = {'host': '127.0.0.1:8080', 'x-acs-version': '2014-05-26', 'x-acs-action': 'DescribeInstances',
                   'user-agent': 'AlibabaCloud (Linux) Python/3.11 TeaDSL/1', 'x-acs-date': Utils.get_timestamp(),
                   'x-acs-signature-nonce': nonce or Utils.get_nonce(), 'accept': 'application/json',
                   'x-acs-content-sha256': payload}
    req.headers.update(extra_headers or {})
    if token:
        req.headers['x-acs-accesskey-id'] = key
        req.headers['x-acs-security-token'] = token
    req.headers['Authorization'] = Utils.get_authorization(req, 'ACS3-HMAC-SHA256', payload, key, secret)
    headers = {k.lower(): [v] for k, v in req.headers.items()}
    return 'POST', '/', req.query, headers, body


def sdk_signed_rpc(params=None, key=KEY, secret=SECRET, token=None):
    query = {'Action': 'DescribeRegions', 'Format': 'json', 'Version': '2014-05-26',
             'Timestamp': Utils.get_timestamp(), 'SignatureNonce': Utils.get_nonce(),
             'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0', 'AccessKeyId': key}
    query.update(params or {})
    if token:
        query['SecurityToken'] = token
    query['Signature'] = Utils.get_rpcsignature(dict(query), 'POST', secret)
    return 'POST', '/', query, {'host': ['127.0.0.1']}, b''


def error_code(auth, request):
    with pytest.raises(ApiError) as err:
        auth.authenticate(*request)
    return err.value.status, err.value.code


def test_sdk_v3_signature_is_accepted_and_names_the_key():
    auth = Authenticator({KEY: SECRET, 'other': 'x'})
    assert auth.authenticate(*sdk_signed_acs3()) == KEY


def test_canonical_request_matches_the_sdk_signature_for_awkward_values():
    query = {'InstanceName': 'web *', 'InstanceIds': '["i-1","i-2"]', 'Tag.1.Key': 'k~/ü'}
    method, path, query, headers, body = sdk_signed_acs3(query=query)
    _, fields = parse_acs3_authorization(headers['authorization'][0])
    signed = fields['SignedHeaders'].split(';')
    canonical = acs3_canonical_request(method, path, query, headers, signed, EMPTY_SHA256)
    assert acs3_signature(SECRET, canonical) == fields['Signature']
    assert canonical.split('\n')[2].startswith('InstanceIds=%5B%22i-1%22%2C%22i-2%22%5D&InstanceName=web%20%2A&')


def test_wrong_secret_is_signature_mismatch():
    assert error_code(Authenticator({KEY: 'other-secret'}), sdk_signed_acs3()) == (400, 'SignatureDoesNotMatch')


def test_unknown_key_is_not_found():
    assert error_code(Authenticator({'someone-else': SECRET}), sdk_signed_acs3()) == (404, 'InvalidAccessKeyId.NotFound')


def test_tampered_query_fails():
    request = sdk_signed_acs3()
    request[2]['RegionId'] = 'cn-shanghai'
    assert error_code(Authenticator({KEY: SECRET}), request) == (400, 'SignatureDoesNotMatch')


def test_tampered_signed_header_fails():
    request = sdk_signed_acs3()
    request[3]['x-acs-action'] = ['DescribeRegions']
    assert error_code(Authenticator({KEY: SECRET}), request) == (400, 'SignatureDoesNotMatch')


def test_unsigned_acs_header_is_rejected():
    request = sdk_signed_acs3()
    request[3]['x-acs-security-token'] = ['smuggled']
    assert error_code(Authenticator({KEY: SECRET}), request) == (400, 'IncompleteSignature')


def test_body_must_match_its_declared_hash():
    method, path, query, headers, _ = sdk_signed_acs3(body=b'a=1')
    assert error_code(Authenticator({KEY: SECRET}), (method, path, query, headers, b'a=2')) \
        == (400, 'ContentSHA256NotMatched')


def test_unsigned_request_is_incomplete():
    assert error_code(Authenticator({KEY: SECRET}), ('POST', '/', {'Action': 'X'}, {}, b'')) \
        == (400, 'IncompleteSignature')


def test_other_algorithm_is_refused():
    method, path, query, headers, body = sdk_signed_acs3()
    headers['authorization'] = [headers['authorization'][0].replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3')]
    assert error_code(Authenticator({KEY: SECRET}), (method, path, query, headers, body)) \
        == (400, 'IncompleteSignature')


def test_replayed_nonce_is_refused():
    auth = Authenticator({KEY: SECRET})
    request = sdk_signed_acs3(nonce='fixed-nonce')
    auth.authenticate(*request)
    assert error_code(auth, request) == (400, 'SignatureNonceUsed')


def test_stale_timestamp_is_refused():
    auth = Authenticator({KEY: SECRET}, clock=lambda: time.time() + 3600)
    assert error_code(auth, sdk_signed_acs3()) == (400, 'InvalidTimeStamp.Expired')


def test_rpc_v1_signature_from_sdk_is_accepted():
    auth = Authenticator({KEY: SECRET})
    assert auth.authenticate(*sdk_signed_rpc({'RegionId': 'cn-hangzhou', 'InstanceName': 'a b*'})) == KEY


def test_rpc_v1_signature_matches_sdk_and_detects_tampering():
    request = sdk_signed_rpc()
    assert rpc_v1_signature(SECRET, 'POST', request[2]) == request[2]['Signature']
    request[2]['Action'] = 'DescribeInstances'
    assert error_code(Authenticator({KEY: SECRET}), request) == (400, 'SignatureDoesNotMatch')


def test_rpc_v1_signs_form_body_parameters_too():
    query = {'Action': 'DescribeInstances', 'Format': 'json', 'Version': '2014-05-26',
             'Timestamp': Utils.get_timestamp(), 'SignatureNonce': Utils.get_nonce(),
             'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0', 'AccessKeyId': KEY}
    form = {'RegionId': 'cn-hangzhou', 'InstanceName': 'web *'}
    query['Signature'] = Utils.get_rpcsignature(dict(query, **form), 'POST', SECRET)
    headers = {'content-type': ['application/x-www-form-urlencoded']}
    auth = Authenticator({KEY: SECRET})
    assert auth.authenticate('POST', '/', dict(query), headers, b'RegionId=cn-hangzhou&InstanceName=web+%2A') == KEY
    query['SignatureNonce'] = Utils.get_nonce()
    query['Signature'] = Utils.get_rpcsignature(dict(query, **form), 'POST', SECRET)
    assert error_code(auth, ('POST', '/', query, headers, b'RegionId=cn-shanghai&InstanceName=web+%2A')) \
        == (400, 'SignatureDoesNotMatch')


def test_rpc_v1_wrong_secret_and_unknown_key():
    assert error_code(Authenticator({KEY: 'nope'}), sdk_signed_rpc()) == (400, 'SignatureDoesNotMatch')
    assert error_code(Authenticator({'x': SECRET}), sdk_signed_rpc()) == (404, 'InvalidAccessKeyId.NotFound')


def test_sts_key_requires_exactly_the_configured_token():
    auth = Authenticator({KEY: SECRET}, sts_token='the-token')
    assert auth.authenticate(*sdk_signed_acs3(token='the-token')) == KEY
    assert error_code(auth, sdk_signed_acs3()) == (400, 'InvalidSecurityToken.Missing')
    assert error_code(auth, sdk_signed_acs3(token='another')) == (400, 'InvalidSecurityToken.Malformed')
    assert error_code(auth, sdk_signed_rpc()) == (400, 'InvalidSecurityToken.Missing')
    assert auth.authenticate(*sdk_signed_rpc(token='the-token')) == KEY


def test_sts_prefix_selects_temporary_keys_and_permanent_keys_refuse_tokens():
    auth = Authenticator({KEY: SECRET, 'STS.temp': 'tmp-secret'}, sts_token='the-token')
    assert auth.authenticate(*sdk_signed_acs3()) == KEY
    assert auth.authenticate(*sdk_signed_acs3(key='STS.temp', secret='tmp-secret', token='the-token')) == 'STS.temp'
    assert error_code(auth, sdk_signed_acs3(key='STS.temp', secret='tmp-secret')) \
        == (400, 'InvalidSecurityToken.Missing')
    assert error_code(auth, sdk_signed_acs3(token='the-token')) == (400, 'InvalidSecurityToken.MismatchWithAccessKey')


def test_without_sts_configured_a_token_is_a_mismatch():
    assert error_code(Authenticator({KEY: SECRET}), sdk_signed_acs3(token='t')) \
        == (400, 'InvalidSecurityToken.MismatchWithAccessKey')


def test_authenticator_needs_a_key():
    with pytest.raises(ValueError):
        Authenticator({})
