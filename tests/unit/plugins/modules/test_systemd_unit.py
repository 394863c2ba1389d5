"""systemd_unit through run_module on temp unit dirs.

Files, verification (the host's real systemd-analyze) and offline enabling (the host's real
`systemctl --root`) are exercised for real. The "systemd is PID 1" branch cannot run on this
host, so those tests put a recording systemctl double first on PATH and point the module's
PID-1 probe at a temp dir; real systemd as PID 1 is covered by the Molecule scenarios.
"""
import json
import os
import stat
import sys
import tempfile

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common.warnings import get_warning_messages

from ansible_collections.alicloud_ops.logging.plugins.module_utils import systemd_control
from ansible_collections.alicloud_ops.logging.plugins.modules import systemd_unit
from tests.support.module_harness import run_module

SECTIONS = {
    'Unit': {'Description': 'test agent', 'After': ['network.target', 'rsyslog.service']},
    'Service': {'Type': 'simple', 'ExecStart': '/bin/sleep 1000', 'Restart': 'always', 'RestartSec': 2},
    'Install': {'WantedBy': 'multi-user.target'},
}


def run(args, **kw):
    return run_module(systemd_unit.main, args, **kw)


def test_the_guard_refuses_the_host_trees(tmp_path):
    """conftest.py's guard (tests/support/host_guard.py) is on: a mutant that drops `root` fails, writing nothing."""
    with pytest.raises(AssertionError, match='os.rename on the host'):
        os.rename(str(tmp_path / 'a'), '/etc/systemd/system/agent.service')
    with pytest.raises(AssertionError, match='tempfile.mkstemp on the host'):
        tempfile.mkstemp(dir='/etc/systemd/system')
    os.mkdir(str(tmp_path / 'fine'))
    assert os.path.isdir(str(tmp_path / 'fine'))
    module = basic.AnsibleModule.__new__(basic.AnsibleModule)
    with pytest.raises(AssertionError, match="systemctl enable without --root"):
        module.run_command(['/usr/bin/systemctl', 'enable', '--', 'agent.service'])


@pytest.fixture
def unit_dir(tmp_path):
    return str(tmp_path / 'units')


def test_renders_repeated_keys_and_is_idempotent(unit_dir):
    res = run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir}, diff=True)
    assert not res.failed, res
    assert res.changed and res.data['verified'] and res.data['state'] == 'present'
    text = open(os.path.join(unit_dir, 'agent.service')).read()
    assert 'After=network.target\nAfter=rsyslog.service\n' in text
    assert 'Restart=always\nRestartSec=2\n' in text
    assert res.data['diff']['before'] == '' and res.data['diff']['after'] == text
    again = run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})
    assert not again.changed and not again.data['verified'], again


def test_check_mode_reports_diff_and_writes_nothing(unit_dir):
    res = run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir},
              check_mode=True, diff=True)
    assert res.changed and 'Restart=always' in res.data['diff']['after']
    assert not os.path.exists(unit_dir)


def test_mode_change_alone_is_a_change(unit_dir):
    content = '[Service]\nExecStart=/bin/sleep 5\n'
    assert run({'name': 'agent.service', 'content': content, 'unit_dir': unit_dir}).changed
    res = run({'name': 'agent.service', 'content': content, 'unit_dir': unit_dir, 'mode': '0600'})
    assert res.changed
    assert stat.S_IMODE(os.stat(os.path.join(unit_dir, 'agent.service')).st_mode) == 0o600


@pytest.mark.parametrize('bad, needle', [
    ('[Service]\nExecStart=/bin/sleep 1\nBogusKey=1\n', "Unknown key 'BogusKey'"),
    ('[Service]\nExecStart=/nonexistent/agent\n', 'is not executable'),
    ('[Service]\nType=wrong\nExecStart=/bin/true\n', 'Failed to parse service type'),
])
def test_verify_failure_leaves_old_file_byte_identical(unit_dir, bad, needle):
    os.makedirs(unit_dir)
    path = os.path.join(unit_dir, 'agent.service')
    with open(path, 'w') as handle:
        handle.write('[Service]\nExecStart=/bin/sleep 5\n')
    before = open(path, 'rb').read()
    res = run({'name': 'agent.service', 'content': bad, 'unit_dir': unit_dir})
    assert res.failed and needle in res.msg and path in res.msg, res
    assert open(path, 'rb').read() == before
    assert os.listdir(unit_dir) == ['agent.service']


