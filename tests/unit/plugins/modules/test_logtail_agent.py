import hashlib
import os
import re
import shutil
import socket

import pytest
import yaml
from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import logtail_agent as logtail_agent_code
from ansible_collections.alicloud_ops.logging.plugins.modules import logtail_agent
from tests.logtail_standin.fixtures import logtail_mirror, standin_root  # noqa: F401
from tests.support.fake_clock import FakeClock
from tests.support.module_harness import run_module


def closed_port_url():
    # A URL nothing listens on: any download attempt fails loudly.
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return 'http://127.0.0.1:%d/linux64/logtail.sh' % port


def fake_install(install_dir, version):
    os.makedirs(install_dir)
    with open(os.path.join(install_dir, 'app_info.json'), 'w') as handle:
        handle.write('{"logtail_version": "%s"}' % version)


def test_wanted_version_installed_means_no_download(tmp_path):
    install_dir = str(tmp_path / 'ilogtail')
    fake_install(install_dir, '1.8.0')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=closed_port_url(),
                                              version='1.8.0', install_dir=install_dir), diff=True)
    assert not res.failed and not res.changed, res
    assert res.data['action'] == 'none' and res.data['installed_version'] == '1.8.0'
    assert res.data['diff']['before'] == res.data['diff']['after']


def test_empty_version_means_any(tmp_path):
    install_dir = str(tmp_path / 'ilogtail')
    fake_install(install_dir, '1.8.0')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=closed_port_url(),
                                              version='', install_dir=install_dir))
    assert not res.failed and not res.changed and res.data['action'] == 'none'


def test_check_mode_reports_without_download(tmp_path):
    install_dir = str(tmp_path / 'ilogtail')
    fake_install(install_dir, '1.7.1')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=closed_port_url(),
                                              version='1.8.0', install_dir=install_dir), check_mode=True, diff=True)
    assert not res.failed and res.changed
    assert res.data['action'] == 'upgrade' and res.data['previous_version'] == '1.7.1'
    assert res.data['diff']['after'] == 'logtail_version: 1.8.0\n'
    res = run_module(logtail_agent.main, dict(state='absent', region='cn-hangzhou', installer_url=closed_port_url(),
                                              install_dir=install_dir), check_mode=True, diff=True)
    assert res.changed and res.data['action'] == 'remove' and res.data['diff']['after'] == 'logtail: absent\n'
    assert os.path.exists(os.path.join(install_dir, 'app_info.json'))


def test_derived_url_and_mode(tmp_path):
    res = run_module(logtail_agent.main, dict(region='cn-shanghai', network='internet',
                                              install_dir=str(tmp_path / 'x')), check_mode=True)
    assert res.data['installer_url'] == (
        'http://logtail-release-cn-shanghai.oss-cn-shanghai.aliyuncs.com/linux64/logtail.sh')
    assert res.data['install_mode'] == 'cn-shanghai-internet' and res.data['action'] == 'install'


def test_argument_errors_name_the_field(tmp_path):
    base = dict(install_dir=str(tmp_path / 'x'))
    cases = [
        (dict(region='cn-hangzhou', installer_checksum='md5:abc'), 'installer_checksum:'),
        (dict(region='cn-hangzhou', installer_checksum='sha256:1234'), 'installer_checksum:'),
        (dict(region='Hangzhou'), 'region:'),
        (dict(), 'region:'),
        (dict(network='auto'), 'region: required unless installer_url'),
        (dict(region='cn-hangzhou', timeout=0), 'timeout:'),
        (dict(region='cn-hangzhou', network='vpc'), 'network'),
    ]
    for args, prefix in cases:
        res = run_module(logtail_agent.main, dict(base, **args))
        assert res.failed and prefix in res.msg, (args, res.msg)
        if prefix.endswith(':'):  # the InstallError's option, for tools that read the failure
            assert res.data['invalid_options'] == [prefix[:-1]], (args, res.data)


