# -*- coding: utf-8 -*-
"""file_sources: a file source checked field by field (the error names the field), its pipeline config and the
index its parsed fields need; the nginx and Apache presets parse real lines into the right values."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_sources as fs

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
