#!/usr/bin/env python3
"""TEST STAND-IN for the Logtail / LoongCollector agent's syslog inputs. Not the real agent.

The real agents cannot be downloaded on the machines this project is tested on. This daemon
takes their place (the stand-in package ships it as ``ilogtail`` or ``loongcollector``):

- at start it writes ``app_info.json`` with the version key of its flavour, as the real agent
  does (the installer ships no such file);
- the legacy streamlog input: when the main config says ``streamlog_open``, it listens on
  ``streamlog_tcp_addr:streamlog_tcp_port`` for newline-framed ALI_LOG_FMT lines;
- the ``service_syslog`` input: for every pipeline config in ``--pipelines DIR`` (the configs
  the real agent fetches from Log Service; tests put them there) whose input is
  ``service_syslog``, it listens on its ``Address`` (``tcp://host:port``) for RFC 6587
  octet-counted frames and parses each message as RFC 5424 (``ParseProtocol``).

It is strict: a line in an unknown streamlog format, a frame that is not octet-counted or a
message that is not RFC 5424 is not recorded as received; it goes to ``--rejected`` with the
reason, and a broken frame closes the connection.

Receiving (framing, sockets) and parsing are separate layers, and every accepted message goes
through ``Sink.accept``. With shipping settings (``--ship-settings``, default
``<home>/standin_shipping.json``) the sink also hands each record, parsed into the keys the real
syslog inputs give a line (``_hostname_``, ``_program_``, ... ``_content_``), to ``shipper.py``
beside this file, which heartbeats, learns the applied configs and sends PutLogs.

Usage: ilogtail_standin_daemon.py [--home DIR] [--config FILE] [--record FILE] [--pidfile FILE]
       [--pipelines DIR] [--addr A --port P] [--syslog-address tcp://A:P]
       [--ship-settings FILE] [--spool DIR]
Runs in the foreground; SIGTERM stops it cleanly. Python 3.5+ standard library only.
"""

import argparse
import calendar
import glob
import json
import os
import re
import signal
import socket
import socketserver
import sys
import threading
import time

FLAVOR = '@FLAVOR@'
VERSION = '@VERSION@'
VERSION_KEYS = {'logtail': 'logtail_version', 'loongcollector': 'loongcollector_version'}


class Rejected(ValueError):
    """A message or frame the real agent would not take."""


# ---- parsing: bytes of one message -> a record, or Rejected --------------------------------------

FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv',
              'ftp', 'ntp', 'security', 'console', 'solaris-cron'] + ['local%d' % n for n in range(8)]
SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']
# rsyslog's other spellings of a few names in %pri-text%.
NAME_ALIASES = {'error': 'err', 'warn': 'warning', 'panic': 'emerg', 'clock': 'cron', 'audit': 'security'}


def syslog_contents(hostname, program, facility, severity, ip, content):
    """The keys the Logtail syslog inputs give a line (sls_index indexes these by default: SYSLOG_FIELDS)."""
    return {'_hostname_': hostname, '_program_': program, '_priority_': str(facility * 8 + severity),
            '_facility_': str(facility), '_severity_': str(severity), '_ip_': ip, '_content_': content}


def parse_ali_log_fmt(line, formats):
    """A streamlog line: the seed's ALI_LOG_FMT, '<format version> <sys_tag> <timestamp> <fromhost-ip>
    <hostname> <pri-text> <protocol-version> <app-name> <procid> <msgid> <msg>'; its version must be
    configured."""
    fields = line.split(' ', 10)
    if len(fields) < 3:
        raise Rejected('streamlog line has fewer than 3 fields')
    if formats and fields[0] not in formats:
        raise Rejected('streamlog format %r is not in streamlog_formats %s' % (fields[0], sorted(formats)))
    record = {'format': fields[0], 'tag': fields[1], 'raw': line, 'input': 'streamlog'}
    if len(fields) == 11 and fields[2].isdigit():
        facility, _, severity = fields[5].partition('.')
        facility, severity = NAME_ALIASES.get(facility, facility), NAME_ALIASES.get(severity, severity)
        if facility not in FACILITIES or severity not in SEVERITIES:
            raise Rejected('streamlog pri-text %r is not facility.severity' % fields[5])
        record['time'] = int(fields[2])
        record['contents'] = syslog_contents(fields[4], fields[7], FACILITIES.index(facility),
                                             SEVERITIES.index(severity), fields[3], fields[10])
    return record


_RFC5424_HEAD = re.compile(
    r'^<(\d{1,3})>1 (-|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) '
    r'(\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) ')


