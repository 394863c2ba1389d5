"""The TEST STAND-IN's input_file (tests/logtail_standin/file_input.py) and native parse processors
(parse_processors.py): checkpoints across a restart and rotations, copytruncate, new files of a glob, the tail
size of files found when a config is applied, multi-line Java stack traces, nginx lines by regex, json and
delimiter parsing, a line longer than the read buffer, a partial last line, and the configs the real agent
refuses. Each behaviour's vendor source is cited in the modules' docstrings."""
import json
import os
import shutil
import time

import pytest

from tests.logtail_standin import file_input, parse_processors, shipper

LATER = 10 ** 6  # a monotonic "now" past every flush timeout


def tailer(tmp_path, detail_input, processors=None, name='app', checkpoints=None, **options):
    detail = {'inputs': [dict({'Type': 'input_file'}, **detail_input)], 'processors': processors or [],
              'flushers': [{'Type': 'flusher_sls', 'Logstore': 'app'}]}
    events = []
    store = checkpoints or file_input.Checkpoints(str(tmp_path / 'checkpoint.json'))
    tail = file_input.FileTailer(file_input.FileConfig(name, detail), events.append, store, **options)
    return tail, events


def append(path, text, mode='a'):
    with open(str(path), mode, encoding='utf-8') as handle:
        handle.write(text)


def contents(events, key='content'):
    return [event['contents'][key] for event in events]


def lines(first, last):
    return ''.join('line %05d\n' % n for n in range(first, last + 1))


def test_ten_thousand_lines_across_rotations_and_a_restart_arrive_once_each(tmp_path):
    log = tmp_path / 'app.log'
    append(log, lines(1, 3000))
    tail, first = tailer(tmp_path, {'FilePaths': [str(log)]})
    tail.poll()
    append(log, lines(3001, 4000))
    tail.poll()
    append(log, lines(4001, 5000))  # not read before the agent stops
    tail.stop()
    # While the agent is down the file is rotated by rename-and-create.
    os.rename(str(log), str(tmp_path / 'app.log.1'))
    append(log, lines(5001, 7000))
    tail, second = tailer(tmp_path, {'FilePaths': [str(log)]})  # the restarted agent: checkpoints from disk
    tail.poll()
    append(log, lines(7001, 8000))
    os.rename(str(log), str(tmp_path / 'app.log.2'))  # rotated while running, its end not yet read
    append(log, lines(8001, 10000))
    for _ in range(3):
        tail.poll()
    tail.stop()
    got = contents(first + second)
    assert len(got) == 10000 and len(set(got)) == 10000
    assert got == ['line %05d' % n for n in range(1, 10001)]  # the rotated file first, then the new one
    assert {e['path'] for e in first + second} == {str(log)}  # rotated files keep the path they were read as


def test_checkpoint_is_written_on_stop_and_keyed_by_dev_inode_and_config(tmp_path):
    log = tmp_path / 'app.log'
    append(log, lines(1, 10))
    tail, _ = tailer(tmp_path, {'FilePaths': [str(log)]})
    tail.poll()
    assert not os.path.exists(str(tmp_path / 'checkpoint.json'))  # dumped every 15 minutes, not per read
    tail.stop()
    entries = json.load(open(str(tmp_path / 'checkpoint.json')))['check_point']
    stat = os.stat(str(log))
    [(key, entry)] = entries.items()
    assert key == 'app\t%d\t%d' % (stat.st_dev, stat.st_ino)
    assert (entry['file_name'], entry['offset'], entry['sig_size']) == (str(log), stat.st_size, stat.st_size)


