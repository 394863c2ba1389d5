# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application log files as data: a file source (name, paths, format, logstore, topic) checked and turned into
the LoongCollector pipeline config that collects it, and the index keys its parsed fields need. Pure functions
on plain dicts (no SDK, no network); the log_service role reads them through the file_source_* filters.

A source::

    name: nginx-access                # the config is <config_prefix>-<name>; the logstore defaults to <name>
    paths: [/var/log/nginx/access.log]  # absolute; a glob in the file name part (*, ?) matches new files too
    format: nginx                     # raw | json | regex | delimiter | nginx | apache
    log_format: combined              # nginx / apache: a preset name or the server's own log format string
    regex: '(\\S+) (\\S+)'             # regex: the whole event must match; one capture group per key
    keys: [a, b]                      # regex / delimiter
    separator: ','                    # delimiter (1-4 characters, or \\t)
    quote: '"'                        # delimiter
    multiline_start: '\\d{4}-\\d{2}-\\d{2} '     # an event starts at a line this matches (at the line's start)
    logstore: nginx-access
    topic: web                        # optional __topic__ of every event
    index_keys: [level, logger]       # json: the keys to index (a JSON event's keys are not known in advance)
    flush_timeout: 5                  # seconds before the agent sends a last event no next line ended (60)
    verify_line: '{canary} INFO ...'  # the verify canary's line, {canary} where it goes (file_source_canary.py)

The pipeline config's shape (inputs input_file with FilePaths, MaxDirSearchDepth and Multiline; the native parse
processors with SourceKey ``content``; flusher_sls with Logstore) is LoongCollector's (docs guide "Application log
files", with the sources each name comes from).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import posixpath
import re

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_source_canary import CanaryError, canary_line
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import name_problem

FORMATS = ('raw', 'json', 'regex', 'delimiter', 'nginx', 'apache')
SOURCE_KEYS = ('name', 'paths', 'format', 'log_format', 'regex', 'keys', 'separator', 'quote', 'multiline_start',
               'logstore', 'topic', 'index_keys', 'flush_timeout', 'verify_line')
# The field a line is read into by input_file, and what every native parse processor reads by default.
CONTENT_KEY = 'content'
# Presets: the servers' own predefined formats (nginx's http_log_module `combined`; Apache's httpd.conf
# `common` and `combined` LogFormat lines).
NGINX_PRESETS = {
    'combined': '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                '"$http_referer" "$http_user_agent"',
}
APACHE_PRESETS = {
    'common': '%h %l %u %t "%r" %>s %b',
    'combined': '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
}
# Apache format directives -> field names (mod_log_config's directives, named as the nginx variables they match).
APACHE_DIRECTIVES = {
    'h': 'remote_addr', 'l': 'remote_ident', 'u': 'remote_user', 't': 'time_local', 'r': 'request',
    '>s': 'status', 's': 'status', 'b': 'body_bytes_sent', 'B': 'body_bytes_sent', 'D': 'request_time_us',
    'T': 'request_time', 'v': 'server_name', 'U': 'request_path', 'q': 'query_string', 'm': 'request_method',
    'H': 'http_protocol', 'a': 'client_addr', 'A': 'server_addr', 'p': 'server_port',
    '{Referer}i': 'http_referer', '{User-Agent}i': 'http_user_agent',
}
# `$request` / `%r` ("GET /path HTTP/1.1") split into the three fields people search by.
REQUEST_KEYS = ('request_method', 'request_uri', 'http_protocol')
# Web server fields that are numbers, indexed as such so that `status >= 500` or `body_bytes_sent > 1000000` work.
NUMERIC_SERVER_FIELDS = {'status': 'long', 'body_bytes_sent': 'long', 'bytes_sent': 'long',
                         'request_length': 'long', 'request_time': 'double', 'request_time_us': 'long'}
# input_file's FlushTimeoutSecs when unset (LoongCollector file_server/reader/FileReaderOptions.cpp 33).
FLUSH_TIMEOUT_SECS = 60
KEY_RE = re.compile(r'^[A-Za-z_][A-Za-z0-9_]{0,127}$')


