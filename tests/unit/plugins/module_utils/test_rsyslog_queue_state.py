"""rsyslog_queue_state on impstats text as rsyslogd 8.2302 writes it, and on a .qi file it saved."""
from ansible_collections.alicloud_ops.logging.plugins.module_utils.rsyslog_queue_state import (
    complete_passes, forward_queue_state, parse_qi, parse_stats_line, queue_file_kind, stats_marker, unread_records)

# The role's stats file: impstats format=json bracketing=on, through an omfile action with an RFC 3339 time.
ROLE_FILE = '''\
2026-12-05T21:37:43.482795+00:00 { "name": "logtail", "origin": "core.action", "processed": 10, "failed": 0, "suspended": 1, "suspended.duration": 30, "resumed": 1 }
2026-12-05T21:37:43.482849+00:00 { "name": "logtail queue[DA]", "origin": "core.queue", "size": 7, "enqueued": 7, "full": 0, "discarded.full": 0, "discarded.nf": 0, "maxqsize": 7 }
2026-12-05T21:37:43.482855+00:00 { "name": "logtail queue", "origin": "core.queue", "size": 3, "enqueued": 20, "full": 0, "discarded.full": 0, "discarded.nf": 0, "maxqsize": 12 }
2026-12-05T21:37:43.482870+00:00 END
2026-12-05T21:37:44.483935+00:00 BEGIN
2026-12-05T21:37:44.484059+00:00 { "name": "logtail", "origin": "core.action", "processed": 25, "failed": 0, "suspended": 1, "suspended.duration": 30, "resumed": 1 }
2026-12-05T21:37:44.484085+00:00 { "name": "logtail queue[DA]", "origin": "core.queue", "size": 2, "enqueued": 7, "full": 0, "discarded.full": 0, "discarded.nf": 0, "maxqsize": 7 }
2026-12-05T21:37:44.484091+00:00 { "name": "logtail queue", "origin": "core.queue", "size": 0, "enqueued": 20, "full": 1, "discarded.full": 4, "discarded.nf": 0, "maxqsize": 12 }
2026-12-05T21:37:44.484107+00:00 END
2026-12-05T21:37:45.483935+00:00 BEGIN
2026-12-05T21:37:45.484085+00:00 { "name": "logtail queue[DA]", "origin": "core.queue", "size": 0, "enqueued": 7, "full": 0, "discarded.full": 0, "discarded.nf": 0, "maxqsize": 7 }
'''

# impstats' own log.file, legacy format, no brackets (as bench/zero_loss_soak.py configures it).
LEGACY_FILE = '''\
Sat Dec  5 21:30:00 2026: global: origin=dynstats 
Sat Dec  5 21:30:00 2026: action-0-builtin:omfwd: origin=core.action processed=145570 failed=0 suspended=0 suspended.duration=0 resumed=0 
Sat Dec  5 21:30:00 2026: action-0-builtin:omfwd queue[DA]: origin=core.queue size=45696 enqueued=45696 full=0 discarded.full=0 discarded.nf=0 maxqsize=45696 
Sat Dec  5 21:30:00 2026: action-0-builtin:omfwd queue: origin=core.queue size=99872 enqueued=145570 full=251 discarded.full=0 discarded.nf=0 maxqsize=100000 
Sat Dec  5 21:30:00 2026: main Q: origin=core.queue size=41072 enqueued=186385 full=0 discarded.full=0 discarded.nf=0 maxqsize=70000 
Sat Dec  5 21:30:01 2026: global: origin=dynstats 
Sat Dec  5 21:30:01 2026: action-0-builtin:omfwd: origin=core.action processed=200000 failed=0 suspended=0 suspended.duration=0 resumed=0 
Sat Dec  5 21:30:01 2026: action-0-builtin:omfwd queue[DA]: origin=core.queue size=130176 enqueued=130176 full=0 discarded.full=0 discarded.nf=0 maxqsize=130176 
Sat Dec  5 21:30:01 2026: action-0-builtin:omfwd queue: origin=core.queue size=0 enqueued=200000 full=251 discarded.full=0 discarded.nf=0 maxqsize=100000 
Sat Dec  5 21:30:01 2026: main Q: origin=core.queue size=0 enqueued=200005 full=0 discarded.full=0 discarded.nf=0 maxqsize=70000 
Sat Dec  5 21:30:02 2026: global: origin=dynstats 
Sat Dec  5 21:30:02 2026: action-0-builtin:omfwd queue[DA]: origin=core.queue size=1 enqueued=130176 full=0 discarded.full=0 discarded.nf=0 maxqsize=130176 
'''

