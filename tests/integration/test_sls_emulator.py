"""Log Service through real playbooks (ansible-runner) and the unchanged SDK against the emulator."""
import json
import os
from datetime import datetime, timedelta

import pytest
import requests
from aliyun.log import LogClient, LogException
from aliyun.log.auth import AuthV1

from tests.support.playbook_runner import REPO_ROOT, run_playbook
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    SLS_KEY_ID, SLS_KEY_SECRET, mutating_calls, sls_emulator, sls_emulator_server, sls_env, state_json)

LOG_SERVICE_PLAYBOOK = os.path.join(REPO_ROOT, 'playbooks', 'log_service.yml')
SITE_VARS = {'alicloud_logging_project': 'web-logs', 'alicloud_logging_logstore': 'syslog',
             'alicloud_logging_sys_tag': 'sys_tag', 'alicloud_logging_user_defined_ids': ['web-fleet']}


def module_play(tasks):
    return [{'name': 'sls', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]


def task(module, **args):
    return {'name': '%s %s' % (module, args.get('name', '')), 'alicloud_ops.logging.%s' % module: args}


def resources(state='present', ttl=30, machines=('id-1',), append=False, tag='sys_tag', groups=('hosts',),
              topic='web'):
    return [
        task('sls_project', name='proj-int', description='integration', state=state),
        task('sls_logstore', project='proj-int', name='syslog', ttl=ttl, shard_count=2, state=state),
        task('sls_machine_group', project='proj-int', name='hosts', machines=list(machines), append=append,
             group_topic=topic, state=state),
        task('sls_machine_group', project='proj-int', name='by-ip', machine_type='ip',
             machines=['10.0.0.1', '10.0.0.2'], state=state),
        task('sls_logtail_config', project='proj-int', name='syslog-forward', logstore='syslog', tag=tag,
             machine_groups=list(groups), state=state),
    ]


def changed_tasks(result):
    return [name for name, res in result.task_results() if res.get('changed')]


def project(emu, name='proj-int'):
    return emu.sls_state()['projects'].get(name)


def test_each_module_create_rerun_update_delete(sls_emulator, tmp_path):
    env = sls_env(sls_emulator)
    first = run_playbook(tmp_path, module_play(resources()), envvars=env)
    assert first.rc == 0, first.stdout
    assert first.changed == 5
    proj = project(sls_emulator)
    assert proj['description'] == 'integration' and proj['logstores']['syslog']['ttl'] == 30
    assert proj['machinegroups']['hosts']['machineList'] == ['id-1']
    assert proj['machinegroups']['hosts']['groupAttribute'] == {'groupTopic': 'web'}
    assert proj['machinegroups']['by-ip']['machineIdentifyType'] == 'ip'
    assert proj['configs']['syslog-forward']['inputDetail']['tag'] == 'sys_tag'
    assert proj['machinegroups']['hosts']['appliedConfigs'] == ['syslog-forward']

    again = run_playbook(tmp_path, module_play(resources()), envvars=env)
    assert again.rc == 0 and again.changed == 0, changed_tasks(again)
    assert mutating_calls(sls_emulator)['CreateProject'] == 1

    sls_emulator.reset_stats()
    update = run_playbook(tmp_path, module_play(resources(ttl=60, machines=['id-2'], append=True, tag='app_tag',
                                                          groups=['by-ip'], topic='api')), envvars=env)
    assert update.rc == 0, update.stdout
    assert update.changed == 3, changed_tasks(update)
    proj = project(sls_emulator)
    assert proj['logstores']['syslog']['ttl'] == 60
    assert proj['machinegroups']['hosts']['machineList'] == ['id-1', 'id-2']
    assert proj['machinegroups']['hosts']['groupAttribute'] == {'groupTopic': 'api'}
    assert proj['configs']['syslog-forward']['inputDetail']['tag'] == 'app_tag'
    assert proj['machinegroups']['hosts']['appliedConfigs'] == []
    assert proj['machinegroups']['by-ip']['appliedConfigs'] == ['syslog-forward']
    assert set(mutating_calls(sls_emulator)) == {'UpdateLogStore', 'UpdateMachineGroup', 'UpdateConfig',
                                                 'ApplyConfigToMachineGroup', 'RemoveConfigFromMachineGroup'}

    teardown = list(reversed(resources(state='absent')))
    delete = run_playbook(tmp_path, module_play(teardown), envvars=env)
    assert delete.rc == 0, delete.stdout
    assert delete.changed == 5
    assert sls_emulator.sls_state() == {'projects': {}}
    assert run_playbook(tmp_path, module_play(teardown), envvars=env).changed == 0


def test_removing_the_config_detaches_it_first(sls_emulator, tmp_path):
    env = sls_env(sls_emulator)
    assert run_playbook(tmp_path, module_play(resources()), envvars=env).rc == 0
    sls_emulator.reset_stats()
    result = run_playbook(tmp_path, module_play([task('sls_logtail_config', project='proj-int',
                                                      name='syslog-forward', state='absent')]), envvars=env)
    assert result.rc == 0 and result.changed == 1
    (_, res), = result.task_results()
    assert res['detached'] == ['hosts']
    assert mutating_calls(sls_emulator) == {'RemoveConfigFromMachineGroup': 1, 'DeleteConfig': 1}
    assert project(sls_emulator)['configs'] == {}


def test_pipeline_form_create_rerun_and_switch_back(sls_emulator, tmp_path):
    env = sls_env(sls_emulator)
    assert run_playbook(tmp_path, module_play(resources()), envvars=env).rc == 0
    pipeline = {'inputs': [{'Type': 'input_file', 'FilePaths': ['/var/log/app/*.log']}],
                'processors': [{'Type': 'processor_parse_json_native', 'SourceKey': 'content'}]}
    play = module_play([task('sls_logtail_config', project='proj-int', name='syslog-forward', logstore='syslog',
                             pipeline=pipeline, machine_groups=['hosts'])])
    switched = run_playbook(tmp_path, play, envvars=env)
    assert switched.rc == 0 and switched.changed == 1, switched.stdout
    proj = project(sls_emulator)
    assert proj['configs'] == {}
    stored = proj['pipelineconfigs']['syslog-forward']
    assert stored['flushers'] == [{'Type': 'flusher_sls', 'Logstore': 'syslog'}]
    assert stored['processors'] == pipeline['processors']
    assert proj['machinegroups']['hosts']['appliedConfigs'] == ['syslog-forward']
    assert run_playbook(tmp_path, play, envvars=env).changed == 0
    back = run_playbook(tmp_path, module_play(resources()), envvars=env)
    assert back.rc == 0 and changed_tasks(back) == ['sls_logtail_config syslog-forward']
    assert project(sls_emulator)['pipelineconfigs'] == {}


def test_check_mode_changes_nothing_on_the_server(sls_emulator, tmp_path):
    env = sls_env(sls_emulator)
    empty = run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, check=True, diff=True, extravars=SITE_VARS, envvars=env)
    assert empty.rc == 0, empty.stdout
    assert empty.changed == 5
    assert sls_emulator.sls_state() == {'projects': {}}
    assert mutating_calls(sls_emulator) == {}

    assert run_playbook(tmp_path, module_play(resources()), envvars=env).rc == 0
    before = state_json(sls_emulator)
    sls_emulator.reset_stats()
    changed = run_playbook(tmp_path, module_play(resources(ttl=90, machines=['id-9'], tag='other')), check=True,
                           diff=True, envvars=env)
    assert changed.rc == 0 and changed.changed == 3, changed_tasks(changed)
    assert "'ttl': 90" in changed.stdout or '"ttl": 90' in changed.stdout
    teardown = run_playbook(tmp_path, module_play(list(reversed(resources(state='absent')))), check=True,
                            envvars=env)
    assert teardown.rc == 0 and teardown.changed == 5
    assert state_json(sls_emulator) == before
    assert mutating_calls(sls_emulator) == {}


