"""systemd_unit through run_module on temp unit dirs.

Files, verification (the host's real systemd-analyze) and offline enabling (the host's real
`systemctl --root`) are exercised for real. The "systemd is PID 1" branch cannot run on this
host, so those tests put a recording systemctl double first on PATH and point the module's
PID-1 probe at a temp dir; real systemd as PID 1 is covered by the Molecule scenarios.
"""
import json
import os
import stat

import pytest
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

FAKE_SYSTEMCTL = r'''#!/usr/bin/env python3
"""Recording systemctl double for unit tests: state in $FAKE_STATE (json)."""
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
