"""rsyslog_queue_info through run_module, on stats and spool files written the way rsyslogd 8.2302 writes them."""
import os
import socket
import threading
import time

import pytest

from ansible_collections.alicloud_ops.logging.plugins.modules import rsyslog_queue_info
from tests.support.module_harness import run_module


def stats_pass(memory, disk, stamp='2026-12-05T21:37:44+00:00'):
    return ''.join('%s %s\n' % (stamp, line) for line in (
        'BEGIN',
        '{ "name": "logtail", "origin": "core.action", "processed": 5, "failed": 0, "suspended": 0, '
        '"suspended.duration": 0, "resumed": 0 }',
        '{ "name": "logtail queue[DA]", "origin": "core.queue", "size": %d, "enqueued": 0, "full": 0, '
        '"discarded.full": 0, "discarded.nf": 0, "maxqsize": 0 }' % disk,
        '{ "name": "logtail queue", "origin": "core.queue", "size": %d, "enqueued": 9, "full": 0, '
        '"discarded.full": 0, "discarded.nf": 0, "maxqsize": 9 }' % memory,
        'END'))


def append(path, text):
    with open(path, 'a') as handle:
        handle.write(text)


def args(tmp_path, **extra):
    base = {'action_name': 'logtail', 'stats_file': str(tmp_path / 'stats.json')}
    base.update(extra)
    return base


def test_waits_for_a_pass_written_after_the_call(tmp_path):
    stats = str(tmp_path / 'stats.json')
    append(stats, stats_pass(memory=0, disk=0))  # an old pass says empty; it must not count
    writer = threading.Timer(0.6, append, (stats, stats_pass(memory=3, disk=40)))
    writer.start()
    started = time.time()
    result = run_module(rsyslog_queue_info.main, args(tmp_path, sample_timeout=10), check_mode=True)
    writer.join()
    assert not result.failed and not result.changed, result
    assert time.time() - started >= 0.5
    assert result.data['available'] and not result.data['empty']
    assert (result.data['queued'], result.data['disk_queued']) == (43, 40)
    assert result.data['queue']['size'] == 3 and result.data['disk_queue']['size'] == 40
    assert result.data['action']['processed'] == 5
    assert result.data['msg'] == 'logtail queue: 43 queued (40 on disk)'


def test_without_a_new_pass_it_is_not_available(tmp_path):
    append(str(tmp_path / 'stats.json'), stats_pass(memory=0, disk=0))
    result = run_module(rsyslog_queue_info.main, args(tmp_path, sample_timeout=1))
    assert not result.failed and not result.data['available'] and not result.data['empty']
    assert result.data['queued'] is None and result.data['stats_age'] is not None
    # sample_timeout 0 takes the newest pass in the file, whatever its age.
    old = run_module(rsyslog_queue_info.main, args(tmp_path, sample_timeout=0))
    assert old.data['available'] and old.data['empty'] and old.data['queued'] == 0
    missing = run_module(rsyslog_queue_info.main, args(tmp_path, stats_file=str(tmp_path / 'none'), sample_timeout=1))
    assert not missing.failed and not missing.data['available'] and missing.data['stats_age'] is None


def test_a_file_nobody_writes_is_not_waited_for(tmp_path):
    stats = str(tmp_path / 'stats.json')
    append(stats, stats_pass(memory=0, disk=0))
    os.utime(stats, (time.time() - 60, time.time() - 60))  # impstats wrote last a minute ago: not running
    started = time.time()
    stale = run_module(rsyslog_queue_info.main, args(tmp_path, sample_timeout=20))
    assert not stale.data['available'] and time.time() - started < 5 and stale.data['stats_age'] >= 60
    started = time.time()
    missing = run_module(rsyslog_queue_info.main, args(tmp_path, stats_file=str(tmp_path / 'none'), sample_timeout=20))
    assert not missing.data['available'] and time.time() - started < 5
    # Just after a start, the first pass is one interval away: wait_for_start waits for it.
    writer = threading.Timer(1.0, append, (stats, stats_pass(memory=1, disk=0)))
    writer.start()
    started = time.time()
    fresh = run_module(rsyslog_queue_info.main, args(tmp_path, sample_timeout=20, wait_for_start=True))
    writer.join()
    assert fresh.data['available'] and fresh.data['queued'] == 1 and time.time() - started >= 0.9


