"""TEST STAND-IN for the ``service_syslog`` input of Logtail / LoongCollector: its configuration, its TCP framing and
the fields it gives each line. Not the real agent. Parsing is in syslog_parse.py.

Source (facts taken, code not copied): alibaba/loongcollector at f02d9808578e3ad50b5ee2bc7b9bbdcbac5407a1,
``plugins/input/syslog/syslog.go`` (line numbers below are that file's unless named).

- Configuration (``newSyslog`` 637-649, ``Init`` 85-106, ``Start`` 119-171, ``getAddressParts`` 380-401): Address
  default ``tcp://127.0.0.1:0``, port 6514 when the address has none; MaxConnections 100; MaxMessageSize 64 KiB,
  capped at 512 KiB (39, 86-88); ParseProtocol default ``""`` (no parsing), lower-cased and trimmed, one of
  ``""``, ``rfc3164``, ``rfc5424``, ``auto`` (else "Unsupported parser protocol"); IgnoreParseFailure default
  true, and ``""`` without it is refused ("Default parser must set IgnoreParseFailure"). The stand-in listens on
  tcp, tcp4 and tcp6 only (the real one also takes udp and unixgram); an input it cannot start is not started.
- Framing (``handle`` 486-536): ``bufio.Scanner`` with the default ScanLines split over a MaxMessageSize buffer:
  one message per LF-terminated line, a CR before the LF dropped, empty lines skipped (527); no octet counting, so
  an octet-counted frame is one line that starts with the count. A line that does not fit in the buffer (with
  the default: 65535 bytes and the LF fit, 65536 do not; a CR counts) is ``bufio.Scanner: token too long``: Scan
  returns false, the loop ends (502, 532-535) and the connection is closed (487-491), so that line and
  everything after it on the connection are lost. Connections beyond MaxConnections are closed at once (462-466).
- Fields (``parse`` 584-635): ``_program_``, ``_priority_``, ``_facility_``, ``_severity_`` (-1 when not parsed),
  ``_unixtimestamp_`` (the message time in nanoseconds), ``_hostname_`` (the agent's host name when the line
  gave none), ``_client_ip_`` (the sender address up to its first ':', so an IPv6 sender gives '['),
  ``_ip_`` (the agent's IP, pkg/util/net_helper.go 43-45), ``_content_``; ``_structured_data_`` (JSON),
  ``_message_id_`` and ``_process_id_`` only when the RFC 5424 line had them. A line the parser refuses
  (IgnoreParseFailure false) is dropped (592-598).
"""

import re

try:
    from . import syslog_parse, syslog_rfc3164
except ImportError:  # run as a script beside its modules (the installed stand-in)
    import syslog_parse
    import syslog_rfc3164

MAX_MESSAGE_SIZE_CAP = 512 * 1024
DEFAULTS = {'Address': 'tcp://127.0.0.1:0', 'MaxConnections': 100, 'MaxMessageSize': 64 * 1024,
            'ParseProtocol': '', 'IgnoreParseFailure': True, 'AddHostname': False}
PROTOCOLS = ('', 'rfc3164', 'rfc5424', 'auto')


class ConfigError(ValueError):
    """The real input would fail to Init or Start with this configuration."""


class TokenTooLong(Exception):
    """bufio.Scanner: token too long."""


def _address(address):
    """(scheme, host, port) as getAddressParts and Start read an Address."""
    if '://' not in address:
        raise ConfigError("missing protocol within address '%s'" % address)
    match = re.match(r'^([A-Za-z0-9+.-]*)://(\[[^\]]*\]|[^:/]*)(?::(\d*))?$', address)
    if not match:
        raise ConfigError('the stand-in cannot read the Address %r' % address)
    scheme, host, port = match.group(1).lower(), match.group(2).strip('[]'), match.group(3) or '6514'
    if scheme in ('udp', 'udp4', 'udp6', 'unixgram'):
        raise ConfigError('Address %r: the stand-in takes tcp only (the real input also takes %s)' % (address, scheme))
    if scheme not in ('tcp', 'tcp4', 'tcp6'):
        raise ConfigError("unknown protocol '%s' in '%s:%s'" % (scheme, host, port))
    return scheme, host, int(port)


