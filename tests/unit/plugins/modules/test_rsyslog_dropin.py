"""rsyslog_dropin through run_module, with a temp main config and drop-in dir, validating with the real rsyslogd."""
import grp
import os
import pwd
from unittest import mock

import pytest
from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import rsyslog_dropin as rsyslog_dropin_code
from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.rsyslog_dropin import _sub
from ansible_collections.alicloud_ops.logging.plugins.modules import rsyslog_dropin
from tests.support.module_harness import run_module


@pytest.fixture
def etc(tmp_path):
    dropins = tmp_path / 'rsyslog.d'
    dropins.mkdir()
    work = tmp_path / 'work'
    work.mkdir()
    main = tmp_path / 'rsyslog.conf'
    main.write_text('global(workDirectory="%s")\n$IncludeConfig %s/*.conf\n*.* %s/all.log\n'
                    % (work, dropins, tmp_path))
    return tmp_path


def args(etc, **extra):
    base = {'name': 'fwd', 'dropin_dir': str(etc / 'rsyslog.d'), 'main_config': str(etc / 'rsyslog.conf'),
            'forward': {'queue': {'spool_directory': str(etc / 'spool')}}}
    base.update(extra)
    return base


def path(etc, name='50-fwd.conf'):
    return str(etc / 'rsyslog.d' / name)


def test_writes_validates_and_is_idempotent(etc):
    first = run_module(rsyslog_dropin.main, args(etc))
    assert not first.failed, first
    assert first.changed and first.data['validated'] and first.data['restart_required']
    assert first.data['path'] == path(etc)
    assert open(path(etc)).read() == first.data['content']
    assert 'action(type="omfwd"' in first.data['content']
    assert os.path.isdir(str(etc / 'spool')) and oct(os.stat(str(etc / 'spool')).st_mode & 0o777) == '0o700'
    assert oct(os.stat(path(etc)).st_mode & 0o777) == '0o644'
    second = run_module(rsyslog_dropin.main, args(etc))
    assert not second.changed and not second.data['restart_required'] and not second.data['validated']


def test_check_mode_reports_and_writes_nothing(etc):
    result = run_module(rsyslog_dropin.main, args(etc), check_mode=True, diff=True)
    assert not result.failed, result
    assert result.changed and result.data['restart_required'] and result.data['validated']
    assert not os.path.exists(path(etc)) and not os.path.exists(str(etc / 'spool'))
    spool_diff, file_diff = result.data['diff']
    assert spool_diff['after'] == {'path': str(etc / 'spool'), 'state': 'directory'}
    assert file_diff['before'] == '' and 'queue.filename="fwdRule1"' in file_diff['after']
    assert file_diff['after_header'] == path(etc)


def test_check_mode_validates_as_if_a_missing_work_directory_were_created(etc):
    # Debian's main config names /var/spool/rsyslog as WorkDirectory; on a fresh image the module creates it.
    spool = etc / 'spool'
    (etc / 'rsyslog.conf').write_text('global(workDirectory="%s")\n$IncludeConfig %s/*.conf\n*.* %s/all.log\n'
                                      % (spool, etc / 'rsyslog.d', etc))
    result = run_module(rsyslog_dropin.main, args(etc), check_mode=True)
    assert not result.failed, result
    assert result.changed and not spool.exists()


def test_change_shows_diff_and_needs_restart(etc):
    run_module(rsyslog_dropin.main, args(etc))
    changed = args(etc)
    changed['forward']['port'] = 5140
    result = run_module(rsyslog_dropin.main, changed, diff=True)
    assert result.changed and result.data['restart_required']
    (diff,) = result.data['diff']
    assert 'port="11111"' in diff['before'] and 'port="5140"' in diff['after']


def test_invalid_content_refused_with_rsyslogd_message_and_old_file_kept(etc):
    run_module(rsyslog_dropin.main, args(etc))
    old = open(path(etc), 'rb').read()
    bad = args(etc, content='action(type="omfwd" target="127.0.0.1" bogus="1")\n')
    del bad['forward']
    for check_mode in (True, False):
        result = run_module(rsyslog_dropin.main, bad, check_mode=check_mode)
        assert result.failed
        assert "parameter 'bogus' not known" in result.msg
        assert 'rsyslogd -N1 rejected the configuration with the new %s' % path(etc) in result.msg
        assert str(etc / 'rsyslog.d') + '/50-fwd.conf, on or before line 1' in result.msg
        assert 'alicloud_ops_rsyslog_check_' not in result.msg
        assert open(path(etc), 'rb').read() == old


