"""The verify canary of a file source (module_utils/file_source_canary.py) and the source options it reads
(verify_line, flush_timeout in module_utils/file_sources.py): lines that parse under each format, as the stand-in's
processors (which follow LoongCollector's) parse them, the field they are found by, and the probe file a glob
gives."""
import fnmatch
import json

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_sources as fs
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_source_canary import (
    CanaryError, canary_line, canary_target, posix_glob, probe_path)
from tests.logtail_standin import parse_processors
from tests.logtail_standin.file_input import FileConfig, c_fnmatch

CANARY = 'alicloudverify2026x3f1'
JAVA = {'name': 'todo-app', 'paths': ['/var/log/todo/app*.log'], 'format': 'regex',
        'multiline_start': r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} ',
        'regex': r'(\S+ \S+) (\w+) \[([^\]]*)\] (\S+) - ([\s\S]*)', 'keys': ['time', 'level', 'thread', 'logger', 'message']}
JAVA_LINE = '2026-12-06 10:00:00,000 INFO [verify] alicloud.verify - {canary}'


def standin_fields(source, line):
    """What the stand-in's input_file + parse processor make of the line: the agent's own judgement."""
    config = FileConfig('c', fs.pipeline_detail(source))
    return parse_processors.run(config.processors, line)


@pytest.mark.parametrize('raw, field, value', [
    ({'name': 'app-json', 'paths': ['/a/app.json'], 'format': 'json'}, 'alicloud_verify', CANARY),
    ({'name': 'nginx-access', 'paths': ['/a/access.log'], 'format': 'nginx'}, 'request_uri', '/alicloud-verify/' + CANARY),
    ({'name': 'nginx-own', 'paths': ['/a/access.log'], 'format': 'nginx',
      'log_format': '$remote_addr [$time_local] ($request_uri) "$http_user_agent" $status $request_time'},
     'request_uri', '/alicloud-verify/' + CANARY),
    ({'name': 'apache-common', 'paths': ['/a/access.log'], 'format': 'apache', 'log_format': 'common'},
     'request_uri', '/alicloud-verify/' + CANARY),
    ({'name': 'apache-combined', 'paths': ['/a/access.log'], 'format': 'apache'}, 'request_uri',
     '/alicloud-verify/' + CANARY),
    ({'name': 'csv-app', 'paths': ['/a/app.csv'], 'format': 'delimiter', 'separator': '||', 'keys': ['a', 'b', 'c']},
     'a', CANARY),
    ({'name': 'raw-app', 'paths': ['/a/app.log']}, 'content', 'alicloud-verify ' + CANARY),
    (dict(JAVA, verify_line=JAVA_LINE), 'message', CANARY),
])
def test_the_canary_line_parses_under_the_format_with_the_canary_in_its_field(raw, field, value):
    source = fs.normalize_source(raw)
    canary = canary_line(source, CANARY, now=1765015200)
    assert (canary['field'], canary['value']) == (field, value)
    assert '\n' not in canary['line']
    # The agent's processors give the same field the same value.
    assert standin_fields(source, canary['line'])[field] == value


def test_the_access_line_carries_the_time_and_numbers_the_index_types_as_numbers():
    source = fs.normalize_source({'name': 'nginx-access', 'paths': ['/a/access.log'], 'format': 'nginx'})
    fields = standin_fields(source, canary_line(source, CANARY, now=1765015200)['line'])
    assert fields['time_local'] == '06/Dec/2025:10:00:00 +0000'
    assert (fields['status'], fields['body_bytes_sent'], fields['request_method']) == ('200', '0', 'GET')


def test_verify_line_takes_the_write_time_in_utc_in_its_own_format():
    source = fs.normalize_source(dict(JAVA, verify_line='{time:%Y-%m-%d %H:%M:%S},000 INFO [v] a.B - {canary}'))
    canary = canary_line(source, CANARY, now=1765015200.9)  # 2025-12-06 10:00:00.9 UTC
    assert canary['line'] == '2025-12-06 10:00:00,000 INFO [v] a.B - ' + CANARY
    assert standin_fields(source, canary['line'])['time'] == '2025-12-06 10:00:00,000'
    # Two time placeholders, each its own format; {time} without a format is text, and then starts no event.
    source = fs.normalize_source(dict(JAVA, verify_line='{time:%Y-%m-%d} {time:%H:%M:%S},000 INFO [v] a.B - {canary}'))
    assert canary_line(source, CANARY, now=1765015200)['line'].startswith('2025-12-06 10:00:00,000 INFO')
    with pytest.raises(CanaryError, match='does not start an event'):
        canary_line(dict(source, verify_line='{time} INFO [v] a.B - {canary}'), CANARY, now=1765015200)


