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


# derived_fingerprint: the cache keeps derived results only for options whose results follow from the records.
from ansible.release import __version__ as ansible_version  # noqa: E402

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_populate  # noqa: E402
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_populate import (  # noqa: E402
    InventoryPlanError, LOCAL_OPTIONS, _reads_group_names, derived_fingerprint, populate_inventory)

PURE = {'compose': {'ansible_host': 'public_ip or private_ip', 'env': 'ecs_tags.env'},
        'groups': {'web': "ecs_tags.role == 'web'"}, 'keyed_groups': [{'key': 'zone_id', 'parent_group': 'zones'}]}


def fingerprint(**options):
    plugin = Options(**dict(PURE, **options))
    return derived_fingerprint(plugin, plugin.options['compose'], plugin.options['groups'],
                               plugin.options['keyed_groups'])


@pytest.mark.parametrize('options', [
    {'use_extra_vars': True},                                                  # extra vars are not in the records
    {'keyed_groups': ['zone_id']},                                             # ansible-core's error, per host
    {'keyed_groups': [{'key': 'zone_id', 'parent_group': '{{ region_id }}'}]},   # a templated parent
    {'keyed_groups': [{'key': 'zone_id', 'parent_group': 5}]},
    {'keyed_groups': [{'key': "lookup('env', 'HOME')"}]},
    {'keyed_groups': [{'prefix': 'no_key'}]},
    {'groups': {'web': "lookup('env', 'HOME')"}},
    {'compose': {'ansible_host': 'now()'}},
    {'compose': {'port': 22}},                                                 # not a string: not an expression
])
def test_nothing_is_stored_unless_every_expression_is_pure(options):
    assert fingerprint(**options) is None


def test_the_fingerprint_follows_every_local_option_and_the_ansible_core_release(monkeypatch):
    digest = fingerprint()
    assert len(digest) == 64 and int(digest, 16) >= 0   # sha256, hexadecimal
    assert fingerprint() == digest
    # Same options in another order: same results, same fingerprint.
    assert fingerprint(compose=dict(reversed(list(PURE['compose'].items())))) == digest
    # Options that do not change what is derived from the records are not part of it.
    assert fingerprint(regions=['cn-shanghai'], cache=True) == digest
    # Each local option changes it (use_extra_vars: nothing is stored).
    changes = {'hostnames': ['instance_id'], 'allow_duplicated_hosts': True, 'include_filters': [{'zone_id': 'z'}],
               'exclude_filters': [{'zone_id': 'z'}], 'hostvars_prefix': 'ecs_', 'hostvars_suffix': '_ecs',
               'compose': {'zone': 'zone_id'}, 'groups': {'zoned': 'zone_id'}, 'keyed_groups': [{'key': 'region_id'}],
               'strict': True, 'leading_separator': False}
    assert sorted(changes) == sorted(set(LOCAL_OPTIONS) - {'use_extra_vars'})
    seen = {digest}
    for name, value in changes.items():
        changed = fingerprint(**{name: value})
        assert changed is not None and changed not in seen, name
        seen.add(changed)
    assert fingerprint(strict=False) != fingerprint(strict=None) != fingerprint(strict=True)
    # A value JSON cannot write is written as its repr, not refused.
    assert fingerprint(hostnames=[b'private_ip']) not in seen | {None}
    monkeypatch.setattr(ecs_populate, 'ansible_version', ansible_version + '.post1')
    assert fingerprint() != digest


def test_an_option_the_plugin_does_not_know_reads_as_none():
    class OlderPlugin(object):
        FAST_CONSTRUCTED = True

        def get_option(self, name):
            if name == 'use_extra_vars':
                raise KeyError(name)   # ansible-core before use_extra_vars existed
            return PURE.get(name)
    plugin = OlderPlugin()
    with_none = Options(**dict(PURE, use_extra_vars=None))
    assert derived_fingerprint(plugin, PURE['compose'], PURE['groups'], PURE['keyed_groups']) == derived_fingerprint(
        with_none, PURE['compose'], PURE['groups'], PURE['keyed_groups'])