def test_after_a_crash_lines_since_the_last_checkpoint_dump_are_read_again(tmp_path):
    """At least once, as the real agent without EnableExactlyOnce: the checkpoint is only as new as its dump."""
    log = tmp_path / 'app.log'
    append(log, lines(1, 10))
    tail, first = tailer(tmp_path, {'FilePaths': [str(log)]}, checkpoint_interval=0)
    tail.poll()  # read, and dumped (interval 0)
    append(log, lines(11, 20))
    tail.checkpoint_interval = 3600
    tail.poll()  # read, not dumped; then the agent is killed (no stop)
    tail, second = tailer(tmp_path, {'FilePaths': [str(log)]})
    tail.poll()
    assert contents(first) == ['line %05d' % n for n in range(1, 21)]
    assert contents(second) == ['line %05d' % n for n in range(11, 21)]


def test_copytruncate_restarts_from_zero(tmp_path):
    log = tmp_path / 'app.log'
    append(log, lines(1, 100))
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)]})
    tail.poll()
    shutil.copy(str(log), str(tmp_path / 'app.log.1'))
    append(log, '', mode='w')  # truncate
    append(log, ''.join('new %d\n' % n for n in range(1, 51)))
    tail.poll()
    assert contents(events) == ['line %05d' % n for n in range(1, 101)] + ['new %d' % n for n in range(1, 51)]


def test_a_smaller_file_with_the_same_first_bytes_is_read_from_its_new_size(tmp_path):
    """The vendor's "signature is same but size decrease": the offset moves to the size, nothing is re-read."""
    log = tmp_path / 'app.log'
    head = 'x' * 2000 + '\n'
    append(log, head + lines(1, 10))
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)]})
    tail.poll()
    append(log, head, mode='w')
    tail.poll()
    append(log, 'after\n')
    tail.poll()
    assert contents(events)[-1:] == ['after'] and len(events) == 12


def test_a_new_file_matching_the_glob_is_read_from_its_beginning(tmp_path):
    (tmp_path / 'logs').mkdir()
    append(tmp_path / 'logs' / 'a.log', 'a1\n')
    tail, events = tailer(tmp_path, {'FilePaths': [str(tmp_path / 'logs' / '*.log')]})
    tail.poll()
    append(tmp_path / 'logs' / 'b.log', 'b1\nb2\n')
    append(tmp_path / 'logs' / 'c.txt', 'not matched\n')
    tail.poll()
    assert [(os.path.basename(e['path']), e['contents']['content']) for e in events] == [
        ('a.log', 'a1'), ('b.log', 'b1'), ('b.log', 'b2')]


def test_a_class_opened_by_a_caret_is_negated_as_glibc_fnmatch_reads_it(tmp_path):
    (tmp_path / 'logs').mkdir()
    for name in ('v.log', 'x.log', '^.log'):
        append(tmp_path / 'logs' / name, name + '\n')
    tail, events = tailer(tmp_path, {'FilePaths': [str(tmp_path / 'logs' / '[^v].log')]})
    tail.poll()
    # "not v": x.log and ^.log; Python's own glob would have taken v.log and ^.log
    assert sorted(e['contents']['content'] for e in events) == ['^.log', 'x.log']


@pytest.mark.parametrize('pattern, taken', [
    ('[[^a].log', ['[.log', '^.log', 'a.log']),   # one class of '[', '^' and 'a': no negation inside a class
    ('[^]a].log', ['[.log', '^.log', 'v.log', 'x.log']),   # ']' first is a member: "neither ']' nor 'a'"
    ('*.log', ['[.log', '^.log', 'a.log', 'v.log', 'x.log']),   # '.hidden.log' only for a pattern starting with '.'
    ('.*.log', ['.hidden.log']),
])
def test_file_names_are_matched_by_the_c_library_s_fnmatch(tmp_path, pattern, taken):
    (tmp_path / 'logs').mkdir()
    for name in ('v.log', 'x.log', '^.log', '[.log', 'a.log', '.hidden.log'):
        append(tmp_path / 'logs' / name, name + '\n')
    tail, events = tailer(tmp_path, {'FilePaths': [str(tmp_path / 'logs' / pattern)]})
    tail.poll()
    assert sorted(e['contents']['content'] for e in events) == taken


