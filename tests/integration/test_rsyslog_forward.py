"""The rsyslog_dropin module's forward on the real rsyslogd, delivering to the Logtail stand-in."""
import json
import os
import time

import pytest
import yaml

from ansible_collections.alicloud_ops.logging.plugins.modules import rsyslog_dropin
from tests.integration.rsyslog_bed import REPO_ROOT, RsyslogBed, read_lines, wait_for
from tests.support.module_harness import run_module

ZERO_LOSS_COUNT = 10000


@pytest.fixture
def bed(tmp_path):
    bed = RsyslogBed(tmp_path)
    yield bed
    bed.close()


def write_dropin(bed, **forward):
    result = run_module(rsyslog_dropin.main, bed.module_args(**forward))
    assert not result.failed, result
    return result


def parse_ali_line(line):
    """Split one ALI_LOG_FMT line into its 11 fields (the message may hold spaces)."""
    names = ('version', 'sys_tag', 'timestamp', 'fromhost_ip', 'hostname', 'pri_text', 'protocol_version',
             'app_name', 'procid', 'msgid', 'msg')
    return dict(zip(names, line.split(' ', 10)))


def sequence_numbers(lines, marker):
    return [int(line.rsplit(marker, 1)[1]) for line in lines if marker in line]


def await_delivery(bed, count, timeout, interval, standin_up):
    """Wait (bounded) until sequence numbers 1..count all reached the stand-in.

    Returns every received number (duplicates included) and the delivery figures; the caller asserts,
    so the figures are printed whether or not anything is missing."""
    wanted = set(range(1, count + 1))
    try:
        wait_for(lambda: wanted <= set(sequence_numbers(read_lines(bed.record), 'seq=')), timeout,
                 'all %d messages at the stand-in' % count, interval=interval)
    except AssertionError:
        pass  # reported by the caller's comparison, with the figures
    received = sequence_numbers(read_lines(bed.record), 'seq=')
    return received, {
        'sent': count, 'received_lines': len(received), 'unique': len(set(received)),
        'duplicates': len(received) - len(set(received)), 'missing': len(wanted - set(received)),
        'seconds_standin_up_to_all_delivered': round(time.monotonic() - standin_up, 1),
    }


def test_every_field_of_ali_log_fmt_arrives(bed):
    write_dropin(bed, sys_tag='web_syslog')
    bed.start_standin()
    bed.start_rsyslogd()
    before = time.time()
    bed.send(['<14>1 2024-05-01T10:00:00Z web-01 nginx 4242 ACCESS - rfc5424 field check %d' % i
              for i in range(1, 6)]
             + ['<86>May  1 10:00:00 web-01 sshd[777]: rfc3164 field check 6'])
    lines = wait_for(lambda: [l for l in read_lines(bed.record) if 'field check' in l]
                     if len([l for l in read_lines(bed.record) if 'field check' in l]) >= 6 else None,
                     30, 'six forwarded lines')
    assert len(lines) == 6, lines
    for line in lines:
        fields = parse_ali_line(line)
        assert fields['version'] == '0.1'
        assert fields['sys_tag'] == 'web_syslog'
        # %timegenerated% is when rsyslog received it, as a Unix timestamp.
        assert before - 5 <= int(fields['timestamp']) <= time.time() + 5
        assert fields['fromhost_ip'] == '127.0.0.1'
        assert fields['hostname'] == 'web-01'
    modern = [parse_ali_line(l) for l in lines if 'rfc5424' in l]
    assert [m['msg'] for m in modern] == ['rfc5424 field check %d' % i for i in range(1, 6)]
    for fields in modern:
        assert (fields['pri_text'], fields['protocol_version'], fields['app_name'], fields['procid'],
                fields['msgid']) == ('user.info', '1', 'nginx', '4242', 'ACCESS')
    # rsyslog 8.2302 writes %pri-text% as facility.severity, without the "<PRI>" older docs show.
    legacy = parse_ali_line([l for l in lines if 'rfc3164' in l][0])
    # An RFC 3164 message keeps the space after "sshd[777]:" in %msg%.
    assert (legacy['pri_text'], legacy['protocol_version'], legacy['app_name'], legacy['procid'],
            legacy['msgid'], legacy['msg']) == ('authpriv.info', '0', 'sshd', '777', '-', ' rfc3164 field check 6')


def role_default(role, name):
    path = os.path.join(REPO_ROOT, 'roles', role, 'defaults', 'main.yml')
    with open(path) as handle:
        return yaml.safe_load(handle)[name]


