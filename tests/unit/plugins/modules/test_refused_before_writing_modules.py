"""Issue 19's examples, one test each: every module checks everything before it touches the host, names the
option at fault, and refuses hostile values. The old state is checked byte for byte after each refusal (the
generated suite, test_bad_input_generated_modules.py, does the same over every option)."""
import json
import os
import stat
import sys

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import systemd_control
from ansible_collections.alicloud_ops.logging.plugins.modules import (
    logtail_agent, logtail_config, rsyslog_dropin, sls_log_search, sls_project, systemd_unit)
from tests.support.bad_input import snapshot
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    mutating_calls, sls_auth, sls_emulator, sls_emulator_server)
from tests.unit.plugins.modules.test_rsyslog_dropin import args as dropin_args
from tests.unit.plugins.modules.test_rsyslog_dropin import etc  # noqa: F401 - fixture

UNIT = '[Unit]\nDescription=agent\n[Service]\nType=simple\nExecStart=/bin/sleep 100\n[Install]\nWantedBy=multi-user.target\n'


def refused(main, args, root, *needles, **kwargs):
    before = snapshot(str(root))
    result = run_module(main, args, **kwargs)
    assert result.failed, result
    for needle in needles:
        assert needle in result.msg, result.msg
    assert snapshot(str(root)) == before, 'a refused run changed files: %s' % result.msg
    return result


# --- systemd_unit ----------------------------------------------------------------------------------------------------
@pytest.fixture
def image(tmp_path):
    """An image root with a valid unit already in it."""
    units = tmp_path / 'image' / 'etc' / 'systemd' / 'system'
    units.mkdir(parents=True)
    (units / 'agent.service').write_text(UNIT)
    return tmp_path


@pytest.mark.parametrize('content', ['', '   \n\n'])
def test_empty_unit_content_is_refused_and_the_unit_kept(image, content):
    # systemd reads a 0-byte unit file as masked; the module used to write it and fail afterwards.
    for dropin in (None, '10-extra'):
        refused(systemd_unit.main, {'name': 'agent.service', 'root': str(image / 'image'), 'content': content,
                                    'dropin': dropin}, image, 'content: is empty')
    assert (image / 'image' / 'etc' / 'systemd' / 'system' / 'agent.service').read_text() == UNIT


@pytest.mark.parametrize('name', ['-agent.service', '--help.service', '-.slice'])
def test_a_unit_name_that_reads_as_an_option_is_refused(image, name):
    refused(systemd_unit.main, {'name': name, 'root': str(image / 'image'), 'content': UNIT}, image,
            "name: %r begins with '-'" % name)


@pytest.mark.parametrize('extra, needle', [
    ({'enabled': True}, 'without DefaultInstance='),
    ({'service_state': 'started'}, 'cannot be started without an instance'),
    ({'enabled': True, 'service_state': 'restarted'}, 'cannot be restarted'),
])
def test_a_bare_template_unit_is_refused_before_it_is_written(image, extra, needle):
    refused(systemd_unit.main, dict({'name': 'agent@.service', 'root': str(image / 'image'), 'content': UNIT}, **extra),
            image, 'name: agent@.service is a template unit', needle)


def test_a_template_with_a_default_instance_can_be_enabled(image):
    content = UNIT + 'DefaultInstance=main\n'
    result = run_module(systemd_unit.main, {'name': 'agent@.service', 'root': str(image / 'image'),
                                            'content': content, 'enabled': True})
    assert not result.failed and result.data['enabled'], result
    assert os.path.islink(str(image / 'image' / 'etc' / 'systemd' / 'system' / 'multi-user.target.wants' /
                              'agent@main.service'))


@pytest.mark.parametrize('extra, field', [
    ({'root': '/tmp/x\x00y'}, 'root'), ({'unit_dir': '/etc/\x00'}, 'unit_dir'), ({'unit_dir': 'relative'}, 'unit_dir'),
    ({'name': 'a\nb.service'}, 'name'), ({'dropin': '10\x00x'}, 'dropin'),
    ({'sections': {'Service': {'ExecStart': '/bin/true\x00 --evil'}}, 'content': None}, 'sections'),
    ({'sections': {'Service': {'Environment': 'A=1\nExecStartPre=/bin/evil'}}, 'content': None}, 'sections'),
    ({'mode': '4755'}, 'mode'), ({'mode': '0666'}, 'mode'),
])
def test_systemd_unit_names_the_option_at_fault(image, extra, field):
    args = dict({'name': 'agent.service', 'root': str(image / 'image'), 'content': UNIT.replace('100', '200')}, **extra)
    args = dict((k, v) for k, v in args.items() if v is not None)
    result = refused(systemd_unit.main, args, image)
    assert result.msg.startswith(field) or "argument '%s'" % field in result.msg, result.msg