def test_log_service_playbook_drives_from_the_site_variables(sls_emulator, tmp_path):
    env = sls_env(sls_emulator)
    first = run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, extravars=SITE_VARS, envvars=env)
    assert first.rc == 0, first.stdout
    assert first.changed == 5
    # The default index: the syslog fields both inputs set, and the five only service_syslog adds.
    assert sorted(project(sls_emulator, 'web-logs')['logstores']['syslog']['index']['keys']) == \
        ['_client_ip_', '_content_', '_facility_', '_hostname_', '_ip_', '_message_id_', '_priority_',
         '_process_id_', '_program_', '_severity_', '_structured_data_', '_unixtimestamp_']
    proj = project(sls_emulator, 'web-logs')
    group = proj['machinegroups']['alicloud-ops-logging']
    assert group['machineIdentifyType'] == 'userdefined' and group['machineList'] == ['web-fleet']
    config = proj['configs']['alicloud-ops-logging-syslog']
    assert config['inputDetail']['tag'] == 'sys_tag' and config['outputDetail']['logstoreName'] == 'syslog'
    assert group['appliedConfigs'] == ['alicloud-ops-logging-syslog']
    assert run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, extravars=SITE_VARS, envvars=env).changed == 0

    off = run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, envvars=env,
                       extravars={'alicloud_logging_manage_log_service': False})
    assert off.rc == 0 and off.changed == 0 and sls_emulator.stats()['calls'].get('CreateProject') == 1

    # No project named and no switch: site.yml's first play says so and calls nothing.
    unset = run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, envvars=env)
    assert unset.rc == 0 and unset.changed == 0, unset.stdout
    assert 'Log Service resources are left alone' in unset.stdout
    assert sls_emulator.stats()['calls'].get('CreateProject') == 1


