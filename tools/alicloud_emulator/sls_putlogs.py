"""PutLogs bodies: the request headers, the compression, the size limits and the LogGroup's content rules.

The body is the SDK's protobuf LogGroup (aliyun.log.log_logs_pb2, the SDK's own definitions), lz4 block or deflate
compressed as `x-log-compresstype` says, with `x-log-bodyrawsize` the uncompressed length. Every check runs before
anything is stored: one bad log refuses the whole call, as the PutLogs API reference says. Sources: SLS.md.
"""
import zlib

import lz4.block
from aliyun.log.log_logs_pb2 import LogGroup
from google.protobuf.message import DecodeError

from .sls_signing import SlsError

# aliyun-log-python-sdk 0.9.47 aliyun/log/logclient.py put_logs: `len(body) > 10 * 1024 * 1024` (raw protobuf);
# alibaba/loongcollector core/plugin/flusher/sls/FlusherSLS.cpp: max_send_log_group_size 10 * 1024 * 1024.
MAX_RAW_BODY = 10 * 1024 * 1024
MAX_VALUE = 1024 * 1024        # a value at most 1 MB (PutLogs API reference)
MAX_TOPIC = MAX_SOURCE = 128   # bytes (PutLogs API reference)
PROTOBUF = 'application/x-protobuf'
COMPRESS_TYPES = ('lz4', 'deflate', '')


def bad_body(message):
    return SlsError(400, 'PostBodyInvalid', message)


def check_content_type(content_type):
    """Common error codes: no Content-Type with a body is 400 MissingContentType, another type 415."""
    if not content_type:
        raise SlsError(400, 'MissingContentType', 'Content-Type does not exist in http header when body is not '
                                                  'empty.')
    if content_type.split(';')[0].strip().lower() != PROTOBUF:
        raise SlsError(415, 'InvalidContentType', 'Content-Type %s is unsupported.' % content_type)


def check_raw_size(raw_size):
    """x-log-bodyrawsize -> int: missing 400 MissingBodyRawSize, not a count 400 InvalidBodyRawSize, more than
    10 MB 400 PostBodyTooLarge (the code the vendor's agent and Java SDK name; the service's is unconfirmed)."""
    if raw_size is None or raw_size == '':
        raise SlsError(400, 'MissingBodyRawSize', 'x-log-bodyrawsize does not exist in header when it is necessary.')
    try:
        size = int(raw_size)
    except (TypeError, ValueError):
        size = -1
    if size < 0:
        raise SlsError(400, 'InvalidBodyRawSize', 'x-log-bodyrawsize is invalid: %r' % (raw_size,))
    if size > MAX_RAW_BODY:
        raise SlsError(400, 'PostBodyTooLarge', 'the raw body is %d bytes; PutLogs takes at most %d (10 MB)'
                       % (size, MAX_RAW_BODY))
    return size


def decode_log_group(body, compress_type, raw_size):
    """Wire body -> LogGroup, checking the compression and x-log-bodyrawsize the way the service must."""
    compress_type = compress_type or ''
    if compress_type not in COMPRESS_TYPES:
        raise SlsError(400, 'InvalidCompressType', 'x-log-compresstype %s is unsupported.' % compress_type)
    raw_size = check_raw_size(raw_size)
    try:
        if compress_type == 'lz4':
            raw = lz4.block.decompress(body, uncompressed_size=raw_size)
        elif compress_type == 'deflate':
            # Never inflate more than the limit allows, whatever the body claims.
            raw = zlib.decompressobj().decompress(body, MAX_RAW_BODY + 1)
        else:
            raw = body
    except (lz4.block.LZ4BlockError, zlib.error) as err:
        raise bad_body('the body does not decompress as %s: %s' % (compress_type, err))
    if len(raw) != raw_size:
        raise bad_body('x-log-bodyrawsize %d does not match the uncompressed body (%d bytes)' % (raw_size, len(raw)))
    group = LogGroup()
    try:
        group.ParseFromString(raw)
    except DecodeError as err:
        raise bad_body('the body is not a protobuf LogGroup: %s' % err)
    check_log_group(group)
    return group


def _utf8_length(text):
    return len(text.encode('utf-8'))


def check_log_group(group):
    """The PutLogs API reference's rules for what is inside the LogGroup (the error code is unconfirmed)."""
    for name, value, limit in (('topic', group.Topic, MAX_TOPIC), ('source', group.Source, MAX_SOURCE)):
        if _utf8_length(value) > limit:
            raise bad_body('the LogGroup %s is %d bytes; at most %d are allowed' % (name, _utf8_length(value), limit))
    for number, log in enumerate(group.Logs):
        if not log.Contents:
            raise bad_body('log %d has no content: every log needs at least one key-value pair' % number)
        for content in log.Contents:
            if _utf8_length(content.Value) > MAX_VALUE:
                raise bad_body('log %d: the value of %r is %d bytes; a value may hold at most %d (1 MB)'
                               % (number, content.Key, _utf8_length(content.Value), MAX_VALUE))


def logs_from_group(group, client_ip, received):
    tags = [('__tag__:' + t.Key, t.Value) for t in group.LogTags]
    for log in group.Logs:
        yield {'time': log.Time, 'source': group.Source or client_ip, 'topic': group.Topic, 'tags': tags,
               'contents': [(c.Key, c.Value) for c in log.Contents], 'received': received,
               'client_ip': client_ip}
