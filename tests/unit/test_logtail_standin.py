"""The TEST STAND-IN installer itself: modes, init script, upgrade of a running agent, uninstall.

Molecule scenarios and the demo rely on it behaving like the real logtail.sh, so it is tested too.
"""
import json
import os
import subprocess
import urllib.request

import pytest

from tests.logtail_standin.fixtures import logtail_mirror, pid_alive, standin_root  # noqa: F401


def installer(mirror, tmp_path):
    path = tmp_path / 'logtail.sh'
    with urllib.request.urlopen(mirror.installer_url) as response:
        path.write_bytes(response.read())
    return str(path)


def sh(script, *args, root, start=None):
    env = dict(os.environ, LOGTAIL_STANDIN_ROOT=str(root))
    if start is not None:
        env['LOGTAIL_STANDIN_START'] = start
    return subprocess.run(['sh', script] + list(args), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)


@pytest.mark.parametrize('mode, cluster, endpoint', [
    ('cn-beijing', 'cn-beijing', 'cn-beijing-intranet.log.aliyuncs.com'),
    ('cn-beijing-internet', 'cn-beijing', 'cn-beijing.log.aliyuncs.com'),
    ('ap-southeast-1-acceleration', 'ap-southeast-1', 'log-global.aliyuncs.com'),
    ('auto', 'cn-hangzhou', 'cn-hangzhou.log.aliyuncs.com'),
])
def test_install_modes_write_the_real_config_keys(mode, cluster, endpoint, tmp_path, logtail_mirror, standin_root):  # noqa: F811
    logtail_mirror.publish('1.8.0')
    done = sh(installer(logtail_mirror, tmp_path), 'install', mode, root=standin_root)
    assert done.returncode == 0, done.stdout
    config = json.loads((standin_root / 'usr/local/ilogtail/ilogtail_config.json').read_text())
    assert config['data_server_list'] == [{'cluster': cluster, 'endpoint': endpoint}]
    assert config['config_server_address'] == 'http://logtail.' + endpoint
    assert config['streamlog_open'] is False
    for key in ('cpu_usage_limit', 'mem_usage_limit', 'max_bytes_per_sec', 'streamlog_tcp_addr', 'streamlog_formats'):
        assert key in config


@pytest.mark.parametrize('args', [('install', 'Hangzhou'), ('install',), ('frobnicate',)])
def test_bad_arguments_fail_before_touching_anything(args, tmp_path, logtail_mirror, standin_root):  # noqa: F811
    logtail_mirror.publish('1.8.0')
    done = sh(installer(logtail_mirror, tmp_path), *args, root=standin_root)
    assert done.returncode != 0 and 'logtail.sh: error' in done.stdout
    assert os.listdir(str(standin_root)) == []


def test_unbuilt_script_refuses_to_run(standin_root):  # noqa: F811
    here = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'logtail_standin', 'logtail.sh')
    done = sh(here, 'install', 'cn-hangzhou', root=standin_root)
    assert done.returncode != 0 and 'no mirror URL baked in' in done.stdout


def test_init_script_and_upgrade_of_a_running_agent(tmp_path, logtail_mirror, standin_root):  # noqa: F811
    logtail_mirror.publish('1.8.0')
    script = installer(logtail_mirror, tmp_path)
    assert sh(script, 'install', 'cn-hangzhou', root=standin_root, start='1').returncode == 0
    init = str(standin_root / 'etc/init.d/ilogtaild')
    pidfile = standin_root / 'usr/local/ilogtail/ilogtail.pid'
    status = subprocess.run([init, 'status'], stdout=subprocess.PIPE, universal_newlines=True)
    assert status.returncode == 0 and 'running' in status.stdout
    first_pid = int(pidfile.read_text())
    assert pid_alive(first_pid)

    logtail_mirror.publish('1.9.0')
    done = sh(script, 'install', 'cn-hangzhou', root=standin_root, start='1')
    assert done.returncode == 0 and 'ilogtail stopped' in done.stdout, done.stdout
    assert json.loads((standin_root / 'usr/local/ilogtail/app_info.json').read_text())['logtail_version'] == '1.9.0'
    second_pid = int(pidfile.read_text())
    assert second_pid != first_pid
    assert not pid_alive(first_pid)

    done = sh(script, 'uninstall', root=standin_root)
    assert done.returncode == 0, done.stdout
    assert not pid_alive(second_pid)
    assert not os.path.exists(init) and not (standin_root / 'usr/local/ilogtail').exists()
    assert (standin_root / 'etc/ilogtail').is_dir()  # machine identity survives, as with the real one