@pytest.mark.parametrize('groups, keyed_groups, expected', [
    (None, None, False),
    ({'web': "ecs_tags.role == 'web'"}, [{'key': 'zone_id', 'parent_group': 'zones'}], False),
    ({'web': "'web' in group_names"}, None, True),
    (None, [{'key': 'zone_id'}, {'key': "group_names | join('+')"}], True),
    (None, [{'key': 'zone_id', 'parent_group': '{{ region_id }}'}], True),   # templated with the merged vars
    (None, [{'key': 'zone_id', 'parent_group': 'zones'}, 'zone_id'], True),
    ({'x': "lookup('env', 'HOME')"}, None, True),                         # impure: may read anything
    ({'x': 5}, None, True),
])
def test_group_names_is_merged_per_entry_only_when_an_expression_may_read_it(groups, keyed_groups, expected):
    assert _reads_group_names(groups, keyed_groups) is expected


def test_var_names_never_plain_without_validate_variable_name(monkeypatch):
    monkeypatch.setattr(ecs_populate, 'validate_variable_name', None)  # ansible-core 2.18
    names = VarNames()
    assert names._valid is None and names.plain(['instance_id']) is False


def test_magic_var_names_are_ansible_cores_and_none_when_it_fails(monkeypatch):
    magic = ecs_populate._magic_var_names()
    assert {'inventory_hostname', 'inventory_hostname_short', 'group_names'} <= magic
    assert not magic & {'instance_id', 'inventory_file'}

    def broken(*args, **kwargs):
        raise TypeError('Host() changed')
    monkeypatch.setattr(ecs_populate, 'Host', broken)
    assert ecs_populate._magic_var_names() is None
    assert not _hostvars_suffice(Options(), None, None, [{'key': 'zone_id'}])


# What a cold run derives, and its replay from the cache (the fast path only: ansible-core 2.19 and later).
from ansible_collections.alicloud_ops.logging.plugins.inventory import alicloud_ecs  # noqa: E402
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_constructed  # noqa: E402
from tests.support.constructed_cases import CASES, FAILING_CASES  # noqa: E402
from tests.unit.plugins.inventory.test_alicloud_ecs_constructed import (  # noqa: E402
    FALLBACK, new_plugin, records, snapshot)
from tests.unit.plugins.plugin_utils.test_ecs_constructed import needs_engine  # noqa: E402

ROLES = {'keyed_groups': [{'key': 'ecs_tags.role', 'prefix': 'role', 'parent_group': 'roles'}],
         'groups': {'hz': "region_id == 'cn-hangzhou'"}, 'compose': {'ansible_host': 'public_ip or eip or private_ip'}}
HZ_H, HZ_I, SH_B = (['alicloud', 'cn_hangzhou', 'cn_hangzhou_h'], ['alicloud', 'cn_hangzhou', 'cn_hangzhou_i'],
                    ['alicloud', 'cn_shanghai', 'cn_shanghai_b'])


def cold(case, batches=None, plugin=None):
    """(plugin, records, derived) of a run that plans, records in two batches (regions) unless given."""
    plugin = plugin or new_plugin(case)
    if batches is None:
        all_records = records()
        batches = [all_records[:2], all_records[2:]]
    got, derived = populate_inventory(plugin, iter(batches))
    return plugin, got, derived


@needs_engine
def test_a_cold_run_records_the_plan_and_each_hosts_own_groups():
    plugin, got, derived = cold(ROLES)
    assert [r['instance_id'] for r in got] == ['i-web1', 'i-web2', 'i-db1', 'i-bare', 'i-team']
    assert derived['fingerprint'] == derived_fingerprint(plugin, ROLES['compose'], ROLES['groups'],
                                                         ROLES['keyed_groups'])
    assert derived['notes'] == []
    # [index of its record over all batches, host names, default groups, per name: groups it was put in itself]
    # (role_web, not its parent roles, which the host is in through role_web).
    assert derived['hosts'] == [[0, ['10.0.1.11'], HZ_H, [['hz', 'role_web']]],
                                [1, ['10.0.2.12'], HZ_I, [['hz']]],
                                [2, ['10.1.1.21'], SH_B, [[]]],
                                [3, ['10.1.1.31'], SH_B, [[]]],
                                [4, ['10.0.1.41'], HZ_H, [['hz']]]]
    assert sorted(derived['groups']) == sorted(['alicloud', 'cn_hangzhou', 'cn_hangzhou_h', 'cn_hangzhou_i', 'hz',
                                                'cn_shanghai', 'cn_shanghai_b', 'role_web', 'roles'])
    assert derived['parents'] == [['role_web', ['roles']]]
    assert all(type(name) is str for name in derived['groups'])   # plain names, not ansible-core's tagged ones
    assert plugin.display.warnings == []


