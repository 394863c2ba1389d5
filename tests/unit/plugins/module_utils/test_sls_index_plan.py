"""A logstore's index on plain dicts (plugins/module_utils/sls_index_plan.py): the options read with their defaults,
each refusal with its field and message, the CreateIndex body and the GetIndex view with theirs, and the plan."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import (
    DEFAULT_TOKENS, SYSLOG_FIELDS, desired_index, index_body, index_view, plan_index)

TOKENS_PROBLEM = ('tokens', 'must be a non-empty list of single characters')


def text_field(tokens, case=False, analytics=True):
    return {'type': 'text', 'tokens': tokens, 'case_sensitive': case, 'analytics': analytics}


# -- desired_index ---------------------------------------------------------------------------------------------
def test_no_options_index_full_text_and_every_syslog_field_with_the_console_delimiters():
    view, problems = desired_index({})
    assert problems == []
    assert view == {'full_text': {'tokens': DEFAULT_TOKENS, 'case_sensitive': False},
                    'fields': dict((name, text_field(DEFAULT_TOKENS)) for name in SYSLOG_FIELDS)}


def test_given_tokens_and_case_reach_full_text_and_every_field_that_does_not_set_its_own():
    view, problems = desired_index({'tokens': ('|', ' '), 'case_sensitive': True,
                                    'fields': [{'name': 'a'}, {'name': 'b', 'tokens': ['#'], 'case_sensitive': False}]})
    assert problems == []
    assert view['full_text'] == {'tokens': ['|', ' '], 'case_sensitive': True}
    assert view['fields'] == {'a': text_field(['|', ' '], case=True), 'b': text_field(['#'], case=False)}


@pytest.mark.parametrize('case', [0, None, ''])
def test_a_false_case_sensitive_is_false_everywhere(case):
    view, _ = desired_index({'case_sensitive': case, 'fields': [{'name': 'a', 'case_sensitive': None}]})
    assert view['full_text']['case_sensitive'] is False and view['fields']['a']['case_sensitive'] is False


def test_a_field_may_be_case_sensitive_alone():
    view, _ = desired_index({'fields': [{'name': 'a', 'case_sensitive': 1}]})
    assert view['full_text']['case_sensitive'] is False and view['fields']['a']['case_sensitive'] is True


@pytest.mark.parametrize('tokens', [[',', '\n'], ['x']])
def test_single_characters_are_delimiters(tokens):
    view, problems = desired_index({'tokens': tokens})
    assert problems == [] and view['full_text']['tokens'] == tokens


@pytest.mark.parametrize('tokens', [[], ['ab'], [''], [',', 'ab'], [1], [',', None]])
def test_tokens_that_are_not_single_characters_are_refused(tokens):
    assert desired_index({'tokens': tokens})[1] == [TOKENS_PROBLEM]


@pytest.mark.parametrize('full_text, expected', [(True, True), (False, False), (1, True), (0, False)])
def test_full_text_is_on_unless_turned_off(full_text, expected):
    view, problems = desired_index({'full_text': full_text})
    assert problems == [] and (view['full_text'] is not None) is expected


def test_field_types_and_their_keys():
    view, problems = desired_index({'fields': [
        {'name': 't', 'type': None}, {'name': 'l', 'type': 'long'}, {'name': 'd', 'type': 'double', 'analytics': 0},
        {'name': 'x', 'type': 'text', 'analytics': False}, {'name': 'y', 'analytics': 1}]})
    assert problems == []
    assert view['fields'] == {'t': text_field(DEFAULT_TOKENS), 'l': {'type': 'long', 'analytics': True},
                              'd': {'type': 'double', 'analytics': False},
                              'x': text_field(DEFAULT_TOKENS, analytics=False), 'y': text_field(DEFAULT_TOKENS)}


def test_an_unknown_type_is_named_with_the_choices():
    view, problems = desired_index({'fields': [{'name': 'a'}, {'name': 'b', 'type': 'date'}]})
    assert problems == [('fields[1].type', "must be one of text, long, double, got 'date'")]
    assert view['fields']['b'] == {'type': 'date', 'analytics': True}


def test_a_text_field_with_no_delimiters_is_refused_but_not_a_number_field():
    problems = desired_index({'fields': [{'name': 'n', 'type': 'long', 'tokens': []},
                                         {'name': 'a', 'tokens': []}]})[1]
    assert problems == [('fields[1].tokens', 'a text field needs delimiters')]


@pytest.mark.parametrize('name', [None, '', 5])
def test_a_field_without_a_name_is_named_by_its_place_and_the_next_ones_still_read(name):
    view, problems = desired_index({'fields': [{'name': 'a'}, {'name': name, 'type': 'date'},
                                               {'name': 'b', 'type': 'date'}]})
    assert problems == [('fields[1].name', 'required'),
                        ('fields[2].type', "must be one of text, long, double, got 'date'")]
    assert sorted(view['fields']) == ['a', 'b']


def test_a_field_given_twice_is_named_at_its_second_place():
    problems = desired_index({'fields': [{'name': 'a'}, {'name': 'b'}, {'name': 'a'}]})[1]
    assert problems == [('fields[2].name', "duplicate field 'a'")]


def test_without_full_text_a_field_is_needed():
    problem = ('fields', 'with full_text false at least one field index is needed')
    assert desired_index({'full_text': False, 'fields': []}) == ({'full_text': None, 'fields': {}}, [problem])
    assert desired_index({'full_text': False, 'fields': [{'name': None}]})[1] == [
        ('fields[0].name', 'required'), problem]
    assert desired_index({'full_text': False, 'fields': [{'name': 'a'}]})[1] == []
    assert desired_index({'full_text': True, 'fields': []}) == (
        {'full_text': {'tokens': DEFAULT_TOKENS, 'case_sensitive': False}, 'fields': {}}, [])


# -- index_body and index_view ---------------------------------------------------------------------------------
VIEW = {'full_text': {'tokens': [',', ' '], 'case_sensitive': True},
        'fields': {'host': text_field(['-'], case=False, analytics=True), 'n': {'type': 'long', 'analytics': False}}}
BODY = {'line': {'token': [',', ' '], 'caseSensitive': True, 'chn': False},
        'keys': {'host': {'type': 'text', 'doc_value': True, 'token': ['-'], 'caseSensitive': False, 'chn': False},
                 'n': {'type': 'long', 'doc_value': False}}}


def test_index_body_is_the_create_index_json_and_reads_back_as_the_view():
    assert index_body(VIEW) == BODY
    assert index_view(BODY) == VIEW


def test_index_body_leaves_out_what_is_not_indexed():
    assert index_body({'full_text': None, 'fields': VIEW['fields']}) == {'keys': BODY['keys']}
    assert index_body({'full_text': VIEW['full_text'], 'fields': {}}) == {'line': BODY['line']}


def test_index_view_defaults_of_what_the_service_leaves_out():
    assert index_view({}) == {'full_text': None, 'fields': {}}
    assert index_view({'line': {}, 'keys': None}) == {'full_text': None, 'fields': {}}
    assert index_view({'line': {'chn': False}, 'keys': {'a': {}, 'b': {'type': 'double', 'token': [',']}}}) == {
        'full_text': {'tokens': [], 'case_sensitive': False},
        'fields': {'a': {'type': 'text', 'analytics': False, 'tokens': [], 'case_sensitive': False},
                   'b': {'type': 'double', 'analytics': False}}}
    assert index_view({'line': {'token': None, 'caseSensitive': 1},
                       'keys': {'a': {'token': None, 'caseSensitive': 1, 'doc_value': 1}}}) == {
        'full_text': {'tokens': [], 'case_sensitive': True},
        'fields': {'a': {'type': 'text', 'analytics': True, 'tokens': [], 'case_sensitive': True}}}


# -- plan_index ------------------------------------------------------------------------------------------------
def test_plan_index_names_each_difference_sorted():
    assert plan_index(None, VIEW) == ['created']
    assert plan_index(VIEW, VIEW) == []
    other = {'full_text': VIEW['full_text'],
             'fields': {'host': text_field(['-'], case=True), 'z': {'type': 'long', 'analytics': True},
                        'a': {'type': 'long', 'analytics': True}}}
    assert plan_index(VIEW, other) == ['fields.a', 'fields.host', 'fields.n', 'fields.z']
    assert plan_index(VIEW, dict(VIEW, full_text=None)) == ['full_text']
    assert plan_index({'full_text': None, 'fields': {}}, {'full_text': None, 'fields': {}}) == []
