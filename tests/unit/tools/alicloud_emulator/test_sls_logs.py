"""The emulator's stored logs (tools/alicloud_emulator/sls_logs.py): body decoding and search caching."""
import zlib

import lz4.block
import pytest
from aliyun.log.log_logs_pb2 import LogGroup

from tools.alicloud_emulator.sls_logs import LogData, decode_log_group
from tools.alicloud_emulator.sls_signing import SlsError

INDEX = {'line': {'token': [' ']}}


def group(*messages, when=100):
    out = LogGroup()
    for message in messages:
        out.Logs.add(Time=when).Contents.add(Key='content', Value=message)
    return out


def test_decode_each_compression_and_reject_a_wrong_size():
    raw = group('hello').SerializeToString()
    for body, kind in ((lz4.block.compress(raw, store_size=False), 'lz4'), (zlib.compress(raw), 'deflate'),
                       (raw, '')):
        assert decode_log_group(body, kind, str(len(raw))).Logs[0].Contents[0].Value == 'hello'
    for body, kind, size, code in ((zlib.compress(raw), 'deflate', len(raw) + 1, 'PostBodyInvalid'),
                                   (raw, 'lz4', len(raw), 'PostBodyInvalid'),
                                   (raw, 'snappy', len(raw), 'InvalidCompressType'),
                                   (raw, '', None, 'InvalidBodyRawSize'),
                                   (b'\xff\xff', '', 2, 'PostBodyInvalid')):
        with pytest.raises(SlsError) as err:
            decode_log_group(body, kind, size)
        assert err.value.code == code, (kind, size)


def test_repeated_searches_see_new_logs_and_index_changes():
    data = LogData()
    data.put('p', 's', group('alpha one', 'alpha-two'), '10.0.0.1')
    data.create_index('p', 's', INDEX)
    assert len(data.search('p', 's', 'alpha', 0, 1000)[0]) == 1
    data.put('p', 's', group('alpha three', when=200), '10.0.0.1')
    found, scanned = data.search('p', 's', 'alpha', 0, 1000)
    assert [log['time'] for log in found] == [100, 200] and scanned == 3
    data.update_index('p', 's', {'line': {'token': [' ', '-']}})
    assert len(data.search('p', 's', 'alpha', 0, 1000)[0]) == 3
    data.delete_index('p', 's')
    data.create_index('p', 's', INDEX)
    assert len(data.search('p', 's', 'alpha', 0, 1000)[0]) == 2
    assert data.search('p', 's', 'alpha', 150, 1000)[1] == 1