@needs_engine
def test_groups_from_before_are_not_recorded_and_a_host_from_before_records_only_its_new_groups():
    plugin = new_plugin(ROLES)
    plugin.inventory.add_group('hz')
    plugin.inventory.add_group('alicloud')
    plugin.inventory.add_group('static')
    plugin.inventory.add_host('10.0.2.12', group='static')
    _plugin, _got, derived = cold(ROLES, plugin=plugin)
    assert 'hz' not in derived['groups'] and 'alicloud' not in derived['groups']
    assert 'cn_hangzhou' in derived['groups']
    assert derived['hosts'][1] == [1, ['10.0.2.12'], HZ_I, [['hz']]]


@needs_engine
def test_a_replay_gives_the_cold_runs_inventory_without_planning_again(monkeypatch):
    cold_plugin, _got, derived = cold(ROLES)
    expected = snapshot(cold_plugin.inventory)

    def no_planning(**kwargs):
        raise AssertionError('planned again')
    monkeypatch.setattr(ecs_populate, 'HostPlanner', no_planning)
    plugin = new_plugin(ROLES)
    got, replayed = populate_inventory(plugin, iter([records()]), stored=derived)
    assert replayed is derived and [r['instance_id'] for r in got] == ['i-web1', 'i-web2', 'i-db1', 'i-bare', 'i-team']
    assert snapshot(plugin.inventory) == expected and plugin.display.vvvs == []
    # compose is evaluated again: its values keep ansible-core's tags, which the cache does not.
    assert plugin.inventory.hosts['10.0.1.11'].vars['ansible_host'] == '47.96.0.11'
    assert plugin.inventory.hosts['10.0.2.12'].vars['ansible_host'] == '8.136.0.12'


@needs_engine
def test_a_replay_makes_the_groups_another_source_had_made_before_the_cold_run():
    plugin = new_plugin(ROLES)
    for name in ('alicloud', 'cn_hangzhou', 'hz', 'role_web'):
        plugin.inventory.add_group(name)
    cold_plugin, _got, derived = cold(ROLES, plugin=plugin)
    assert not {'alicloud', 'cn_hangzhou', 'hz', 'role_web'} & set(derived['groups'])
    fresh = new_plugin(ROLES)
    populate_inventory(fresh, iter([records()]), stored=derived)
    assert snapshot(fresh.inventory) == snapshot(cold_plugin.inventory)
    assert [g.name for g in fresh.inventory.hosts['10.0.1.11'].groups] == [
        'alicloud', 'cn_hangzhou', 'cn_hangzhou_h', 'hz', 'role_web', 'roles']


@needs_engine
@pytest.mark.parametrize('made_before', [['role_web'], ['roles'], ['role_web', 'roles']])
@pytest.mark.parametrize('made_again', [True, False], ids=['same sources', 'source gone'])
def test_parent_group_links_are_replayed_whichever_source_made_the_groups(made_before, made_again):
    # An earlier source (a static inventory file, say) made the keyed group or its parent_group: the link between
    # them is still this source's, and replayed, with the source before it again or gone.
    def plugin_after_other_source(made):
        plugin = new_plugin(ROLES)
        for name in made:
            plugin.inventory.add_group(name)
        return plugin
    cold_plugin, _got, derived = cold(ROLES, plugin=plugin_after_other_source(made_before))
    assert derived['parents'] == [['role_web', ['roles']]]
    plugin = plugin_after_other_source(made_before if made_again else [])
    populate_inventory(plugin, iter([records()]), stored=derived)
    assert [g.name for g in plugin.inventory.groups['role_web'].parent_groups] == ['roles']
    assert snapshot(plugin.inventory) == snapshot(cold_plugin.inventory)


