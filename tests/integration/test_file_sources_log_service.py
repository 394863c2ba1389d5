"""Application log files, the Log Service side: sources set per inventory group become, through the real
log_service playbook (ansible-runner) and the unchanged SDK against the emulator, a logstore with an index on the
parsed fields, a machine group of the hosts that list the source and a LoongCollector pipeline config applied to
it; a second run changes nothing; a bad source fails before anything is written, naming the field and the host."""
import json
import os

from tests.support.playbook_runner import REPO_ROOT, run_playbook
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    mutating_calls, sls_emulator, sls_emulator_server, sls_env)

LOG_SERVICE = os.path.join(REPO_ROOT, 'playbooks', 'log_service.yml')
DECOMMISSION = os.path.join(REPO_ROOT, 'playbooks', 'decommission.yml')
PREFIX = 'alicloud-ops-logging-file'
SITE = {'alicloud_logging_project': 'app-logs', 'alicloud_logging_logstore': 'syslog'}
NGINX = {'name': 'nginx-access', 'paths': ['/var/log/nginx/access.log'], 'format': 'nginx', 'logstore': 'web-access',
         'topic': 'web'}
JAVA = {'name': 'todo-app', 'paths': ['/var/log/todo/app*.log'], 'format': 'regex',
        'multiline_start': r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} .*',
        'regex': r'(\S+ \S+) (\w+) \[([^\]]*)\] (\S+) - ([\s\S]*)',
        'keys': ['time', 'level', 'thread', 'logger', 'message']}


def write_inventory(tmp_path, web_sources, api_sources):
    path = tmp_path / 'hosts.json'
    path.write_text(json.dumps({'all': {
        'hosts': {'localhost': {'ansible_connection': 'local',
                                'ansible_python_interpreter': '{{ ansible_playbook_python }}'}},
        'children': {
            'web': {'hosts': {'web-1': {'private_ip': '10.1.0.11'}, 'web-2': {'private_ip': '10.1.0.12'}},
                    'vars': {'alicloud_logging_file_sources': web_sources}},
            'api': {'hosts': {'api-1': {'private_ip': '10.1.0.21'}},
                    'vars': {'alicloud_logging_file_sources': api_sources}}}}}))
    return str(path)


def sls_results(result):
    """(tasks and loop items that ran a module, those a converge_probe answered), by task name."""
    ran, answered = [], []
    for ev in result.runner.events:
        data = ev.get('event_data', {})
        action = str(data.get('task_action', ''))
        if ev.get('event') not in ('runner_on_ok', 'runner_item_on_ok') or not action.startswith('alicloud_ops.'):
            continue
        res = data.get('res') or {}
        if 'results' in res:
            continue  # a loop's summary: its items are counted
        (answered if 'answered_by_probe' in res else ran).append(data.get('task'))
    return ran, answered