def test_a_file_in_the_way_of_root_or_unit_dir_blames_that_option(tmp_path):
    (tmp_path / 'afile').write_text('x')
    result = refused(systemd_unit.main, {'name': 'agent.service', 'root': str(tmp_path / 'afile' / 'image'),
                                         'content': UNIT}, tmp_path)
    assert result.msg.startswith('root: '), result.msg
    (tmp_path / 'image' / 'etc').mkdir(parents=True)
    (tmp_path / 'image' / 'etc' / 'systemd').write_text('x')
    result = refused(systemd_unit.main, {'name': 'agent.service', 'root': str(tmp_path / 'image'), 'content': UNIT},
                     tmp_path)
    assert result.msg.startswith('unit_dir: '), result.msg


RECORDING_SYSTEMCTL = '#!%s\n' % sys.executable + r'''import json, os, sys
with open(os.environ['ARGV_LOG'], 'a') as handle:
    handle.write(json.dumps(sys.argv[1:]) + '\n')
print('inactive' if 'is-active' in sys.argv else 'disabled')
sys.exit(3 if 'is-active' in sys.argv else (1 if 'is-enabled' in sys.argv else 0))
'''


def test_every_systemctl_call_ends_its_options_before_the_unit_name(tmp_path, monkeypatch):
    bindir = tmp_path / 'bin'
    bindir.mkdir()
    (bindir / 'systemctl').write_text(RECORDING_SYSTEMCTL)
    (bindir / 'systemctl').chmod(0o755)
    log = tmp_path / 'argv.log'
    monkeypatch.setenv('PATH', '%s:%s' % (bindir, os.environ['PATH']))
    monkeypatch.setenv('ARGV_LOG', str(log))
    runtime = tmp_path / 'run-systemd'
    runtime.mkdir()
    monkeypatch.setattr(systemd_control, 'SYSTEMD_RUNTIME_DIR', str(runtime))
    result = run_module(systemd_unit.main, {'name': 'agent.service', 'unit_dir': str(tmp_path / 'units'),
                                            'content': UNIT, 'enabled': True, 'service_state': 'started',
                                            'verify': False})
    assert not result.failed, result
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    with_names = [c for c in calls if 'agent.service' in c]
    assert {c[0] for c in with_names} >= {'is-enabled', 'enable', 'is-active', 'start'}
    assert all(c[-2:] == ['--', 'agent.service'] for c in with_names), calls


# --- logtail_agent ---------------------------------------------------------------------------------------------------
@pytest.fixture
def recording_installer(tmp_path):
    """An installer that only records that it ran."""
    script = tmp_path / 'logtail.sh'
    script.write_text('#!/bin/bash\necho "$@" >> %s\n' % (tmp_path / 'ran'))
    return 'file://%s' % script


@pytest.mark.parametrize('extra, field', [
    ({'version': '--help'}, 'version'), ({'version': '1.8.0 -x'}, 'version'), ({'version': '1.8.0\n'}, 'version'),
    ({'install_dir': 'relative/ilogtail'}, 'install_dir'), ({'install_dir': '/opt/a\x00b'}, 'install_dir'),
    ({'app_info_path': '/x/app_info.json\n'}, 'app_info_path'), ({'app_info_path': 'app_info.json'}, 'app_info_path'),
    ({'init_script': '/etc/init.d/x\x00'}, 'init_script'), ({'region': 'cn-hangzhou\n'}, 'region'),
    ({'region': '--cn'}, 'region'), ({'timeout': float('inf')}, 'timeout'), ({'timeout': 2 ** 31}, 'timeout'),
    ({'network': 'auto', 'region': 'Bad Region'}, 'region'),
])
def test_logtail_agent_checks_every_option_before_the_installer_runs(tmp_path, recording_installer, extra, field):
    args = dict({'region': 'cn-hangzhou', 'installer_url': recording_installer,
                 'install_dir': str(tmp_path / 'ilogtail'), 'version': '1.8.0'}, **extra)
    result = refused(logtail_agent.main, args, tmp_path)
    assert result.msg.startswith(field) or "argument '%s'" % field in result.msg, result.msg
    assert not (tmp_path / 'ran').exists()


def test_logtail_agent_refuses_an_init_script_it_could_not_run(tmp_path, recording_installer):
    (tmp_path / 'init.d').mkdir()
    refused(logtail_agent.main, {'region': 'cn-hangzhou', 'installer_url': recording_installer,
                                 'install_dir': str(tmp_path / 'ilogtail'), 'init_script': str(tmp_path / 'init.d')},
            tmp_path, 'init_script: ', 'is not an executable file')
    assert not (tmp_path / 'ran').exists()


