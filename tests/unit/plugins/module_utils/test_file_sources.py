# -*- coding: utf-8 -*-
"""file_sources: a file source checked field by field (the error names the field), its pipeline config and the
index its parsed fields need; the nginx and Apache presets parse real lines into the right values."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_sources as fs
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import name_problem

NGINX_LINE = ('203.0.113.7 - alice [06/Dec/2026:10:00:00 +0800] "GET /api/todos?page=2 HTTP/1.1" 200 5123 '
              '"https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"')
APACHE_COMMON = '198.51.100.4 - - [06/Dec/2026:10:00:01 +0800] "POST /login HTTP/1.0" 302 -'


def parse(source, line):
    match = re.match(source['regex'] + r'\Z', line)
    assert match, (source['regex'], line)
    return dict(zip(source['keys'], match.groups()))


def test_raw_source_defaults():
    source = fs.normalize_source({'name': 'app', 'paths': '/var/log/app/app.log'})
    assert source == {'name': 'app', 'paths': ['/var/log/app/app.log'], 'format': 'raw', 'logstore': 'app',
                      'topic': None, 'multiline_start': None}
    detail = fs.pipeline_detail(source)
    assert detail == {
        'inputs': [{'Type': 'input_file', 'FilePaths': ['/var/log/app/app.log'], 'MaxDirSearchDepth': 0}],
        'processors': [],
        'flushers': [{'Type': 'flusher_sls', 'Logstore': 'app', 'TelemetryType': 'logs'}]}
    assert fs.index_fields(source) == [{'name': 'content', 'type': 'text'}]


def test_nginx_combined_preset_parses_status_path_and_bytes():
    source = fs.normalize_source({'name': 'nginx-access', 'paths': ['/var/log/nginx/access*.log'], 'format': 'nginx',
                                  'logstore': 'web-access', 'topic': 'web'})
    assert source['keys'] == ['remote_addr', 'remote_user', 'time_local', 'request_method', 'request_uri',
                              'http_protocol', 'status', 'body_bytes_sent', 'http_referer', 'http_user_agent']
    assert parse(source, NGINX_LINE) == {
        'remote_addr': '203.0.113.7', 'remote_user': 'alice', 'time_local': '06/Dec/2026:10:00:00 +0800',
        'request_method': 'GET', 'request_uri': '/api/todos?page=2', 'http_protocol': 'HTTP/1.1', 'status': '200',
        'body_bytes_sent': '5123', 'http_referer': 'https://example.com/',
        'http_user_agent': 'Mozilla/5.0 (X11; Linux x86_64)'}
    detail = fs.pipeline_detail(source)
    assert detail['processors'] == [{'Type': 'processor_parse_regex_native', 'SourceKey': 'content',
                                     'Regex': source['regex'], 'Keys': source['keys'],
                                     'KeepingSourceWhenParseFail': True}]
    assert detail['flushers'][0]['Logstore'] == 'web-access'
    assert detail['global'] == {'TopicType': 'custom', 'TopicFormat': 'web'}
    fields = dict((f['name'], f['type']) for f in fs.index_fields(source))
    assert fields['status'] == 'long' and fields['body_bytes_sent'] == 'long' and fields['request_uri'] == 'text'
    assert 'content' not in fields


def test_nginx_custom_log_format_and_quoted_fields():
    source = fs.normalize_source({'name': 'nginx', 'paths': ['/var/log/n.log'], 'format': 'nginx',
                                  'log_format': '$remote_addr [$time_local] "$request" $status $request_time'})
    assert parse(source, '10.0.0.1 [06/Dec/2026:10:00:00 +0000] "DELETE /x HTTP/2.0" 404 0.003') == {
        'remote_addr': '10.0.0.1', 'time_local': '06/Dec/2026:10:00:00 +0000', 'request_method': 'DELETE',
        'request_uri': '/x', 'http_protocol': 'HTTP/2.0', 'status': '404', 'request_time': '0.003'}
    assert dict((f['name'], f['type']) for f in fs.index_fields(source))['request_time'] == 'double'


def test_apache_presets():
    common = fs.normalize_source({'name': 'apache', 'paths': ['/var/log/apache2/access.log'], 'format': 'apache',
                                  'log_format': 'common'})
    assert parse(common, APACHE_COMMON) == {
        'remote_addr': '198.51.100.4', 'remote_ident': '-', 'remote_user': '-',
        'time_local': '06/Dec/2026:10:00:01 +0800', 'request_method': 'POST', 'request_uri': '/login',
        'http_protocol': 'HTTP/1.0', 'status': '302', 'body_bytes_sent': '-'}
    combined = fs.normalize_source({'name': 'apache', 'paths': ['/var/log/apache2/access.log'], 'format': 'apache'})
    assert combined['keys'][-2:] == ['http_referer', 'http_user_agent']
    with pytest.raises(fs.SourceError) as err:
        fs.normalize_source({'name': 'apache', 'paths': ['/l'], 'format': 'apache', 'log_format': '%h %Z'})
    assert err.value.option == 'alicloud_logging_file_sources[0].log_format' and '%Z' in str(err.value)


def test_java_log_multiline_regex():
    source = fs.normalize_source({
        'name': 'todo-app', 'paths': ['/var/log/todo/app.log'], 'format': 'regex',
        'multiline_start': r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} .*',
        'regex': r'(\S+ \S+) (\w+) \[([^\]]*)\] (\S+) - ([\s\S]*)',
        'keys': ['time', 'level', 'thread', 'logger', 'message']})
    detail = fs.pipeline_detail(source)
    assert detail['inputs'][0]['Multiline'] == {'Mode': 'custom', 'UnmatchedContentTreatment': 'single_line',
                                                'StartPattern': r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} .*'}
    event = ('2026-12-06 10:00:00,123 ERROR [main] com.example.todo.App - boom\n'
             'java.lang.IllegalStateException: boom\n\tat com.example.todo.App.main(App.java:12)')
    assert parse(source, event)['logger'] == 'com.example.todo.App'
    assert parse(source, event)['level'] == 'ERROR'
    names = [f['name'] for f in fs.index_fields(source)]
    assert names == ['time', 'level', 'thread', 'logger', 'message', 'content']


def test_json_and_delimiter():
    json_source = fs.normalize_source({'name': 'json', 'paths': ['/var/log/j.json'], 'format': 'json',
                                       'index_keys': ['level', 'msg']})
    assert fs.pipeline_detail(json_source)['processors'] == [
        {'Type': 'processor_parse_json_native', 'SourceKey': 'content', 'KeepingSourceWhenParseFail': True}]
    assert [f['name'] for f in fs.index_fields(json_source)] == ['level', 'msg', 'content']
    delim = fs.normalize_source({'name': 'csv', 'paths': ['/var/log/d.csv'], 'format': 'delimiter',
                                 'separator': '\\t', 'keys': ['a', 'b']})
    assert fs.pipeline_detail(delim)['processors'] == [
        {'Type': 'processor_parse_delimiter_native', 'SourceKey': 'content', 'Separator': '\t', 'Quote': '"',
         'Keys': ['a', 'b'], 'KeepingSourceWhenParseFail': True}]


@pytest.mark.parametrize('raw,option,needle', [
    ({'name': 'A', 'paths': ['/x']}, 'name', 'invalid config name'),
    ({'name': 'a' * 129, 'paths': ['/x']}, 'name', '2-128'),
    ({'name': 'okay', 'paths': []}, 'paths', 'at least one'),
    ({'name': 'okay', 'paths': ['relative.log']}, 'paths[0]', 'absolute'),
    ({'name': 'okay', 'paths': ['/var/log/']}, 'paths[0]', 'absolute file path'),
    ({'name': 'okay', 'paths': ['/var/log/../etc/x']}, 'paths[0]', 'normalized'),
    ({'name': 'okay', 'paths': ['/var/*/x.log']}, 'paths[0]', 'file name only'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'xml'}, 'format', 'must be one of'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'regex', 'keys': ['a']}, 'regex', 'required with format regex'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'regex', 'regex': '(a', 'keys': ['a']}, 'regex', 'not a valid'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'regex', 'regex': '(a)(b)', 'keys': ['a']}, 'keys',
     '1 field(s) but the regex has 2'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'regex', 'regex': '(a)', 'keys': ['__tag__']}, 'keys[0]',
     'reserved'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'regex', 'regex': '(a)(b)', 'keys': ['a', 'a']}, 'keys',
     'more than once'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'regex', 'regex': '(a)', 'keys': ['1a']}, 'keys[0]',
     'invalid field name'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'delimiter', 'separator': '|||||', 'keys': ['a']}, 'separator',
     '1-4 characters'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'delimiter', 'separator': '', 'keys': ['a']}, 'separator',
     'required with format delimiter'),
    ({'name': 'okay', 'paths': ['/x'], 'format': 'delimiter', 'separator': ',', 'quote': ',', 'keys': ['a']},
     'quote', 'other than the separator'),
    ({'name': 'okay', 'paths': ['/x'], 'regex': '(a)'}, 'regex', 'does not apply to format raw'),
    ({'name': 'okay', 'paths': ['/x'], 'multiline_start': '['}, 'multiline_start', 'not a valid'),
    ({'name': 'okay', 'paths': ['/x'], 'logstore': 'No'}, 'logstore', 'invalid logstore name'),
    ({'name': 'okay', 'paths': ['/x'], 'topic': 'a\nb'}, 'topic', 'one-line'),
    ({'name': 'okay', 'paths': ['/x'], 'pathz': ['/y']}, 'pathz', 'unknown field'),
])
def test_bad_sources_name_the_field(raw, option, needle):
    with pytest.raises(fs.SourceError) as err:
        fs.normalize_sources([{'name': 'first', 'paths': ['/var/log/first.log']}, raw])
    assert err.value.option == 'alicloud_logging_file_sources[1].' + option
    assert str(err.value).startswith('alicloud_logging_file_sources[1].' + option + ': ')
    assert needle in str(err.value)


def test_boundaries_accepted():
    # The shortest and longest config names, a one-key regex, a glob in the file name, 128-character keys.
    for name in ('ab', 'a' * 128):
        assert fs.normalize_source({'name': name, 'paths': ['/a'], 'logstore': 'abc'})['name'] == name
    with pytest.raises(fs.SourceError) as err:
        fs.normalize_source({'name': 'ab', 'paths': ['/a']})
    assert err.value.option.endswith('.logstore') and 'defaults to the name' in str(err.value)
    key = 'k' * 128
    source = fs.normalize_source({'name': 'okay', 'paths': ['/var/log/app-*.log'], 'format': 'regex', 'regex': '(.*)',
                                  'keys': [key]})
    assert source['keys'] == [key]
    with pytest.raises(fs.SourceError):
        fs.normalize_source({'name': 'okay', 'paths': ['/a'], 'format': 'regex', 'regex': '(.*)', 'keys': ['k' * 129]})


def test_names_unique_and_none_is_empty():
    assert fs.normalize_sources(None) == []
    with pytest.raises(fs.SourceError) as err:
        fs.normalize_sources([{'name': 'app1', 'paths': ['/a']}, {'name': 'app1', 'paths': ['/b']}])
    assert err.value.option == 'alicloud_logging_file_sources[1].name' and "[0]" in str(err.value)
    with pytest.raises(fs.SourceError) as err:
        fs.normalize_sources({'name': 'app1'})
    assert err.value.option == 'alicloud_logging_file_sources'


def test_delimiter_separator_of_one_to_four_characters():
    for separator in (',', '||', '|#|', '@@@@'):
        source = fs.normalize_source({'name': 'csv', 'paths': ['/x'], 'format': 'delimiter', 'separator': separator,
                                      'keys': ['a']})
        assert fs.pipeline_detail(source)['processors'][0]['Separator'] == separator


def refused(raw, option='alicloud_logging_file_sources[0]'):
    """The SourceError of a source that must be refused: (the field it names, the message after the field)."""
    with pytest.raises(fs.SourceError) as err:
        fs.normalize_source(raw, option)
    assert str(err.value).startswith(err.value.option + ': ')
    return err.value.option, str(err.value)[len(err.value.option) + 2:]


def nginx(log_format):
    return fs.normalize_source({'name': 'nginx', 'paths': ['/var/log/n.log'], 'format': 'nginx',
                                'log_format': log_format})


def test_server_formats_keep_their_literals_and_variable_names():
    # A literal before the first field, a variable with capitals, and one at the very end.
    source = nginx('[$time_local] <$Upstream_Addr> $status')
    assert source['keys'] == ['time_local', 'Upstream_Addr', 'status']
    assert parse(source, '[06/Dec/2026:10:00:00 +0800] <XAVIER:80> 200') == {
        'time_local': '06/Dec/2026:10:00:00 +0800', 'Upstream_Addr': 'XAVIER:80', 'status': '200'}
    assert not re.match(source['regex'] + r'\Z', '06/Dec/2026:10:00:00 +0800] <x> 200')
    # A field ended by a space holds no whitespace; one ended by a quote may hold any but the quote.
    spaced = nginx('$remote_user $status "$http_user_agent"')
    assert parse(spaced, 'XAVIER 200 "Mozilla X 5"') == {
        'remote_user': 'XAVIER', 'status': '200', 'http_user_agent': 'Mozilla X 5'}
    assert not re.match(spaced['regex'] + r'\Z', 'a\tb 200 "x"')
    assert not re.match(spaced['regex'] + r'\Z', 'a 200 "x"y"')
    # $request outside quotes is one field, not split into method, URI and protocol.
    assert nginx('$request $status')['keys'] == ['request', 'status']


def test_server_formats_refused_name_the_log_format_field_with_the_reason():
    assert refused({'name': 'web', 'paths': ['/l'], 'format': 'apache', 'log_format': '%h %Z'}) == (
        'alicloud_logging_file_sources[0].log_format',
        'unknown Apache format directive %Z (known: %>s, %A, %B, %D, %H, %T, %U, %a, %b, %h, %l, %m, %p, %q, %r, '
        '%s, %t, %u, %v, %{Referer}i, %{User-Agent}i)')
    assert refused({'name': 'web', 'paths': ['/l'], 'format': 'nginx', 'log_format': 'no fields'}) == (
        'alicloud_logging_file_sources[0].log_format', "names no field (nginx log format 'no fields')")
    assert refused({'name': 'web', 'paths': ['/l'], 'format': 'nginx',
                    'log_format': '$status $body_bytes_sent $status $body_bytes_sent $remote_addr'}) == (
        'alicloud_logging_file_sources[0].log_format', 'names body_bytes_sent, status more than once')
    assert refused({'name': 'web', 'paths': ['/l'], 'format': 'apache', 'log_format': '%s %>s'}) == (
        'alicloud_logging_file_sources[0].log_format', 'names status more than once')
    for log_format in ('', '  ', 5):
        assert refused({'name': 'web', 'paths': ['/l'], 'format': 'nginx', 'log_format': log_format}) == (
            'alicloud_logging_file_sources[0].log_format',
            "must be a preset name or the server's log format string")


@pytest.mark.parametrize('field, value, option, message', [
    ('keys', 'a', 'keys', 'must be a non-empty list of field names'),
    ('keys', ['a', 'b c'], 'keys[1]',
     "invalid field name 'b c': 1-128 letters, digits and underscores, not starting with a digit"),
    ('keys', ['a', 5], 'keys[1]',
     'invalid field name 5: 1-128 letters, digits and underscores, not starting with a digit'),
    ('keys', ['a', '__b'], 'keys[1]', "field '__b': names starting with __ are reserved by Log Service"),
    ('keys', ['a', 'a'], 'keys', 'names a field more than once'),
    ('regex', '(a', 'regex', 'not a valid regular expression (missing ), unterminated subpattern at position 0)'),
])
def test_regex_source_fields_refused_with_the_exact_reason(field, value, option, message):
    raw = {'name': 'app', 'paths': ['/l'], 'format': 'regex', 'regex': '(a)(b)', 'keys': ['a', 'b']}
    raw[field] = value
    assert refused(raw, 'srcs[3]') == ('srcs[3].' + option, message)


def test_sources_must_be_a_list_with_names_unique_by_field():
    with pytest.raises(fs.SourceError) as err:
        fs.normalize_sources('app', 'my_sources')
    assert (err.value.option, str(err.value)) == ('my_sources', 'my_sources: must be a list of file sources')
    with pytest.raises(fs.SourceError) as err:
        fs.normalize_sources([{'name': 'app1', 'paths': ['/a']}, {'name': 'app2', 'paths': ['/b']},
                              {'name': 'app1', 'paths': ['/c']}], 'my_sources')
    assert (err.value.option, str(err.value)) == ('my_sources[2].name',
                                                  "my_sources[2].name: source 'app1' is also my_sources[0]")
    assert [s['name'] for s in fs.normalize_sources([{'name': 'app1', 'paths': ['/a']},
                                                     {'name': 'app2', 'paths': ['/b']}])] == ['app1', 'app2']


def test_index_fields_add_the_content_only_when_unparsed_and_number_types_only_for_web_servers():
    def names_types(raw):
        source = fs.normalize_source(dict({'name': 'app', 'paths': ['/l']}, **raw))
        return [(f['name'], f['type']) for f in fs.index_fields(source)]
    assert names_types({'format': 'json'}) == [('content', 'text')]
    assert names_types({'format': 'json', 'index_keys': ['content', 'level']}) == [
        ('content', 'text'), ('level', 'text')]
    assert names_types({'format': 'regex', 'regex': '(a)(b)', 'keys': ['status', 'b']}) == [
        ('status', 'text'), ('b', 'text')]
    assert names_types({'format': 'apache', 'log_format': '%>s %b %D %T %u'}) == [
        ('status', 'long'), ('body_bytes_sent', 'long'), ('request_time_us', 'long'), ('request_time', 'double'),
        ('remote_user', 'text')]


KNOWN_FIELDS = ('name, paths, format, log_format, regex, keys, separator, quote, multiline_start, logstore, topic, '
                'index_keys, flush_timeout, verify_line')


@pytest.mark.parametrize('raw, option, message', [
    (['app'], '', 'must be a dict with at least name and paths'),
    ({'name': 'app', 'paths': ['/l'], 'zeta': 1, 'alpha': 2}, '.alpha', 'unknown field (known: %s)' % KNOWN_FIELDS),
    ({'name': 'app', 'paths': 5}, '.paths', 'must list at least one absolute file path'),
    ({'name': 'app', 'paths': ['/l', 5]}, '.paths[1]',
     'must be an absolute file path (a directory and a file name or glob), got 5'),
    ({'name': 'app', 'paths': ['/var//l']}, '.paths[0]', "must be a normalized path (no //, ./ or ../), got '/var//l'"),
    ({'name': 'app', 'paths': ['/var/l?g/x']}, '.paths[0]',
     "a glob is allowed in the file name only, not in the directory '/var/l?g'"),
    ({'name': 'app', 'paths': ['/var/[ab]/x']}, '.paths[0]',
     "a glob is allowed in the file name only, not in the directory '/var/[ab]'"),
    ({'name': 'app', 'paths': ['/l'], 'format': 'xml'}, '.format',
     "must be one of raw, json, regex, delimiter, nginx, apache, got 'xml'"),
    ({'name': 'app', 'paths': ['/l'], 'topic': 5}, '.topic', 'must be a one-line string'),
    ({'name': 'app', 'paths': ['/l'], 'multiline_start': 5}, '.multiline_start',
     'not a valid regular expression (first argument must be string or compiled pattern)'),
    ({'name': 'app', 'paths': ['/l'], 'format': 'delimiter', 'separator': ','}, '.keys',
     'required with format delimiter'),
    ({'name': 'app', 'paths': ['/l'], 'format': 'regex', 'regex': '(a)', 'keys': []}, '.keys',
     'required with format regex'),
    ({'name': 'app', 'paths': ['/l'], 'log_format': 'combined'}, '.log_format', 'does not apply to format raw'),
    ({'name': 'app', 'paths': ['/l'], 'format': 'json', 'keys': ['a']}, '.keys', 'does not apply to format json'),
    ({'name': 'app', 'paths': ['/l'], 'format': 'regex', 'regex': '(a)', 'keys': ['a'], 'separator': ','},
     '.separator', 'does not apply to format regex'),
    ({'name': 'app', 'paths': ['/l'], 'format': 'regex', 'regex': '(a)', 'keys': ['a'], 'quote': "'"}, '.quote',
     'does not apply to format regex'),
    ({'name': 'app', 'paths': ['/l'], 'format': 'nginx', 'index_keys': ['a']}, '.index_keys',
     'does not apply to format nginx'),
])
def test_bad_sources_refused_with_the_exact_reason(raw, option, message):
    assert refused(raw) == ('alicloud_logging_file_sources[0]' + option, message)


def test_the_logstore_hint_only_when_the_logstore_is_the_defaulted_name():
    # The reason itself is sls_diff's name_problem (tested there); the hint is this module's.
    assert refused({'name': 'ab', 'paths': ['/l']}) == (
        'alicloud_logging_file_sources[0].logstore',
        name_problem('logstore', 'ab') + ' (the logstore defaults to the name; set logstore)')
    assert refused({'name': 'app', 'paths': ['/l'], 'logstore': 'x'}) == (
        'alicloud_logging_file_sources[0].logstore', name_problem('logstore', 'x'))


def delimited(**fields):
    return dict({'name': 'csv', 'paths': ['/l'], 'format': 'delimiter', 'separator': ',', 'keys': ['a', 'b']},
                **fields)


@pytest.mark.parametrize('raw, option, message', [
    (delimited(separator='a\nb'), '.separator', "must be 1-4 characters (or \\t), got 'a\\nb'"),
    (delimited(separator=5), '.separator', 'must be 1-4 characters (or \\t), got 5'),
    (delimited(separator='|||||'), '.separator', "must be 1-4 characters (or \\t), got '|||||'"),
    (delimited(quote='""'), '.quote', "must be one character other than the separator, got '\"\"'"),
    (delimited(quote=5), '.quote', 'must be one character other than the separator, got 5'),
    (delimited(separator='|#|', quote='#'), '.quote', "must be one character other than the separator, got '#'"),
    (delimited(keys=['a', 'a']), '.keys', 'names a field more than once'),
    ({'name': 'app', 'paths': ['/l'], 'format': 'json', 'index_keys': ['ok', '9']}, '.index_keys[1]',
     "invalid field name '9': 1-128 letters, digits and underscores, not starting with a digit"),
    ({'name': 'app', 'paths': ['/l'], 'format': 'regex', 'regex': r'(\w+) (\w+) (\w+)', 'keys': ['a', 'b']}, '.keys',
     'names 2 field(s) but the regex has 3 capture group(s)'),
])
def test_parse_fields_refused_with_the_exact_reason(raw, option, message):
    assert refused(raw) == ('alicloud_logging_file_sources[0]' + option, message)


def test_delimiter_quote_defaults_to_a_double_quote_and_may_be_any_other_character():
    assert fs.normalize_source(delimited())['quote'] == '"'
    assert fs.normalize_source(delimited(separator='\\t', quote="'"))['separator'] == '\t'
    assert fs.normalize_source(delimited(separator='||', quote="'"))['quote'] == "'"


def test_verify_line_is_checked_with_a_canary_of_the_form_the_runs_use():
    # Canaries are alicloudverify<run>x<host>f<n>, lowercase letters and digits: a field that only such values
    # match must be accepted, and a verify_line whose field cannot hold one refused naming verify_line.
    raw = {'name': 'app', 'paths': ['/l'], 'format': 'regex', 'regex': r'(\w+) ([a-z0-9]+)', 'keys': ['level', 'id']}
    source = fs.normalize_source(dict(raw, verify_line='INFO {canary}'))
    assert source['verify_line'] == 'INFO {canary}'
    assert refused(dict(raw, verify_line='INFO x{canary}-'))[0] == 'alicloud_logging_file_sources[0].verify_line'
    assert 'verify_line' not in fs.normalize_source(raw)


def test_a_directory_is_taken_as_written_when_it_holds_no_glob_character():
    for path in ('/opt/X11/log/Xorg.*.log', '/srv/app-1.2_final/logs/app.log', '/var/log/(x)/{a}/+.log'):
        assert fs.normalize_source({'name': 'app', 'paths': [path]})['paths'] == [path]
