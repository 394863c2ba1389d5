"""The TEST STAND-IN installers themselves: bash only, modes, vendor units, install/upgrade/-v, uninstall.

Molecule scenarios and the demo rely on them behaving like the real logtail.sh and loongcollector.sh
(at least as strictly), so they are tested too.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.logtail_standin.fixtures import logtail_mirror, pid_alive, pidfiles, standin_root  # noqa: F401

FLAVORS = {  # flavour -> (installer, init script, pid file of a version, version key, main config)
    'logtail': ('logtail.sh', 'ilogtaild', 'ilogtail_{}.pid', 'ilogtail_version', 'ilogtail_config.json'),
    'loongcollector': ('loongcollector.sh', 'loongcollectord', 'run/loongcollector_{}.pid', 'loongcollector_version',
                       'conf/instance_config/local/loongcollector_config.json'),
}
HOME = 'usr/local/ilogtail'


def installer(mirror, tmp_path, flavor='logtail'):
    path = tmp_path / FLAVORS[flavor][0]
    with urllib.request.urlopen(mirror.installer_url_for(flavor)) as response:
        path.write_bytes(response.read())
    return str(path)


def run(shell, script, *args, root, start=None):
    env = dict(os.environ, LOGTAIL_STANDIN_ROOT=str(root))
    if start is not None:
        env['LOGTAIL_STANDIN_START'] = start
    return subprocess.run([shell, script] + list(args), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)


def bash(script, *args, **kwargs):
    return run('bash', script, *args, **kwargs)


def app_info(root, flavor, key=None):
    """The version the started agent reports (or all it writes); it writes the file a moment after its init
    script returns."""
    path = root / HOME / 'app_info.json'
    for _ in range(100):
        if path.exists() and path.read_text():
            break
        time.sleep(0.1)
    info = json.loads(path.read_text())
    return info if key == 'all' else info[FLAVORS[flavor][3]]


@pytest.mark.parametrize('flavor', sorted(FLAVORS))
def test_installer_needs_bash_as_the_real_one_does(flavor, tmp_path, logtail_mirror, standin_root):  # noqa: F811
    """The seed's `sh logtail.sh` fails under Debian's sh (dash) before touching anything; bash works."""
    dash = shutil.which('dash')
    assert dash, 'dash (Debian\'s /bin/sh) is needed to show the old invocation fails'
    logtail_mirror.publish('1.8.0')
    script = installer(logtail_mirror, tmp_path, flavor)
    old = run(dash, script, 'install', 'cn-hangzhou', root=standin_root)
    assert old.returncode != 0 and 'installed' not in old.stdout, old.stdout
    assert os.listdir(str(standin_root)) == []
    new = bash(script, 'install', 'cn-hangzhou', root=standin_root)
    assert new.returncode == 0, new.stdout
    assert (standin_root / HOME / FLAVORS[flavor][4]).is_file()


@pytest.mark.parametrize('mode, cluster, endpoint', [
    ('cn-beijing', 'cn-beijing', 'cn-beijing-intranet.log.aliyuncs.com'),
    ('cn-beijing-internet', 'cn-beijing', 'cn-beijing.log.aliyuncs.com'),
    ('ap-southeast-1-acceleration', 'ap-southeast-1', 'log-global.aliyuncs.com'),
    ('auto', 'cn-hangzhou', 'cn-hangzhou.log.aliyuncs.com'),
])
def test_install_modes_write_the_real_config_keys(mode, cluster, endpoint, tmp_path, logtail_mirror, standin_root):  # noqa: F811
    logtail_mirror.publish('1.8.0')
    done = bash(installer(logtail_mirror, tmp_path), 'install', mode, root=standin_root)
    assert done.returncode == 0, done.stdout
    config = json.loads((standin_root / HOME / 'ilogtail_config.json').read_text())
    assert config['data_server_list'] == [{'cluster': cluster, 'endpoint': endpoint}]
    assert config['config_server_address'] == 'http://logtail.' + endpoint
    assert config['streamlog_open'] is False
    for key in ('cpu_usage_limit', 'mem_usage_limit', 'max_bytes_per_sec', 'streamlog_tcp_addr', 'streamlog_formats'):
        assert key in config


@pytest.mark.parametrize('args', [('install', 'Hangzhou'), ('install',), ('frobnicate',), ('upgrade',),
                                  ('install', 'cn-hangzhou', '-v', '9.9.9')])
def test_bad_arguments_fail_before_touching_anything(args, tmp_path, logtail_mirror, standin_root):  # noqa: F811
    logtail_mirror.publish('1.8.0')
    done = bash(installer(logtail_mirror, tmp_path), *args, root=standin_root)
    assert done.returncode != 0 and 'logtail.sh: error' in done.stdout
    assert os.listdir(str(standin_root)) == [], done.stdout


def test_unbuilt_script_refuses_to_run(standin_root):  # noqa: F811
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))),
                        'logtail_standin', 'logtail.sh')
    done = bash(here, 'install', 'cn-hangzhou', root=standin_root)
    assert done.returncode != 0 and 'no mirror URL baked in' in done.stdout


@pytest.mark.parametrize('flavor', sorted(FLAVORS))
def test_vendor_units_and_no_app_info_until_the_agent_starts(flavor, tmp_path, logtail_mirror, standin_root):  # noqa: F811
    logtail_mirror.publish('1.8.0')
    assert bash(installer(logtail_mirror, tmp_path, flavor), 'install', 'cn-hangzhou', root=standin_root).returncode == 0
    service = FLAVORS[flavor][1]
    unit = (standin_root / 'etc/systemd/system' / (service + '.service')).read_text()
    assert 'Type=oneshot' in unit and 'After=cloud-init.service' in unit
    assert 'ExecStart=/etc/init.d/%s start' % service in unit
    assert (standin_root / 'etc/systemd/system/ilogtaild.service').exists()  # loongcollector's wrapper too
    assert not (standin_root / HOME / 'app_info.json').exists()
    init = str(standin_root / 'etc/init.d' / service)
    assert subprocess.run([init, 'start'], stdout=subprocess.PIPE).returncode == 0
    info = app_info(standin_root, flavor, 'all')
    # As core/application/Application.cpp writes it; the commercial Logtail is a corporate build.
    assert info[FLAVORS[flavor][3]] == '1.8.0' and 'logtail_version' not in info
    assert info['hostname'] == socket.gethostname() and info['ip']
    assert re.match(r'^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$', info['UUID'])
    assert re.match(r'^[0-9A-F-]{36}_%s_\d{10}$' % re.escape(info['ip']), info['instance_id'])
    assert info['os'].startswith('Linux; ') and info['os'].count('; ') == 3
    # The pid file carries the version, as on real installs.
    home = standin_root / HOME
    assert pidfiles(home) == [str(home / FLAVORS[flavor][2].format('1.8.0'))]


@pytest.mark.parametrize('flavor', sorted(FLAVORS))
def test_upgrade_keeps_config_and_pins_with_v(flavor, tmp_path, logtail_mirror, standin_root):  # noqa: F811
    logtail_mirror.publish('1.8.0')
    logtail_mirror.publish('1.9.0')
    script = installer(logtail_mirror, tmp_path, flavor)
    done = bash(script, 'install', 'cn-hangzhou', '-v', '1.8.0', root=standin_root, start='1')
    assert done.returncode == 0, done.stdout
    assert app_info(standin_root, flavor) == '1.8.0'
    config = standin_root / HOME / FLAVORS[flavor][4]
    config.write_text('{"mine": true}')
    home = standin_root / HOME
    pidfile = home / FLAVORS[flavor][2].format('1.8.0')
    first_pid = int(pidfile.read_text())

    done = bash(script, 'upgrade', root=standin_root, start='1')
    assert done.returncode == 0 and 'stopped' in done.stdout, done.stdout
    assert app_info(standin_root, flavor) == '1.9.0'
    assert config.read_text() == '{"mine": true}'
    # The new version's pid file replaces the old one's.
    assert pidfiles(home) == [str(home / FLAVORS[flavor][2].format('1.9.0'))]
    assert not pid_alive(first_pid) and pid_alive(int(open(pidfiles(home)[0]).read()))

    done = bash(script, 'upgrade', '-v', '1.8.0', root=standin_root, start='1')
    assert done.returncode == 0 and app_info(standin_root, flavor) == '1.8.0'

    assert pidfiles(home) == [str(pidfile)]
    second_pid = int(pidfile.read_text())
    done = bash(script, 'uninstall', root=standin_root)
    assert done.returncode == 0, done.stdout
    assert not pid_alive(second_pid)
    assert not (standin_root / 'etc/init.d' / FLAVORS[flavor][1]).exists() and not (standin_root / HOME).exists()
    assert not os.listdir(str(standin_root / 'etc/systemd/system'))
    assert (standin_root / 'etc/ilogtail').is_dir()  # machine identity survives, as with the real one


def test_teardown_stops_an_agent_the_pidfile_does_not_name(tmp_path):
    """stop_standin_agent also finds a process running from the install directory without a (current) pidfile."""
    from tests.logtail_standin.fixtures import processes_under, stop_standin_agent
    root = tmp_path / 'root'
    home = root / HOME
    home.mkdir(parents=True)
    program = home / 'loongcollector'
    program.write_text('import time\ntime.sleep(60)\n')
    other = subprocess.Popen(['python3', '-c', 'import time; time.sleep(60)'])
    agent = subprocess.Popen(['python3', str(program), '--home', str(home)])
    try:
        # The premise: the agent shows as running from the install directory (under heavy load its command line
        # was once not readable yet when the teardown looked).
        deadline = time.time() + 10
        while agent.pid not in processes_under(str(home)) and time.time() < deadline:
            time.sleep(0.05)
        assert agent.pid in processes_under(str(home))
        stop_standin_agent(str(root))
        assert agent.wait(timeout=10) is not None
        assert other.poll() is None, 'a process from elsewhere was stopped'
    finally:
        for proc in (agent, other):
            proc.kill()
            proc.wait()


def test_pidfiles_are_found_whatever_version_wrote_them(tmp_path):
    (tmp_path / 'run').mkdir()
    for name in ('ilogtail_0.16.40.pid', 'run/loongcollector_3.0.1.pid', 'loongcollector_3.0.1.pid',
                 'ilogtail_config.json', 'other.pid', 'run/ilogtail_1.0.pid'):
        (tmp_path / name).write_text('1')
    assert pidfiles(tmp_path) == sorted(str(tmp_path / name) for name in (
        'ilogtail_0.16.40.pid', 'loongcollector_3.0.1.pid', 'run/loongcollector_3.0.1.pid'))
