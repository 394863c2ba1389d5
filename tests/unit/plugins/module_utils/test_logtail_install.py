import json

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import logtail_install as li


@pytest.mark.parametrize('network, url', [
    ('intranet', 'http://logtail-release-cn-hangzhou.oss-cn-hangzhou-internal.aliyuncs.com/linux64/logtail.sh'),
    ('internet', 'http://logtail-release-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/linux64/logtail.sh'),
    ('acceleration', 'http://logtail-release-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/linux64/logtail.sh'),
    ('auto', 'http://logtail-release-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/linux64/logtail.sh'),
])
def test_installer_url_per_network(network, url):
    assert li.installer_url('cn-hangzhou', network) == url


def test_installer_url_multi_part_region():
    assert li.installer_url('ap-southeast-1', 'intranet') == (
        'http://logtail-release-ap-southeast-1.oss-ap-southeast-1-internal.aliyuncs.com/linux64/logtail.sh')


@pytest.mark.parametrize('region', ['', None, 'hangzhou', 'CN-HANGZHOU', 'cn-hangzhou/../x', 'cn hangzhou'])
def test_bad_region_names_the_field(region):
    with pytest.raises(li.InstallError) as exc:
        li.installer_url(region, 'intranet')
    assert exc.value.option == 'region'
    assert str(exc.value).startswith('region:')


def test_bad_network_names_the_field():
    with pytest.raises(li.InstallError, match='^network:'):
        li.installer_url('cn-hangzhou', 'vpc')
    with pytest.raises(li.InstallError, match='^network:'):
        li.install_mode('cn-hangzhou', 'vpc')


@pytest.mark.parametrize('network, mode', [
    ('intranet', 'cn-beijing'), ('internet', 'cn-beijing-internet'),
    ('acceleration', 'cn-beijing-acceleration'), ('auto', 'auto'),
])
def test_install_mode(network, mode):
    assert li.install_mode('cn-beijing', network) == mode


def test_auto_mode_needs_no_region():
    assert li.install_mode(None, 'auto') == 'auto'
    with pytest.raises(li.InstallError, match='^region:'):
        li.install_mode(None, 'internet')


HEX = 'ab' * 32


@pytest.mark.parametrize('value', [HEX, 'sha256:' + HEX, 'SHA256:' + HEX.upper(), '  %s\n' % HEX])
def test_parse_checksum_forms(value):
    assert li.parse_checksum(value) == HEX


@pytest.mark.parametrize('value', ['md5:' + HEX, HEX[:-1], HEX + 'a', 'sha256:' + 'zz' * 32, ''])
def test_parse_checksum_rejects(value):
    with pytest.raises(li.InstallError) as exc:
        li.parse_checksum(value)
    assert exc.value.option == 'installer_checksum'


def test_parse_checksum_none():
    assert li.parse_checksum(None) is None


def test_parse_app_info():
    assert li.parse_app_info(json.dumps({'logtail_version': '1.8.0', 'os': 'Linux'})) == '1.8.0'
    # The commercial build's key (corporate builds write ilogtail_version); it wins over the old one.
    assert li.parse_app_info('{"ilogtail_version": "2.1.5"}') == '2.1.5'
    assert li.parse_app_info('{"logtail_version": "0.16.40", "ilogtail_version": "2.1.5"}') == '2.1.5'
    assert li.parse_app_info('{"loongcollector_version": "3.0.1"}') is None  # not Logtail's key
    assert li.parse_app_info('{"logtail_version": 0.16}') == '0.16'
    assert li.parse_app_info('{"os": "Linux"}') is None
    assert li.parse_app_info('{"logtail_version": ""}') is None
    assert li.parse_app_info('{broken') is None
    assert li.parse_app_info('[1, 2]') is None


def test_read_installed_version(tmp_path):
    assert li.read_installed_version(str(tmp_path / 'nothing')) == (False, None)
    (tmp_path / 'ilogtail').write_text('binary')
    assert li.read_installed_version(str(tmp_path)) == (True, None)
    (tmp_path / 'app_info.json').write_text('{"logtail_version": "1.7.1"}')
    assert li.read_installed_version(str(tmp_path)) == (True, '1.7.1')


