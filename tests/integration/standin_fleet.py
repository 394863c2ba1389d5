"""A Log Service fleet in the emulator for the Logtail stand-in's shipping: an indexed logstore, a userdefined
machine group with the syslog config applied, the stand-in's shipping settings (with what makes the host the
account's: an AliUid marker file or an ECS instance id), and search through the SDK."""
import json
import time

from aliyun.log import GetLogsRequest, IndexConfig, LogtailConfigGenerator, MachineGroupDetail
from aliyun.log.logtail_pipeline_config_detail import LogtailPipelineConfigDetail

import tools.alicloud_emulator
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import desired_index, index_body
from tests.support.sls_emulator import SLS_KEY_ID, SLS_KEY_SECRET

PROJECT, STORE, GROUP, TAG = 'standin-ship', 'syslog', 'web-fleet', 'web_syslog'
# The account the emulator is: a machine joins its machine groups when /etc/ilogtail/users/<this> exists or
# when it is one of the account's ECS instances.
ACCOUNT_ALIUID = getattr(tools.alicloud_emulator, 'DEFAULT_ACCOUNT_ALIUID', '1808078950770264')


def fleet(client):
    """Project, indexed logstore, a userdefined machine group and the syslog config applied to it."""
    client.create_project(PROJECT, 'stand-in shipping')
    client.create_logstore(PROJECT, STORE, ttl=7, append_meta=True)
    index = IndexConfig()
    index.from_json(index_body(desired_index({})[0]))
    client.create_index(PROJECT, STORE, index)
    client.create_machine_group(PROJECT, MachineGroupDetail(GROUP, 'userdefined', [GROUP]))
    client.create_logtail_config(PROJECT, LogtailConfigGenerator.generate_config({
        'configName': 'syslog-in', 'inputType': 'syslog', 'outputType': 'LogService',
        'inputDetail': {'tag': TAG}, 'outputDetail': {'logstoreName': STORE}}))
    client.apply_config_to_machine_group(PROJECT, 'syslog-in', GROUP)


def syslog_pipeline(client, address, name='syslog-pipeline', protocol='rfc5424'):
    """A pipeline config whose service_syslog input listens on ``address``, applied to the fleet's group."""
    client.create_logtail_pipeline_config(PROJECT, LogtailPipelineConfigDetail(
        name, [{'Type': 'service_syslog', 'Address': address, 'ParseProtocol': protocol}],
        [{'Type': 'flusher_sls', 'Logstore': STORE}]))
    client.apply_config_to_machine_group(PROJECT, name, GROUP)


def ecs_instance_ids(emu):
    """InstanceIds of the emulator's ECS dataset (the account's instances)."""
    return sorted(inst['InstanceId'] for region in emu.ecs.by_region.values() for inst, _ in region)


def write_settings(tmp_path, endpoint, ip='10.0.0.7', aliuid=ACCOUNT_ALIUID, instance_id=None):
    """The stand-in's shipping settings, its user_defined_id file and its AliUid marker directory (one file named
    ``aliuid``, or none when it is None) under ``tmp_path``; ``instance_id`` stands in for the metadata service."""
    ids = tmp_path / 'user_defined_id'
    ids.write_text('%s\n' % GROUP)
    users = tmp_path / 'users'
    users.mkdir(exist_ok=True)
    if aliuid:
        (users / aliuid).write_text('')
    settings = {'endpoint': endpoint, 'access_key_id': SLS_KEY_ID, 'access_key_secret': SLS_KEY_SECRET, 'ip': ip,
                'user_defined_id_file': str(ids), 'aliuids_dir': str(users)}
    if instance_id:
        settings['instance_id'] = instance_id
    path = tmp_path / 'standin_shipping.json'
    path.write_text(json.dumps(settings))
    return str(path)


def search(client, query, project=PROJECT, logstore=STORE):
    """Every matching row, paged 100 at a time as GetLogs answers; a page that is not complete yet (x-log-progress
    Incomplete) is asked again with the same window, as the SDK's callers must."""
    now, rows = int(time.time()), []
    while True:
        for _ in range(20):
            answer = client.get_logs(GetLogsRequest(project, logstore, now - 600, now + 60, query=query, line=100,
                                                    offset=len(rows)))
            if answer.is_completed():
                break
            time.sleep(0.1)
        else:
            raise AssertionError('GetLogs %r stayed Incomplete' % query)
        page = answer.get_logs()
        rows += [dict(log.get_contents(), __source__=log.get_source()) for log in page]
        if len(page) < 100:
            return rows
