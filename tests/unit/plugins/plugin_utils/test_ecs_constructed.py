"""ecs_constructed on plain values: which expressions take the direct path, which are pure, and how the
templar hooks keep ansible-core's results (checked against a real Templar)."""
import pytest
from ansible.inventory.data import InventoryData
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.template import Templar
from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.parser import Parser

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core 2.18: no data tagging and no template engine to hook (the plugin falls back)
    trust_as_template = None

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_constructed
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_constructed import (
    NOT_PLAIN, PlainKeyedGroups, fast_templar, missing_internals, plain_path_value, pure_expression_names)

# The hooks exist for ansible-core 2.19's template engine; on a release without it populate_inventory does not use
# them (tests/unit/plugins/inventory/test_alicloud_ecs_constructed.py checks that fallback on every release).
needs_engine = pytest.mark.skipif(trust_as_template is None or missing_internals(Templar(loader=None)) is not None,
                                  reason='this ansible-core has no template engine for fast_templar to hook')


@pytest.fixture(autouse=True)
def no_paths_kept(monkeypatch):
    """Each test starts with no plain path kept per text: an answer kept by an earlier test (or by the process
    `make mutation` forks each mutant's tests from) would answer for what the test checks."""
    monkeypatch.setattr(ecs_constructed, '_PATHS', {})


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


# fast_templar's bookkeeping on a stand-in engine, which counts what it is asked (a real engine: the test above).
class Engine(object):
    """The engine methods fast_templar wraps: compile answers a template (or, for a syntax error, a function that
    raises it, as ansible-core does); evaluate answers what `answers` says for the expression and the variables."""

    def __init__(self, answers=None):
        self.available_variables = {}
        self.calls = []
        self.answers = answers or {}

    def _compile(self, kind, source, options):
        self.calls.append((kind, source))
        if source == 'syntax error':
            def raise_it(variables):
                raise ValueError(source)
            return raise_it
        return ('template', source, options)

    def _compile_expression(self, source, options):
        return self._compile('expression', source, options)

    def _compile_template(self, source, options):
        return self._compile('template', source, options)

    def evaluate_expression(self, expression, **kwargs):
        self.calls.append(('evaluate', expression, tuple(sorted(kwargs.items()))))
        answer = self.answers[expression](self.available_variables)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def evaluate_conditional(self, conditional):
        self.calls.append(('conditional', conditional))
        # ansible-core's evaluates the stripped expression through evaluate_expression (nested).
        return bool(self.evaluate_expression(conditional))


class Holder(object):
    def __init__(self, engine):
        self._engine = engine


def asked(engine, kind='evaluate'):
    """The sources (compiles) or expressions (evaluations) the engine itself was asked for, in order."""
    return [call[1] for call in engine.calls if call[0] == kind]


def test_the_hooks_are_installed_on_the_engine_only_for_the_run():
    engine = Engine()
    own = []
    engine.evaluate_conditional = lambda conditional: own.append(conditional)   # someone's own hook: left alone
    hooks = fast_templar(Holder(engine))
    with hooks as entered:
        assert entered is hooks
        assert hooks.installed == ['_compile_expression', '_compile_template', 'evaluate_expression']
        assert sorted(vars(engine)) == sorted(['_compile_expression', '_compile_template', 'answers',
                                               'available_variables', 'calls', 'evaluate_conditional',
                                               'evaluate_expression'])
    assert hooks.installed == [] and sorted(vars(engine)) == sorted(['answers', 'available_variables', 'calls',
                                                                     'evaluate_conditional'])
    engine.evaluate_conditional('x')
    assert own == ['x']
    with pytest.raises(KeyError):   # an error inside the run is the caller's, not swallowed
        with fast_templar(Holder(engine)):
            raise KeyError('x')
    assert '_compile_expression' not in vars(engine)


def test_a_templar_without_an_engine_gets_no_hooks():
    hooks = fast_templar(object())
    with hooks:
        assert hooks.engine is None and hooks.installed == []