class SourceError(AlicloudOpsError):
    """A file source that cannot be collected as given; ``option`` names the field at fault."""


def _fail(option, problem):
    raise SourceError('%s: %s' % (option, problem), option=option)


def _regex(option, pattern):
    try:
        return re.compile(pattern)
    except (re.error, TypeError) as exc:
        _fail(option, 'not a valid regular expression (%s)' % exc)


def _server_format(kind, log_format, where):
    """(regex, keys) for an nginx ``log_format`` or an Apache ``LogFormat`` string, or a preset's name."""
    presets = NGINX_PRESETS if kind == 'nginx' else APACHE_PRESETS
    text = presets.get(log_format, log_format)
    if kind == 'nginx':
        token = re.compile(r'\$([A-Za-z_][A-Za-z0-9_]*)')
    else:
        token = re.compile(r'%(\{[^}]*\}[a-zA-Z]|>?[a-zA-Z])')
    regex, keys, pos = [], [], 0
    for match in token.finditer(text):
        literal = text[pos:match.start()]
        regex.append(re.escape(literal))
        name = match.group(1) if kind == 'nginx' else APACHE_DIRECTIVES.get(match.group(1))
        if name is None:
            _fail(where, 'unknown Apache format directive %%%s (known: %s)'
                  % (match.group(1), ', '.join('%' + d for d in sorted(APACHE_DIRECTIVES))))
        closing = text[match.end():match.end() + 1]
        # A field runs to the character that follows it in the format ("...", [...] or a space).
        stop = closing if closing in ('"', ']') else ' '
        if kind == 'apache' and match.group(1) == 't':
            # %t writes its own brackets: [06/Dec/2026:10:00:01 +0800].
            regex.append(r'\[([^\]]*)\]')
            keys.append(name)
        elif name == 'request' and literal.endswith('"'):
            regex.append(r'(\S+) (\S+) ([^"]*)')
            keys.extend(REQUEST_KEYS)
        else:
            regex.append('([^%s]*)' % re.escape(stop) if stop != ' ' else r'(\S*)')
            keys.append(name)
        pos = match.end()
    regex.append(re.escape(text[pos:]))
    if not keys:
        _fail(where, 'names no field (%s log format %r)' % (kind, log_format))
    duplicates = sorted(set(k for k in keys if keys.count(k) > 1))
    if duplicates:
        _fail(where, 'names %s more than once' % ', '.join(duplicates))
    return ''.join(regex), keys


def _keys(option, keys):
    if not isinstance(keys, list) or not keys:
        _fail(option, 'must be a non-empty list of field names')
    for index, key in enumerate(keys):
        if not isinstance(key, str) or not KEY_RE.match(key):
            _fail('%s[%d]' % (option, index), 'invalid field name %r: 1-128 letters, digits and underscores, not '
                  'starting with a digit' % (key,))
        if key.startswith('__'):
            _fail('%s[%d]' % (option, index), 'field %r: names starting with __ are reserved by Log Service' % key)
    if len(set(keys)) != len(keys):
        _fail(option, 'names a field more than once')
    return list(keys)