@pytest.mark.parametrize('state, wanted, installed, version, action', [
    ('present', None, False, None, 'install'),
    ('present', '1.8.0', False, None, 'install'),
    ('present', None, True, '1.7.1', 'none'),
    ('present', '1.8.0', True, '1.8.0', 'none'),
    ('present', '1.8.0', True, '1.7.1', 'upgrade'),
    ('present', '1.7.1', True, '1.8.0', 'upgrade'),
    ('present', '1.8.0', True, None, 'upgrade'),
    # app_info.json appears only once the agent has run: an installed agent without it is fine.
    ('present', None, True, None, 'none'),
    ('absent', None, True, '1.8.0', 'remove'),
    ('absent', '1.8.0', True, None, 'remove'),
    ('absent', None, False, None, 'none'),
])
def test_decide_action(state, wanted, installed, version, action):
    assert li.decide_action(state, wanted, installed, version) == action


def test_version_summary():
    assert li.version_summary(False, None) == 'logtail: absent\n'
    assert li.version_summary(True, '1.8.0') == 'logtail_version: 1.8.0\n'
    assert 'unknown' in li.version_summary(True, None)


@pytest.mark.parametrize('url', ['not a url', 'http://[::1', 'http://h:x/a', 'ftp://h/a', 'http://', 'file://host/x',
                                 'http://h/a b'])
def test_installer_url_refused_naming_the_field(url):
    with pytest.raises(li.InstallError, match="^installer_url: "):
        li.check_installer_url(url)


def test_installer_url_accepted():
    for url in ('http://127.0.0.1:8080/linux64/logtail.sh', 'https://m.example.com/a', 'file:///tmp/logtail.sh'):
        assert li.check_installer_url(url) == url


def test_app_info_that_is_not_utf8_is_a_broken_install(tmp_path):
    (tmp_path / 'app_info.json').write_bytes(b'\x80{"logtail_version": "1.0"')
    assert li.read_installed_version(str(tmp_path)) == (True, None)


def test_loongcollector_installer_url_and_unknown_flavour():
    assert li.installer_url('cn-hangzhou', 'intranet', 'loongcollector') == (
        'http://aliyun-observability-release-cn-hangzhou.oss-cn-hangzhou-internal.aliyuncs.com/loongcollector/'
        'linux64/latest/loongcollector.sh')
    with pytest.raises(li.InstallError, match='^flavor: must be one of logtail, loongcollector'):
        li.installer_url('cn-hangzhou', 'intranet', 'fluentbit')


@pytest.mark.parametrize('action, version, args', [
    ('install', None, ['install', 'cn-hangzhou']),
    ('install', '1.8.0', ['install', 'cn-hangzhou', '-v', '1.8.0']),
    # upgrade keeps the agent's configuration; install would overwrite it
    ('upgrade', None, ['upgrade']),
    ('upgrade', '2.0.0', ['upgrade', '-v', '2.0.0']),
    ('remove', '2.0.0', ['uninstall']),
])
def test_installer_args(action, version, args):
    assert li.installer_args(action, 'cn-hangzhou', version) == args


def test_loongcollector_app_info():
    keys = li.FLAVORS['loongcollector']['version_keys']
    assert li.parse_app_info('{"loongcollector_version": "3.0.1"}', keys) == '3.0.1'
    assert li.parse_app_info('{"loongcollector_version": "3.0.1 Community Edition"}', keys) == '3.0.1'
    assert li.parse_app_info('{"loongcollector_version": "3.0.1"}') is None  # not Logtail's key


def test_read_installed_version_of_loongcollector(tmp_path):
    (tmp_path / 'loongcollector').write_text('')
    assert li.read_installed_version(str(tmp_path), 'loongcollector') == (True, None)
    assert li.read_installed_version(str(tmp_path), 'logtail') == (False, None)
    (tmp_path / 'run').mkdir()
    (tmp_path / 'run' / 'app_info.json').write_text('{"loongcollector_version": "3.0.1"}')
    assert li.read_installed_version(str(tmp_path), 'loongcollector', str(tmp_path / 'run' / 'app_info.json')) == (
        True, '3.0.1')
