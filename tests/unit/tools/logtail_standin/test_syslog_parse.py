"""The TEST STAND-IN's service_syslog parsers against the real ones' rules (tests/logtail_standin/syslog_parse.py,
syslog_rfc3164.py and service_syslog.py name the sources): influxdata/go-syslog v1.0.1 for rfc5424, the vendored
jeromer/syslogparser for rfc3164, and how parser.go combines them for auto, the default "" and IgnoreParseFailure."""
import calendar
import json
import time

import pytest

from tests.logtail_standin import syslog_parse as sp
from tests.logtail_standin.service_syslog import make_parser
from tests.logtail_standin.syslog_rfc3164 import parse_rfc3164

RFC5424 = (b'<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 ID47 '
           b'[exampleSDID@32473 iut="3" eventSource="App\\"li\\]ca\\\\tion"][origin ip="<&>"] An application event')


def test_rfc5424_fields_time_and_structured_data():
    result = sp.parse_rfc5424(RFC5424)
    assert (result['priority'], result['facility'], result['severity']) == (165, 20, 5)
    assert (result['hostname'], result['program'], result['procid'], result['msgid']) == (
        '192.0.2.1', 'myproc', '8710', 'ID47')
    assert result['content'] == 'An application event'
    assert result['time_ns'] == calendar.timegm((2003, 8, 24, 12, 14, 15)) * 10 ** 9 + 3000
    # Escapes removed; Go's json.Marshal: sorted keys, compact, <, > and & escaped.
    assert sp.go_json(result['sd']) == ('{"exampleSDID@32473":{"eventSource":"App\\"li]ca\\\\tion","iut":"3"},'
                                        '"origin":{"ip":"\\u003c\\u0026\\u003e"}}')


def test_rfc5424_nil_values_are_unset_and_the_message_is_optional():
    before = sp.now_ns()
    result = sp.parse_rfc5424(b'<0>999 - - - - - -')
    assert (result['priority'], result['hostname'], result['program'], result['procid'], result['msgid'],
            result['sd'], result['content']) == (0, '', '', None, None, None, '')
    assert before <= result['time_ns'] <= sp.now_ns()  # no timestamp: the time it was parsed
    assert sp.parse_rfc5424(b'<14>1 - h a - - [x] ')['content'] == ''
    assert sp.parse_rfc5424(b'<14>1 - h a - - [x][y k="v" k="w"]  two  spaces\r')['content'] == ' two  spaces\r'
    assert sp.parse_rfc5424(b'<14>1 - h a - - [x][y k="v" k="w"]')['sd'] == {'x': {}, 'y': {'k': 'w'}}


@pytest.mark.parametrize('line', [
    b'<191>1 - ' + b'h' * 255 + b' ' + b'a' * 48 + b' ' + b'p' * 128 + b' ' + b'm' * 32 + b' -',
    b'<14>1 2024-02-29T23:59:59.123456+23:59 h a - - -',  # leap day, six fraction digits
    b'<14>1 - h a - - [' + b'i' * 32 + b' ' + b'k' * 32 + b'=""]',
])
def test_rfc5424_upper_bounds_pass(line):
    sp.parse_rfc5424(line)


@pytest.mark.parametrize('line', [
    b'<192>1 - h a - - -', b'<01>1 - h a - - -', b'<14>0 - h a - - -', b'<14>1000 - h a - - -',
    b'<14>1 - ' + b'h' * 256 + b' a - - -', b'<14>1 - h ' + b'a' * 49 + b' - - -',
    b'<14>1 - h a ' + b'p' * 129 + b' - -', b'<14>1 - h a - ' + b'm' * 33 + b' -',
    b'<14>1 2023-02-29T00:00:00Z h a - - -', b'<14>1 2024-01-01T00:00:00.1234567Z h a - - -',
    b'<14>1 2024-01-01 00:00:00Z h a - - -', b'<14>1 - h a - - [' + b'i' * 33 + b']',
    b'<14>1 - h a - - [a][a] duplicate SD-ID', b'<14>1 - h a - - [a k="\\n"] bad escape',
    b'<14>1 - h a - - [a k="]"] unescaped', b'<14>1 - h a - - -x', b'<14>1 - h a - -',
    b'<14>1 - h a - - - not \xff UTF-8', b'<14>May  1 10:00:00 host app: rfc3164',
    b'89 <14>1 - h a - - - octet-counted',
])
def test_rfc5424_refuses(line):
    with pytest.raises(sp.ParseFailure):
        sp.parse_rfc5424(line)


