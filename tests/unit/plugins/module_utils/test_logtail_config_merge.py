import json
from collections import OrderedDict

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import logtail_config_merge as m

# The shape the installer writes: odd spacing, keys in its own order.
INSTALLER_TEXT = '''{
    "config_server_address" : "http://logtail.cn-hangzhou-intranet.log.aliyuncs.com",
    "cpu_usage_limit" : 0.4,
    "streamlog_open" : false,
    "streamlog_tcp_port" : 11111,
    "vendor_secret_knob" : {"a": [1, 2]}
}
'''


def test_parse_keeps_order_and_handles_missing_file():
    config = m.parse_config(INSTALLER_TEXT, '/x.json')
    assert list(config) == ['config_server_address', 'cpu_usage_limit', 'streamlog_open',
                            'streamlog_tcp_port', 'vendor_secret_knob']
    assert m.parse_config(None, '/x.json') == {}
    assert m.parse_config('  \n', '/x.json') == {}


@pytest.mark.parametrize('text', ['{"a": 1,,}', '{"a": ', '[1, 2]', '"text"'])
def test_parse_errors_name_the_file(text):
    with pytest.raises(m.ConfigError) as exc:
        m.parse_config(text, '/usr/local/ilogtail/ilogtail_config.json')
    assert exc.value.option == 'config_path'
    assert '/usr/local/ilogtail/ilogtail_config.json' in str(exc.value)
    assert 'nothing was written' in str(exc.value)


def test_merge_keeps_unknown_keys_and_order_and_appends_new():
    current = m.parse_config(INSTALLER_TEXT, 'f')
    wanted = m.wanted_keys({'streamlog_open': True, 'streamlog_tcp_addr': '127.0.0.1'}, {'working_ip': '10.0.0.5'})
    merged = m.merge_logtail_config(current, wanted)
    assert list(merged) == ['config_server_address', 'cpu_usage_limit', 'streamlog_open', 'streamlog_tcp_port',
                            'vendor_secret_knob', 'streamlog_tcp_addr', 'working_ip']
    assert merged['streamlog_open'] is True
    assert merged['vendor_secret_knob'] == {'a': [1, 2]}
    assert current['streamlog_open'] is False  # the input is not modified


def test_render_keeps_text_when_nothing_changes():
    current = m.parse_config(INSTALLER_TEXT, 'f')
    merged = m.merge_logtail_config(current, m.wanted_keys({'streamlog_tcp_port': 11111, 'cpu_usage_limit': 0.4}, None))
    assert m.render_logtail_config(INSTALLER_TEXT, current, merged) is INSTALLER_TEXT


def test_render_rewrites_with_indent_4_when_changed():
    current = m.parse_config(INSTALLER_TEXT, 'f')
    merged = m.merge_logtail_config(current, m.wanted_keys({'streamlog_open': True}, None))
    text = m.render_logtail_config(INSTALLER_TEXT, current, merged)
    assert text.endswith('}\n')
    assert '\n    "streamlog_open": true,\n' in text
    assert json.loads(text, object_pairs_hook=OrderedDict) == merged
    # Rendering its own output again is a fixed point.
    again = m.parse_config(text, 'f')
    assert m.render_logtail_config(text, again, m.merge_logtail_config(again, m.wanted_keys({'streamlog_open': True}, None))) is text


def test_bool_and_int_are_not_the_same_value():
    current = m.parse_config('{"streamlog_open": 1}', 'f')
    merged = m.merge_logtail_config(current, m.wanted_keys({'streamlog_open': True}, None))
    assert m.render_logtail_config('{"streamlog_open": 1}', current, merged) == '{\n    "streamlog_open": true\n}\n'


def test_render_of_missing_file():
    merged = m.merge_logtail_config({}, m.wanted_keys({'streamlog_tcp_port': 11111}, None))
    assert m.render_logtail_config(None, {}, merged) == '{\n    "streamlog_tcp_port": 11111\n}\n'


def test_int_is_accepted_for_float_and_normalised():
    assert m.check_typed_value('cpu_usage_limit', 2) == 2.0
    assert isinstance(m.check_typed_value('cpu_usage_limit', 2), float)


