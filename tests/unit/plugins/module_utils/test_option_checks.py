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
