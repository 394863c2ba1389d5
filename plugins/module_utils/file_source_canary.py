# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verify canary of a file source, on plain dicts: the one line that parses under the source's format with the
canary in a field, the field and value to find it by, and the file to append it to (a probe file beside the files
a glob collects). Pure; imports nothing of file_sources.py, which calls ``canary_line`` to check ``verify_line``.

A source here is what ``file_sources.normalize_source`` returns. The line, by format (or the source's
``verify_line`` with ``{canary}`` in it, and ``{time:<strftime format>}`` for the write time in UTC, for any
format):

    json               {"alicloud_verify": "<canary>"}            field alicloud_verify = <canary>
    nginx / apache     an access line of the source's own format   field request_uri = /alicloud-verify/<canary>
    delimiter          <canary> then empty columns                 field <first key> = <canary>
    raw                alicloud-verify <canary>                    field content
    regex              alicloud-verify <canary>, unparsed: no field, found by full text (an arbitrary regex
                       gives no line it surely matches; verify_line does)

Parsing follows the stand-in's processors, which follow LoongCollector's (regex: the whole line must match;
json: an object; delimiter: split on the separator), and a multi-line source's line must start an event.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import json
import posixpath
import re
import time

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError

PLACEHOLDER = '{canary}'
# verify_line's other placeholder: the write time (UTC) in a strftime format, e.g. {time:%Y-%m-%d %H:%M:%S}.
TIME_PLACEHOLDER = re.compile(r'\{time:([^{}]+)\}')
VERIFY_KEY = 'alicloud_verify'
VERIFY_URI = '/alicloud-verify/'
RAW_PREFIX = 'alicloud-verify '
# What a glob's wildcard becomes in the probe file's name.
PROBE_WORD = 'alicloud-verify'
# Values of the web server fields in a canary access line; any other field is '-'.
SERVER_VALUES = {'remote_addr': '127.0.0.1', 'client_addr': '127.0.0.1', 'server_addr': '127.0.0.1',
                 'request_method': 'GET', 'http_protocol': 'HTTP/1.1', 'status': '200', 'body_bytes_sent': '0',
                 'bytes_sent': '0', 'request_length': '0', 'request_time': '0.000', 'request_time_us': '0',
                 'server_port': '80', 'http_user_agent': 'alicloud-verify'}
# The pieces of a regex file_sources._server_format writes: an escaped character, a capture group (no nested
# group; a class may hold ')'), any other character.
_PIECE = re.compile(r'(?P<escaped>\\.)|(?P<group>\((?:\\.|\[(?:\\.|[^\]\\])*\]|[^()\\\[])*\))|(?P<char>.)', re.S)


class CanaryError(AlicloudOpsError):
    """No canary line or probe file can be made for a source; the message says what to set."""


def _server_line(source, canary, now):
    """An access line of the regex file_sources built from an nginx/apache log format: literal parts unescaped,
    each group replaced by its key's value."""
    keys = source['keys']
    if 'request_uri' not in keys:
        raise CanaryError('the %s log format has no request line ($request, $request_uri or %%r) to put the canary '
                          'in: set verify_line' % source['format'])
    values = dict(SERVER_VALUES, request_uri=VERIFY_URI + canary,
                  time_local=time.strftime('%d/%b/%Y:%H:%M:%S +0000', time.gmtime(now)))
    parts, index = [], 0
    for piece in _PIECE.finditer(source['regex']):
        if piece.group('group'):
            parts.append(values.get(keys[index], '-'))
            index += 1
        else:
            parts.append(piece.group('char') or piece.group('escaped')[1:])
    return ''.join(parts)


def _parsed(source, line):
    """The fields the source's parse processor gives the line, or None when it does not parse."""
    fmt = source['format']
    if fmt == 'json':
        try:
            value = json.loads(line)
        except ValueError:
            return None
        return dict((k, v if isinstance(v, str) else json.dumps(v)) for k, v in value.items()) \
            if isinstance(value, dict) else None
    if fmt in ('regex', 'nginx', 'apache'):
        match = re.fullmatch(source['regex'], line)
        return dict(zip(source['keys'], (g or '' for g in match.groups()))) if match else None
    if fmt == 'delimiter':
        return dict(zip(source['keys'], line.split(source['separator'])))
    return {'content': line}


