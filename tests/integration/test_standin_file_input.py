"""The Logtail stand-in's input_file against the emulator: an input_file pipeline config (multi-line Java logs
parsed by regex, a custom topic) created through the official SDK and applied to the fleet's machine group
reaches the daemon through its heartbeat; the daemon tails the file and its parsed events are found with the
SDK's get_logs, tagged with the file path. When the config is no longer applied the tailer stops and writes its
checkpoint. A daemon stopped (SIGTERM) and started again, with the file rotated while it was down, ships every
line exactly once."""
import json
import sys
import time

from aliyun.log import IndexConfig
from aliyun.log.logtail_pipeline_config_detail import LogtailPipelineConfigDetail

from tests.integration.rsyslog_bed import STANDIN, Process, read_lines, wait_for
from tests.integration.standin_fleet import GROUP, PROJECT, fleet, search, write_settings
from tests.integration.test_sls_emulator import _client
from tests.support.sls_emulator import sls_emulator, sls_emulator_server  # noqa: F401

STORE = 'applogs'
JAVA_REGEX = r'(\d{4}-\d{2}-\d{2} [\d:,]+) (\w+) \[([^\]]+)\] (\S+) - ([\s\S]*)'


def app_logstore(client):
    client.create_logstore(PROJECT, STORE, ttl=7)
    index = IndexConfig()
    index.from_json({'line': {'token': list(' ,;:=()[]{}?@&<>/\'"\n\t\r'), 'caseSensitive': False},
                     'keys': {key: {'type': 'text', 'token': list(' ,;:=()[]{}?@&<>/\'"\n\t\r'),
                                    'caseSensitive': False} for key in ('level', 'logger', 'thread', 'message')}})
    client.create_index(PROJECT, STORE, index)


def file_pipeline(client, path, name='java-app'):
    client.create_logtail_pipeline_config(PROJECT, LogtailPipelineConfigDetail(
        name,
        [{'Type': 'input_file', 'FilePaths': [path], 'MaxDirSearchDepth': 0, 'FlushTimeoutSecs': 1,
          'Multiline': {'Mode': 'custom', 'StartPattern': r'\d{4}-\d{2}-\d{2} .*',
                        'UnmatchedContentTreatment': 'single_line'}}],
        [{'Type': 'flusher_sls', 'Logstore': STORE, 'TelemetryType': 'logs'}],
        processors=[{'Type': 'processor_parse_regex_native', 'SourceKey': 'content', 'Regex': JAVA_REGEX,
                     'Keys': ['time', 'level', 'thread', 'logger', 'message']}],
        global_config={'TopicType': 'custom', 'TopicFormat': 'java-app'}))
    client.apply_config_to_machine_group(PROJECT, name, GROUP)


