"""sls_* modules in-process: argument errors, credential resolution, check mode and error text (emulator)."""
import json
from unittest import mock

import pytest
from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_client, sls_module
from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.sls_logtail_config import ConfigTasks
from ansible_collections.alicloud_ops.logging.plugins.modules import (
    sls_logstore, sls_logtail_config, sls_machine_group, sls_project)
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    SLS_KEY_ID, SLS_KEY_SECRET, mutating_calls, sls_auth, sls_emulator, sls_emulator_server, sls_sdk_client,
    state_json)

PROJECT_RULE = ('3-63 characters: lowercase letters, digits and hyphens, starting and ending with a letter or '
                'digit')
MODULES = [sls_project, sls_logstore, sls_machine_group, sls_logtail_config]


def run(module, emu, check=False, **args):
    return run_module(module.main, dict(sls_auth(emu), **args), check_mode=check, diff=True)


def build_fleet(emu):
    assert not run(sls_project, emu, name='proj-a').failed
    assert not run(sls_logstore, emu, project='proj-a', name='syslog').failed
    assert not run(sls_machine_group, emu, project='proj-a', name='hosts', machines=['id-1']).failed
    assert not run(sls_logtail_config, emu, project='proj-a', name='cfg', logstore='syslog', tag='sys_tag',
                   machine_groups=['hosts']).failed


@pytest.mark.parametrize('module,args,field', [
    (sls_project, {'name': 'Bad_Name'}, 'name: invalid project name'),
    (sls_logstore, {'project': 'proj-a', 'name': 'x'}, 'name: invalid logstore name'),
    (sls_logstore, {'project': 'proj-a', 'name': 'store', 'ttl': 0}, 'ttl: must be between 1 and 3650'),
    (sls_logstore, {'project': 'proj-a', 'name': 'store', 'shard_count': 300}, 'shard_count: must be between'),
    (sls_machine_group, {'project': 'proj-a', 'name': 'g'}, 'name: invalid machine group name'),
    (sls_machine_group, {'project': 'proj-a', 'name': 'grp', 'machine_type': 'ip', 'machines': ['web-1']},
     "machines[0]: 'web-1' is not an IP address"),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'store'}, 'tag: required'),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'store', 'tag': 'two words'},
     'tag: must be one word'),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'store', 'pipeline': {'inputs': []}},
     'pipeline.inputs: exactly one input plugin'),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'tag': 't'}, 'logstore'),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'store', 'tag': 't',
                          'machine_groups': ['g']}, 'machine_groups: invalid machine group name'),
])
def test_bad_arguments_name_the_field_and_call_nothing(sls_emulator, module, args, field):
    result = run(module, sls_emulator, **args)
    assert result.failed, result
    assert field in result.msg
    assert sls_emulator.stats()['calls'] == {}


def test_missing_credentials_and_endpoint_name_the_options(sls_emulator):
    result = run_module(sls_project.main, {'name': 'proj-a'})
    assert result.failed
    for field in ('endpoint:', 'access_key_id: no credentials found', 'ALIBABA_CLOUD_ACCESS_KEY_ID',
                  'ALIBABA_CLOUD_ECS_METADATA_DISABLED'):
        assert field in result.msg
    assert set(result.data['invalid_options']) == {'endpoint', 'access_key_id'}


def test_half_a_key_pair_names_the_missing_option(sls_emulator):
    result = run_module(sls_project.main, {'name': 'proj-a', 'endpoint': sls_emulator.endpoint,
                                           'access_key_id': SLS_KEY_ID})
    assert result.failed and 'access_key_secret: options: access_key_id is set but access_key_secret is missing' \
        in result.msg
    assert result.data['invalid_options'] == ['access_key_secret']
    assert sls_emulator.stats()['calls'] == {}


def test_v4_needs_region(sls_emulator):
    result = run(sls_project, sls_emulator, name='proj-a', auth_version='v4')
    assert result.failed and 'region: auth_version v4' in result.msg


def test_credentials_from_environment_in_documented_order(sls_emulator, monkeypatch):
    monkeypatch.setenv('ALICLOUD_SLS_ENDPOINT', sls_emulator.endpoint)
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', SLS_KEY_ID)
    monkeypatch.setenv('ALICLOUD_SECRET_KEY', 'wrong-legacy-secret')
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', SLS_KEY_SECRET)
    result = run_module(sls_project.main, {'name': 'proj-env'})
    assert not result.failed, result
    assert 'proj-env' in sls_emulator.sls_state()['projects']