@pytest.mark.parametrize('directory, taken', [
    ('logs-[^a]', ['logs-^', 'logs-b']),   # "not a" for the agent's fnmatch (Python's glob: '^' or 'a')
    ('logs-[[^a]', ['logs-^', 'logs-a']),   # one class of '[', '^' and 'a'
    ('*', ['logs-^', 'logs-a', 'logs-b']),   # not '.logs-c' (a '.' name for a '.' pattern only), not a file
])
def test_a_directory_wildcard_is_matched_by_the_c_library_s_fnmatch_too(tmp_path, directory, taken):
    for name in ('logs-a', 'logs-b', 'logs-^', '.logs-c'):
        (tmp_path / name).mkdir()
        append(tmp_path / name / 'x.log', name + '\n')
    append(tmp_path / 'logs-d', 'a file, not a directory\n')
    tail, events = tailer(tmp_path, {'FilePaths': [str(tmp_path / directory / 'x.log')]})
    tail.poll()
    assert sorted(e['contents']['content'] for e in events) == taken


def test_a_file_found_when_the_config_is_applied_is_read_from_its_last_tail_size(tmp_path):
    log = tmp_path / 'big.log'
    line = 'y' * 99 + '\n'  # 100 bytes
    append(log, ''.join('%05d%s' % (n, line[5:]) for n in range(30000)))  # 3,000,000 bytes
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)], 'TailSizeKB': 1024})
    tail.poll()
    start = 3000000 - 1024 * 1024  # then on to the next line start
    assert len(events) == (3000000 - ((start // 100) + 1) * 100) // 100
    assert events[-1]['contents']['content'].startswith('29999')


def test_with_a_start_pattern_the_tail_starts_at_a_start_line(tmp_path):
    log = tmp_path / 'big.log'
    block = '2026-12-06 10:00:00 start\n' + ''.join('\tat frame %04d\n' % n for n in range(200))  # ~3 KB
    append(log, block * 500)  # ~1.5 MB
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)], 'TailSizeKB': 1024,
                                     'Multiline': {'StartPattern': r'\d{4}-\d{2}-\d{2} .*'}})
    tail.poll(now=LATER)
    assert events and all(c.startswith('2026-12-06 10:00:00 start\n') for c in contents(events))
    assert len(contents(events)[-1].split('\n')) == 201


def test_java_stack_traces_are_one_event_each_with_level_and_logger(tmp_path):
    log = tmp_path / 'app.log'
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)], 'Multiline': {
        'Mode': 'custom', 'StartPattern': r'\d{4}-\d{2}-\d{2} .*', 'UnmatchedContentTreatment': 'single_line'}},
        [{'Type': 'processor_parse_regex_native', 'SourceKey': 'content',
          'Regex': r'(\d{4}-\d{2}-\d{2} [\d:,]+) (\w+) \[([^\]]+)\] (\S+) - ([\s\S]*)',
          'Keys': ['time', 'level', 'thread', 'logger', 'message']}])
    tail.poll()  # the file does not exist yet
    append(log, 'orphan line before any start\n'
                '2026-12-06 10:00:00,123 ERROR [main] com.example.App - boom\n'
                '\tat com.example.App.run(App.java:10)\n\tat com.example.App.main(App.java:5)\n'
                '2026-12-06 10:00:01,000 INFO [worker-1] com.example.Job - done\n'
                '2026-12-06 10:00:02,000 WARN [main] com.example.Db - slow\nCaused by: x\n\tat y\n')
    tail.poll()
    # The last event may go on: it waits for the next start line or the flush timeout.
    # The unmatched line is an event of its own (single_line), the regex fails on it, and an event left empty by
    # a failure without KeepingSourceWhenParseFail is discarded.
    assert [e['contents'].get('level') for e in events] == ['ERROR', 'INFO']
    assert events[0]['contents'] == {
        'time': '2026-12-06 10:00:00,123', 'level': 'ERROR', 'thread': 'main', 'logger': 'com.example.App',
        'message': 'boom\n\tat com.example.App.run(App.java:10)\n\tat com.example.App.main(App.java:5)'}
    tail.poll(now=LATER)
    assert events[-1]['contents']['message'] == 'slow\nCaused by: x\n\tat y'
    assert len(events) == 3


