"""rsyslog_dropin through run_module, with a temp main config and drop-in dir, validating with the real rsyslogd."""
import os
from unittest import mock

import pytest
from ansible.module_utils import basic

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
