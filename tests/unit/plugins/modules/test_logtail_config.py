import errno
import json
import os
import re

import pytest
import yaml

from ansible_collections.alicloud_ops.logging.plugins.doc_fragments import attributes as attributes_fragment
from ansible_collections.alicloud_ops.logging.plugins.modules import logtail_config
from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import logtail_config as logtail_config_code
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_state import ValidationFailed
from tests.support.module_harness import run_module

INSTALLER_TEXT = '''{
    "config_server_address" : "http://logtail.cn-hangzhou-intranet.log.aliyuncs.com",
    "streamlog_open" : false,
    "streamlog_tcp_port" : 11111,
    "unknown_future_key" : [1, 2]
}
'''


def paths(tmp_path):
    return {
        'config_path': str(tmp_path / 'ilogtail' / 'ilogtail_config.json'),
        'user_defined_id_path': str(tmp_path / 'etc' / 'user_defined_id'),
        'aliuids_dir': str(tmp_path / 'etc' / 'users'),
    }


def seed(tmp_path, text=INSTALLER_TEXT):
    args = paths(tmp_path)
    os.makedirs(os.path.dirname(args['config_path']))
    with open(args['config_path'], 'w') as handle:
        handle.write(text)
    return args


def test_merge_then_idempotent(tmp_path):
    args = seed(tmp_path)
    args.update(streamlog_open=True, streamlog_tcp_addr='127.0.0.1', cpu_usage_limit=1,
                extra_config={'working_ip': '10.0.0.5'})
    first = run_module(logtail_config.main, args, diff=True)
    assert not first.failed, first
    assert first.changed and first.data['restart_required']
    assert first.data['changed_files'] == [args['config_path']]
    written = json.load(open(args['config_path']))
    assert written['unknown_future_key'] == [1, 2]
    assert written['streamlog_open'] is True and written['cpu_usage_limit'] == 1.0
    assert list(written)[-3:] == ['streamlog_tcp_addr', 'cpu_usage_limit', 'working_ip']
    assert first.data['diff'][0]['before'] == INSTALLER_TEXT
    second = run_module(logtail_config.main, args, diff=True)
    assert not second.changed and not second.data['restart_required'] and second.data['diff'] == []


def test_check_mode_writes_nothing_and_reports_the_same(tmp_path):
    args = seed(tmp_path)
    args.update(streamlog_open=True, user_defined_ids=['web'], aliuids=['123'])
    check = run_module(logtail_config.main, args, check_mode=True, diff=True)
    assert check.changed and check.data['restart_required']
    assert open(args['config_path']).read() == INSTALLER_TEXT
    assert not os.path.exists(args['user_defined_id_path']) and not os.path.exists(args['aliuids_dir'])
    real = run_module(logtail_config.main, args, diff=True)
    assert real.data['changed_files'] == check.data['changed_files']
    assert [d['after'] for d in real.data['diff']] == [d['after'] for d in check.data['diff']]
    assert len(real.data['diff']) == 3


def test_ids_change_needs_no_restart(tmp_path):
    args = seed(tmp_path)
    args['user_defined_ids'] = ['web-prod', 'shanghai']
    res = run_module(logtail_config.main, args)
    assert res.changed and not res.data['restart_required']
    assert open(args['user_defined_id_path']).read() == 'web-prod\nshanghai\n'
    assert oct(os.stat(args['user_defined_id_path']).st_mode & 0o777) == '0o644'
    assert open(args['config_path']).read() == INSTALLER_TEXT
    args['user_defined_ids'] = []
    res = run_module(logtail_config.main, args)
    assert res.changed and not os.path.exists(args['user_defined_id_path'])


def test_aliuids_exclusive(tmp_path):
    args = seed(tmp_path)
    os.makedirs(args['aliuids_dir'])
    for name in ('111', '222', 'README'):
        open(os.path.join(args['aliuids_dir'], name), 'w').close()
    args.update(aliuids=['222', '333'])
    res = run_module(logtail_config.main, args)
    assert res.changed and sorted(os.listdir(args['aliuids_dir'])) == ['111', '222', '333', 'README']
    args['aliuids_exclusive'] = True
    res = run_module(logtail_config.main, args)
    assert res.changed and sorted(os.listdir(args['aliuids_dir'])) == ['222', '333', 'README']
    assert res.data['changed_files'] == [os.path.join(args['aliuids_dir'], '111')]
    assert not run_module(logtail_config.main, args).changed


def test_malformed_json_fails_naming_file_and_writes_nothing(tmp_path):
    args = seed(tmp_path, '{"streamlog_open": tru')
    args.update(streamlog_open=True, user_defined_ids=['web'], aliuids=['1'])
    res = run_module(logtail_config.main, args)
    assert res.failed
    assert res.msg.startswith('config_path: %s is not valid JSON' % args['config_path'])
    assert open(args['config_path']).read() == '{"streamlog_open": tru'
    assert not os.path.exists(args['user_defined_id_path']) and not os.path.exists(args['aliuids_dir'])