def test_auto_mode_with_mirror_needs_no_region(tmp_path):
    res = run_module(logtail_agent.main, dict(network='auto', installer_url=closed_port_url(),
                                              install_dir=str(tmp_path / 'x')), check_mode=True)
    assert not res.failed and res.data['install_mode'] == 'auto'


def standin_args(mirror, root, flavor='logtail', **extra):
    service = 'loongcollectord' if flavor == 'loongcollector' else 'ilogtaild'
    args = dict(region='cn-hangzhou', flavor=flavor, installer_url=mirror.installer_url_for(flavor),
                install_dir=str(root / 'usr' / 'local' / 'ilogtail'),
                init_script=str(root / 'etc' / 'init.d' / service), start_timeout=10)
    args.update(extra)
    return args


def test_install_pin_upgrade_remove(logtail_mirror, standin_root, monkeypatch):  # noqa: F811
    monkeypatch.setenv('LOGTAIL_STANDIN_ROOT', str(standin_root))
    logtail_mirror.publish('1.8.0')
    checksum = logtail_mirror.publish('2.0.0')
    args = standin_args(logtail_mirror, standin_root, installer_checksum='sha256:' + checksum, version='1.8.0')
    install_dir = args['install_dir']
    res = run_module(logtail_agent.main, args, diff=True)
    assert not res.failed, res
    # -v pins the version although the mirror's latest is 2.0.0; the installer left the agent stopped
    # (no init system), so the module started it and read the app_info.json the agent wrote.
    assert res.data['installer_args'] == ['install', 'cn-hangzhou', '-v', '1.8.0']
    assert res.data['action'] == 'install' and res.data['installed_version'] == '1.8.0'
    assert res.data['previous_version'] is None
    assert 'installed logtail 1.8.0' in res.data['installer_output']
    assert os.path.exists(os.path.join(install_dir, 'ilogtail_config.json'))

    # A version the vendor does not publish: the installer refuses, the module says so.
    res = run_module(logtail_agent.main, dict(args, version='1.7.0', installer_checksum=None))
    assert res.failed and res.msg.startswith('logtail.sh upgrade -v 1.7.0 failed'), res.msg
    with open(args['install_dir'] + '/ilogtail_config.json', 'a') as handle:
        handle.write(' ')  # upgrade must keep this file; install would rewrite it
    res = run_module(logtail_agent.main, dict(args, version='2.0.0', installer_checksum=None), diff=True)
    assert not res.failed and res.data['action'] == 'upgrade' and res.data['previous_version'] == '1.8.0'
    assert res.data['installer_args'] == ['upgrade', '-v', '2.0.0']
    assert res.data['installed_version'] == '2.0.0'
    assert res.data['diff']['before'] == 'logtail_version: 1.8.0\n'
    assert res.data['diff']['after'] == 'logtail_version: 2.0.0\n'
    assert open(args['install_dir'] + '/ilogtail_config.json').read().endswith('}\n ')
    res = run_module(logtail_agent.main, dict(args, version='2.0.0', installer_checksum=None))
    assert not res.failed and res.data['action'] == 'none'

    res = run_module(logtail_agent.main, dict(args, state='absent', installer_checksum=None, version=None))
    assert not res.failed and res.data['action'] == 'remove' and res.data['installed_version'] is None
    assert not os.path.exists(install_dir)


def test_loongcollector_flavour(logtail_mirror, standin_root, monkeypatch):  # noqa: F811
    monkeypatch.setenv('LOGTAIL_STANDIN_ROOT', str(standin_root))
    logtail_mirror.publish('3.0.1')
    args = standin_args(logtail_mirror, standin_root, 'loongcollector',
                        installer_checksum=logtail_mirror.checksum_of('loongcollector'))
    res = run_module(logtail_agent.main, args, diff=True)
    assert not res.failed, res
    assert res.data['installed_version'] == '3.0.1' and res.data['diff']['after'] == 'loongcollector_version: 3.0.1\n'
    assert 'installed loongcollector 3.0.1' in res.data['installer_output']
    assert os.path.exists(str(standin_root / 'etc' / 'systemd' / 'system' / 'loongcollectord.service'))
    res = run_module(logtail_agent.main, args)
    assert not res.failed and not res.changed


