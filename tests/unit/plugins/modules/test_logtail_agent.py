import os
import socket

import yaml

from ansible_collections.alicloud_ops.logging.plugins.modules import logtail_agent
from tests.logtail_standin.fixtures import logtail_mirror, standin_root  # noqa: F401
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