def test_loongcollector_gets_a_service_syslog_pipeline_config(sls_emulator, tmp_path):
    """logtail_flavor loongcollector defaults the input to service_syslog: a pipeline config, no streamlog tag."""
    env = sls_env(sls_emulator)
    extravars = dict(SITE_VARS, logtail_flavor='loongcollector', alicloud_logging_syslog_port=5140)
    first = run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, extravars=extravars, envvars=env)
    assert first.rc == 0 and first.changed == 5, first.stdout
    proj = project(sls_emulator, 'web-logs')
    stored = proj['pipelineconfigs']['alicloud-ops-logging-syslog']
    assert stored['inputs'] == [{'Type': 'service_syslog', 'Address': 'tcp://127.0.0.1:5140',
                                 'ParseProtocol': 'rfc5424'}]
    assert stored['flushers'] == [{'Type': 'flusher_sls', 'Logstore': 'syslog'}]
    assert 'alicloud-ops-logging-syslog' not in proj.get('configs', {})
    assert proj['machinegroups']['alicloud-ops-logging']['appliedConfigs'] == ['alicloud-ops-logging-syslog']
    assert run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, extravars=extravars, envvars=env).changed == 0


def test_log_service_playbook_passes_a_profile_to_every_module(sls_emulator, tmp_path):
    """alicloud_logging_profile reaches all five modules through module_defaults group/alicloud_ops.logging.sls;
    the environment's keys are wrong, so only the profile can sign."""
    home = tmp_path / 'home'
    (home / '.aliyun').mkdir(parents=True)
    (home / '.aliyun' / 'config.json').write_text(json.dumps({'current': 'other', 'profiles': [
        {'name': 'other', 'mode': 'AK', 'access_key_id': 'nobody', 'access_key_secret': 'nothing-0123'},
        {'name': 'logging', 'mode': 'AK', 'access_key_id': SLS_KEY_ID, 'access_key_secret': SLS_KEY_SECRET}]}))
    env = dict(sls_env(sls_emulator, secret='wrong-env-secret-0123'), HOME=str(home))
    result = run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, envvars=env,
                          extravars=dict(SITE_VARS, alicloud_logging_profile='logging'))
    assert result.rc == 0 and result.changed == 5, result.stdout
    assert sorted(project(sls_emulator, 'web-logs')['configs']) == ['alicloud-ops-logging-syslog']
    assert SLS_KEY_SECRET not in result.stdout


def test_ip_machine_group_from_inventory_hostvars(sls_emulator, tmp_path):
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(json.dumps({'all': {'hosts': {
        'localhost': {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
        'web-1': {'private_ip': '10.1.0.11'}, 'web-2': {'private_ip': '10.1.0.12'}},
        'children': {'web': {'hosts': {'web-1': {}, 'web-2': {}}}}}}))
    extravars = dict(SITE_VARS, alicloud_logging_machine_type='ip', alicloud_logging_hosts='web')
    result = run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, extravars=extravars, inventory=str(inventory),
                          envvars=sls_env(sls_emulator))
    assert result.rc == 0, result.stdout
    group = project(sls_emulator, 'web-logs')['machinegroups']['alicloud-ops-logging']
    assert group['machineIdentifyType'] == 'ip' and sorted(group['machineList']) == ['10.1.0.11', '10.1.0.12']


