"""argument_guard: sub-options of a value that is not a mapping are dropped, so ansible reports it.

Runs under `make units` on every supported ansible-core release (tools/sanity/units.sh UNITS_INTERNALS): the crash
it works around (https://github.com/ansible/ansible/pull/81631) is in every one of them."""
import os
import re

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import (
    finite_int, guarded_spec, plain_path, plain_text)
from ansible_collections.alicloud_ops.logging.plugins.modules import logtail_config, rsyslog_dropin
from tests.support.module_harness import patch_module_args, run_module

SPEC = {'forward': {'type': 'dict', 'aliases': ['fwd'], 'options': {
    'port': {'type': 'int'}, 'queue': {'type': 'dict', 'apply_defaults': True, 'options': {'size': {'type': 'int'}}}}},
    'formats': {'type': 'list', 'elements': 'dict', 'options': {'version': {'type': 'str'}}},
    'plain': {'type': 'str'}}


def test_mappings_keep_the_spec_untouched():
    assert guarded_spec(SPEC, {'forward': {'queue': {'size': 1}}, 'formats': [{'version': '1'}]}) == SPEC
    assert guarded_spec(SPEC, {'forward': 'port=5', 'plain': False}) == SPEC
    assert guarded_spec(SPEC, {}) == SPEC


@pytest.mark.parametrize('params, path', [
    ({'forward': False}, ['forward']), ({'fwd': 3}, ['forward']), ({'forward': [1]}, ['forward']),
    ({'forward': {'queue': 1.5}}, ['forward', 'queue']), ({'forward': '{"queue": true}'}, ['forward', 'queue']),
    ({'formats': [{'version': '1'}, False]}, ['formats']), ({'formats': True}, ['formats']),
])
def test_non_mappings_lose_their_sub_options(params, path):
    spec = guarded_spec(SPEC, params)
    for key in path[:-1]:
        spec = spec[key]['options']
    assert 'options' not in spec[path[-1]] and 'apply_defaults' not in spec[path[-1]]
    assert 'options' in SPEC['forward']['options']['queue']  # the module's own spec is not changed


def _type_error(what, kind):
    """ansible's message naming `what` and the type it got: `is of type bool` from 2.19 on, `is of type <class
    'bool'>` before (2.18)."""
    return re.compile(r"%s is of type (%s|<class '%s'>)" % (re.escape(what), kind, kind))


@pytest.mark.parametrize('main, args, needle', [
    (rsyslog_dropin.main, {'name': 'x', 'forward': False}, _type_error("argument 'forward'", 'bool')),
    (rsyslog_dropin.main, {'name': 'x', 'forward': {'queue': 5}}, _type_error("argument 'queue'", 'int')),
    (logtail_config.main, {'streamlog_formats': [True]}, _type_error("option 'streamlog_formats'", 'bool')),
])
def test_modules_report_instead_of_crashing(main, args, needle):
    # ansible-core alone raises TypeError here (found by tests/unit/plugins/modules/test_bad_input_*).
    result = run_module(main, args)
    assert result.failed and needle.search(result.msg), result.msg


@pytest.mark.parametrize('params', [{'forward': False}, {'forward': {'queue': 5}}, {'fwd': 3}])
def test_ansible_alone_still_crashes_on_sub_options_of_a_non_mapping(params):
    # Why guarded_spec drops sub-options: if this starts failing on every supported release, ansible-core reports
    # such values itself (https://github.com/ansible/ansible/pull/81631 merged) and that part of the guard can go.
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    with pytest.raises(TypeError, match='is not iterable'):
        ArgumentSpecValidator(SPEC).validate(params)
    # With the guard: an error naming the option instead.
    assert ArgumentSpecValidator(guarded_spec(SPEC, params)).validate(params).error_messages


@pytest.mark.parametrize('value', [float('inf'), float('-inf'), float('nan')])
def test_non_finite_int_options_are_refused_by_name(value):
    spec = guarded_spec({'port': {'type': 'int'}, 'limit': {'type': 'float'}}, {'port': value, 'limit': value})
    assert callable(spec['port']['type']) and spec['limit']['type'] == 'float'
    for main, args, option in [(rsyslog_dropin.main, {'name': 'x', 'content': 'x', 'weight': value}, 'weight'),
                               (rsyslog_dropin.main, {'name': 'x', 'forward': {'port': value}}, 'port'),
                               (logtail_config.main, {'streamlog_tcp_port': value}, 'streamlog_tcp_port')]:
        result = run_module(main, args)
        assert result.failed and "argument '%s'" % option in result.msg and 'not a finite number' in result.msg


