"""The TEST STAND-IN's service_syslog input: configuration as the real Init/Start take it, bufio.Scanner's line
framing and its 64 KiB limit, and the fields of each line (tests/logtail_standin/service_syslog.py names the
sources)."""
import io

import pytest

from tests.logtail_standin import service_syslog as ss

MAX = 64 * 1024


def tokens(data, max_size=MAX, chunk=4096):
    stream = io.BytesIO(data)
    found = []
    try:
        for token in ss.scan_lines(lambda: stream.read(chunk), max_size):
            found.append(token)
    except ss.TokenTooLong:
        found.append('TOO LONG')
    return found


@pytest.mark.parametrize('chunk', [7, 4096, 1 << 20])
def test_line_limit_is_the_scanner_buffer_with_the_lf_in_it(chunk):
    assert [len(t) for t in tokens(b'a' * (MAX - 1) + b'\nnext\n', chunk=chunk)] == [MAX - 1, 4]
    assert tokens(b'first\n' + b'a' * MAX + b'\nlost\n', chunk=chunk) == [b'first', 'TOO LONG']
    # A CR before the LF is dropped from the line but counts against the buffer.
    assert [len(t) for t in tokens(b'a' * (MAX - 2) + b'\r\n', chunk=chunk)] == [MAX - 2]
    assert tokens(b'a' * (MAX - 1) + b'\r\n', chunk=chunk) == ['TOO LONG']
    # The last line needs no LF, but must be shorter than the buffer too.
    assert [len(t) for t in tokens(b'a' * (MAX - 1), chunk=chunk)] == [MAX - 1]
    assert tokens(b'a' * MAX, chunk=chunk) == ['TOO LONG']


def test_lines_are_split_on_lf_only():
    assert tokens(b'one\r\n\r\n\ntwo\rstill two\n89 <14>1 - h a - - - x\n') == [
        b'one', b'', b'', b'two\rstill two', b'89 <14>1 - h a - - - x']
    assert tokens(b'123456789\n', max_size=10) == [b'123456789']
    assert tokens(b'1234567890\n', max_size=10) == ['TOO LONG']
    assert tokens(b'', max_size=0) == ['TOO LONG']  # a zero buffer fails at once, as Go's does


def plugin(**config):
    return ss.SyslogInput(dict({'Type': 'service_syslog'}, **config), 'agent-host')


def test_defaults_are_the_real_inputs():
    syslog = plugin()
    assert (syslog.address, syslog.host, syslog.port, syslog.protocol, syslog.ignore_parse_failure,
            syslog.max_connections, syslog.max_message_size) == ('tcp://127.0.0.1:0', '127.0.0.1', 0, '', True,
                                                                 100, 65536)
    assert plugin(Address='tcp://127.0.0.1').port == 6514
    assert plugin(Address='TCP4://0.0.0.0:5140', ParseProtocol=' RFC5424 ').protocol == 'rfc5424'
    assert plugin(MaxMessageSize=1 << 30).max_message_size == 512 * 1024


@pytest.mark.parametrize('config, error', [
    ({'IgnoreParseFailure': False}, 'Default parser must set IgnoreParseFailure'),
    ({'ParseProtocol': 'rfc6587'}, 'Unsupported parser protocol: rfc6587'),
    ({'Address': '127.0.0.1:5140'}, 'missing protocol'),
    ({'Address': 'http://127.0.0.1:5140'}, "unknown protocol 'http'"),
    ({'Address': 'udp://127.0.0.1:5140'}, 'tcp only'),
    ({'IgnoreParseFailure': 'false'}, 'true or false'),
    ({'MaxMessageSize': '65536'}, 'non-negative integer'),
])
def test_configurations_the_real_input_refuses(config, error):
    with pytest.raises(ss.ConfigError, match=error):
        plugin(**config)


def test_client_ip_is_the_address_up_to_the_first_colon():
    assert ss.client_ip(('192.0.2.5', 40123)) == '192.0.2.5'
    assert ss.client_ip(('::1', 40123, 0, 0)) == '['  # as strings.Split("[::1]:40123", ":")[0]


def test_fields_of_an_unparsed_line():
    line = b'89 <14>1 2024-05-01T10:00:00Z web-01 app - - - octet-counted'
    result = plugin(ParseProtocol='rfc5424').parse(line)
    fields, when = ss.contents(result, ('192.0.2.5', 5), '10.0.0.7', 'agent-host')
    assert sorted(fields) == ['_client_ip_', '_content_', '_facility_', '_hostname_', '_ip_', '_priority_',
                              '_program_', '_severity_', '_unixtimestamp_']
    assert fields['_content_'] == line.decode()
    assert (fields['_priority_'], fields['_facility_'], fields['_severity_']) == ('-1', '-1', '-1')
    assert (fields['_program_'], fields['_hostname_']) == ('', 'agent-host')
    assert (fields['_client_ip_'], fields['_ip_']) == ('192.0.2.5', '10.0.0.7')
    assert when == int(fields['_unixtimestamp_']) // 10 ** 9


def test_fields_of_an_rfc5424_line():
    result = plugin(ParseProtocol='rfc5424').parse(
        b'<30>1 2024-05-01T10:00:00.123+08:00 web-01 nginx 4242 ACCESS [meta x="1"] GET / 200')
    fields, when = ss.contents(result, ('127.0.0.1', 5), '10.0.0.7', 'agent-host')
    assert fields == {'_program_': 'nginx', '_priority_': '30', '_facility_': '3', '_severity_': '6',
                      '_unixtimestamp_': '1714528800123000000', '_hostname_': 'web-01',
                      '_client_ip_': '127.0.0.1', '_ip_': '10.0.0.7', '_content_': 'GET / 200',
                      '_structured_data_': '{"meta":{"x":"1"}}', '_message_id_': 'ACCESS', '_process_id_': '4242'}
    assert when == 1714528800
    nil = ss.contents(plugin(ParseProtocol='rfc5424').parse(b'<14>1 - - app - - - m'), ('::1', 5), 'i', 'h')[0]
    assert '_message_id_' not in nil and '_process_id_' not in nil and '_structured_data_' not in nil
    assert nil['_hostname_'] == 'h'  # no host name in the line: the agent's


def test_ignore_parse_failure_false_drops():
    with pytest.raises(ss.syslog_parse.ParseFailure):
        plugin(ParseProtocol='rfc5424', IgnoreParseFailure=False).parse(b'not syslog')
    assert plugin(ParseProtocol='rfc3164', AddHostname=True).parse(
        b'<13>Aug  2 09:49:23 prog: m')['hostname'] == 'agent-host'