def test_each_source_is_compiled_once_per_options_and_a_compile_error_every_time():
    engine = Engine()
    with fast_templar(Holder(engine)):
        first = engine._compile_expression('zone_id', 'options')
        assert engine._compile_expression('zone_id', 'options') is first
        assert engine._compile_expression('zone_id', 'other options') == ('template', 'zone_id', 'other options')
        assert engine._compile_template('zone_id', 'options') == ('template', 'zone_id', 'options')
        for _ in range(2):
            with pytest.raises(ValueError, match='syntax error'):
                engine._compile_expression('syntax error', 'options')(engine.available_variables)
        for _ in range(2):   # unhashable options: compiled as ansible-core always does
            assert engine._compile_expression('zone_id', ['options']) == ('template', 'zone_id', ['options'])
    assert asked(engine, 'expression') == ['zone_id', 'zone_id', 'syntax error', 'syntax error', 'zone_id', 'zone_id']
    assert asked(engine, 'template') == ['zone_id']


def test_a_pure_expression_is_evaluated_once_per_values_of_what_it_reads():
    expression = "os_name is search('Debian')"
    engine = Engine({expression: lambda variables: 'Debian' in variables.get('os_name', '')})
    results = []
    with fast_templar(Holder(engine)):
        for variables in ({'os_name': 'Debian 12', 'zone_id': 'a'}, {'os_name': 'Debian 12', 'zone_id': 'b'},
                          {'os_name': 'Ubuntu'}, {}, {}, {'os_name': 'Debian 12'}):
            engine.available_variables = variables
            results.append(engine.evaluate_expression(expression))
    assert results == [True, True, False, False, False, True]
    # zone_id is not read: the second is the first's answer; a missing name is one input value of its own.
    assert len(asked(engine)) == 3


@pytest.mark.parametrize('first, second', [
    ('Debian', ['Debian']), (1, True), (1, '1'), (1, 1.0), ([1], (1,)), ({'a': 1}, {'a': True}), (None, 'None'),
    ({'a': 1}, {'b': 1}), ([1, 2], [1, 3]),
])
def test_inputs_differ_by_type_too(first, second):
    engine = Engine({'x': lambda variables: repr(variables['x'])})
    with fast_templar(Holder(engine)):
        answers = []
        for value in (first, second, first, second):
            engine.available_variables = {'x': value}
            answers.append(engine.evaluate_expression('x'))
    assert answers == [repr(first), repr(second)] * 2 and len(asked(engine)) == 2


def test_keyword_arguments_and_the_method_are_part_of_the_input():
    engine = Engine({'x': lambda variables: variables['x']})
    engine.available_variables = {'x': 'v'}
    with fast_templar(Holder(engine)):
        for _ in range(2):
            engine.evaluate_expression('x')
            engine.evaluate_expression('x', escape_backslashes=False)
            engine.evaluate_expression('x', local_variables=None)
            assert engine.evaluate_conditional('x') is True
    assert [call[2] for call in engine.calls if call[0] == 'evaluate'] == [
        (), (('escape_backslashes', False),), (('local_variables', None),), ()]
    assert asked(engine, 'conditional') == ['x']


def test_the_same_inputs_raise_the_same_error_without_evaluating_again():
    error = KeyError('team')
    engine = Engine({'ecs_tags.team': lambda variables: error})
    engine.available_variables = {'ecs_tags': {'env': 'prod'}}
    raised = []
    with fast_templar(Holder(engine)):
        for _ in range(3):
            with pytest.raises(KeyError) as caught:
                engine.evaluate_expression('ecs_tags.team')
            raised.append(caught.value)
    assert raised == [error] * 3 and len(asked(engine)) == 1
    # Raised again from the hook with a traceback of its own: not the first evaluation's, growing each time.
    frames = []
    traceback = raised[2].__traceback__
    while traceback is not None:
        frames.append(traceback.tb_frame.f_code.co_name)
        traceback = traceback.tb_next
    assert frames == ['test_the_same_inputs_raise_the_same_error_without_evaluating_again', 'evaluate_cached']