def test_whole_config_is_checked_including_siblings(etc):
    # A broken sibling makes rsyslog fail to load anything; writing more on top would hide it until restart.
    (etc / 'rsyslog.d' / '10-broken.conf').write_text('*.* action(type="omfile" fil="/dev/null")\n')
    result = run_module(rsyslog_dropin.main, args(etc))
    assert result.failed
    assert 'error during parsing file %s, on or before line 1' % (etc / 'rsyslog.d' / '10-broken.conf') in result.msg
    assert not os.path.exists(path(etc))


def test_absent_validates_then_removes(etc):
    run_module(rsyslog_dropin.main, args(etc))
    gone = args(etc, state='absent')
    del gone['forward']
    checked = run_module(rsyslog_dropin.main, gone, check_mode=True, diff=True)
    assert checked.changed and checked.data['validated'] and os.path.exists(path(etc))
    assert checked.data['diff'][0]['after_header'] == path(etc) + ' (absent)'
    removed = run_module(rsyslog_dropin.main, gone)
    assert removed.changed and removed.data['restart_required'] and not os.path.exists(path(etc))
    again = run_module(rsyslog_dropin.main, gone)
    assert not again.changed and not again.data['restart_required']


def test_absent_refused_when_others_depend_on_it(etc):
    (etc / 'rsyslog.d' / '20-tmpl.conf').write_text('template(name="T" type="string" string="%msg%")\n')
    (etc / 'rsyslog.d' / '30-use.conf').write_text('*.* action(type="omfile" file="/dev/null" template="T")\n')
    gone = args(etc, name='tmpl', weight=20, state='absent')
    del gone['forward']
    result = run_module(rsyslog_dropin.main, gone)
    assert result.failed and 'rsyslogd -N1 rejected the configuration removing' in result.msg
    assert os.path.exists(str(etc / 'rsyslog.d' / '20-tmpl.conf'))


def test_raw_content_weight_and_mode(etc):
    raw = args(etc, name='noise', weight=5, content=':programname, isequal, "noisy" stop\n', mode='0640')
    del raw['forward']
    result = run_module(rsyslog_dropin.main, raw)
    assert not result.failed, result
    assert result.data['path'] == path(etc, '05-noise.conf')
    assert open(result.data['path']).read() == ':programname, isequal, "noisy" stop\n'
    assert oct(os.stat(result.data['path']).st_mode & 0o777) == '0o640'
    assert 'spool_directory' not in result.data


@pytest.mark.parametrize('extra,message', [
    ({'forward': {'port': 70000}}, 'forward.port must be an integer from 1 to 65535'),
    ({'forward': {'protocol': 'relp'}}, 'forward'),
    ({'forward': {'sys_tag': 'has space'}}, 'forward.sys_tag'),
    ({'name': 'a/b'}, 'name must match'),
    ({'weight': 150}, 'weight must be an integer from 0 to 99'),
    ({'content': 'x'}, 'mutually exclusive: content|forward'),
    ({'forward': None}, 'state is present but any of the following are missing: content, forward'),
    ({'rsyslogd_path': '/nonexistent/rsyslogd'}, 'rsyslogd_path: no rsyslogd found'),
    ({'main_config': '/nonexistent/rsyslog.conf'}, 'main_config: /nonexistent/rsyslog.conf does not exist'),
])
def test_argument_errors_name_the_field(etc, extra, message):
    given = args(etc)
    given.update(extra)
    if given.get('forward') is None:
        del given['forward']
    result = run_module(rsyslog_dropin.main, given)
    assert result.failed and message in result.msg, result.msg
    assert not os.path.exists(path(etc))


def test_validate_false_skips_rsyslogd(etc):
    result = run_module(rsyslog_dropin.main, args(etc, validate=False, rsyslogd_path='/nonexistent'))
    assert not result.failed and result.changed and not result.data['validated']


def test_warns_when_main_config_does_not_include_the_dir(etc):
    (etc / 'rsyslog.conf').write_text('*.* /dev/null\n')
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        result = run_module(rsyslog_dropin.main, args(etc))
    assert not result.failed, result
    assert result.data['validated']
    assert any('does not include' in call.args[0] for call in warn.call_args_list)


