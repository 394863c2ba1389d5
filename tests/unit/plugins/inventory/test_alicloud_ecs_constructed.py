"""The inventory plugin's constructed fast path gives ansible-core's own results, on the ansible-core it runs on.

The fast path (plugins/plugin_utils/ecs_constructed.py) hooks into private ansible-core internals, which change
between releases, so this runs under `make units` on every supported release (tools/sanity/units.sh
UNITS_INTERNALS). Each configuration of tests/support/constructed_cases.py is populated twice in-process, from the
same records: by the plugin as shipped and with FAST_CONSTRUCTED = False (ansible-core's Constructable methods
alone); every host's groups and vars (value and type, so trust tags too) and every group must be the same.
tests/integration/test_inventory_constructed.py runs the same cases through ansible-inventory and the cache.

Where an internal the hooks need is missing (ansible-core 2.18 has no template engine to hook; a later release
may rename one), or using one raises AttributeError or ImportError, the plugin falls back to ansible-core's own
path and says so at -vvv: checked here with the internal taken away.
"""
import copy
import re

import pytest
import yaml
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.alicloud_ops.logging.plugins.inventory import alicloud_ecs
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_constructed
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_populate import populate_inventory
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_transform import instance_hostvars
from tests.support.constructed_cases import CASES, EXTRA_INSTANCES, FAILING_CASES, RUNNING_INSTANCES
from tests.support.display import RecordingDisplay

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core 2.18: no data tagging, every template in an inventory file is templated
    def trust_as_template(value):
        return value

SOURCE = '/inventories/prod.alicloud_ecs.yml'
# The plugin's option defaults, from its own documentation, and those of ansible-core's constructed fragment.
DEFAULTS = dict((name, spec.get('default')) for name, spec in
                yaml.safe_load(alicloud_ecs.DOCUMENTATION)['options'].items())
DEFAULTS.update(compose={}, groups={}, keyed_groups=[], strict=False, leading_separator=True, use_extra_vars=False)
FALLBACK = "constructed features (compose, groups, keyed_groups) go through ansible-core's own path"


def trusted(value):
    """The options as ansible-core loads them from an inventory file: every string trusted as a template."""
    if isinstance(value, dict):
        return dict((k, trusted(v)) for k, v in value.items())
    if isinstance(value, list):
        return [trusted(v) for v in value]
    return trust_as_template(value) if isinstance(value, str) else value


def new_plugin(case, fast=True):
    plugin = alicloud_ecs.InventoryModule()
    plugin.FAST_CONSTRUCTED = fast
    plugin.inventory = InventoryData()
    plugin.inventory.current_source = SOURCE
    plugin.loader = DataLoader()
    plugin.templar = Templar(loader=plugin.loader)
    plugin._vars = {}
    plugin._options = dict(DEFAULTS, **trusted(copy.deepcopy(case)))
    plugin.display = RecordingDisplay()
    return plugin


def records():
    return [instance_hostvars(copy.deepcopy(i)) for i in RUNNING_INSTANCES + EXTRA_INSTANCES]


def populate(case, fast=True):
    """The plugin's inventory after populating the records in two batches (regions), and the plugin."""
    plugin = new_plugin(case, fast)
    batches = records()
    populate_inventory(plugin, iter([batches[:2], batches[2:]]), record=True)
    return snapshot(plugin.inventory), plugin