def test_verify_can_be_turned_off(unit_dir):
    res = run({'name': 'agent.service', 'content': '[Service]\nExecStart=/nonexistent/agent\n',
               'unit_dir': unit_dir, 'verify': False})
    assert res.changed and not res.data['verified']


def test_dropin_written_verified_with_its_unit_and_removed(unit_dir):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})
    args = {'name': 'agent.service', 'dropin': '10-limits', 'unit_dir': unit_dir,
            'sections': {'Service': {'LimitNOFILE': 65536, 'ExecStart': ['', '/bin/sleep 2000']}}}
    res = run(args)
    assert res.changed and res.data['verified']
    dropin = os.path.join(unit_dir, 'agent.service.d', '10-limits.conf')
    assert res.data['path'] == dropin and 'ExecStart=\nExecStart=/bin/sleep 2000\n' in open(dropin).read()
    bad = run(dict(args, sections={'Service': {'RestartSec': 'soon'}}))
    assert bad.failed and 'Failed to parse' in bad.msg and '10-limits.conf' in bad.msg, bad
    assert 'LimitNOFILE=65536' in open(dropin).read()
    gone = run({'name': 'agent.service', 'dropin': '10-limits', 'unit_dir': unit_dir, 'state': 'absent'})
    assert gone.changed and not os.path.exists(os.path.dirname(dropin))
    assert os.path.exists(os.path.join(unit_dir, 'agent.service'))


def test_absent_is_idempotent_with_diff(unit_dir):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})
    res = run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir}, check_mode=True, diff=True)
    assert res.changed and res.data['diff']['after'] == '' and os.path.exists(os.path.join(unit_dir, 'agent.service'))
    res = run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir})
    assert res.changed and not os.path.exists(os.path.join(unit_dir, 'agent.service'))
    assert not run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir}).changed


@pytest.mark.parametrize('args, needle', [
    ({'name': 'agent'}, '^name: '),
    ({'name': 'agent.service', 'dropin': '../x'}, '^dropin: '),
    ({'name': 'agent.service', 'sections': {'Service': {'ExecStart': 'a\nb'}}}, '^sections.Service.ExecStart: '),
    ({'name': 'agent.service', 'state': 'absent', 'content': 'x'}, '^content/sections: '),
    ({'name': 'agent.service', 'state': 'absent', 'enabled': True}, 'state=absent'),
    ({'name': 'agent.service', 'content': 'x', 'sections': {'A': {}}}, 'mutually exclusive'),
])
def test_argument_errors_name_the_field(unit_dir, args, needle):
    import re
    res = run(dict(args, unit_dir=unit_dir))
    assert res.failed and re.search(needle, res.msg), res


def test_offline_root_enables_without_starting_and_says_so(tmp_path):
    root = str(tmp_path / 'image')
    args = {'name': 'agent.service', 'sections': SECTIONS, 'root': root, 'enabled': True,
            'service_state': 'started'}
    check = run(args, check_mode=True)
    assert check.changed and not os.path.exists(root)
    res = run(args)
    assert not res.failed, res
    assert res.data['path'] == os.path.join(root, 'etc/systemd/system/agent.service')
    link = os.path.join(root, 'etc/systemd/system/multi-user.target.wants/agent.service')
    assert os.path.islink(link) and os.readlink(link) == '/etc/systemd/system/agent.service'
    assert res.data['enabled'] is True and res.data['active_state'] is None
    assert not res.data['daemon_reloaded']
    assert 'service_state=started was not applied' in res.msg
    assert any('not applied' in w for w in get_warning_messages())
    again = run(args)
    assert not again.changed, again
    off = run({'name': 'agent.service', 'root': root, 'enabled': False})
    assert off.changed and not os.path.lexists(link)
    run({'name': 'agent.service', 'root': root, 'enabled': True})
    gone = run({'name': 'agent.service', 'root': root, 'state': 'absent'})
    assert gone.changed and 'disabled' in gone.msg and not os.path.lexists(link)