def role_input_forward(syslog_input):
    """framing and template of the forward rsyslog_forward renders for an agent input (its vars/main.yml)."""
    with open(os.path.join(REPO_ROOT, 'roles', 'rsyslog_forward', 'vars', 'main.yml')) as handle:
        forward = yaml.safe_load(handle)['_rsyslog_forward_by_input'][syslog_input]
    return {key: forward[key] for key in ('framing', 'template')}


# The two ends rsyslog_forward builds (alicloud_logging_input): ALI_LOG_FMT lines for streamlog, and RFC 5424
# lines for the service_syslog input, as the role's own vars say.
INPUT_FORWARDS = {
    'streamlog': {},
    'service_syslog': role_input_forward('service_syslog'),
}


def backlog_through_restart(bed, marker):
    """With the receiver down: ZERO_LOSS_COUNT messages into rsyslogd, which then restarts once (its queue goes
    to the spool and back). Returns (monotonic start, spool files at the restart)."""
    bed.start_rsyslogd()
    started = time.monotonic()
    bed.send(['<14>1 2024-05-01T10:00:00Z web-01 app 1 - - %s seq=%d' % (marker, i)
              for i in range(1, ZERO_LOSS_COUNT + 1)])
    # accepted.log is written after the forward action has queued each message.
    wait_for(lambda: len(sequence_numbers(read_lines(bed.accepted), 'seq=')) >= ZERO_LOSS_COUNT, 120,
             'rsyslog to accept all messages', interval=0.5)
    assert bed.stop_rsyslogd() == 0
    spooled = sorted(os.listdir(bed.spool_dir))
    assert any(name.startswith('fwdRule1.') for name in spooled), spooled
    bed.start_rsyslogd()
    return started, spooled


@pytest.mark.parametrize('syslog_input', sorted(INPUT_FORWARDS))
def test_zero_loss_across_receiver_outage_and_rsyslog_restart(bed, syslog_input):
    # The queue size the rsyslog_forward role ships: it holds the whole backlog in memory, so the
    # restart is what moves it to disk (saveOnShutdown) and back. (A backlog larger than the memory
    # queue spills while rsyslogd runs: the next test.)
    queue_size = role_default('rsyslog_forward', 'rsyslog_forward_queue_size')
    assert queue_size >= ZERO_LOSS_COUNT
    write_dropin(bed, sys_tag='zero_loss', queue={'size': queue_size}, **INPUT_FORWARDS[syslog_input])
    started, spooled = backlog_through_restart(bed, 'zero-loss')
    bed.start_standin(syslog_input)
    standin_up = time.monotonic()

    received, figures = await_delivery(bed, ZERO_LOSS_COUNT, 120, 0.5, standin_up)
    figures.update({'input': syslog_input, 'rejected_by_standin': len(read_lines(bed.rejected)),
                    'spool_files_after_restart': spooled,
                    'seconds_total': round(time.monotonic() - started, 1)})
    print('rsyslog zero-loss figures: %s' % json.dumps(figures))
    results = os.path.join(REPO_ROOT, 'bench', 'results')
    if os.path.isdir(results):
        name = 'rsyslog_zero_loss.json' if syslog_input == 'streamlog' else 'rsyslog_zero_loss_%s.json' % syslog_input
        with open(os.path.join(results, name), 'w') as handle:
            json.dump(figures, handle, indent=2)
    assert set(received) == set(range(1, ZERO_LOSS_COUNT + 1))
    assert not read_lines(bed.rejected), read_lines(bed.rejected)[:5]


SPILL_QUEUE_SIZE = 1000
SPILL_COUNT = 5000


