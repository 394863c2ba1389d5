"""A Log Service fleet in the emulator for the Logtail stand-in's shipping: an indexed logstore, a userdefined
machine group with the syslog config applied, the stand-in's shipping settings, and search through the SDK."""
import json
import time

from aliyun.log import GetLogsRequest, IndexConfig, LogtailConfigGenerator, MachineGroupDetail

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import desired_index, index_body
from tests.support.sls_emulator import SLS_KEY_ID, SLS_KEY_SECRET

PROJECT, STORE, GROUP, TAG = 'standin-ship', 'syslog', 'web-fleet', 'web_syslog'


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


def write_settings(tmp_path, endpoint, ip='10.0.0.7'):
    ids = tmp_path / 'user_defined_id'
    ids.write_text('%s\n' % GROUP)
    settings = tmp_path / 'standin_shipping.json'
    settings.write_text(json.dumps({'endpoint': endpoint, 'access_key_id': SLS_KEY_ID,
                                    'access_key_secret': SLS_KEY_SECRET, 'ip': ip,
                                    'user_defined_id_file': str(ids)}))
    return str(settings)


def search(client, query, project=PROJECT, logstore=STORE):
    """Every matching row, paged 100 at a time as GetLogs answers."""
    now, rows = int(time.time()), []
    while True:
        page = client.get_logs(GetLogsRequest(project, logstore, now - 600, now + 60, query=query, line=100,
                                              offset=len(rows))).get_logs()
        rows += [dict(log.get_contents(), __source__=log.get_source()) for log in page]
        if len(page) < 100:
            return rows