@pytest.mark.parametrize('name, value, hint', [
    ('streamlog_tcp_port', 0, 'between 1 and 65535'),
    ('streamlog_tcp_port', 65536, 'between 1 and 65535'),
    ('streamlog_tcp_port', True, 'must be of type int'),
    ('streamlog_tcp_port', '11111', 'must be of type int'),
    ('streamlog_open', 'yes', 'must be of type bool'),
    ('streamlog_tcp_addr', 'localhost', 'IP address'),
    ('streamlog_tcp_addr', '300.1.1.1', 'IP address'),
    ('cpu_usage_limit', -0.1, 'at least 0'),
    ('mem_usage_limit', 0, 'between 1 and 2147483647'),
    ('max_bytes_per_sec', 2 ** 31, 'between 1 and 2147483647'),
    ('process_thread_count', 1.5, 'must be of type int'),
    ('streamlog_formats', 'x', 'must be of type list'),
])
def test_typed_value_errors_name_the_key(name, value, hint):
    with pytest.raises(m.ConfigError) as exc:
        m.check_typed_value(name, value)
    assert exc.value.option == name
    assert hint in str(exc.value)


def test_ipv6_address_is_fine():
    assert m.check_typed_value('streamlog_tcp_addr', '::1') == '::1'


def test_streamlog_formats_normalised():
    value = m.check_typed_value('streamlog_formats', [{'fields': ['sys_tag', 'msg'], 'version': '0.1'}])
    assert json.dumps(value) == '[{"version": "0.1", "fields": ["sys_tag", "msg"]}]'
    seed = m.check_typed_value('streamlog_formats', [{'version': '0.1', 'fields': []}])
    assert json.dumps(seed) == '[{"version": "0.1", "fields": []}]'


@pytest.mark.parametrize('entry, field', [
    ({'version': '0.1'}, 'streamlog_formats[0]'),
    ({'version': '0.1', 'fields': 'a'}, 'streamlog_formats[0].fields'),
    ({'version': '0.1', 'fields': ['a', 3]}, 'streamlog_formats[0].fields'),
    ({'version': '', 'fields': ['a']}, 'streamlog_formats[0].version'),
    ({'version': '0.1', 'fields': ['a'], 'extra': 1}, 'streamlog_formats[0]'),
])
def test_streamlog_formats_errors(entry, field):
    with pytest.raises(m.ConfigError) as exc:
        m.check_typed_value('streamlog_formats', [entry])
    assert exc.value.option == field


def test_wanted_keys_skips_unset_typed_options_and_keeps_extra_order():
    wanted = m.wanted_keys({'streamlog_open': None, 'mem_usage_limit': 512, 'unrelated_param': 'x'},
                           OrderedDict([('zeta', 1), ('alpha', [1])]))
    assert list(wanted) == ['mem_usage_limit', 'zeta', 'alpha']


def test_extra_config_refuses_typed_keys_and_non_json():
    with pytest.raises(m.ConfigError, match=r'^extra_config.streamlog_tcp_port: set it with the streamlog_tcp_port'):
        m.wanted_keys({}, {'streamlog_tcp_port': 'abc'})
    with pytest.raises(m.ConfigError, match=r'^extra_config.bad:'):
        m.wanted_keys({}, {'bad': object()})


def test_render_user_defined_id():
    assert m.render_user_defined_id(['web-prod', ' db ', 'web-prod']) == 'web-prod\ndb\n'
    assert m.render_user_defined_id([]) is None
    with pytest.raises(m.ConfigError, match=r'^user_defined_ids\[1\]'):
        m.render_user_defined_id(['ok', 'two\nlines'])
    with pytest.raises(m.ConfigError, match=r'^user_defined_ids\[0\]'):
        m.render_user_defined_id(['  '])


def test_check_aliuids():
    assert m.check_aliuids(['123', ' 456 ', 123]) == ['123', '456']
    for bad in ('12a', '../etc', '', '1' * 33):
        with pytest.raises(m.ConfigError, match=r'^aliuids\[0\]'):
            m.check_aliuids([bad])


def test_plan_aliuid_files():
    assert m.plan_aliuid_files(['1', '2'], ['2', '3', 'README'], False) == (['1'], [])
    assert m.plan_aliuid_files(['1', '2'], ['2', '3', 'README'], True) == (['1'], ['3'])
    assert m.plan_aliuid_files([], ['2', '3'], True) == ([], ['2', '3'])


@pytest.mark.parametrize('value', [float('nan'), float('inf'), float('-inf')])
def test_non_finite_numbers_refused_naming_the_field(value):
    # Issue 8: NaN reached ilogtail_config.json, which then was not JSON.
    with pytest.raises(m.ConfigError, match='^cpu_usage_limit: must be a finite number'):
        m.wanted_keys({'cpu_usage_limit': value}, None)
    with pytest.raises(m.ConfigError, match='^extra_config.limits: .*cannot be written as JSON'):
        m.wanted_keys({}, {'limits': {'deep': [1, value]}})