class SyslogInput(object):
    """One service_syslog input from its plugin JSON; ConfigError where the real Init/Start fails."""

    def __init__(self, plugin, agent_hostname):
        config = dict(DEFAULTS)
        config.update((key, value) for key, value in plugin.items() if key != 'Type')
        for key in ('MaxConnections', 'MaxMessageSize'):
            if not isinstance(config[key], int) or isinstance(config[key], bool) or config[key] < 0:
                raise ConfigError('%s must be a non-negative integer, got %r' % (key, config[key]))
        for key in ('IgnoreParseFailure', 'AddHostname'):
            if not isinstance(config[key], bool):
                raise ConfigError('%s must be true or false, got %r' % (key, config[key]))
        if not isinstance(config['ParseProtocol'], str) or not isinstance(config['Address'], str):
            raise ConfigError('ParseProtocol and Address must be strings')
        protocol = config['ParseProtocol'].strip().lower()
        if protocol == '' and not config['IgnoreParseFailure']:
            raise ConfigError('Default parser must set IgnoreParseFailure')
        if protocol not in PROTOCOLS:
            raise ConfigError('Unsupported parser protocol: ' + protocol)
        self.address = config['Address']
        self.scheme, self.host, self.port = _address(self.address)
        self.protocol, self.ignore_parse_failure = protocol, config['IgnoreParseFailure']
        self.max_connections = config['MaxConnections']
        self.max_message_size = min(config['MaxMessageSize'], MAX_MESSAGE_SIZE_CAP)
        self.parse = make_parser(protocol, self.ignore_parse_failure,
                                              agent_hostname if config['AddHostname'] else None)

    def describe(self):
        return 'service_syslog %s (ParseProtocol %r, IgnoreParseFailure %s)' % (
            self.address, self.protocol, str(self.ignore_parse_failure).lower())


def make_parser(protocol, ignore_parse_failure, add_hostname=None):
    """A function line -> result. With IgnoreParseFailure an unparsable line is the raw result (PARSER 100-108,
    137-144); without, ParseFailure. ``auto`` tries rfc3164 then rfc5424 (PARSER 181-201), each built with the
    same IgnoreParseFailure: with it on, rfc3164 never fails, so rfc5424 is never tried and an RFC 5424 line is
    ingested raw (LC parser_test.go TestAutoParser 254-372 accepts exactly that). ``add_hostname``: AddHostname's
    host name, used by rfc3164 only."""
    def rfc3164(data):
        return syslog_rfc3164.parse_rfc3164(data, add_hostname)

    def tolerant(parse):
        def run(data):
            try:
                return parse(data)
            except syslog_parse.ParseFailure:
                if not ignore_parse_failure:
                    raise
                return syslog_parse.new_result(data)
        return run

    def auto(data):
        for parse in (tolerant(rfc3164), tolerant(syslog_parse.parse_rfc5424)):
            try:
                return parse(data)
            except syslog_parse.ParseFailure:
                pass
        if not ignore_parse_failure:
            raise syslog_parse.ParseFailure('No available parser can parse: %s' % data.decode('utf-8', 'replace'))
        return syslog_parse.new_result(data)

    return {'': syslog_parse.new_result, 'rfc5424': tolerant(syslog_parse.parse_rfc5424), 'rfc3164': tolerant(rfc3164),
            'auto': auto}[protocol]


def scan_lines(recv, max_size):
    """Tokens of bufio.Scanner with ScanLines over a ``max_size`` buffer, from ``recv()`` (b'' at EOF); raises
    TokenTooLong after the last token that fitted. Empty tokens are yielded too (the caller skips them)."""
    pending = b''
    while True:
        newline = pending.find(b'\n', 0, max_size)
        if newline >= 0:
            token, pending = pending[:newline], pending[newline + 1:]
            yield token[:-1] if token.endswith(b'\r') else token
            continue
        if len(pending) >= max_size:
            raise TokenTooLong('bufio.Scanner: token too long')
        chunk = recv()
        if not chunk:
            if pending:
                yield pending[:-1] if pending.endswith(b'\r') else pending
            return
        pending += chunk


def client_ip(address):
    """``strings.Split(conn.RemoteAddr().String(), ":")[0]`` (613-617) for a Python socket address."""
    host, port = address[:2]
    remote = '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port)
    return remote.split(':')[0]


def contents(result, client_address, agent_ip, agent_hostname):
    """The log the real input adds for one parsed line (600-633), and its time in seconds."""
    fields = {'_program_': result['program'], '_priority_': str(result['priority']),
              '_facility_': str(result['facility']), '_severity_': str(result['severity']),
              '_unixtimestamp_': str(syslog_parse.go_unix_nano(result['time_ns'])),
              '_hostname_': result['hostname'] or agent_hostname, '_client_ip_': client_ip(client_address),
              '_ip_': agent_ip, '_content_': result['content']}
    if result['sd'] is not None:
        fields['_structured_data_'] = syslog_parse.go_json(result['sd'])
    if result['msgid'] is not None:
        fields['_message_id_'] = result['msgid']
    if result['procid'] is not None:
        fields['_process_id_'] = result['procid']
    return fields, result['time_ns'] // 10 ** 9