def test_an_agent_that_cannot_start_fails_the_install(logtail_mirror, standin_root, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv('LOGTAIL_STANDIN_ROOT', str(standin_root))
    logtail_mirror.publish('1.8.0')
    broken = tmp_path / 'broken-init'
    broken.write_text('#!/bin/sh\n[ "$1" = status ] && exit 3\necho "cannot bind"; exit 1\n')
    broken.chmod(0o755)
    res = run_module(logtail_agent.main, standin_args(logtail_mirror, standin_root, init_script=str(broken)))
    assert res.failed and res.msg.startswith('init_script: the agent was installed but does not start'), res.msg
    assert 'cannot bind' in res.msg
    # No init script at all and nothing starts the agent: no app_info.json, no success.
    res = run_module(logtail_agent.main, standin_args(logtail_mirror, standin_root, version='1.8.0',
                                                      init_script=str(tmp_path / 'none'), start_timeout=1))
    assert res.failed and res.msg.startswith(
        'start_timeout/app_info_path: logtail.sh upgrade finished but the agent wrote no'), res.msg


def test_checksum_mismatch_runs_nothing(logtail_mirror, standin_root, monkeypatch):  # noqa: F811
    monkeypatch.setenv('LOGTAIL_STANDIN_ROOT', str(standin_root))
    logtail_mirror.publish('1.8.0')
    res = run_module(logtail_agent.main, standin_args(logtail_mirror, standin_root, installer_checksum='0' * 64))
    assert res.failed and res.msg.startswith('installer_checksum: mismatch')
    assert 'the installer was not run' in res.msg
    assert logtail_mirror.requests['/linux64/logtail.sh'] == 1
    assert not [path for path in logtail_mirror.requests if '/packages/' in path]
    assert os.listdir(str(standin_root)) == []


def test_download_error_names_url(tmp_path):
    url = closed_port_url()
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url,
                                              install_dir=str(tmp_path / 'x')))
    assert res.failed and res.msg.startswith('installer_url: download of %s failed' % url)


def test_documentation_is_valid_yaml_with_attributes():
    doc = yaml.safe_load(logtail_agent.DOCUMENTATION)
    assert doc['attributes']['check_mode']['support'] == 'full'
    assert doc['attributes']['diff_mode']['support'] == 'full'
    assert set(doc['options']) == {
        'state', 'flavor', 'region', 'network', 'installer_url', 'installer_checksum', 'version', 'install_dir',
        'app_info_path', 'init_script', 'start_timeout', 'timeout', 'validate_certs'}
    yaml.safe_load(logtail_agent.EXAMPLES)
    yaml.safe_load(logtail_agent.RETURN)


# -- issue 25: the whole run against a fake installer on a file:// URL (no stand-in, no network), each message ------
# word for word, the commands run, the defaults, the wait for app_info.json on a fake clock
INSTALLER = r'''#!/bin/bash
echo "ran $(basename "$0") $* in $(basename "$PWD")"
case "$1" in
  install|upgrade)
    version=VERSION
    [ "$2" = -v ] && version=$3
    [ "$3" = -v ] && version=$4
    [ -n "$version" ] && mkdir -p INSTALL_DIR && printf '{"logtail_version": "%s"}' "$version" > APP_INFO ;;
  uninstall) REMOVE ;;
esac
echo "to stderr" >&2
EXTRA
'''


def fake_installer(tmp_path, version='1.8.0', remove='rm -rf INSTALL_DIR', extra='', app_info=None):
    """A bash installer at a file:// URL that writes app_info.json; returns (url, sha256, install_dir)."""
    install_dir = str(tmp_path / 'ilogtail')
    script = INSTALLER.replace('REMOVE', remove).replace('EXTRA', extra).replace('VERSION', version)
    script = script.replace('APP_INFO', app_info or install_dir + '/app_info.json').replace('INSTALL_DIR', install_dir)
    path = tmp_path / 'logtail.sh'
    path.write_text(script)
    return 'file://' + str(path), hashlib.sha256(script.encode()).hexdigest(), install_dir


