# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure functions that turn rsyslog_dropin's options into drop-in text.

Nothing here touches the disk or runs a command, so every function is unit-tested on
strings and dicts. Bad input raises ValueError with a message that names the option
(``forward.port must be ...``), which the module passes to fail_json unchanged.

Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import math
import re

from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import (
    INT32_MAX, INT32_MIN, text_problem)

MANAGED_HEADER = (
    '# Managed by Ansible (alicloud_ops.logging.rsyslog_dropin). Local edits will be overwritten.\n'
)

# The seed's Logtail syslog line. Field order matters to Logtail's syslog parser; the second
# field must equal the tag of the Log Service syslog config, hence the placeholder.
ALI_LOG_FMT_SEED = (
    '0.1 {sys_tag} %timegenerated:::date-unixtimestamp% %fromhost-ip% %hostname% %pri-text% '
    '%protocol-version% %app-name% %procid% %msgid% %msg:::drop-last-lf%\n'
)

# The default queue.size: the smallest size the module does not warn about (LOSSLESS_SPILL_QUEUE_SIZE below),
# and the rsyslog_forward role's default. rsyslog's own (1000) only when set explicitly.
DEFAULT_QUEUE_SIZE = 100000
QUEUE_DEFAULTS = {
    'type': 'LinkedList',
    'filename': 'fwdRule1',
    'spool_directory': '/var/spool/rsyslog',
    'max_disk_space': '1g',
    'save_on_shutdown': True,
    'size': DEFAULT_QUEUE_SIZE,
    'high_watermark': None,
    'low_watermark': None,
    'checkpoint_interval': None,
    'timeout_enqueue': None,
    'dequeue_batch_size': None,
}
ACTION_DEFAULTS = {
    'name': None,
    'resume_retry_count': -1,
    'resume_interval': None,
}
TEMPLATE_DEFAULTS = {
    'name': 'ALI_LOG_FMT',
    'format': None,
}
FORWARD_DEFAULTS = {
    'target': '127.0.0.1',
    'port': 11111,
    'protocol': 'tcp',
    'framing': 'traditional',
    'selector': '*.*',
    'sys_tag': 'sys_tag',
    'template': TEMPLATE_DEFAULTS,
    'queue': QUEUE_DEFAULTS,
    'action': ACTION_DEFAULTS,
    'extra_params': None,
}
QUEUE_TYPES = ('LinkedList', 'FixedArray', 'Direct', 'Disk')
PROTOCOLS = ('tcp', 'udp')
# TCP framing (RFC 6587): 'traditional' ends each message with LF (what streamlog reads);
# 'octet-counted' prefixes its length, so a message may hold any byte - the framing that
# syslog receivers such as the service_syslog input take with RFC 5424.
FRAMINGS = ('traditional', 'octet-counted')
# The service_syslog path: rsyslog's built-in RFC 5424 template, octet-counted over TCP.
RFC5424_TEMPLATE = 'RSYSLOG_SyslogProtocol23Format'

# Option name -> rsyslog parameter, in the order they are written.
_QUEUE_PARAMS = (
    ('filename', 'queue.filename'),
    ('spool_directory', 'queue.spoolDirectory'),
    ('max_disk_space', 'queue.maxDiskSpace'),
    ('save_on_shutdown', 'queue.saveOnShutdown'),
    ('size', 'queue.size'),
    ('high_watermark', 'queue.highWatermark'),
    ('low_watermark', 'queue.lowWatermark'),
    ('checkpoint_interval', 'queue.checkpointInterval'),
    ('timeout_enqueue', 'queue.timeoutEnqueue'),
    ('dequeue_batch_size', 'queue.dequeueBatchSize'),
)
# Only meaningful when the queue can spill to disk; left out otherwise so the file says what it does.
_DISK_ONLY = ('filename', 'spool_directory', 'max_disk_space', 'save_on_shutdown', 'checkpoint_interval')

