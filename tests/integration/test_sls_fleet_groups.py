"""Several machine groups from inventory host patterns, and Log Service teardown, through the real playbooks
(ansible-runner) and the unchanged SDK against the emulator."""
import json
import os

from tests.support.playbook_runner import REPO_ROOT, run_playbook
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    mutating_calls, sls_emulator, sls_emulator_server, sls_env)

LOG_SERVICE = os.path.join(REPO_ROOT, 'playbooks', 'log_service.yml')
DECOMMISSION = os.path.join(REPO_ROOT, 'playbooks', 'decommission.yml')
CONFIG = 'alicloud-ops-logging-syslog'
# Two kinds of servers, as in the tutorial: app servers by user-defined id, the certificate manager by IP.
GROUPS = [{'name': 'app', 'hosts': 'web'}, {'name': 'certman', 'hosts': 'certman', 'machine_type': 'ip'}]
SITE = {'alicloud_logging_project': 'fleet-logs', 'alicloud_logging_logstore': 'syslog',
        'alicloud_logging_machine_groups': GROUPS}
# decommission.yml's host play must not touch this machine: its pattern selects no host.
NO_HOSTS = {'alicloud_logging_hosts': 'no_such_group'}


def write_inventory(tmp_path):
    path = tmp_path / 'hosts.json'
    path.write_text(json.dumps({'all': {
        'hosts': {'localhost': {'ansible_connection': 'local',
                                'ansible_python_interpreter': '{{ ansible_playbook_python }}'}},
        'children': {
            'web': {'hosts': {'web-1': {'private_ip': '10.1.0.11'}, 'web-2': {'private_ip': '10.1.0.12'}},
                    'vars': {'alicloud_logging_user_defined_ids': ['web-fleet']}},
            'certman': {'hosts': {'cm-1': {'private_ip': '10.1.0.21'}}},
            'empty': {'hosts': {}}}}}))
    return str(path)


def project(emu, name='fleet-logs'):
    return emu.sls_state()['projects'].get(name)


def failure_messages(result):
    return [res.get('msg', '') for _, res in result.task_results('runner_on_failed')]


def test_two_groups_from_two_inventory_groups_in_one_run(sls_emulator, tmp_path):
    env, inventory = sls_env(sls_emulator), write_inventory(tmp_path)
    first = run_playbook(tmp_path, LOG_SERVICE, extravars=SITE, inventory=inventory, envvars=env)
    assert first.rc == 0, first.stdout
    groups = project(sls_emulator)['machinegroups']
    assert groups['app']['machineIdentifyType'] == 'userdefined' and groups['app']['machineList'] == ['web-fleet']
    assert groups['certman']['machineIdentifyType'] == 'ip' and groups['certman']['machineList'] == ['10.1.0.21']
    assert groups['app']['appliedConfigs'] == [CONFIG] and groups['certman']['appliedConfigs'] == [CONFIG]
    assert 'alicloud-ops-logging' not in groups

    sls_emulator.reset_stats()
    again = run_playbook(tmp_path, LOG_SERVICE, extravars=SITE, inventory=inventory, envvars=env)
    assert again.rc == 0 and again.changed == 0, again.stdout
    assert mutating_calls(sls_emulator) == {}

    # A third group joins: the config is applied to it and stays on the other two.
    more = dict(SITE, alicloud_logging_machine_groups=GROUPS + [
        {'name': 'everyone', 'hosts': 'web:certman', 'machine_type': 'ip'}])
    grown = run_playbook(tmp_path, LOG_SERVICE, extravars=more, inventory=inventory, envvars=env)
    assert grown.rc == 0, grown.stdout
    groups = project(sls_emulator)['machinegroups']
    assert sorted(groups['everyone']['machineList']) == ['10.1.0.11', '10.1.0.12', '10.1.0.21']
    assert all(groups[name]['appliedConfigs'] == [CONFIG] for name in ('app', 'certman', 'everyone'))
    assert 'RemoveConfigFromMachineGroup' not in mutating_calls(sls_emulator)


def test_a_pattern_that_selects_no_host_fails_naming_the_group(sls_emulator, tmp_path):
    env, inventory = sls_env(sls_emulator), write_inventory(tmp_path)
    extravars = dict(SITE, alicloud_logging_machine_groups=GROUPS + [{'name': 'billing', 'hosts': 'empty'}])
    result = run_playbook(tmp_path, LOG_SERVICE, extravars=extravars, inventory=inventory, envvars=env)
    assert result.rc != 0
    message, = failure_messages(result)
    assert "machine group billing: host pattern 'empty' selects no hosts" in message
    # Resolved before any group is written.
    assert 'CreateMachineGroup' not in mutating_calls(sls_emulator)


