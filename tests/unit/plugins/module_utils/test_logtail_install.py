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


# -- issue 25: messages word for word, boundaries on both sides, defaults and precedence -----------------------------
REGION_MSG = 'region: expected an Alibaba Cloud region id such as cn-hangzhou, got %r'
URL_MSG = 'installer_url: expected an http(s) URL such as https://mirror.example.com/linux64/logtail.sh, got %r'
NETWORK_MSG = 'network: must be one of intranet, internet, acceleration, auto, got %r'


@pytest.mark.parametrize('region', ['cn-hangzhou', 'ap-southeast-1', 'cn-shanghai-finance-1', 'us-east-1',
                                    'eu-central-1'])
def test_check_region_accepts(region):
    assert li.check_region(region) == region


@pytest.mark.parametrize('region', ['hangzhou', 'c-hangzhou', 'cn-', 'cn-Hangzhou', 'cn_hangzhou', ' cn-hangzhou', 5,
                                    None])
def test_check_region_message(region):
    with pytest.raises(li.InstallError) as exc:
        li.check_region(region)
    assert str(exc.value) == REGION_MSG % (region,) and exc.value.option == 'region'


@pytest.mark.parametrize('url', ['ftp://h/a', 'http://', 'https://h', 'http:///linux64/logtail.sh', 'file://host/x',
                                 'file:', 'http://h/a b', 'http://h/a\tb', ' http://h/a', 'http://h/a\n'])
def test_installer_url_refused_word_for_word(url):
    with pytest.raises(li.InstallError) as exc:
        li.check_installer_url(url)
    assert str(exc.value) == URL_MSG % (url,) and exc.value.option == 'installer_url'


def test_installer_url_with_a_bad_port_quotes_the_parser():
    with pytest.raises(li.InstallError) as exc:
        li.check_installer_url('http://h:x/a')
    assert str(exc.value).startswith("installer_url: 'http://h:x/a' is not a valid URL (Port could not be cast")
    assert str(exc.value).endswith(')') and exc.value.option == 'installer_url'


@pytest.mark.parametrize('url', ['http://h/', 'https://h:443/x.sh', 'file:///x', 'http://h/a'])
def test_installer_url_boundaries_accepted(url):
    assert li.check_installer_url(url) == url


@pytest.mark.parametrize('version, wanted', [
    (None, None), ('', None), ('   ', None), ('\n', None), ('1.8.0', '1.8.0'), (' 1.8.0\n', '1.8.0'), ('1.8', '1.8'),
    ('1.2.3.4', '1.2.3.4'), ('0.16.40', '0.16.40'), ('1.8.0-rc.1', '1.8.0-rc.1'), ('10.20.30-beta', '10.20.30-beta'),
])
def test_check_version_accepts(version, wanted):
    assert li.check_version(version) == wanted


@pytest.mark.parametrize('version', ['1', '1.2.3.4.5', '--help', '-v', '1.8.0 x', 'v1.8.0', '1.8.', '1.8.0-', ' 1..8 '])
def test_check_version_refuses_quoting_what_was_given(version):
    with pytest.raises(li.InstallError) as exc:
        li.check_version(version)
    assert str(exc.value) == 'version: expected a version such as 1.8.0 or 3.0.1, got %r' % (version,)
    assert exc.value.option == 'version'


def agent_params(**changes):
    params = dict(flavor='logtail', installer_checksum=None, region='cn-hangzhou', network='intranet',
                  installer_url=None, timeout=300, start_timeout=60, version=None, install_dir=None,
                  app_info_path=None, init_script=None)
    params.update(changes)
    return params