def test_wrong_key_gives_a_clear_error_without_the_secret(sls_emulator, tmp_path):
    wrong = 'wrong-secret-XYZ-0123456789'
    result = run_playbook(tmp_path, LOG_SERVICE_PLAYBOOK, extravars=SITE_VARS,
                          envvars=sls_env(sls_emulator, secret=wrong))
    assert result.rc != 0 and result.failed == 1
    failures = [res for _, res in result.task_results('runner_on_failed')]
    assert 'SignatureNotMatch' in failures[0]['msg']
    assert 'access_key_secret does not belong to access_key_id' in failures[0]['msg']
    everything = result.stdout + json.dumps([ev for ev in result.runner.events], default=str)
    assert wrong not in everything and SLS_KEY_SECRET not in everything
    assert sls_emulator.sls_state() == {'projects': {}}


def _client(emu, secret=SLS_KEY_SECRET, **kwargs):
    client = LogClient(emu.endpoint, SLS_KEY_ID, secret, source='test', **kwargs)
    client._isRowIp = True  # as sls_client.single_attempt_client does for IP:port endpoints
    return client


def test_emulator_rejects_bad_signatures(sls_emulator, monkeypatch):
    with pytest.raises(LogException) as wrong:
        _client(sls_emulator, secret='not-the-secret').list_project()
    assert (wrong.value.resp_status, wrong.value.get_error_code()) == (401, 'SignatureNotMatch')
    assert wrong.value.get_request_id()

    forged = requests.get(sls_emulator.url + '/', headers={
        'Host': 'web-logs.127.0.0.1', 'x-log-apiversion': '0.6.0', 'x-log-signaturemethod': 'hmac-sha1',
        'Date': datetime.utcnow().strftime('%a, %d %b %Y %H:%M:%S GMT'),
        'Authorization': 'LOG %s:AAAAAAAAAAAAAAAAAAAAAAAAAAA=' % SLS_KEY_ID}, timeout=10)
    assert forged.status_code == 401 and forged.json()['errorCode'] == 'SignatureNotMatch'
    assert forged.headers['x-log-requestid']
    unsigned = requests.get(sls_emulator.url + '/', headers={'Host': 'web-logs.127.0.0.1',
                                                              'x-log-apiversion': '0.6.0'}, timeout=10)
    assert unsigned.status_code == 401 and unsigned.json()['errorCode'] == 'Unauthorized'

    stale = (datetime.utcnow() - timedelta(hours=1)).strftime('%a, %d %b %Y %H:%M:%S GMT')
    monkeypatch.setattr(AuthV1, '_getGMT', staticmethod(lambda: stale))
    with pytest.raises(LogException) as skewed:
        _client(sls_emulator).list_project()
    # Log Service API reference, Error codes: 400 RequestTimeExpired beyond 15 minutes either way.
    assert (skewed.value.resp_status, skewed.value.get_error_code()) == (400, 'RequestTimeExpired')
    ahead = (datetime.utcnow() + timedelta(minutes=16)).strftime('%a, %d %b %Y %H:%M:%S GMT')
    monkeypatch.setattr(AuthV1, '_getGMT', staticmethod(lambda: ahead))
    with pytest.raises(LogException) as skewed:
        _client(sls_emulator).list_project()
    assert (skewed.value.resp_status, skewed.value.get_error_code()) == (400, 'RequestTimeExpired')
    assert sls_emulator.stats()['signature_failures'] == 5


def test_sdk_v1_and_v4_and_real_error_codes(sls_emulator):
    v1 = _client(sls_emulator)
    v4 = _client(sls_emulator, auth_version='v4', region='cn-hangzhou')
    v1.create_project('proj-sdk', 'x')
    assert v4.get_project('proj-sdk').get_description() == 'x'
    codes = []
    for call in (lambda: v1.create_project('proj-sdk', 'x'), lambda: v4.get_project('proj-none'),
                 lambda: v1.get_logstore('proj-sdk', 'nostore'), lambda: v1.get_machine_group('proj-sdk', 'nogrp'),
                 lambda: v1.get_logtail_config('proj-sdk', 'nocfg'),
                 lambda: v1.apply_config_to_machine_group('proj-sdk', 'nocfg', 'nogrp')):
        with pytest.raises(LogException) as err:
            call()
        codes.append(err.value.get_error_code())
    assert codes == ['ProjectAlreadyExist', 'ProjectNotExist', 'LogStoreNotExist', 'MachineGroupNotExist',
                     'ConfigNotExist', 'MachineGroupNotExist']
    v1.create_logstore('proj-sdk', 'store')
    with pytest.raises(LogException) as dup:
        v4.create_logstore('proj-sdk', 'store')
    assert dup.value.get_error_code() == 'LogStoreAlreadyExist'
