"""option_checks: the rules every module runs on its options, on plain specs and values."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import option_checks as oc

SPEC = {
    'name': {'type': 'str'},
    'content': {'type': 'str'},
    'secret': {'type': 'str', 'no_log': True},
    'dir': {'type': 'path'},
    'count': {'type': 'int'},
    'ratio': {'type': 'float'},
    'ids': {'type': 'list', 'elements': 'str'},
    'extra': {'type': 'dict'},
    'forward': {'type': 'dict', 'options': {'queue': {'type': 'dict', 'options': {'size': {'type': 'int'}}},
                                            'format': {'type': 'str'}}},
    'fields': {'type': 'list', 'elements': 'dict', 'options': {'name': {'type': 'str'}}},
}


def problems(params, multiline=()):
    return dict(oc.option_problems(SPEC, params, multiline))


@pytest.mark.parametrize('value', ['nul\x00', 'a\nb', 'a\rb', 'esc\x1b', 'del\x7f', 'ls\u2028x', 'nel\x85'])
def test_one_line_text_refuses_breaks_and_control_characters(value):
    assert list(problems({'name': value})) == ['name']


def test_tab_and_unicode_are_text():
    assert problems({'name': 'tab\tx \u00fcn\u00ef \u202e'}) == {}


def test_multiline_options_take_breaks_but_never_nul():
    assert problems({'content': '[Service]\nA=b\r\n'}, multiline=('content',)) == {}
    assert 'NUL' in problems({'content': 'a\x00b'}, multiline=('content',))['content']
    assert problems({'forward': {'format': 'x\ny'}}, multiline=('forward.format',)) == {}
    assert list(problems({'forward': {'format': 'x\ny'}})) == ['forward.format']


def test_paths_are_absolute_single_line_and_short():
    assert problems({'dir': '/etc/rsyslog.d'}) == {}
    for value in ('relative', '', '-x', '/a\nb', '/a\x00b', '/' + 'd/' * 2100):
        assert list(problems({'dir': value})) == ['dir'], value


@pytest.mark.parametrize('value, bad', [(0, False), (-2 ** 31, False), (2 ** 31 - 1, False), (2 ** 31, True),
                                        (-2 ** 31 - 1, True), (2 ** 63, True), (True, False)])
def test_integers_fit_32_bits(value, bad):
    assert ('count' in problems({'count': value})) == bad


@pytest.mark.parametrize('value', [float('nan'), float('inf'), float('-inf')])
def test_floats_are_finite_everywhere(value):
    assert list(problems({'ratio': value})) == ['ratio']
    assert list(problems({'extra': {'a': [1, {'b': value}]}})) == ['extra.a[1].b']


def test_free_form_mappings_are_checked_at_every_depth_keys_included():
    found = problems({'extra': {'ok': 2 ** 63 - 1, 'big': 2 ** 64, 'k\nk': 1, 'v': 'a\x00b'}})
    assert set(found) == {'extra.big', 'extra', 'extra.v'}
    assert 'key' in found['extra']
    assert problems({'extra': {'deep': {'deeper': [{'x': 'line\nok'}]}}}, multiline=('extra',)) == {}
    nested = {}
    for _ in range(40):
        nested = {'n': nested}
    assert 'nested more than 32 levels' in problems({'extra': nested})['extra' + '.n' * 33]


def test_sub_options_and_list_items_are_named_with_their_path():
    found = problems({'forward': {'queue': {'size': 2 ** 40}}, 'ids': ['ok', 'bad\n'],
                      'fields': [{'name': 'x'}, {'name': 'y\x00'}]})
    assert set(found) == {'forward.queue.size', 'ids[1]', 'fields[1].name'}


def test_a_secret_is_never_quoted():
    found = problems({'secret': 'tok-123456\n', 'name': 'tok-123456\n'})
    assert 'tok-123456' not in found['secret'] and 'tok-123456' in found['name']


def test_refuse_bad_options_masks_secret_values_in_other_options():
    class Module(object):
        argument_spec = SPEC
        params = {'secret': 'tok-123456', 'name': 'tok-123456\n'}

        def fail_json(self, **result):
            raise AssertionError(result)
    with pytest.raises(AssertionError) as failed:
        oc.refuse_bad_options(Module())
    result = failed.value.args[0]
    assert result['invalid_options'] == ['name'] and 'tok-123456' not in result['msg']
    assert result['msg'].startswith('name: must be one line')


@pytest.mark.parametrize('value, bad', [
    ('/' + 'p' * 4094, False), ('/' + 'p' * 4095, True),                   # 4095 bytes is PATH_MAX - 1, the most
    ('/' + '\u00e9' * 2047, False), ('/' + '\u00e9' * 2047 + 'p', True),   # counted in UTF-8 bytes: 4095, 4096
], ids=['4095-ascii', '4096-ascii', '4095-utf8', '4096-utf8'])
def test_path_length_boundary_in_bytes(value, bad):
    # Issue 25: only a path far past PATH_MAX was tested.
    found = problems({'dir': value})
    assert ('dir' in found) == bad
    if bad:
        assert found['dir'] == 'is longer than the 4095 bytes a path may have'


@pytest.mark.parametrize('value, bad', [(2 ** 63 - 1, False), (2 ** 63, True), (-2 ** 63, False), (-2 ** 63 - 1, True)])
def test_free_form_integers_fit_64_bits(value, bad):
    assert ('extra.n' in problems({'extra': {'n': value}})) == bad
    assert ('extra[0]' in dict(oc.option_problems({'extra': {'type': 'list'}}, {'extra': [value]}))) == bad


# Issue 25 (mutation testing): the messages word for word, each rule at its edges, and every kind of option.

def test_shown_keeps_a_repr_of_the_limit_whole_and_cuts_a_longer_one_to_the_limit():
    assert oc.shown('a' * 58) == repr('a' * 58)                    # 60 characters: whole
    assert oc.shown('a' * 59) == "'" + 'a' * 55 + "...'"          # 61: cut to 60, the closing quote kept
    assert oc.shown('abcdefgh', limit=9) == "'abcd...'"
    assert oc.shown('abcdefg', limit=9) == "'abcdefg'"


def test_text_problem_messages():
    assert oc.text_problem('ab\x00') == "must not contain a NUL byte, got 'ab\\x00'"
    assert oc.text_problem('ab\x00', multiline=True) == "must not contain a NUL byte, got 'ab\\x00'"
    assert oc.text_problem('ab\x00', secret=True) == 'must not contain a NUL byte'
    assert oc.text_problem('ab\rc') == (
        "must be one line without control characters ('\\r' at position 2), got 'ab\\rc'")
    assert oc.text_problem('x\x1f', secret=True) == (
        "must be one line without control characters ('\\x1f' at position 1)")
    assert oc.text_problem('a\nb', multiline=True) is None
    assert oc.text_problem('a\tb') is None


@pytest.mark.parametrize('value', [5, 1.5, b'a\x00\n', ['a\n'], None])
def test_only_strings_are_judged_as_text(value):
    assert oc.text_problem(value) is None
    assert oc.path_problem(value) is None


def test_path_problem_messages():
    assert oc.path_problem('etc/x') == "must be an absolute path, got 'etc/x'"
    assert oc.path_problem('/a\nb') == "must be one line without control characters ('\\n' at position 2), got '/a\\nb'"
    assert oc.path_problem('/' + 'p' * 4095) == 'is longer than the 4095 bytes a path may have'
    assert oc.path_problem('/etc/x') is None


def test_a_path_with_undecodable_bytes_is_measured_in_its_bytes():
    # Paths of bytes that are not UTF-8 reach the module as surrogate escapes: one byte each.
    assert oc.path_problem('/\udcff' * 2047) is None                    # 4094 bytes
    assert oc.path_problem('/\udcff' * 2048) == 'is longer than the 4095 bytes a path may have'


def test_int_problem_message_and_custom_bounds():
    assert oc.int_problem(-2 ** 31 - 1) == 'must be between -2147483648 and 2147483647, got -2147483649'
    assert oc.int_problem(5, low=1, high=4) == 'must be between 1 and 4, got 5'
    assert oc.int_problem(0, low=1, high=4) == 'must be between 1 and 4, got 0'
    assert oc.int_problem(1, low=1, high=4) is None and oc.int_problem(4, low=1, high=4) is None
    # A long number is cut to 30 characters in the message.
    assert oc.int_problem(10 ** 29, high=0).endswith(', got %d' % 10 ** 29)                       # 30 digits
    assert oc.int_problem(10 ** 30, high=0).endswith(', got ' + '1' + '0' * 25 + '...0')          # 31 digits


@pytest.mark.parametrize('value', [True, False, 1e30, '99999999999', None])
def test_int_problem_judges_integers_only(value):
    assert oc.int_problem(value, low=2, high=-2) is None


def test_number_problem_messages():
    assert oc.number_problem(float('inf')) == 'must be a finite number (NaN and infinity are refused), got inf'
    assert oc.number_problem(float('-inf')) == 'must be a finite number (NaN and infinity are refused), got -inf'
    assert oc.number_problem(1e308) is None
    assert oc.number_problem(10 ** 400) is None  # an integer is int_problem's


def _nested(levels, leaf):
    value = leaf
    for _ in range(levels):
        value = {'n': value}
    return value


def test_free_form_values_may_be_nested_32_levels_deep_not_33():
    assert oc.data_problems('x', _nested(32, 1)) == []
    assert oc.data_problems('x', _nested(32, {})) == []
    assert oc.data_problems('x', _nested(33, 1)) == [('x' + '.n' * 33, 'is nested more than 32 levels deep')]
    assert oc.data_problems('x', [[_nested(31, 1)]]) == [('x[0][0]' + '.n' * 31, 'is nested more than 32 levels deep')]
    assert oc.data_problems('x', [_nested(31, 1)]) == []


def test_free_form_problems_word_for_word():
    found = oc.data_problems('extra', {'k\nk': 'v', 'list': [1, 'a\x00'], 3: 2 ** 64, 'f': float('nan')})
    assert found == [
        ('extra', "key must be one line without control characters ('\\n' at position 1), got 'k\\nk'"),
        ('extra.list[1]', "must not contain a NUL byte, got 'a\\x00'"),
        ('extra.3', 'must be between -9223372036854775808 and 9223372036854775807, got 18446744073709551616'),
        ('extra.f', 'must be a finite number (NaN and infinity are refused), got nan'),
    ]
    assert oc.data_problems('t', ('a\n', 'b')) == [
        ('t[0]', "must be one line without control characters ('\\n' at position 1), got 'a\\n'")]


def test_free_form_keys_stay_one_line_in_a_multiline_option_and_values_follow_it():
    found = problems({'extra': {'a': {'k\n': 'v\nw'}, 'b': ['x\ny']}}, multiline=('extra',))
    assert found == {'extra.a': "key must be one line without control characters ('\\n' at position 1), got 'k\\n'"}


def test_a_free_form_secret_is_never_quoted_at_any_depth():
    spec = {'headers': {'type': 'dict', 'no_log': True}}
    found = dict(oc.option_problems(spec, {'headers': {'a': {'b': ['tok-9876\n']}}}))
    assert found == {'headers.a.b[0]': "must be one line without control characters ('\\n' at position 8)"}


def test_the_items_of_a_secret_list_are_never_quoted():
    spec = {'tokens': {'type': 'list', 'elements': 'str', 'no_log': True},
            'maps': {'type': 'list', 'elements': 'dict', 'no_log': True}}
    found = dict(oc.option_problems(spec, {'tokens': ['ok', 'tok-9876\n'], 'maps': [{'k': 'tok-5432\x00'}]}))
    assert found == {'tokens[1]': "must be one line without control characters ('\\n' at position 8)",
                     'maps[0].k': 'must not contain a NUL byte'}


@pytest.mark.parametrize('kind', ['str', 'bytes', 'bits', 'jsonarg', 'json', 'raw', 'dict', 'list'])
def test_text_of_every_kind_that_can_hold_it_is_checked(kind):
    found = dict(oc.option_problems({'o': {'type': kind}}, {'o': 'a\nb'}))
    assert found == {'o': "must be one line without control characters ('\\n' at position 1), got 'a\\nb'"}
    assert oc.option_problems({'o': {'type': kind}}, {'o': 'a\nb'}, multiline=('o',)) == []


@pytest.mark.parametrize('kind', ['bool', 'int', 'float', 'sid'])
def test_kinds_that_hold_no_text_leave_text_to_ansible(kind):
    assert oc.option_problems({'o': {'type': kind}}, {'o': 'a\nb'}) == []


def test_an_option_without_a_type_is_text():
    assert dict(oc.option_problems({'o': {}}, {'o': 'a\x00'})) == {'o': "must not contain a NUL byte, got 'a\\x00'"}


def test_list_items_follow_their_elements_and_default_to_free_form():
    spec = {'paths': {'type': 'list', 'elements': 'path'}, 'nums': {'type': 'list', 'elements': 'int'},
            'any': {'type': 'list'}, 'ids': {'type': 'list', 'elements': 'str'}}
    found = oc.option_problems(spec, {'paths': ['/ok', 'rel'], 'nums': [1, 2 ** 31], 'any': [{'k': 'v\x00'}],
                                      'ids': [None, 'a\nb']})
    assert found == [
        ('paths[1]', "must be an absolute path, got 'rel'"),
        ('nums[1]', 'must be between -2147483648 and 2147483647, got 2147483648'),
        ('any[0].k', "must not contain a NUL byte, got 'v\\x00'"),
        ('ids[1]', "must be one line without control characters ('\\n' at position 1), got 'a\\nb'"),
    ]
    assert oc.option_problems(spec, {'ids': ['a\nb']}, multiline=('ids',)) == []


def test_multiline_names_sub_options_by_their_plain_dotted_path():
    params = {'fields': [{'name': 'a\nb'}, {'name': 'c'}], 'forward': {'queue': {'size': 1}, 'format': 'x\ny'}}
    assert problems(params, multiline=('fields.name', 'forward.format')) == {}
    found = problems(params, multiline=('fields[0].name', 'name', 'format'))
    assert set(found) == {'fields[0].name', 'forward.format'}


def test_a_dict_with_sub_options_given_something_else_is_checked_as_free_form():
    assert problems({'forward': 'a\nb'}) == {
        'forward': "must be one line without control characters ('\\n' at position 1), got 'a\\nb'"}
    assert problems({'forward': ['a\x00']}) == {'forward[0]': "must not contain a NUL byte, got 'a\\x00'"}


def test_secret_values_are_the_given_no_log_strings():
    spec = {'a': {'no_log': True}, 'b': {'no_log': False}, 'c': {}, 'd': {'no_log': True}, 'e': {'no_log': True}}
    assert oc.secret_values(spec, {'a': 'tok-1', 'b': 'plain', 'c': 'other', 'd': None, 'e': 5}) == ['tok-1']


def _module(spec, params):
    class Module(object):
        argument_spec = spec
        failed = None

        def fail_json(self, **result):
            self.failed = result
    module = Module()
    module.params = params
    return module


def test_refuse_bad_options_names_every_problem_in_one_message():
    module = _module(SPEC, {'name': 'a\x00', 'count': 2 ** 31, 'fields': [{'name': '\n'}, {'name': '\r'}]})
    oc.refuse_bad_options(module)
    assert module.failed == {
        'msg': "name: must not contain a NUL byte, got 'a\\x00'; "
               'count: must be between -2147483648 and 2147483647, got 2147483648; '
               "fields[0].name: must be one line without control characters ('\\n' at position 0), got '\\n'; "
               "fields[1].name: must be one line without control characters ('\\r' at position 0), got '\\r'",
        'invalid_options': ['count', 'fields[0].name', 'fields[1].name', 'name']}


def test_refuse_bad_options_lists_an_option_once_and_passes_multiline_on():
    module = _module(SPEC, {'extra': {'k\n': 1, 'j\n': 2}, 'content': 'a\nb'})
    oc.refuse_bad_options(module, multiline=('content',))
    assert module.failed['invalid_options'] == ['extra']
    assert module.failed['msg'].count('extra: key must be one line') == 2


def test_refuse_bad_options_leaves_good_options_alone():
    module = _module(SPEC, {'name': 'x', 'content': 'a\nb', 'dir': '/etc'})
    oc.refuse_bad_options(module, multiline=('content',))
    assert module.failed is None
