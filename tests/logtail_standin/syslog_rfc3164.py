"""TEST STAND-IN: the RFC 3164 parser of the ``service_syslog`` input, as the real one. Not the real agent.

Source (facts taken, code not copied): alibaba/loongcollector at f02d9808578e3ad50b5ee2bc7b9bbdcbac5407a1 vendors
jeromer/syslogparser (``go.mod`` lines 37, 302): ``external/github.com/jeromer/syslogparser/rfc3164/rfc3164.go``
(R3164) and ``.../syslogparser/syslogparser.go`` (SP); ``plugins/input/syslog/parser.go`` (PARSER) calls it with
the agent's local time zone. The timestamp is Go's ``time.ParseInLocation`` (Go's src/time/format.go as of Go
1.23, which LC's go.mod names). Two lines the real parser indexes past the end of (R3164 70 and 225-247: nothing
after the host name; a tag with no ':' or ' ' after it) raise ``AgentPanic``.
"""

import re
import time

try:
    from .syslog_parse import AgentPanic, ParseFailure, days_in, new_result
except ImportError:  # run as a script beside its modules (the installed stand-in)
    from syslog_parse import AgentPanic, ParseFailure, days_in, new_result


_MONTHS = [b'jan', b'feb', b'mar', b'apr', b'may', b'jun', b'jul', b'aug', b'sep', b'oct', b'nov', b'dec']


def _getnum(value, fixed):
    """Go time's getnum: one or two digits; ``fixed`` wants two."""
    if not value[:1].isdigit():
        raise ValueError
    if not value[1:2].isdigit():
        if fixed:
            raise ValueError
        return int(value[:1]), value[1:]
    return int(value[:2]), value[2:]


def _skip_space(value):
    """A layout space: the value must start with one or more spaces (or be empty); all are skipped."""
    if value and value[:1] != b' ':
        raise ValueError
    return value.lstrip(b' ')


def _literal(value, char):
    if value[:1] != char:
        raise ValueError
    return value[1:]


def _go_stamp(value, zero_day):
    """time.ParseInLocation of layout "Jan 02 15:04:05" (zero_day) or "Jan  2 15:04:05" on exactly 15 bytes
    (R3164 156-181): month names case-insensitive, hour one or two digits (0-23), minute and second two
    (0-59), a fraction after the seconds taken when digits follow, nothing left over, and the day checked
    against the month in year 0 (a leap year: Feb 29 passes). Returns (month, day, h, m, s, ns)."""
    if value[:3].lower() not in _MONTHS:
        raise ValueError
    month = _MONTHS.index(value[:3].lower()) + 1
    day, value = _getnum(_skip_space(value[3:]), zero_day)
    hour, value = _getnum(_skip_space(value), False)
    minute, value = _getnum(_literal(value, b':'), True)
    second, value = _getnum(_literal(value, b':'), True)
    nanos = 0
    if value[:1] in (b'.', b',') and value[1:2].isdigit():
        digits = re.match(rb'[0-9]+', value[1:]).group(0)
        nanos, value = int((digits.decode() + '000000000')[:9]), value[1 + len(digits):]
    if value or hour > 23 or minute > 59 or second > 59 or not 1 <= day <= days_in(month, 0):
        raise ValueError
    return month, day, hour, minute, second, nanos


def _panic(index, length):
    raise AgentPanic('panic: runtime error: index out of range [%d] with length %d' % (index, length))


def parse_rfc3164(data, hostname=None):
    """R3164 59-85. ``hostname``: AddHostname's (PARSER 96-98), else the line's word after the timestamp."""
    length = len(data)
    if not data[:1] == b'<':  # SP 60-105: '<', 1-3 digits, '>' (no range check)
        raise ParseFailure('No start char found for priority')
    close = data.find(b'>', 1, 5)
    if close == 1:
        raise ParseFailure('Priority field too short')
    digits = data[1:close] if close > 0 else data[1:5]
    if not digits.isdigit():
        raise ParseFailure('Non digit found in priority')
    if close < 0:
        raise ParseFailure('Priority field too long' if length > 5 else 'No end char found for priority')
    priority, cursor = int(digits), close + 1
    stamp = None
    for zero_day in (True, False):  # R3164 162-181: both layouts; a line too short for one skips it
        if cursor + 15 <= length:
            try:
                stamp = _go_stamp(data[cursor:cursor + 15], zero_day)
                break
            except ValueError:
                pass
    if stamp is None:
        raise ParseFailure('Timestamp format unknown')
    month, day, hour, minute, second, nanos = stamp
    # R3164 267-279: year 0 becomes this year, in the agent's local time (PARSER 94); Feb 29 rolls over.
    seconds = int(time.mktime((time.localtime().tm_year, month, day, hour, minute, second, 0, 0, -1)))
    cursor += 15
    if cursor < length and data[cursor:cursor + 1] == b' ':
        cursor += 1
    if hostname is None:  # SP 181-196: up to the next space, possibly empty
        end = data.find(b' ', cursor)
        end = length if end < 0 else end
        hostname, cursor = data[cursor:end].decode('utf-8', 'replace'), end
    if cursor >= length:  # R3164 70: buff[cursor] unchecked
        _panic(cursor, length)
    if data[cursor:cursor + 1] == b' ':
        cursor += 1
    start, tag = cursor, None
    while True:  # R3164 215-254: the tag ends at ':' or ' ' (or at the last '[' before it); unchecked index
        if cursor >= length:
            _panic(cursor, length)
        byte = data[cursor:cursor + 1]
        if byte == b'[':
            tag = data[start:cursor]
        if byte in (b':', b' '):
            tag = data[start:cursor] if tag is None else tag
            cursor += 1
            break
        cursor += 1
    if cursor < length and data[cursor:cursor + 1] == b' ':
        cursor += 1
    result = new_result()
    result.update(priority=priority, facility=priority // 8, severity=priority % 8, hostname=hostname,
                  program=tag.decode('utf-8', 'replace'), time_ns=seconds * 10 ** 9 + nanos,
                  content=data[cursor:].strip(b' ').decode('utf-8', 'replace'))  # R3164 256-265: Trim " "
    return result
