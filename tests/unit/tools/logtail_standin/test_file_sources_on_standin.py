"""The pipeline configs the product renders (module_utils/file_sources.py) run on the stand-in's input_file and
parse processors (which follow LoongCollector's sources and refuse what they do not implement): every format is
accepted, and the nginx preset and a Java multi-line regex give the fields the index expects."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_sources as fs
from tests.logtail_standin import parse_processors
from tests.logtail_standin.file_input import FileConfig

SOURCES = [
    {'name': 'raw-app', 'paths': ['/var/log/app/*.log']},
    {'name': 'json-app', 'paths': ['/var/log/app.json'], 'format': 'json', 'index_keys': ['level'], 'topic': 't'},
    {'name': 'csv-app', 'paths': ['/var/log/app.csv'], 'format': 'delimiter', 'separator': '||', 'keys': ['a', 'b']},
    {'name': 'nginx-access', 'paths': ['/var/log/nginx/access.log'], 'format': 'nginx'},
    {'name': 'apache-access', 'paths': ['/var/log/apache2/access.log'], 'format': 'apache', 'log_format': 'common'},
    {'name': 'todo-app', 'paths': ['/var/log/todo/app.log'], 'format': 'regex',
     'multiline_start': r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} ',
     'regex': r'(\S+ \S+) (\w+) \[([^\]]*)\] (\S+) - ([\s\S]*)', 'keys': ['time', 'level', 'thread', 'logger', 'message']},
]


@pytest.mark.parametrize('raw', SOURCES, ids=[s['name'] for s in SOURCES])
def test_every_rendered_config_runs_on_the_standin(raw):
    source = fs.normalize_source(raw)
    config = FileConfig(fs.config_name('p', source['name']), fs.pipeline_detail(source))
    assert config.paths == source['paths']
    assert config.topic == (source['topic'] or '')
    assert (config.start is not None) == bool(source['multiline_start'])


def fields(raw, content):
    source = fs.normalize_source(raw)
    config = FileConfig('c', fs.pipeline_detail(source))
    return parse_processors.run(config.processors, content)


def test_nginx_line_parsed_into_status_path_and_bytes():
    line = '203.0.113.7 - - [06/Dec/2026:10:00:00 +0800] "GET /api/todos HTTP/1.1" 404 153 "-" "curl/8.5.0"'
    event = fields(SOURCES[3], line)
    assert event['status'] == '404' and event['request_uri'] == '/api/todos' and event['body_bytes_sent'] == '153'
    assert 'content' not in event  # parsed: the raw line is not kept beside the fields
    # A line the format does not describe stays searchable as it was (KeepingSourceWhenParseFail).
    assert fields(SOURCES[3], 'not an access line') == {'content': 'not an access line'}


def test_java_event_with_stack_trace_parsed():
    event = fields(SOURCES[5], '2026-12-06 10:00:00,123 ERROR [main] com.example.todo.App - boom\n'
                               'java.lang.IllegalStateException: boom\n\tat com.example.todo.App.main(App.java:12)')
    assert event['level'] == 'ERROR' and event['logger'] == 'com.example.todo.App'
    assert event['message'].endswith('App.java:12)')