# rsyslogd 8.2302's defaults for an action queue: 1000 messages, 128 a batch, and the
# high/low watermarks at 90 %/70 % of the size.
RSYSLOG_ACTION_QUEUE_SIZE = 1000
RSYSLOG_DEQUEUE_BATCH_SIZE = 128
# A disk-assisted memory queue must keep more than one dequeue batch between its high
# watermark and its size. With less (rsyslog's own 90 % on a queue of 1000 leaves 100 < 128)
# rsyslogd 8.2302, while the action is suspended, intermittently stops taking messages before
# or soon after it starts spilling to disk, and loses about one message per queue.timeoutEnqueue
# (2 s) until the action resumes (measured: tests/integration/test_rsyslog_forward.py and
# the role's defaults). Where the user sets no watermarks and that would happen, the module
# writes these fractions of the size instead (measured reliable at size 1000).
SAFE_HIGH_WATERMARK = 0.5
SAFE_LOW_WATERMARK = 0.25

# Measured with bench/zero_loss_soak.py (200,000 lines sent while the receiver is down): a 1,000-message
# disk-assisted queue lost 1-2 lines in about one run in ten, with or without rsyslogd restarts; 10,000
# and the role's 100,000 lost none. The lost lines go while the queue spills: rsyslogd 8.2302 now and then
# leaves the memory queue full with nobody moving it to disk, the enqueue waits queue.timeoutEnqueue and
# then drops the line (counted only in impstats' discarded.full), and that drop is what restarts the
# spill. The risk grows with the number of spill start/stop cycles, about backlog / (high - low
# watermark), so a bigger queue is the remedy; no timeout or watermark the drop-in can set removes it.
LOSSLESS_SPILL_QUEUE_SIZE = DEFAULT_QUEUE_SIZE

# rsyslog parameter (lower case, as rsyslog compares them) -> the option that writes it.
WRITTEN_BY_OPTION = dict([(param.lower(), 'forward.queue.%s' % key) for key, param in _QUEUE_PARAMS] + [
    ('type', 'the module (always omfwd)'), ('target', 'forward.target'), ('port', 'forward.port'),
    ('protocol', 'forward.protocol'), ('tcp_framing', 'forward.framing'), ('template', 'forward.template.name'),
    ('queue.type', 'forward.queue.type'), ('action.resumeretrycount', 'forward.action.resume_retry_count'),
    ('action.resumeinterval', 'forward.action.resume_interval'), ('name', 'forward.action.name')])

_NAME_RE = re.compile(r'^[A-Za-z0-9_.-]+$')
# A file name is at most 255 bytes (NAME_MAX) and the module adds "NN-" and ".conf".
NAME_MAX = 255 - len('00-.conf')
_SIZE_RE = re.compile(r'^[0-9]+[kKmMgGtT]?$')
_PARAM_NAME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9_.]*$')


def dropin_filename(name, weight):
    """``<weight>-<name>.conf``; weight 0-99 is zero-padded so files sort in load order."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError('name must match [A-Za-z0-9_.-]+ (it becomes a file name), got %r' % (name,))
    if name.endswith('.conf'):
        raise ValueError('name must not end in .conf; the module adds it (got %r)' % name)
    if len(name) > NAME_MAX:
        raise ValueError('name must be at most %d characters (the file name limit is 255 bytes), got %d'
                         % (NAME_MAX, len(name)))
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 99:
        raise ValueError('weight must be an integer from 0 to 99, got %r' % (weight,))
    return '%02d-%s.conf' % (weight, name)


def ali_log_format(sys_tag):
    """The seed's ALI_LOG_FMT line with ``sys_tag`` as its second field."""
    check_sys_tag(sys_tag)
    return ALI_LOG_FMT_SEED.format(sys_tag=sys_tag)


def check_sys_tag(sys_tag):
    # Logtail splits the line on spaces, so a tag with whitespace would shift every field.
    if not isinstance(sys_tag, str) or not sys_tag or re.search(r'\s', sys_tag) or text_problem(sys_tag):
        raise ValueError('forward.sys_tag must be a non-empty string without whitespace or control characters, '
                         'got %r' % (sys_tag,))


def quote_value(value, field):
    """A RainerScript string literal for a plain value (host, path, file name...)."""
    if isinstance(value, bool):
        text = 'on' if value else 'off'
    else:
        text = str(value)
    problem = text_problem(text)
    if problem:
        raise ValueError('%s %s' % (field, problem))
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def quote_template_string(fmt):
    """A RainerScript string literal for a template format.

    Backslash sequences already in ``fmt`` are rsyslog's own escapes and are kept (so a
    format copied from an rsyslog config, ``...%msg%\\n``, works); real newlines, tabs and
    carriage returns become ``\\n``, ``\\t``, ``\\r``; bare double quotes are escaped.
    """
    out = []
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char == '\\':
            if i + 1 < len(fmt):
                out.append(fmt[i:i + 2])
                i += 2
                continue
            out.append('\\\\')  # a lone trailing backslash would swallow the closing quote
        elif char == '"':
            out.append('\\"')
        elif char == '\n':
            out.append('\\n')
        elif char == '\t':
            out.append('\\t')
        elif char == '\r':
            out.append('\\r')
        else:
            out.append(char)
        i += 1
    return '"%s"' % ''.join(out)