def test_v4_signing_through_the_module(sls_emulator):
    result = run(sls_project, sls_emulator, name='proj-v4', auth_version='v4', region='cn-hangzhou')
    assert not result.failed and result.changed


def test_secrets_are_no_log_in_every_module():
    spec = sls_module.sls_argument_spec()
    assert spec['access_key_secret']['no_log'] and spec['security_token']['no_log']
    assert spec['access_key_id']['no_log'] is False


def test_endpoint_resolution():
    assert sls_module.resolve_endpoint(' 127.0.0.1:80 ', 'cn-hangzhou') == '127.0.0.1:80'
    assert sls_module.resolve_endpoint(None, 'cn-beijing') == 'https://cn-beijing.log.aliyuncs.com'
    assert sls_module.resolve_endpoint(None, None) is None


def test_error_text_masks_secret_and_adds_hint():
    err = sls_client.LogException('SignatureNotMatch', 'secret s3cr3t-value leaked?', 'REQ-1', 401)
    text = sls_client.describe_sls_error(err, 'GetProject', ['s3cr3t-value', None])
    assert text == ('access_key_secret: GetProject failed: SignatureNotMatch: secret ******** leaked? '
                    '(access_key_secret does not belong to access_key_id) [request id REQ-1]')


@pytest.mark.parametrize('code', ['RequestTimeExpired', 'RequestTimeTooSkewed'])
def test_clock_skew_says_so(code):
    err = sls_client.LogException(code, 'Request time 2026 is out of range', 'REQ-2', 400)
    assert sls_client.describe_sls_error(err, 'PutLogs', []) == (
        'PutLogs failed: %s: Request time 2026 is out of range (the controller clock is more than 15 minutes off) '
        '[request id REQ-2]' % code)


def test_wrong_secret_fails_clearly_without_the_secret(sls_emulator):
    wrong = 'wrong-secret-0123456789'
    result = run_module(sls_project.main, dict(sls_auth(sls_emulator, secret=wrong), name='proj-a'))
    assert result.failed
    assert 'SignatureNotMatch' in result.msg and 'access_key_secret does not belong' in result.msg
    assert result.data['error_code'] == 'SignatureNotMatch'
    assert wrong not in json.dumps(result.data) and SLS_KEY_SECRET not in json.dumps(result.data)


def test_unknown_key_id_is_unauthorized(sls_emulator):
    result = run_module(sls_project.main, dict(sls_auth(sls_emulator, key_id='LTAI-nobody'), name='proj-a'))
    assert result.failed and 'Unauthorized' in result.msg and 'LTAI-nobody' in result.msg


def test_check_mode_on_empty_service_reports_creation_and_writes_nothing(sls_emulator):
    results = [
        run(sls_project, sls_emulator, check=True, name='proj-a'),
        run(sls_logstore, sls_emulator, check=True, project='proj-a', name='syslog'),
        run(sls_machine_group, sls_emulator, check=True, project='proj-a', name='hosts', machines=['id-1']),
        run(sls_logtail_config, sls_emulator, check=True, project='proj-a', name='cfg', logstore='syslog',
            tag='sys_tag', machine_groups=['hosts']),
    ]
    for result in results:
        assert not result.failed, result
        assert result.changed and result.data['changes'] == ['created']
    assert results[2].data['diff']['after']['machines'] == ['id-1']
    assert results[3].data['attached'] == ['hosts']
    assert sls_emulator.sls_state() == {'projects': {}}
    assert mutating_calls(sls_emulator) == {}


def test_check_mode_on_existing_resources_reports_and_keeps_them(sls_emulator):
    build_fleet(sls_emulator)
    before = state_json(sls_emulator)
    sls_emulator.reset_stats()
    cases = [
        (sls_project, {'name': 'proj-a', 'description': 'new'}, ['description']),
        (sls_logstore, {'project': 'proj-a', 'name': 'syslog', 'ttl': 90}, ['ttl']),
        (sls_machine_group, {'project': 'proj-a', 'name': 'hosts', 'machines': ['id-2'], 'append': True},
         ['machines']),
        (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'syslog', 'tag': 'other'},
         ['inputDetail.tag']),
        (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'state': 'absent'}, ['deleted']),
        (sls_machine_group, {'project': 'proj-a', 'name': 'hosts', 'state': 'absent'}, ['deleted']),
    ]
    for module, args, changes in cases:
        result = run(module, sls_emulator, check=True, **args)
        assert not result.failed, result
        assert result.changed and result.data['changes'] == changes, result
        assert result.data['diff']['before'] != result.data['diff']['after']
    assert state_json(sls_emulator) == before
    assert mutating_calls(sls_emulator) == {}


