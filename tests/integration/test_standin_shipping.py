"""The Logtail stand-in's shipping half (tests/logtail_standin/shipper.py) against the emulator: heartbeat,
applied configs, PutLogs signed and encoded by hand, read back through the official SDK's get_logs; the spool
across Log Service being unreachable (the unix-socket relay containers use is down), and lines no applied
config collects. A host is the account's by its AliUid marker file or its ECS instance id; any other host's
heartbeat is refused and its lines go nowhere. service_syslog lines arrive with the real input's fields."""
import json
import os
import socket
import sys
import time
import uuid

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import SYSLOG_KEYS
from tests.integration.rsyslog_bed import REPO_ROOT, STANDIN, Process, free_port, port_open, read_lines, wait_for
from tests.integration.standin_fleet import (
    GROUP, PROJECT, TAG, ecs_instance_ids, fleet, search, syslog_pipeline, write_settings)
from tests.integration.test_sls_emulator import _client
from tests.support.sls_emulator import sls_emulator, sls_emulator_server  # noqa: F401

RELAY = os.path.join(REPO_ROOT, 'tests', 'logtail_standin', 'unix_relay.py')

def start_agent(tmp_path, settings, syslog_address=None):
    """The stand-in with a streamlog input on a free port, or a service_syslog input at ``syslog_address``."""
    port = free_port()
    listen = ['--addr', '127.0.0.1', '--port', str(port)]
    if syslog_address:
        port = int(syslog_address.rsplit(':', 1)[1])
        listen = ['--syslog-address', syslog_address]
    agent = Process([sys.executable, STANDIN, '--home', str(tmp_path), '--ship-settings', settings] + listen,
                    str(tmp_path / 'agent.out'))
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
    assert set(SYSLOG_KEYS) <= set(row)
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


def test_service_syslog_rows_carry_the_real_inputs_fields(sls_emulator, tmp_path):
    client = _client(sls_emulator)
    fleet(client)
    address = 'tcp://127.0.0.1:%d' % free_port()
    syslog_pipeline(client, address)
    agent, port = start_agent(tmp_path, write_settings(tmp_path, sls_emulator.endpoint), address)
    marker, now = uuid.uuid4().hex, int(time.time())
    # The log's time is the message's (search windows are by log time): now, written in UTC+8.
    stamp = time.strftime('%Y-%m-%dT%H:%M:%S.5+08:00', time.gmtime(now + 8 * 3600))
    line = '<30>1 %s web-01 nginx 4242 ACCESS [meta x="1"] %s parsed' % (stamp, marker)
    framed = '<30>1 - web-01 nginx - - - %s framed' % marker
    try:
        send(port, [line, '%d %s' % (len(framed), framed)])
        rows = wait_for(lambda: len(search(client, marker)) == 2 and search(client, marker), 30, 'both rows')
    finally:
        agent.stop()
    parsed, = [row for row in rows if row['_content_'].endswith('parsed')]
    assert {key: parsed[key] for key in parsed if key.startswith('_') and not key.startswith('__')} == {
        '_program_': 'nginx', '_priority_': '30', '_facility_': '3', '_severity_': '6',
        '_unixtimestamp_': '%d500000000' % now, '_hostname_': 'web-01', '_client_ip_': '127.0.0.1',
        '_ip_': '10.0.0.7', '_content_': '%s parsed' % marker, '_structured_data_': '{"meta":{"x":"1"}}',
        '_message_id_': 'ACCESS', '_process_id_': '4242'}
    # An octet-counted frame is no framing to the real input: one line that does not parse, kept raw.
    raw, = [row for row in rows if row['_content_'].endswith('framed')]
    assert raw['_content_'] == '%d %s' % (len(framed), framed)
    assert (raw['_priority_'], raw['_facility_'], raw['_severity_'], raw['_program_']) == ('-1', '-1', '-1', '')
    assert (raw['_hostname_'], raw['_client_ip_'], raw['_ip_']) == (socket.gethostname(), '127.0.0.1', '10.0.0.7')
    assert '_message_id_' not in raw and '_structured_data_' not in raw


def test_a_host_that_is_not_the_accounts_is_refused_until_it_is(sls_emulator, tmp_path):
    client = _client(sls_emulator)
    fleet(client)
    settings = write_settings(tmp_path, sls_emulator.endpoint, aliuid=None)
    agent, port = start_agent(tmp_path, settings)
    try:
        log = str(tmp_path / 'agent.out')
        wait_for(lambda: any('heartbeat refused' in l for l in read_lines(log)), 30, 'the refusal in the log')
        send(port, [ali_line(TAG, 1, program='nobody')])
        unshipped = str(tmp_path / 'standin_spool' / 'spool.jsonl.unshipped')
        wait_for(lambda: read_lines(unshipped), 30, 'the line dropped')
        assert 'heartbeat refused: ' in read_lines(unshipped)[0]
        assert client.list_machines(PROJECT, GROUP).get_machines() == []
        unattributed, = sls_emulator.sls_state()['unattributedMachines']
        assert unattributed['ip'] == '10.0.0.7' and unattributed['aliuids'] == []
        time.sleep(3)  # more refused heartbeats: still one line in the log
        # The metadata service's instance id of one of the account's instances makes it the account's.
        agent.stop()
        write_settings(tmp_path, sls_emulator.endpoint, aliuid=None, instance_id=ecs_instance_ids(sls_emulator)[0])
        agent, port = start_agent(tmp_path, settings)
        send(port, [ali_line(TAG, 2, program='attributed')])
        found = wait_for(lambda: search(client, '_program_: attributed'), 30, 'the line shipped')
    finally:
        agent.stop()
    assert [row['_content_'] for row in found] == ['shipped line 2']
    refusal = 'shipper: heartbeat refused: ' + unattributed['refused']
    assert [line for line in read_lines(log) if 'heartbeat' in line] == [refusal]
    assert 'unattributedMachines' not in sls_emulator.sls_state()
    assert [(m.ip, m.user_defined_id) for m in client.list_machines(PROJECT, GROUP).get_machines()] == [
        ('10.0.0.7', GROUP)]