def _merged(defaults, given):
    out = copy.deepcopy(defaults)
    for key, value in (given or {}).items():
        if value is not None:
            out[key] = value
    return out


def normalize_forward(forward):
    """``forward`` with every default filled in and every value checked."""
    opts = _merged(FORWARD_DEFAULTS, forward)
    for key in ('template', 'queue', 'action'):
        opts[key] = _merged(FORWARD_DEFAULTS[key], (forward or {}).get(key))
    if not isinstance(opts['target'], str) or not opts['target'].strip() or re.search(r'\s', opts['target']) \
            or text_problem(opts['target']) or opts['target'].startswith('-'):
        raise ValueError('forward.target must be a host name or IP address, got %r' % (opts['target'],))
    port = opts['port']
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValueError('forward.port must be an integer from 1 to 65535, got %r' % (port,))
    if opts['protocol'] not in PROTOCOLS:
        raise ValueError('forward.protocol must be one of %s, got %r' % (', '.join(PROTOCOLS), opts['protocol']))
    if opts['framing'] not in FRAMINGS:
        raise ValueError('forward.framing must be one of %s, got %r' % (', '.join(FRAMINGS), opts['framing']))
    if opts['framing'] == 'octet-counted' and opts['protocol'] != 'tcp':
        raise ValueError('forward.framing octet-counted needs forward.protocol tcp, got %r' % opts['protocol'])
    if not isinstance(opts['selector'], str) or not opts['selector'].strip():
        raise ValueError('forward.selector must be a non-empty syslog selector such as "*.*"')
    check_sys_tag(opts['sys_tag'])
    _check_template(opts['template'])
    _check_queue(opts['queue'])
    _check_action(opts['action'])
    _check_extra_params(opts['extra_params'])
    return opts


def _check_extra_params(extra):
    """``forward.extra_params``: parameter names rsyslog knows the shape of, scalar values, and nothing that an
    option of the module writes (a queue or retry setting there would slip past the checks above)."""
    if extra is None:
        return
    if not isinstance(extra, dict):
        raise ValueError('forward.extra_params must be a mapping of omfwd parameter names to values, got %r'
                         % (extra,))
    for name in sorted(extra, key=str):
        if not isinstance(name, str) or not _PARAM_NAME_RE.match(name):
            raise ValueError('forward.extra_params key %r is not an rsyslog parameter name' % (name,))
        option = WRITTEN_BY_OPTION.get(name.lower())
        if option:
            raise ValueError('forward.extra_params.%s: set it with %s, which checks it (the module writes %s '
                             'itself)' % (name, option, name))
        value = extra[name]
        field = 'forward.extra_params.%s' % name
        if value is None or isinstance(value, (dict, list, tuple)):
            raise ValueError('%s must be a string, number or boolean, got %r' % (field, value))
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError('%s must be a finite number, got %r' % (field, value))
        if not isinstance(value, bool) and isinstance(value, int) and not INT32_MIN <= value <= INT32_MAX:
            raise ValueError('%s must fit rsyslog\'s 32-bit integers (%d to %d), got %d'
                             % (field, INT32_MIN, INT32_MAX, value))


def _check_template(template):
    if not _NAME_RE.match(str(template['name'])):
        raise ValueError('forward.template.name must match [A-Za-z0-9_.-]+, got %r' % (template['name'],))
    if is_builtin_template(template['name']) and template['format'] is not None:
        raise ValueError('forward.template.format cannot be set for the built-in template %s' % template['name'])
    if template['format'] is not None and not str(template['format']).strip():
        raise ValueError('forward.template.format must not be empty')
    if template['format'] is not None and text_problem(str(template['format']), multiline=True):
        raise ValueError('forward.template.format %s' % text_problem(str(template['format']), multiline=True))


