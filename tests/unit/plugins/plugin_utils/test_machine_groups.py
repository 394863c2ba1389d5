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


# Issue 25: each refusal word for word (the field first), and the append default.

@pytest.mark.parametrize('specs, members, message', [
    ('app', {}, "alicloud_logging_machine_groups: expected a list, got 'app'"),
    ([{'name': 'a', 'hosts': 'web'}, 'b'], {'a': ['web-1']},
     "alicloud_logging_machine_groups[1]: expected a dict with name and hosts, got 'b'"),
    ([{'name': 'a', 'hosts': 'web', 'zz': 1, 'extra': 2}], {},
     'alicloud_logging_machine_groups[0]: unknown key(s) extra, zz; known: name, hosts, machine_type, ip_var, '
     'user_defined_ids, append, group_topic'),
    ([{'name': ' ', 'hosts': 'web'}], {}, 'alicloud_logging_machine_groups[0]: name is required (a non-empty string)'),
    ([{'name': 'a'}], {}, 'alicloud_logging_machine_groups[0]: hosts is required (a non-empty string)'),
    ([{'name': 'a', 'hosts': 'web', 'machine_type': 'mac'}], {},
     "alicloud_logging_machine_groups[0] (a): machine_type must be one of ip, userdefined, got 'mac'"),
    ([{'name': 'a', 'hosts': 'web'}, {'name': 'a', 'hosts': 'cm'}], {'a': ['web-1']},
     'alicloud_logging_machine_groups: machine group a is listed twice'),
    ([{'name': 'a', 'hosts': 'nowhere'}], {'a': []},
     "machine group a: host pattern 'nowhere' selects no hosts in the inventory"),
    ([{'name': 'a', 'hosts': 'web', 'machine_type': 'ip', 'ip_var': 'eip'}], {'a': ['web-1', 'web-2', 'cm-1']},
     'machine group a (hosts: web): web-1, cm-1 has no eip hostvar (set it, or alicloud_logging_machine_ip_var, or '
     'use machine_type userdefined)'),
    ([{'name': 'a', 'hosts': 'cm', 'user_defined_ids': []}], {'a': ['cm-1']},
     'machine group a (hosts: cm): no user-defined ids'),
])
def test_each_refusal_word_for_word(specs, members, message):
    with pytest.raises(MachineGroupError) as err:
        resolve(specs, members)
    assert str(err.value) == message


def test_a_spec_without_machine_type_takes_the_default_type_and_append_defaults_to_false():
    group, = resolve([{'name': 'a', 'hosts': 'cm'}], {'a': ['cm-1']}, machine_type='ip')
    assert group['machine_type'] == 'ip' and group['machines'] == ['10.0.1.1']
    defaults = dict(DEFAULTS)
    del defaults['append']
    group, = resolve_machine_groups([{'name': 'a', 'hosts': 'cm'}], {'a': ['cm-1']}, HOST_VARS, defaults)
    assert group['append'] is False
    group, = resolve([{'name': 'a', 'hosts': 'cm'}], {'a': ['cm-1']}, append=True)
    assert group['append'] is True
