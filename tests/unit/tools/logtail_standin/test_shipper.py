"""The TEST STAND-IN's shipping wire format and parsing into the syslog keys: the protobuf it encodes by hand
must decode with the SDK's own LogGroup, and each input's line must give the keys sls_index indexes."""
import pytest
from aliyun.log.log_logs_pb2 import LogGroup

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import SYSLOG_FIELDS
from tests.logtail_standin import ilogtail_standin_daemon as daemon
from tests.logtail_standin import shipper


def test_hand_encoded_log_group_decodes_with_the_sdk():
    logs = [{'time': 1764230400, 'contents': {'_content_': 'héllo ' * 40, '_hostname_': 'web-1'}},
            {'time': 5, 'contents': {'k': ''}}]
    group = LogGroup()
    group.ParseFromString(shipper.encode_log_group(logs, topic='t', source='10.0.0.7', tags={'a': 'b'}))
    assert [(log.Time, [(c.Key, c.Value) for c in log.Contents]) for log in group.Logs] == [
        (1764230400, [('_content_', 'héllo ' * 40), ('_hostname_', 'web-1')]), (5, [('k', '')])]
    assert (group.Topic, group.Source, [(t.Key, t.Value) for t in group.LogTags]) == ('t', '10.0.0.7', [('a', 'b')])


def test_streamlog_line_gives_the_syslog_keys():
    record = daemon.parse_ali_log_fmt('0.1 tag 1764230400 10.1.2.3 web-1 authpriv.warn 0 sshd 77 - a b  c', set())
    assert sorted(record['contents']) == sorted(SYSLOG_FIELDS)
    assert record['time'] == 1764230400
    assert record['contents'] == {'_hostname_': 'web-1', '_program_': 'sshd', '_priority_': str(10 * 8 + 4),
                                  '_facility_': '10', '_severity_': '4', '_ip_': '10.1.2.3', '_content_': 'a b  c'}
    with pytest.raises(daemon.Rejected):
        daemon.parse_ali_log_fmt('0.1 tag 1764230400 10.1.2.3 web-1 nosuch.info 0 sshd 77 - x', set())


def test_rfc5424_message_gives_the_syslog_keys_and_its_time():
    record = daemon.parse_rfc5424('<30>1 2024-05-01T10:00:00.123+08:00 web-01 nginx 42 - - hello')
    assert record['time'] == 1714528800  # 02:00 UTC
    assert record['contents']['_facility_'] == '3' and record['contents']['_severity_'] == '6'
    assert record['contents']['_content_'] == 'hello' and record['contents']['_program_'] == 'nginx'


def test_route_follows_the_applied_configs():
    configs = [{'kind': 'configs', 'project': 'p', 'logstore': 's1', 'detail': {
                    'inputType': 'syslog', 'inputDetail': {'tag': 'web'}, 'outputDetail': {}}},
               {'kind': 'pipelineconfigs', 'project': 'p', 'logstore': 's2', 'detail': {
                   'inputs': [{'Type': 'service_syslog', 'Address': 'tcp://127.0.0.1:9999'}]}}]
    assert shipper.route({'input': 'streamlog', 'tag': 'web'}, configs) == ('p', 's1', '')
    assert shipper.route({'input': 'streamlog', 'tag': 'other'}, configs) is None
    assert shipper.route({'input': 'service_syslog', 'tag': 'tcp://127.0.0.1:9999'}, configs) == ('p', 's2', '')


def test_relay_targets_loopback_only():
    from tests.logtail_standin import unix_relay
    assert unix_relay.parse_target('127.0.0.1:8080') == ('127.0.0.1', 8080)
    with pytest.raises(SystemExit, match='loopback'):
        unix_relay.parse_target('172.17.0.2:8080')