def test_bad_values_name_the_field_and_write_nothing(tmp_path):
    args = seed(tmp_path)
    for bad, field in (({'streamlog_tcp_port': 70000}, 'streamlog_tcp_port:'),
                       ({'streamlog_tcp_addr': 'not-an-ip'}, 'streamlog_tcp_addr:'),
                       ({'aliuids': ['12x']}, 'aliuids[0]:'),
                       ({'extra_config': {'streamlog_open': True}}, 'extra_config.streamlog_open:'),
                       ({'user_defined_ids': ['a\nb']}, 'user_defined_ids[0]:')):
        res = run_module(logtail_config.main, dict(args, streamlog_open=True, **bad))
        assert res.failed and res.msg.startswith(field), res
        assert open(args['config_path']).read() == INSTALLER_TEXT


def test_streamlog_formats_suboptions_are_checked(tmp_path):
    args = seed(tmp_path)
    res = run_module(logtail_config.main, dict(args, streamlog_formats=[{'version': '0.1'}]))
    assert res.failed and 'fields' in res.msg
    res = run_module(logtail_config.main, dict(args, streamlog_formats=[{'version': 0.1, 'fields': ['sys_tag', 'msg']}]))
    assert not res.failed
    assert json.load(open(args['config_path']))['streamlog_formats'] == [{'version': '0.1', 'fields': ['sys_tag', 'msg']}]


def test_missing_config_is_created_only_when_keys_are_wanted(tmp_path):
    args = paths(tmp_path)
    res = run_module(logtail_config.main, dict(args, user_defined_ids=['web']))
    assert res.changed and not os.path.exists(args['config_path'])
    res = run_module(logtail_config.main, dict(args, streamlog_tcp_port=11111))
    assert res.changed and res.data['restart_required']
    assert json.load(open(args['config_path'])) == {'streamlog_tcp_port': 11111}


def test_documentation_matches_argument_spec():
    doc = yaml.safe_load(logtail_config.DOCUMENTATION)
    spec = logtail_config_code.argument_spec()
    # probe and probe_after are documented by the converge_probe doc fragment.
    assert 'alicloud_ops.logging.converge_probe' in doc['extends_documentation_fragment']
    assert set(doc['options']) | {'probe', 'probe_after'} == set(spec)
    for name, option in doc['options'].items():
        assert option['type'] == spec[name]['type'], name
        assert option.get('default') == spec[name].get('default'), name
    # check_mode comes from the shared attributes fragment; the module's own entries win over it.
    shared = yaml.safe_load(attributes_fragment.ModuleDocFragment.DOCUMENTATION)['attributes']
    attributes = dict(shared, **doc['attributes'])
    assert 'alicloud_ops.logging.attributes' in doc['extends_documentation_fragment']
    assert attributes['check_mode']['support'] == 'full'
    assert attributes['diff_mode']['support'] == 'full'
    yaml.safe_load(logtail_config.EXAMPLES)
    yaml.safe_load(logtail_config.RETURN)


# -- issue 25: the options' types, the validator, the field each failure names, modes and the returned config --------
def test_argument_spec_types_of_list_options():
    spec = logtail_config_code.argument_spec()
    assert spec['aliuids'] == dict(type='list', elements='str')
    assert spec['user_defined_ids'] == dict(type='list', elements='str')
    assert spec['streamlog_formats'] == dict(type='list', elements='dict', options=dict(
        version=dict(type='str', required=True), fields=dict(type='list', elements='str', required=True)))
    assert spec['streamlog_open'] == dict(type='bool') and spec['cpu_usage_limit'] == dict(type='float')
    assert spec['streamlog_tcp_port'] == dict(type='int') and spec['streamlog_tcp_addr'] == dict(type='str')


def test_account_ids_given_as_numbers_are_file_names(tmp_path):
    # A YAML account id is an int unless quoted: elements='str' makes it the file's name.
    args = paths(tmp_path)
    res = run_module(logtail_config.main, dict(args, aliuids=[1234567890]))
    assert not res.failed and res.data['changed_files'] == [os.path.join(args['aliuids_dir'], '1234567890')]


def test_streamlog_formats_entries_need_version_and_fields(tmp_path):
    args = seed(tmp_path)
    for entry, missing in (({'fields': ['msg']}, 'version'), ({'version': '0.1'}, 'fields')):
        res = run_module(logtail_config.main, dict(args, streamlog_formats=[entry]))
        assert res.failed and res.msg == 'missing required arguments: %s found in streamlog_formats' % missing, res
    assert open(args['config_path']).read() == INSTALLER_TEXT