def test_offline_root_verify_judges_commands_inside_the_root(tmp_path):
    root = tmp_path / 'image'
    (root / 'opt/agent').mkdir(parents=True)
    binary = root / 'opt/agent/agent'
    binary.write_text('#!/bin/sh\nexit 0\n')
    binary.chmod(0o755)
    content = '[Service]\nExecStart=/opt/agent/agent\n[Install]\nWantedBy=multi-user.target\n'
    assert run({'name': 'agent.service', 'root': str(root), 'content': content}).changed
    missing = run({'name': 'agent.service', 'root': str(root),
                   'content': content.replace('/opt/agent/agent', '/opt/agent/missing')})
    assert missing.failed and '/opt/agent/missing is not executable' in missing.msg


# --- the systemd-is-PID-1 branch, with a recording systemctl double -------------------------

# Run by this test's own interpreter: a `python3` found on PATH may be a shim that costs a third of a second per call.
FAKE_SYSTEMCTL = '#!%s\n' % sys.executable + r'''"""Recording systemctl double for unit tests: state in $FAKE_STATE (json)."""
import json, os, sys
path = os.environ['FAKE_STATE']
state = json.load(open(path))
args = [a for a in sys.argv[1:] if not a.startswith('--')]
state['calls'].append(' '.join(args))
verb, name = args[0], (args[1] if len(args) > 1 else None)
rc, out = 0, ''
if verb == 'is-active':
    out = 'active' if state['active'] else 'inactive'
    rc = 0 if state['active'] else 3
elif verb == 'is-enabled':
    out = 'enabled' if state['enabled'] else 'disabled'
    rc = 0 if state['enabled'] else 1
elif verb in ('start', 'restart', 'reload-or-restart'):
    state['active'] = True
elif verb == 'stop':
    state['active'] = False
elif verb in ('enable', 'disable'):
    state['enabled'] = verb == 'enable'
json.dump(state, open(path, 'w'))
print(out)
sys.exit(rc)
'''


@pytest.fixture
def running_systemd(tmp_path, monkeypatch):
    bindir = tmp_path / 'fakebin'
    bindir.mkdir()
    script = bindir / 'systemctl'
    script.write_text(FAKE_SYSTEMCTL)
    script.chmod(0o755)
    state = tmp_path / 'state.json'
    state.write_text(json.dumps({'calls': [], 'active': False, 'enabled': False}))
    monkeypatch.setenv('PATH', '%s:%s' % (bindir, os.environ['PATH']))
    monkeypatch.setenv('FAKE_STATE', str(state))
    runtime = tmp_path / 'run-systemd-system'
    runtime.mkdir()
    monkeypatch.setattr(systemd_control, 'SYSTEMD_RUNTIME_DIR', str(runtime))

    def read():
        data = json.loads(state.read_text())
        state.write_text(json.dumps(dict(data, calls=[])))
        return data
    return read


def test_running_systemd_reloads_only_when_the_file_changed(unit_dir, running_systemd):
    args = {'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir, 'enabled': True,
            'service_state': 'started'}
    res = run(args)
    assert res.data['systemd_running'] and res.data['daemon_reloaded'] and res.data['active_state'] == 'active'
    assert res.data['actions'] == ['daemon-reload', 'enabled', 'started']
    calls = running_systemd()['calls']
    assert calls.index('daemon-reload') < calls.index('enable agent.service') < calls.index('start agent.service')
    again = run(args)
    assert not again.changed and not again.data['daemon_reloaded'], again
    assert running_systemd()['calls'] == ['is-enabled agent.service', 'is-active agent.service',
                                          'is-active agent.service']