@pytest.mark.parametrize('expression, variables, kwargs', [
    ("lookup('env', 'HOME')", {}, {}),                              # impure: may answer anything
    ('x', {'x': {1, 2}}, {}),                                      # a value with no plain image
    ('x', {'x': {'k': {1}}}, {}),
    ('x', {'x': 'v'}, {'local_variables': {'x': 'w'}}),             # local variables: ansible-core's own ChainMap
    ('x', None, {}),                                               # variables that are no mapping
])
def test_what_the_inputs_do_not_fully_tell_is_evaluated_every_time(expression, variables, kwargs):
    engine = Engine({expression: lambda variables: 'answer'})
    engine.available_variables = variables
    with fast_templar(Holder(engine)):
        for _ in range(2):
            assert engine.evaluate_expression(expression, **kwargs) == 'answer'
    assert [call[1:] for call in engine.calls] == [(expression, tuple(sorted(kwargs.items())))] * 2


def test_an_expression_that_is_no_string_or_whose_answer_is_mutable_is_evaluated_every_time():
    engine = Engine({True: lambda variables: True, 'x': lambda variables: [variables['x']]})
    engine.available_variables = {'x': 'v'}
    with fast_templar(Holder(engine)):
        for _ in range(2):
            assert engine.evaluate_expression(True) is True
            assert engine.evaluate_expression('x') == ['v']
    assert asked(engine) == [True, 'x', True, 'x']


def test_nested_evaluations_go_straight_through():
    engine = Engine({'x': lambda variables: variables['x']})
    engine.available_variables = {'x': 'v'}
    with fast_templar(Holder(engine)) as hooks:
        for _ in range(2):
            assert engine.evaluate_conditional('x') is True
        assert hooks._depth == 0
        with pytest.raises(KeyError):
            engine.available_variables = {}
            engine.evaluate_conditional('x')
        assert hooks._depth == 0
    # The conditional once per input; the expression it evaluates inside, every time (not kept).
    assert asked(engine, 'conditional') == ['x', 'x'] and asked(engine) == ['x', 'x']


def test_an_expression_object_is_analysed_once_and_a_new_one_with_a_reused_id_again():
    engine = Engine({'x': lambda variables: variables['x']})
    engine.available_variables = {'x': 'v'}
    analysed = []
    with fast_templar(Holder(engine)) as hooks:
        names = ecs_constructed.pure_expression_names
        try:
            ecs_constructed.pure_expression_names = lambda e: analysed.append(e) or names(e)
            engine.evaluate_expression('x')
            engine.evaluate_expression('x')
            hooks._analysed[id('x')] = ('not x', None)   # as if another expression had had this id
            engine.evaluate_expression('x')
        finally:
            ecs_constructed.pure_expression_names = names
    assert analysed == ['x', 'x'] and hooks._analysed[id('x')] == ('x', ('x',))


def test_missing_internals_names_each_one_the_hooks_need():
    for missing in ecs_constructed.ENGINE_INTERNALS:
        engine = Engine()
        del_names = [name for name in ecs_constructed.ENGINE_INTERNALS if name != missing]
        bare = type('BareEngine', (object,), dict((name, None) for name in del_names))
        assert missing_internals(Holder(bare())) == 'BareEngine.%s' % missing
        assert missing_internals(Holder(engine)) is None
    assert missing_internals(Holder(None)) == 'Holder._engine'


@needs_engine
def test_ansible_cores_engine_has_every_internal_and_knows_every_pure_filter_and_test():
    templar = Templar(loader=None)
    assert missing_internals(templar) is None
    environment = templar._engine.environment

    def known(plugins, name):
        try:
            return plugins[name] is not None
        except Exception:
            return False
    for name in sorted(ecs_constructed.PURE_FILTERS):
        assert known(environment.filters, name), name
        assert pure_expression_names('x | %s' % name) == ('x',), name
        assert pure_expression_names('x | ansible.builtin.%s' % name) == ('x',), name
    for name in sorted(ecs_constructed.PURE_TESTS):
        assert known(environment.tests, name), name
        if name.isidentifier():   # '==' and the like: Jinja's operators, never a test after `is`
            assert pure_expression_names('x is %s' % name) == ('x',), name
            assert pure_expression_names('x is ansible.builtin.%s' % name) == ('x',), name
    assert not known(environment.filters, 'not_a_filter')
    for impure in ('x | community.general.lower', 'x | ansible.builtin.random', 'x is ansible.builtin.file'):
        assert pure_expression_names(impure) is None, impure


