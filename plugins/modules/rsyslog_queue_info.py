#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: rsyslog_queue_info
short_description: What an rsyslog action queue holds, in memory and on disk, from rsyslog's own statistics
description:
  - Reads the statistics rsyslog's C(impstats) module writes (any format, with or without C(bracketing)) and
    returns the state of one action's queue, found by the action's C(name=) - what it holds in memory
    (C(<name> queue)) and in its disk part (C(<name> queue[DA])), its counters, and the action's.
  - Queue files in the spool directory do not tell whether lines wait there. rsyslog keeps a drained disk
    queue's files open until it stops, and a backlog held in memory has no file at all until rsyslog saves it
    at a stop. The statistics count both, and a batch being sent counts until it is done.
  - By default it waits for a complete statistics pass written after it started (O(sample_timeout)), so the
    answer is never older than the call; RV(available) is false when none came (rsyslog not running, or not
    writing O(stats_file)).
  - With O(spool_directory) and O(queue_filename) it also lists the queue's files and, from the queue's
    C(.qi) file (written when rsyslog saves the queue), how many lines they hold. With O(target) and O(port)
    it tries one TCP connection to the action's receiver.
  - Read-only; runs in check mode too.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  action_name:
    description: The action's C(name=) parameter; impstats reports its queue as C(<action_name> queue).
    type: str
    required: true
  stats_file:
    description:
      - The file impstats writes (its C(log.file), or an C(omfile) action of the ruleset impstats is bound to).
        Omit it to read only the spool directory.
    type: path
  wait_for_start:
    description:
      - Wait the whole O(sample_timeout) for a pass even when O(stats_file) is missing or old, as just after
        rsyslog started (impstats' first pass comes one interval after the start).
    type: bool
    default: false
  sample_timeout:
    description:
      - Seconds to wait for a complete statistics pass written after the module started. Give it more than
        two of impstats' intervals when impstats writes no C(BEGIN)/C(END) brackets.
      - A missing file, or one not written for that long, has no writer (rsyslog stopped, or running without this
        impstats), so the module returns at once, with RV(available) false, unless O(wait_for_start).
      - V(0) takes the newest complete pass already in the file, however old.
    type: int
    default: 30
  spool_directory:
    description: The queue's spool directory (C(queue.spoolDirectory)), to list the queue's files.
    type: path
  queue_filename:
    description: The queue's file prefix (C(queue.filename)); its files are C(<prefix>.qi) and C(<prefix>.<8 digits>).
    type: str
  target:
    description: The action's receiver host, to try one TCP connection to (with O(port)).
    type: str
  port:
    description: The action's receiver port.
    type: int
extends_documentation_fragment:
  - alicloud_ops.logging.attributes
  - alicloud_ops.logging.attributes.posix
attributes:
  check_mode:
    description: Only reads; runs the same in check mode.
    support: full
  diff_mode:
    description: Read-only; it never changes anything, so there is nothing to diff.
    support: N/A
notes:
  - The action needs a C(name=) (M(alicloud_ops.logging.rsyslog_dropin) writes it from O(alicloud_ops.logging.rsyslog_dropin#module:forward.action.name));
    without one rsyslog names it C(action-<n>-builtin:omfwd) by its place in the whole configuration.
  - rsyslog refuses a second C(module(load="impstats")); where the host loads impstats already, point
    O(stats_file) at the file it writes.
seealso:
  - module: alicloud_ops.logging.rsyslog_dropin
  - name: rsyslog impstats
    description: The statistics module and its counters.
    link: https://www.rsyslog.com/doc/configuration/modules/impstats.html
'''

EXAMPLES = r'''
- name: Wait until the forward queue is empty in memory and on disk
  alicloud_ops.logging.rsyslog_queue_info:
    action_name: logtail
    stats_file: /var/spool/rsyslog/logtail-queue-stats.json
  register: forward_queue
  until: forward_queue.available and forward_queue.empty
  retries: 60
  delay: 5

- name: What did rsyslog leave in the spool
  alicloud_ops.logging.rsyslog_queue_info:
    action_name: logtail
    spool_directory: /var/spool/rsyslog
    queue_filename: fwdRule1
  register: spool
'''

RETURN = r'''
available:
  description: Whether a statistics pass reporting the action's queue was found (written after the call, unless
    O(sample_timeout=0)). False when O(stats_file) is not given.
  returned: always
  type: bool
queue:
  description: The queue's counters (its memory part for a disk-assisted queue); null when not RV(available).
  returned: always
  type: dict
  contains:
    size:
      description: Messages held now, including a batch being sent.
      type: int
    enqueued:
      description: Messages put into the queue since rsyslog started (or since the last pass, with resetCounters).
      type: int
    full:
      description: Times the queue was full.
      type: int
    discarded_full:
      description: Messages dropped because the queue was full.
      type: int
    discarded_nf:
      description: Messages dropped because the queue was nearly full (discard mark).
      type: int
    maxqsize:
      description: The most the queue held.
      type: int
disk_queue:
  description: The same counters for the queue's disk part (C(<name> queue[DA])); null for a memory-only queue.
  returned: always
  type: dict
action:
  description: The action's counters (processed, failed, suspended, suspended_duration, resumed); null when not
    reported.
  returned: always
  type: dict
queued:
  description: Lines the queue holds in memory and on disk; null when not RV(available).
  returned: always
  type: int
disk_queued:
  description: Lines in the disk part; a restart of rsyslogd 8.2302 while it sends them can lose the batch in
    flight. Null when not RV(available).
  returned: always
  type: int
empty:
  description: True when RV(available) and nothing is queued in memory or on disk, nor in flight.
  returned: always
  type: bool
stats_age:
  description: Seconds since O(stats_file) was last written; null when it does not exist.
  returned: always
  type: float
files:
  description: The queue's files in O(spool_directory), oldest data file first, each with C(path) and C(size).
  returned: when O(spool_directory) is given
  type: list
  elements: dict
saved:
  description: What the queue's C(.qi) file says (C(size) in lines, C(bytes), C(read) and C(write) positions); null
    without one. rsyslog writes it when it saves the queue, so it is exact once rsyslog no longer runs the queue.
  returned: when O(spool_directory) is given
  type: dict
spool_lines:
  description: Lines the queue's files hold - the C(.qi) file's count, or without one the records counted in the
    data files (an upper bound, as some may have been sent).
  returned: when O(spool_directory) is given
  type: int
target_reachable:
  description: Whether a TCP connection to O(target):O(port) succeeded; null without them.
  returned: always
  type: bool
msg:
  description: A one-line summary.
  returned: always
  type: str
'''

import os
import socket
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import guarded_spec
from ansible_collections.alicloud_ops.logging.plugins.module_utils.rsyslog_queue_state import (
    complete_passes, forward_queue_state, parse_qi, queue_file_kind, data_file_number, unread_records,
)

ARGUMENT_SPEC = dict(
    action_name=dict(type='str', required=True),
    stats_file=dict(type='path'),
    sample_timeout=dict(type='int', default=30),
    wait_for_start=dict(type='bool', default=False),
    spool_directory=dict(type='path'),
    queue_filename=dict(type='str'),
    target=dict(type='str'),
    port=dict(type='int'),
)
# Enough for several passes of a busy host's impstats (a few KB each) when reading an existing file.
TAIL_BYTES = 256 * 1024
POLL_SECONDS = 0.2
CONNECT_SECONDS = 2


def check_options(params):
    """The first problem with the options, naming the option, or None."""
    for key in ('action_name', 'stats_file', 'spool_directory', 'queue_filename', 'target'):
        value = params[key]
        if value is not None and ('\x00' in value or '\n' in value or '\r' in value):
            return '%s must be one line without NUL bytes, got %r' % (key, value)
    if not params['action_name'].strip():
        return 'action_name must not be empty'
    for key in ('stats_file', 'spool_directory'):
        if params[key] is not None and not params[key].startswith('/'):
            return '%s must be an absolute path, got %r' % (key, params[key])
    if params['queue_filename'] is not None and ('/' in params['queue_filename'] or not params['queue_filename']):
        return 'queue_filename must be a file name prefix without "/", got %r' % (params['queue_filename'],)
    if not 0 <= params['sample_timeout'] <= 3600:
        return 'sample_timeout must be from 0 to 3600 seconds, got %d' % params['sample_timeout']
    if params['port'] is not None and not 1 <= params['port'] <= 65535:
        return 'port must be from 1 to 65535, got %d' % params['port']
    return None


def _read_from(path, offset):
    with open(path, 'rb') as handle:
        handle.seek(offset)
        return handle.read().decode('utf-8', 'replace')


def _identity(path):
    try:
        stat = os.stat(path)
    except OSError:
        return None, 0
    return (stat.st_dev, stat.st_ino), stat.st_size


def read_stats(path, action_name, timeout, wait_for_start=False):
    """The queue state from a pass written after this call (or, with timeout 0, the newest), or None."""
    identity, size = _identity(path)
    if timeout == 0:
        if identity is None:
            return None
        text = _read_from(path, max(0, size - TAIL_BYTES))
        return forward_queue_state(complete_passes(text.splitlines(), skip_first=size > TAIL_BYTES), action_name)
    # impstats writes every interval: a file that is missing, or was not written for longer than the wait, has no
    # writer (rsyslog stopped, or runs without this impstats); waiting would only take time.
    if not wait_for_start and (identity is None or time.time() - os.path.getmtime(path) > timeout):
        return None
    start_identity, offset = identity, size
    deadline = time.time() + timeout
    while True:
        identity, size = _identity(path)
        if identity is not None:
            # impstats' file was rotated or truncated since the start: all of it is new.
            if identity != start_identity or size < offset:
                start_identity, offset = identity, 0
            new = _read_from(path, offset) if size > offset else ''
            state = forward_queue_state(complete_passes(new.splitlines(), skip_first=offset > 0), action_name)
            if state is not None:
                return state
        if time.time() >= deadline:
            return None
        time.sleep(POLL_SECONDS)


def read_spool(directory, prefix):
    """(files, saved, spool_lines) of the queue's files in ``directory``."""
    if not os.path.exists(directory):
        return [], None, 0
    names = sorted(os.listdir(directory))
    data = sorted((name for name in names if queue_file_kind(name, prefix) == 'data'), key=data_file_number)
    qi = [name for name in names if queue_file_kind(name, prefix) == 'qi']
    files = [{'path': os.path.join(directory, name), 'size': os.path.getsize(os.path.join(directory, name))}
             for name in data + qi]
    saved = None
    if qi:
        with open(os.path.join(directory, qi[0]), 'rb') as handle:
            saved = parse_qi(handle.read().decode('utf-8', 'replace'))
    records = 0
    for name in data:  # one file (rsyslog's default: at most 1 MB) in memory at a time
        with open(os.path.join(directory, name), 'rb') as handle:
            records += unread_records(name, handle.read(), saved['read'] if saved else None)
    lines = saved['size'] if saved and saved['size'] is not None else records
    return files, saved, lines


def reachable(target, port):
    try:
        sock = socket.create_connection((target, port), timeout=CONNECT_SECONDS)
    except (OSError, socket.error):
        return False
    sock.close()
    return True


def summary(result, params):
    parts = []
    if params['stats_file']:
        if result['available']:
            parts.append('%s queue: %d queued (%d on disk)'
                         % (params['action_name'], result['queued'], result['disk_queued']))
        else:
            parts.append('no statistics for %s queue in %s' % (params['action_name'], params['stats_file']))
    if 'files' in result:
        parts.append('%d queue files in %s holding %d lines'
                     % (len(result['files']), params['spool_directory'], result['spool_lines']))
    if result['target_reachable'] is not None:
        parts.append('%s:%d %s' % (params['target'], params['port'],
                                   'accepts connections' if result['target_reachable'] else 'refuses connections'))
    return '; '.join(parts) or 'nothing asked'


def run(module):
    params = module.params
    result = dict(changed=False, available=False, queue=None, disk_queue=None, action=None, queued=None,
                  disk_queued=None, empty=False, stats_age=None, target_reachable=None)
    if params['stats_file']:
        try:
            state = read_stats(params['stats_file'], params['action_name'], params['sample_timeout'],
                               params['wait_for_start'])
        except (IOError, OSError) as exc:
            module.fail_json(msg='stats_file: cannot read %s: %s' % (params['stats_file'], exc))
        if os.path.exists(params['stats_file']):
            result['stats_age'] = round(time.time() - os.path.getmtime(params['stats_file']), 1)
        if state is not None:
            result.update(state, available=True)
    if params['spool_directory']:
        try:
            files, saved, lines = read_spool(params['spool_directory'], params['queue_filename'])
        except (IOError, OSError) as exc:
            module.fail_json(msg='spool_directory: cannot read %s: %s' % (params['spool_directory'], exc))
        result.update(files=files, saved=saved, spool_lines=lines)
    if params['target'] is not None:
        result['target_reachable'] = reachable(params['target'], params['port'])
    result['msg'] = summary(result, params)
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=guarded_spec(ARGUMENT_SPEC),
        required_together=[('spool_directory', 'queue_filename'), ('target', 'port')],
        supports_check_mode=True,
    )
    problem = check_options(module.params)
    if problem:
        module.fail_json(msg=problem)
    run(module)


if __name__ == '__main__':
    main()