def init_script(tmp_path, status=0, start=0, start_output=''):
    path = tmp_path / 'ilogtaild'
    path.write_text('#!/bin/sh\necho "$1" >> %s/init.log\n[ "$1" = status ] && exit %d\n'
                    '[ "$1" = start ] && { %s exit %d; }\nexit 2\n' % (tmp_path, status, start_output, start))
    path.chmod(0o755)
    return str(path)


def init_calls(tmp_path):
    log = tmp_path / 'init.log'
    return log.read_text().split() if log.exists() else []


@pytest.fixture
def commands(monkeypatch):
    """Every command the module runs: (argv, cwd, whether cwd existed then)."""
    seen = []
    real = basic.AnsibleModule.run_command

    def run_command(self, args, **kwargs):
        seen.append((list(args), kwargs.get('cwd'), os.path.isdir(kwargs.get('cwd') or '/')))
        return real(self, args, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    return seen


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()

    def sleep(seconds):
        # A wait that would never end fails instead of hanging the test.
        assert len(fake.sleeps) < 1000, 'still waiting after %s fake seconds' % fake.now
        FakeClock.sleep(fake, seconds)

    fake.sleep = sleep
    monkeypatch.setattr(logtail_agent_code.time, 'time', fake.clock)
    monkeypatch.setattr(logtail_agent_code.time, 'sleep', fake.sleep)
    return fake


def test_install_runs_the_checked_installer_then_the_init_script(tmp_path, commands):
    url, digest, install_dir = fake_installer(tmp_path)
    init = init_script(tmp_path)
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, installer_checksum=digest,
                                              version='1.8.0', install_dir=install_dir, init_script=init), diff=True)
    assert not res.failed and res.changed, res
    assert res.data['action'] == 'install' and res.data['install_mode'] == 'cn-hangzhou'
    assert res.data['installer_args'] == ['install', 'cn-hangzhou', '-v', '1.8.0'] and res.data['installer_url'] == url
    assert res.data['previous_version'] is None and res.data['installed_version'] == '1.8.0'
    assert re.match(r'^ran logtail\.sh install cn-hangzhou -v 1\.8\.0 in logtail_installer_\w+\nto stderr\n$',
                    res.data['installer_output']), res.data['installer_output']
    assert res.data['diff'] == {'before': 'logtail: absent\n', 'after': 'logtail_version: 1.8.0\n',
                                'before_header': install_dir, 'after_header': install_dir}
    (argv, cwd, existed), status = commands
    # coreutils timeout bounds the installer (the default 300 s); bash runs it, "--" ends bash's options.
    assert argv == [shutil.which('timeout'), '300', shutil.which('bash'), '--', os.path.join(cwd, 'logtail.sh'),
                    'install', 'cn-hangzhou', '-v', '1.8.0']
    assert existed and os.path.basename(cwd).startswith('logtail_installer_') and not os.path.exists(cwd)
    # The installer's directory is made in the module's own temporary directory, which ansible removes.
    assert os.path.basename(os.path.dirname(cwd)).startswith('ansible-moduletmp-')
    assert status == ([init, 'status'], None, True) and init_calls(tmp_path) == ['status']


def test_an_agent_the_installer_left_stopped_is_started(tmp_path):
    url, _digest, install_dir = fake_installer(tmp_path)
    init = init_script(tmp_path, status=3)
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir,
                                              init_script=init, timeout=30))
    assert not res.failed and init_calls(tmp_path) == ['status', 'start'], res