def test_an_applied_input_file_config_ships_parsed_multiline_events(sls_emulator, tmp_path):
    client = _client(sls_emulator)
    fleet(client)
    app_logstore(client)
    log = tmp_path / 'app.log'
    log.write_text('2026-12-06 09:59:59,000 INFO [main] com.example.App - before the config\n')
    file_pipeline(client, str(tmp_path / 'app*.log'))
    (tmp_path / 'ilogtail_config.json').write_text(json.dumps({'streamlog_open': False}))
    agent = Process([sys.executable, STANDIN, '--home', str(tmp_path), '--ship-settings',
                     write_settings(tmp_path, sls_emulator.endpoint)], str(tmp_path / 'agent.out'))
    try:
        with open(str(log), 'a') as handle:
            handle.write('2026-12-06 10:00:00,123 ERROR [main] com.example.App - boom\n'
                         '\tat com.example.App.run(App.java:10)\n\tat com.example.App.main(App.java:5)\n'
                         '2026-12-06 10:00:01,000 WARN [worker-1] com.example.Job - slow\n')
        found = wait_for(lambda: not agent.alive() or len(search(client, 'level: *', logstore=STORE)) == 3 and
                         search(client, 'level: *', logstore=STORE), 60, 'three parsed events searchable')
        assert agent.alive(), read_lines(str(tmp_path / 'agent.out'))
        client.remove_config_to_machine_group(PROJECT, 'java-app', GROUP)
        checkpoint = tmp_path / 'standin_checkpoint.json'
        wait_for(lambda: checkpoint.exists(), 30, 'the checkpoint written when the config is no longer applied')
    finally:
        agent.stop()
    by_level = {row['level']: row for row in found}
    assert sorted(by_level) == ['ERROR', 'INFO', 'WARN']  # the file was small: read whole (TailSizeKB 1024)
    error = by_level['ERROR']
    assert (error['logger'], error['thread'], error['time']) == ('com.example.App', 'main', '2026-12-06 10:00:00,123')
    assert error['message'] == 'boom\n\tat com.example.App.run(App.java:10)\n\tat com.example.App.main(App.java:5)'
    assert error['__tag__:__path__'] == str(log)
    assert error['__topic__'] == 'java-app'  # global TopicType custom: the TopicFormat
    assert error['__tag__:__hostname__']
    assert error['__source__'] == '10.0.0.7'
    assert 'content' not in error
    assert [r['level'] for r in search(client, 'logger: com.example.Job', logstore=STORE)] == ['WARN']
    [entry] = json.loads(checkpoint.read_text())['check_point'].values()
    assert (entry['config_name'], entry['offset']) == ('java-app', log.stat().st_size)
    assert not any('input_file' in line for line in read_lines(str(tmp_path / 'standin_received.rejected')))


def start_agent(tmp_path, settings):
    (tmp_path / 'ilogtail_config.json').write_text(json.dumps({'streamlog_open': False}))
    return Process([sys.executable, STANDIN, '--home', str(tmp_path), '--ship-settings', settings],
                   str(tmp_path / 'agent.out'))


def test_a_stopped_and_restarted_agent_ships_every_line_once_across_a_rotation(sls_emulator, tmp_path):
    client = _client(sls_emulator)
    fleet(client)
    app_logstore(client)
    log = tmp_path / 'count.log'
    client.create_logtail_pipeline_config(PROJECT, LogtailPipelineConfigDetail(
        'counted', [{'Type': 'input_file', 'FilePaths': [str(log)]}],
        [{'Type': 'flusher_sls', 'Logstore': STORE, 'TelemetryType': 'logs'}],
        processors=[{'Type': 'processor_parse_regex_native', 'SourceKey': 'content', 'Regex': r'line (\d+) (\w+)',
                     'Keys': ['message', 'level']}]))
    client.apply_config_to_machine_group(PROJECT, 'counted', GROUP)
    settings = write_settings(tmp_path, sls_emulator.endpoint)

    def write(first, last, path=log):
        with open(str(path), 'a') as handle:
            handle.write(''.join('line %d counted\n' % n for n in range(first, last + 1)))

    def shipped():
        return search(client, 'level: counted', logstore=STORE)

    agent = start_agent(tmp_path, settings)
    try:
        wait_for(lambda: (tmp_path / 'standin_spool' / 'applied_configs.json').exists(), 30, 'the first heartbeat')
        write(1, 1500)
        wait_for(lambda: len(shipped()) == 1500, 60, 'the first 1,500 lines')
    finally:
        agent.stop()
    write(1501, 2000)  # written while the agent is down, then rotated away
    log.rename(tmp_path / 'count.log.1')
    write(2001, 3000)
    agent = start_agent(tmp_path, settings)
    try:
        write(3001, 4000)
        rows = wait_for(lambda: len(shipped()) >= 4000 and shipped(), 90, 'all 4,000 lines')
        time.sleep(3)  # anything shipped twice would arrive by now
        rows = shipped()
    finally:
        agent.stop()
    numbers = sorted(int(row['message']) for row in rows)
    assert numbers == list(range(1, 4001))