def test_missing_project_outside_check_mode_names_it(sls_emulator):
    result = run(sls_logstore, sls_emulator, project='proj-none', name='syslog')
    assert result.failed and result.msg.startswith('project: project proj-none does not exist')


def test_missing_logstore_and_group_are_named_before_any_write(sls_emulator):
    build_fleet(sls_emulator)
    result = run(sls_logtail_config, sls_emulator, project='proj-a', name='cfg2', logstore='nostore', tag='t')
    assert result.failed and result.msg.startswith('logstore: logstore nostore does not exist')
    before = state_json(sls_emulator)
    result = run(sls_logtail_config, sls_emulator, project='proj-a', name='cfg', logstore='syslog', tag='new',
                 machine_groups=['hosts', 'nogroup'])
    assert result.failed and 'machine_groups: machine group nogroup does not exist' in result.msg
    assert state_json(sls_emulator) == before


# -- Issue 25: sls_machine_group's writes, read back, and its messages word for word ------------------------------
def group_result(name='hosts', machine_type='userdefined', machines=(), group_type='', topic='', external=''):
    return {'name': name, 'machine_type': machine_type, 'machines': list(machines), 'group_type': group_type,
            'group_topic': topic, 'external_name': external}


def test_machine_group_created_is_read_back_with_its_attributes(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-a').failed
    args = dict(project='proj-a', name='hosts', machines=['id-1'], group_topic='web', external_name='ext')
    checked = run(sls_machine_group, sls_emulator, check=True, **args)
    want = group_result(machines=['id-1'], topic='web', external='ext')
    assert checked.data == {'changed': True, 'changes': ['created'], 'machine_group': want,
                            'diff': {'before': {}, 'after': want}}
    created = run(sls_machine_group, sls_emulator, **args)
    assert created.data == checked.data
    held = sls_emulator.sls_state()['projects']['proj-a']['machinegroups']['hosts']
    assert (held['machineList'], held['groupAttribute']) == (['id-1'], {'groupTopic': 'web', 'externalName': 'ext'})
    assert mutating_calls(sls_emulator) == {'CreateProject': 1, 'CreateMachineGroup': 1}


def test_machine_group_update_keeps_what_the_service_holds(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-a').failed
    sls_sdk_client(sls_emulator).create_machine_group('proj-a', sls_client.MachineGroupDetail(
        'hosts', 'userdefined', ['id-1'], group_type='Armory', group_attribute={'groupTopic': 'web'}))
    before = group_result(machines=['id-1'], group_type='Armory', topic='web')
    sls_emulator.reset_stats()
    updated = run(sls_machine_group, sls_emulator, project='proj-a', name='hosts', machines=['id-2'], append=True,
                  external_name='ext')
    after = group_result(machines=['id-1', 'id-2'], group_type='Armory', topic='web', external='ext')
    assert updated.data == {'changed': True, 'changes': ['external_name', 'machines'], 'machine_group': after,
                            'diff': {'before': before, 'after': after}}
    held = sls_emulator.sls_state()['projects']['proj-a']['machinegroups']['hosts']
    assert (held['machineList'], held['groupType'], held['groupAttribute']) == (
        ['id-1', 'id-2'], 'Armory', {'groupTopic': 'web', 'externalName': 'ext'})
    assert mutating_calls(sls_emulator) == {'UpdateMachineGroup': 1}
    again = run(sls_machine_group, sls_emulator, project='proj-a', name='hosts', machines=['id-2', 'id-1'])
    # The same machines in another order: nothing to write; the result shows them as asked.
    asked = dict(after, machines=['id-2', 'id-1'])
    assert again.data == {'changed': False, 'changes': [], 'machine_group': asked,
                          'diff': {'before': after, 'after': asked}}
    assert mutating_calls(sls_emulator) == {'UpdateMachineGroup': 1}


def test_machine_group_deleted_for_real_then_already_absent(sls_emulator):
    build_fleet(sls_emulator)
    sls_emulator.reset_stats()
    held = group_result(machines=['id-1'])
    deleted = run(sls_machine_group, sls_emulator, project='proj-a', name='hosts', state='absent')
    assert deleted.data == {'changed': True, 'changes': ['deleted'], 'machine_group': held,
                            'diff': {'before': held, 'after': {}}}
    assert 'hosts' not in sls_emulator.sls_state()['projects']['proj-a']['machinegroups']
    assert mutating_calls(sls_emulator) == {'DeleteMachineGroup': 1}
    again = run(sls_machine_group, sls_emulator, project='proj-a', name='hosts', state='absent')
    assert again.data == {'changed': False, 'changes': [], 'machine_group': {}, 'diff': {'before': {}, 'after': {}}}


def test_machine_group_in_a_missing_project_names_it(sls_emulator):
    result = run(sls_machine_group, sls_emulator, project='proj-none', name='hosts', machines=['id-1'])
    assert result.failed and result.msg == ('project: project proj-none does not exist; create it first '
                                            '(alicloud_ops.logging.sls_project)')
    assert result.data['invalid_options'] == ['project'] and mutating_calls(sls_emulator) == {}


# -- Issue 25: sls_logtail_config's writes in each form, its bindings and its messages word for word -------------
LEGACY_VIEW = {'configName': 'cfg', 'inputDetail': {'tag': 'sys_tag', 'localStorage': True}, 'inputType': 'syslog',
               'outputDetail': {'logstoreName': 'syslog'}, 'outputType': 'LogService', 'form': 'legacy'}
SYSLOG_INPUT = {'Type': 'input_syslog', 'Address': 'tcp://127.0.0.1:11111'}


def pipeline_view(*inputs):
    return {'configName': 'cfg', 'inputs': list(inputs), 'flushers': [{'Type': 'flusher_sls', 'Logstore': 'syslog'}],
            'form': 'pipeline'}


def applied(emu, group):
    return emu.sls_state()['projects']['proj-a']['machinegroups'][group]['appliedConfigs']


def config_run(emu, **args):
    """sls_logtail_config on proj-a's cfg; returns the result and the writes it made."""
    emu.reset_stats()
    result = run(sls_logtail_config, emu, **dict(dict(project='proj-a', name='cfg', logstore='syslog'), **args))
    assert not result.failed, result
    return result, mutating_calls(emu)


def test_logtail_config_kept_as_it_is_reads_its_groups(sls_emulator):
    build_fleet(sls_emulator)
    result, writes = config_run(sls_emulator, tag='sys_tag', machine_groups=['hosts'])
    shown = dict(LEGACY_VIEW, machine_groups=['hosts'])
    assert result.data == {'changed': False, 'changes': [], 'config': LEGACY_VIEW, 'machine_groups': ['hosts'],
                           'attached': [], 'detached': [], 'diff': {'before': shown, 'after': shown}}
    assert writes == {}


def test_logtail_config_defaults_and_text_with_line_breaks(sls_emulator):
    build_fleet(sls_emulator)
    result, writes = config_run(sls_emulator, tag='sys_tag', log_sample='<13>a\nb', input_detail={'k': 'x\ny'})
    assert result.data['changes'] == ['inputDetail.k', 'logSample'] and writes == {'UpdateConfig': 1}
    assert result.data['config'] == dict(LEGACY_VIEW, inputDetail={'k': 'x\ny', 'tag': 'sys_tag', 'localStorage': True},
                                         logSample='<13>a\nb')
    assert result.data['machine_groups'] == ['hosts']
    result, writes = config_run(sls_emulator, pipeline={'inputs': [dict(SYSLOG_INPUT, Note='a\nb')]},
                                machine_groups=[])
    assert result.data['config']['inputs'] == [dict(SYSLOG_INPUT, Note='a\nb')]
    assert (result.data['machine_groups'], result.data['detached'], applied(sls_emulator, 'hosts')) == (
        [], ['hosts'], [])


def test_logtail_config_updated_in_place_moves_its_groups(sls_emulator):
    build_fleet(sls_emulator)
    assert not run(sls_machine_group, sls_emulator, project='proj-a', name='other', machines=['id-2']).failed
    result, writes = config_run(sls_emulator, tag='new', machine_groups=['other'])
    config = dict(LEGACY_VIEW, inputDetail={'tag': 'new', 'localStorage': True})
    assert result.data == {
        'changed': True, 'changes': ['inputDetail.tag'], 'config': config, 'machine_groups': ['other'],
        'attached': ['other'], 'detached': ['hosts'],
        'diff': {'before': dict(LEGACY_VIEW, machine_groups=['hosts']),
                 'after': dict(config, machine_groups=['other'])}}
    assert writes == {'RemoveConfigFromMachineGroup': 1, 'UpdateConfig': 1, 'ApplyConfigToMachineGroup': 1}
    assert (applied(sls_emulator, 'hosts'), applied(sls_emulator, 'other')) == ([], ['cfg'])
    result, writes = config_run(sls_emulator, tag='new', local_storage=False, machine_groups=['hosts'],
                                purge_machine_groups=False)
    assert result.data['changes'] == ['inputDetail.localStorage']
    assert result.data['machine_groups'] == ['hosts', 'other']
    assert writes == {'UpdateConfig': 1, 'ApplyConfigToMachineGroup': 1}


def test_logtail_config_switches_form_both_ways_and_is_deleted(sls_emulator):
    build_fleet(sls_emulator)
    to_pipeline, writes = config_run(sls_emulator, pipeline={'inputs': [SYSLOG_INPUT]})
    assert to_pipeline.data == {
        'changed': True, 'changes': ['form'], 'config': pipeline_view(SYSLOG_INPUT), 'machine_groups': ['hosts'],
        'attached': ['hosts'], 'detached': [],
        'diff': {'before': dict(LEGACY_VIEW, machine_groups=['hosts']),
                 'after': dict(pipeline_view(SYSLOG_INPUT), machine_groups=['hosts'])}}
    assert writes == {'RemoveConfigFromMachineGroup': 1, 'DeleteConfig': 1, 'CreateLogtailPipelineConfig': 1,
                      'ApplyConfigToMachineGroup': 1}
    project = sls_emulator.sls_state()['projects']['proj-a']
    assert (list(project['configs']), list(project['pipelineconfigs']), applied(sls_emulator, 'hosts')) == (
        [], ['cfg'], ['cfg'])

    udp = dict(SYSLOG_INPUT, Address='udp://127.0.0.1:11111')
    updated, writes = config_run(sls_emulator, pipeline={'inputs': [udp]})
    assert (updated.data['changes'], updated.data['config'], updated.data['machine_groups']) == (
        ['inputs'], pipeline_view(udp), ['hosts'])
    assert writes == {'UpdateLogtailPipelineConfig': 1}

    back, writes = config_run(sls_emulator, tag='sys_tag')
    assert (back.data['changes'], back.data['config'], back.data['attached']) == (['form'], LEGACY_VIEW, ['hosts'])
    assert writes == {'RemoveConfigFromMachineGroup': 1, 'DeleteLogtailPipelineConfig': 1, 'CreateConfig': 1,
                      'ApplyConfigToMachineGroup': 1}

    deleted, writes = config_run(sls_emulator, state='absent')
    assert deleted.data == {'changed': True, 'changes': ['deleted'], 'config': LEGACY_VIEW, 'machine_groups': [],
                            'attached': [], 'detached': ['hosts'],
                            'diff': {'before': dict(LEGACY_VIEW, machine_groups=['hosts']), 'after': {}}}
    assert writes == {'RemoveConfigFromMachineGroup': 1, 'DeleteConfig': 1}
    assert applied(sls_emulator, 'hosts') == [] and sls_emulator.sls_state()['projects']['proj-a']['configs'] == {}


def test_logtail_config_in_the_pipeline_form_is_deleted(sls_emulator):
    build_fleet(sls_emulator)
    config_run(sls_emulator, pipeline={'inputs': [SYSLOG_INPUT]})
    deleted, writes = config_run(sls_emulator, state='absent', logstore=None)
    assert (deleted.data['changes'], deleted.data['config'], deleted.data['detached']) == (
        ['deleted'], pipeline_view(SYSLOG_INPUT), ['hosts'])
    assert writes == {'RemoveConfigFromMachineGroup': 1, 'DeleteLogtailPipelineConfig': 1}
    assert sls_emulator.sls_state()['projects']['proj-a']['pipelineconfigs'] == {}
    again, writes = config_run(sls_emulator, state='absent', logstore=None)
    assert again.data == {'changed': False, 'changes': [], 'config': {}, 'machine_groups': [], 'attached': [],
                          'detached': [], 'diff': {'before': {}, 'after': {}}}
    assert writes == {}


GROUP_MISSING = ('machine_groups: machine group nogroup does not exist in project proj-a; create it first '
                 '(alicloud_ops.logging.sls_machine_group)')


def test_logtail_config_missing_parents_word_for_word(sls_emulator):
    build_fleet(sls_emulator)
    before = state_json(sls_emulator)
    store = run(sls_logtail_config, sls_emulator, project='proj-a', name='cfg2', logstore='nostore', tag='t')
    assert store.msg == ('logstore: logstore nostore does not exist in project proj-a; create it first '
                         '(alicloud_ops.logging.sls_logstore)') and store.data['invalid_options'] == ['logstore']
    group = run(sls_logtail_config, sls_emulator, project='proj-a', name='cfg', logstore='syslog', tag='t',
                machine_groups=['nogroup'])
    assert group.msg == GROUP_MISSING and group.data['invalid_options'] == ['machine_groups']
    project = run(sls_logtail_config, sls_emulator, project='proj-none', name='cfg', logstore='syslog', tag='t')
    assert project.msg == ('project: project proj-none does not exist; create it first '
                           '(alicloud_ops.logging.sls_project)')
    assert state_json(sls_emulator) == before


def test_logtail_config_check_mode_warns_of_a_missing_group(sls_emulator):
    build_fleet(sls_emulator)
    sls_emulator.reset_stats()
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        checked = run(sls_logtail_config, sls_emulator, check=True, project='proj-a', name='cfg', logstore='syslog',
                      tag='sys_tag', machine_groups=['hosts', 'nogroup'])
    assert [call.args[0] for call in warn.call_args_list] == [
        GROUP_MISSING + '; check mode assumes an earlier task creates it']
    assert (checked.data['changed'], checked.data['attached'], checked.data['machine_groups']) == (
        True, ['nogroup'], ['hosts', 'nogroup'])
    assert mutating_calls(sls_emulator) == {}


@pytest.mark.parametrize('args, msg', [
    ({'logstore': 'syslog', 'tag': 't', 'pipeline': {'inputs': [SYSLOG_INPUT]}},
     'parameters are mutually exclusive: tag|pipeline'),
    ({'tag': 't'}, 'state is present but all of the following are missing: logstore'),
])
def test_logtail_config_option_rules(sls_emulator, args, msg):
    result = run(sls_logtail_config, sls_emulator, project='proj-a', name='cfg', **args)
    assert result.failed and result.msg == msg and sls_emulator.stats()['calls'] == {}


class _RefusingClient(object):
    def __init__(self, error):
        self.error, self.calls = error, []

    def apply_config_to_machine_group(self, *args):
        self.calls.append(('apply',) + args)
        raise self.error

    def remove_config_to_machine_group(self, *args):
        self.calls.append(('remove',) + args)
        raise self.error


class _RecordingModule(object):
    params = {'project': 'proj-a', 'name': 'cfg'}

    def __init__(self):
        self.absent = []

    def absent_on(self, err, missing, parents=None):
        self.absent.append((err, missing, parents))


@pytest.mark.parametrize('attach, call', [(True, 'apply'), (False, 'remove')])
def test_a_binding_refused_for_a_missing_group_names_it(attach, call):
    error = sls_client.SlsApiError('gone', code='MachineGroupNotExist')
    module, client = _RecordingModule(), _RefusingClient(error)
    ConfigTasks(module, client).bind('nogroup', attach=attach)
    assert client.calls == [(call, 'proj-a', 'cfg', 'nogroup')]
    assert module.absent == [(error, (), {
        'ProjectNotExist': 'project: project proj-a does not exist; create it first (alicloud_ops.logging.sls_project)',
        'MachineGroupNotExist': GROUP_MISSING})]


def test_machine_group_options_as_typed(sls_emulator):
    build_fleet(sls_emulator)
    # The alias, append given as false (the bool, or the word), machines given as numbers: exact, as text.
    for append, machine in ((False, 7), ('no', 8)):
        result = run(sls_machine_group, sls_emulator, project='proj-a', group='hosts', machines=[machine],
                     append=append)
        assert not result.failed, result
        assert result.data['machine_group']['machines'] == [str(machine)] and result.data['changes'] == ['machines']
    typed = run(sls_machine_group, sls_emulator, project='proj-a', name='hosts', machines=[9], append='yes',
                group_topic=12, external_name=3)
    assert (typed.data['machine_group']['machines'], typed.data['machine_group']['group_topic'],
            typed.data['machine_group']['external_name']) == (['8', '9'], '12', '3')


def failing_after_first(name, error):
    """SlsClient's method `name` answers as the service the first time and raises `error` after (the resource
    or its parent deleted by someone else between a write and its read-back); the arguments of each call are kept
    in the returned list."""
    calls, real = [], sls_client.SlsClient.__getattr__

    def method(self, *args):
        calls.append(args)
        if len(calls) > 1:
            raise error
        return real(self, name)(*args)
    return mock.patch.object(sls_client.SlsClient, name, method, create=True), calls


def test_machine_group_gone_before_its_read_back_is_named(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-a').failed
    patch, calls = failing_after_first('get_machine_group', sls_client.SlsApiError('gone', code='ProjectNotExist'))
    with patch:
        result = run(sls_machine_group, sls_emulator, project='proj-a', name='hosts', machines=['id-1'])
    assert result.failed and result.msg == ('project: project proj-a does not exist; create it first '
                                            '(alicloud_ops.logging.sls_project)')
    assert calls == [('proj-a', 'hosts'), ('proj-a', 'hosts')]


@pytest.mark.parametrize('args, msg', [
    ({'project': 'proj-a', 'name': 'hosts', 'machine_type': 'host'},
     'value of machine_type must be one of: userdefined, ip, got: host'),
    ({'project': 'Proj_A', 'name': 'hosts'}, "project: invalid project name 'Proj_A': " + PROJECT_RULE),
])
def test_machine_group_refusals_word_for_word(sls_emulator, args, msg):
    result = run(sls_machine_group, sls_emulator, **args)
    assert result.failed and result.msg == msg and sls_emulator.stats()['calls'] == {}


@pytest.mark.parametrize('module, args', [
    (sls_machine_group, {'project': 'proj-a', 'name': 'hosts'}),
    (sls_logtail_config, {'project': 'proj-a', 'name': 'cfg', 'logstore': 'syslog', 'tag': 't'}),
])
def test_the_probe_options_are_accepted(sls_emulator, module, args):
    # The action plugin's options (converge_probe): the module takes them (a probe run hands them on).
    result = run(module, sls_emulator, check=True, probe=None, probe_after=None, **args)
    assert not result.failed, result


def config_reads(emu):
    calls = emu.stats()['calls']
    return dict((k, v) for k, v in calls.items() if k in ('GetConfig', 'GetLogtailPipelineConfig'))


@pytest.mark.parametrize('args, reads', [
    ({'tag': 'sys_tag'}, {'GetConfig': 1}),                                     # the syslog form asked: read first
    ({'pipeline': {'inputs': [SYSLOG_INPUT]}}, {'GetLogtailPipelineConfig': 1, 'GetConfig': 1}),
    ({'state': 'absent', 'pipeline': {'inputs': [SYSLOG_INPUT]}}, {'GetConfig': 1}),  # absent: either form
])
def test_logtail_config_is_read_in_the_form_asked_first(sls_emulator, args, reads):
    build_fleet(sls_emulator)
    sls_emulator.reset_stats()
    result = run(sls_logtail_config, sls_emulator, check=True, project='proj-a', name='cfg', logstore='syslog',
                 **args)
    assert not result.failed, result
    assert config_reads(sls_emulator) == reads


def test_logtail_config_in_the_pipeline_form_is_read_once(sls_emulator):
    build_fleet(sls_emulator)
    config_run(sls_emulator, pipeline={'inputs': [SYSLOG_INPUT]})
    for args in ({'pipeline': {'inputs': [SYSLOG_INPUT]}}, {'tag': 'sys_tag'}):
        sls_emulator.reset_stats()
        assert not run(sls_logtail_config, sls_emulator, check=True, project='proj-a', name='cfg',
                       logstore='syslog', **args).failed
        assert config_reads(sls_emulator) == (
            {'GetLogtailPipelineConfig': 1} if 'pipeline' in args else {'GetConfig': 1, 'GetLogtailPipelineConfig': 1})


def test_logtail_config_problems_joined_in_one_message(sls_emulator):
    result = run(sls_logtail_config, sls_emulator, project='Proj_A', name='cfg', logstore='syslog', tag='a b')
    assert result.msg == ("project: invalid project name 'Proj_A': " + PROJECT_RULE + "; tag: must be one word: "
                          "rsyslog sends it as a space-separated field, got 'a b'")
    assert sls_emulator.stats()['calls'] == {}
