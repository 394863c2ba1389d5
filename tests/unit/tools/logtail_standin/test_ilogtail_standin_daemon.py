"""The TEST STAND-IN daemon over real TCP connections: service_syslog lines in, records and rejections out, as
strict as the real input (one message per line, 64 KiB, the connection closed after a longer line), and the
streamlog input's format check."""
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.logtail_standin import ilogtail_standin_daemon as daemon
from tests.logtail_standin import service_syslog

STANDIN = daemon.__file__


class ListSink:
    def __init__(self):
        self.accepted, self.rejected = [], []

    def accept(self, record):
        self.accepted.append(record)

    def reject(self, reason, raw=''):
        self.rejected.append((reason, raw))


@pytest.fixture
def serve():
    servers = []

    def start(**config):
        sink = ListSink()
        plugin = service_syslog.SyslogInput(dict({'Type': 'service_syslog', 'Address': 'tcp://127.0.0.1:0'},
                                                 **config), 'agent-host')
        server = daemon.InputServer(('127.0.0.1', 0), daemon._SyslogHandler, sink, plugin=plugin,
                                    agent=('10.0.0.7', 'agent-host'))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1], sink
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def send(port, data):
    """Send, close our side, and read until the agent closes; True when it closed before reading it all."""
    with socket.create_connection(('127.0.0.1', port), timeout=10) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            return sock.recv(1) == b''
        except OSError:  # reset by the agent, which closed with our data unread
            return True


def wait(predicate):
    for _ in range(100):
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError('timed out')


def test_lines_boundaries_and_the_connection_closed_after_a_long_line(serve):
    port, sink = serve(ParseProtocol='rfc5424')
    exact = b'<14>1 - web-01 app - - - ' + b'x' * (65535 - 25)
    assert len(exact) == 65535
    send(port, b'<14>1 2024-05-01T10:00:00Z web-01 app 7 - - crlf\r\n' + exact + b'\n' + exact + b'y\nlost\n')
    wait(lambda: sink.rejected)
    assert [r['contents']['_content_'] for r in sink.accepted] == ['crlf', 'x' * (65535 - 25)]
    assert sink.rejected == [('tcp://127.0.0.1:0: bufio.Scanner: token too long; connection closed', '')]
    fields = sink.accepted[0]['contents']
    assert (fields['_client_ip_'], fields['_ip_'], fields['_hostname_']) == ('127.0.0.1', '10.0.0.7', 'web-01')
    assert sink.accepted[0]['tag'] == 'tcp://127.0.0.1:0' and sink.accepted[0]['time'] == 1714557600


def test_an_octet_counted_frame_is_one_raw_line(serve):
    port, sink = serve(ParseProtocol='rfc5424')
    message = b'<14>1 2024-05-01T10:00:00Z web-01 app 7 - - framed'
    send(port, b'%d %s\n' % (len(message), message))
    wait(lambda: sink.accepted)
    fields = sink.accepted[0]['contents']
    assert fields['_content_'] == '%d %s' % (len(message), message.decode())
    assert (fields['_priority_'], fields['_facility_'], fields['_severity_'], fields['_program_']) == (
        '-1', '-1', '-1', '')
    assert fields['_hostname_'] == 'agent-host' and not sink.rejected


def test_ignore_parse_failure_false_rejects_the_line_and_goes_on(serve):
    port, sink = serve(ParseProtocol='rfc5424', IgnoreParseFailure=False)
    send(port, b'not syslog\n<14>1 - web-01 app - - - fine\n')
    wait(lambda: sink.accepted)
    assert [r['raw'] for r in sink.accepted] == ['<14>1 - web-01 app - - - fine']
    assert len(sink.rejected) == 1 and sink.rejected[0][1] == 'not syslog'
    assert "ParseProtocol 'rfc5424' failed and IgnoreParseFailure is false" in sink.rejected[0][0]


def test_connections_over_max_connections_are_closed(serve):
    port, sink = serve(MaxConnections=1)
    first = socket.create_connection(('127.0.0.1', port), timeout=10)
    try:
        first.sendall(b'held\n')
        wait(lambda: sink.accepted)
        assert send(port, b'refused\n')
    finally:
        first.close()
    assert [r['raw'] for r in sink.accepted] == ['held']


