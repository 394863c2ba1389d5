"""The TEST STAND-IN daemon's parsing and framing: as strict as the real inputs, so a wrong sender fails."""
import io

import pytest

from tests.logtail_standin import ilogtail_standin_daemon as daemon


def frames(data):
    return list(daemon.read_octet_counted(io.BytesIO(data)))


def test_octet_counted_frames_may_hold_newlines():
    first, second = b'<14>1 - host app - - - one\n', b'<14>1 - host app - - - two\nlines\n'
    data = b'%d %s%d %s' % (len(first), first, len(second), second)
    assert frames(data) == ['<14>1 - host app - - - one', '<14>1 - host app - - - two\\nlines']


@pytest.mark.parametrize('data, reason', [
    (b'<14>1 2024-05-01T10:00:00Z host app - - - newline framed\n', 'expected an octet count'),
    (b'50 <14>1 short', 'stream ended inside a 50-octet frame'),
    (b'12', 'stream ended inside a frame length'),
])
def test_broken_framing_is_rejected(data, reason):
    with pytest.raises(daemon.Rejected, match=reason):
        frames(data)


def test_rfc5424_fields():
    record = daemon.parse_rfc5424('<30>1 2024-05-01T10:00:00.123456+08:00 web-01 nginx 4242 ACCESS '
                                  '[meta x="a \\"]\\" b"][origin ip="1.2.3.4"] GET / 200')
    assert (record['priority'], record['hostname'], record['app_name'], record['procid'], record['msgid']) == (
        30, 'web-01', 'nginx', '4242', 'ACCESS')
    assert record['message'] == 'GET / 200'
    assert daemon.parse_rfc5424('<14>1 - host app - - -')['message'] == ''


@pytest.mark.parametrize('message', [
    '<14>May  1 10:00:00 host app: rfc3164, not 5424',
    '0.1 sys_tag 1700000000 127.0.0.1 web user.info 1 app 42 - ALI_LOG_FMT',
    '<192>1 - host app - - - priority out of range',
    '<14>1 - host app - - [open structured data',
])
def test_not_rfc5424_is_rejected(message):
    with pytest.raises(daemon.Rejected):
        daemon.parse_rfc5424(message)


def test_streamlog_line_needs_a_configured_format():
    line = '0.1 sys_tag 1700000000 127.0.0.1 web user.info 1 app 42 - hello'
    assert daemon.parse_ali_log_fmt(line, {'0.1'})['tag'] == 'sys_tag'
    with pytest.raises(daemon.Rejected, match='not in streamlog_formats'):
        daemon.parse_ali_log_fmt(line, {'0.2'})