def test_outage_longer_than_the_memory_queue_spills_to_disk_and_loses_nothing(bed):
    # rsyslog's own default size with the module's default watermarks. With rsyslog's default
    # watermarks here (high 900, not more than one 128-message dequeue batch below the size)
    # rsyslogd 8.2302 stopped accepting messages at 768-4608 in 6 of 10 runs and dropped one
    # message about every 2 s (queue.timeoutEnqueue) until the receiver came back.
    result = write_dropin(bed, sys_tag='spill', queue={'size': SPILL_QUEUE_SIZE})
    with open(os.path.join(bed.dropin_dir, '60-logtail-forward.conf')) as handle:
        dropin = handle.read()
    assert 'queue.size="1000"' in dropin and 'queue.highWatermark="500"' in dropin, dropin
    assert result.changed
    bed.start_rsyslogd()
    started = time.monotonic()
    # imtcp reads the whole stream into the main queue either way; accepted.log shows what got past the
    # forward action's queue (a stall stops it at a few batches of 256).
    bed.send(['<14>1 2024-05-01T10:00:00Z web-01 app 1 - - spill seq=%d' % i for i in range(1, SPILL_COUNT + 1)])
    accepted = wait_for(
        lambda: (lambda seqs: seqs if len(seqs) >= SPILL_COUNT else None)(
            sequence_numbers(read_lines(bed.accepted), 'seq=')),
        20, 'rsyslog to accept %d messages with the receiver down' % SPILL_COUNT, interval=0.2)
    seconds_to_accept = round(time.monotonic() - started, 1)

    def spool_files():
        names = [n for n in os.listdir(bed.spool_dir) if n.startswith('fwdRule1.') and n != 'fwdRule1.qi']
        return names or None

    # The backlog is five times the memory queue, so most of it must be in queue files now.
    spooled = wait_for(spool_files, 10, 'queue files in the spool while the receiver is down')
    spool_bytes = sum(os.path.getsize(os.path.join(bed.spool_dir, n)) for n in spooled)
    assert not read_lines(bed.record)

    bed.start_standin()
    standin_up = time.monotonic()

    received, figures = await_delivery(bed, SPILL_COUNT, 20, 0.2, standin_up)
    figures.update({'queue_size': SPILL_QUEUE_SIZE, 'accepted_while_down': len(accepted),
                    'seconds_to_accept': seconds_to_accept, 'spool_files': len(spooled),
                    'spool_bytes': spool_bytes})
    print('rsyslog spill figures: %s' % json.dumps(figures))
    assert set(received) == set(range(1, SPILL_COUNT + 1))
    # Delivered from the spool, the queue files go away once rsyslogd stops (decommission relies on that).
    assert bed.stop_rsyslogd() == 0
    assert not [n for n in os.listdir(bed.spool_dir) if n.startswith('fwdRule1.')], os.listdir(bed.spool_dir)


def test_invalid_dropin_refused_and_running_rsyslogd_keeps_forwarding(bed):
    write_dropin(bed, sys_tag='still_here')
    path = os.path.join(bed.dropin_dir, '60-logtail-forward.conf')
    with open(path, 'rb') as handle:
        old = handle.read()
    bed.start_standin()
    running = bed.start_rsyslogd()

    bad = bed.module_args()
    del bad['forward']
    bad['content'] = 'action(type="omfwd" target="127.0.0.1" prot="tcp")\n'
    result = run_module(rsyslog_dropin.main, bad)
    assert result.failed
    assert "parameter 'prot' not known" in result.msg
    assert path in result.msg  # the real path, not the validation temp dir
    with open(path, 'rb') as handle:
        assert handle.read() == old

    os.kill(running.pid, 0)
    assert running.alive() and bed.rsyslogd is running
    bed.send(['<14>1 2024-05-01T10:00:00Z web-01 app 1 - - after refusal'])
    wait_for(lambda: any('after refusal' in l for l in read_lines(bed.record)), 30, 'forwarding to go on')
    assert any(l.split(' ')[1] == 'still_here' for l in read_lines(bed.record) if 'after refusal' in l)


@pytest.mark.parametrize('forward, expected', [
    ({}, 'ALI_LOG_FMT'),  # the streamlog line
    # The route before issue 18: octet counting, which the real input reads as part of the line.
    ({'framing': 'octet-counted', 'template': {'name': 'RSYSLOG_SyslogProtocol23Format'}}, 'octet count'),
])
def test_service_syslog_input_cannot_parse_another_forward(bed, forward, expected):
    """The stand-in reads lines as the real service_syslog input: neither the streamlog line nor an octet-counted
    frame parses as RFC 5424 (the real input would ingest them raw, with priority -1; with IgnoreParseFailure off
    the stand-in refuses them). The role's own forward parses: the zero-loss test sends 10,000 and none is refused."""
    write_dropin(bed, **forward)
    bed.start_standin('service_syslog')
    bed.start_rsyslogd()
    bed.send(['<14>1 2024-05-01T10:00:00Z web-01 app 1 - - wrong framing'])
    wait_for(lambda: any('wrong framing' in l for l in read_lines(bed.rejected)), 30, 'the rejection (%s)' % expected)
    assert not [l for l in read_lines(bed.record) if 'wrong framing' in l]
