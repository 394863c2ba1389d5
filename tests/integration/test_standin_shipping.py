"""The Logtail stand-in's shipping half (tests/logtail_standin/shipper.py) against the emulator: heartbeat,
applied configs, PutLogs signed and encoded by hand, read back through the official SDK's get_logs; the spool
across Log Service being unreachable (the unix-socket relay containers use is down), and lines no applied
config collects."""
import json
import os
import socket
import sys
import time

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import SYSLOG_FIELDS
from tests.integration.rsyslog_bed import REPO_ROOT, STANDIN, Process, free_port, port_open, read_lines, wait_for
from tests.integration.standin_fleet import GROUP, PROJECT, TAG, fleet, search, write_settings
from tests.integration.test_sls_emulator import _client
from tests.support.sls_emulator import sls_emulator, sls_emulator_server  # noqa: F401

RELAY = os.path.join(REPO_ROOT, 'tests', 'logtail_standin', 'unix_relay.py')

def start_agent(tmp_path, settings):
    port = free_port()
    agent = Process([sys.executable, STANDIN, '--home', str(tmp_path), '--addr', '127.0.0.1', '--port', str(port),
                     '--ship-settings', settings], str(tmp_path / 'agent.out'))
    wait_for(lambda: port_open(port) or not agent.alive(), 30, 'the stand-in to listen')
    assert agent.alive(), read_lines(str(tmp_path / 'agent.out'))
    return agent, port


def send(port, lines):
    with socket.create_connection(('127.0.0.1', port), timeout=10) as sock:
        sock.sendall(''.join(line + '\n' for line in lines).encode('utf-8'))


def ali_line(tag, n, program='app'):
    return '0.1 %s %d 192.0.2.5 web-01 local3.warning 1 %s 42 - shipped line %d' % (tag, time.time(), program, n)


def test_lines_reach_the_logstore_with_the_syslog_keys(sls_emulator, tmp_path):
    client = _client(sls_emulator)
    fleet(client)
    agent, port = start_agent(tmp_path, write_settings(tmp_path, sls_emulator.endpoint))
    try:
        send(port, [ali_line(TAG, n) for n in range(1, 4)] + [ali_line('other_tag', 9)])
        found = wait_for(lambda: len(search(client, '_program_: app AND shipped')) == 3 and
                         search(client, '_program_: app AND shipped'), 30, 'three lines searchable')
    finally:
        agent.stop()
    assert sorted(row['_content_'] for row in found) == ['shipped line %d' % n for n in (1, 2, 3)]
    row = found[0]
    assert set(SYSLOG_FIELDS) <= set(row)
    assert (row['_hostname_'], row['_ip_'], row['_facility_'], row['_severity_'], row['_priority_']) == (
        'web-01', '192.0.2.5', '19', '4', str(19 * 8 + 4))
    assert row['__source__'] == '10.0.0.7'
    machines = client.list_machines(PROJECT, GROUP).get_machines()
    assert [(m.ip, m.user_defined_id) for m in machines] == [('10.0.0.7', GROUP)]
    # The real agent ships only what an applied config asks for; the stand-in says why it dropped a line.
    assert [l for l in read_lines(str(tmp_path / 'standin_spool' / 'spool.jsonl.unshipped'))] == [
        "no applied config collects streamlog 'other_tag'\tshipped line 9"]
    assert sls_emulator.stats()['calls'].get('PutLogs', 0) >= 1


def test_lines_wait_on_disk_while_log_service_is_unreachable(sls_emulator, tmp_path):
    client = _client(sls_emulator)
    fleet(client)
    sock = str(tmp_path / 'sls.sock')
    agent, port = start_agent(tmp_path, write_settings(tmp_path, 'unix:' + sock))
    relay = None
    try:
        send(port, [ali_line(TAG, n, program='spooled') for n in range(1, 201)])
        spool = str(tmp_path / 'standin_spool' / 'spool.jsonl')
        wait_for(lambda: len(read_lines(spool)) == 200, 30, 'the lines in the spool')
        time.sleep(2)  # a few failed heartbeats and sends
        assert search(client, '_program_: spooled') == []
        # The agent restarts while Log Service is still unreachable: the spool outlives it.
        agent.stop()
        agent, port = start_agent(tmp_path, write_settings(tmp_path, 'unix:' + sock))
        relay = Process([sys.executable, RELAY, '--socket', sock, '--target', sls_emulator.endpoint],
                        str(tmp_path / 'relay.out'))
        found = wait_for(lambda: len(search(client, '_program_: spooled')) >= 200 and
                         search(client, '_program_: spooled'), 60, 'the spooled lines searchable')
    finally:
        agent.stop()
        if relay is not None:
            relay.stop()
    assert sorted(int(r['_content_'].rsplit(' ', 1)[1]) for r in found) == list(range(1, 201))


@pytest.mark.parametrize('endpoint', ['127.0.0.1:1', 'unix:/nonexistent/sls.sock'])
def test_shipper_refuses_nothing_it_cannot_send(tmp_path, endpoint):
    """Unreachable Log Service is an error the loop keeps, not a crash."""
    sys.path.insert(0, os.path.dirname(STANDIN))
    try:
        from shipper import Shipper
    finally:
        sys.path.pop(0)
    shipper = Shipper(json.loads(open(write_settings(tmp_path, endpoint)).read()), str(tmp_path / 'spool'),
                      retry_interval=0.1).start()
    try:
        shipper.accept({'input': 'streamlog', 'tag': TAG, 'time': int(time.time()), 'contents': {'_content_': 'x'}})
        wait_for(lambda: shipper.status['last_error'], 10, 'a recorded error')
    finally:
        shipper.stop()
    assert shipper.status['shipped'] == 0
    assert len(read_lines(str(tmp_path / 'spool' / 'spool.jsonl'))) == 1