def test_a_regex_source_without_verify_line_is_found_by_full_text():
    source = fs.normalize_source(dict(JAVA, multiline_start=None))
    canary = canary_line(source, CANARY)
    assert canary == {'line': 'alicloud-verify ' + CANARY, 'field': None, 'value': CANARY}
    # Not parsed: kept as content (KeepingSourceWhenParseFail), so a full-text search finds it.
    assert standin_fields(source, canary['line']) == {'content': canary['line']}


def test_a_regex_the_default_line_happens_to_match_is_searched_by_that_field():
    source = fs.normalize_source({'name': 'words', 'paths': ['/a/w.log'], 'format': 'regex',
                                  'regex': r'(\S+) (.*)', 'keys': ['kind', 'rest']})
    assert canary_line(source, CANARY)['field'] == 'rest'


def test_a_multiline_source_whose_line_starts_no_event_needs_verify_line():
    source = fs.normalize_source(JAVA)
    with pytest.raises(CanaryError, match=r'does not start an event \(multiline_start .*set verify_line'):
        canary_line(source, CANARY)
    # A json source with a start pattern its object matches is fine.
    json_source = fs.normalize_source({'name': 'app-json', 'paths': ['/a/app.json'], 'format': 'json',
                                       'multiline_start': r'\{'})
    assert json.loads(canary_line(json_source, CANARY)['line']) == {'alicloud_verify': CANARY}


def test_an_access_format_without_a_request_line_needs_verify_line():
    source = fs.normalize_source({'name': 'nginx-min', 'paths': ['/a/a.log'], 'format': 'nginx',
                                  'log_format': '$remote_addr $status'})
    with pytest.raises(CanaryError, match='no request line'):
        canary_line(source, CANARY)
    fixed = fs.normalize_source({'name': 'nginx-min', 'paths': ['/a/a.log'], 'format': 'nginx',
                                 'log_format': '$remote_addr $status', 'verify_line': '{canary} 200'})
    assert canary_line(fixed, CANARY) == {'line': CANARY + ' 200', 'field': 'remote_addr', 'value': CANARY}


@pytest.mark.parametrize('verify_line, problem', [
    ('no placeholder', 'with {canary} in it once'),
    ('{canary} and {canary}', 'with {canary} in it once'),
    ('{canary}\nsecond', 'with {canary} in it once'),
    ('2026-12-06 10:00:00,000 INFO {canary}', 'does not parse as regex'),
    ('x 2026-12-06 10:00:00,000 INFO [t] l - {canary}', 'does not start an event'),
])
def test_verify_line_is_checked_when_the_source_is_normalized(verify_line, problem):
    with pytest.raises(fs.SourceError) as err:
        fs.normalize_source(dict(JAVA, verify_line=verify_line), 'alicloud_logging_file_sources[2]')
    assert err.value.option == 'alicloud_logging_file_sources[2].verify_line'
    assert problem in str(err.value)


def test_the_canary_is_found_by_the_first_field_that_holds_it():
    source = fs.normalize_source(dict(JAVA, verify_line='2026-12-06 10:00:00,000 {canary} [t] l - m'))
    assert canary_line(source, CANARY) == {'line': '2026-12-06 10:00:00,000 %s [t] l - m' % CANARY,
                                           'field': 'level', 'value': CANARY}


def test_a_json_verify_line_must_put_the_canary_in_a_field():
    with pytest.raises(fs.SourceError, match='verify_line: the canary line .* does not parse as json'):
        fs.normalize_source({'name': 'app-json', 'paths': ['/a/a.json'], 'format': 'json',
                             'verify_line': 'plain {canary}'})
    source = fs.normalize_source({'name': 'app-json', 'paths': ['/a/a.json'], 'format': 'json',
                                  'verify_line': '{"level": "INFO", "msg": "verify {canary}"}'})
    assert canary_line(source, CANARY) == {'line': '{"level": "INFO", "msg": "verify %s"}' % CANARY,
                                           'field': 'msg', 'value': 'verify ' + CANARY}


@pytest.mark.parametrize('flush, ok', [(1, True), (3600, True), (0, False), (3601, False), (True, False),
                                       ('5', False), (1.5, False)])
def test_flush_timeout_is_whole_seconds_from_1_to_3600_and_becomes_flush_timeout_secs(flush, ok):
    raw = {'name': 'raw-app', 'paths': ['/a/app.log'], 'flush_timeout': flush}
    if not ok:
        with pytest.raises(fs.SourceError, match=r'^alicloud_logging_file_sources\[0\]\.flush_timeout: must be whole'):
            fs.normalize_source(raw)
        return
    detail = fs.pipeline_detail(fs.normalize_source(raw))
    assert detail['inputs'][0]['FlushTimeoutSecs'] == flush
    assert FileConfig('c', detail).flush_timeout == flush  # the stand-in (and the agent) take it