@needs_engine
def test_a_replay_gives_every_name_of_a_host_its_groups_and_says_the_notes_again():
    case = dict(ROLES, hostnames=['private_ip', 'instance_id', 'tag:team'], allow_duplicated_hosts=True)
    all_records = records()
    all_records.append(dict(all_records[0], instance_id='i-nameless', private_ip='', zone_id='cn-hangzhou-i'))
    cold_plugin, _got, derived = cold(case, [all_records[:3], all_records[3:]])
    assert derived['hosts'][0] == [0, ['10.0.1.11', 'i-web1'], HZ_H, [['hz', 'role_web'], ['hz', 'role_web']]]
    assert derived['hosts'][4][:2] == [4, ['10.0.1.41', 'i-team']]
    assert derived['hosts'][5] == [5, ['i-nameless'], HZ_I, [['hz', 'role_web']]]
    warnings = list(cold_plugin.display.warnings)
    plugin = new_plugin(case)
    populate_inventory(plugin, iter([all_records]), stored=derived)
    assert plugin.display.warnings == warnings
    assert snapshot(plugin.inventory) == snapshot(cold_plugin.inventory)


@needs_engine
def test_notes_are_warned_once_each_and_recorded():
    all_records = records()
    all_records[3] = dict(all_records[3], private_ip='10.0.1.11')    # two instances, one address
    all_records[4] = dict(all_records[4], private_ip='')            # no name at all
    plugin, _got, derived = cold(CASES['plain_paths'], [all_records[:2], all_records[2:]])
    notes = ["instances i-web1 and i-bare both resolve to host name '10.0.1.11'; i-bare is listed as i-bare",
             '1 instance(s) have none of the hostnames sources and were left out: i-team']
    assert derived['notes'] == notes
    assert plugin.display.warnings == ['alicloud_ecs: ' + note for note in notes]
    assert [h[1] for h in derived['hosts']] == [['10.0.1.11'], ['10.0.2.12'], ['10.1.1.21'], ['i-bare']]
    replayed = new_plugin(CASES['plain_paths'])
    populate_inventory(replayed, iter([all_records]), stored=derived)
    assert replayed.display.warnings == plugin.display.warnings and replayed.display.vvvs == []
    assert snapshot(replayed.inventory) == snapshot(plugin.inventory)


@needs_engine
@pytest.mark.parametrize('stored', ['fingerprint', 'list', 'none'])
def test_a_stored_record_for_other_options_is_planned_again(stored):
    _plugin, _got, derived = cold(ROLES)
    expected = snapshot(_plugin.inventory)
    if stored == 'fingerprint':
        stored_value = dict(derived, fingerprint='0' * 64, hosts=[], groups=[], parents=[])
    else:
        stored_value = [derived] if stored == 'list' else None
    plugin = new_plugin(ROLES)
    _got, again = populate_inventory(plugin, iter([records()]), stored=stored_value)
    assert again is not stored_value and again == derived
    assert snapshot(plugin.inventory) == expected


@pytest.mark.parametrize('case, why', [
    (dict(ROLES, use_extra_vars=True), 'extra vars'),
    ({'keyed_groups': [{'key': 'zone_id', 'parent_group': '{{ region_id }}'}]}, 'templated parent'),
])
def test_nothing_is_recorded_when_the_results_do_not_follow_from_the_records(case, why):
    _plugin, got, derived = cold(case)
    assert derived is None and len(got) == 5, why


def test_nothing_is_recorded_without_record_or_on_ansible_cores_own_path():
    plugin = new_plugin(ROLES)
    got, derived = populate_inventory(plugin, iter([records()]), record=False)
    assert derived is None and len(got) == 5 and len(plugin.inventory.hosts) == 5
    reference = new_plugin(ROLES, fast=False)
    assert populate_inventory(reference, iter([records()]))[1] is None
    assert snapshot(reference.inventory) == snapshot(plugin.inventory)
    assert reference.read_plain_paths is False and reference.plain_keyed_groups is None