# What rsyslogd 8.2302 saved at a stop with 1000 lines queued and the receiver down.
QI = '''\
<OPB:1:qqueue:1:
+iQueueSize:2:4:1000:
+tVars.disk.sizeOnDisk:2:6:513890:
>End
.
<Obj:1:strm:1:
+iCurrFNum:2:1:1:
+pszFName:1:8:fwdRule1:
+iMaxFiles:2:8:10000000:
+bDeleteOnClose:2:1:0:
+sType:2:1:1:
+tOperationsMode:2:1:2:
+tOpenMode:2:3:384:
+iCurrOffs:2:6:513890:
+inode:2:1:0:
+strtOffs:2:1:0:
+bPrevWasNL:2:1:0:
>End
.
<Obj:1:strm:1:
+iCurrFNum:2:1:3:
+pszFName:1:8:fwdRule1:
+iMaxFiles:2:8:10000000:
+bDeleteOnClose:2:1:1:
+sType:2:1:1:
+tOperationsMode:2:1:1:
+tOpenMode:2:3:384:
+iCurrOffs:2:2:40:
+inode:2:1:0:
+strtOffs:2:1:0:
+bPrevWasNL:2:1:0:
>End
.
'''


def test_parses_every_format_and_prefix():
    json_line = ('Sat Dec  5 21:33:08 2026: { "name": "logtail queue", "origin": "core.queue", "size": 5, '
                 '"enqueued": 9, "full": 0, "discarded.full": 1, "discarded.nf": 0, "maxqsize": 5 }')
    name, counters = parse_stats_line(json_line)
    assert name == 'logtail queue' and counters['size'] == 5 and counters['discarded.full'] == 1
    assert counters['origin'] == 'core.queue'
    cee = 'Dec  5 21:33:08 web1 rsyslogd-pstats: @cee: {"name":"logtail queue","origin":"core.queue","size":2}'
    assert parse_stats_line(cee) == ('logtail queue', {'origin': 'core.queue', 'size': 2})
    elastic = '{"name":"logtail queue","origin":"core.queue","size":4,"discarded!full":3}'
    assert parse_stats_line(elastic)[1]['discarded.full'] == 3
    legacy = ('Dec  5 21:30:00 web1 rsyslogd-pstats: action-0-builtin:omfwd queue[DA]: origin=core.queue size=45 '
              'enqueued=46 full=0 discarded.full=0 discarded.nf=0 maxqsize=45 ')
    name, counters = parse_stats_line(legacy)
    assert name == 'action-0-builtin:omfwd queue[DA]'
    assert counters == {'origin': 'core.queue', 'size': 45, 'enqueued': 46, 'full': 0, 'discarded.full': 0,
                        'discarded.nf': 0, 'maxqsize': 45}
    for other in ('', 'BEGIN', '2026-12-05T21:37:44+00:00 END', 'rsyslogd: started', '{ not json', '{"size": 1}'):
        assert parse_stats_line(other) is None, other