def test_running_systemd_check_mode_acts_on_nothing(unit_dir, running_systemd):
    res = run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir, 'enabled': True,
               'service_state': 'started'}, check_mode=True)
    assert res.changed and res.data['daemon_reloaded'] and 'enabled' in res.msg and 'started' in res.msg
    assert all(c.startswith('is-') for c in running_systemd()['calls'])


def test_running_systemd_restarted_and_forced_reload(unit_dir, running_systemd):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir, 'service_state': 'started'})
    running_systemd()
    res = run({'name': 'agent.service', 'service_state': 'restarted', 'daemon_reload': True,
               'unit_dir': unit_dir})
    assert res.changed and running_systemd()['calls'] == [
        'daemon-reload', 'is-active agent.service', 'restart agent.service', 'is-active agent.service']


def test_running_systemd_absent_stops_disables_then_removes(unit_dir, running_systemd):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir, 'enabled': True,
         'service_state': 'started'})
    running_systemd()
    res = run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir})
    data = running_systemd()
    assert res.changed and not data['active'] and not data['enabled']
    assert data['calls'][-1] == 'daemon-reload'
    assert not os.path.exists(os.path.join(unit_dir, 'agent.service'))


def test_check_mode_tolerates_a_command_an_earlier_task_would_install(unit_dir):
    content = '[Service]\nExecStart=/nonexistent/agent\n'
    res = run({'name': 'agent.service', 'content': content, 'unit_dir': unit_dir}, check_mode=True)
    assert not res.failed and res.changed, res
    assert any('/nonexistent/agent does not exist yet' in w for w in get_warning_messages())
    assert run({'name': 'agent.service', 'content': content, 'unit_dir': unit_dir}).failed


# Issue 25 (mutation testing): the whole result of each path through main(), the systemctl calls in their order,
# and the option each refusal names.

def unit_path(unit_dir, name='agent.service'):
    return os.path.join(unit_dir, name)


def test_running_systemd_result_word_for_word(unit_dir, running_systemd):
    args = {'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir, 'enabled': True,
            'service_state': 'started'}
    check = run(args, check_mode=True)
    path = unit_path(unit_dir)
    assert check.data == {
        'changed': True, 'path': path, 'state': 'present', 'verified': True,
        'actions': ['daemon-reload', 'enabled', 'started'], 'daemon_reloaded': True, 'enabled': True,
        'active_state': 'inactive', 'systemd_running': True,
        'msg': '%s changed; daemon-reload, enabled, started' % path}
    assert running_systemd()['calls'] == ['is-enabled agent.service', 'is-active agent.service']
    res = run(args)
    assert res.data == dict(check.data, active_state='active')
    assert running_systemd()['calls'] == ['daemon-reload', 'is-enabled agent.service', 'enable agent.service',
                                          'is-active agent.service', 'start agent.service', 'is-active agent.service']
    again = run(args)
    assert again.data == {
        'changed': False, 'path': path, 'state': 'present', 'verified': False, 'actions': [],
        'daemon_reloaded': False, 'enabled': True, 'active_state': 'active', 'systemd_running': True,
        'msg': '%s unchanged' % path}


def test_running_systemd_disables_and_stops_only_what_is_on(unit_dir, running_systemd):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir, 'enabled': True,
         'service_state': 'started'})
    running_systemd()
    res = run({'name': 'agent.service', 'unit_dir': unit_dir, 'enabled': False, 'service_state': 'stopped'})
    assert res.data['actions'] == ['disabled', 'stopped'] and res.data['enabled'] is False
    assert res.data['active_state'] == 'inactive' and res.msg == 'agent.service; disabled, stopped'
    assert running_systemd()['calls'] == ['is-enabled agent.service', 'disable agent.service',
                                          'is-active agent.service', 'stop agent.service', 'is-active agent.service']
    again = run({'name': 'agent.service', 'unit_dir': unit_dir, 'enabled': False, 'service_state': 'stopped'})
    assert not again.changed and again.data['actions'] == [] and again.msg == 'agent.service'


