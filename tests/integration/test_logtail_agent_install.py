"""logtail_agent through ansible-runner against the TEST STAND-IN installer served on 127.0.0.1.

The installer runs with LOGTAIL_STANDIN_ROOT (passed through the play's ``environment:``) so it
installs under a temp root and, as on a host without an init system, does not start the agent;
the module then starts it with the (rooted) init script, since only a running agent writes
app_info.json. The standin_root fixture stops it.
"""
import json
import os
import socket
import time

from tests.logtail_standin.fixtures import logtail_mirror, pidfiles, standin_root  # noqa: F401
from tests.integration.logtail_play_helpers import run_playbook, task_result


def agent_play(root, mirror, **options):
    args = dict(region='cn-hangzhou', network='intranet', installer_url=mirror.installer_url,
                install_dir=str(root / 'usr' / 'local' / 'ilogtail'),
                init_script=str(root / 'etc' / 'init.d' / 'ilogtaild'), start_timeout=15)
    args.update(options)
    return [{
        'hosts': 'localhost', 'gather_facts': False,
        'environment': {'LOGTAIL_STANDIN_ROOT': str(root)},
        'tasks': [{'name': 'logtail agent', 'alicloud_ops.logging.logtail_agent': args, 'register': 'agent'}],
    }]


def agent_result(run, event='runner_on_ok'):
    return task_result(run, 'logtail agent', event)


def installed_version(root):
    with open(str(root / 'usr' / 'local' / 'ilogtail' / 'app_info.json')) as handle:
        return json.load(handle)['ilogtail_version']  # the commercial build's key


def install(tmp_path, root, mirror, version):
    checksum = mirror.publish(version)
    run = run_playbook(tmp_path, agent_play(root, mirror, version=version, installer_checksum='sha256:' + checksum))
    assert run.rc == 0 and run.changed == 1, run.stdout
    return run


def test_fresh_install(tmp_path, standin_root, logtail_mirror):  # noqa: F811
    run = install(tmp_path, standin_root, logtail_mirror, '1.8.0')
    res = agent_result(run)
    assert res['action'] == 'install' and res['installed_version'] == '1.8.0' and res['previous_version'] is None
    assert res['install_mode'] == 'cn-hangzhou'
    assert installed_version(standin_root) == '1.8.0'
    home = standin_root / 'usr' / 'local' / 'ilogtail'
    assert os.access(str(home / 'ilogtail'), os.X_OK)
    assert os.access(str(standin_root / 'etc' / 'init.d' / 'ilogtaild'), os.X_OK)
    config = json.loads((home / 'ilogtail_config.json').read_text())
    assert config['streamlog_open'] is False and config['streamlog_tcp_port'] == 11111
    assert config['data_server_list'][0]['endpoint'] == 'cn-hangzhou-intranet.log.aliyuncs.com'
    # The installer could not start it; the module did. Its PID file is named after the version.
    assert pidfiles(str(home)) == [str(home / 'ilogtail_1.8.0.pid')]
    assert logtail_mirror.requests[logtail_mirror.package_path('logtail', '1.8.0')] == 1


def test_checksum_mismatch_runs_nothing(tmp_path, standin_root, logtail_mirror):  # noqa: F811
    logtail_mirror.publish('1.8.0')
    run = run_playbook(tmp_path, agent_play(standin_root, logtail_mirror, installer_checksum='sha256:' + 'a' * 64))
    assert run.rc != 0 and run.failed == 1
    res = agent_result(run, 'runner_on_failed')
    assert res['msg'].startswith('installer_checksum: mismatch for %s' % logtail_mirror.installer_url)
    assert 'the installer was not run' in res['msg']
    assert logtail_mirror.requests['/linux64/logtail.sh'] == 1
    assert not [path for path in logtail_mirror.requests if '/packages/' in path]
    assert os.listdir(str(standin_root)) == []


def test_same_version_downloads_nothing(tmp_path, standin_root, logtail_mirror):  # noqa: F811
    install(tmp_path, standin_root, logtail_mirror, '1.8.0')
    logtail_mirror.reset_counts()
    before = (standin_root / 'usr' / 'local' / 'ilogtail' / 'ilogtail_config.json').stat().st_mtime_ns
    run = run_playbook(tmp_path, agent_play(standin_root, logtail_mirror, version='1.8.0'))
    assert run.rc == 0 and run.changed == 0, run.stdout
    assert agent_result(run)['action'] == 'none'
    assert sum(logtail_mirror.requests.values()) == 0
    assert (standin_root / 'usr' / 'local' / 'ilogtail' / 'ilogtail_config.json').stat().st_mtime_ns == before