def test_teardown_removes_everything_and_a_second_run_changes_nothing(sls_emulator, tmp_path):
    env, inventory = sls_env(sls_emulator), write_inventory(tmp_path)
    assert run_playbook(tmp_path, LOG_SERVICE, extravars=SITE, inventory=inventory, envvars=env).rc == 0
    assert project(sls_emulator)['logstores']['syslog']['index']

    kept = run_playbook(tmp_path, DECOMMISSION, extravars=dict(SITE, **NO_HOSTS), inventory=inventory, envvars=env)
    assert kept.rc == 0 and kept.changed == 0, kept.stdout
    assert sorted(project(sls_emulator)['machinegroups']) == ['app', 'certman']

    teardown = dict(SITE, alicloud_logging_remove_log_service=True, **NO_HOSTS)
    removed = run_playbook(tmp_path, DECOMMISSION, extravars=teardown, inventory=inventory, envvars=env)
    assert removed.rc == 0, removed.stdout
    assert removed.changed == 4, removed.stdout
    assert sls_emulator.sls_state() == {'projects': {}}

    sls_emulator.reset_stats()
    again = run_playbook(tmp_path, DECOMMISSION, extravars=teardown, inventory=inventory, envvars=env)
    assert again.rc == 0 and again.changed == 0, again.stdout
    assert mutating_calls(sls_emulator) == {}


def test_teardown_keeps_a_project_that_holds_other_logstores_unless_forced(sls_emulator, tmp_path):
    env, inventory = sls_env(sls_emulator), write_inventory(tmp_path)
    assert run_playbook(tmp_path, LOG_SERVICE, extravars=SITE, inventory=inventory, envvars=env).rc == 0
    other = dict(SITE, alicloud_logging_logstore='audit', alicloud_logging_machine_groups=[
        {'name': 'audit-hosts', 'hosts': 'certman'}], alicloud_logging_logtail_config_name='audit-syslog')
    assert run_playbook(tmp_path, LOG_SERVICE, extravars=other, inventory=inventory, envvars=env).rc == 0

    teardown = dict(SITE, alicloud_logging_remove_log_service=True, **NO_HOSTS)
    refused = run_playbook(tmp_path, DECOMMISSION, extravars=teardown, inventory=inventory, envvars=env)
    assert refused.rc != 0
    message, = failure_messages(refused)
    assert 'project fleet-logs still holds logstore(s) audit' in message and 'force' in message
    proj = project(sls_emulator)
    # Its own resources went; the other team's logstore, group and config stay.
    assert sorted(proj['logstores']) == ['audit'] and sorted(proj['machinegroups']) == ['audit-hosts']
    assert sorted(proj['configs']) == ['audit-syslog']

    forced = run_playbook(tmp_path, DECOMMISSION, inventory=inventory, envvars=env,
                          extravars=dict(teardown, alicloud_logging_remove_project_force=True))
    assert forced.rc == 0 and forced.changed == 1, forced.stdout
    assert sls_emulator.sls_state() == {'projects': {}}


def test_the_single_ip_group_takes_a_host_pattern_too(sls_emulator, tmp_path):
    """The issue's case: alicloud_logging_hosts 'web:certman' used to give an empty IP list, silently."""
    env, inventory = sls_env(sls_emulator), write_inventory(tmp_path)
    single = {'alicloud_logging_project': 'fleet-logs', 'alicloud_logging_logstore': 'syslog',
              'alicloud_logging_machine_type': 'ip', 'alicloud_logging_hosts': 'web:certman'}
    result = run_playbook(tmp_path, LOG_SERVICE, extravars=single, inventory=inventory, envvars=env)
    assert result.rc == 0, result.stdout
    group = project(sls_emulator)['machinegroups']['alicloud-ops-logging']
    assert group['machineList'] == ['10.1.0.11', '10.1.0.12', '10.1.0.21']

    empty = run_playbook(tmp_path, LOG_SERVICE, extravars=dict(single, alicloud_logging_hosts='empty'),
                         inventory=inventory, envvars=env)
    assert empty.rc != 0
    assert "machine group alicloud-ops-logging: host pattern 'empty' selects no hosts" in failure_messages(empty)[0]