def test_check_agent_options_defaults_from_the_flavour():
    assert li.check_agent_options(agent_params()) == {
        'facts': li.FLAVORS['logtail'], 'checksum': None, 'mode': 'cn-hangzhou',
        'url': 'http://logtail-release-cn-hangzhou.oss-cn-hangzhou-internal.aliyuncs.com/linux64/logtail.sh',
        'wanted': None, 'install_dir': '/usr/local/ilogtail', 'app_info_path': None,
        'init_script': '/etc/init.d/ilogtaild'}
    checked = li.check_agent_options(agent_params(flavor='loongcollector', network='internet'))
    assert checked['facts'] is li.FLAVORS['loongcollector'] and checked['init_script'] == '/etc/init.d/loongcollectord'
    assert checked['mode'] == 'cn-hangzhou-internet' and checked['url'] == (
        'http://aliyun-observability-release-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/loongcollector/linux64/latest/'
        'loongcollector.sh')


def test_check_agent_options_given_values_win(tmp_path):
    init = tmp_path / 'init'
    init.write_text('#!/bin/sh\n')
    init.chmod(0o755)
    checked = li.check_agent_options(agent_params(
        installer_checksum='SHA256:' + HEX.upper(), installer_url='https://m.example.com/logtail.sh', version=' 1.8.0 ',
        install_dir='/opt/agent', app_info_path='/opt/agent/run/app_info.json', init_script=str(init),
        network='acceleration', timeout=1, start_timeout=1))
    assert checked == {
        'facts': li.FLAVORS['logtail'], 'checksum': HEX, 'mode': 'cn-hangzhou-acceleration',
        'url': 'https://m.example.com/logtail.sh', 'wanted': '1.8.0', 'install_dir': '/opt/agent',
        'app_info_path': '/opt/agent/run/app_info.json', 'init_script': str(init)}


def test_check_agent_options_without_region():
    checked = li.check_agent_options(agent_params(region=None, network='auto', installer_url='http://m/l.sh'))
    assert checked['mode'] == 'auto' and checked['url'] == 'http://m/l.sh'
    with pytest.raises(li.InstallError) as exc:
        li.check_agent_options(agent_params(region=None, network='auto'))
    assert str(exc.value) == 'region: required unless installer_url is set' and exc.value.option == 'region'
    # A region given beside a mirror is still checked.
    with pytest.raises(li.InstallError) as exc:
        li.check_agent_options(agent_params(region='Hangzhou', network='auto', installer_url='http://m/l.sh'))
    assert str(exc.value) == REGION_MSG % 'Hangzhou'


@pytest.mark.parametrize('field', ['timeout', 'start_timeout'])
@pytest.mark.parametrize('value', [0, -1])
def test_check_agent_options_timeouts_must_be_positive(field, value):
    with pytest.raises(li.InstallError) as exc:
        li.check_agent_options(agent_params(**{field: value}))
    assert str(exc.value) == '%s: must be a positive number of seconds, got %d' % (field, value)
    assert exc.value.option == field


def test_check_agent_options_checks_in_order():
    # The flavour first, then the checksum, then the region: the first bad option is the one named.
    with pytest.raises(li.InstallError, match='^flavor: '):
        li.check_agent_options(agent_params(flavor='x', installer_checksum='md5:1', region='X'))
    with pytest.raises(li.InstallError, match='^installer_checksum: '):
        li.check_agent_options(agent_params(installer_checksum='md5:1', region='X', timeout=0))
    with pytest.raises(li.InstallError, match='^installer_url: '):
        li.check_agent_options(agent_params(installer_url='ftp://m/x', timeout=0))


def test_check_init_script(tmp_path):
    missing = str(tmp_path / 'missing')
    assert li.check_init_script(missing) == missing  # skipped at run time, as documented
    script = tmp_path / 'ilogtaild'
    script.write_text('#!/bin/sh\n')
    script.chmod(0o644)
    dangling = tmp_path / 'dangling'
    dangling.symlink_to(tmp_path / 'nowhere')
    for path in (str(tmp_path), str(script), str(dangling)):
        with pytest.raises(li.InstallError) as exc:
            li.check_init_script(path)
        assert str(exc.value) == 'init_script: %s exists but is not an executable file' % path
        assert exc.value.option == 'init_script'
    script.chmod(0o700)
    assert li.check_init_script(str(script)) == str(script)


