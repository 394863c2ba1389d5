"""PutLogs bodies (tools/alicloud_emulator/sls_putlogs.py): headers, compressions and the size limits, at their
exact boundaries."""
import zlib

import lz4.block
import pytest
from aliyun.log.log_logs_pb2 import LogGroup

from tests.support.sls_emulator import sized_log_group
from tools.alicloud_emulator.sls_putlogs import (
    MAX_RAW_BODY, MAX_VALUE, check_content_type, check_raw_size, decode_log_group)
from tools.alicloud_emulator.sls_signing import SlsError


def group(*messages, when=100, topic='', source=''):
    out = LogGroup(Topic=topic, Source=source)
    for message in messages:
        out.Logs.add(Time=when).Contents.add(Key='content', Value=message)
    return out


def refusal(call):
    with pytest.raises(SlsError) as err:
        call()
    return err.value.status, err.value.code, err.value.message


def decode(log_group):
    raw = log_group.SerializeToString()
    return decode_log_group(raw, '', str(len(raw)))


def test_decode_each_compression_and_reject_a_wrong_size():
    raw = group('hello').SerializeToString()
    for body, kind in ((lz4.block.compress(raw, store_size=False), 'lz4'), (zlib.compress(raw), 'deflate'),
                       (raw, ''), (raw, None)):
        assert decode_log_group(body, kind, str(len(raw))).Logs[0].Contents[0].Value == 'hello'
    for body, kind, size, code in ((zlib.compress(raw), 'deflate', len(raw) + 1, 'PostBodyInvalid'),
                                   (raw, 'lz4', len(raw), 'PostBodyInvalid'),
                                   (b'\xff\xff', '', 2, 'PostBodyInvalid')):
        assert refusal(lambda: decode_log_group(body, kind, size))[:2] == (400, code), (kind, size)
    assert refusal(lambda: decode_log_group(raw, 'snappy', len(raw))) == (
        400, 'InvalidCompressType', 'x-log-compresstype snappy is unsupported.')


def test_headers_are_the_common_error_codes_with_their_statuses():
    check_content_type('application/x-protobuf')
    check_content_type('application/x-protobuf; charset=utf-8')
    assert refusal(lambda: check_content_type('application/json')) == (
        415, 'InvalidContentType', 'Content-Type application/json is unsupported.')
    assert refusal(lambda: check_content_type(None))[:2] == (400, 'MissingContentType')
    for missing in (None, ''):
        assert refusal(lambda: check_raw_size(missing))[:2] == (400, 'MissingBodyRawSize')
    for bad in ('abc', '-1', '1.5'):
        assert refusal(lambda: check_raw_size(bad))[:2] == (400, 'InvalidBodyRawSize'), bad
    assert check_raw_size('0') == 0 and check_raw_size(str(MAX_RAW_BODY)) == 10485760


def test_raw_body_exactly_10_mb_is_taken_one_byte_more_is_refused():
    assert MAX_RAW_BODY == 10 * 1024 * 1024
    exact = sized_log_group(MAX_RAW_BODY)
    assert len(decode(exact).Logs) == len(exact.Logs) >= 10
    over = sized_log_group(MAX_RAW_BODY + 1)
    status, code, message = refusal(lambda: decode(over))
    assert (status, code) == (400, 'PostBodyTooLarge') and '10485761' in message
    # The claimed size is checked before anything is inflated; a deflate body that inflates past its claim is cut
    # off at the limit and refused, not inflated without end.
    bomb = zlib.compress(b'\x00' * (MAX_RAW_BODY * 3))
    assert refusal(lambda: decode_log_group(bomb, 'deflate', MAX_RAW_BODY))[:2] == (400, 'PostBodyInvalid')


def test_a_value_may_hold_1_mb_counted_in_utf8_bytes():
    assert MAX_VALUE == 1024 * 1024
    assert decode(group('x' * MAX_VALUE)).Logs[0].Contents[0].Value == 'x' * MAX_VALUE
    assert len(decode(group('\u00e9' * (MAX_VALUE // 2))).Logs[0].Contents[0].Value) == MAX_VALUE // 2
    for over in ('x' * (MAX_VALUE + 1), '\u00e9' * (MAX_VALUE // 2) + 'x'):
        status, code, message = refusal(lambda: decode(group('fine', over)))
        assert (status, code) == (400, 'PostBodyInvalid') and 'log 1' in message and '1048577 bytes' in message


@pytest.mark.parametrize('field', ['topic', 'source'])
def test_topic_and_source_hold_at_most_128_bytes(field):
    for value in ('t' * 128, '\u00e9' * 64):
        assert decode(group('a', **{field: value})).Logs[0].Contents[0].Value == 'a'
    for value in ('t' * 129, '\u00e9' * 64 + 't'):
        status, code, message = refusal(lambda: decode(group('a', **{field: value})))
        assert (status, code) == (400, 'PostBodyInvalid') and field in message and '129 bytes' in message


def test_every_log_needs_a_content():
    empty = group('first')
    empty.Logs.add(Time=100)
    status, code, message = refusal(lambda: decode(empty))
    assert (status, code) == (400, 'PostBodyInvalid') and 'log 1 has no content' in message
    assert len(decode(group()).Logs) == 0  # an empty LogGroup breaks no rule of the reference