def test_existing_file_with_nan_or_bad_utf8_is_not_json():
    with pytest.raises(m.ConfigError, match='^config_path: /c.json is not valid JSON'):
        m.parse_config('{"a": NaN}', '/c.json')
    bad = b'{"a": "\xff"}'.decode('utf-8', 'surrogateescape')
    with pytest.raises(m.ConfigError, match=r'^config_path: /c.json is not valid UTF-8 \(byte 0xff at character 7\)'):
        m.parse_config(bad, '/c.json')


def test_user_defined_ids_refuse_control_characters():
    for raw in ['two\nlines', 'tab\there', 'nul\x00', 'sep\u2028x']:
        with pytest.raises(m.ConfigError, match=r'^user_defined_ids\[0\]'):
            m.render_user_defined_id([raw])


def test_extra_config_values_are_written_as_given():
    # Issue 25: a mutant writing every extra_config value as null survived; order-only checks missed it.
    extra = OrderedDict([('working_ip', '10.0.0.5'), ('zero', 0), ('off', False), ('limits', {'cpu': [1, 2.5]}),
                         ('config_server_address', 'http://new.example')])
    wanted = m.wanted_keys({'streamlog_tcp_port': 514}, extra)
    assert list(wanted.items()) == [('streamlog_tcp_port', 514), ('working_ip', '10.0.0.5'), ('zero', 0),
                                    ('off', False), ('limits', {'cpu': [1, 2.5]}),
                                    ('config_server_address', 'http://new.example')]
    current = m.parse_config(INSTALLER_TEXT, 'f')
    merged = m.merge_logtail_config(current, wanted)
    assert list(merged.items()) == [
        ('config_server_address', 'http://new.example'), ('cpu_usage_limit', 0.4), ('streamlog_open', False),
        ('streamlog_tcp_port', 514), ('vendor_secret_knob', {'a': [1, 2]}), ('working_ip', '10.0.0.5'),
        ('zero', 0), ('off', False), ('limits', {'cpu': [1, 2.5]})]
    text = m.render_logtail_config(INSTALLER_TEXT, current, merged)
    assert json.loads(text, object_pairs_hook=OrderedDict) == merged
    assert 'null' not in text
    assert '\n    "zero": 0,\n    "off": false,\n' in text


def test_extra_config_null_is_written_as_null():
    # A value given as None is the user's null, not a dropped key.
    merged = m.merge_logtail_config({}, m.wanted_keys({}, {'knob': None}))
    assert m.render_logtail_config(None, {}, merged) == '{\n    "knob": null\n}\n'


@pytest.mark.parametrize('text, kind', [
    ('[1, 2]', 'array'), ('"text"', 'string'), ('3', 'number'), ('0.5', 'number'), ('true', 'boolean'),
    ('null', 'null'),
])
def test_a_file_that_is_not_an_object_is_named_in_json_terms(text, kind):
    # Issue 25: the message used Python's names (a JSON "list", "str", "NoneType").
    with pytest.raises(m.ConfigError) as exc:
        m.parse_config(text, '/c.json')
    assert str(exc.value) == 'config_path: /c.json holds a JSON %s, not an object; nothing was written' % kind


@pytest.mark.parametrize('constant', ['NaN', 'Infinity', '-Infinity'])
def test_nan_and_infinity_in_the_file_are_named(constant):
    with pytest.raises(m.ConfigError) as exc:
        m.parse_config('{"a": [1, %s]}' % constant, '/c.json')
    assert str(exc.value) == ('config_path: /c.json is not valid JSON (%s is not a JSON value); nothing was written'
                              % constant)


@pytest.mark.parametrize('entry, message', [
    ({'version': '0.1'}, 'streamlog_formats[0]: must be a dict with exactly the keys version and fields'),
    ('0.1', 'streamlog_formats[0]: must be a dict with exactly the keys version and fields'),
    ({'version': '0.1', 'fields': ['a', '']},
     'streamlog_formats[0].fields: must be a list of field names (empty for a built-in layout)'),
    ({'version': 1, 'fields': []}, 'streamlog_formats[0].version: must be a non-empty string such as "0.1"'),
])
def test_streamlog_formats_messages(entry, message):
    with pytest.raises(m.ConfigError) as exc:
        m.check_typed_value('streamlog_formats', [{'version': '0.1', 'fields': []}, entry])
    assert str(exc.value) == message.replace('[0]', '[1]')