@needs_engine
def test_the_fast_path_reads_plain_paths_unless_extra_vars_are_used():
    plugin, _got, _derived = cold(ROLES)
    assert plugin.read_plain_paths is True and plugin.plain_keyed_groups is not None
    plugin, _got, _derived = cold(dict(ROLES, use_extra_vars=True))
    assert plugin.read_plain_paths is False and plugin.plain_keyed_groups is None


# A failed populate stops reading regions at once and takes back what it added, on either path.
import inspect  # noqa: E402


def closing_batches(batches, closed):
    """A generator of batches, as the region reader is, that notes when it is closed."""
    try:
        for batch in batches:
            yield batch
    except GeneratorExit:
        closed.append(True)
        raise


def two_regions(closed):
    all_records = records()
    return closing_batches([all_records[:2], all_records[2:]], closed)


@pytest.mark.parametrize('fast', [True, False], ids=['fast path', "ansible-core's path"])
def test_a_failure_in_a_batch_closes_the_reader_and_leaves_nothing_behind(fast):
    plugin = new_plugin(FAILING_CASES['missing_key_strict'], fast)
    plugin.inventory.add_group('static')
    plugin.inventory.add_host('10.9.9.9', group='static')
    closed = []
    with pytest.raises(Exception, match='team'):
        populate_inventory(plugin, two_regions(closed))
    assert closed == [True]
    assert list(plugin.inventory.hosts) == ['10.9.9.9'] and sorted(plugin.inventory.groups) == [
        'all', 'static', 'ungrouped']


@pytest.mark.parametrize('fast', [True, False], ids=['fast path', "ansible-core's path"])
def test_a_malformed_local_option_is_named_and_nothing_is_read_on(fast):
    plugin = new_plugin({'hostnames': [{'tag': 'env'}]}, fast)
    reader = closing_batches([records()], [])
    with pytest.raises(InventoryPlanError) as raised:
        populate_inventory(plugin, reader)
    assert str(raised.value) == ("hostnames[0]: a dict entry takes name (required), prefix and separator, got ['tag'] "
                                 "(YAML read `tag: env` as a mapping: write 'tag:env' without a space)")
    assert InventoryPlanError.option_from_message is True and isinstance(raised.value, ValueError)
    # Closed before it read its first region.
    assert inspect.getgeneratorstate(reader) == inspect.GEN_CLOSED and not plugin.inventory.hosts


# What -vvv says when the fast path is not taken.
SAID = ("alicloud_ecs: constructed features (compose, groups, keyed_groups) go through ansible-core's own path, "
        "without the fast path: ansible-core %s: " % ansible_version)


def failing_hooks(monkeypatch, error):
    """As if an internal the hooks use failed at first use."""
    def broken(self):
        raise error
    monkeypatch.setattr(ecs_populate.fast_templar, '__enter__', broken)


def test_falling_back_is_said_at_vvv_with_the_release_and_why(monkeypatch):
    monkeypatch.setattr(ecs_populate, 'missing_internals', lambda templar: 'TemplateEngine._gone')
    plugin = new_plugin(ROLES)
    _got, derived = populate_inventory(plugin, iter([records()]))
    assert plugin.display.vvvs == [SAID + 'it has no TemplateEngine._gone'] and FALLBACK in SAID
    assert derived is None and plugin.read_plain_paths is False
    assert snapshot(plugin.inventory) == snapshot(cold(ROLES, plugin=new_plugin(ROLES, fast=False))[0].inventory)


@needs_engine
def test_falling_back_after_an_internal_failed_reads_no_region_again_and_says_why(monkeypatch):
    failing_hooks(monkeypatch, AttributeError("'TemplateEngine' object has no attribute '_gone'"))
    plugin = new_plugin(ROLES)
    got, derived = populate_inventory(plugin, two_regions([]))
    # Each record once: the batch the fast path had read is not read again, nor lost.
    assert [r['instance_id'] for r in got] == ['i-web1', 'i-web2', 'i-db1', 'i-bare', 'i-team'] and derived is None
    assert plugin.display.vvvs == [
        SAID + "using its internals raised AttributeError: 'TemplateEngine' object has no attribute '_gone'"]