def run_daemon(tmp_path, pipelines):
    (tmp_path / 'ilogtail_config.json').write_text('{}')
    pipes = tmp_path / 'pipelines'
    pipes.mkdir()
    for name, plugin in pipelines.items():
        (pipes / (name + '.json')).write_text(json.dumps({'inputs': [dict({'Type': 'service_syslog'}, **plugin)]}))
    return subprocess.Popen([sys.executable, STANDIN, '--home', str(tmp_path), '--pipelines', str(pipes)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_a_line_that_panics_the_real_rfc3164_parser_ends_the_agent(tmp_path):
    port = free_port()
    agent = run_daemon(tmp_path, {'bad': {'Address': 'tcp://127.0.0.1', 'IgnoreParseFailure': False},
                                  'rfc3164': {'Address': 'tcp://127.0.0.1:%d' % port, 'ParseProtocol': 'rfc3164'}})
    try:
        for _ in range(100):
            try:
                send(port, b'<13>Aug  2 09:49:23 host prog: fine\n<13>Aug  2 09:49:23 myhost\n')
                break
            except ConnectionRefusedError:
                time.sleep(0.05)
        assert agent.wait(timeout=10) == 2
    finally:
        agent.kill()
        output = agent.stdout.read()
    assert 'panic: runtime error: index out of range [26] with length 26' in output
    assert 'Default parser must set IgnoreParseFailure' in output  # that input was never started
    rejected = (tmp_path / 'standin_received.rejected').read_text().splitlines()
    assert rejected[0].startswith('pipeline %s: service_syslog not started' % (tmp_path / 'pipelines' / 'bad.json'))
    assert rejected[1] == 'agent crashed: panic: runtime error: index out of range [26] with length 26\t' \
                          '<13>Aug  2 09:49:23 myhost'
    assert (tmp_path / 'standin_received.log').read_text() == '<13>Aug  2 09:49:23 host prog: fine\n'
    assert not os.path.exists(str(tmp_path / 'app_info.json'))  # the source tree is no installed package


def test_streamlog_line_needs_a_configured_format():
    line = '0.1 sys_tag 1700000000 127.0.0.1 web user.info 1 app 42 - hello'
    assert daemon.parse_ali_log_fmt(line, {'0.1'})['tag'] == 'sys_tag'
    with pytest.raises(daemon.Rejected, match='not in streamlog_formats'):
        daemon.parse_ali_log_fmt(line, {'0.2'})


def test_input_file_configs_in_the_pipelines_dir_are_tailed_and_a_refused_one_is_reported(tmp_path):
    (tmp_path / 'ilogtail_config.json').write_text('{}')
    pipes = tmp_path / 'pipelines'
    pipes.mkdir()
    (tmp_path / 'logs').mkdir()  # not the agent's home: its record file is a .log too
    log = tmp_path / 'logs' / 'app.log'
    log.write_text('{"msg": "one"}\n')
    (pipes / 'json.json').write_text(json.dumps({
        'inputs': [{'Type': 'input_file', 'FilePaths': [str(tmp_path / 'logs' / '*.log')]}],
        'processors': [{'Type': 'processor_parse_json_native', 'SourceKey': 'content'}],
        'flushers': [{'Type': 'flusher_sls', 'Logstore': 'app'}]}))
    (pipes / 'bad.json').write_text(json.dumps({
        'inputs': [{'Type': 'input_file', 'FilePaths': [str(log)]}],
        'processors': [{'Type': 'processor_parse_delimiter_native', 'SourceKey': 'content', 'Separator': ',',
                        'Quote': '""', 'Keys': ['a']}],
        'flushers': [{'Type': 'flusher_sls', 'Logstore': 'app'}]}))
    agent = subprocess.Popen([sys.executable, STANDIN, '--home', str(tmp_path), '--pipelines', str(pipes)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    record = tmp_path / 'standin_received.log'
    try:
        with open(str(log), 'a') as handle:
            handle.write('{"msg": "two"}\n')
        deadline = time.time() + 20
        while time.time() < deadline and not (record.exists() and len(record.read_text().splitlines()) == 2):
            time.sleep(0.1)
    finally:
        agent.terminate()
        agent.wait(timeout=30)
    assert record.read_text().splitlines() == ['{"msg": "one"}', '{"msg": "two"}']
    rejected = (tmp_path / 'standin_received.rejected').read_text()
    assert 'pipeline bad: input_file not started: ' in rejected and 'Quote is not a single char' in rejected
    checkpoints = json.loads((tmp_path / 'standin_checkpoint.json').read_text())['check_point']
    assert [e['offset'] for e in checkpoints.values()] == [log.stat().st_size]  # written when the agent stopped
