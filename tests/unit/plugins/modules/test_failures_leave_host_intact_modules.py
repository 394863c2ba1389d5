"""Issue 8's cases, one test each: a clear failure naming the field (never a traceback, which
run_module would raise), and every file under the test root byte-identical afterwards."""
import json
import os

import pytest

from ansible_collections.alicloud_ops.logging.plugins.modules import (
    logtail_agent, logtail_config, rsyslog_dropin, sls_machine_group, systemd_unit)
from tests.support.bad_input import snapshot, strict_utf8
from tests.support.module_harness import run_module
from tests.unit.plugins.modules.test_rsyslog_dropin import args as dropin_args
from tests.unit.plugins.modules.test_rsyslog_dropin import etc  # noqa: F401 - fixture
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    mutating_calls, sls_auth, sls_emulator, sls_emulator_server)


def refused(main, args, root, *needles):
    before = snapshot(root)
    result = run_module(main, args)
    assert result.failed, result
    for needle in needles:
        assert needle in result.msg, result.msg
    assert snapshot(root) == before
    return result


@pytest.mark.parametrize('extra, needles', [
    ({'mode': 'banana'}, ['mode: ', "'banana' is neither an octal mode"]),
    ({'owner': 'no-such-user-i8'}, ['owner: ', "no such user 'no-such-user-i8'"]),
    ({'group': 'no-such-group-i8'}, ['group: ', "no such group 'no-such-group-i8'"]),
    ({'mode': '01000000'}, ['mode: ', 'bits other than permissions']),
])
def test_rsyslog_dropin_bad_attributes_refused_before_the_swap(etc, extra, needles):
    assert not run_module(rsyslog_dropin.main, dropin_args(etc)).failed
    changed = dropin_args(etc, **extra)
    changed['forward']['port'] = 5140
    refused(rsyslog_dropin.main, changed, etc, *needles)


def test_rsyslog_dropin_new_spool_dir_is_not_left_behind_by_a_refusal(etc):
    refused(rsyslog_dropin.main, dropin_args(etc, mode='banana'), etc, 'mode: ')
    assert not (etc / 'spool').exists()


def test_rsyslog_dropin_name_too_long(etc):
    refused(rsyslog_dropin.main, dropin_args(etc, name='n' * 300), etc, 'name must be at most 247 characters')


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_rsyslog_dropin_directory_in_place_of_the_file(etc, state):
    (etc / 'rsyslog.d' / '50-fwd.conf').mkdir()
    args = dropin_args(etc, state=state)
    if state == 'absent':
        del args['forward']
    refused(rsyslog_dropin.main, args, etc, 'name: %s: is a directory' % (etc / 'rsyslog.d' / '50-fwd.conf'))


def test_rsyslog_dropin_spool_directory_under_a_file(etc):
    (etc / 'blocker').write_text('x')
    args = dropin_args(etc)
    args['forward']['queue']['spool_directory'] = str(etc / 'blocker' / 'spool')
    refused(rsyslog_dropin.main, args, etc, 'forward.queue.spool_directory: ', 'is not a directory')


def test_rsyslog_dropin_duplicate_template_name_refused(etc):
    (etc / 'rsyslog.d' / '10-other.conf').write_text('template(name="ali_log_fmt" type="string" string="x%msg%")\n')
    forward = {'queue': {'spool_directory': str(etc / 'spool')}, 'template': {'name': 'ali_log_fmt'}}
    refused(rsyslog_dropin.main, dropin_args(etc, forward=forward), etc,
            'template ali_log_fmt is defined more than once', str(etc / 'rsyslog.d' / '10-other.conf'))


UNIT = '[Service]\nType=simple\nExecStart=/bin/sleep 100\n'


@pytest.mark.parametrize('extra, needle', [({'mode': 'banana'}, 'mode: '), ({'owner': 'no-such-user-i8'}, 'owner: ')])
def test_systemd_unit_bad_attributes_refused_before_the_swap(tmp_path, extra, needle):
    args = {'name': 'agent.service', 'content': UNIT, 'unit_dir': str(tmp_path / 'units')}
    assert not run_module(systemd_unit.main, args).failed
    refused(systemd_unit.main, dict(args, content=UNIT.replace('100', '200'), **extra), tmp_path, needle)


@pytest.mark.parametrize('with_root', [False, True])
def test_systemd_unit_second_execstart_dropin_refused_with_and_without_root(tmp_path, with_root):
    args = {'name': 'agent.service', 'unit_dir': str(tmp_path / 'units')}
    if with_root:
        args = {'name': 'agent.service', 'root': str(tmp_path / 'image')}
    assert not run_module(systemd_unit.main, dict(args, content=UNIT)).failed
    refused(systemd_unit.main, dict(args, dropin='10-more', content='[Service]\nExecStart=/bin/sleep 5\n'),
            tmp_path, 'more than one ExecStart=')


def test_systemd_unit_directory_in_place_of_the_unit(tmp_path):
    (tmp_path / 'units' / 'agent.service').mkdir(parents=True)
    refused(systemd_unit.main, {'name': 'agent.service', 'content': UNIT, 'unit_dir': str(tmp_path / 'units')},
            tmp_path, 'name: ', 'is a directory')


def logtail_args(tmp_path, **extra):
    base = {'config_path': str(tmp_path / 'ilogtail' / 'ilogtail_config.json'),
            'user_defined_id_path': str(tmp_path / 'etc' / 'user_defined_id'),
            'aliuids_dir': str(tmp_path / 'etc' / 'users')}
    base.update(extra)
    return base


