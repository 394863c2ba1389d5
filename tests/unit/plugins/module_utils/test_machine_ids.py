import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.machine_ids import machine_id_problem

EMPTY = 'must be a non-empty single-line string, got %r'
CONTROL = 'must be a non-empty single-line string without control characters, got %r'


@pytest.mark.parametrize('raw', ['web-1', '  web-1  ', 'web-1\n', '\tweb-1', 'a b', 'x', u'\u00e9t\u00e9', u'\x80',
                                 u'\u2027', u'\u202a'])
def test_usable_ids(raw):
    # Surrounding blanks (a trailing newline, a leading tab too) are ignored; a blank inside is part of the id.
    assert machine_id_problem(raw) is None


@pytest.mark.parametrize('raw', [None, '', ' ', ' \n\t', 5, b'web', ['web']])
def test_empty_or_not_text_says_what_it_got(raw):
    assert machine_id_problem(raw) == EMPTY % (raw,)


@pytest.mark.parametrize('raw', ['a\nb', 'a\rb', 'tab\tx', 'x\x00y', 'x\x1fy', 'x\x7fy', u'x\u2028y', u'x\u2029y',
                                 ' a\nb '])
def test_control_characters_inside_are_refused_naming_the_raw_value(raw):
    # The message quotes the value as given, blanks and all.
    assert machine_id_problem(raw) == CONTROL % (raw,)
