"""sls_project's refusal to drop logstores, and absent resources inside a project that is already gone (emulator)."""
from unittest import mock

from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.modules import (
    sls_index, sls_logstore, sls_logtail_config, sls_machine_group, sls_project)
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    mutating_calls, sls_emulator, sls_emulator_server, state_json)
from tests.unit.plugins.modules.test_sls_modules import build_fleet, run


def test_project_with_logstores_is_kept_unless_forced(sls_emulator):
    build_fleet(sls_emulator)
    before = state_json(sls_emulator)
    sls_emulator.reset_stats()
    refused = run(sls_project, sls_emulator, name='proj-a', state='absent')
    assert refused.failed and refused.msg.startswith('force: project proj-a still holds logstore(s) syslog (1 in all)')
    assert refused.data['logstores'] == ['syslog']
    assert state_json(sls_emulator) == before and mutating_calls(sls_emulator) == {}

    # Check mode cannot know whether an earlier task of the run deleted them: it warns and reports the deletion.
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        checked = run(sls_project, sls_emulator, check=True, name='proj-a', state='absent')
    assert not checked.failed and checked.data['changed'] and checked.data['changes'] == ['deleted']
    assert any('still holds logstore(s) syslog' in call.args[0] for call in warn.call_args_list)
    assert state_json(sls_emulator) == before

    forced = run(sls_project, sls_emulator, name='proj-a', state='absent', force=True)
    assert not forced.failed and forced.data['changed']
    assert sls_emulator.sls_state() == {'projects': {}}


def test_absent_inside_a_missing_project_is_already_absent(sls_emulator):
    for module, args in [(sls_logtail_config, {'name': 'cfg'}), (sls_machine_group, {'name': 'hosts'}),
                         (sls_index, {'logstore': 'syslog'}), (sls_logstore, {'name': 'syslog'})]:
        result = run(module, sls_emulator, project='proj-gone', state='absent', **args)
        assert not result.failed and not result.data['changed'], (module.__name__, result)
    assert mutating_calls(sls_emulator) == {}
    # Present still names the missing project.
    assert run(sls_logstore, sls_emulator, project='proj-gone', name='syslog').msg.startswith(
        'project: project proj-gone does not exist')
