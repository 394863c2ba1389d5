"""The TEST STAND-IN's shipping: the protobuf it encodes by hand must decode with the SDK's own LogGroup, each
input's line must give the keys sls_index indexes, a heartbeat says who the machine is (IP, user-defined ids, ECS
instance id, AliUid marker files), and a refused heartbeat is logged once per change."""
import json

import pytest
from aliyun.log.log_logs_pb2 import LogGroup

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import SYSLOG_KEYS
from tests.logtail_standin import ilogtail_standin_daemon as daemon
from tests.logtail_standin import service_syslog, shipper


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
    assert sorted(record['contents']) == sorted(SYSLOG_KEYS)
    assert record['time'] == 1764230400
    assert record['contents'] == {'_hostname_': 'web-1', '_program_': 'sshd', '_priority_': str(10 * 8 + 4),
                                  '_facility_': '10', '_severity_': '4', '_ip_': '10.1.2.3', '_content_': 'a b  c'}
    with pytest.raises(daemon.Rejected):
        daemon.parse_ali_log_fmt('0.1 tag 1764230400 10.1.2.3 web-1 nosuch.info 0 sshd 77 - x', set())


def test_service_syslog_line_gives_the_syslog_keys_and_its_time():
    plugin = service_syslog.SyslogInput({'ParseProtocol': 'rfc5424'}, 'agent-host')
    fields, when = service_syslog.contents(plugin.parse(b'<30>1 2024-05-01T10:00:00.123+08:00 web-01 nginx 42 - - hi'),
                                           ('127.0.0.1', 1), '10.0.0.7', 'agent-host')
    assert set(SYSLOG_KEYS) <= set(fields)
    assert when == 1714528800  # 02:00 UTC
    assert (fields['_facility_'], fields['_severity_'], fields['_content_'], fields['_program_']) == (
        '3', '6', 'hi', 'nginx')


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


def test_identity_names_the_instance_and_the_aliuid_marker_files(tmp_path):
    users = tmp_path / 'users'
    users.mkdir()
    (users / '1808078950770264').write_text('')
    (users / '1111').write_text('')
    (users / 'not-a-file').mkdir()
    (tmp_path / 'ids').write_text('web-fleet\n\n')
    settings = {'ip': '10.0.0.7', 'user_defined_id_file': str(tmp_path / 'ids'), 'aliuids_dir': str(users)}
    assert shipper.identity(settings) == {'ip': '10.0.0.7', 'user_defined_id': ['web-fleet'],
                                          'machine_uniqueid': '10.0.0.7', 'aliuids': ['1111', '1808078950770264']}
    settings.update(instance_id='i-abc', aliuids_dir=str(tmp_path / 'none'))
    found = shipper.identity(settings)
    assert found['instance_id'] == 'i-abc' and found['aliuids'] == []


class Answers:
    def __init__(self, answers):
        self.answers, self.sent = list(answers), []

    def heartbeat(self, identity):
        self.sent.append(identity)
        return self.answers.pop(0)


def test_a_refused_heartbeat_is_logged_once_per_change(tmp_path, capsys):
    config = {'kind': 'configs', 'project': 'p', 'logstore': 's', 'detail': {'inputType': 'syslog',
                                                                            'inputDetail': {'tag': 'web'}}}
    refused = {'groups': [], 'configs': [], 'refused': 'not an instance of the account, no AliUid marker'}
    ship = shipper.Shipper({'endpoint': '127.0.0.1:1', 'access_key_id': 'k', 'access_key_secret': 's',
                            'ip': '10.0.0.7', 'aliuids_dir': str(tmp_path)}, str(tmp_path / 'spool'))
    ship.client = Answers([refused, refused, {'groups': [{}], 'configs': [config]}, refused])
    ship._heartbeat()
    ship._heartbeat()
    assert ship.status['refused'] == refused['refused'] and ship._configs == []
    ship._ship([{'input': 'streamlog', 'tag': 'web', 'time': 1, 'contents': {'_content_': 'x'}}])
    ship._heartbeat()
    assert ship.status['refused'] is None and ship._configs == [config]
    ship._heartbeat()
    assert capsys.readouterr().err.splitlines() == [
        'shipper: heartbeat refused: ' + refused['refused'], 'shipper: heartbeat accepted',
        'shipper: heartbeat refused: ' + refused['refused']]
    assert open(ship.unshipped).read() == (
        "no applied config collects streamlog 'web' (heartbeat refused: %s)\tx\n" % refused['refused'])
    assert json.load(open(ship.configs_cache)) == []


class _Recorder(object):
    def __init__(self, answer):
        self.answer, self.puts = answer, []

    def heartbeat(self, identity):
        return self.answer

    def put_logs(self, project, logstore, body):
        self.puts.append((project, logstore, body))


def test_file_events_go_to_their_config_with_path_tags_and_topic_and_listeners_learn_the_configs(tmp_path):
    config = {'kind': 'pipelineconfigs', 'project': 'p', 'configName': 'app', 'logstore': 'applogs',
              'detail': {'inputs': [{'Type': 'input_file', 'FilePaths': ['/var/log/app*.log']}]}}
    ship = shipper.Shipper({'endpoint': '127.0.0.1:1', 'access_key_id': 'k', 'access_key_secret': 's',
                            'ip': '10.0.0.7', 'aliuids_dir': str(tmp_path)}, str(tmp_path / 'spool'))
    ship.client = _Recorder({'groups': [{}], 'configs': [config]})
    learnt = []
    ship.add_listener(learnt.append)
    assert learnt == []  # nothing cached yet
    ship._heartbeat()
    assert learnt == [[config]]
    record = {'input': 'input_file', 'tag': 'p/app', 'time': 5, 'contents': {'level': 'INFO'}, 'topic': 'web'}
    ship._ship([dict(record, tags={'__path__': '/var/log/app1.log', '__hostname__': 'h'}),
                dict(record, tags={'__path__': '/var/log/app2.log', '__hostname__': 'h'}),
                dict(record, tag='p/other', tags={})])
    groups = []
    for project, logstore, body in ship.client.puts:
        group = LogGroup()
        group.ParseFromString(body)
        tags = sorted((t.Key, t.Value) for t in group.LogTags)
        groups.append((project, logstore, group.Topic, tags, len(group.Logs)))
    assert groups == [('p', 'applogs', 'web', [('__hostname__', 'h'), ('__path__', '/var/log/app1.log')], 1),
                      ('p', 'applogs', 'web', [('__hostname__', 'h'), ('__path__', '/var/log/app2.log')], 1)]
    assert "no applied config collects input_file 'p/other'" in open(ship.unshipped).read()
