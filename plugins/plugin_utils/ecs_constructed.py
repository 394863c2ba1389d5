# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""compose / groups / keyed_groups at inventory speed, with ansible-core's own semantics.

ansible-core's Constructable compiles every Jinja expression again for every host: at 10,000 hosts that was
two thirds of a cold `ansible-inventory --graph` (10,437 compile calls). The plugin still calls
ansible-core's own _set_composite_vars / _add_host_to_composed_groups / _add_host_to_keyed_groups, so group
names, prefixes, separators, default_value, trailing_separator, parent_group and strict stay exactly its;
only the two costs under them change:

- `fast_templar(templar)`: for one run, the plugin's templar keeps each compiled expression and template
  instead of compiling it again per host, and evaluates a pure expression (no lookups or calls) once per
  distinct set of values of the variables it reads (`os_name is search('Debian')` runs once per OS name);
- `plain_path_value(expression, variables)`: an expression that is a plain variable path (`zone_id`,
  `ecs_tags.env`) leading to a plain (untrusted) string is read directly. Anything else (a missing key, a
  non-string value, a tagged or trusted string, filters, tests, literals) returns NOT_PLAIN and goes through
  Jinja, which then raises or answers exactly as it always did;
- `PlainKeyedGroups`: a keyed group on such a path names its group once per distinct value, not per host
  (the plugin hands every other entry to ansible-core's _add_host_to_keyed_groups, one entry at a time).

The hooks reach into private ansible-core internals (the templar's `_engine` and its compile and evaluate
methods, ansible-core 2.19's template engine). `missing_internals(templar)` names the first one that is not
there (ansible-core 2.18 has no `_engine`; a later release may rename one); populate_inventory then runs the
constructed features through ansible-core's own path alone and says so at -vvv, as it does when using them
raises AttributeError or ImportError (ecs_populate). tests/unit/plugins/inventory/test_alicloud_ecs_constructed.py
compares the two paths, and checks the fallback, under `make units` on every supported release.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import inspect
import re

from jinja2 import Environment, nodes
from jinja2.parser import Parser

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError

NOT_PLAIN = object()
_PLAIN_PATH = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$')
# Names Jinja parses as literals or operators, never as variables.
_JINJA_WORDS = frozenset(('true', 'false', 'none', 'True', 'False', 'None', 'and', 'or', 'not', 'in', 'is',
                          'if', 'else', 'elif', 'endif', 'for', 'recursive'))


_PATHS = {}


def _plain_path(expression):
    """A string expression's path segments when it is a plain variable path Jinja would resolve by item
    (no segment names a dict attribute such as `items`), else None. Kept per text: a run has few."""
    parts = _PATHS.get(expression)
    if parts is None:
        parts = ()
        if _PLAIN_PATH.match(expression):
            split = tuple(expression.split('.'))
            if split[0] not in _JINJA_WORDS and not any(hasattr(dict, part) for part in split[1:]):
                parts = split
        if len(_PATHS) < 4096:
            _PATHS[expression] = parts
    return parts or None


def _read_path(parts, variables):
    try:
        value = variables[parts[0]]
    except (KeyError, TypeError):
        return NOT_PLAIN
    # Exact types on purpose (see plain_path_value): isinstance would accept Ansible's tagged subclasses and
    # lazy containers.
    for part in parts[1:]:
        if type(value) is not dict or part not in value:  # pylint: disable=unidiomatic-typecheck
            return NOT_PLAIN
        value = value[part]
    return value if type(value) is str else NOT_PLAIN  # pylint: disable=unidiomatic-typecheck


def plain_path_value(expression, variables):
    """The string a plain variable path names in `variables`, or NOT_PLAIN when only Jinja can tell.

    Jinja resolves `a.b` by attribute first and item second, so a segment that is an attribute of dict
    (`ecs_tags.items`) is left to Jinja; only exact dicts are walked (Ansible's lazy containers and other
    mappings are Jinja's). Only an exact `str` is returned: Ansible tags trusted and origin-tracked strings
    with a str subclass, and those must be templated (or not) by Ansible itself.
    """
    parts = _plain_path(expression) if isinstance(expression, str) else None
    return NOT_PLAIN if parts is None else _read_path(parts, variables)


class PlainKeyedGroups(object):
    """The group a keyed_groups entry puts a host in, when ansible-core's answer is sure without it.

    For an entry without parent_group, and not both default_value and trailing_separator (an error
    ansible-core raises per host), whose key is a plain path to a non-empty plain string (plain_path_value),
    ansible-core builds prefix + separator + value, sanitises it, adds the group and adds the host to it:
    the group name depends on the entry and the value alone. It is worked out (with ansible-core's own
    _sanitize_group_name and add_group) once per entry and value; group_for returns None for everything
    else, which the caller hands to ansible-core's _add_host_to_keyed_groups as before.
    One instance serves one populate run (the entries stay alive through it, so their ids are stable).
    """

    def __init__(self, plugin):
        self.plugin = plugin
        self.leading_separator = plugin.get_option('leading_separator')
        self._entries = {}
        self._names = {}

    def _entry(self, keyed):
        """(path segments, prefix + separator) of an entry this class may answer for, else None."""
        entry = self._entries.get(id(keyed))
        if entry is None or entry[0] is not keyed:
            parts = None
            if isinstance(keyed, dict) and keyed.get('parent_group') is None and (
                    keyed.get('default_value') is None or keyed.get('trailing_separator') is None):
                key = keyed.get('key')
                parts = _plain_path(key) if isinstance(key, str) else None
            prefix, separator = (keyed.get('prefix', ''), keyed.get('separator', '_')) if parts else ('', '')
            if prefix == '' and self.leading_separator is False:
                separator = ''
            entry = self._entries[id(keyed)] = (keyed, parts, '%s%s' % (prefix, separator))
        return entry

    def group_for(self, keyed, variables):
        _keyed, parts, head = self._entry(keyed)
        if parts is None:
            return None
        value = _read_path(parts, variables)
        if value is NOT_PLAIN or not value:
            return None
        inventory = self.plugin.inventory
        memo = (id(keyed), value)
        name = self._names.get(memo)
        if name is None or name not in inventory.groups:
            name = inventory.add_group(self.plugin._sanitize_group_name('%s%s' % (head, value)))
            self._names[memo] = name
        return name


# Filters and tests whose result depends on their input alone (no lookups, no clock, no randomness, no
# filter named by a string argument as in map/select).
PURE_FILTERS = frozenset((
    'lower', 'upper', 'title', 'capitalize', 'trim', 'replace', 'default', 'd', 'string', 'int', 'float', 'bool',
    'length', 'count', 'first', 'last', 'join', 'list', 'sort', 'unique', 'reverse', 'min', 'max', 'sum', 'abs',
    'round', 'truncate', 'regex_replace', 'regex_search', 'regex_findall', 'regex_escape', 'split', 'basename',
    'dirname', 'splitext', 'quote', 'to_json', 'to_yaml', 'b64encode', 'b64decode', 'dict2items', 'items2dict',
    'ternary', 'mandatory', 'combine', 'flatten', 'zip', 'difference', 'intersect', 'union', 'symmetric_difference'))
PURE_TESTS = frozenset((
    'defined', 'undefined', 'none', 'string', 'number', 'integer', 'float', 'boolean', 'mapping', 'sequence',
    'iterable', 'equalto', 'eq', '==', 'ne', '!=', 'lt', '<', 'le', '<=', 'gt', '>', 'ge', '>=', 'in', 'truthy',
    'falsy', 'search', 'match', 'regex', 'contains', 'lower', 'upper', 'odd', 'even', 'divisibleby', 'sameas',
    'true', 'false', 'subset', 'superset', 'all', 'any'))
_PURE_NODES = (nodes.Name, nodes.Const, nodes.Getattr, nodes.Getitem, nodes.Compare, nodes.Operand, nodes.Test,
               nodes.Filter, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.Concat, nodes.CondExpr,
               nodes.List, nodes.Tuple, nodes.Dict, nodes.Pair, nodes.Keyword, nodes.Slice, nodes.Add, nodes.Sub,
               nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow)
_IMMUTABLE = (str, int, float, bool, type(None))


def _short_name(name):
    return name[len('ansible.builtin.'):] if name.startswith('ansible.builtin.') else name


# Parsing only: ansible-core's own environment is not public API, and its expression syntax is Jinja's.
_PARSING_ENVIRONMENT = Environment()


def pure_expression_names(expression):
    """The variable names a pure expression reads, or None when its result may depend on anything else.

    Pure: literals, variables, attribute and item access, operators and comparisons, and the filters and
    tests above; no calls. Such an expression gives the same result for the same values of those names.
    """
    try:
        parser = Parser(_PARSING_ENVIRONMENT, expression, state='variable')
        tree = parser.parse_expression()
        if not parser.stream.eos:
            return None
    except Exception:
        return None  # ansible-core reports the syntax error itself, per host as before
    names = set()
    for node in [tree] + list(tree.find_all(nodes.Node)):
        if not isinstance(node, _PURE_NODES):
            return None
        if isinstance(node, nodes.Filter) and _short_name(node.name) not in PURE_FILTERS:
            return None
        if isinstance(node, nodes.Test) and _short_name(node.name) not in PURE_TESTS:
            return None
        if isinstance(node, nodes.Name):
            names.add(node.name)
    return tuple(sorted(names))


class _Unfreezable(AlicloudOpsError):
    pass


def _freeze(value):
    """A hashable image of plain data, types included (1, True and '1' differ). Tagged (trusted or
    origin-tracked) strings and any other type raise: their templating is Ansible's business."""
    kind = type(value)
    if kind in _IMMUTABLE:
        return kind, value
    if kind is list or kind is tuple:
        return kind, tuple(_freeze(item) for item in value)
    if kind is dict:
        return kind, tuple((_freeze(k), _freeze(v)) for k, v in value.items())
    raise _Unfreezable()


_MISSING = ('missing',)


# What fast_templar hooks into and reads: the templar's engine, its methods, and the engine's variables.
ENGINE_INTERNALS = ('_compile_expression', '_compile_template', 'evaluate_expression', 'evaluate_conditional',
                    'available_variables')


def missing_internals(templar):
    """None when the ansible-core internals fast_templar needs are there; else the first missing one, named."""
    engine = getattr(templar, '_engine', None)
    if engine is None:
        return '%s._engine' % type(templar).__name__
    for name in ENGINE_INTERNALS:
        if not hasattr(engine, name):
            return '%s.%s' % (type(engine).__name__, name)
    return None


class fast_templar(object):
    """Context manager: while active, the plugin's templar compiles each expression once and evaluates a pure
    expression once per distinct set of input values.

    Both wrap the template engine's own methods on this templar's engine instance (the plugin's templar is
    private to the plugin object); what is compiled and how it is evaluated stays ansible-core's:
    - compiles are kept by source text and options; a failed compile is not kept, so its error is raised
      per host as before;
    - evaluate_expression / evaluate_conditional outcomes are kept per expression object (its trust tags
      included) and the plain values of the variables it reads: an immutable result, or the error it
      raised, which is raised again for the same inputs.
    Callers check missing_internals(templar) first: with an internal missing, the plugin does not use this.
    """

    _COMPILE_HOOKS = ('_compile_expression', '_compile_template')
    _EVALUATE_HOOKS = ('evaluate_expression', 'evaluate_conditional')

    def __init__(self, templar):
        self.engine = getattr(templar, '_engine', None)
        self.installed = []
        self._analysed = {}
        self._results = {}
        self._depth = 0

    def __enter__(self):
        for name in self._COMPILE_HOOKS + self._EVALUATE_HOOKS:
            original = getattr(self.engine, name, None)
            if original is not None and name not in vars(self.engine):
                hook = self._memoised_compile if name in self._COMPILE_HOOKS else self._memoised_evaluate
                setattr(self.engine, name, hook(name, original))
                self.installed.append(name)
        return self

    def __exit__(self, *exc_info):
        for name in self.installed:
            delattr(self.engine, name)
        self.installed = []
        return False

    @staticmethod
    def _memoised_compile(name, compile_source):
        compiled = {}

        def compile_cached(source, options):
            try:
                key = (source, options)
                hit = compiled.get(key)
            except TypeError:  # unhashable options: compile as ansible-core always does
                return compile_source(source, options)
            if hit is None:
                hit = compile_source(source, options)
                # A compile error comes back as a plain function that raises it; keep only real templates.
                if not inspect.isfunction(hit):
                    compiled[key] = hit
            return hit
        return compile_cached

    def _input_key(self, expression, variables):
        entry = self._analysed.get(id(expression))
        if entry is None or entry[0] is not expression:
            names = None
            if isinstance(expression, str):
                names = pure_expression_names(expression)
            entry = self._analysed[id(expression)] = (expression, names)
        names = entry[1]
        if names is None:
            return None
        try:
            return tuple(_freeze(variables[n]) if n in variables else _MISSING for n in names)
        except (_Unfreezable, TypeError):
            return None

    def _memoised_evaluate(self, name, evaluate):
        def evaluate_cached(expression, **kwargs):
            # Nested calls (a conditional evaluates its stripped expression) go straight through.
            if self._depth or kwargs.get('local_variables'):
                return evaluate(expression, **kwargs)
            key = self._input_key(expression, self.engine.available_variables)
            if key is not None:
                key = (name, id(expression), tuple(sorted(kwargs.items())), key)
                hit = self._results.get(key)
                if hit is not None:
                    if hit[1]:
                        # The same inputs raise the same error (a missing tag under strict: false, say).
                        raise hit[0].with_traceback(None)
                    return hit[0]
            self._depth += 1
            try:
                result = evaluate(expression, **kwargs)
            except Exception as exc:
                if key is not None:
                    self._results[key] = (exc, True)
                raise
            finally:
                self._depth -= 1
            if key is not None and isinstance(result, _IMMUTABLE):
                self._results[key] = (result, False)
            return result
        return evaluate_cached