@pytest.mark.parametrize('main, args, needle', [
    (logtail_config.main, {'user_defined_ids': [{}]}, "option 'user_defined_ids' is of type dict"),
    (logtail_config.main, {'user_defined_ids': ['web', ['x']]}, "option 'user_defined_ids' is of type list"),
    (logtail_config.main, {'config_path': {'a': 1}}, "argument 'config_path' is of type dict"),
    (logtail_config.main, {'user_defined_ids': float('nan')}, "argument 'user_defined_ids' is of type float"),
    (rsyslog_dropin.main, {'name': {'a': 1}, 'content': 'x'}, "argument 'name' is of type dict"),
    (rsyslog_dropin.main, {'name': 'x', 'forward': {'target': ['h']}}, "argument 'target' is of type list"),
])
def test_mappings_lists_and_nan_are_not_turned_into_text(main, args, needle):
    # Issue 19: ansible-core wrote user_defined_ids: [{}] as the id "{}".
    result = run_module(main, args)
    # ansible-core 2.18 names the type as <class 'dict'>, 2.19 and later as dict.
    assert result.failed and needle in re.sub(r"<class '(\w+)'>", r'\1', result.msg), result.msg
    assert 'expected text' in result.msg or 'not a finite number, and not text' in result.msg, result.msg


def test_ansible_alone_still_turns_mappings_and_nan_into_text():
    # Why plain_text exists: if this starts failing, ansible-core refuses such values itself and the guard can go.
    from ansible.module_utils.common.validation import check_type_str
    assert check_type_str({}) == '{}' and check_type_str(['x']) == "['x']" and check_type_str(float('nan')) == 'nan'


def test_a_nul_in_top_level_text_is_refused_by_name_before_ansible_logs_the_invocation():
    # On target Python 3.12+ syslog.syslog refuses a NUL, and ansible failed with "Failed to log to syslog",
    # naming no option; sub-options are logged by their repr (escaped), so only top-level text needs the checker.
    spec = guarded_spec(SPEC, {'plain': 'a\x00b'})
    assert callable(spec['plain']['type']) and spec['forward'] == SPEC['forward']
    result = run_module(rsyslog_dropin.main, {'name': 'fwd\x00', 'content': 'x'})
    assert result.failed and "argument 'name'" in result.msg and 'NUL' in result.msg, result.msg


# The guard's pieces on their own: which value gets which checker, and what each checker says.
TEXT = {'name': {'type': 'str', 'aliases': ['n']}, 'untyped': {}, 'root': {'type': 'path'},
        'ids': {'type': 'list', 'elements': 'str'}, 'paths': {'type': 'list', 'elements': 'path'},
        'ports': {'type': 'list', 'elements': 'int'}, 'port': {'type': 'int', 'default': 514}}


def test_finite_int_and_plain_text_messages():
    with pytest.raises(ValueError) as caught:
        finite_int(float('inf'))
    assert str(caught.value) == 'inf is not a finite number, so it cannot be an integer'
    for value, message in [(float('nan'), 'nan is not a finite number, and not text either'),
                           (float('-inf'), '-inf is not a finite number, and not text either'),
                           ({}, 'expected text, got a mapping'), ([], 'expected text, got a list'),
                           (('a',), 'expected text, got a list'),
                           ('a\x00b', 'contains a NUL character, which no path, name or log line can hold')]:
        with pytest.raises(ValueError) as caught:
            plain_text(value)
        assert str(caught.value) == message
    assert (plain_text('x'), plain_text(5), plain_text(1.5), plain_text(True)) == ('x', '5', '1.5', 'True')
    assert plain_path('~/x') == os.path.expanduser('~/x') and plain_path('/a/$NO_SUCH_VAR_X') == '/a/$NO_SUCH_VAR_X'
    with pytest.raises(ValueError, match='expected text, got a mapping'):
        plain_path({'a': 1})