def test_without_flush_timeout_the_input_keeps_the_agents_default():
    detail = fs.pipeline_detail(fs.normalize_source({'name': 'raw-app', 'paths': ['/a/app.log']}))
    assert 'FlushTimeoutSecs' not in detail['inputs'][0]
    assert FileConfig('c', detail).flush_timeout == fs.FLUSH_TIMEOUT_SECS == 60


@pytest.mark.parametrize('glob, probe', [
    ('app*.log', 'appalicloud-verify.log'),
    ('*.log', 'alicloud-verify.log'),
    ('app-?.log', 'app-v.log'),
    ('app.log.[0-9]', 'app.log.0'),
    ('x[abc].log', 'xa.log'),
    ('[!.]*.log', 'valicloud-verify.log'),
    ('*-*.log', 'alicloud-verify-.log'),
    ('app.log', None),
])
def test_a_glob_gives_a_probe_file_it_matches_in_its_directory(glob, probe):
    got = probe_path('/var/log/app/' + glob)
    if probe is None:
        assert got is None
        return
    assert got == '/var/log/app/' + probe
    assert fnmatch.fnmatchcase(probe, glob)


def test_no_probe_name_for_a_glob_nothing_plain_matches():
    assert probe_path('/var/log/[!a-z]*') == '/var/log/0alicloud-verify'
    with pytest.raises(CanaryError, match=r"no probe file name matches the glob '\[!vx0_\]\*'"):
        probe_path('/var/log/[!vx0_]*')


def test_the_probe_is_preferred_else_the_literal_files_in_order():
    assert canary_target({'paths': ['/a/app.log', '/a/app-*.log']}) == {
        'probe': '/a/app-alicloud-verify.log', 'files': ['/a/app.log']}
    assert canary_target({'paths': ['/a/one.log', '/b/two.log']}) == {
        'probe': None, 'files': ['/a/one.log', '/b/two.log']}


@pytest.mark.parametrize('glob, probe', [
    ('[!v]*.log', 'xalicloud-verify.log'),
    ('[!vx]*.log', '0alicloud-verify.log'),
    ('[!vx0]*.log', '_alicloud-verify.log'),
    ('[-a]x.log', 'ax.log'),
    ('x[--a].log', 'xa.log'),
])
def test_a_negated_class_takes_the_first_of_v_x_0_and_underscore_it_allows_and_a_range_its_first_end(glob, probe):
    assert probe_path('/var/log/app/' + glob) == '/var/log/app/' + probe


@pytest.mark.parametrize('glob, probe', [
    ('[^v]*.log', 'xalicloud-verify.log'),
    ('[^vx]*.log', '0alicloud-verify.log'),
    ('app-[^a-u].log', 'app-v.log'),
])
def test_a_class_opened_by_a_caret_is_negated_as_the_agent_s_fnmatch_reads_it(glob, probe):
    # glibc's fnmatch(3), which the agent matches file names with, reads '[^v]' as "not v"; Python's fnmatch as
    # "'^' or 'v'". A probe named 'v...' would be one the agent never collects.
    assert probe_path('/var/log/app/' + glob) == '/var/log/app/' + probe
    with pytest.raises(CanaryError) as err:
        probe_path('/var/log/[^vx0_]*')
    assert str(err.value) == "no probe file name matches the glob '[^vx0_]*': add a literal path, or a simpler glob"


GLOBS = ['[^v]*.log', '[[^a]x', '[]^]x', '[^]a]x', '[!^]x', 'a[^', '[^', '[', 'x[]', '[^-a]x', '[a^]x', '[[]x',
         '*[^0-9].log', 'app-[^a-u].log', '[^v][^w]?', 'a[b[^c]d]', '[!]x', '[^]x', '[X]x', '[]]x', '[^]]x',
         '[!!]x']
NAMES = ['^x', '[x', 'ax', 'bx', ']x', '!x', 'vx', '-x', 'x[]', 'a[^', '[^', '[', 'xx', 'app.log', 'app-v.log',
         'app-a.log', 'x1.log', 'xa.log', 'vwx', 'awz', 'a^]d]', 'abd]', 'a[d]', '[!]x', '[^]x', 'zx', 'x', 'Xx',
         ']]x', '[X]x']


def test_a_glob_matches_what_the_agent_s_fnmatch_matches():
    # Every pattern against every name: Python's fnmatch over posix_glob() and the C library's fnmatch(3) agree.
    differ = [(glob, name) for glob in GLOBS for name in NAMES
              if fnmatch.fnmatchcase(name, posix_glob(glob)) != c_fnmatch(glob, name)]
    assert differ == []
    assert posix_glob('[[^a]x') == '[[^a]x' and posix_glob('[^v]*[^w]') == '[!v]*[!w]'
    assert posix_glob('a[^') == 'a[[]^' and posix_glob('[^]x') == '[[]^]x'