def test_a_rotated_stats_file_is_read_from_its_start(tmp_path):
    stats = str(tmp_path / 'stats.json')
    append(stats, stats_pass(1, 1) * 50)

    def rotate():
        os.unlink(stats)  # what the role's rotation.sizeLimitCommand does
        append(stats, stats_pass(memory=0, disk=0))
    writer = threading.Timer(0.5, rotate)
    writer.start()
    result = run_module(rsyslog_queue_info.main, args(tmp_path, sample_timeout=10))
    writer.join()
    assert result.data['available'] and result.data['empty'], result


def qi(size, read_file, read_offset):
    return ('<OPB:1:qqueue:1:\n+iQueueSize:2:%d:%d:\n>End\n.\n'
            '<Obj:1:strm:1:\n+iCurrFNum:2:1:%d:\n+tOperationsMode:2:1:1:\n+iCurrOffs:2:%d:%d:\n>End\n.\n'
            % (len(str(size)), size, read_file, len(str(read_offset)), read_offset))


RECORD = b'<Obj:1:msg:1:\n+pszRawMsg:1:4:line:\n>End\n.\n'


def test_lists_the_queue_files_and_counts_what_they_hold(tmp_path):
    spool = tmp_path / 'spool'
    spool.mkdir()
    (spool / 'fwdRule1.00000002').write_bytes(RECORD * 4)
    (spool / 'fwdRule1.00000010').write_bytes(RECORD * 5)
    (spool / 'imjournal.state').write_text('x')
    (spool / 'other.00000001').write_bytes(RECORD)
    spool_args = {'action_name': 'logtail', 'spool_directory': str(spool), 'queue_filename': 'fwdRule1'}
    # Without a .qi (rsyslog did not save the queue) every record counts: an upper bound.
    bare = run_module(rsyslog_queue_info.main, spool_args)
    assert not bare.failed, bare
    assert [os.path.basename(f['path']) for f in bare.data['files']] == ['fwdRule1.00000002', 'fwdRule1.00000010']
    assert bare.data['saved'] is None and bare.data['spool_lines'] == 9
    assert not bare.data['available'] and bare.data['target_reachable'] is None
    (spool / 'fwdRule1.qi').write_text(qi(7, 2, len(RECORD) * 2))
    saved = run_module(rsyslog_queue_info.main, spool_args)
    assert saved.data['saved']['size'] == 7 and saved.data['spool_lines'] == 7
    assert saved.data['saved']['read'] == {'file_number': 2, 'offset': len(RECORD) * 2}
    assert len(saved.data['files']) == 3 and saved.data['files'][-1]['path'].endswith('fwdRule1.qi')
    gone = run_module(rsyslog_queue_info.main, dict(spool_args, spool_directory=str(tmp_path / 'absent')))
    assert gone.data['files'] == [] and gone.data['spool_lines'] == 0


def test_probes_the_receiver(tmp_path):
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        up = run_module(rsyslog_queue_info.main, {'action_name': 'logtail', 'target': '127.0.0.1', 'port': port})
        assert up.data['target_reachable'] is True and 'accepts connections' in up.data['msg']
    finally:
        server.close()
    down = run_module(rsyslog_queue_info.main, {'action_name': 'logtail', 'target': '127.0.0.1', 'port': port})
    assert down.data['target_reachable'] is False


@pytest.mark.parametrize('bad, field', [
    ({'stats_file': 'relative/stats.json'}, 'stats_file'),
    ({'spool_directory': 'spool', 'queue_filename': 'q'}, 'spool_directory'),
    ({'spool_directory': '/spool', 'queue_filename': 'a/b'}, 'queue_filename'),
    ({'action_name': ' '}, 'action_name'),
    ({'action_name': 'a\nb'}, 'action_name'),
    ({'sample_timeout': -1}, 'sample_timeout'),
    ({'target': '127.0.0.1', 'port': 70000}, 'port'),
    ({'target': '127.0.0.1'}, 'target'),
])
def test_bad_options_are_refused_by_name(tmp_path, bad, field):
    result = run_module(rsyslog_queue_info.main, dict({'action_name': 'logtail'}, **bad))
    assert result.failed and field in result.msg, result
