# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error classification and retry policy for Alibaba Cloud API calls.

Kinds: `transient` (throttling, 5xx, connection resets: retried), `unreachable` (connection refused,
host that does not resolve, no answer within the timeout: not retried, the same request meets the same
failure; the message names the endpoint), `auth` (the key, secret, signature or STS token is wrong: never
retried, fails every region), `permission` (Forbidden in a region: skipped or fatal per strict_permissions),
`request` (anything else the API rejects).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import mask_secrets
from ansible_collections.alicloud_ops.logging.plugins.module_utils.backoff import Backoff
from ansible_collections.alicloud_ops.logging.plugins.module_utils.transport_errors import (
    FAIL_FAST_KINDS, describe_transport_failure, transport_failure)

AUTH_CODES = frozenset([
    'InvalidAccessKeyId', 'InvalidAccessKeyId.NotFound', 'InvalidAccessKeyId.Inactive', 'SignatureDoesNotMatch',
    'IncompleteSignature', 'InvalidAccessKeySecret', 'InvalidSecurityToken', 'InvalidSecurityToken.Expired',
    'InvalidSecurityToken.Malformed', 'InvalidSecurityToken.MismatchWithAccessKey', 'MissingSecurityToken',
    'InvalidAuthorization',
])
TRANSIENT_CODES = frozenset([
    'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'ServiceTimeout', 'OperationConflict',
    'LastTokenProcessing', 'UnknownError',
])


class EcsApiError(AlicloudOpsError):
    """An API failure after retries, classified. Messages carry codes and request ids, never secrets."""

    def __init__(self, kind, message, region_id=None, code=None, attempts=1):
        super(EcsApiError, self).__init__(message)
        self.kind = kind
        self.region_id = region_id
        self.code = code
        self.attempts = attempts


def _error_code(exc):
    code = getattr(exc, 'code', None)
    return code if isinstance(code, str) and code != 'None' else ''


def classify_error(exc):
    """Exception raised by the SDK (or by the transport under it) -> kind."""
    if isinstance(exc, EcsApiError):
        return exc.kind
    name = type(exc).__name__
    if name == 'CredentialException':
        return 'auth'
    code = _error_code(exc)
    status = getattr(exc, 'status_code', None) or 0
    if code.startswith('Throttling') or code in TRANSIENT_CODES or status == 429 or status >= 500:
        return 'transient'
    if code in AUTH_CODES or code.startswith('InvalidSecurityToken') or code.startswith('InvalidAccessKeyId'):
        return 'auth'
    if code.startswith('Forbidden') or code.startswith('NoPermission') or status == 403:
        return 'permission'
    if code or status:
        return 'request'
    # No API answer at all. The SDK wraps these in UnretryableException(inner_exception=requests error).
    failure = transport_failure(exc)
    if failure is not None:
        return 'unreachable' if failure[0] in FAIL_FAST_KINDS else 'transient'
    inner = getattr(exc, 'inner_exception', None) or exc
    if isinstance(inner, (socket.timeout, ConnectionError, TimeoutError, OSError)):
        return 'transient'  # pragma: no mutate (equivalent: unreachable, transport_failure classifies any OSError)
    module = type(inner).__module__ or ''
    if module.startswith(('requests', 'urllib3')) or name == 'UnretryableException':
        return 'transient'
    return 'request'


def describe_error(exc):
    """Short message for users: code, HTTP status and the API message (which carries the request id)."""
    if isinstance(exc, EcsApiError):
        return str(exc)
    failure = None if getattr(exc, 'status_code', None) else transport_failure(exc)
    if failure is not None and failure[0] in FAIL_FAST_KINDS:
        kind, endpoint, detail = failure
        return mask_secrets(describe_transport_failure(
            kind, endpoint,
            detail,  # pragma: no mutate (equivalent: only the 'connection' kind, never fail-fast, prints it)
            field='endpoint_url', timeout_field='read_timeout/connect_timeout'))
    code = _error_code(exc)
    status = getattr(exc, 'status_code', None)
    message = getattr(exc, 'message', None) or str(getattr(exc, 'inner_exception', None) or exc)
    parts = []
    if code:
        parts.append(code)
    if status:
        parts.append('HTTP %s' % status)
    parts.append(str(message))
    # Transport errors quote request URLs; their signed query strings must not reach users or logs.
    return mask_secrets(': '.join(parts))


def api_error(exc, region_id, attempts=1, action=''):
    kind = classify_error(exc)
    prefix = '%s: ' % action if action else ''
    return EcsApiError(kind, prefix + describe_error(exc), region_id=region_id, code=_error_code(exc) or None,
                       attempts=attempts)


class RetryPolicy(Backoff):
    """backoff.Backoff on transient errors (classify_error), raising EcsApiError once a call fails permanently or
    its retry deadline is up."""

    def run(self, attempt, what, region_id=None):
        """Call attempt() until it returns; raise EcsApiError once it fails permanently or time is up."""
        def exhausted(exc, attempts, elapsed):
            return EcsApiError(
                'transient', '%s: still failing after %d attempt(s) in %.1fs (retry deadline %gs); last '
                'error: %s' % (what, attempts, elapsed, self.deadline, describe_error(exc)),
                region_id=region_id, code=_error_code(exc) or None, attempts=attempts)
        return self.retry(attempt, lambda exc: classify_error(exc) == 'transient',
                          lambda exc, attempts: api_error(exc, region_id, attempts, what), exhausted)