def test_unmatched_content_is_dropped_with_discard(tmp_path):
    log = tmp_path / 'app.log'
    append(log, 'orphan\n2026-12-06 10:00:00 a\nb\n')
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)], 'Multiline': {
        'StartPattern': r'\d{4}-\d{2}-\d{2} .*', 'UnmatchedContentTreatment': 'discard'}})
    tail.poll(now=LATER)
    assert contents(events) == ['2026-12-06 10:00:00 a\nb']


NGINX = ('203.0.113.9 - - [06/Dec/2026:10:00:00 +0000] "GET /api/items?id=7 HTTP/1.1" 200 5120 '
         '"https://example.com/" "curl/8.5.0"')
NGINX_REGEX = (r'(\S+) - (\S+) \[([^\]]+)\] "(\S+) (\S+) (\S+)" (\d{3}) (\d+) "([^"]*)" "([^"]*)"')
NGINX_KEYS = ['remote_addr', 'remote_user', 'time_local', 'method', 'request_uri', 'protocol', 'status',
              'body_bytes_sent', 'http_referer', 'http_user_agent']


def test_nginx_combined_line_by_regex(tmp_path):
    log = tmp_path / 'access.log'
    append(log, NGINX + '\nnot an access line\n')
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)]}, [
        {'Type': 'processor_parse_regex_native', 'SourceKey': 'content', 'Regex': NGINX_REGEX, 'Keys': NGINX_KEYS,
         'KeepingSourceWhenParseFail': True, 'RenamedSourceKey': 'raw'}])
    tail.poll()
    assert (events[0]['contents']['status'], events[0]['contents']['request_uri'],
            events[0]['contents']['body_bytes_sent']) == ('200', '/api/items?id=7', '5120')
    assert 'content' not in events[0]['contents']
    assert events[1]['contents'] == {'raw': 'not an access line'}


def test_regex_must_match_the_whole_line_and_a_failure_drops_the_event_by_default():
    [parser] = parse_processors.make_processors([
        {'Type': 'processor_parse_regex_native', 'SourceKey': 'content', 'Regex': r'(\d+)', 'Keys': ['n']}])
    assert parse_processors.run([parser], '42') == {'n': '42'}
    assert parse_processors.run([parser], '42 and more') is None


def test_fewer_groups_than_keys_is_not_refused_but_every_line_fails():
    [parser] = parse_processors.make_processors([
        {'Type': 'processor_parse_regex_native', 'SourceKey': 'content', 'Regex': r'(\d+) (\w+)',
         'Keys': ['a', 'b', 'c'], 'KeepingSourceWhenParseFail': True, 'CopingRawLog': True}])
    assert parse_processors.run([parser], '1 x') == {'content': '1 x', '__raw_log__': '1 x'}
    [more] = parse_processors.make_processors([
        {'Type': 'processor_parse_regex_native', 'SourceKey': 'content', 'Regex': r'(\d+) (\w+)', 'Keys': ['a']}])
    assert parse_processors.run([more], '1 x') == {'a': '1'}


def test_json_top_level_keys_become_fields():
    [parser] = parse_processors.make_processors([{'Type': 'processor_parse_json_native', 'SourceKey': 'content'}])
    assert parse_processors.run([parser], '{"a": "x", "n": 3, "ok": true, "nil": null, "o": {"k": [1, 2]}}') == {
        'a': 'x', 'n': '3', 'ok': 'true', 'nil': '', 'o': '{"k":[1,2]}'}
    assert parse_processors.run([parser], '[1, 2]') is None  # not an object: a failure
    assert parse_processors.run([parser], '{broken') is None
    [keep] = parse_processors.make_processors([{'Type': 'processor_parse_json_native', 'SourceKey': 'content',
                                                'KeepingSourceWhenParseFail': True}])
    assert parse_processors.run([keep], '{broken') == {'content': '{broken'}