@pytest.fixture
def agent_config(tmp_path):
    (tmp_path / 'ilogtail').mkdir()
    (tmp_path / 'ilogtail' / 'ilogtail_config.json').write_text('{\n    "cpu_usage_limit": 0.4\n}\n')
    (tmp_path / 'blocker').write_text('a regular file\n')
    return tmp_path


@pytest.mark.parametrize('extra, needle', [
    ({'user_defined_ids': ['web'], 'user_defined_id_path': 'blocker/user_defined_id'}, 'user_defined_id_path: '),
    ({'aliuids': ['1234567890'], 'aliuids_dir': 'blocker/users'}, 'aliuids_dir: '),
])
def test_logtail_config_bad_second_path_leaves_the_config_alone(agent_config, extra, needle):
    extra = dict(extra)
    for key in ('user_defined_id_path', 'aliuids_dir'):
        if key in extra:
            extra[key] = str(agent_config / extra[key])
    refused(logtail_config.main, logtail_args(agent_config, cpu_usage_limit=0.9, **extra), agent_config,
            needle, 'is not a directory')


def test_logtail_config_path_is_a_directory(tmp_path):
    (tmp_path / 'ilogtail' / 'ilogtail_config.json').mkdir(parents=True)
    refused(logtail_config.main, logtail_args(tmp_path, cpu_usage_limit=0.5), tmp_path,
            'config_path: ', 'is a directory')


def test_logtail_config_existing_file_not_utf8(agent_config):
    (agent_config / 'ilogtail' / 'ilogtail_config.json').write_bytes(b'{"name": "\xff\xfe"}\n')
    refused(logtail_config.main, logtail_args(agent_config, cpu_usage_limit=0.5), agent_config,
            'config_path: ', 'is not valid UTF-8')


@pytest.mark.parametrize('extra, needle', [
    ({'cpu_usage_limit': float('nan')}, 'cpu_usage_limit: must be a finite number'),
    ({'cpu_usage_limit': 'inf'}, 'cpu_usage_limit: must be a finite number'),
    ({'extra_config': {'limits': {'x': float('nan')}}}, 'extra_config.limits.x: '),
])
def test_logtail_config_non_finite_numbers(agent_config, extra, needle):
    refused(logtail_config.main, logtail_args(agent_config, **extra), agent_config, needle)
    json.loads((agent_config / 'ilogtail' / 'ilogtail_config.json').read_text())


def test_new_files_get_documented_modes_under_umask_077(etc):
    old = os.umask(0o077)
    try:
        assert not run_module(rsyslog_dropin.main, dropin_args(etc)).failed
        assert not run_module(systemd_unit.main, {'name': 'agent.service', 'content': UNIT,
                                                  'unit_dir': str(etc / 'units')}).failed
        assert not run_module(logtail_config.main, logtail_args(etc, cpu_usage_limit=0.5,
                                                                user_defined_ids=['web'])).failed
    finally:
        os.umask(old)
    for path, mode in [('rsyslog.d/50-fwd.conf', 0o644), ('units/agent.service', 0o644), ('units', 0o755),
                       ('ilogtail/ilogtail_config.json', 0o644), ('ilogtail', 0o755), ('etc/user_defined_id', 0o644),
                       ('spool', 0o700)]:
        assert oct(os.stat(str(etc / path)).st_mode & 0o7777) == oct(mode), path


def test_logtail_agent_installer_url_not_a_url(tmp_path):
    refused(logtail_agent.main, {'region': 'cn-hangzhou', 'installer_url': 'not a url',
                                 'install_dir': str(tmp_path / 'ilogtail')}, tmp_path,
            "installer_url: expected an http(s) URL")


@pytest.mark.parametrize('machine', ['web-1\nweb-2', 'web\rweb', 'tab\tid'])
def test_sls_machine_group_refuses_ids_logtail_config_refuses(sls_emulator, tmp_path, machine):
    group = run_module(sls_machine_group.main, dict(sls_auth(sls_emulator), project='proj-a', name='hosts',
                                                    machines=[machine]))
    # A line break is refused by every text option (option_checks), a tab by the machine id rule (machine_ids).
    needle = 'single-line string without control characters' if '\t' in machine else 'must be one line'
    assert group.failed and group.msg.startswith('machines[0]: ') and needle in group.msg, group.msg
    assert group.data['invalid_options'] == ['machines[0]']
    assert mutating_calls(sls_emulator) == {}
    agent = run_module(logtail_config.main, logtail_args(tmp_path, user_defined_ids=[machine]))
    assert agent.failed and agent.msg.startswith('user_defined_ids[0]: ') and needle in agent.msg, agent.msg


def test_existing_file_with_bytes_that_are_not_utf8_gives_a_result_the_controller_accepts(etc):
    # The controller refused the old result (MODULE_STRICT_UTF8_RESPONSE) after the file had been replaced.
    (etc / 'rsyslog.d' / '50-fwd.conf').write_bytes(b'# caf\xe9\n')
    result = run_module(rsyslog_dropin.main, dropin_args(etc), diff=True)
    assert not result.failed, result
    strict_utf8(result)
    assert result.data['diff'][-1]['before'] == '# caf\ufffd\n'


def test_rsyslog_dropin_unreadable_sibling_is_an_error_not_a_traceback(etc):
    # A FIFO among the drop-ins: copying it for validation fails (shutil refuses named pipes).
    os.mkfifo(str(etc / 'rsyslog.d' / '20-pipe.conf'))
    refused(rsyslog_dropin.main, dropin_args(etc), etc, 'dropin_dir: ', 'cannot be read for validation')