def _skip_structured_data(text, pos):
    """Index just after STRUCTURED-DATA ('-' or one or more [id param="value"...] elements)."""
    if text.startswith('-', pos):
        return pos + 1
    if not text.startswith('[', pos):
        raise Rejected('RFC 5424 STRUCTURED-DATA must be "-" or start with "["')
    in_value = False
    while pos < len(text):
        char = text[pos]
        if in_value and char == '\\':
            pos += 2
            continue
        if char == '"':
            in_value = not in_value
        elif char == ']' and not in_value and not text.startswith('[', pos + 1):
            return pos + 1
        pos += 1
    raise Rejected('RFC 5424 STRUCTURED-DATA is not closed')


def parse_rfc5424(message):
    match = _RFC5424_HEAD.match(message)
    if not match or int(match.group(1)) > 191:
        raise Rejected('not an RFC 5424 message: %r' % message[:80])
    end = _skip_structured_data(message, match.end())
    if end < len(message) and message[end] != ' ':
        raise Rejected('RFC 5424 STRUCTURED-DATA not followed by a space')
    priority = int(match.group(1))
    record = {'priority': priority, 'timestamp': match.group(2), 'hostname': match.group(3),
              'app_name': match.group(4), 'procid': match.group(5), 'msgid': match.group(6),
              'message': message[end + 1:], 'raw': message, 'input': 'service_syslog'}
    record['time'] = _epoch(match.group(2))
    record['contents'] = syslog_contents(match.group(3), match.group(4), priority // 8, priority % 8, '',
                                         record['message'])
    return record


def _epoch(stamp):
    """Seconds since the epoch of an RFC 5424 TIMESTAMP ('-': now)."""
    if stamp == '-':
        return int(time.time())
    head, zone = stamp[:19], stamp[19:].split('.')[-1] if '.' in stamp[19:] else stamp[19:]
    zone = zone.lstrip('0123456789')
    seconds = calendar.timegm(time.strptime(head, '%Y-%m-%dT%H:%M:%S'))
    if zone and zone != 'Z':
        sign = -1 if zone[0] == '+' else 1
        seconds += sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return seconds


# ---- framing: a byte stream -> messages -----------------------------------------------------------

def read_lines(stream):
    for raw in stream:
        yield raw.decode('utf-8', errors='replace').rstrip('\n')


def read_octet_counted(stream):
    """RFC 6587 octet counting: 'MSG-LEN SP MSG'. Anything else is a broken stream."""
    while True:
        digits = b''
        while True:
            char = stream.read(1)
            if not char:
                if digits:
                    raise Rejected('stream ended inside a frame length')
                return
            if char == b' ':
                break
            if not char.isdigit() or len(digits) > 8:
                raise Rejected('expected an octet count, got %r (is the sender using octet-counted framing?)'
                               % (digits + char))
            digits += char
        if not digits:
            raise Rejected('empty octet count')
        payload = stream.read(int(digits))
        if len(payload) != int(digits):
            raise Rejected('stream ended inside a %s-octet frame' % digits.decode())
        # rsyslog's templates end in LF; it is counted in the frame but is no part of the message.
        yield payload.decode('utf-8', errors='replace').rstrip('\n').replace('\n', '\\n')


# ---- receiving: sockets -> framing -> parsing -> sink ---------------------------------------------

class Sink:
    """Appends accepted raw messages to the record file and rejected ones, with the reason, to another."""

    def __init__(self, record_path, rejected_path, shipper=None):
        self._lock = threading.Lock()
        self._record = open(record_path, 'a', encoding='utf-8')
        self._rejected = open(rejected_path, 'a', encoding='utf-8')
        self.shipper = shipper

    def accept(self, record):
        with self._lock:
            self._record.write(record['raw'] + '\n')
            self._record.flush()
        if self.shipper is not None and 'contents' in record:
            self.shipper.accept({key: record[key] for key in ('input', 'tag', 'time', 'contents')})

    def reject(self, reason, raw=''):
        with self._lock:
            self._rejected.write('%s\t%s\n' % (reason, raw))
            self._rejected.flush()


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        server = self.server
        try:
            for message in server.framing(self.rfile):
                try:
                    record = server.parse(message)
                    if record['input'] == 'service_syslog':
                        # The config that collects it is the one whose input listens here.
                        record['tag'] = 'tcp://%s:%d' % server.server_address[:2]
                        record['contents']['_ip_'] = self.client_address[0]
                    server.sink.accept(record)
                except Rejected as exc:
                    server.sink.reject(str(exc), message)
        except Rejected as exc:
            server.sink.reject('framing: %s' % exc)


class InputServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, framing, parse, sink):
        self.framing, self.parse, self.sink = framing, parse, sink
        socketserver.TCPServer.__init__(self, address, _Handler)


def streamlog_input(config_path):
    """(address, parse) of the streamlog input, or None when it is closed."""
    with open(config_path) as handle:
        config = json.load(handle)
    if not config.get('streamlog_open', False):
        return None
    formats = set(str(f.get('version')) for f in config.get('streamlog_formats') or [])
    address = config.get('streamlog_tcp_addr', '0.0.0.0'), int(config.get('streamlog_tcp_port', 11111))
    return address, lambda line: parse_ali_log_fmt(line, formats)


def parse_address(address):
    match = re.match(r'^tcp://([^:]+):(\d+)$', address or 'tcp://127.0.0.1:9999')
    if not match:
        raise SystemExit('service_syslog Address %r: the stand-in takes tcp://host:port' % address)
    return match.group(1), int(match.group(2))


def syslog_inputs(pipeline_dir):
    """(address, protocol) of every service_syslog input in the pipeline configs."""
    found = []
    for path in sorted(glob.glob(os.path.join(pipeline_dir or '', '*.json'))):
        with open(path) as handle:
            pipeline = json.load(handle)
        for plugin in pipeline.get('inputs', []):
            if plugin.get('Type') == 'service_syslog':
                found.append((parse_address(plugin.get('Address')), plugin.get('ParseProtocol', '')))
    return found


def write_app_info(home):
    if FLAVOR.startswith('@'):
        return  # run from the source tree, not from an installed package
    info = {VERSION_KEYS[FLAVOR]: VERSION, 'hostname': socket.gethostname(), 'standin': True}
    path = os.path.join(home, 'app_info.json')
    with open(path + '.tmp', 'w') as handle:
        json.dump(info, handle, indent=4)
    os.rename(path + '.tmp', path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--home', default='/usr/local/ilogtail')
    parser.add_argument('--config')
    parser.add_argument('--record')
    parser.add_argument('--rejected')
    parser.add_argument('--pidfile')
    parser.add_argument('--pipelines')
    parser.add_argument('--addr', default='127.0.0.1')
    parser.add_argument('--port', type=int, help='streamlog port; overrides the config file')
    parser.add_argument('--syslog-address', help='tcp://A:P of a service_syslog input (rfc5424)')
    parser.add_argument('--ship-settings', help='stand-in shipping settings (JSON; see shipper.py); default '
                        '<home>/standin_shipping.json when it exists, else nothing is shipped')
    parser.add_argument('--spool', help='spool directory (default <home>/standin_spool)')
    args = parser.parse_args(argv)
    record = args.record or os.path.join(args.home, 'standin_received.log')
    shipper = None
    settings_path = args.ship_settings or os.path.join(args.home, 'standin_shipping.json')
    if args.ship_settings or os.path.exists(settings_path):
        from shipper import Shipper  # beside this file, in the package and in the source tree
        with open(settings_path) as handle:
            settings = json.load(handle)
        shipper = Shipper(settings, args.spool or os.path.join(args.home, 'standin_spool')).start()
    sink = Sink(record, args.rejected or os.path.splitext(record)[0] + '.rejected', shipper)

    inputs = []
    if args.port is not None:
        inputs.append(((args.addr, args.port), read_lines, lambda line: parse_ali_log_fmt(line, set())))
    elif args.syslog_address is None:
        streamlog = streamlog_input(args.config or os.path.join(args.home, 'ilogtail_config.json'))
        if streamlog:
            inputs.append((streamlog[0], read_lines, streamlog[1]))
    syslog = [(parse_address(args.syslog_address), 'rfc5424')] if args.syslog_address else []
    for address, protocol in syslog + syslog_inputs(args.pipelines):
        if protocol != 'rfc5424':
            raise SystemExit('service_syslog ParseProtocol %r: the stand-in parses rfc5424 only' % protocol)
        inputs.append((address, read_octet_counted, parse_rfc5424))
    servers = [InputServer(address, framing, parse, sink) for address, framing, parse in inputs]

    if args.pidfile:
        with open(args.pidfile, 'w') as handle:
            handle.write('%d\n' % os.getpid())
    write_app_info(args.home)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdout.write('listening on %s:%d\n' % server.server_address[:2])
    sys.stdout.flush()
    # An agent with no syslog input idles until stopped, like the real one.
    while not stop.wait(1):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    if shipper is not None:
        shipper.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