# --- rsyslog_dropin --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('mode', ['07777', '4755', '2755', '1644', '0666', 'o+w', 'u+s'])
def test_rsyslog_dropin_refuses_modes_root_must_not_read_a_file_with(etc, mode):
    assert not run_module(rsyslog_dropin.main, dropin_args(etc)).failed
    target = etc / 'rsyslog.d' / '50-fwd.conf'
    changed = dropin_args(etc, mode=mode)
    changed['forward']['port'] = 5140
    refused(rsyslog_dropin.main, changed, etc, 'mode: ')
    assert stat.S_IMODE(os.stat(str(target)).st_mode) == 0o644 and '11111' in target.read_text()


@pytest.mark.parametrize('extra, option', [
    ({'queue.size': 5}, 'forward.queue.size'), ({'Queue.Size': 5}, 'forward.queue.size'),
    ({'queue.highWatermark': 10}, 'forward.queue.high_watermark'), ({'queue.type': 'Direct'}, 'forward.queue.type'),
    ({'action.resumeRetryCount': 0}, 'forward.action.resume_retry_count'), ({'port': 1}, 'forward.port'),
    ({'target': 'evil.example'}, 'forward.target'), ({'template': 'RSYSLOG_FileFormat'}, 'forward.template.name'),
])
def test_extra_params_cannot_set_what_an_option_writes(etc, extra, option):
    args = dropin_args(etc)
    args['forward']['extra_params'] = extra
    refused(rsyslog_dropin.main, args, etc, 'forward.extra_params.%s: set it with %s' % (list(extra)[0], option))


@pytest.mark.parametrize('value, needle', [
    (float('nan'), 'finite'), (2 ** 31, "rsyslog's 32-bit"), ({'a': 1}, 'string, number or boolean'),
    ('a\x00b', 'NUL'), ('a\nb', 'one line'),
])
def test_extra_params_values_are_checked(etc, value, needle):
    args = dropin_args(etc)
    args['forward']['extra_params'] = {'queue.workerThreads': value}
    result = refused(rsyslog_dropin.main, args, etc, needle)
    assert result.msg.startswith('forward.extra_params'), result.msg


def test_extra_params_without_an_option_still_work(etc):
    args = dropin_args(etc)
    args['forward']['extra_params'] = {'queue.workerThreads': 2, 'action.reportSuspension': True}
    result = run_module(rsyslog_dropin.main, args)
    assert not result.failed, result
    assert 'queue.workerThreads="2"' in result.data['content'] and 'action.reportSuspension="on"' in result.data['content']


@pytest.mark.parametrize('extra, field', [
    ({'dropin_dir': '/etc/rsyslog\x00.d'}, 'dropin_dir'), ({'main_config': '/etc/rsyslog.conf\n'}, 'main_config'),
    ({'weight': float('inf')}, 'weight'), ({'weight': float('nan')}, 'weight'),
    ({'name': 'fwd\x00'}, 'name'), ({'forward': {'port': float('inf')}}, 'port'),
    ({'forward': {'queue': {'size': 2 ** 40}}}, 'forward.queue.size'),
    ({'forward': {'sys_tag': 'tag\x00'}}, 'forward.sys_tag'), ({'forward': {'target': 'host\x00'}}, 'forward.target'),
    ({'forward': {'template': {'format': '%msg%\x00'}}}, 'forward.template.format'),
])
def test_rsyslog_dropin_names_the_option_at_fault(etc, extra, field):
    args = dropin_args(etc)
    for key, value in extra.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                args[key][sub] = dict(args[key].get(sub) or {}, **inner) if isinstance(inner, dict) else inner
        else:
            args[key] = value
    result = refused(rsyslog_dropin.main, args, etc)
    assert result.msg.startswith(field) or "argument '%s'" % field in result.msg, result.msg


def test_a_main_config_that_already_fails_is_blamed_not_the_change(etc):
    (etc / 'rsyslog.conf').write_text((etc / 'rsyslog.conf').read_text() + 'this is not rsyslog syntax\n')
    result = refused(rsyslog_dropin.main, dropin_args(etc), etc)
    assert result.msg.startswith('main_config: rsyslogd -N1 rejects the configuration'), result.msg
    assert 'even without this change' in result.msg


# --- logtail_config ----------------------------------------------------------------------------------------------------
@pytest.fixture
def agent_config(tmp_path):
    (tmp_path / 'ilogtail').mkdir()
    (tmp_path / 'ilogtail' / 'ilogtail_config.json').write_text('{\n    "cpu_usage_limit": 0.4\n}\n')
    return tmp_path