@needs_engine
def test_a_failure_after_falling_back_closes_the_reader(monkeypatch):
    failing_hooks(monkeypatch, ImportError('cannot import name TemplateEngine'))
    closed = []
    plugin = new_plugin(FAILING_CASES['missing_key_strict'])
    with pytest.raises(Exception, match='team'):
        populate_inventory(plugin, two_regions(closed))
    assert closed == [True] and not plugin.inventory.hosts


def test_a_failed_populate_on_ansible_core_2_18_drops_the_groups_its_remove_group_keeps(monkeypatch):
    inventory = InventoryData()
    inventory.add_group('envs')
    hosts_before, groups_before = set(inventory.hosts), set(inventory.groups)
    inventory.add_group('env_prod')
    inventory.add_child('envs', 'env_prod')
    inventory.add_host('10.0.0.1', group='env_prod')

    def remove_group_2_18(group):   # looks the Group up among the names: the hosts let go, the inventory keeps it
        for host in inventory.hosts.values():
            host.remove_group(group)
    monkeypatch.setattr(inventory, 'remove_group', remove_group_2_18)
    inventory._groups_dict_cache = {'env_prod': ['10.0.0.1']}
    _remove_added(inventory, hosts_before, groups_before)
    assert set(inventory.groups) == groups_before and set(inventory.hosts) == hosts_before
    assert inventory._groups_dict_cache == {} and inventory.groups['envs'].child_groups == []


@needs_engine
@pytest.mark.parametrize('name, merges, per_value_groups, reference_merges', [
    ('plain_paths', 0, 7, 25),                        # nothing reads what the merge adds: never merged
    ('keyed_on_compose_and_magic_vars', 5, 6, 15),    # reads a compose result and a magic var: once per host
    ('keyed_on_compose_and_group_names', 20, 0, 20),  # reads group_names: per entry (4), as ansible-core does
])
def test_the_fast_path_merges_a_hosts_vars_only_as_often_as_its_expressions_need(monkeypatch, name, merges,
                                                                                 per_value_groups, reference_merges):
    merged = []
    get_vars = ecs_populate.Host.get_vars
    monkeypatch.setattr(ecs_populate.Host, 'get_vars', lambda host: merged.append(host.name) or get_vars(host))
    plugin, _got, _derived = cold(CASES[name])
    assert len(merged) == merges
    # Keyed groups on plain paths are named once per value (PlainKeyedGroups) only without the merge per entry.
    assert len(plugin.plain_keyed_groups._names) == per_value_groups
    # ansible-core's own path merges before every groups expression list and keyed_groups entry.
    del merged[:]
    reference = new_plugin(CASES[name], fast=False)
    cold(CASES[name], plugin=reference)
    assert len(merged) == reference_merges
    assert snapshot(plugin.inventory) == snapshot(reference.inventory)


# Absolute results (not only the same as ansible-core's path, which shares most of this code).
@needs_engine
def test_prefixed_and_suffixed_hostvars_on_a_cold_run_and_its_replay():
    case = dict(ROLES, hostvars_prefix='ecs_', hostvars_suffix='_v', compose={'ansible_host': 'ecs_private_ip_v'},
                groups={'hz': "ecs_region_id_v == 'cn-hangzhou'"}, keyed_groups=[{'key': 'ecs_zone_id_v'}])
    cold_plugin, _got, derived = cold(case)
    plugin = new_plugin(case)
    populate_inventory(plugin, iter([records()]), stored=derived)
    for inventory in (cold_plugin.inventory, plugin.inventory):
        host = inventory.hosts['10.0.1.11']
        assert host.vars['ecs_instance_id_v'] == 'i-web1' and host.vars['ansible_host'] == '10.0.1.11'
        assert 'instance_id' not in host.vars and 'ecs_instance_id' not in host.vars
        assert [g.name for g in host.groups] == HZ_H + ['hz', '_cn_hangzhou_h']
    assert plugin.display.vvvs == []