def test_validate_json_names_the_config_path_option(tmp_path):
    candidate = tmp_path / 'ilogtail_config.json'
    candidate.write_text('{"a": 1}')
    assert logtail_config_code.validate_json(str(candidate)) is None
    candidate.write_text('{"a": ')
    with pytest.raises(ValidationFailed) as exc:
        logtail_config_code.validate_json(str(candidate))
    assert exc.value.option == 'config_path'
    assert str(exc.value).startswith('config_path: %s is not valid JSON (Expecting value: ' % candidate)
    assert str(exc.value).endswith('); nothing was written')
    candidate.write_text('[1]')
    with pytest.raises(ValidationFailed, match=r'^config_path: %s holds a JSON array, not an object; nothing was '
                                               r'written$' % re.escape(str(candidate))):
        logtail_config_code.validate_json(str(candidate))


def test_merged_config_is_validated_before_it_is_written(tmp_path, monkeypatch):
    args = seed(tmp_path)
    seen = []

    def refuse(candidate):
        seen.append(json.load(open(candidate)))
        raise ValidationFailed('config_path: refused by the validator', 'config_path')

    monkeypatch.setattr(logtail_config_code, 'validate_json', refuse)
    res = run_module(logtail_config.main, dict(args, streamlog_open=True, user_defined_ids=['web']))
    assert res.failed and res.msg == 'config_path: refused by the validator'
    assert res.data['changed'] is False and res.data['invalid_options'] == ['config_path']
    assert seen[0]['streamlog_open'] is True and seen[0]['unknown_future_key'] == [1, 2]
    assert open(args['config_path']).read() == INSTALLER_TEXT and not os.path.exists(args['user_defined_id_path'])


def dangle(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(path + '.missing-target', path)


def test_each_file_failure_names_its_option(tmp_path):
    args = seed(tmp_path)
    cases = [
        (dict(streamlog_open=True), 'config_path', args['config_path']),
        (dict(user_defined_ids=[]), 'user_defined_id_path', args['user_defined_id_path']),
        (dict(user_defined_ids=['web']), 'user_defined_id_path', args['user_defined_id_path']),
        (dict(aliuids=['123']), 'aliuids', os.path.join(args['aliuids_dir'], '123')),
    ]
    for extra, option, path in cases:
        moved = str(tmp_path / 'moved')
        if path == args['config_path']:
            os.rename(path, moved)
        dangle(path)
        res = run_module(logtail_config.main, dict(args, **extra))
        assert res.failed and res.msg == '%s: %s: is a dangling symbolic link' % (option, path), (extra, res)
        assert res.data['changed'] is False and res.data['invalid_options'] == [option], (extra, res)
        os.unlink(path)
        if path == args['config_path']:
            os.rename(moved, path)


def test_a_removal_that_fails_names_aliuids_dir(tmp_path, monkeypatch):
    args = seed(tmp_path)
    os.makedirs(args['aliuids_dir'])
    old = os.path.join(args['aliuids_dir'], '111')
    open(old, 'w').close()
    real_unlink = os.unlink

    def unlink(path, *rest, **kwargs):
        if path == old:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_unlink(path, *rest, **kwargs)

    monkeypatch.setattr(os, 'unlink', unlink)
    res = run_module(logtail_config.main, dict(args, aliuids=['222'], aliuids_exclusive=True))
    assert res.failed and res.msg == 'aliuids_dir: %s: %s' % (old, os.strerror(errno.EROFS)), res
    assert res.data['invalid_options'] == ['aliuids_dir']


def test_id_files_are_0644_and_account_files_empty(tmp_path):
    args = seed(tmp_path)
    os.makedirs(os.path.dirname(args['user_defined_id_path']))
    with open(args['user_defined_id_path'], 'w') as handle:
        handle.write('web\n')
    os.chmod(args['user_defined_id_path'], 0o600)
    res = run_module(logtail_config.main, dict(args, user_defined_ids=['web'], aliuids=['42']))
    assert res.changed and res.data['changed_files'] == [args['user_defined_id_path'],
                                                         os.path.join(args['aliuids_dir'], '42')]
    assert os.stat(args['user_defined_id_path']).st_mode & 0o777 == 0o644
    assert open(args['user_defined_id_path']).read() == 'web\n'
    account = os.path.join(args['aliuids_dir'], '42')
    assert os.path.getsize(account) == 0 and os.stat(account).st_mode & 0o777 == 0o644


def test_the_merged_config_is_returned(tmp_path):
    args = seed(tmp_path)
    res = run_module(logtail_config.main, dict(args, streamlog_tcp_port=12222, extra_config={'working_ip': '10.0.0.5'}))
    assert res.data['config'] == {
        'config_server_address': 'http://logtail.cn-hangzhou-intranet.log.aliyuncs.com', 'streamlog_open': False,
        'streamlog_tcp_port': 12222, 'unknown_future_key': [1, 2], 'working_ip': '10.0.0.5'}
    assert list(res.data['config']) == ['config_server_address', 'streamlog_open', 'streamlog_tcp_port',
                                        'unknown_future_key', 'working_ip']
