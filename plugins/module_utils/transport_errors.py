# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classify a failed HTTP call that got no answer at all, for both cloud SDKs.

Both SDKs send through requests/urllib3 and wrap what they raise (the Tea SDK in
UnretryableException.inner_exception, aliyun-log-python-sdk by raising a LogException while
handling it, so the original is its ``__context__``). ``transport_failure`` walks that chain to
the socket-level cause. The kinds say whether retrying can help:

- ``refused``: nothing listens at that host and port; it will not start listening in a minute.
- ``unresolvable``: the host name does not resolve (a typo, or a region that does not exist).
- ``timeout``: connected (or tried to) and no answer came within the caller's timeout. The
  caller chose that bound, so it is the bound of the call, not a reason to start over.
- ``connection``: anything else below HTTP (reset by peer, TLS...): may be transient.

Pure: nothing here opens a connection. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

# Failures that the same request will meet again: callers fail at once instead of retrying.
FAIL_FAST_KINDS = ('refused', 'unresolvable', 'timeout')

# urllib3 and requests class names (matched by name so this module does not import them).
_RESOLVE_NAMES = ('NameResolutionError',)
_TIMEOUT_NAMES = ('ReadTimeout', 'ConnectTimeout', 'Timeout', 'ReadTimeoutError', 'ConnectTimeoutError',
                  'TimeoutError')


def _causes(exc, limit=12):
    """exc and the exceptions it wraps, outermost first (each at most once)."""
    seen, queue, out = set(), [exc], []
    while queue and len(out) < limit:
        current = queue.pop(0)
        if current is None or id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        out.append(current)
        queue.extend([getattr(current, 'inner_exception', None), getattr(current, 'reason', None),
                      current.__cause__, current.__context__])
        args = getattr(current, 'args', ())  # pragma: no mutate (equivalent: every exception has args)
        queue.extend(arg for arg in args if isinstance(arg, BaseException))
    return out


def _endpoint_of(causes):
    """'scheme://host:port' from the urllib3 connection pool or connection an error names, if any."""
    for cause in causes:
        for holder in (getattr(cause, 'pool', None), getattr(cause, 'conn', None)):
            host = getattr(holder, 'host', None)
            if isinstance(host, str) and host:
                scheme = getattr(holder, 'scheme', None) or (
                    'https' if 'HTTPS' in type(holder).__name__ else 'http')
                port = getattr(holder, 'port', None)
                return '%s://%s%s' % (scheme, host, ':%s' % port if port else '')
    return None


def transport_failure(exc):
    """(kind, endpoint or None, detail) when ``exc`` means no HTTP answer arrived; None otherwise.

    An exception carrying an HTTP status or an API error code is an answer (throttling, 5xx...)
    and returns None: those keep their own retry policy.
    """
    if exc is None:
        return None
    causes = _causes(exc)
    kind = None
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            kind = 'refused'
            break
    if kind is None:
        for cause in causes:
            if isinstance(cause, socket.gaierror) or type(cause).__name__ in _RESOLVE_NAMES:
                kind = 'unresolvable'
                break
    if kind is None:
        for cause in causes:
            if isinstance(cause, socket.timeout) or type(cause).__name__ in _TIMEOUT_NAMES:
                kind = 'timeout'
                break
    if kind is None:
        for cause in causes:
            module = type(cause).__module__ or ''
            if isinstance(cause, OSError) or module.startswith(('requests', 'urllib3')):
                kind = 'connection'
                break
    if kind is None:
        return None
    innermost = causes[-1]
    detail = str(innermost) or type(innermost).__name__
    return kind, _endpoint_of(causes), detail


def describe_transport_failure(kind, endpoint, detail='', timeout=None, field='endpoint',
                               timeout_field='request_timeout'):
    """One line naming the endpoint (and the options that set it and the timeout) for a transport_failure."""
    where = endpoint or 'the API endpoint'
    if kind == 'refused':
        text = 'cannot connect to %s: connection refused (nothing listens there; check %s)' % (where, field)
    elif kind == 'unresolvable':
        text = 'cannot resolve the host of %s (check %s, or the region it is built from)' % (where, field)
    elif kind == 'timeout':
        bound = ' within %s s' % timeout if timeout else ''
        text = '%s did not answer%s (check %s; %s bounds each call)' % (where, bound, field, timeout_field)
    else:
        text = 'cannot reach %s: %s' % (where, detail)
    return text