def test_running_systemd_forced_reload_alone_is_a_change(unit_dir, running_systemd):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})
    running_systemd()
    res = run({'name': 'agent.service', 'daemon_reload': True, 'unit_dir': unit_dir}, check_mode=True)
    assert res.changed and res.data['actions'] == ['daemon-reload'] and res.data['daemon_reloaded']
    assert res.data['enabled'] is None and res.data['active_state'] is None
    assert running_systemd()['calls'] == []


def test_running_systemd_absent_steps_in_order_and_check_mode_takes_none(unit_dir, running_systemd):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir, 'enabled': True,
         'service_state': 'started'})
    running_systemd()
    path = unit_path(unit_dir)
    check = run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir}, check_mode=True)
    assert check.data == {
        'changed': True, 'path': path, 'state': 'absent', 'verified': False,
        'actions': ['stopped', 'disabled', 'daemon-reload'], 'daemon_reloaded': True, 'enabled': False,
        'active_state': None, 'systemd_running': True, 'msg': '%s changed; stopped, disabled, daemon-reload' % path}
    data = running_systemd()
    assert data['calls'] == ['is-active agent.service', 'is-enabled agent.service']
    assert data['active'] and data['enabled'] and os.path.exists(path)
    res = run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir})
    assert res.data == check.data
    assert running_systemd()['calls'] == ['is-active agent.service', 'is-enabled agent.service',
                                          'stop agent.service', 'disable agent.service', 'daemon-reload']


def test_running_systemd_absent_of_a_stopped_disabled_unit_only_removes_it(unit_dir, running_systemd):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})
    running_systemd()
    res = run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir})
    assert res.data['actions'] == ['daemon-reload']
    assert running_systemd()['calls'] == ['is-active agent.service', 'is-enabled agent.service', 'daemon-reload']


def test_offline_absent_never_asks_whether_the_unit_runs(unit_dir, running_systemd, tmp_path):
    root = str(tmp_path / 'image')
    run({'name': 'agent.service', 'sections': SECTIONS, 'root': root})
    running_systemd()
    res = run({'name': 'agent.service', 'state': 'absent', 'root': root})
    assert res.changed and res.data['actions'] == [] and res.data['enabled'] is False
    assert not res.data['daemon_reloaded'] and res.data['systemd_running'] is True
    assert running_systemd()['calls'] == ['is-enabled agent.service']


def test_absent_dropin_leaves_the_directory_to_the_other_dropins(unit_dir):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})
    for dropin in ('10-a', '20-b'):
        run({'name': 'agent.service', 'dropin': dropin, 'unit_dir': unit_dir,
             'sections': {'Service': {'LimitNOFILE': 1024}}})
    dropins = os.path.join(unit_dir, 'agent.service.d')
    check = run({'name': 'agent.service', 'dropin': '10-a', 'state': 'absent', 'unit_dir': unit_dir},
                check_mode=True)
    assert check.changed and check.data['enabled'] is None and check.data['actions'] == []
    assert sorted(os.listdir(dropins)) == ['10-a.conf', '20-b.conf']
    res = run({'name': 'agent.service', 'dropin': '10-a', 'state': 'absent', 'unit_dir': unit_dir})
    assert res.changed and os.listdir(dropins) == ['20-b.conf']
    assert res.msg == '%s changed' % os.path.join(dropins, '10-a.conf')
    res = run({'name': 'agent.service', 'dropin': '20-b', 'state': 'absent', 'unit_dir': unit_dir}, check_mode=True)
    assert res.changed and os.listdir(dropins) == ['20-b.conf']
    res = run({'name': 'agent.service', 'dropin': '20-b', 'state': 'absent', 'unit_dir': unit_dir})
    assert not os.path.exists(dropins) and os.path.exists(unit_path(unit_dir))