def test_bracket_markers_with_any_prefix():
    assert stats_marker('Sat Dec  5 21:33:09 2026: BEGIN') == 'BEGIN'
    assert stats_marker('2026-12-05T21:37:43.482870+00:00 END') == 'END'
    assert stats_marker('END') == 'END'
    assert stats_marker('{ "name": "END", "origin": "x" }') is None
    assert stats_marker('BEGIN: origin=core.queue size=1') is None
    assert stats_marker('the END is near') is None
    assert stats_marker('BEGINNING') is None


def test_bracketed_passes_drop_the_unclosed_ones():
    passes = complete_passes(ROLE_FILE.splitlines())
    # The first pass has no BEGIN in view (the file was cut there) and the last no END yet.
    assert len(passes) == 1
    state = forward_queue_state(passes, 'logtail')
    assert state == {
        'queue': {'size': 0, 'enqueued': 20, 'full': 1, 'discarded_full': 4, 'discarded_nf': 0, 'maxqsize': 12},
        'disk_queue': {'size': 2, 'enqueued': 7, 'full': 0, 'discarded_full': 0, 'discarded_nf': 0,
                       'maxqsize': 7},
        'action': {'processed': 25, 'failed': 0, 'suspended': 1, 'suspended_duration': 30, 'resumed': 1},
        'queued': 2, 'disk_queued': 2, 'empty': False}


def test_unbracketed_passes_end_where_a_name_comes_again():
    passes = complete_passes(LEGACY_FILE.splitlines())
    assert len(passes) == 2  # the third has begun and may go on
    state = forward_queue_state(passes, 'action-0-builtin:omfwd')
    assert (state['queue']['size'], state['disk_queue']['size'], state['queued']) == (0, 130176, 130176)
    assert state['action']['processed'] == 200000 and not state['empty']
    # Read from the middle of the file, the first pass may be a tail: it is left out.
    assert len(complete_passes(LEGACY_FILE.splitlines()[2:], skip_first=True)) == 1
    assert forward_queue_state(complete_passes(LEGACY_FILE.splitlines()[:5]), 'action-0-builtin:omfwd') is None


def test_state_is_empty_only_when_memory_and_disk_are():
    def state(memory, disk):
        lines = ['BEGIN', '{"name":"fwd queue","origin":"core.queue","size":%d}' % memory]
        if disk is not None:
            lines.append('{"name":"fwd queue[DA]","origin":"core.queue","size":%d}' % disk)
        return forward_queue_state(complete_passes(lines + ['END']), 'fwd')
    assert state(0, 0)['empty'] and state(0, None)['empty']
    assert state(0, None)['disk_queue'] is None and state(0, None)['action'] is None
    for memory, disk in ((1, 0), (0, 1), (5, None)):
        assert not state(memory, disk)['empty']
        assert state(memory, disk)['queued'] == memory + (disk or 0)
    # Another action's queue, or a name that only starts the same, is not ours.
    other = complete_passes(['BEGIN', '{"name":"fwd2 queue","origin":"core.queue","size":0}', 'END'])
    assert forward_queue_state(other, 'fwd') is None


def test_newest_pass_that_reports_the_queue_wins():
    lines = ['BEGIN', '{"name":"fwd queue","origin":"core.queue","size":9}', 'END',
             'BEGIN', '{"name":"fwd queue","origin":"core.queue","size":4}', 'END',
             'BEGIN', '{"name":"main Q","origin":"core.queue","size":0}', 'END']
    assert forward_queue_state(complete_passes(lines), 'fwd')['queued'] == 4


def test_parse_qi_reads_size_and_streams():
    assert parse_qi(QI) == {'size': 1000, 'bytes': 513890, 'write': {'file_number': 1, 'offset': 513890},
                            'read': {'file_number': 3, 'offset': 40}}
    assert parse_qi('') == {'size': None, 'bytes': None, 'write': None, 'read': None}
    # A value may hold ':' (its length says where it ends).
    assert parse_qi('<OPB:1:qqueue:1:\n+pszX:1:5:a:b:c:\n+iQueueSize:2:1:7:\n>End\n')['size'] == 7