def test_sub_options_carry_each_type_its_default_unless_none_and_its_choices():
    assert _sub({'kind': 'str', 'size': 'int', 'save': 'bool', 'path': 'path'},
                {'kind': 'Disk', 'size': None, 'save': False, 'other': 1}, {'kind': ['Disk', 'Direct']}) == {
        'kind': {'type': 'str', 'default': 'Disk', 'choices': ['Disk', 'Direct']}, 'size': {'type': 'int'},
        'save': {'type': 'bool', 'default': False}, 'path': {'type': 'path'}}
    assert _sub({'name': 'str'}, {}) == {'name': {'type': 'str'}}


def test_a_refused_change_names_the_option_that_made_it(etc):
    run_module(rsyslog_dropin.main, args(etc))
    bad = args(etc, content='action(type="omfwd" target="127.0.0.1" bogus="1")\n')
    del bad['forward']
    result = run_module(rsyslog_dropin.main, bad)
    assert result.msg.startswith('content: rsyslogd -N1 rejected the configuration with the new %s' % path(etc))
    assert 'invalid_options' not in result.data
    assert (result.data['path'], result.data['validated'], result.data['restart_required'], result.data['changed']) \
        == (path(etc), False, False, False)
    forward = args(etc)
    forward['forward']['extra_params'] = {'bogus': '1'}
    result = run_module(rsyslog_dropin.main, forward)
    assert result.failed and result.msg.startswith('forward: rsyslogd -N1 rejected'), result.msg
    (etc / 'rsyslog.d' / '20-tmpl.conf').write_text('template(name="T" type="string" string="%msg%")\n')
    (etc / 'rsyslog.d' / '30-use.conf').write_text('*.* action(type="omfile" file="/dev/null" template="T")\n')
    gone = args(etc, name='tmpl', weight=20, state='absent')
    del gone['forward']
    result = run_module(rsyslog_dropin.main, gone)
    assert result.msg.startswith('state: rsyslogd -N1 rejected the configuration removing'), result.msg
    assert result.data['path'] == path(etc, '20-tmpl.conf')


def test_a_file_that_cannot_be_written_names_its_option(etc):
    (etc / 'blocked').write_text('a file, not a directory\n')
    result = run_module(rsyslog_dropin.main, args(etc, dropin_dir=str(etc / 'blocked'), validate=False))
    assert result.failed and result.data['invalid_options'] == ['dropin_dir'], result
    assert (result.data['path'], result.data['validated'], result.data['restart_required'], result.data['changed']) \
        == (str(etc / 'blocked' / '50-fwd.conf'), False, False, False)


@pytest.mark.parametrize('where, found', [('directory', '{}'), ('not executable', '{}'), ('not on PATH', None)])
def test_no_rsyslogd_to_validate_with_says_where_it_looked(etc, where, found):
    rsyslogd = etc / 'rsyslogd'
    if where == 'directory':
        rsyslogd.mkdir()
    else:
        rsyslogd.write_text('#!/bin/sh\n')
    given = args(etc, rsyslogd_path=None if found is None else str(rsyslogd))
    with mock.patch.object(basic.AnsibleModule, 'get_bin_path', return_value=None):
        result = run_module(rsyslog_dropin.main, given)
    shown = 'not on PATH' if found is None else str(rsyslogd)
    assert result.msg == ('rsyslogd_path: no rsyslogd found (%s); install rsyslog, set rsyslogd_path, or set '
                          'validate=false to skip the check' % shown)
    assert not os.path.exists(path(etc))


def test_rsyslogd_is_looked_for_in_the_sbin_directories(etc):
    with mock.patch.object(basic.AnsibleModule, 'get_bin_path', return_value='/usr/sbin/rsyslogd') as get_bin_path, \
            mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        result = run_module(rsyslog_dropin.main, args(etc))
    assert not result.failed and result.data['validated'], result
    get_bin_path.assert_called_once_with('rsyslogd', opt_dirs=['/usr/sbin', '/sbin'])
    assert warn.call_args_list == []  # the main config includes the drop-in directory


@pytest.mark.parametrize('kind', ['is not a file', 'does not exist'])
def test_a_main_config_that_is_no_file_cannot_validate(etc, kind):
    main = etc / 'main.d'
    if kind == 'is not a file':
        main.mkdir()
    result = run_module(rsyslog_dropin.main, args(etc, main_config=str(main)))
    assert result.msg == 'main_config: %s %s, so the configuration cannot be validated' % (main, kind)


def test_an_unreadable_main_config_is_named(etc):
    with mock.patch.object(rsyslog_dropin_code, 'main_includes_dir', side_effect=OSError(13, 'Permission denied')):
        result = run_module(rsyslog_dropin.main, args(etc))
    assert result.msg == 'main_config: cannot read %s: [Errno 13] Permission denied' % (etc / 'rsyslog.conf')