@pytest.mark.parametrize('args, option', [
    ({'name': 'agent'}, 'name'),
    ({'name': 'agent.service', 'dropin': '../x'}, 'dropin'),
    ({'name': 'agent.service', 'sections': {'Service': {'ExecStart': 'a\nb'}}}, 'sections.Service.ExecStart'),
])
def test_refusals_name_their_option(unit_dir, args, option):
    res = run(dict(args, unit_dir=unit_dir))
    assert res.failed and res.data['invalid_options'] == [option], res
    assert not os.path.exists(unit_dir)


@pytest.mark.parametrize('dropin, option', [(None, 'name'), ('10-x', 'dropin')])
def test_a_directory_in_the_files_place_is_the_option_of_its_name(unit_dir, dropin, option):
    target = os.path.join(unit_dir, 'agent.service.d', '10-x.conf') if dropin else unit_path(unit_dir)
    os.makedirs(target)
    res = run({'name': 'agent.service', 'dropin': dropin, 'unit_dir': unit_dir, 'content': '[Service]\nNice=1\n'})
    assert res.failed and res.msg.startswith('%s: ' % option) and res.data['invalid_options'] == [option], res
    assert res.data['path'] == target


@pytest.mark.parametrize('given, text', [
    ('content', '[Service]\nExecStart=/bin/true\nBogusKey=1\n'),
    ('sections', {'Service': {'ExecStart': '/bin/true', 'BogusKey': 1}}),
])
def test_a_verify_refusal_names_the_option_that_gave_the_text_and_the_file(unit_dir, given, text):
    res = run({'name': 'agent.service', given: text, 'unit_dir': unit_dir})
    path = unit_path(unit_dir)
    assert res.failed and res.msg.startswith('%s: %s: systemd-analyze verify refused the new file:\n' % (given, path))
    # refused while planning, before any systemctl step
    assert res.data['path'] == path and 'actions' not in res.data and not os.path.exists(path), res


def test_an_unreadable_unit_for_a_dropins_verify_fails_before_writing(unit_dir, monkeypatch):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})

    def unreadable(src, dst):
        raise OSError(5, 'Input/output error')
    monkeypatch.setattr(systemd_control.shutil, 'copyfile', unreadable)
    res = run({'name': 'agent.service', 'dropin': '10-x', 'unit_dir': unit_dir, 'content': '[Service]\nNice=1\n'})
    assert res.failed and res.msg.startswith('name: %s cannot be read' % unit_path(unit_dir)), res
    assert res.data['path'] == os.path.join(unit_path(unit_dir) + '.d', '10-x.conf')
    assert not os.path.exists(unit_path(unit_dir) + '.d')


def test_written_with_the_mode_asked_and_without_verify_no_verdict(unit_dir):
    res = run({'name': 'agent.service', 'content': '[Service]\nExecStart=/bin/true\n', 'unit_dir': unit_dir,
               'mode': '0640', 'verify': False})
    assert res.changed and res.data['verified'] is False
    assert stat.S_IMODE(os.stat(unit_path(unit_dir)).st_mode) == 0o640


def test_running_systemd_mode_alone_changes_without_a_reload(unit_dir, running_systemd):
    content = '[Service]\nExecStart=/bin/true\n'
    run({'name': 'agent.service', 'content': content, 'unit_dir': unit_dir})
    running_systemd()
    res = run({'name': 'agent.service', 'content': content, 'unit_dir': unit_dir, 'mode': '0600'})
    assert res.changed and res.data['actions'] == [] and res.data['daemon_reloaded'] is False
    assert running_systemd()['calls'] == []