def test_an_agent_that_does_not_start_says_why(tmp_path):
    url, _digest, install_dir = fake_installer(tmp_path)
    init = init_script(tmp_path, status=3, start=1, start_output='echo out; echo err >&2;')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir,
                                              init_script=init))
    assert res.failed and res.msg == ('init_script: the agent was installed but does not start (%s start exited 1): '
                                      'out\nerr' % init), res
    assert res.data['action'] == 'install' and res.data['installer_url'] == url
    assert res.data['installer_output'].endswith('\nto stderr\n')
    shutil.rmtree(install_dir)
    init = init_script(tmp_path, status=3, start=1, start_output='echo err >&2;')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir,
                                              init_script=init))
    assert res.msg.endswith('start exited 1): err'), res
    for output, tail in (('echo out;', 'out'), ('printf "%03000d" 7;', '0' * 1999 + '7')):
        shutil.rmtree(install_dir)
        init = init_script(tmp_path, status=3, start=1, start_output=output)
        res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir,
                                                  init_script=init))
        assert res.msg == ('init_script: the agent was installed but does not start (%s start exited 1): %s'
                           % (init, tail)), res


def test_installer_failure_keeps_the_last_2000_characters(tmp_path):
    url, _digest, install_dir = fake_installer(tmp_path, extra='printf "%03000d" 7; exit 3')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir))
    output = res.data['installer_output']
    assert output.startswith('ran logtail.sh install cn-hangzhou in ') and output.endswith('0' * 2999 + '7to stderr\n')
    assert res.failed and res.msg == 'logtail.sh install cn-hangzhou failed with exit code 3: %s' % (
        output.strip()[-2000:]), res
    assert res.msg.endswith('0' * 1990 + '7to stderr') and res.data['rc'] == 3 and res.data['installer_url'] == url


def test_installer_that_hangs_is_stopped_at_timeout(tmp_path):
    url, _digest, install_dir = fake_installer(tmp_path, extra='printf "%03000d" 7; echo waiting; sleep 30')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir,
                                              timeout=1))
    # The output's last 2000 characters: the 3000-digit line's end, "waiting", then stderr.
    assert res.failed and res.msg == ('timeout: logtail.sh install cn-hangzhou did not finish within 1 seconds: %s'
                                      % ('0' * 1982 + '7waiting\nto stderr')), res
    assert res.data['rc'] == 124 and res.data['installer_url'] == url
    assert res.data['installer_output'].startswith('ran logtail.sh install cn-hangzhou in ')


def test_an_installer_that_removes_its_own_directory(tmp_path):
    # It runs in a directory of its own, not the caller's (here conftest.py's temporary working directory).
    open('caller-marker', 'w').close()
    url, _digest, install_dir = fake_installer(tmp_path, extra='rm -rf "$PWD"')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir))
    assert not res.failed and res.data['installed_version'] == '1.8.0', res
    assert os.path.exists('caller-marker')


def test_the_probe_options_are_accepted(tmp_path):
    # converge_probe's action plugin reads them; the module takes them without complaint.
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', install_dir=str(tmp_path / 'x'), probe=None,
                                              probe_after=[]), check_mode=True)
    assert not res.failed and res.data['action'] == 'install', res


def test_without_coreutils_timeout_an_exit_code_124_is_the_installer_s(tmp_path, commands, monkeypatch):
    real = basic.AnsibleModule.get_bin_path
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, name, *a, **kw: None if name == 'timeout' else real(self, name, *a, **kw))
    url, _digest, install_dir = fake_installer(tmp_path, extra='exit 124')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir))
    assert res.failed and res.msg.startswith('logtail.sh install cn-hangzhou failed with exit code 124: ran '), res
    assert commands[0][0][:2] == [shutil.which('bash'), '--']


def test_checksum_mismatch_message(tmp_path, commands):
    url, digest, install_dir = fake_installer(tmp_path)
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir,
                                              installer_checksum='ab' * 32))
    assert res.failed and res.msg == (
        'installer_checksum: mismatch for %s: expected sha256:%s, downloaded file has sha256:%s; the installer was '
        'not run and nothing was changed' % (url, 'ab' * 32, digest)), res
    assert res.data['installer_url'] == url and commands == [] and not os.path.exists(install_dir)


class FakeResponse(object):
    def __init__(self, data):
        self.data = data

    def read(self, size):
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


