"""ecs_constructed on plain values: which expressions take the direct path, which are pure, and how the
templar hooks keep ansible-core's results (checked against a real Templar)."""
import pytest
from ansible.inventory.data import InventoryData
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.template import Templar

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core 2.18: no data tagging and no template engine to hook (the plugin falls back)
    trust_as_template = None

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_constructed import (
    NOT_PLAIN, PlainKeyedGroups, fast_templar, missing_internals, plain_path_value, pure_expression_names)

# The hooks exist for ansible-core 2.19's template engine; on a release without it populate_inventory does not use
# them (tests/unit/plugins/inventory/test_alicloud_ecs_constructed.py checks that fallback on every release).
needs_engine = pytest.mark.skipif(trust_as_template is None or missing_internals(Templar(loader=None)) is not None,
                                  reason='this ansible-core has no template engine for fast_templar to hook')

HOSTVARS = {'zone_id': 'cn-hangzhou-h', 'ecs_tags': {'env': 'prod', 'items': 'x'}, 'count': 3,
            'security_group_ids': ['sg-1'], 'none': 'shadowed'}


def test_plain_paths_to_plain_strings_are_read_directly():
    assert plain_path_value('zone_id', HOSTVARS) == 'cn-hangzhou-h'
    assert plain_path_value('ecs_tags.env', HOSTVARS) == 'prod'


def test_everything_else_is_left_to_jinja():
    for expression in ('ecs_tags.team', 'missing', 'count', 'security_group_ids', 'ecs_tags',
                       'ecs_tags.items',          # Jinja finds dict.items (an attribute) before the item
                       'none',                    # a literal in Jinja, whatever the variables say
                       'zone_id | lower', ' zone_id', 'ecs_tags["env"]', 'zone_id.upper'):
        assert plain_path_value(expression, HOSTVARS) is NOT_PLAIN, expression
    if trust_as_template is not None:
        tagged = trust_as_template('cn-hangzhou-h')
        assert plain_path_value('zone_id', {'zone_id': tagged}) is NOT_PLAIN


def test_pure_expressions_and_the_names_they_read():
    assert pure_expression_names("os_name is search('Debian')") == ('os_name',)
    assert pure_expression_names("ecs_tags.env | default('none') | upper") == ('ecs_tags',)
    assert pure_expression_names("group_names | join('+')") == ('group_names',)
    assert pure_expression_names("public_ip or eip or private_ip") == ('eip', 'private_ip', 'public_ip')
    for impure in ("lookup('env', 'HOME')", "instance_name.split('-')[0]", "now()", "x | map('lower')",
                   "query('inventory_hostnames', 'all')", "x | random", "{{ x }}", "x ="):
        assert pure_expression_names(impure) is None, impure


@needs_engine
def test_hooks_give_ansible_cores_results_and_errors_once_per_input():
    templar = Templar()
    expression = trust_as_template("os_name is search('Debian')")
    calls = []
    engine = templar._engine
    environment = engine.environment
    original = environment.compile_expression

    def counting(source, *args, **kwargs):
        calls.append(source)
        return original(source, *args, **kwargs)
    environment.compile_expression = counting
    try:
        with fast_templar(templar):
            results = []
            for os_name in ('Debian 12', 'Ubuntu 22.04', 'Debian 12', 'Debian 12'):
                templar.available_variables = {'os_name': os_name}
                results.append(templar.evaluate_conditional(expression))
            missing = trust_as_template('ecs_tags.team')
            errors = []
            for _ in range(2):
                templar.available_variables = {'ecs_tags': {'env': 'prod'}}
                try:
                    templar.evaluate_expression(missing)
                except Exception as exc:
                    errors.append(str(exc))
        assert results == [True, False, True, True]
        assert len(errors) == 2 and errors[0] == errors[1] and 'team' in errors[0]
        # Two distinct os_name values share one compile; the missing key is evaluated (and compiled) once.
        assert calls.count("os_name is search('Debian')") == 1 and calls.count('ecs_tags.team') == 1
    finally:
        del environment.compile_expression
    assert 'evaluate_conditional' not in vars(engine) and '_compile_expression' not in vars(engine)


class KeyedPlugin(object):
    """What PlainKeyedGroups uses of the plugin: its inventory, an option and ansible-core's sanitiser."""
    _sanitize_group_name = staticmethod(BaseInventoryPlugin._sanitize_group_name)

    def __init__(self, leading_separator=True):
        self.inventory = InventoryData()
        self.options = {'leading_separator': leading_separator}
        self.added = []
        add_group = self.inventory.add_group
        self.inventory.add_group = lambda name: self.added.append(name) or add_group(name)

    def get_option(self, name):
        return self.options[name]


def test_plain_keyed_groups_name_each_group_once_per_entry_and_value():
    plugin = KeyedPlugin()
    keyed = PlainKeyedGroups(plugin)
    env, zone = {'key': 'ecs_tags.env', 'prefix': 'env'}, {'key': 'zone_id', 'separator': '-'}
    assert keyed.group_for(env, HOSTVARS) == 'env_prod'
    assert keyed.group_for(env, dict(HOSTVARS)) == 'env_prod'
    assert keyed.group_for(env, {'ecs_tags': {'env': 'dev'}}) == 'env_dev'
    assert keyed.group_for(zone, HOSTVARS) == '_cn_hangzhou_h'       # ansible-core: '' + '-' + value, sanitised
    assert plugin.added == ['env_prod', 'env_dev', '_cn_hangzhou_h'] and 'env_prod' in plugin.inventory.groups
    unprefixed = KeyedPlugin(leading_separator=False)
    assert PlainKeyedGroups(unprefixed).group_for({'key': 'zone_id'}, HOSTVARS) == 'cn_hangzhou_h'


def test_plain_keyed_groups_leave_everything_else_to_ansible_core():
    keyed = PlainKeyedGroups(KeyedPlugin())
    for entry in ({'key': 'ecs_tags.env', 'parent_group': 'envs'},         # templated per host by ansible-core
                  {'key': 'ecs_tags.env', 'default_value': 'x', 'trailing_separator': False},   # its error
                  {'key': 'ecs_tags.team'}, {'key': 'count'}, {'key': 'zone_id | lower'}, {}, None):
        assert keyed.group_for(entry, HOSTVARS) is None, entry
    assert keyed.group_for({'key': 'empty'}, {'empty': ''}) is None           # default_value / strict apply