@needs_engine
@pytest.mark.parametrize('case, host_groups, host_vars', [
    ({'groups': {'hz': "region_id == 'cn-hangzhou'"}}, ['hz'], {}),
    ({'compose': {'ansible_host': 'public_ip or private_ip'}}, [], {'ansible_host': '47.96.0.11'}),
    ({'keyed_groups': [{'key': 'zone_id', 'prefix': 'z'}]}, ['z_cn_hangzhou_h'], {}),
    ({}, [], {}),
])
def test_each_constructed_feature_alone_is_applied_and_replayed(case, host_groups, host_vars):
    cold_plugin, _got, derived = cold(case)
    plugin = new_plugin(case)
    populate_inventory(plugin, iter([records()]), stored=derived)
    for inventory in (cold_plugin.inventory, plugin.inventory):
        host = inventory.hosts['10.0.1.11']
        assert [g.name for g in host.groups] == HZ_H + host_groups
        assert dict((k, host.vars[k]) for k in host_vars) == host_vars
    assert snapshot(plugin.inventory) == snapshot(cold_plugin.inventory) and plugin.display.vvvs == []


# Configurations where skipping a merge would change what an expression sees (the fast path must not skip it).
MERGE_CASES = {
    'keyed_reads_compose': {'compose': {'role_copy': 'ecs_tags.role'}, 'keyed_groups': [{'key': 'role_copy'}]},
    'groups_read_a_magic_var': {'groups': {'named': 'inventory_hostname is defined'},
                                'keyed_groups': [{'key': 'zone_id'}]},
}


@pytest.mark.parametrize('name', sorted(MERGE_CASES))
def test_what_the_merge_adds_is_seen_wherever_it_is_read(name):
    plugin, _got, _derived = cold(MERGE_CASES[name])
    reference = new_plugin(MERGE_CASES[name], fast=False)
    cold(MERGE_CASES[name], plugin=reference)
    assert snapshot(plugin.inventory) == snapshot(reference.inventory)
    groups = dict((g.name, sorted(h.name for h in g.hosts)) for g in plugin.inventory.groups.values())
    expected = {'keyed_reads_compose': ('_web', ['10.0.1.11']),
                'groups_read_a_magic_var': ('named', ['10.0.1.11', '10.0.1.41', '10.0.2.12', '10.1.1.21', '10.1.1.31'])}
    group, members = expected[name]
    assert groups[group] == members


@needs_engine
@pytest.mark.parametrize('feature', ['compose', 'groups'])
def test_strict_fails_on_a_compose_or_conditional_that_fails(feature):
    case = ({'compose': {'team': 'ecs_tags.team'}} if feature == 'compose'
            else FAILING_CASES['non_bool_conditional_strict'])
    plugin = new_plugin(dict(case, strict=True))
    with pytest.raises(Exception):
        populate_inventory(plugin, iter([records()]))
    assert not plugin.inventory.hosts
    lenient, _got, _derived = cold(dict(case, strict=False))
    assert len(lenient.inventory.hosts) == 5


@pytest.mark.parametrize('case', [
    {'compose': {'home': "lookup('env', 'HOME')"}},
    {'groups': {'home': "lookup('env', 'HOME') != ''"}},
])
def test_nothing_is_recorded_for_an_impure_expression(case):
    assert cold(case)[2] is None


class Plugin(object):
    """A plugin object with options only (no FAST_CONSTRUCTED)."""

    def get_option(self, name):
        return None


@needs_engine
def test_a_plugin_without_fast_constructed_takes_the_fast_path(monkeypatch):
    monkeypatch.delattr(alicloud_ecs.InventoryModule, 'FAST_CONSTRUCTED')
    plugin = new_plugin(CASES['plain_paths'])
    del plugin.FAST_CONSTRUCTED
    merged = []
    get_vars = ecs_populate.Host.get_vars
    monkeypatch.setattr(ecs_populate.Host, 'get_vars', lambda host: merged.append(host.name) or get_vars(host))
    _plugin, _got, derived = cold(CASES['plain_paths'], plugin=plugin)
    assert derived is not None and plugin.read_plain_paths is True and merged == []
    assert plugin.display.vvvs == []
    assert _hostvars_suffice(Plugin(), None, None, [{'key': 'zone_id'}]) is True


def test_ansible_cores_own_path_says_nothing_even_where_an_internal_is_missing(monkeypatch):
    monkeypatch.setattr(ecs_populate, 'missing_internals', lambda templar: 'TemplateEngine._gone')
    reference = new_plugin(ROLES, fast=False)
    cold(ROLES, plugin=reference)
    assert reference.display.vvvs == [] and len(reference.inventory.hosts) == 5


