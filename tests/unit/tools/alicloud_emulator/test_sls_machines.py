"""Heartbeats and the one account (tools/alicloud_emulator/sls_machines.py): an ECS instance of the account or an
/etc/ilogtail/users/<account AliUid> file makes a machine the account's; any other heartbeat joins nothing."""
import pytest

from tools.alicloud_emulator import DEFAULT_ACCOUNT_ALIUID
from tools.alicloud_emulator.sls_machines import Machines
from tools.alicloud_emulator.sls_signing import SlsError

GROUP = {'machineIdentifyType': 'userdefined', 'machineList': ['web']}
BY_IP = {'machineIdentifyType': 'ip', 'machineList': ['10.0.0.7', '10.0.0.8']}


def machines():
    return Machines(DEFAULT_ACCOUNT_ALIUID, ['i-bp1own'], clock=lambda: 1234.9)


def test_the_account_is_its_ecs_instances_or_its_aliuid_file():
    assert DEFAULT_ACCOUNT_ALIUID == '1808078950770264'
    registry = machines()
    ecs, refused = registry.heartbeat({'ip': '10.0.0.7', 'user_defined_id': ['web'], 'instance_id': 'i-bp1own'})
    assert refused is None and ecs['lastHeartbeatTime'] == 1234
    _, refused = registry.heartbeat({'ip': '10.0.0.8', 'user_defined_id': ['web'], 'machine_uniqueid': 'idc-1',
                                     'aliuids': ['1111', DEFAULT_ACCOUNT_ALIUID]})
    assert refused is None
    assert [(m['ip'], m['userdefined-id']) for m in registry.machines_of(GROUP)] == [('10.0.0.7', 'web'),
                                                                                   ('10.0.0.8', 'web')]
    assert [m['machine-uniqueid'] for m in registry.machines_of(BY_IP)] == ['10.0.0.7', 'idc-1']
    assert registry.unattributed_list() == []


@pytest.mark.parametrize('doc, why', [
    ({'ip': '10.0.0.9', 'user_defined_id': ['web']},
     'not an ECS instance of account 1808078950770264 (no instance_id) and no /etc/ilogtail/users/1808078950770264'),
    ({'ip': '10.0.0.9', 'user_defined_id': ['web'], 'instance_id': 'i-other', 'aliuids': ['1111']},
     'i-other is not an ECS instance of account 1808078950770264 and no /etc/ilogtail/users/1808078950770264'),
])
def test_anything_else_is_unattributed_and_joins_no_group(doc, why):
    registry = machines()
    machine, refused = registry.heartbeat(doc)
    assert refused == why and machine['ip'] == '10.0.0.9'
    assert registry.machines_of(GROUP) == [] and registry.machines_of({'machineIdentifyType': 'ip',
                                                                        'machineList': ['10.0.0.9']}) == []
    [kept] = registry.unattributed_list()
    assert kept['refused'] == why and kept['machine-uniqueid'] == '10.0.0.9'


def test_a_machine_moves_when_its_standing_changes():
    registry = machines()
    registry.heartbeat({'ip': '10.0.0.7', 'user_defined_id': ['web'], 'aliuids': [DEFAULT_ACCOUNT_ALIUID]})
    registry.heartbeat({'ip': '10.0.0.7', 'user_defined_id': ['web']})  # the AliUid file was removed
    assert registry.machines_of(GROUP) == [] and len(registry.unattributed_list()) == 1
    registry.heartbeat({'ip': '10.0.0.7', 'user_defined_id': ['web'], 'aliuids': [DEFAULT_ACCOUNT_ALIUID]})
    assert len(registry.machines_of(GROUP)) == 1 and registry.unattributed_list() == []


@pytest.mark.parametrize('doc', [{'user_defined_id': ['web']}, {'ip': ''}, {'ip': '10.0.0.7', 'aliuids': 'x'},
                                 {'ip': '10.0.0.7', 'instance_id': 7}, {'ip': '10.0.0.7', 'user_defined_id': 'web'},
                                 {'ip': '10.0.0.7', 'aliuids': ['']}])
def test_malformed_heartbeats_are_refused(doc):
    with pytest.raises(SlsError) as err:
        machines().heartbeat(doc)
    assert (err.value.status, err.value.code) == (400, 'ParameterInvalid')
