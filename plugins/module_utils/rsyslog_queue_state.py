# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure readers of rsyslog's own account of an action queue: impstats lines and the queue's .qi file.

impstats (rsyslog's statistics module) writes, every interval, one line per statistics object. For an action
named ``N`` (its ``name=`` parameter) that is ``N`` (origin core.action: processed, failed, suspended,
resumed), ``N queue`` (core.queue: size, enqueued, full, discarded.full, discarded.nf, maxqsize) and, for a
disk-assisted queue, its disk part ``N queue[DA]`` (rsyslogd 8.2302 creates it when the queue starts).
``size`` is what the queue holds now, including a batch a worker has taken and not yet finished (runtime/queue.c:
the physical size, iQueueSize, drops only when the batch is deleted), so ``size`` 0 on both parts means nothing
queued and nothing in flight. ``size`` is never reset, even with ``resetCounters="on"``.

Formats: json, json-elasticsearch (``!`` for ``.`` in counter names), cee (``@cee: {...}``) and legacy
(``N queue: origin=core.queue size=0 ...``), as a line of impstats' ``log.file`` (``<ctime>: <line>``), of a
syslog file (``... rsyslogd-pstats: <line>``) or of the role's own stats file (``<RFC 3339 time> <line>``).
With ``bracketing="on"`` each pass sits between ``BEGIN`` and ``END`` lines.

The .qi file is what rsyslog writes when it saves a disk queue (saveOnShutdown at a stop, or a checkpoint):
the queue's size in messages and where its read and write streams stand in the numbered data files.

Nothing here touches the disk. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

QUEUE_COUNTERS = ('size', 'enqueued', 'full', 'discarded.full', 'discarded.nf', 'maxqsize')
ACTION_COUNTERS = ('processed', 'failed', 'suspended', 'suspended.duration', 'resumed')
# One serialized message in a disk queue's data file (rsyslog's object serializer, runtime/obj.c).
MESSAGE_RECORD = b'<Obj:1:msg:'
_DATA_FILE_RE = re.compile(r'^(?P<prefix>.+)\.(?P<number>[0-9]{8})$')
_QI_PROPERTY_RE = re.compile(r'^\+(?P<name>[A-Za-z0-9_.]+):(?P<type>[0-9]+):(?P<length>[0-9]+):')
_MARKERS = ('BEGIN', 'END')


def queue_names(action_name):
    """impstats' names for the action's queue and for its disk part."""
    return action_name + ' queue', action_name + ' queue[DA]'


def stats_marker(line):
    """'BEGIN' or 'END' for a bracketing line (whatever prefix it has), else None."""
    text = line.strip()
    if '{' in text or '=' in text:
        return None
    last = re.split(r'[\s:]+', text)[-1] if text else ''  # pragma: no mutate - '' splits to '' too; '' and 'XXXX' are no marker
    return last if last in _MARKERS else None


def _json_line(text):
    start = text.find('{')
    if start < 0:
        return None
    try:
        record = json.loads(text[start:])
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get('name'), str):
        return None
    counters = {}
    for key, value in record.items():
        if isinstance(value, int) and not isinstance(value, bool):
            counters[key.replace('!', '.')] = value
    if isinstance(record.get('origin'), str):
        counters['origin'] = record['origin']
    return record['name'], counters


def _legacy_line(text):
    head, found, tail = text.partition(': origin=')
    if not found:
        return None
    # Whatever prefixes the line (a time, "rsyslogd-pstats:") ends in ": "; a name may hold ":" but not ": ".
    name = head.rsplit(': ', 1)[-1].strip()  # pragma: no mutate - rsplit's last piece is the same for any maxsplit
    fields = tail.split()
    if not name or not fields:
        return None
    counters = {'origin': fields[0]}
    for field in fields[1:]:
        key, equals, value = field.partition('=')
        if equals and re.match(r'^-?[0-9]+$', value):
            counters[key] = int(value)
    return name, counters


def parse_stats_line(line):
    """``(name, counters)`` of one impstats line in any format, or None (a bracket, or other text).

    ``counters`` maps each integer counter to its value, with ``origin`` as text.
    """
    text = line.strip()
    if not text:
        return None
    if '{' in text:
        return _json_line(text)
    return _legacy_line(text)