@needs_engine
def test_an_internal_failing_in_a_later_host_falls_back_with_the_regions_already_read(monkeypatch):
    group_for = ecs_constructed.PlainKeyedGroups.group_for
    calls = []

    def failing_on_the_second_host(self, keyed, variables):
        calls.append(keyed)
        if len(calls) > 1:
            raise AttributeError("'TemplateEngine' object has no attribute '_gone'")
        return group_for(self, keyed, variables)
    monkeypatch.setattr(ecs_constructed.PlainKeyedGroups, 'group_for', failing_on_the_second_host)
    case = CASES['plain_paths']
    closed = []
    plugin = new_plugin(case)
    got, derived = populate_inventory(plugin, two_regions(closed))
    assert [r['instance_id'] for r in got] == ['i-web1', 'i-web2', 'i-db1', 'i-bare', 'i-team'] and derived is None
    assert len(plugin.display.vvvs) == 1 and 'AttributeError' in plugin.display.vvvs[0]
    reference = new_plugin(case, fast=False)
    cold(case, plugin=reference)
    assert snapshot(plugin.inventory) == snapshot(reference.inventory)


@needs_engine
def test_a_pure_conditional_is_evaluated_once_per_value_of_what_it_reads(monkeypatch):
    from ansible._internal._templating._engine import TemplateEngine
    evaluated = []
    evaluate = TemplateEngine.evaluate_conditional
    monkeypatch.setattr(TemplateEngine, 'evaluate_conditional',
                        lambda self, conditional: evaluated.append(str(conditional)) or evaluate(self, conditional))
    case = {'groups': {'debian': "os_name is search('Debian')"}}
    plugin, _got, _derived = cold(case)
    # Three OS names among the five hosts ('' twice, Debian twice, Alibaba Cloud Linux once).
    assert evaluated == ["os_name is search('Debian')"] * 3
    assert sorted(h.name for h in plugin.inventory.groups['debian'].hosts) == ['10.0.1.41', '10.1.1.31']


@needs_engine
def test_local_filters_and_the_plugins_group_name_rule_apply_on_a_cold_run_and_its_replay():
    case = dict(ROLES, include_filters=[{'region_id': 'cn-hangzhou'}, {'zone_id': '9-*'}],
                exclude_filters=[{'instance_ids': 'i-web2'}])
    all_records = records()
    all_records[2] = dict(all_records[2], zone_id='9-zone')   # ansible-core's rule: no leading digit
    cold_plugin, _got, derived = cold(case, [all_records[:2], all_records[2:]])
    plugin = new_plugin(case)
    populate_inventory(plugin, iter([all_records]), stored=derived)
    for inventory in (cold_plugin.inventory, plugin.inventory):
        assert sorted(inventory.hosts) == ['10.0.1.11', '10.0.1.41', '10.1.1.21']
        assert [g.name for g in inventory.hosts['10.1.1.21'].groups] == ['alicloud', 'cn_shanghai', '__zone']


@needs_engine
def test_only_ansible_cores_own_path_stores_every_var_through_set_variable(monkeypatch):
    stored = []
    set_variable = ecs_populate.Host.set_variable
    # inventory_file and inventory_dir: ansible-core's add_host sets them through set_variable on either path.
    monkeypatch.setattr(ecs_populate.Host, 'set_variable', lambda host, key, value: (
        key in ('inventory_file', 'inventory_dir') or stored.append(key)) or set_variable(host, key, value))
    case = {'compose': {'ansible_host': 'private_ip'}}
    reference = new_plugin(case, fast=False)
    cold(case, plugin=reference)
    per_host = len(records()[0])
    assert len(stored) == 5 * (per_host + 1) and stored.count('ansible_host') == 5
    del stored[:]
    plugin, _got, derived = cold(case)
    assert stored == ['ansible_host'] * 5    # the record's vars in one update per host
    replayed = new_plugin(case)
    populate_inventory(replayed, iter([records()]), stored=derived)
    assert stored == ['ansible_host'] * 10
    assert snapshot(replayed.inventory) == snapshot(reference.inventory) == snapshot(plugin.inventory)