@pytest.mark.skipif(os.geteuid() != 0, reason='chown needs root')
def test_owner_and_group_are_set(unit_dir):
    import grp
    import pwd
    res = run({'name': 'agent.service', 'content': '[Service]\nExecStart=/bin/true\n', 'unit_dir': unit_dir,
               'owner': 'nobody', 'group': 'nogroup'})
    assert res.changed, res
    info = os.stat(unit_path(unit_dir))
    assert (info.st_uid, info.st_gid) == (pwd.getpwnam('nobody').pw_uid, grp.getgrnam('nogroup').gr_gid)


def test_removing_a_directory_in_the_units_place_is_refused_naming_the_unit(unit_dir):
    os.makedirs(unit_path(unit_dir))
    res = run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir})
    assert res.failed and res.msg.startswith('name: ') and res.data['invalid_options'] == ['name'], res
    assert os.path.isdir(unit_path(unit_dir))


def test_a_file_in_the_place_of_the_dropin_directory_names_the_unit(unit_dir):
    os.makedirs(unit_dir)
    with open(unit_path(unit_dir) + '.d', 'w') as handle:
        handle.write('not a directory')
    res = run({'name': 'agent.service', 'dropin': '10-x', 'unit_dir': unit_dir, 'content': '[Service]\nNice=1\n'})
    assert res.failed and res.msg.startswith('name: ') and res.data['invalid_options'] == ['name'], res


def test_removing_from_a_unit_dir_without_write_permission_names_unit_dir(unit_dir, monkeypatch):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})
    access = os.access
    monkeypatch.setattr(os, 'access', lambda path, mode: False if path == unit_dir and mode & os.W_OK
                        else access(path, mode))
    res = run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir})
    assert res.failed and res.data['invalid_options'] == ['unit_dir'], res
    assert res.msg == 'unit_dir: %s: no permission to write in %s' % (unit_path(unit_dir), unit_dir)
    assert os.path.exists(unit_path(unit_dir))


def test_writing_into_a_unit_dir_without_write_permission_names_unit_dir(unit_dir, monkeypatch):
    os.makedirs(unit_dir)
    access = os.access
    monkeypatch.setattr(os, 'access', lambda path, mode: False if path == unit_dir and mode & os.W_OK
                        else access(path, mode))
    res = run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})
    assert res.failed and res.data['invalid_options'] == ['unit_dir'], res
    assert res.msg == 'unit_dir: %s: no permission to write in %s' % (unit_path(unit_dir), unit_dir)
    assert os.listdir(unit_dir) == []


def test_a_removal_that_fails_after_stopping_says_what_was_done(unit_dir, running_systemd, monkeypatch):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir, 'enabled': True,
         'service_state': 'started'})
    running_systemd()
    path = unit_path(unit_dir)
    unlink = os.unlink

    def busy(target, *args, **kwargs):
        if target == path:
            raise OSError(16, 'Device or resource busy')
        return unlink(target, *args, **kwargs)
    monkeypatch.setattr(os, 'unlink', busy)
    res = run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir})
    assert res.failed and res.data == {
        'msg': res.msg, 'path': path, 'actions': ['stopped', 'disabled'], 'invalid_options': ['name']}, res
    assert res.msg.startswith('name: %s: ' % path) and 'Device or resource busy' in res.msg
    assert os.path.exists(path)


def test_removing_the_last_unit_keeps_its_directory(unit_dir):
    run({'name': 'agent.service', 'sections': SECTIONS, 'unit_dir': unit_dir})
    assert run({'name': 'agent.service', 'state': 'absent', 'unit_dir': unit_dir}).changed
    assert os.path.isdir(unit_dir) and os.listdir(unit_dir) == []


def test_the_offline_warning_names_the_unit_and_the_root(tmp_path):
    root = str(tmp_path / 'image')
    res = run({'name': 'agent.service', 'sections': SECTIONS, 'root': root, 'service_state': 'stopped'})
    warning = ('service_state=stopped was not applied to agent.service: root=%s is an offline system tree; the unit '
               'file and the enabled state are handled offline' % root)
    assert res.msg == '%s changed; %s' % (res.data['path'], warning)
    assert warning in get_warning_messages() and res.data['active_state'] is None