def test_download_reads_in_chunks_and_refuses_other_statuses(tmp_path, monkeypatch):
    from ansible.module_utils import urls
    _url, _digest, install_dir = fake_installer(tmp_path)
    script = (tmp_path / 'logtail.sh').read_bytes() + b'#' * 70000 + b'\n'
    seen = []

    def fetch_url(module, url, timeout):
        seen.append((url, timeout, module.params['validate_certs']))
        return (FakeResponse(script) if status == 200 else None), {'status': status, 'msg': 'Not Found'}

    monkeypatch.setattr(urls, 'fetch_url', fetch_url)
    status = 200
    args = dict(region='cn-hangzhou', installer_url='https://m.example.com/l.sh', install_dir=install_dir, timeout=7,
                installer_checksum=hashlib.sha256(script).hexdigest())
    res = run_module(logtail_agent.main, args)
    assert not res.failed and res.data['installed_version'] == '1.8.0', res
    assert seen == [('https://m.example.com/l.sh', 7, True)]
    for status, info in ((404, {'status': 404, 'msg': 'Not Found'}), (500, {'status': 500})):
        monkeypatch.setattr(urls, 'fetch_url', lambda module, url, timeout, info=info: (FakeResponse(script), info))
        res = run_module(logtail_agent.main, dict(args, state='absent'))
        assert res.failed and res.msg == 'installer_url: download of https://m.example.com/l.sh failed: HTTP %d %s' % (
            status, info.get('msg', '')), res
        assert res.data['installer_url'] == 'https://m.example.com/l.sh'
    monkeypatch.setattr(urls, 'fetch_url', fetch_url)
    status = 200
    shutil.rmtree(install_dir)
    run_module(logtail_agent.main, dict(args, validate_certs='no', installer_checksum=None))
    assert seen[-1] == ('https://m.example.com/l.sh', 7, False)


def test_check_mode_diffs_and_defaults(tmp_path):
    install_dir = str(tmp_path / 'ilogtail')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', install_dir=install_dir), check_mode=True,
                     diff=True)
    assert res.changed and res.data['action'] == 'install' and res.data['install_mode'] == 'cn-hangzhou'
    assert res.data['installer_args'] == ['install', 'cn-hangzhou'] and res.data['installed_version'] is None
    assert res.data['diff'] == {'before': 'logtail: absent\n',
                                'after': 'logtail_version: whatever the installer ships\n',
                                'before_header': install_dir, 'after_header': install_dir}
    fake_install(install_dir, '1.8.0')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', install_dir=install_dir, version='1.8.0'),
                     check_mode=True, diff=True)
    assert res.data['changed'] is False and res.data['action'] == 'none' and res.data['installer_args'] == []
    assert res.data['diff'] == {'before': 'logtail_version: 1.8.0\n', 'after': 'logtail_version: 1.8.0\n',
                                'before_header': install_dir, 'after_header': install_dir}
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', install_dir=str(tmp_path / 'other'),
                                              flavor='loongcollector'), check_mode=True, diff=True)
    assert res.data['action'] == 'install' and res.data['installer_url'].endswith('/loongcollector.sh')
    assert res.data['diff']['before'] == 'loongcollector: absent\n'


def test_remove_runs_uninstall_and_checks_the_agent_is_gone(tmp_path, commands):
    url, _digest, install_dir = fake_installer(tmp_path)
    fake_install(install_dir, '1.8.0')
    init = init_script(tmp_path)
    args = dict(state='absent', region='cn-hangzhou', installer_url=url, install_dir=install_dir, init_script=init)
    res = run_module(logtail_agent.main, args, diff=True)
    assert not res.failed and res.changed and res.data['action'] == 'remove', res
    assert res.data['installer_args'] == ['uninstall'] and res.data['installed_version'] is None
    assert res.data['previous_version'] == '1.8.0' and init_calls(tmp_path) == [] and len(commands) == 1
    assert res.data['diff']['after'] == 'logtail: absent\n' and not os.path.exists(install_dir)
    url, _digest, install_dir = fake_installer(tmp_path, remove='true')
    fake_install(install_dir, '1.8.0')
    res = run_module(logtail_agent.main, dict(args, installer_url=url))
    assert res.failed and res.msg == 'logtail.sh uninstall finished but %s still holds an agent' % install_dir, res
    assert res.data['installed_version'] == '1.8.0' and res.data['action'] == 'remove'