def complete_passes(lines, skip_first=False):
    """The complete impstats passes in ``lines``, oldest first, each a dict ``name -> counters``.

    With brackets a pass is what lies between ``BEGIN`` and ``END``; a pass without its ``END`` (the one being
    written, or one rsyslog was stopped in) is left out. Without brackets a pass ends where a name comes again,
    and the last pass is left out, since more of it may follow. ``skip_first`` also leaves out the first pass
    without brackets: read from the middle of a file, it may be the tail of one.
    """
    lines = list(lines)
    if any(stats_marker(line) for line in lines):
        passes, current = [], None
        for line in lines:
            marker = stats_marker(line)
            if marker == 'BEGIN':
                current = {}
            elif marker == 'END':
                if current is not None:
                    passes.append(current)
                current = None
            elif current is not None:
                parsed = parse_stats_line(line)
                if parsed:
                    current[parsed[0]] = parsed[1]
        return passes
    passes, current = [], {}
    for line in lines:
        parsed = parse_stats_line(line)
        if not parsed:
            continue
        if parsed[0] in current:
            passes.append(current)
            current = {}
        current[parsed[0]] = parsed[1]
    return passes[1:] if skip_first else passes


def _pick(counters, names):
    return dict((name.replace('.', '_'), counters.get(name)) for name in names)


def forward_queue_state(passes, action_name):
    """The action's queue in the newest pass that reports it, or None when no pass does.

    ``queued`` is what the queue holds in memory and on disk; ``empty`` is true only when both are 0.
    """
    memory_name, disk_name = queue_names(action_name)
    for stats_pass in reversed(list(passes)):
        memory = stats_pass.get(memory_name)
        if memory is None or not isinstance(memory.get('size'), int):
            continue
        disk = stats_pass.get(disk_name)
        action = stats_pass.get(action_name)
        disk_size = disk.get('size', 0) if disk else 0
        return {
            'queue': _pick(memory, QUEUE_COUNTERS),
            'disk_queue': _pick(disk, QUEUE_COUNTERS) if disk else None,
            'action': _pick(action, ACTION_COUNTERS) if action and action.get('origin') == 'core.action' else None,
            'queued': memory['size'] + disk_size,
            'disk_queued': disk_size,
            'empty': memory['size'] == 0 and disk_size == 0,
        }
    return None


def parse_qi(text):
    """What a queue's .qi file says: its ``size`` in messages, ``bytes`` on disk, and the ``write`` and ``read``
    streams' ``file_number`` and ``offset`` (None where the file does not say).

    Each property is ``+name:type:length:value:``; ``length`` is the value's length, so a value may hold ``:``.
    """
    objects, current = [], None
    for line in text.splitlines():
        if line.startswith('<'):
            current = {'kind': line.strip('<').split(':')[2] if line.count(':') >= 2 else ''}
            objects.append(current)
            continue
        match = _QI_PROPERTY_RE.match(line)
        if match and current is not None:
            start = match.end()
            value = line[start:start + int(match.group('length'))]
            current[match.group('name')] = int(value) if match.group('type') == '2' and re.match(
                r'^-?[0-9]+$', value) else value
    queue = next((obj for obj in objects if obj['kind'] == 'qqueue'), {})
    streams = [obj for obj in objects if obj['kind'] == 'strm']

    def stream(mode):
        # tOperationsMode: 1 reads (the dequeue stream), 2 writes (runtime/stream.h).
        found = next((obj for obj in streams if obj.get('tOperationsMode') == mode), None)
        if found is None:
            return None
        return {'file_number': found.get('iCurrFNum'), 'offset': found.get('iCurrOffs')}
    size = queue.get('iQueueSize')
    return {
        'size': size if isinstance(size, int) else None,
        'bytes': queue.get('tVars.disk.sizeOnDisk') if isinstance(queue.get('tVars.disk.sizeOnDisk'), int) else None,
        'write': stream(2),
        'read': stream(1),
    }


def queue_file_kind(name, prefix):
    """'qi' for ``<prefix>.qi``, 'data' for ``<prefix>.<8 digits>``, None for anything else."""
    if name == prefix + '.qi':
        return 'qi'
    match = _DATA_FILE_RE.match(name)
    if match and match.group('prefix') == prefix:
        return 'data'
    return None


def data_file_number(name):
    match = _DATA_FILE_RE.match(name)
    return int(match.group('number')) if match else None


def unread_records(name, content, read):
    """Messages in the data file ``name`` (its bytes ``content``) not yet dequeued, given the read stream from
    parse_qi; with ``read`` None every record counts (an upper bound: some may have been sent)."""
    number = data_file_number(name)
    if read and read.get('file_number') is not None and number is not None:
        if number < read['file_number']:
            return 0
        if number == read['file_number'] and read.get('offset'):
            content = content[int(read['offset']):]
    return content.count(MESSAGE_RECORD)
