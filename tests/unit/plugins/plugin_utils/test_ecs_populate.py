"""ecs_populate: what a failed populate leaves behind (checked on ansible-core's own InventoryData)."""
from ansible.inventory.data import InventoryData

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_populate import _remove_added


def test_a_failed_populate_takes_back_its_hosts_and_groups_and_nothing_else():
    inventory = InventoryData()
    inventory.add_group('envs')
    inventory.add_host('old', group='envs')
    inventory.add_host('other')
    hosts_before, groups_before = set(inventory.hosts), set(inventory.groups)
    # What populate adds: a keyed group under a group from before (parent_group), a new host in it, and a
    # host from before put in it too.
    inventory.add_group('env_prod')
    inventory.add_child('envs', 'env_prod')
    inventory.add_host('10.0.0.1', group='env_prod')
    inventory.add_child('env_prod', 'other')
    assert inventory.groups['envs'] in inventory.hosts['other'].groups
    _remove_added(inventory, hosts_before, groups_before)
    assert set(inventory.hosts) == hosts_before and set(inventory.groups) == groups_before
    assert inventory.groups['envs'].child_groups == []
    assert [g.name for g in inventory.hosts['other'].groups] == []
    assert [g.name for g in inventory.hosts['old'].groups] == ['envs']
    assert [h.name for h in inventory.groups['envs'].get_hosts()] == ['old']


# _add_host: a new host's hostvars in one dict update, only where Host.set_variable per var gives the same vars.
import pytest  # noqa: E402

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core 2.18
    trust_as_template = None

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_populate import (  # noqa: E402
    VarNames, _add_host, _hostvars_suffice)

GROUPS = ['alicloud', 'cn_hangzhou', 'cn_hangzhou_h']
# The one-update store needs ansible-core 2.19's validate_variable_name and tagged strings; 2.18 has neither, and
# the plugin takes ansible-core's own path there (tests/unit/plugins/inventory/test_alicloud_ecs_constructed.py).
needs_tagging = pytest.mark.skipif(trust_as_template is None, reason='ansible-core before 2.19: no data tagging')


def fresh_inventory():
    inventory = InventoryData()
    for name in GROUPS:
        inventory.add_group(name)
    inventory.current_source = '/inventories/alicloud_ecs.yml'
    return inventory


def both_ways(hostvars, before=None):
    """(vars per var through Host.set_variable, vars by _add_host with a VarNames, whether that took one update)."""
    results = []
    for var_names in (None, VarNames()):
        inventory = fresh_inventory()
        if before:
            inventory.add_host('10.0.0.1')
            for key, value in before.items():
                inventory.hosts['10.0.0.1'].set_variable(key, value)
        host, in_one_update = _add_host(inventory, '10.0.0.1', GROUPS, hostvars, var_names)
        assert [g.name for g in host.groups] == GROUPS
        results.append((list(host.vars.items()), in_one_update))
    (slow, slow_update), (fast, fast_update) = results
    assert slow_update is False
    return slow, fast, fast_update


@needs_tagging
def test_a_new_hosts_plain_hostvars_are_stored_in_one_update_as_set_variable_would():
    hostvars = {'instance_id': 'i-1', 'ecs_tags': {'env': 'prod'}, 'private_ips': ['10.0.0.1'], 'eip': ''}
    slow, fast, in_one_update = both_ways(hostvars)
    assert in_one_update and fast == slow
    assert [k for k, _v in fast] == ['inventory_file', 'inventory_dir', 'instance_id', 'ecs_tags', 'private_ips', 'eip']


@needs_tagging
@pytest.mark.parametrize('case', ['existing host', 'tagged name', 'invalid name', 'inventory var'])
def test_anything_set_variable_would_treat_otherwise_goes_through_it(case):
    hostvars = {'instance_id': 'i-1', 'ecs_tags': {'env': 'prod'}}
    before = None
    if case == 'existing host':  # another source made the host first: set_variable merges or replaces per var
        before = {'ecs_tags': {'team': 'a'}, 'other': 1}
    elif case == 'tagged name':
        hostvars[trust_as_template('zone_id')] = 'cn-hangzhou-h'
    elif case == 'invalid name':
        hostvars['not-a-name'] = 'x'
    else:
        hostvars['inventory_dir'] = '/elsewhere'
    slow, fast, in_one_update = both_ways(hostvars, before)
    assert not in_one_update and fast == slow


@needs_tagging
def test_var_names_checks_each_name_once_and_exact_str_only():
    names = VarNames()
    assert names.plain(['instance_id', 'ecs_tags']) and names._valid == {'instance_id', 'ecs_tags'}
    assert not names.plain(['instance_id', trust_as_template('instance_id')])
    assert not names.plain(['True'])  # a Python keyword is not a valid variable name
    assert not names.plain([1])


class Options(object):
    FAST_CONSTRUCTED = True

    def __init__(self, **options):
        self.options = options

    def get_option(self, name):
        return self.options.get(name)


@pytest.mark.parametrize('compose, groups, keyed_groups, expected', [
    (None, {'debian': "os_name is search('Debian')"}, [{'key': 'ecs_tags.env', 'prefix': 'env'}], True),
    ({'ansible_host': 'private_ip'}, {'web': "ecs_tags.role == 'web'"}, [{'key': 'zone_id'}], True),
    # reads a compose result, a magic var, or a var ansible-core sets: only the merged variables have them
    ({'role_copy': 'ecs_tags.role'}, None, [{'key': 'role_copy'}], False),
    (None, {'named': 'inventory_hostname is defined'}, None, False),
    (None, None, [{'key': 'inventory_hostname_short'}], False),
    (None, None, [{'key': 'inventory_dir'}], False),
    # not pure (a lookup), or a parent_group: left to the merge
    (None, {'x': "lookup('env', 'HOME')"}, None, False),
    (None, None, [{'key': 'zone_id', 'parent_group': 'zones'}], False),
    (None, None, ['zone_id'], False),
])
def test_hostvars_suffice_only_when_no_expression_reads_what_the_merge_adds(compose, groups, keyed_groups, expected):
    assert _hostvars_suffice(Options(), compose, groups, keyed_groups) is expected


def test_hostvars_never_suffice_for_the_reference_or_with_extra_vars():
    reference = Options()
    reference.FAST_CONSTRUCTED = False
    assert not _hostvars_suffice(reference, None, None, [{'key': 'zone_id'}])
    assert not _hostvars_suffice(Options(use_extra_vars=True), None, None, [{'key': 'zone_id'}])