@pytest.mark.parametrize('name', ['APP-X.log', 'XX.log', 'app.log'])
def test_a_name_without_a_wildcard_is_a_literal_path(name):
    assert probe_path('/var/log/' + name) is None


def test_the_default_access_line_in_full_with_dashes_for_fields_it_has_no_value_for():
    source = fs.normalize_source({'name': 'nginx-access', 'paths': ['/a/access.log'], 'format': 'nginx'})
    assert canary_line(source, CANARY, now=1765015200)['line'] == (
        '127.0.0.1 - - [06/Dec/2025:10:00:00 +0000] "GET /alicloud-verify/%s HTTP/1.1" 200 0 "-" "alicloud-verify"'
        % CANARY)


def test_a_delimiter_line_has_one_separator_fewer_than_keys():
    source = fs.normalize_source({'name': 'csv-app', 'paths': ['/a/app.csv'], 'format': 'delimiter',
                                  'separator': '||', 'keys': ['a', 'b', 'c']})
    assert canary_line(source, CANARY)['line'] == CANARY + '||||'


def test_json_values_that_are_no_strings_are_read_as_json_and_a_line_that_is_no_object_does_not_parse():
    source = {'format': 'json', 'verify_line': '{"a": 5, "b": ["{canary}"]}'}
    assert canary_line(source, CANARY) == {'line': '{"a": 5, "b": ["%s"]}' % CANARY, 'field': 'b',
                                           'value': '["%s"]' % CANARY}
    with pytest.raises(CanaryError) as err:
        canary_line({'format': 'json', 'verify_line': '["{canary}"]'}, CANARY)
    assert str(err.value) == "the canary line '[\"%s\"]' does not parse as json" % CANARY


def test_an_unmatched_regex_group_is_an_empty_field():
    source = {'format': 'regex', 'regex': r'(a)?(.*)', 'keys': ['first', 'rest'], 'verify_line': '{canary}'}
    assert canary_line(source, 'XX') == {'line': 'XX', 'field': 'rest', 'value': 'XX'}


def test_the_keys_order_decides_before_the_other_fields_names():
    # Nested groups: both fields hold the canary; the source's first key wins over the name that sorts first.
    source = {'format': 'regex', 'regex': r'(b(\S+))', 'keys': ['outer', 'inner'], 'verify_line': 'b{canary}'}
    assert canary_line(source, CANARY) == {'line': 'b' + CANARY, 'field': 'outer', 'value': 'b' + CANARY}


def test_canary_errors_in_full():
    def message(source):
        with pytest.raises(CanaryError) as err:
            canary_line(source, CANARY, now=1765015200)
        return str(err.value)
    assert message({'format': 'raw', 'verify_line': 'no placeholder'}) == (
        "must be one line with {canary} in it once, got 'no placeholder'")
    assert message({'format': 'raw', 'verify_line': 5}) == 'must be one line with {canary} in it once, got 5'
    assert message({'format': 'raw', 'multiline_start': 'x'}) == (
        "the canary line 'alicloud-verify %s' does not start an event (multiline_start 'x'): set verify_line to a "
        "line that does, with {canary} in a parsed field" % CANARY)
    assert message({'format': 'nginx', 'keys': ['remote_addr'], 'regex': r'(\S+)'}) == (
        'the nginx log format has no request line ($request, $request_uri or %r) to put the canary in: set '
        'verify_line')
    assert message({'format': 'regex', 'regex': r'(\S+) .*', 'keys': ['a'], 'verify_line': 'x {canary}'}) == (
        "the canary line 'x %s' parses, but no field holds the canary" % CANARY)


@pytest.mark.parametrize('glob, probe', [('.app*.log', '.appalicloud-verify.log'), ('[.]app*.log', None),
                                         ('[.a]pp*.log', None)])
def test_a_probe_is_a_hidden_file_only_for_a_glob_that_starts_with_a_dot(glob, probe):
    if probe is not None:
        assert probe_path('/var/log/' + glob) == '/var/log/' + probe
        return
    with pytest.raises(CanaryError) as err:
        probe_path('/var/log/' + glob)
    assert str(err.value) == "no probe file name matches the glob %r: add a literal path, or a simpler glob" % glob


def test_a_key_the_line_gives_no_field_for_holds_nothing():
    source = {'format': 'json', 'keys': ['missing'], 'verify_line': '{"b": "{canary}"}'}
    assert canary_line(source, 'XX') == {'line': '{"b": "XX"}', 'field': 'b', 'value': 'XX'}