def test_queue_files_are_the_prefix_with_qi_or_eight_digits():
    assert queue_file_kind('fwdRule1.qi', 'fwdRule1') == 'qi'
    assert queue_file_kind('fwdRule1.00000012', 'fwdRule1') == 'data'
    for other in ('fwdRule1', 'fwdRule1.1', 'fwdRule10.00000001', 'fwdRule1.00000001.bak', 'imjournal.state',
                  'logtail-queue-stats.json', 'fwdRule1.qi.tmp'):
        assert queue_file_kind(other, 'fwdRule1') is None, other


def test_unread_records_start_at_the_read_position():
    record = b'<Obj:1:msg:1:\n+pszRawMsg:1:1:x:\n>End\n.\n'
    first = record * 3
    read = {'file_number': 3, 'offset': len(record)}
    assert unread_records('q.00000002', first, read) == 0    # before the read file: sent
    assert unread_records('q.00000003', first, read) == 2    # the read file, from the offset
    assert unread_records('q.00000004', first, read) == 3
    assert unread_records('q.00000003', first, None) == 3    # no .qi: every record counts


def test_legacy_name_is_what_follows_the_last_prefix_and_precedes_the_first_origin():
    # No prefix at all: the name is the whole head.
    assert parse_stats_line('fwd queue: origin=core.queue size=3') == ('fwd queue', {'origin': 'core.queue', 'size': 3})
    # Two prefixes ending in ': ' (impstats' log.file time, then a syslog tag): the name follows the last.
    line = 'Sat Dec  5 21:30:00 2026: web1 rsyslogd-pstats: fwd queue[DA]: origin=core.queue size=1'
    assert parse_stats_line(line) == ('fwd queue[DA]', {'origin': 'core.queue', 'size': 1})
    # Text after the counters that looks like another origin does not move the name.
    assert parse_stats_line('fwd queue: origin=core.queue size=3 note: origin=x') == (
        'fwd queue', {'origin': 'core.queue', 'size': 3})


def test_legacy_counters_are_whole_numbers_after_the_first_equals_sign():
    name, counters = parse_stats_line('fwd queue: origin=core.queue size=-2 rate=1.5 mode=fast a=b=1 flag enqueued=7')
    assert name == 'fwd queue'
    assert counters == {'origin': 'core.queue', 'size': -2, 'enqueued': 7}


def test_legacy_line_without_a_name_or_counters_is_not_a_stats_line():
    assert parse_stats_line('fwd queue: origin=') is None
    assert parse_stats_line(': origin=core.queue size=1') is None
    assert parse_stats_line('web1 rsyslogd-pstats:  : origin=core.queue size=1') is None


def test_json_counters_are_integers_only_and_origin_only_as_text():
    line = '{"name": "fwd queue", "origin": ["core.queue"], "size": 2, "full": true, "rate": 1.5, "mode": "fast", "enqueued": 0}'
    assert parse_stats_line(line) == ('fwd queue', {'size': 2, 'enqueued': 0})
    nested = '{"name": "fwd queue", "origin": "core.queue", "size": 1, "values": {"a": 2}}'
    assert parse_stats_line(nested) == ('fwd queue', {'origin': 'core.queue', 'size': 1})
    for other in ('["fwd queue"]', '{"name": 5, "size": 1}', 'x { "name": "fwd queue", "size": }'):
        assert parse_stats_line(other) is None, other


def test_a_marker_is_never_a_line_with_counters():
    assert stats_marker('size=1 END') is None
    assert stats_marker('{ END') is None
    assert stats_marker('   ') is None
    assert stats_marker('Sat Dec  5 21:33:09 2026:END') == 'END'