def test_an_installer_that_brings_another_version_fails(tmp_path, clock):
    url, _digest, install_dir = fake_installer(tmp_path, extra='printf \'{"logtail_version": "1.9.0"}\' > %s' % (
        os.path.join(str(tmp_path), 'ilogtail', 'app_info.json')))
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir,
                                              version='1.8.0'))
    assert res.failed and res.msg == 'version: wanted 1.8.0 but the installer at %s installed 1.9.0' % url, res
    # It waited the whole start_timeout (60 s by default) for the agent to rewrite app_info.json.
    assert res.data['installed_version'] == '1.9.0' and clock.now == 60


def test_no_app_info_within_start_timeout(tmp_path, clock):
    url, _digest, install_dir = fake_installer(tmp_path, version='')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir))
    assert res.failed and res.msg == (
        'start_timeout/app_info_path: logtail.sh install finished but the agent wrote no app_info.json with a version '
        'within 60 seconds: it did not start (or app_info_path is wrong)'), res
    assert clock.now == 60 and res.data['installed_version'] is None
    app_info = str(tmp_path / 'run' / 'app_info.json')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir,
                                              app_info_path=app_info, start_timeout=5))
    assert res.msg.startswith('start_timeout/app_info_path: logtail.sh install finished but the agent wrote no %s '
                              'with a version within 5 seconds' % app_info), res


def test_the_version_is_read_from_app_info_path(tmp_path, clock):
    app_info = str(tmp_path / 'run' / 'app_info.json')
    url, _digest, install_dir = fake_installer(tmp_path, app_info=app_info)
    os.makedirs(os.path.dirname(app_info))
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir,
                                              app_info_path=app_info))
    assert not res.failed and res.data['installed_version'] == '1.8.0' and clock.sleeps == [], res


def test_wait_for_version_polls_every_half_second_until_the_deadline(tmp_path, clock, monkeypatch):
    install_dir = str(tmp_path / 'ilogtail')
    fake_install(install_dir, '1.7.1')
    # The wanted version never comes: what is there at the deadline, after polls every 0.5 s (the last one at it).
    assert logtail_agent_code.wait_for_version(install_dir, 'logtail', None, '1.8.0', 5) == (True, '1.7.1')
    assert clock.sleeps == [0.5] * 10
    # Any version will do: no wait.
    clock.sleeps[:] = []
    assert logtail_agent_code.wait_for_version(install_dir, 'logtail', None, None, 5) == (True, '1.7.1')
    assert logtail_agent_code.wait_for_version(install_dir, 'logtail', None, '1.7.1', 5) == (True, '1.7.1')
    assert clock.sleeps == []
    # The agent rewrites app_info.json while the module waits.
    clock.now = 0.0
    real_sleep = clock.sleep

    def sleep(seconds):
        real_sleep(seconds)
        if clock.now == 1.5:
            with open(os.path.join(install_dir, 'app_info.json'), 'w') as handle:
                handle.write('{"logtail_version": "1.8.0"}')

    monkeypatch.setattr(logtail_agent_code.time, 'sleep', sleep)
    assert logtail_agent_code.wait_for_version(install_dir, 'logtail', None, '1.8.0', 60) == (True, '1.8.0')
    assert clock.sleeps == [0.5] * 3


def test_choices_are_checked_by_the_argument_spec(tmp_path):
    base = dict(region='cn-hangzhou', install_dir=str(tmp_path / 'x'))
    for option, value, allowed in (('state', 'gone', 'present, absent'),
                                   ('flavor', 'Logtail', 'logtail, loongcollector'),
                                   ('network', 'vpc', 'intranet, internet, acceleration, auto')):
        res = run_module(logtail_agent.main, dict(base, **{option: value}), check_mode=True)
        assert res.failed and res.msg == 'value of %s must be one of: %s, got: %s' % (option, allowed, value), res