def test_delimiter_with_quotes_and_overflow():
    [parser] = parse_processors.make_processors([{'Type': 'processor_parse_delimiter_native', 'SourceKey': 'content',
                                                  'Separator': ',', 'Quote': '"', 'Keys': ['a', 'b']}])
    assert parse_processors.run([parser], '1,"x, ""y"""') == {'a': '1', 'b': 'x, "y"'}
    assert parse_processors.run([parser], '1,2,3') == {'a': '1', 'b': '2', '__column2__': '3'}
    assert parse_processors.run([parser], '1') == {'a': '1'}  # AllowingShortenedFields defaults to true
    [keep, discard] = parse_processors.make_processors([
        {'Type': 'processor_parse_delimiter_native', 'SourceKey': 'content', 'Separator': ',', 'Keys': ['a', 'b'],
         'OverflowedFieldsTreatment': treatment} for treatment in ('keep', 'discard')])
    assert parse_processors.run([keep], '1,2,3,4') == {'a': '1', 'b': '2', '__column2__': ',3,4'}
    assert parse_processors.run([discard], '1,2,3,4') == {'a': '1', 'b': '2'}


@pytest.mark.parametrize('plugin, reason', [
    ({'Type': 'processor_parse_regex_native', 'SourceKey': 'content', 'Regex': '(', 'Keys': ['a']},
     'not a valid regex'),
    ({'Type': 'processor_parse_regex_native', 'SourceKey': 'content', 'Regex': '(.*)'}, 'Keys'),
    ({'Type': 'processor_parse_json_native'}, 'SourceKey'),
    ({'Type': 'processor_parse_delimiter_native', 'SourceKey': 'content', 'Separator': '|||||', 'Keys': ['a']},
     'more than 4 chars'),
    ({'Type': 'processor_parse_delimiter_native', 'SourceKey': 'content', 'Separator': ',', 'Quote': "''",
      'Keys': ['a']}, 'Quote is not a single char'),
    ({'Type': 'processor_parse_json_native', 'SourceKey': 'content', 'CopyingRawLog': True},
     'does not know: CopyingRawLog'),
])
def test_processor_configs_the_real_agent_refuses(plugin, reason):
    with pytest.raises(parse_processors.ConfigError, match=reason):
        parse_processors.make_processors([plugin])


@pytest.mark.parametrize('plugin, reason', [
    ({}, 'FilePaths'), ({'FilePaths': []}, 'FilePaths'), ({'FilePaths': ['relative/*.log']}, r'FilePaths\[0\]'),
    ({'FilePaths': ['/var/log/%d.log' % n for n in range(11)]}, 'more than 10'),
    ({'FilePaths': ['/var/log/a.log'], 'FileEncoding': 'latin1'}, 'FileEncoding is not valid'),
    ({'FilePaths': ['/var/log/a.log'], 'Multiline': {'StartPattern': '('}}, 'StartPattern is not a valid regex'),
    ({'FilePaths': ['/var/log/a.log'], 'ExcludeFilePaths': ['/var/log/b.log']}, 'not implemented.*ExcludeFilePaths'),
])
def test_input_configs_the_real_agent_refuses(plugin, reason):
    with pytest.raises(file_input.ConfigError, match=reason):
        file_input.FileConfig('c', {'inputs': [dict({'Type': 'input_file'}, **plugin)]})


