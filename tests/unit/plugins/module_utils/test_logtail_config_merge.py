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