def test_flavor_facts():
    assert li.flavor_facts('loongcollector') is li.FLAVORS['loongcollector']
    with pytest.raises(li.InstallError) as exc:
        li.flavor_facts('Logtail')
    assert str(exc.value) == "flavor: must be one of logtail, loongcollector, got 'Logtail'"
    assert exc.value.option == 'flavor'


def test_network_messages_word_for_word():
    for call in (lambda: li.installer_url('cn-hangzhou', 'vpc'), lambda: li.install_mode('cn-hangzhou', 'vpc')):
        with pytest.raises(li.InstallError) as exc:
            call()
        assert str(exc.value) == NETWORK_MSG % 'vpc' and exc.value.option == 'network'


def test_installer_args_without_a_version():
    assert li.installer_args('install', 'auto') == ['install', 'auto']
    assert li.installer_args('upgrade', 'auto', '') == ['upgrade']


def test_parse_checksum_messages():
    with pytest.raises(li.InstallError) as exc:
        li.parse_checksum(' MD5:' + HEX)
    assert str(exc.value) == "installer_checksum: only sha256 is supported, got 'md5'"
    for value in ('sha256:1234', 'SHA256:' + HEX + '0', 'sha256:sha256:' + HEX):
        with pytest.raises(li.InstallError) as exc:
            li.parse_checksum(value)
        assert str(exc.value) == 'installer_checksum: expected sha256:<64 hex digits>, got %r' % value
        assert exc.value.option == 'installer_checksum'


@pytest.mark.parametrize('text, version', [
    ('{"logtail_version": "  1.8.0  "}', '1.8.0'),
    ('{"ilogtail_version": " ", "logtail_version": "1.7.1"}', '1.7.1'),
    ('{"ilogtail_version": null, "logtail_version": "1.7.1"}', '1.7.1'),
    ('{"ilogtail_version": 0, "logtail_version": "1.7.1"}', '1.7.1'),
    ('{"ilogtail_version": "2.1.5 build 7", "logtail_version": "1.7.1"}', '2.1.5'),
    ('"1.8.0"', None), ('5', None), ('', None),
])
def test_parse_app_info_values(text, version):
    assert li.parse_app_info(text) == version


def test_read_installed_version_app_info_path_and_unreadable_files(tmp_path):
    # app_info.json alone says installed, without the binary; broken JSON is an install of unknown version.
    (tmp_path / 'app_info.json').write_text('{"logtail_version": "1.7.1"}')
    assert li.read_installed_version(str(tmp_path)) == (True, '1.7.1')
    (tmp_path / 'app_info.json').write_text('{broken')
    assert li.read_installed_version(str(tmp_path)) == (True, None)
    # A given app_info_path wins over the install dir's file; missing, the binary decides.
    other = tmp_path / 'other.json'
    assert li.read_installed_version(str(tmp_path), 'logtail', str(other)) == (False, None)
    other.write_text('{"ilogtail_version": "2.0.0"}')
    assert li.read_installed_version(str(tmp_path), 'logtail', str(other)) == (True, '2.0.0')
    # A directory where app_info.json should be cannot be read: the binary decides.
    (tmp_path / 'app_info.json').unlink()
    (tmp_path / 'app_info.json').mkdir()
    assert li.read_installed_version(str(tmp_path)) == (False, None)
    (tmp_path / 'ilogtail').write_text('')
    assert li.read_installed_version(str(tmp_path)) == (True, None)


def test_version_summary_word_for_word():
    assert li.version_summary(True, None) == 'logtail_version: unknown (no app_info.json)\n'
    assert li.version_summary(False, '1.8.0', 'loongcollector') == 'loongcollector: absent\n'
    assert li.version_summary(True, '3.0.1', 'loongcollector') == 'loongcollector_version: 3.0.1\n'