def test_the_warnings_say_what_is_wrong(etc):
    (etc / 'rsyslog.conf').write_text('*.* /dev/null\n')
    small = args(etc)
    small['forward']['queue']['size'] = 1000
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        result = run_module(rsyslog_dropin.main, small)
    assert not result.failed, result
    warnings = [call.args[0] for call in warn.call_args_list]
    assert warnings[0].startswith('forward.queue.size 1000: a disk-assisted queue this small can drop a line')
    assert warnings[1] == 'main_config %s does not include %s; rsyslog will not load this drop-in' % (
        etc / 'rsyslog.conf', etc / 'rsyslog.d')
    assert len(warnings) == 2


def test_a_missing_spool_directory_alone_is_a_change_without_restart(etc):
    first = run_module(rsyslog_dropin.main, args(etc))
    assert first.data['spool_directory'] == str(etc / 'spool')
    os.rmdir(str(etc / 'spool'))
    again = run_module(rsyslog_dropin.main, args(etc), diff=True)
    assert again.changed and not again.data['restart_required'] and not again.data['validated']
    assert again.data['diff'] == [{'before': {'path': str(etc / 'spool'), 'state': 'absent'},
                                   'after': {'path': str(etc / 'spool'), 'state': 'directory'}}]
    assert oct(os.stat(str(etc / 'spool')).st_mode & 0o777) == '0o700'
    assert again.data['content'] == first.data['content']


def test_absent_without_the_file_or_without_validation_validates_nothing(etc):
    gone = args(etc, state='absent')
    del gone['forward']
    missing = run_module(rsyslog_dropin.main, gone)
    assert not missing.changed and missing.data['validated'] is False and missing.data['restart_required'] is False
    assert missing.data['path'] == path(etc) and 'content' not in missing.data
    run_module(rsyslog_dropin.main, args(etc))
    unchecked = run_module(rsyslog_dropin.main, dict(gone, validate=False, rsyslogd_path='/nonexistent'))
    assert unchecked.changed and unchecked.data['validated'] is False and unchecked.data['restart_required'] is True
    assert not os.path.exists(path(etc))


def test_removing_a_forward_does_not_warn_about_its_queue(etc):
    gone = args(etc, state='absent')
    gone['forward']['queue']['size'] = 1000
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        result = run_module(rsyslog_dropin.main, gone)
    assert not result.failed and not result.changed, result
    assert warn.call_args_list == []


def test_each_path_that_cannot_be_written_names_its_own_option(etc):
    (etc / 'rsyslog.d' / '50-fwd.conf').mkdir()
    target = run_module(rsyslog_dropin.main, args(etc, validate=False))
    assert target.failed and target.data['invalid_options'] == ['name'], target
    gone = args(etc, state='absent', validate=False)
    del gone['forward']
    assert run_module(rsyslog_dropin.main, gone).data['invalid_options'] == ['name']
    (etc / 'blocked').write_text('a file, not a directory\n')
    assert run_module(rsyslog_dropin.main, dict(gone, dropin_dir=str(etc / 'blocked'))).data['invalid_options'] \
        == ['dropin_dir']
    spool = args(etc, name='other', validate=False)
    spool['forward']['queue']['spool_directory'] = str(etc / 'blocked' / 'spool')
    result = run_module(rsyslog_dropin.main, spool)
    assert result.failed and result.data['invalid_options'] == ['forward.queue.spool_directory'], result
    assert not os.path.exists(path(etc, '50-other.conf'))


def test_a_missing_dropin_dir_is_created_and_the_owner_and_group_set(etc):
    dropins = etc / 'new' / 'rsyslog.d'
    given = args(etc, dropin_dir=str(dropins), validate=False, owner='nobody', group='nogroup')
    result = run_module(rsyslog_dropin.main, given)
    assert not result.failed and result.changed, result
    info = os.stat(str(dropins / '50-fwd.conf'))
    assert (info.st_uid, info.st_gid) == (pwd.getpwnam('nobody').pw_uid, grp.getgrnam('nogroup').gr_gid)


def test_a_template_format_may_span_lines(etc):
    given = args(etc, validate=False)
    given['forward']['template'] = {'name': 'Two', 'format': 'a %msg%\nb'}
    result = run_module(rsyslog_dropin.main, given)
    assert not result.failed, result
    assert 'template(name="Two"' in result.data['content']