def test_sources_become_logstores_indexes_groups_and_pipeline_configs(sls_emulator, tmp_path):
    env = sls_env(sls_emulator)
    inventory = write_inventory(tmp_path, [NGINX, JAVA], [JAVA])
    extravars = dict(SITE, alicloud_logging_hosts='web:api')
    first = run_playbook(tmp_path, LOG_SERVICE, extravars=extravars, inventory=inventory, envvars=env)
    assert first.rc == 0, first.stdout
    state = sls_emulator.sls_state()['projects']['app-logs']
    assert sorted(state['logstores']) == ['syslog', 'todo-app', 'web-access']

    index = state['logstores']['web-access']['index']
    assert index['keys']['status']['type'] == 'long' and index['keys']['request_uri']['type'] == 'text'
    assert sorted(state['logstores']['todo-app']['index']['keys']) == sorted(
        ['time', 'level', 'thread', 'logger', 'message', 'content'])

    groups = state['machinegroups']
    nginx_group, java_group = PREFIX + '-nginx-access', PREFIX + '-todo-app'
    assert groups[nginx_group]['machineIdentifyType'] == 'userdefined'
    assert groups[nginx_group]['machineList'] == [nginx_group] and groups[java_group]['machineList'] == [java_group]
    assert groups[nginx_group]['appliedConfigs'] == [nginx_group]
    assert groups[java_group]['appliedConfigs'] == [java_group]

    pipeline = state['pipelineconfigs'][nginx_group]
    assert pipeline['inputs'] == [{'Type': 'input_file', 'FilePaths': ['/var/log/nginx/access.log'],
                                   'MaxDirSearchDepth': 0}]
    assert pipeline['processors'][0]['Type'] == 'processor_parse_regex_native'
    assert pipeline['processors'][0]['Keys'][6:8] == ['status', 'body_bytes_sent']
    assert pipeline['flushers'][0]['Logstore'] == 'web-access'
    assert pipeline['global'] == {'TopicType': 'custom', 'TopicFormat': 'web'}
    java = state['pipelineconfigs'][java_group]
    assert java['inputs'][0]['Multiline']['StartPattern'] == JAVA['multiline_start']
    assert java['inputs'][0]['FilePaths'] == ['/var/log/todo/app*.log']

    sls_emulator.reset_stats()
    again = run_playbook(tmp_path, LOG_SERVICE, extravars=extravars, inventory=inventory, envvars=env)
    assert again.rc == 0 and again.changed == 0, again.stdout
    assert mutating_calls(sls_emulator) == {}
    # The idempotent run starts one module, the probe: every Log Service task and loop item takes its answer.
    ran, answered = sls_results(again)
    assert ran == ['Read what the Log Service tasks below would change, in one call'], ran
    per_source = ['Logstore of each application log file source', "Index of each application log file source's logstore",
                  'Machine group of the hosts that collect each application log file source',
                  'Pipeline config of each application log file source, applied to its machine group']
    assert answered == ['Log project', 'Logstore', 'Index of the logstore', 'Machine group of the hosts',
                        "Syslog collection config for the hosts' input (streamlog tag or service_syslog pipeline), "
                        'applied to the group'] + [name for name in per_source for _source in (NGINX, JAVA)] + [
                        'Application log file configs in the project'], answered

    # The web hosts stop collecting the Java log (the api host still does); then nobody collects nginx: its config
    # and machine group go, its logstore and the other source stay.
    fewer = write_inventory(tmp_path, [JAVA], [JAVA])
    shrunk = run_playbook(tmp_path, LOG_SERVICE, extravars=extravars, inventory=fewer, envvars=env)
    assert shrunk.rc == 0, shrunk.stdout
    state = sls_emulator.sls_state()['projects']['app-logs']
    assert sorted(state['pipelineconfigs']) == [java_group]
    assert nginx_group not in state['machinegroups'] and java_group in state['machinegroups']
    assert sorted(state['logstores']) == ['syslog', 'todo-app', 'web-access']
    # The syslog config is a legacy config of another name: untouched.
    assert 'alicloud-ops-logging-syslog' in state['configs']

    # Teardown (the decommission playbook's Log Service part; its host play selects no host here): every listed
    # source's config, group and logstore go; the logstore of the source no host lists any more holds logs nobody
    # asked to delete, so the project stays, naming it, until forced; a second run changes nothing.
    teardown = dict(SITE, alicloud_logging_remove_log_service=True, alicloud_logging_hosts='no_such_group')
    refused = run_playbook(tmp_path, DECOMMISSION, extravars=teardown, inventory=fewer, envvars=env)
    assert refused.rc != 0 and 'still holds logstore(s) web-access (1 in all)' in refused.stdout, refused.stdout
    state = sls_emulator.sls_state()['projects']['app-logs']
    assert sorted(state['logstores']) == ['web-access'] and state['pipelineconfigs'] == {}
    assert state['machinegroups'] == {} and state['configs'] == {}
    teardown['alicloud_logging_remove_project_force'] = True
    removed = run_playbook(tmp_path, DECOMMISSION, extravars=teardown, inventory=fewer, envvars=env)
    assert removed.rc == 0, removed.stdout
    assert 'app-logs' not in sls_emulator.sls_state()['projects']
    again = run_playbook(tmp_path, DECOMMISSION, extravars=teardown, inventory=fewer, envvars=env)
    assert again.rc == 0 and again.changed == 0, again.stdout


def test_ip_machine_groups_list_the_hosts_that_collect_the_source(sls_emulator, tmp_path):
    env = sls_env(sls_emulator)
    inventory = write_inventory(tmp_path, [NGINX, JAVA], [JAVA])
    extravars = dict(SITE, alicloud_logging_hosts='web:api', alicloud_logging_machine_type='ip')
    result = run_playbook(tmp_path, LOG_SERVICE, extravars=extravars, inventory=inventory, envvars=env)
    assert result.rc == 0, result.stdout
    groups = sls_emulator.sls_state()['projects']['app-logs']['machinegroups']
    assert sorted(groups[PREFIX + '-nginx-access']['machineList']) == ['10.1.0.11', '10.1.0.12']
    assert sorted(groups[PREFIX + '-todo-app']['machineList']) == ['10.1.0.11', '10.1.0.12', '10.1.0.21']


def test_a_bad_source_fails_before_anything_is_written(sls_emulator, tmp_path):
    env = sls_env(sls_emulator)
    inventory = write_inventory(tmp_path, [NGINX], [dict(JAVA, keys=['time', 'level'])])
    result = run_playbook(tmp_path, LOG_SERVICE, extravars=dict(SITE, alicloud_logging_hosts='web:api'),
                          inventory=inventory, envvars=env)
    assert result.rc != 0
    assert ('alicloud_logging_file_sources[0].keys: names 2 field(s) but the regex has 5 capture group(s) '
            '(host api-1)') in result.stdout
    assert mutating_calls(sls_emulator) == {}