def _check_queue(queue):
    if queue['type'] not in QUEUE_TYPES:
        raise ValueError('forward.queue.type must be one of %s, got %r' % (', '.join(QUEUE_TYPES), queue['type']))
    if queue['type'] == 'Disk' and not queue['filename']:
        raise ValueError('forward.queue.filename is required when forward.queue.type is Disk')
    if queue['filename'] and not _NAME_RE.match(str(queue['filename'])):
        raise ValueError('forward.queue.filename must be a plain file name, got %r' % (queue['filename'],))
    if queue['spool_directory'] and not str(queue['spool_directory']).startswith('/'):
        raise ValueError('forward.queue.spool_directory must be an absolute path, got %r'
                         % (queue['spool_directory'],))
    if queue['max_disk_space'] is not None and not _SIZE_RE.match(str(queue['max_disk_space'])):
        raise ValueError('forward.queue.max_disk_space must be a size such as 1g, 512m or 1048576, got %r'
                         % (queue['max_disk_space'],))
    for key in ('size', 'high_watermark', 'low_watermark', 'checkpoint_interval', 'dequeue_batch_size'):
        if queue[key] is not None and (isinstance(queue[key], bool) or int(queue[key]) < 1):
            raise ValueError('forward.queue.%s must be a positive integer, got %r' % (key, queue[key]))
    if queue['timeout_enqueue'] is not None and int(queue['timeout_enqueue']) < 0:
        raise ValueError('forward.queue.timeout_enqueue must be 0 or more milliseconds')
    _check_watermarks(queue)


def _spills_from_memory(queue):
    return queue['type'] in ('LinkedList', 'FixedArray') and bool(queue['filename'])


def _check_watermarks(queue):
    size = int(queue['size'] or RSYSLOG_ACTION_QUEUE_SIZE)
    batch = int(queue['dequeue_batch_size'] or RSYSLOG_DEQUEUE_BATCH_SIZE)
    given_high = queue['high_watermark']
    if given_high is not None and int(given_high) >= size:
        raise ValueError('forward.queue.high_watermark (%s) must be below forward.queue.size (%d)'
                         % (given_high, size))
    if given_high is not None and _spills_from_memory(queue) and size - int(given_high) <= batch:
        raise ValueError(
            'forward.queue.high_watermark (%s) must leave more than forward.queue.dequeue_batch_size (%d) messages '
            'below forward.queue.size (%d): with less, rsyslogd can stop accepting messages while the receiver '
            'is down instead of spilling them to disk' % (given_high, batch, size))
    # The watermarks the module writes itself (effective_watermarks) need a high one of 2 or more, so that a low
    # one of 1 or more fits below it.
    extra = 1 if given_high is not None else 2
    if _spills_from_memory(queue) and size <= batch + extra:
        raise ValueError('forward.queue.size (%d) of a disk-assisted queue must be more than '
                         'forward.queue.dequeue_batch_size (%d) + %d' % (size, batch, extra))
    high, low = effective_watermarks(queue)
    if high is not None and low is not None and int(low) >= int(high):
        raise ValueError('forward.queue.low_watermark (%s) must be below the high watermark (%s)' % (low, high))


