"""resolve_machine_groups: alicloud_logging_machine_groups plus the hosts each pattern selected -> groups."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.machine_groups import (
    MachineGroupError, resolve_machine_groups)

DEFAULTS = {'machine_type': 'userdefined', 'ip_var': 'private_ip', 'user_defined_ids': ['fleet'], 'append': False}
HOST_VARS = {'web-1': {'private_ip': '10.0.0.1', 'alicloud_logging_user_defined_ids': ['web']},
             'web-2': {'private_ip': '10.0.0.2', 'eip': '47.0.0.2'},
             'cm-1': {'private_ip': '10.0.1.1'}}


def resolve(specs, members, host_vars=None, **defaults):
    return resolve_machine_groups(specs, members, HOST_VARS if host_vars is None else host_vars,
                                  dict(DEFAULTS, **defaults))


def test_ip_and_userdefined_groups_in_order():
    groups = resolve([{'name': 'app', 'hosts': 'web'}, {'name': 'certman', 'hosts': 'certman', 'machine_type': 'ip'}],
                     {'app': ['web-1', 'web-2'], 'certman': ['cm-1']})
    assert groups == [
        {'name': 'app', 'hosts': 'web', 'machine_type': 'userdefined', 'machines': ['web', 'fleet'],
         'append': False, 'group_topic': None},
        {'name': 'certman', 'hosts': 'certman', 'machine_type': 'ip', 'machines': ['10.0.1.1'],
         'append': False, 'group_topic': None}]


def test_shared_default_type_ip_var_and_group_overrides():
    groups = resolve([{'name': 'app', 'hosts': 'web', 'ip_var': 'eip', 'append': True, 'group_topic': 'web'},
                      {'name': 'all', 'hosts': 'web:certman', 'machine_type': 'userdefined',
                       'user_defined_ids': ['x', 'web']}],
                     {'app': ['web-2'], 'all': ['web-1', 'web-2', 'cm-1']}, machine_type='ip')
    assert groups[0]['machines'] == ['47.0.0.2'] and groups[0]['append'] is True
    assert groups[0]['group_topic'] == 'web'
    # Union of every host's ids, each once, in host order.
    assert groups[1]['machines'] == ['web', 'x']


def test_the_same_ip_twice_is_listed_once():
    groups = resolve([{'name': 'app', 'hosts': 'web', 'machine_type': 'ip'}], {'app': ['web-1', 'web-1b']},
                     host_vars={'web-1': {'private_ip': '10.0.0.1'}, 'web-1b': {'private_ip': '10.0.0.1'}})
    assert groups[0]['machines'] == ['10.0.0.1']


@pytest.mark.parametrize('specs, members, words', [
    ([{'name': 'certman', 'hosts': 'certman:&prod'}], {'certman': []}, ['certman', "'certman:&prod'", 'no hosts']),
    ([{'name': 'certman', 'hosts': 'certman'}], {}, ['certman', 'selects no hosts']),
    ([{'name': 'app', 'hosts': 'web', 'machine_type': 'ip'}], {'app': ['web-1', 'ghost']}, ['app', 'ghost', 'private_ip']),
    ([{'name': 'app'}], {}, ['[0]', 'hosts is required']),
    ([{'hosts': 'web'}], {}, ['[0]', 'name is required']),
    ([{'name': 'app', 'hosts': ''}], {}, ['hosts is required']),
    ([{'name': 'app', 'hosts': 'web', 'machine_typ': 'ip'}], {}, ['unknown key', 'machine_typ']),
    ([{'name': 'app', 'hosts': 'web', 'machine_type': 'ips'}], {}, ['app', 'machine_type', "'ips'"]),
    (['web'], {}, ['[0]', 'expected a dict']),
    ([{'name': 'a', 'hosts': 'web'}, {'name': 'a', 'hosts': 'x'}], {'a': ['web-1']}, ['a is listed twice']),
    ({'name': 'app'}, {}, ['expected a list']),
    ([{'name': 'app', 'hosts': 'web', 'user_defined_ids': []}], {'app': ['web-2']}, ['app', 'no user-defined ids']),
])
def test_bad_groups_name_the_group_and_the_field(specs, members, words):
    with pytest.raises(MachineGroupError) as err:
        resolve(specs, members)
    for word in words:
        assert word in str(err.value)


def test_null_keys_take_the_defaults():
    groups = resolve([{'name': 'app', 'hosts': 'web', 'machine_type': None, 'ip_var': None, 'append': None,
                       'user_defined_ids': None, 'group_topic': None}], {'app': ['web-2']})
    assert groups[0]['machine_type'] == 'userdefined' and groups[0]['machines'] == ['fleet']
    assert groups[0]['append'] is False
