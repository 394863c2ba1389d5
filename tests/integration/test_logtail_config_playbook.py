"""logtail_config through ansible-runner on files under a temp dir: idempotence, check mode
reports what the real run changes, and keys the module does not know survive."""
import json
import os

from tests.integration.logtail_play_helpers import run_playbook, task_result

INSTALLER_TEXT = '''{
    "config_server_address" : "http://logtail.cn-hangzhou-intranet.log.aliyuncs.com",
    "data_server_list" :
    [
        {
            "cluster" : "cn-hangzhou",
            "endpoint" : "cn-hangzhou-intranet.log.aliyuncs.com"
        }
    ],
    "cpu_usage_limit" : 0.4,
    "streamlog_open" : false,
    "streamlog_tcp_addr" : "0.0.0.0",
    "streamlog_tcp_port" : 11111,
    "vendor_future_knob" : {"nested": [1, 2, 3]}
}
'''


def config_play(tmp_path, **extra):
    args = {
        'config_path': str(tmp_path / 'ilogtail' / 'ilogtail_config.json'),
        'streamlog_open': True,
        'streamlog_tcp_addr': '127.0.0.1',
        'streamlog_tcp_port': 11111,
        'streamlog_formats': [{'version': '0.1', 'fields': [
            'sys_tag', 'time', 'ip', 'hostname', 'pri_text', 'protocol_version', 'app_name', 'procid', 'msgid',
            'msg']}],
        'cpu_usage_limit': 0.5,
        'mem_usage_limit': 512,
        'extra_config': {'working_hostname': 'web-1'},
        'user_defined_ids': ['web-prod', 'cn-hangzhou'],
        'user_defined_id_path': str(tmp_path / 'etc' / 'user_defined_id'),
        'aliuids': ['1234567890123456', '222'],
        'aliuids_dir': str(tmp_path / 'etc' / 'users'),
        'aliuids_exclusive': True,
    }
    args.update(extra)
    return [{'hosts': 'localhost', 'gather_facts': False,
             'tasks': [{'name': 'logtail config', 'alicloud_ops.logging.logtail_config': args}]}]


def seed(tmp_path):
    (tmp_path / 'ilogtail').mkdir()
    (tmp_path / 'ilogtail' / 'ilogtail_config.json').write_text(INSTALLER_TEXT)
    (tmp_path / 'etc' / 'users').mkdir(parents=True)
    (tmp_path / 'etc' / 'users' / '999').write_text('')


def snapshot(root):
    out = {}
    for top in ('ilogtail', 'etc'):
        for dirpath, _dirs, files in os.walk(str(root / top)):
            for name in files:
                path = os.path.join(dirpath, name)
                out[path] = open(path).read()
    return out


def test_check_mode_matches_real_run_then_idempotent(tmp_path):
    work = tmp_path / 'files'
    work.mkdir()
    seed(work)
    before = snapshot(work)
    play = config_play(work)

    check = run_playbook(tmp_path, play, check=True, diff=True)
    assert check.rc == 0 and check.changed == 1, check.stdout
    assert snapshot(work) == before
    predicted = task_result(check, 'logtail config')

    real = run_playbook(tmp_path, play, diff=True)
    assert real.rc == 0 and real.changed == 1, real.stdout
    done = task_result(real, 'logtail config')
    assert done['changed_files'] == predicted['changed_files']
    assert sorted(done['changed_files']) == sorted([
        play[0]['tasks'][0]['alicloud_ops.logging.logtail_config']['config_path'],
        str(work / 'etc' / 'user_defined_id'), str(work / 'etc' / 'users' / '1234567890123456'),
        str(work / 'etc' / 'users' / '222'), str(work / 'etc' / 'users' / '999')])
    assert done['diff'] == predicted['diff']
    assert done['restart_required'] is True and predicted['restart_required'] is True

    config = json.loads((work / 'ilogtail' / 'ilogtail_config.json').read_text())
    assert config['vendor_future_knob'] == {'nested': [1, 2, 3]}
    assert config['data_server_list'][0]['cluster'] == 'cn-hangzhou'
    assert config['streamlog_open'] is True and config['streamlog_tcp_addr'] == '127.0.0.1'
    assert list(config)[:4] == ['config_server_address', 'data_server_list', 'cpu_usage_limit', 'streamlog_open']
    assert list(config)[-3:] == ['streamlog_formats', 'mem_usage_limit', 'working_hostname']
    assert (work / 'etc' / 'user_defined_id').read_text() == 'web-prod\ncn-hangzhou\n'
    assert sorted(os.listdir(str(work / 'etc' / 'users'))) == ['1234567890123456', '222']

    after = snapshot(work)
    again = run_playbook(tmp_path, play, diff=True)
    assert again.rc == 0 and again.changed == 0, again.stdout
    assert task_result(again, 'logtail config')['restart_required'] is False
    check_again = run_playbook(tmp_path, play, check=True, diff=True)
    assert check_again.rc == 0 and check_again.changed == 0
    assert snapshot(work) == after


def test_bad_input_fails_and_leaves_files(tmp_path):
    work = tmp_path / 'files'
    work.mkdir()
    seed(work)
    (work / 'ilogtail' / 'ilogtail_config.json').write_text('{"streamlog_open": ')
    before = snapshot(work)
    run = run_playbook(tmp_path, config_play(work))
    assert run.rc != 0 and run.failed == 1
    msg = task_result(run, 'logtail config', 'runner_on_failed')['msg']
    assert msg.startswith('config_path: %s is not valid JSON' % (work / 'ilogtail' / 'ilogtail_config.json'))
    assert snapshot(work) == before