@pytest.mark.parametrize('params, checkers', [
    ({'name': {}}, {'name': plain_text}), ({'n': ['x']}, {'name': plain_text}), ({'untyped': ('x',)}, {'untyped': plain_text}),
    ({'root': {'a': 1}}, {'root': plain_path}), ({'root': float('inf')}, {'root': plain_path}),
    ({'name': 'a\x00'}, {'name': plain_text}), ({'root': '/a\x00'}, {'root': plain_path}),
    ({'ids': float('nan')}, {'ids': plain_text}), ({'port': float('-inf')}, {'port': finite_int}),
    ({'name': 'x', 'n': {}}, {}), ({'name': None, 'root': None, 'port': None}, {}),
    ({'name': 5, 'root': '/x', 'ids': 'a,b', 'port': 1.0e300, 'ports': [float('nan')]}, {}),
])
def test_which_option_gets_which_checker(params, checkers):
    spec = guarded_spec(TEXT, params)
    changed = dict((name, option['type']) for name, option in spec.items() if option != TEXT[name])
    assert changed == checkers
    for name in checkers:
        assert dict(spec[name], type=TEXT[name].get('type')) == dict(TEXT[name], type=TEXT[name].get('type'))


@pytest.mark.parametrize('params, elements', [
    ({'ids': ['a', {}]}, {'ids': plain_text}), ({'ids': [['x']]}, {'ids': plain_text}),
    ({'paths': ['/a', float('nan')]}, {'paths': plain_path}), ({'ids': ['a', 'b\x00']}, {}),
    ({'ids': ['a', 1]}, {}), ({'ports': [{}]}, {}), ({'ids': 'a,b'}, {}),
])
def test_lists_of_text_get_an_element_checker_for_items_that_are_not_text(params, elements):
    spec = guarded_spec(TEXT, params)
    assert dict((name, option['elements']) for name, option in spec.items() if option != TEXT[name]) == elements
    for name in elements:
        assert spec[name]['type'] == 'list'


def test_every_option_is_guarded_whatever_was_guarded_before_it():
    spec = {'port': {'type': 'int'}, 'name': {'type': 'str'}, 'ids': {'type': 'list'},
            'paths': {'type': 'list', 'elements': 'path'}, 'forward': {'type': 'dict', 'options': {'x': {}}},
            'last': {'type': 'str'}}
    guarded = guarded_spec(spec, {'port': float('inf'), 'name': {}, 'ids': float('nan'), 'paths': [[]],
                                  'forward': False, 'last': []})
    assert [guarded[k].get('type') for k in spec] == [finite_int, plain_text, plain_text, 'list', 'dict', plain_text]
    assert guarded['paths']['elements'] is plain_path and 'options' not in guarded['forward']


def test_a_nul_inside_sub_options_is_left_to_ansible():
    spec = {'forward': {'type': 'dict', 'options': {'target': {'type': 'str'}}}}
    assert guarded_spec(spec, {'forward': {'target': 'h\x00'}}) == spec
    assert guarded_spec(spec, {'forward': {'target': {}}})['forward']['options']['target']['type'] is plain_text


@pytest.mark.parametrize('value', ['garbage', '', 'a=1 b', 5, None])
def test_text_that_is_no_mapping_drops_the_sub_options(value):
    spec = guarded_spec(SPEC, {'forward': value})
    if value is None:
        assert spec == SPEC
    else:
        assert spec['forward'] == {'type': 'dict', 'aliases': ['fwd']}


def test_a_list_option_given_one_mapping_or_text_is_guarded_as_one_item():
    assert guarded_spec(SPEC, {'formats': {'version': {}}})['formats']['options']['version']['type'] is plain_text
    assert guarded_spec(SPEC, {'formats': 'version=1'}) == SPEC
    assert guarded_spec(SPEC, {'formats': [{'version': '1'}, {'version': ['x']}]})['formats']['options'][
        'version']['type'] is plain_text


def test_params_read_from_the_module_arguments_or_left_alone():
    with patch_module_args({'forward': False}):
        assert 'options' not in guarded_spec(SPEC)['forward']
    assert guarded_spec(SPEC, ['forward']) is SPEC