@pytest.mark.parametrize('expression, variables, expected', [
    ('items', {'items': 'v'}, 'v'),             # a dict attribute's name is a variable as the first segment
    ('keys.env', {'keys': {'env': 'v'}}, 'v'),
    ('ecs_tags.keys', {'ecs_tags': {'keys': 'v'}}, NOT_PLAIN),
    ('ecs_tags.env', {'ecs_tags': 'prod'}, NOT_PLAIN),        # not a mapping on the way
    ('ecs_tags.env', {'ecs_tags': None}, NOT_PLAIN),
    ('zone_id', ['zone_id'], NOT_PLAIN),                       # variables that are no mapping
    ('zone_id', None, NOT_PLAIN),
    ('_zone9', {'_zone9': 'v'}, 'v'),
    ('9zone', {'9zone': 'v'}, NOT_PLAIN),
    ('zone id', {'zone id': 'v'}, NOT_PLAIN),
    ('zone_id.', {'zone_id': 'v'}, NOT_PLAIN),
    ('.zone_id', {'zone_id': 'v'}, NOT_PLAIN),
    ('a..b', {'a': {'': {'b': 'v'}}}, NOT_PLAIN),
    ('x-y', {'x-y': 'v'}, NOT_PLAIN),
    ('true', {'true': 'v'}, NOT_PLAIN),          # literals and `not` are no variables in Jinja
    ('None.x', {'None': {'x': 'v'}}, NOT_PLAIN),
    ('not', {'not': 'v'}, NOT_PLAIN),
    ('truex', {'truex': 'v'}, 'v'),
    ('', {'': 'v'}, NOT_PLAIN),
    (5, {5: 'v'}, NOT_PLAIN),
])
def test_plain_path_values_on_both_sides_of_each_rule(expression, variables, expected):
    assert plain_path_value(expression, variables) is expected if expected is NOT_PLAIN else (
        plain_path_value(expression, variables) == expected)


# Words of Jinja's grammar; Jinja's own parser says which of them it reads as something other than a variable.
GRAMMAR_WORDS = ('true', 'false', 'none', 'True', 'False', 'None', 'TRUE', 'not', 'and', 'or', 'in', 'is', 'if',
                 'else', 'for', 'with', 'block', 'macro')


@pytest.mark.parametrize('word', GRAMMAR_WORDS)
def test_a_word_jinja_does_not_read_as_a_variable_is_never_read_directly(word):
    try:
        parsed = Parser(Environment(), word, state='variable').parse_expression()
    except TemplateSyntaxError:
        parsed = None
    if not isinstance(parsed, nodes.Name):
        assert plain_path_value(word, {word: 'v'}) is NOT_PLAIN
        assert plain_path_value(word + '.x', {word: {'x': 'v'}}) is NOT_PLAIN
    else:   # read directly, or left to Jinja, which reads the variable: the same value either way
        assert plain_path_value(word, {word: 'v'}) in ('v', NOT_PLAIN)
    assert plain_path_value('x.' + word, {'x': {word: 'v'}}) == 'v'


def test_each_text_is_kept_with_its_answer_a_path_or_none():
    assert plain_path_value('ecs_tags.env', HOSTVARS) == 'prod' and plain_path_value('zone_id | lower', {}) is NOT_PLAIN
    assert ecs_constructed._PATHS == {'ecs_tags.env': ('ecs_tags', 'env'), 'zone_id | lower': ()}