def test_paths_are_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    fake_install(str(tmp_path / 'agent'), '1.7.1')
    os.makedirs(str(tmp_path / 'run'))
    with open(str(tmp_path / 'run' / 'app_info.json'), 'w') as handle:
        handle.write('{"logtail_version": "2.0.0"}')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', install_dir='~/agent', version='2.0.0'),
                     check_mode=True, diff=True)
    assert res.data['previous_version'] == '1.7.1' and res.data['diff']['before_header'] == str(tmp_path / 'agent')
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', install_dir='~/agent', version='2.0.0',
                                              app_info_path='~/run/app_info.json'), check_mode=True)
    assert res.data['previous_version'] == '2.0.0' and res.data['action'] == 'none', res
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', install_dir='~/agent', init_script='~/run'),
                     check_mode=True)
    assert res.failed and res.msg == 'init_script: %s exists but is not an executable file' % (tmp_path / 'run'), res


@pytest.mark.parametrize('script, output', [
    ('echo only-out', 'only-out\n'), ('echo only-err >&2', 'only-err\n'), ('true', ''),
])
def test_installer_output_is_stdout_then_stderr_as_printed(tmp_path, script, output):
    install_dir = str(tmp_path / 'ilogtail')
    installer = tmp_path / 'logtail.sh'
    installer.write_text('%s\nmkdir -p %s && echo \'{"logtail_version": "1.8.0"}\' > %s/app_info.json\n'
                         % (script, install_dir, install_dir))
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url='file://%s' % installer,
                                              install_dir=install_dir))
    assert not res.failed and res.data['installer_output'] == output, res


def test_no_bash_no_run(tmp_path, monkeypatch):
    url, _digest, install_dir = fake_installer(tmp_path)
    real = basic.AnsibleModule.get_bin_path
    # bash is missing on this host, wherever the module looks for it.
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, name, required=False, opt_dirs=None: real(self, 'no-such-bash' if name == 'bash'
                                                                               else name, required, opt_dirs))
    res = run_module(logtail_agent.main, dict(region='cn-hangzhou', installer_url=url, install_dir=install_dir))
    assert res.failed and res.msg.startswith('Failed to find required executable "no-such-bash"'), res
    assert not os.path.exists(install_dir)


def test_check_mode_remove_of_loongcollector(tmp_path):
    install_dir = str(tmp_path / 'ilogtail')
    os.makedirs(install_dir)
    open(os.path.join(install_dir, 'loongcollector'), 'w').close()
    res = run_module(logtail_agent.main, dict(state='absent', flavor='loongcollector', region='cn-hangzhou',
                                              install_dir=install_dir), check_mode=True, diff=True)
    assert res.changed and res.data['action'] == 'remove', res
    assert res.data['diff'] == {'before': 'loongcollector_version: unknown (no app_info.json)\n',
                                'after': 'loongcollector: absent\n',
                                'before_header': install_dir, 'after_header': install_dir}


def test_removal_checks_app_info_path(tmp_path):
    # The uninstaller removed the install dir but not the app_info.json the agent was told to write elsewhere.
    url, _digest, install_dir = fake_installer(tmp_path)
    fake_install(install_dir, '1.8.0')
    app_info = tmp_path / 'run' / 'app_info.json'
    app_info.parent.mkdir()
    app_info.write_text('{"logtail_version": "1.8.0"}')
    res = run_module(logtail_agent.main, dict(state='absent', region='cn-hangzhou', installer_url=url,
                                              install_dir=install_dir, app_info_path=str(app_info)))
    assert res.failed and res.msg == 'logtail.sh uninstall finished but %s still holds an agent' % install_dir, res
    assert not os.path.exists(install_dir) and res.data['installed_version'] == '1.8.0'