def normalize_source(raw, option='alicloud_logging_file_sources[0]'):
    """The source with every default filled in, or SourceError naming ``option``.field."""
    if not isinstance(raw, dict):
        _fail(option, 'must be a dict with at least name and paths')
    # Role argument validation fills unset suboptions with None: unset.
    raw = dict((key, value) for key, value in raw.items() if value is not None)
    unknown = sorted(set(raw) - set(SOURCE_KEYS))
    if unknown:
        _fail('%s.%s' % (option, unknown[0]), 'unknown field (known: %s)' % ', '.join(SOURCE_KEYS))
    name = raw.get('name')
    problem = name_problem('config', name)
    if problem:
        _fail(option + '.name', problem)
    paths = raw.get('paths')
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list) or not paths:
        _fail(option + '.paths', 'must list at least one absolute file path')
    for index, path in enumerate(paths):
        where = '%s.paths[%d]' % (option, index)
        if not isinstance(path, str) or not path.startswith('/') or path.endswith('/'):
            _fail(where, 'must be an absolute file path (a directory and a file name or glob), got %r' % (path,))
        if posixpath.normpath(path) != path:
            _fail(where, 'must be a normalized path (no //, ./ or ../), got %r' % path)
        if any(c in posixpath.dirname(path) for c in '*?['):
            _fail(where, 'a glob is allowed in the file name only, not in the directory %r' % posixpath.dirname(path))
    fmt = raw.get('format', 'raw')
    if fmt not in FORMATS:
        _fail(option + '.format', 'must be one of %s, got %r' % (', '.join(FORMATS), fmt))
    source = {'name': name, 'paths': list(paths), 'format': fmt, 'logstore': raw.get('logstore') or name,
              'topic': raw.get('topic'), 'multiline_start': raw.get('multiline_start')}
    problem = name_problem('logstore', source['logstore'])
    if problem:
        hint = '' if raw.get('logstore') else ' (the logstore defaults to the name; set logstore)'
        _fail(option + '.logstore', problem + hint)
    if source['topic'] is not None and (not isinstance(source['topic'], str) or '\n' in source['topic']):
        _fail(option + '.topic', 'must be a one-line string')
    if source['multiline_start'] is not None:
        _regex(option + '.multiline_start', source['multiline_start'])

    needs = {'regex': ('regex', 'keys'), 'delimiter': ('separator', 'keys')}
    for field in needs.get(fmt, ()):
        if raw.get(field) in (None, '', []):
            _fail('%s.%s' % (option, field), 'required with format %s' % fmt)
    allowed = {'raw': (), 'json': ('index_keys',), 'regex': ('regex', 'keys'),
               'delimiter': ('separator', 'quote', 'keys'), 'nginx': ('log_format',), 'apache': ('log_format',)}
    for field in ('log_format', 'regex', 'keys', 'separator', 'quote', 'index_keys'):
        if raw.get(field) is not None and field not in allowed[fmt]:
            _fail('%s.%s' % (option, field), 'does not apply to format %s' % fmt)

    if fmt == 'regex':
        compiled = _regex(option + '.regex', raw['regex'])
        source['regex'] = raw['regex']
        source['keys'] = _keys(option + '.keys', raw['keys'])
        if compiled.groups != len(source['keys']):
            _fail(option + '.keys', 'names %d field(s) but the regex has %d capture group(s)'
                  % (len(source['keys']), compiled.groups))
    elif fmt == 'delimiter':
        separator = raw['separator']
        if separator == '\\t':
            separator = '\t'
        # ProcessorParseDelimiterNative takes a separator of up to 4 characters.
        if not isinstance(separator, str) or not 1 <= len(separator) <= 4 or '\n' in separator:
            _fail(option + '.separator', 'must be 1-4 characters (or \\t), got %r' % (separator,))
        quote = raw.get('quote', '"')
        if not isinstance(quote, str) or len(quote) != 1 or quote in separator:
            _fail(option + '.quote', 'must be one character other than the separator, got %r' % (quote,))
        source.update(separator=separator, quote=quote, keys=_keys(option + '.keys', raw['keys']))
    elif fmt in ('nginx', 'apache'):
        log_format = raw.get('log_format', 'combined')
        if not isinstance(log_format, str) or not log_format.strip():
            _fail(option + '.log_format', 'must be a preset name or the server\'s log format string')
        source['regex'], source['keys'] = _server_format(fmt, log_format, option + '.log_format')
    elif fmt == 'json':
        source['keys'] = _keys(option + '.index_keys', raw['index_keys']) if raw.get('index_keys') else []
    flush = raw.get('flush_timeout')
    if flush is not None:
        # input_file's FlushTimeoutSecs is a uint (FileReaderOptions.cpp 33, 122-); 0 would send every partial
        # line at once.
        if isinstance(flush, bool) or not isinstance(flush, int) or not 1 <= flush <= 3600:
            _fail(option + '.flush_timeout', 'must be whole seconds from 1 to 3600, got %r' % (flush,))
        source['flush_timeout'] = flush
    if raw.get('verify_line') is not None:
        source['verify_line'] = raw['verify_line']
        try:
            canary_line(source, 'alicloudverify0x0')
        except CanaryError as err:
            _fail(option + '.verify_line', str(err))
    return source