def effective_watermarks(queue):
    """(high, low) watermarks to write for ``queue``; None leaves rsyslog's default.

    Only differs from the given values for a disk-assisted memory queue without a high
    watermark whose rsyslog default (90 % of the size) would leave one dequeue batch or less
    of room: then the module writes SAFE_HIGH_WATERMARK of the size (never closer to the size
    than one batch) and, unless given, SAFE_LOW_WATERMARK of it.
    """
    high, low = queue['high_watermark'], queue['low_watermark']
    if high is not None or not _spills_from_memory(queue):
        return high, low
    size = int(queue['size'] or RSYSLOG_ACTION_QUEUE_SIZE)
    batch = int(queue['dequeue_batch_size'] or RSYSLOG_DEQUEUE_BATCH_SIZE)
    if size - size * 9 // 10 > batch:
        return high, low
    high = min(int(size * SAFE_HIGH_WATERMARK), size - batch - 1)
    if low is None:
        low = max(1, min(int(size * SAFE_LOW_WATERMARK), high // 2))
    return high, low


def queue_warnings(forward):
    """Warnings (strings) for a valid ``forward`` whose queue settings are known to lose lines."""
    queue = normalize_forward(forward)['queue']
    size = int(queue['size'] or RSYSLOG_ACTION_QUEUE_SIZE)
    if _spills_from_memory(queue) and size < LOSSLESS_SPILL_QUEUE_SIZE:
        return ['forward.queue.size %d: a disk-assisted queue this small can drop a line now and then while '
                'it spills to disk (rsyslogd 8.2302, measured: about 1 run in 10 of a 200,000-line outage at '
                '1000, none at %d); use %d or more where every line counts'
                % (size, LOSSLESS_SPILL_QUEUE_SIZE, LOSSLESS_SPILL_QUEUE_SIZE)]
    return []


def _check_action(action):
    # impstats reports the action and its queue under this name ("<name> queue"), where tasks find them.
    if action['name'] is not None and not _NAME_RE.match(str(action['name'])):
        raise ValueError('forward.action.name must match [A-Za-z0-9_.-]+, got %r' % (action['name'],))
    if int(action['resume_retry_count']) < -1:
        raise ValueError('forward.action.resume_retry_count must be -1 (retry forever) or more, got %r'
                         % (action['resume_retry_count'],))
    if action['resume_interval'] is not None and int(action['resume_interval']) < 1:
        raise ValueError('forward.action.resume_interval must be 1 second or more, got %r'
                         % (action['resume_interval'],))


def is_builtin_template(name):
    # rsyslog's own templates (RSYSLOG_ForwardFormat, ...) exist without a definition.
    return str(name).startswith('RSYSLOG_')


def is_disk_assisted(queue):
    """True when the queue keeps messages on disk (so its spool directory must exist)."""
    return queue['type'] == 'Disk' or (queue['type'] in ('LinkedList', 'FixedArray') and bool(queue['filename']))


def render_template(name, fmt):
    return 'template(name=%s type="string"\n         string=%s)\n' % (
        quote_value(name, 'forward.template.name'), quote_template_string(fmt))


def render_forward_action(forward, indent='    '):
    """The ``action(type="omfwd" ...)`` statement, one parameter a line."""
    opts = normalize_forward(forward)
    queue, action = opts['queue'], opts['action']
    params = [('type', 'omfwd')] + ([('name', action['name'])] if action['name'] else []) + [
        ('target', opts['target']),
        ('port', opts['port']),
        ('protocol', opts['protocol']),
    ]
    if opts['framing'] != 'traditional':
        params.append(('TCP_Framing', opts['framing']))
    params += [
        ('template', opts['template']['name']),
        ('queue.type', queue['type']),
    ]
    disk = is_disk_assisted(queue)
    values = dict(queue)
    values['high_watermark'], values['low_watermark'] = effective_watermarks(queue)
    for key, param in _QUEUE_PARAMS:
        if values[key] is not None and values[key] != '' and (disk or key not in _DISK_ONLY):
            params.append((param, values[key]))
    params.append(('action.resumeRetryCount', action['resume_retry_count']))
    if action['resume_interval'] is not None:
        params.append(('action.resumeInterval', action['resume_interval']))
    for name in sorted(opts['extra_params'] or {}):
        params.append((name, opts['extra_params'][name]))
    inner = indent + '       '
    lines = ['%s=%s' % (name, quote_value(value, 'forward.%s' % name)) for name, value in params]
    return '%saction(%s)\n' % (indent, ('\n' + inner).join(lines))


def render_forward_dropin(forward):
    """The whole drop-in for a ``forward``: header, template, and the filtered action."""
    opts = normalize_forward(forward)
    parts = [MANAGED_HEADER]
    template = opts['template']
    if not is_builtin_template(template['name']):
        fmt = template['format'] if template['format'] is not None else ali_log_format(opts['sys_tag'])
        parts.append('\n' + render_template(template['name'], fmt))
    # prifilt() takes the classic selector syntax; the block form keeps the action readable.
    parts.append('\nif prifilt(%s) then {\n' % quote_value(opts['selector'], 'forward.selector'))
    parts.append(render_forward_action(opts))
    parts.append('}\n')
    return ''.join(parts)


def render_dropin(content=None, forward=None):
    """Drop-in text from raw ``content`` (written as given) or a structured ``forward``."""
    if (content is None) == (forward is None):
        raise ValueError('exactly one of content or forward is required')
    if content is not None:
        return content
    return render_forward_dropin(forward)
