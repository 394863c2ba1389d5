"""TEST STAND-IN for the legacy streamlog input of Logtail (``streamlog_open`` in ilogtail_config.json). Not the
real agent.

It listens on ``streamlog_tcp_addr:streamlog_tcp_port`` for LF-terminated lines in a format of
``streamlog_formats``; the seed's format is ALI_LOG_FMT (domain note, "rsyslog -> logtail"). No public source
describes how the real agent splits such a line, so the stand-in is strict: a line in an unknown format, with
too few fields or a pri-text that is not facility.severity is rejected (``Rejected``), not recorded.
Python 3.5+ standard library only.
"""

import json


class Rejected(ValueError):
    """A message or frame the real agent would not take."""


# ---- parsing: bytes of one message -> a record, or Rejected --------------------------------------

FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv',
              'ftp', 'ntp', 'security', 'console', 'solaris-cron'] + ['local%d' % n for n in range(8)]
SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']
# rsyslog's other spellings of a few names in %pri-text%.
NAME_ALIASES = {'error': 'err', 'warn': 'warning', 'panic': 'emerg', 'clock': 'cron', 'audit': 'security'}


def syslog_contents(hostname, program, facility, severity, ip, content):
    """The keys the Logtail syslog inputs give a line (sls_index indexes these by default: SYSLOG_KEYS)."""
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


def read_lines(stream):
    for raw in stream:
        yield raw.decode('utf-8', errors='replace').rstrip('\n')


def streamlog_input(config_path):
    """(address, parse) of the streamlog input, or None when it is closed."""
    with open(config_path) as handle:
        config = json.load(handle)
    if not config.get('streamlog_open', False):
        return None
    formats = set(str(f.get('version')) for f in config.get('streamlog_formats') or [])
    address = config.get('streamlog_tcp_addr', '0.0.0.0'), int(config.get('streamlog_tcp_port', 11111))
    return address, lambda line: parse_ali_log_fmt(line, formats)