def test_queue_state_takes_counters_as_found():
    def passes(*records):
        return complete_passes(['BEGIN'] + list(records) + ['END'])
    # A memory queue without a size is not reported; the disk part without one counts 0.
    assert forward_queue_state(passes('{"name":"fwd queue","origin":"core.queue"}'), 'fwd') is None
    state = forward_queue_state(passes('{"name":"fwd queue","origin":"core.queue","size":3}',
                                       '{"name":"fwd queue[DA]","origin":"core.queue","enqueued":4}'), 'fwd')
    assert (state['queued'], state['disk_queued'], state['empty']) == (3, 0, False)
    assert state['disk_queue'] == {'size': None, 'enqueued': 4, 'full': None, 'discarded_full': None,
                                   'discarded_nf': None, 'maxqsize': None}
    # The action's counters only from core.action.
    other = forward_queue_state(passes('{"name":"fwd","origin":"dynstats","processed":1}',
                                       '{"name":"fwd queue","origin":"core.queue","size":0}'), 'fwd')
    assert other['action'] is None and other['empty']
    own = forward_queue_state(passes('{"name":"fwd","origin":"core.action","processed":1}',
                                     '{"name":"fwd queue","origin":"core.queue","size":0}'), 'fwd')
    assert own['action'] == {'processed': 1, 'failed': None, 'suspended': None, 'suspended_duration': None,
                             'resumed': None}


def test_bracketed_passes_ignore_what_lies_outside_and_other_text_inside():
    lines = ['{"name":"fwd queue","origin":"core.queue","size":8}', 'END', 'BEGIN', 'rsyslogd: started',
             '{"name":"fwd queue","origin":"core.queue","size":1}', 'END',
             '{"name":"fwd queue","origin":"core.queue","size":9}', 'BEGIN', 'END']
    assert complete_passes(lines) == [{'fwd queue': {'origin': 'core.queue', 'size': 1}}, {}]


def test_unbracketed_passes_skip_only_the_first():
    lines = ['a: origin=x n=%d' % n if n % 2 == 0 else 'b: origin=x n=%d' % n for n in range(8)]
    lines.insert(3, 'rsyslogd: some other line')
    assert [p['a']['n'] for p in complete_passes(lines)] == [0, 2, 4]
    assert [p['a']['n'] for p in complete_passes(lines, skip_first=True)] == [2, 4]


def test_qi_object_kind_is_its_third_field_exactly():
    size = '+iQueueSize:2:1:7:\n'
    assert parse_qi('<OPB:1:qqueue\n' + size)['size'] == 7
    for head in ('<qqueue', '<OPB:qqueue', '<OPB:1:qqueueX', '<OPB:1:qqueue ', '<OPB:1:strm:1:'):
        assert parse_qi(head + '\n' + size)['size'] is None, head
    # A property before any object, or not in the +name:type:length: form, belongs to none.
    assert parse_qi(size + '<OPB:1:qqueue:1:\n+iQueueSize 7\n')['size'] is None


def test_qi_numbers_are_type_2_values_that_are_whole_numbers():
    text = ('<OPB:1:qqueue:1:\n+iQueueSize:2:3:abc:\n+tVars.disk.sizeOnDisk:1:3:512:\n>End\n'
            '<Obj:1:strm:1:\n+tOperationsMode:2:1:1:\n+iCurrFNum:2:2:-1:\n+iCurrOffs:1:2:40:\n>End\n')
    assert parse_qi(text) == {'size': None, 'bytes': None, 'write': None, 'read': {'file_number': -1, 'offset': '40'}}


def test_unread_records_of_a_file_that_is_no_data_file_or_without_offset():
    record = b'<Obj:1:msg:1:\n>End\n.\n'
    read = {'file_number': 3, 'offset': None}
    assert unread_records('q.00000003', record * 2, read) == 2
    assert unread_records('q.qi', record * 2, {'file_number': 3, 'offset': 10}) == 2
    assert unread_records('q.00000003', record * 2, {'file_number': None, 'offset': len(record)}) == 2
    assert unread_records('q.00000003', record * 2, {}) == 2