def logtail_args(root, **extra):
    return dict({'config_path': str(root / 'ilogtail' / 'ilogtail_config.json'),
                 'user_defined_id_path': str(root / 'etc' / 'user_defined_id'),
                 'aliuids_dir': str(root / 'etc' / 'users')}, **extra)


@pytest.mark.parametrize('extra, field', [
    ({'user_defined_ids': [{}]}, 'user_defined_ids'), ({'user_defined_ids': [['web']]}, 'user_defined_ids'),
    ({'user_defined_ids': ['web\x00']}, 'user_defined_ids[0]'), ({'aliuids': [{}]}, 'aliuids'),
    ({'max_bytes_per_sec': 2 ** 63}, 'max_bytes_per_sec'), ({'buffer_file_size': 2 ** 31}, 'buffer_file_size'),
    ({'mem_usage_limit': float('inf')}, 'mem_usage_limit'), ({'cpu_usage_limit': float('nan')}, 'cpu_usage_limit'),
    ({'extra_config': {'working_ip': 'a\x00'}}, 'extra_config.working_ip'),
    ({'extra_config': {'limits': {'big': 2 ** 64}}}, 'extra_config.limits.big'),
    ({'extra_config': {'x': [float('-inf')]}}, 'extra_config.x[0]'),
    ({'aliuids': ['1234'], 'aliuids_dir': '/etc/ilogtail/us\x00ers'}, 'aliuids_dir'),
    ({'user_defined_ids': ['web'], 'user_defined_id_path': 'relative'}, 'user_defined_id_path'),
    ({'streamlog_formats': [{'version': '0.1', 'fields': float('nan')}]}, 'fields'),
])
def test_logtail_config_refuses_what_the_agent_cannot_read(agent_config, extra, field):
    result = refused(logtail_config.main, logtail_args(agent_config, **extra), agent_config)
    assert result.msg.startswith(field) or "option '%s'" % field in result.msg or \
        "argument '%s'" % field in result.msg, result.msg
    assert json.loads((agent_config / 'ilogtail' / 'ilogtail_config.json').read_text()) == {'cpu_usage_limit': 0.4}


def test_the_largest_integer_the_agent_reads_is_written(agent_config):
    result = run_module(logtail_config.main, logtail_args(agent_config, max_bytes_per_sec=2 ** 31 - 1))
    assert not result.failed, result
    assert json.loads((agent_config / 'ilogtail' / 'ilogtail_config.json').read_text())['max_bytes_per_sec'] == 2 ** 31 - 1


# --- secrets ---------------------------------------------------------------------------------------------------------
def test_a_security_token_ending_in_a_line_break_is_refused_and_never_echoed(sls_emulator):
    token = 'CAIS-secret-token-0123456789\n'
    result = run_module(sls_project.main, dict(sls_auth(sls_emulator), name='proj-a', security_token=token))
    assert result.failed and result.msg.startswith('security_token: '), result.msg
    assert 'CAIS' not in json.dumps(result.data) and '0123456789' not in json.dumps(result.data)
    assert mutating_calls(sls_emulator) == {}


def test_a_token_from_the_environment_with_a_line_break_is_refused_by_name(sls_emulator, monkeypatch):
    auth = sls_auth(sls_emulator)
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_ID', auth['access_key_id'])
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', auth['access_key_secret'])
    monkeypatch.setenv('ALIBABA_CLOUD_SECURITY_TOKEN', 'CAIS-secret-token-0123456789\n')
    result = run_module(sls_project.main, {'endpoint': auth['endpoint'], 'name': 'proj-a'})
    assert result.failed and result.msg.startswith('security_token: '), result.msg
    assert 'ALIBABA_CLOUD_SECURITY_TOKEN' in result.msg
    text = json.dumps(result.data)
    assert 'CAIS' not in text and auth['access_key_secret'] not in text


@pytest.mark.parametrize('extra, field', [
    ({'rows': float('inf')}, 'rows'), ({'from_time': 2 ** 40}, 'from_time'), ({'project': 'proj\x00'}, 'project'),
    ({'logstore': '../x'}, 'logstore'), ({'query': 'a\x00'}, 'query'), ({'count_by': 'a\nb'}, 'count_by'),
])
def test_sls_log_search_refuses_before_any_call(sls_emulator, extra, field):
    args = dict(sls_auth(sls_emulator), project='proj-a', logstore='syslog')
    result = run_module(sls_log_search.main, dict(args, **extra))
    assert result.failed and (result.msg.startswith(field) or "argument '%s'" % field in result.msg), result.msg
    assert sls_emulator.stats()['calls'] == {}