def test_the_paths_kept_per_text_stop_at_4096(monkeypatch):
    kept = dict(('k%d' % i, ('k%d' % i,)) for i in range(4095))
    monkeypatch.setattr(ecs_constructed, '_PATHS', kept)
    assert plain_path_value('zone_id', HOSTVARS) == 'cn-hangzhou-h'
    assert len(kept) == 4096 and kept['zone_id'] == ('zone_id',)
    assert plain_path_value('ecs_tags.env', HOSTVARS) == 'prod'
    assert plain_path_value('zone_id | lower', HOSTVARS) is NOT_PLAIN
    assert len(kept) == 4096 and 'ecs_tags.env' not in kept
    kept['zone_id'] = ('ecs_tags', 'env')   # a kept answer is used as it is
    assert plain_path_value('zone_id', HOSTVARS) == 'prod'
    kept['zone_id'] = ()
    assert plain_path_value('zone_id', HOSTVARS) is NOT_PLAIN


def test_plain_keyed_groups_prefix_separator_and_leading_separator_on_both_sides():
    plugin = KeyedPlugin(leading_separator=False)
    keyed = PlainKeyedGroups(plugin)
    assert keyed.group_for({'key': 'zone_id', 'prefix': 'z'}, HOSTVARS) == 'z_cn_hangzhou_h'
    assert keyed.group_for({'key': 'zone_id', 'prefix': 'z', 'separator': ''}, HOSTVARS) == 'zcn_hangzhou_h'
    assert keyed.group_for({'key': 'zone_id', 'prefix': '', 'separator': 'x'}, HOSTVARS) == 'cn_hangzhou_h'
    assert keyed.group_for({'key': 'ecs_tags.env', 'separator': 'x'}, HOSTVARS) == 'prod'
    plugin = KeyedPlugin(leading_separator=None)   # only false itself drops it
    keyed = PlainKeyedGroups(plugin)
    assert keyed.group_for({'key': 'ecs_tags.env'}, HOSTVARS) == '_prod'
    assert keyed.group_for({'key': 'ecs_tags.env', 'prefix': None}, HOSTVARS) == 'None_prod'


@pytest.mark.parametrize('entry, served', [
    ({'key': 'ecs_tags.env', 'default_value': 'x'}, True),
    ({'key': 'ecs_tags.env', 'trailing_separator': False}, True),
    ({'key': 'ecs_tags.env', 'default_value': 'x', 'trailing_separator': True}, False),
    ({'key': 'ecs_tags.env', 'parent_group': None}, True),
    ({'key': 5}, False),
])
def test_plain_keyed_groups_serve_an_entry_only_where_ansible_cores_answer_is_sure(entry, served):
    assert PlainKeyedGroups(KeyedPlugin()).group_for(dict(entry), HOSTVARS) == ('_prod' if served else None)


def test_plain_keyed_groups_make_a_group_again_once_it_is_gone_and_know_a_new_entry_at_an_old_id():
    plugin = KeyedPlugin()
    keyed = PlainKeyedGroups(plugin)
    env = {'key': 'ecs_tags.env', 'prefix': 'env'}
    assert keyed.group_for(env, HOSTVARS) == 'env_prod'
    del plugin.inventory.groups['env_prod']   # as _remove_added leaves it after a failed populate
    assert keyed.group_for(env, HOSTVARS) == 'env_prod' and 'env_prod' in plugin.inventory.groups
    assert plugin.added == ['env_prod', 'env_prod']
    # An entry's answer is worked out once: kept for the entry itself (the same object) ...
    keyed._entries[id(env)] = (env, ('zone_id',), 'z_')
    assert keyed.group_for(env, HOSTVARS) == 'z_cn_hangzhou_h'
    # ... not for an entry freed and another made at its address.
    keyed._entries[id(env)] = ({'key': 'zone_id'}, ('zone_id',), 'z_')
    assert keyed.group_for(env, HOSTVARS) == 'env_prod'
    assert keyed._entries[id(env)] == (env, ('ecs_tags', 'env'), 'env_')
