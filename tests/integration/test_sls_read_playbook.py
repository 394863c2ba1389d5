"""sls_index, sls_log_search and sls_machine_group_info through real playbooks (ansible-runner) against the
emulator: create, rerun with changed=0, check mode calling nothing that writes."""
import json
import time
from urllib.request import Request, urlopen

from aliyun.log import LogClient, LogItem, PutLogsRequest

from tests.integration.test_sls_emulator import changed_tasks, module_play, task
from tests.support.playbook_runner import run_playbook
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    SLS_KEY_ID, SLS_KEY_SECRET, mutating_calls, sls_emulator, sls_emulator_server, sls_env)
from tools.alicloud_emulator import DEFAULT_ACCOUNT_ALIUID


def base():
    return [task('sls_project', name='proj-read'), task('sls_logstore', project='proj-read', name='syslog'),
            task('sls_machine_group', project='proj-read', name='hosts', machines=['web-fleet'])]


def index(**args):
    return task('sls_index', project='proj-read', logstore='syslog', **args)


def reads(run_id):
    return [dict(task('sls_log_search', project='proj-read', logstore='syslog', query='canary and %s' % run_id,
                      since=120, rows=500, count_by='_hostname_'), register='found'),
            dict(task('sls_machine_group_info', project='proj-read', name='hosts'), register='group'),
            {'name': 'results', 'ansible.builtin.debug': {
                'msg': '{{ {"counts": found.counts, "count": found.count, "silent": group.silent, '
                       '"alive": group.machines | selectattr("alive") | map(attribute="user_defined_id") | list} '
                       '| to_json }}'}}]


def _debug(result):
    return json.loads([res['msg'] for name, res in result.task_results() if name == 'results'][0])


def test_index_search_and_machines_in_playbooks(sls_emulator, tmp_path):
    env = sls_env(sls_emulator)
    check = run_playbook(tmp_path, module_play(base() + [index()]), check=True, diff=True, envvars=env)
    assert check.rc == 0 and check.changed == 4, check.stdout
    assert mutating_calls(sls_emulator) == {}

    first = run_playbook(tmp_path, module_play(base() + [index()]), envvars=env)
    assert first.rc == 0 and first.changed == 4, first.stdout
    again = run_playbook(tmp_path, module_play(base() + [index()]), envvars=env)
    assert again.rc == 0 and again.changed == 0, changed_tasks(again)
    narrower = run_playbook(tmp_path, module_play([index(fields=[{'name': '_hostname_'}])]), check=True,
                            diff=True, envvars=env)
    assert narrower.rc == 0 and changed_tasks(narrower) == ['sls_index '], narrower.stdout
    assert mutating_calls(sls_emulator) == {'CreateProject': 1, 'CreateLogStore': 1, 'CreateMachineGroup': 1,
                                            'CreateIndex': 1}

    client = LogClient(sls_emulator.endpoint, SLS_KEY_ID, SLS_KEY_SECRET, source='10.0.0.7')
    client._isRowIp = True
    items = [LogItem(int(time.time()), [('_hostname_', 'web-%d' % (i % 2)), ('_content_', 'canary run-1 %d' % i)])
             for i in range(7)] + [LogItem(int(time.time()), [('_hostname_', 'web-0'), ('_content_', 'canary run-2')])]
    client.put_logs(PutLogsRequest('proj-read', 'syslog', '', '', items))
    # A server outside ECS that carries the account's /etc/ilogtail/users/<AliUid> file.
    doc = json.dumps({'ip': '10.0.0.7', 'user_defined_id': ['web-fleet'],
                      'aliuids': [DEFAULT_ACCOUNT_ALIUID]}).encode('utf-8')
    with urlopen(Request(sls_emulator.url + '/_emulator/sls/agent/heartbeat', data=doc, method='POST'), timeout=10):
        pass

    sls_emulator.reset_stats()
    searched = run_playbook(tmp_path, module_play(reads('run-1')), check=True, envvars=env)
    assert searched.rc == 0 and searched.changed == 0, searched.stdout
    assert _debug(searched) == {'counts': {'web-0': 4, 'web-1': 3}, 'count': 7, 'silent': [],
                                'alive': ['web-fleet']}
    # GetLogs twice: the service's first answer to a search is Incomplete (the emulator's incomplete_first=1).
    assert sls_emulator.stats()['calls'] == {'GetLogs': 2, 'GetMachineGroup': 1, 'ListMachines': 1,
                                             'GetAppliedConfigs': 1}