def normalize_sources(sources, option='alicloud_logging_file_sources'):
    """Every source normalized; names unique."""
    if sources is None:
        return []
    if not isinstance(sources, list):
        _fail(option, 'must be a list of file sources')
    result, seen = [], {}
    for index, raw in enumerate(sources):
        source = normalize_source(raw, '%s[%d]' % (option, index))
        if source['name'] in seen:
            _fail('%s[%d].name' % (option, index), 'source %r is also %s[%d]'
                  % (source['name'], option, seen[source['name']]))
        seen[source['name']] = index
        result.append(source)
    return result


def config_name(prefix, name):
    """The pipeline config (and, with user-defined ids, machine group and host id) of the source ``name``."""
    return '%s-%s' % (prefix, name)


def pipeline_detail(source):
    """The LoongCollector pipeline config that collects ``source``: the CreateLogtailPipelineConfig body but its
    configName (sls_logtail_config's ``pipeline`` option)."""
    file_input = {'Type': 'input_file', 'FilePaths': list(source['paths']), 'MaxDirSearchDepth': 0}
    if source.get('flush_timeout'):
        file_input['FlushTimeoutSecs'] = source['flush_timeout']
    if source.get('multiline_start'):
        # An event starts at a line the pattern matches; lines before the first start line stay single events.
        file_input['Multiline'] = {'Mode': 'custom', 'StartPattern': source['multiline_start'],
                                   'UnmatchedContentTreatment': 'single_line'}
    processors = []
    fmt = source['format']
    if fmt == 'json':
        processors.append({'Type': 'processor_parse_json_native', 'SourceKey': CONTENT_KEY,
                           'KeepingSourceWhenParseFail': True})
    elif fmt in ('regex', 'nginx', 'apache'):
        processors.append({'Type': 'processor_parse_regex_native', 'SourceKey': CONTENT_KEY,
                           'Regex': source['regex'], 'Keys': list(source['keys']),
                           'KeepingSourceWhenParseFail': True})
    elif fmt == 'delimiter':
        processors.append({'Type': 'processor_parse_delimiter_native', 'SourceKey': CONTENT_KEY,
                           'Separator': source['separator'], 'Quote': source['quote'],
                           'Keys': list(source['keys']), 'KeepingSourceWhenParseFail': True})
    detail = {'inputs': [file_input], 'processors': processors,
              'flushers': [{'Type': 'flusher_sls', 'Logstore': source['logstore'], 'TelemetryType': 'logs'}]}
    if source.get('topic'):
        # TopicType custom: the agent uses TopicFormat as the topic, as it is (LoongCollector GlobalConfig.cpp,
        # LogFileReader.cpp: topicName = topicFormat).
        detail['global'] = {'TopicType': 'custom', 'TopicFormat': source['topic']}
    return detail


def index_fields(source):
    """The sls_index field list for a source's logstore: its parsed keys (text, searchable), or the raw content."""
    keys = list(source.get('keys') or []) or [CONTENT_KEY]
    if source['format'] in ('raw', 'json') or source.get('multiline_start'):
        # Unparsed, or a JSON event whose other keys are unknown: the content stays searchable too.
        keys = keys + [CONTENT_KEY] if CONTENT_KEY not in keys else keys
    numeric = NUMERIC_SERVER_FIELDS if source['format'] in ('nginx', 'apache') else {}
    return [{'name': key, 'type': numeric.get(key, 'text')} for key in keys]