def typed(value):
    """A value with the type of every part, so that a trusted or tagged string differs from a plain one."""
    if isinstance(value, dict):
        return type(value).__name__, sorted((str(k), typed(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [typed(v) for v in value]
    return type(value).__name__, value


def _name(group):
    # ansible-core 2.18 templates `ecs_tags.items` (plain_paths) to the method's repr, its address included, and
    # names the group after it. The address is that of a dict made while templating and freed after it, so two
    # hosts may or may not get the same address (and so one group or two) in any run, whichever path: every
    # address reads the same here, and groups whose names then match are compared as one (see snapshot).
    return re.sub(r'_0x[0-9a-f]+_', '_0xADDRESS_', str(group.name))


def snapshot(inventory):
    hosts = dict((str(name), (sorted(set(_name(g) for g in host.groups)), typed(dict(host.vars))))
                 for name, host in inventory.hosts.items())
    groups = {}
    for group in inventory.groups.values():
        members, children, parents, gvars = groups.setdefault(_name(group), (set(), set(), set(), []))
        members.update(str(h.name) for h in group.hosts)
        children.update(_name(c) for c in group.child_groups)
        parents.update(_name(p) for p in group.parent_groups)
        if typed(dict(group.vars)) not in gvars:
            gvars.append(typed(dict(group.vars)))
    return hosts, dict((name, (sorted(m), sorted(c), sorted(p), v)) for name, (m, c, p, v) in groups.items())


@pytest.mark.parametrize('name', sorted(CASES))
def test_fast_constructed_equals_ansible_core(name):
    expected, reference = populate(CASES[name], fast=False)
    assert len(expected[0]) == 5
    got, shipped = populate(CASES[name])
    assert got == expected
    assert shipped.display.warnings == reference.display.warnings
    # Where the release has every internal the hooks need (2.19 and later), the fast path really ran.
    fell_back = any(FALLBACK in text for text in shipped.display.vvvs)
    assert fell_back == (ecs_constructed.missing_internals(shipped.templar) is not None), shipped.display.vvvs
    assert not any(FALLBACK in text for text in reference.display.vvvs)


@pytest.mark.parametrize('name', sorted(FAILING_CASES))
def test_strict_failures_are_ansible_cores(name):
    # Failures under strict: true on 2.19 and later; ansible-core 2.18 takes a non-boolean conditional as its truth
    # value, and then both paths must give the same inventory instead.
    outcomes = []
    for fast in (False, True):
        plugin = new_plugin(FAILING_CASES[name], fast)
        try:
            populate_inventory(plugin, iter([records()]), record=True)
        except Exception as exc:
            outcomes.append(('raised', type(exc), str(exc)))
            assert not plugin.inventory.hosts
        else:
            outcomes.append(('populated', snapshot(plugin.inventory)))
    assert outcomes[1] == outcomes[0]
    if name == 'missing_key_strict':  # a missing key under strict fails on every release
        assert outcomes[0][0] == 'raised', outcomes[0]


CASE = CASES['expressions_and_filters']


def test_a_missing_internal_means_ansible_cores_own_path_said_at_vvv(monkeypatch):
    expected, _reference = populate(CASE, fast=False)
    # As if a later release renamed one of the engine's methods the hooks wrap.
    monkeypatch.setattr(ecs_constructed, 'ENGINE_INTERNALS', ecs_constructed.ENGINE_INTERNALS + ('_renamed',))
    hooked = []
    monkeypatch.setattr(ecs_constructed.fast_templar, '__enter__', lambda self: hooked.append(self) or self)
    got, plugin = populate(CASE)
    assert got == expected and hooked == []
    said = [text for text in plugin.display.vvvs if FALLBACK in text]
    # 'TemplateEngine._renamed'; on ansible-core 2.18, which has no engine at all, 'Templar._engine'.
    missing = ecs_constructed.missing_internals(plugin.templar)
    assert len(said) == 1 and missing in said[0] and missing.endswith(('._renamed', '._engine')), plugin.display.vvvs
    assert plugin.read_plain_paths is False and plugin.plain_keyed_groups is None


def test_no_template_engine_at_all_is_named():
    class OldTemplar(object):  # ansible-core 2.18's Templar has no _engine
        pass
    assert ecs_constructed.missing_internals(OldTemplar()) == 'OldTemplar._engine'
    engine = type('Engine', (object,), dict((name, None) for name in ecs_constructed.ENGINE_INTERNALS[1:]))
    templar = OldTemplar()
    templar._engine = engine()
    assert ecs_constructed.missing_internals(templar) == 'Engine._compile_expression'


@pytest.mark.parametrize('error', [AttributeError("'TemplateEngine' object has no attribute '_compile_template'"),
                                   ImportError('cannot import name TemplateEngine')])
def test_an_internal_failing_at_first_use_means_ansible_cores_own_path(monkeypatch, error):
    expected, _reference = populate(CASE, fast=False)
    # The hooks' own code stands for the internals: missing_internals may pass and using them still fail.
    monkeypatch.setattr(ecs_constructed, 'missing_internals', lambda templar: None)
    monkeypatch.setattr('ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_populate.missing_internals',
                        lambda templar: None)

    def broken(self):
        raise error
    monkeypatch.setattr(ecs_constructed.fast_templar, '__enter__', broken)
    read = []

    def batches():
        for batch in (records()[:2], records()[2:]):
            read.append(batch)
            yield batch
    plugin = new_plugin(CASE)
    populate_inventory(plugin, batches(), record=True)
    assert snapshot(plugin.inventory) == expected
    assert len(read) == 2  # every region read once, none again
    said = [text for text in plugin.display.vvvs if FALLBACK in text]
    assert len(said) == 1 and type(error).__name__ in said[0] and str(error) in said[0], plugin.display.vvvs