def test_a_line_longer_than_the_read_buffer_is_cut_at_512_kib(tmp_path):
    log = tmp_path / 'app.log'
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)]})
    tail.poll()
    append(log, 'a' * (600 * 1024) + '\n' + 'b' * (512 * 1024 - 1) + '\nshort\n')  # created later: read from 0
    tail.poll()
    assert [len(c) for c in contents(events)] == [512 * 1024, 88 * 1024, 512 * 1024 - 1, 5]


def test_max_read_buffer_size_of_the_agent_config_sets_the_cut(tmp_path):
    assert file_input.read_buffer_size({'max_read_buffer_size': 64 * 1024}) == 64 * 1024
    assert file_input.read_buffer_size({'max_read_buffer_size': 1024}) == 512 * 1024  # below 10 KiB: ignored
    assert file_input.read_buffer_size({}) == 512 * 1024
    log = tmp_path / 'app.log'
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)]}, buffer_size=64 * 1024)
    tail.poll()
    append(log, 'c' * (100 * 1024) + '\n')
    tail.poll()
    assert [len(c) for c in contents(events)] == [64 * 1024, 36 * 1024]


def test_a_partial_last_line_waits_for_its_lf_or_the_flush_timeout(tmp_path):
    log = tmp_path / 'app.log'
    tail, events = tailer(tmp_path, {'FilePaths': [str(log)], 'FlushTimeoutSecs': 60})
    tail.poll()
    append(log, 'abc')
    tail.poll()
    assert events == []
    append(log, 'def\n')
    tail.poll()
    append(log, 'xyz')
    tail.poll()
    assert contents(events) == ['abcdef']
    tail.poll(now=LATER)  # 60 s without new data: read as it is
    append(log, '\nnext\n')  # the LF that ends the forced line is skipped
    tail.poll()
    assert contents(events) == ['abcdef', 'xyz', 'next']
    append(log, 'tail')
    tail.poll(now=LATER)
    append(log, '\n')  # only the LF of the forced line: no empty event
    tail.poll(now=LATER)
    assert contents(events) == ['abcdef', 'xyz', 'next', 'tail']


def test_file_inputs_follow_the_applied_configs_and_route_to_their_logstore(tmp_path):
    log = tmp_path / 'app.log'
    append(log, '{"level": "info", "msg": "hi"}\n')
    detail = {'configName': 'app-json', 'inputs': [{'Type': 'input_file', 'FilePaths': [str(log)]}],
              'processors': [{'Type': 'processor_parse_json_native', 'SourceKey': 'content'}],
              'flushers': [{'Type': 'flusher_sls', 'Logstore': 'applogs', 'TelemetryType': 'logs'}],
              'global': {'TopicType': 'custom', 'TopicFormat': 'web'}}
    config = {'project': 'p', 'groupName': 'g', 'configName': 'app-json', 'kind': 'pipelineconfigs',
              'logstore': 'applogs', 'detail': detail}
    records, rejected = [], []
    inputs = file_input.FileInputs(str(tmp_path / 'cp.json'), records.append, rejected.append, hostname='web-1',
                                   poll_interval=0.05)
    inputs.apply([config])
    deadline = time.time() + 10
    while not records and time.time() < deadline:
        time.sleep(0.05)
    inputs.apply([])  # no longer applied: the tailer stops and writes its checkpoint
    assert not inputs.tailers and os.path.exists(str(tmp_path / 'cp.json'))
    [record] = records
    assert record['contents'] == {'level': 'info', 'msg': 'hi'}
    assert record['tags'] == {'__path__': str(log), '__hostname__': 'web-1'}
    assert shipper.route(record, [config]) == ('p', 'applogs', 'web')
    bad = dict(config, configName='bad', detail=dict(detail, processors=[
        {'Type': 'processor_parse_regex_native', 'SourceKey': 'content', 'Regex': '(', 'Keys': ['a']}]))
    inputs.apply([bad])
    inputs.stop()
    assert rejected and 'input_file not started' in rejected[0] and 'not a valid regex' in rejected[0]