def canary_line(source, canary, now=None):
    """{'line', 'field', 'value'}: the canary line of ``source``, and the parsed field whose value it is found by
    (field None: not parsed, found by full text). CanaryError when the line would not parse or start an event."""
    now = time.time() if now is None else now  # pragma: no mutate - time.gmtime(None) is the current time as well
    template = source.get('verify_line')
    if template is not None:
        if not isinstance(template, str) or template.count(PLACEHOLDER) != 1 or '\n' in template:
            raise CanaryError('must be one line with %s in it once, got %r' % (PLACEHOLDER, template))
        line = TIME_PLACEHOLDER.sub(lambda m: time.strftime(m.group(1), time.gmtime(now)),
                                    template.replace(PLACEHOLDER, canary))
    elif source['format'] == 'json':
        line = json.dumps({VERIFY_KEY: canary})
    elif source['format'] in ('nginx', 'apache'):
        line = _server_line(source, canary, now)
    elif source['format'] == 'delimiter':
        line = canary + source['separator'] * (len(source['keys']) - 1)
    else:
        line = RAW_PREFIX + canary
    start = source.get('multiline_start')
    if start and not re.match(start, line):
        raise CanaryError('the canary line %r does not start an event (multiline_start %r): set verify_line to a '
                          'line that does, with %s in a parsed field' % (line, start, PLACEHOLDER))
    fields = _parsed(source, line)
    if fields is None:
        if template is not None or source['format'] != 'regex':
            raise CanaryError('the canary line %r does not parse as %s' % (line, source['format']))
        return {'line': line, 'field': None, 'value': canary}
    for key in list(source.get('keys') or []) + sorted(fields):
        if canary in fields.get(key, ''):
            return {'line': line, 'field': key, 'value': fields[key]}
    raise CanaryError('the canary line %r parses, but no field holds the canary' % line)


def _probe_char(klass):
    """A character a glob's [...] class matches."""
    negated = klass[:1] == '!'   # '[^' is '[!' already (posix_glob)
    # Not negated: the class's first character; a class of '-' alone has none and gets 'v' below.
    for char in ('v', 'x', '0', '_') if negated else klass.replace('-', '')[:1]:
        if fnmatch.fnmatchcase(char, '[%s]' % klass):
            return char
    return 'v'


# A class as fnmatch(3) reads one: '[', then '!' or '^' right after it (negated; a '^' there must be taken so),
# then a ']' first is a member, then up to the next ']'. Else a '[' starts no class: a literal.
_CLASS = re.compile(r'\[(?:([!^])|(?![!^]))(\][^\]]*|[^\]]+)\]|\[')


def posix_glob(name):
    """A glob as the agent's fnmatch(3) reads it, for Python's fnmatch: glibc takes a class opened by '[^' as
    negated, as '[!' (LoongCollector matches file names with fnmatch on Linux:
    core/file_server/FileDiscoveryOptions.cpp); Python's fnmatch would take that '^' as one of the characters.
    Only the '^' right after a class's '[' negates: classes are read as both read them (a ']' first in a class is
    a member, a '[' inside one is a member, a '[' that no ']' closes is a literal), so '[[^a]' stays the class of
    '[', '^' and 'a'. Not read as fnmatch(3) reads them: backslash escapes and '[:alpha:]'-style classes."""
    return _CLASS.sub(lambda m: '[[]' if m.group(2) is None else '[%s%s]' % ('!' if m.group(1) else '', m.group(2)),
                      name)


def probe_path(pattern):
    """For a path whose file name is a glob: a file in that directory whose name the glob matches, else None
    (a literal path). CanaryError when no name can be derived."""
    directory, given = posixpath.split(pattern)
    if not any(c in given for c in '*?['):
        return None
    name = posix_glob(given)
    probe = re.sub(r'\[([^\]]+)\]', lambda m: _probe_char(m.group(1)), name)
    probe = probe.replace('*', PROBE_WORD, 1).replace('*', '').replace('?', 'v')
    if not probe or probe.startswith('.') and not name.startswith('.') or not fnmatch.fnmatchcase(probe, name):
        raise CanaryError('no probe file name matches the glob %r: add a literal path, or a simpler glob' % given)
    return posixpath.join(directory, probe)


def canary_target(source):
    """{'probe': a probe file to create or append to, or None; 'files': the literal paths, the first of which
    that exists gets the line}. A glob's probe is preferred: it leaves the application's own files alone."""
    probes, files = [], []
    for path in source['paths']:
        probe = probe_path(path)
        (probes if probe else files).append(probe or path)
    return {'probe': probes[0] if probes else None, 'files': files}
