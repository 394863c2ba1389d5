"""TEST STAND-IN: what the parsers of the ``service_syslog`` input share, and its RFC 5424 parser, following the real
input's own sources. Not the real agent. RFC 3164 is in syslog_rfc3164.py; how ParseProtocol ``""``, ``rfc5424``,
``rfc3164`` and ``auto`` combine them is in service_syslog.py.

Sources (facts taken, code not copied), as of these snapshots:

- LC = alibaba/loongcollector at f02d9808578e3ad50b5ee2bc7b9bbdcbac5407a1: ``plugins/input/syslog/parser.go``
  (PARSER); ``go.mod`` line 34 pins influxdata/go-syslog v1.0.1 (no replace for it).
- GS = influxdata/go-syslog v1.0.1 (eecd51df3ad85464a2bab9b7d3a45bc1e299059e): ``rfc5424/machine.go.rl``
  (MACHINE), ``rfc5424/rfc5424.rl`` (RL), ``rfc5424/syslog_message.go`` (MSG), ``rfc5424/parser.go``.

Each parser takes one line as bytes and returns a result dict (PARSER lines 27-52: hostname '', program '',
priority/facility/severity -1, time now, content '', procid/msgid/sd None), raises ``ParseFailure`` where the
real one returns an error, or ``AgentPanic`` where the real Go code indexes past the end of the line: that
panic is in a goroutine without recover (LC syslog.go line 475 ``go s.handle``), so it ends the agent.
"""

import json
import re
import time


class ParseFailure(ValueError):
    """The real parser returned an error for this line."""


class AgentPanic(Exception):
    """The real parser would panic (Go runtime error); the agent process dies."""


def now_ns():
    return time.time_ns() if hasattr(time, 'time_ns') else int(time.time() * 10 ** 9)


def new_result(data=b''):
    """PARSER 42-52; the content of a line that is not parsed is the whole line (PARSER 78-82, 105-107)."""
    return {'hostname': '', 'program': '', 'priority': -1, 'facility': -1, 'severity': -1, 'time_ns': now_ns(),
            'content': data.decode('utf-8', 'replace'), 'procid': None, 'msgid': None, 'sd': None}


def leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in(month, year):
    return 29 if month == 2 and leap(year) else [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


# ---- RFC 5424: go-syslog v1.0.1, strict (PARSER 134-135 passes bestEffort nil; GS parser.go 23-36) -------------

_PRI = re.compile(rb'<(0|[1-9][0-9]{0,2})>')  # MACHINE 231-236: 0 or 1..191, no leading zero
_VERSION = re.compile(rb'([1-9][0-9]{0,2}) ')  # MACHINE 238: 1..999
# MACHINE 240, RL 19-47: full-date "T" full-time, fraction 1-6 digits, Z or +hh:mm (hour 00-23, minute 00-59).
_STAMP = re.compile(rb'([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):'
                    rb'([0-5][0-9])(?:\.([0-9]{1,6}))?(Z|([+-])([01][0-9]|2[0-3]):([0-5][0-9])) ')
# MACHINE 242-248, RL 49-57: printable US-ASCII ('!'..'~'), 1-255 / 1-48 / 1-128 / 1-32, each then a space.
_HEADER_FIELDS = re.compile(rb'([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) ')
_SDNAME = re.compile(rb'[!-~]{1,32}')  # RL 59: minus '=', ' ', ']', '"'
_SDNAME_EXCLUDED = set(b'= ]"')


def _sdname(data, pos, what):
    match = _SDNAME.match(data, pos)
    name = match.group(0) if match else b''
    for cut, byte in enumerate(name):
        if byte in _SDNAME_EXCLUDED:
            name = name[:cut]
            break
    if not name:
        raise ParseFailure('expecting a structured data %s [col %d]' % (what, pos))
    return name.decode('ascii'), pos + len(name)


def _param_value(data, pos):
    """MACHINE 253-262: UTF-8 up to '"'; ']', '"' and '\\' only escaped by '\\' (removed); anything else after
    '\\' is an error (GS machine_test.go 1791-1794: '\\n' fails)."""
    out = bytearray()
    while pos < len(data):
        byte = data[pos]
        if byte == 0x5C:
            if pos + 1 >= len(data) or data[pos + 1] not in b'"]\\':
                raise ParseFailure('expecting chars `]`, `"`, and `\\` to be escaped within param value [col %d]'
                                   % (pos + 1))
            out.append(data[pos + 1])
            pos += 2
        elif byte == 0x22:
            try:
                return out.decode('utf-8'), pos + 1  # RL 61-79: RFC 3629 UTF-8, as Python's strict decoder
            except UnicodeDecodeError:
                raise ParseFailure('param value is not UTF-8 [col %d]' % pos)
        elif byte == 0x5D:
            raise ParseFailure('unescaped "]" in a param value [col %d]' % pos)
        else:
            out.append(byte)
            pos += 1
    raise ParseFailure('structured data param value not closed')


def _structured_data(data, pos):
    """MACHINE 262-269: '-' or one or more '[' SD-ID (' ' name '="' value '"')* ']'; a repeated SD-ID fails
    (MACHINE 84-95); a repeated param name keeps the last value (MACHINE 110-123)."""
    if data[pos:pos + 1] == b'-':
        return None, pos + 1
    if data[pos:pos + 1] != b'[':
        raise ParseFailure('expecting a structured data section or a nil value [col %d]' % pos)
    elements = {}
    while data[pos:pos + 1] == b'[':
        name, pos = _sdname(data, pos + 1, 'element id')
        if name in elements:
            raise ParseFailure('duplicate structured data element id [col %d]' % pos)
        params = elements[name] = {}
        while data[pos:pos + 1] == b' ':
            key, pos = _sdname(data, pos + 1, 'parameter')
            if data[pos:pos + 2] != b'="':
                raise ParseFailure('expecting a structured data parameter [col %d]' % pos)
            params[key], pos = _param_value(data, pos + 2)
        if data[pos:pos + 1] != b']':
            raise ParseFailure('expecting "]" closing a structured data element [col %d]' % pos)
        pos += 1
    return elements, pos


def _days_from_civil(year, month, day):
    """Days since 1970-01-01 of a proleptic Gregorian date, years 0-9999 (datetime stops at year 1)."""
    year -= month <= 2
    era, yoe = divmod(year, 400)
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _stamp_ns(match):
    """time.Parse(RFC3339MICRO) (MACHINE 26, 53-62) also checks the day against the month and year."""
    year, month, day, hour, minute, second = (int(match.group(n)) for n in range(1, 7))
    if day > days_in(month, year):
        raise ParseFailure('parsing time: day out of range')
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    if match.group(9):
        sign = 1 if match.group(9) == b'+' else -1
        seconds -= sign * (int(match.group(10)) * 3600 + int(match.group(11)) * 60)
    fraction = (match.group(7) or b'').decode()
    return seconds * 10 ** 9 + int((fraction + '000000000')[:9])


def parse_rfc5424(data):
    pri = _PRI.match(data)
    if not pri or int(pri.group(1)) > 191:
        raise ParseFailure('expecting a priority value in the range 1-191 or equal to 0 [col 1]')
    version = _VERSION.match(data, pri.end())
    if not version:
        raise ParseFailure('expecting a version value in the range 1-999 [col %d]' % pri.end())
    pos, stamp = version.end(), None
    if data[pos:pos + 2] == b'- ':
        pos += 2
    else:
        stamp = _STAMP.match(data, pos)
        if not stamp:
            raise ParseFailure('expecting a RFC3339MICRO timestamp or a nil value [col %d]' % pos)
        pos = stamp.end()
    header = _HEADER_FIELDS.match(data, pos)
    if not header:
        raise ParseFailure('expecting hostname, app-name, procid and msgid [col %d]' % pos)
    sd, pos = _structured_data(data, header.end())
    message = b''
    if pos < len(data):
        if data[pos:pos + 1] != b' ':  # MACHINE 275: header SP structured-data (SP msg)?
            raise ParseFailure('parsing error [col %d]' % pos)
        message = data[pos + 1:]
    try:
        content = message.decode('utf-8')  # MACHINE 271: BOM? UTF-8 octets
    except UnicodeDecodeError as exc:
        raise ParseFailure('expecting a free-form optional message in UTF-8 [col %d]' % (pos + 1 + exc.start))
    # MSG 30-61: '-' (and empty) header fields are unset; PARSER 146-171 fills the result from what is set.
    hostname, appname, procid, msgid = (None if value in (b'-', b'') else value.decode('ascii')
                                        for value in header.groups())
    result = new_result()
    priority = int(pri.group(1))
    result.update(priority=priority, facility=priority // 8, severity=priority % 8, hostname=hostname or '',
                  program=appname or '', content=content, procid=procid, msgid=msgid, sd=sd)
    if stamp is not None:
        result['time_ns'] = _stamp_ns(stamp)
    return result


def go_unix_nano(ns):
    """time.Time.UnixNano: int64 arithmetic that wraps outside the years 1678-2262."""
    return (ns + 2 ** 63) % 2 ** 64 - 2 ** 63


def go_json(value):
    """encoding/json.Marshal of map[string]map[string]string: sorted keys, compact, <, >, & and U+2028/9
    escaped as Go does."""
    text = json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
    for char, escaped in (('<', '\\u003c'), ('>', '\\u003e'), ('&', '\\u0026'), ('\u2028', '\\u2028'),
                          ('\u2029', '\\u2029')):
        text = text.replace(char, escaped)
    return text