def test_rfc3164_fields_and_this_years_local_time():
    result = parse_rfc3164(b'<86>Jul 31 13:14:22 rs1e13316 su[42]: pam_unix(su:session): closed  ')
    assert (result['priority'], result['facility'], result['severity'], result['hostname'], result['program'],
            result['content']) == (86, 10, 6, 'rs1e13316', 'su', 'pam_unix(su:session): closed')
    year = time.localtime().tm_year
    assert result['time_ns'] == int(time.mktime((year, 7, 31, 13, 14, 22, 0, 0, -1))) * 10 ** 9
    assert (result['procid'], result['msgid'], result['sd']) == (None, None, None)


@pytest.mark.parametrize('line, host, tag, content', [
    (b'<13>Aug  2 09:49:23 host prog: message', 'host', 'prog', 'message'),
    (b'<13>aUG 02 09:49:23 host prog message', 'host', 'prog', 'message'),  # month case-insensitive, ' ' ends
    (b'<999>Aug 2 9:49:23.5 host a[b[c]: m', 'host', 'a[b', 'm'),  # no PRI range; widths vary; last '[' wins
    (b'<13>Aug 12 09:49:23  prog: m', '', 'prog', 'm'),  # an empty host name
    (b'<13>Aug 12 09:49:23 host tag:', 'host', 'tag', ''),
])
def test_rfc3164_header_rules(line, host, tag, content):
    result = parse_rfc3164(line)
    assert (result['hostname'], result['program'], result['content']) == (host, tag, content)


@pytest.mark.parametrize('line', [
    b'<13>Aug 2 09:49:23 host prog: m',  # neither "Jan 02" nor "Jan  2"
    b'<13>2024-05-01T10:00:00Z host prog: m', b'<13>Feb 30 09:49:23 h p: m', b'<13>Aug 12 24:00:00 h p: m',
    b'<13>Aug 12 09:49', b'Aug 12 09:49:23 h p: m', b'<>Aug 12 09:49:23 h p: m', b'<1234>Aug 12 09:49:23 h p: m',
    b'<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - RFC 5424',
])
def test_rfc3164_refuses(line):
    with pytest.raises(sp.ParseFailure):
        parse_rfc3164(line)


@pytest.mark.parametrize('line, index', [
    (b'<13>Jan  2 15:04:05 myhost', 26),  # nothing after the host name
    (b'<13>Jan  2 15:04:05 myhost tag', 30),  # a tag with no ':' or ' ' after it
])
def test_rfc3164_lines_that_panic_the_real_parser(line, index):
    with pytest.raises(sp.AgentPanic, match=r'index out of range \[%d\] with length %d' % (index, index)):
        parse_rfc3164(line)


def test_add_hostname_takes_the_agents_name_and_keeps_the_first_word():
    result = parse_rfc3164(b'<86>Apr 16 14:33:06 su: pam_unix(su:session): opened', hostname='agent-host')
    assert (result['hostname'], result['program'], result['content']) == (
        'agent-host', 'su', 'pam_unix(su:session): opened')


def raw(result):
    return (result['priority'], result['facility'], result['severity'], result['hostname'], result['program'],
            result['content'])


def test_ignore_parse_failure_gives_the_raw_line_with_minus_one():
    line = b'89 <14>1 - h a - - - octet-counted'
    for protocol in ('', 'rfc5424', 'rfc3164', 'auto'):
        assert raw(make_parser(protocol, True)(line)) == (-1, -1, -1, '', '', line.decode())
    for protocol in ('rfc5424', 'rfc3164', 'auto'):
        with pytest.raises(sp.ParseFailure):
            make_parser(protocol, False)(line)
    # The default parser parses nothing, even a good line.
    assert raw(make_parser('', True)(RFC5424))[:3] == (-1, -1, -1)


def test_auto_with_ignore_parse_failure_never_reaches_rfc5424():
    """rfc3164 is tried first and, with IgnoreParseFailure, never fails: an RFC 5424 line stays raw."""
    assert raw(make_parser('auto', True)(RFC5424)) == (-1, -1, -1, '', '', RFC5424.decode())
    assert make_parser('auto', False)(RFC5424)['program'] == 'myproc'
    assert make_parser('auto', True)(b'<13>Aug  2 09:49:23 host prog: m')['program'] == 'prog'


def test_go_helpers():
    assert sp.go_unix_nano(-62167219200 * 10 ** 9) == -6826986978871345152  # year 0 wraps as int64 does
    assert json.loads(sp.go_json({'a': {'k': '\u2028'}})) == {'a': {'k': '\u2028'}}
    assert '\\u2028' in sp.go_json({'a': {'k': '\u2028'}})