@pytest.mark.parametrize('name, value, message', [
    ('streamlog_tcp_port', '514', "must be of type int, got '514'"),
    ('cpu_usage_limit', float('inf'), 'must be a finite number (JSON has no NaN or infinity), got inf'),
    ('streamlog_tcp_port', 0, 'must be between 1 and 65535, got 0'),
    ('streamlog_tcp_port', 65536, 'must be between 1 and 65535, got 65536'),
    ('cpu_usage_limit', -0.5, 'must be at least 0, got -0.5'),
    ('streamlog_tcp_addr', 'localhost', "must be an IP address such as 127.0.0.1, got 'localhost'"),
])
def test_typed_value_messages(name, value, message):
    with pytest.raises(m.ConfigError) as exc:
        m.check_typed_value(name, value)
    assert str(exc.value) == '%s: %s' % (name, message)


@pytest.mark.parametrize('name, low, high', [
    ('streamlog_tcp_port', 1, 65535), ('mem_usage_limit', 1, 2 ** 31 - 1), ('buffer_file_num', 1, 2 ** 31 - 1),
])
def test_the_bounds_themselves_are_accepted(name, low, high):
    assert m.check_typed_value(name, low) == low
    assert m.check_typed_value(name, high) == high


def test_a_cpu_limit_of_zero_is_accepted():
    assert m.check_typed_value('cpu_usage_limit', 0) == 0.0
    assert m.check_typed_value('cpu_usage_limit', 0.0) == 0.0


def test_a_nan_extra_config_value_is_refused_word_for_word():
    with pytest.raises(m.ConfigError) as exc:
        m.wanted_keys({}, {'limit': float('nan')})
    assert str(exc.value) == 'extra_config.limit: value nan cannot be written as JSON (JSON has no NaN or infinity)'


@pytest.mark.parametrize('extra, option, message', [
    ({'big': 2 ** 64}, 'extra_config.big',
     'must be between -9223372036854775808 and 9223372036854775807, got 18446744073709551616'),
    ({'fine': 1, 'deep': {'k': [1, 2 ** 63]}}, 'extra_config.deep.k[1]',
     'must be between -9223372036854775808 and 9223372036854775807, got 9223372036854775808'),
    ({'s': 'a\x00b'}, 'extra_config.s', "must not contain a NUL byte, got 'a\\x00b'"),
])
def test_extra_config_values_a_json_reader_cannot_hold_are_refused_naming_where(extra, option, message):
    # json.dumps takes them; the agent's jsoncpp cannot hold an integer past 64 bits, a C string no NUL.
    with pytest.raises(m.ConfigError) as exc:
        m.wanted_keys({}, extra)
    assert exc.value.option == option
    assert str(exc.value) == '%s: %s' % (option, message)


def test_the_first_of_several_problems_is_reported():
    with pytest.raises(m.ConfigError) as exc:
        m.wanted_keys({}, {'pair': [2 ** 64, 'a\x00']})
    assert str(exc.value) == ('extra_config.pair[0]: must be between -9223372036854775808 and 9223372036854775807, '
                              'got 18446744073709551616')


def test_a_nested_object_with_the_same_content_in_another_order_changes_nothing():
    text = '{\n  "knob": {"b": 2, "a": 1},\n  "other": true\n}\n'
    current = m.parse_config(text, 'f')
    reordered = OrderedDict([('knob', OrderedDict([('a', 1), ('b', 2)]))])
    merged = m.merge_logtail_config(current, m.wanted_keys({}, reordered))
    assert m.render_logtail_config(text, current, merged) is text


def test_non_ascii_text_is_written_as_utf8_not_escaped():
    merged = m.merge_logtail_config({}, m.wanted_keys({}, {'label': u'caf\u00e9 \u65e5\u5fd7'}))
    assert m.render_logtail_config(None, {}, merged) == u'{\n    "label": "caf\u00e9 \u65e5\u5fd7"\n}\n'


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_render_never_writes_nan_or_infinity(value):
    # The last guard: the agent's JSON reader would refuse the whole file.
    with pytest.raises(ValueError):
        m.render_logtail_config(None, {}, OrderedDict([('x', value)]))


def test_an_aliuid_error_is_word_for_word():
    with pytest.raises(m.ConfigError) as exc:
        m.check_aliuids(['123', '12a'])
    assert str(exc.value) == "aliuids[1]: must be an Alibaba Cloud account id (digits only), got '12a'"
