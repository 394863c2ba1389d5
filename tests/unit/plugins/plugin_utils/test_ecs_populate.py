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