def test_upgrade_check_mode_then_real(tmp_path, standin_root, logtail_mirror):  # noqa: F811
    install(tmp_path, standin_root, logtail_mirror, '1.8.0')
    checksum = logtail_mirror.publish('1.9.0')
    logtail_mirror.reset_counts()
    play = agent_play(standin_root, logtail_mirror, version='1.9.0', installer_checksum='sha256:' + checksum)
    check = run_playbook(tmp_path, play, check=True, diff=True)
    assert check.rc == 0 and check.changed == 1
    assert agent_result(check)['action'] == 'upgrade'
    assert 'logtail_version: 1.9.0' in check.stdout
    assert sum(logtail_mirror.requests.values()) == 0 and installed_version(standin_root) == '1.8.0'
    real = run_playbook(tmp_path, play, diff=True)
    assert real.rc == 0 and real.changed == 1, real.stdout
    res = agent_result(real)
    assert (res['action'], res['previous_version'], res['installed_version']) == ('upgrade', '1.8.0', '1.9.0')
    assert installed_version(standin_root) == '1.9.0'


def test_absent_removes_and_is_idempotent(tmp_path, standin_root, logtail_mirror):  # noqa: F811
    install(tmp_path, standin_root, logtail_mirror, '1.8.0')
    play = agent_play(standin_root, logtail_mirror, state='absent')
    check = run_playbook(tmp_path, play, check=True)
    assert check.changed == 1 and installed_version(standin_root) == '1.8.0'
    run = run_playbook(tmp_path, play)
    assert run.rc == 0 and run.changed == 1 and agent_result(run)['action'] == 'remove'
    assert not (standin_root / 'usr' / 'local' / 'ilogtail').exists()
    assert not (standin_root / 'etc' / 'init.d' / 'ilogtaild').exists()
    again = run_playbook(tmp_path, play)
    assert again.rc == 0 and again.changed == 0


def test_installed_agent_receives_syslog_lines(tmp_path, standin_root, logtail_mirror):  # noqa: F811
    """Install, open the streamlog input with logtail_config, start it with the init script."""
    checksum = logtail_mirror.publish('1.8.0')
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    home = str(standin_root / 'usr' / 'local' / 'ilogtail')
    init = str(standin_root / 'etc' / 'init.d' / 'ilogtaild')
    play = [{
        'hosts': 'localhost', 'gather_facts': False,
        'environment': {'LOGTAIL_STANDIN_ROOT': str(standin_root), 'LOGTAIL_STANDIN_START': '1'},
        'tasks': [
            {'name': 'logtail agent', 'alicloud_ops.logging.logtail_agent': {
                'region': 'cn-hangzhou', 'installer_url': logtail_mirror.installer_url,
                'installer_checksum': checksum, 'install_dir': home, 'init_script': init}},
            {'name': 'logtail config', 'register': 'cfg', 'alicloud_ops.logging.logtail_config': {
                'config_path': home + '/ilogtail_config.json', 'streamlog_open': True,
                'streamlog_tcp_addr': '127.0.0.1', 'streamlog_tcp_port': port}},
            {'name': 'restart', 'command': init + ' restart', 'when': 'cfg.restart_required'},
            {'name': 'status', 'command': init + ' status', 'changed_when': False},
        ],
    }]
    run = run_playbook(tmp_path, play)
    assert run.rc == 0, run.stdout
    with socket.create_connection(('127.0.0.1', port), timeout=5) as conn:
        conn.sendall(b'0.1 sys_tag 1700000000 127.0.0.1 web user.info 1 app 42 - hello\n')
    record = os.path.join(home, 'standin_received.log')
    for _ in range(50):
        if os.path.exists(record) and open(record).read():
            break
        time.sleep(0.1)
    assert open(record).read() == '0.1 sys_tag 1700000000 127.0.0.1 web user.info 1 app 42 - hello\n'


class _FileMirror:
    """The stand-in mirror published as file:// URLs (an image build without network), not served."""

    def __init__(self, directory):
        from tests.logtail_standin.server import build_mirror
        self.checksum = build_mirror(str(directory), '1.8.0', 'file://%s' % directory)['logtail']
        self.installer_url = 'file://%s/linux64/logtail.sh' % directory


def test_file_url_installs_and_a_missing_file_fails_naming_the_option(tmp_path, standin_root):  # noqa: F811
    mirror = _FileMirror(tmp_path / 'file-mirror')
    run = run_playbook(tmp_path, agent_play(standin_root, mirror, version='1.8.0',
                                            installer_checksum='sha256:' + mirror.checksum))
    assert run.rc == 0 and run.changed == 1, run.stdout
    assert agent_result(run)['installed_version'] == '1.8.0'
    mirror.installer_url += '.missing'
    missing = run_playbook(tmp_path, agent_play(standin_root, mirror, version='1.9.0'))
    assert missing.rc != 0
    assert agent_result(missing, 'runner_on_failed')['msg'].startswith('installer_url: download of file://')
    assert installed_version(standin_root) == '1.8.0'
