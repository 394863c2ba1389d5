"""verify.yml's canary per file source, end to end without Docker: the log_service playbook makes the Log Service side
in the emulator (logstores, indexes, a machine group and a pipeline config per source), a Logtail stand-in per
"host" (both hosts are this machine, local connection) tails the files its configs name and ships parsed events,
and verify.yml appends one canary line per source (json, nginx, a multi-line Java regex with verify_line and a
1 s flush_timeout, whose file name is a glob: a probe file) and finds each by its parsed field, one search per
logstore. Then one source's agent is stopped and another's config is removed from its machine group: verify fails
naming each host and source with the diagnosis. The role's append script is checked on its own too: probe file,
first existing literal file, never creating an application's file, the inode kept.

The syslog canary's own way (logger -> rsyslog -> agent) is tested elsewhere; here `logger` on PATH is a stand-in
that sends its line with PutLogs, as the agent would, so the syslog check passes and the file sources are what
is judged."""
import json
import os
import stat
import subprocess
import sys

import yaml

from tests.integration.rsyslog_bed import STANDIN, Process, read_lines
from tests.integration.standin_fleet import search, write_settings
from tests.integration.test_sls_emulator import _client
from tests.support.playbook_runner import REPO_ROOT, VENV_BIN, run_playbook
from tests.support.sls_emulator import sls_emulator, sls_emulator_server, sls_env  # noqa: F401 - fixtures

LOG_SERVICE = os.path.join(REPO_ROOT, 'playbooks', 'log_service.yml')
VERIFY = os.path.join(REPO_ROOT, 'playbooks', 'verify.yml')
PREFIX = 'alicloud-ops-logging-file'
PROJECT = 'app-logs'
JAVA_START = r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} .*'
FAKE_LOGGER = '''#!%(python)s
# logger -t TAG MESSAGE, delivered to the syslog logstore as the agent would (PutLogs).
import os, sys
from aliyun.log import LogClient, LogItem, PutLogsRequest
tag, message = sys.argv[2], ' '.join(sys.argv[3:])
client = LogClient(os.environ['ALICLOUD_SLS_ENDPOINT'], os.environ['ALIBABA_CLOUD_ACCESS_KEY_ID'],
                   os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'])
client._isRowIp = True
client.put_logs(PutLogsRequest('%(project)s', 'syslog', '', '127.0.0.1',
                               [LogItem(contents=[('_program_', tag), ('_content_', message)])]))
'''


def sources(tmp_path):
    web, app = tmp_path / 'web', tmp_path / 'app'
    return {
        'json': {'name': 'app-json', 'paths': [str(web / 'app.json')], 'format': 'json', 'index_keys': ['level']},
        'nginx': {'name': 'nginx-access', 'paths': [str(web / 'access.log')], 'format': 'nginx',
                  'logstore': 'web-access'},
        'java': {'name': 'todo-app', 'paths': [str(app / 'app*.log')], 'format': 'regex',
                 'multiline_start': JAVA_START, 'regex': r'(\S+ \S+) (\w+) \[([^\]]*)\] (\S+) - ([\s\S]*)',
                 'keys': ['time', 'level', 'thread', 'logger', 'message'], 'flush_timeout': 1,
                 'verify_line': '2026-12-06 10:00:00,000 INFO [verify] alicloud.verify - {canary}'},
    }


def write_inventory(tmp_path, src):
    local = {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'}
    path = tmp_path / 'hosts.json'
    path.write_text(json.dumps({'all': {
        'hosts': {'localhost': local},
        'children': {
            'web': {'hosts': {'web-1': dict(local, private_ip='10.0.0.7')},
                    'vars': {'alicloud_logging_file_sources': [src['json'], src['nginx']]}},
            'app': {'hosts': {'app-1': dict(local, private_ip='10.0.0.8')},
                    'vars': {'alicloud_logging_file_sources': [src['java']]}}}}}))
    return str(path)


def start_agent(home, endpoint, ip, ids):
    home.mkdir(exist_ok=True)
    settings = write_settings(home, endpoint, ip=ip)
    (home / 'user_defined_id').write_text(''.join('%s-%s\n' % (PREFIX, name) for name in ids))
    (home / 'ilogtail_config.json').write_text(json.dumps({'streamlog_open': False}))
    return Process([sys.executable, STANDIN, '--home', str(home), '--ship-settings', settings],
                   str(home / 'agent.out'))


def test_verify_finds_each_sources_canary_by_its_parsed_field_and_names_the_missing_ones(sls_emulator, tmp_path):
    src = sources(tmp_path)
    for directory in ('web', 'app', 'bin'):
        (tmp_path / directory).mkdir()
    app_json = tmp_path / 'web' / 'app.json'
    app_json.write_text('{"level": "INFO", "msg": "started"}\n')
    (tmp_path / 'web' / 'access.log').write_text('')
    logger = tmp_path / 'bin' / 'logger'
    logger.write_text(FAKE_LOGGER % {'python': sys.executable, 'project': PROJECT})
    logger.chmod(logger.stat().st_mode | stat.S_IXUSR)
    inventory = write_inventory(tmp_path, src)
    env = dict(sls_env(sls_emulator), PATH=os.pathsep.join([str(tmp_path / 'bin'), VENV_BIN, os.environ['PATH']]))
    site = {'alicloud_logging_project': PROJECT, 'alicloud_logging_logstore': 'syslog',
            'alicloud_logging_hosts': 'web:app', 'alicloud_logging_index_delay': 0,
            'alicloud_logging_verify_poll_interval': 1}
    made = run_playbook(tmp_path, LOG_SERVICE, extravars=site, inventory=inventory, envvars=env)
    assert made.rc == 0, made.stdout

    web = start_agent(tmp_path / 'agent-web', sls_emulator.endpoint, '10.0.0.7', ['app-json', 'nginx-access'])
    app = start_agent(tmp_path / 'agent-app', sls_emulator.endpoint, '10.0.0.8', ['todo-app'])
    try:
        inode = app_json.stat().st_ino
        sls_emulator.reset_stats()
        passed = run_playbook(tmp_path, VERIFY, extravars=dict(site, alicloud_logging_verify_timeout=30),
                              inventory=inventory, envvars=env)
        assert passed.rc == 0, passed.stdout + ''.join(read_lines(str(tmp_path / 'agent-app' / 'agent.out')))
        assert passed.changed == 0, passed.stdout
        for line in ('web-1: source app-json canary searchable in app-json after',
                     'web-1: source nginx-access canary searchable in web-access after',
                     'app-1: source todo-app canary searchable in todo-app after'):
            assert line in passed.stdout, passed.stdout
        assert 'All 3 file source canaries (host source) are searchable' in passed.stdout
        # ONE search per poll for the syslog canaries and one per logstore per poll for the sources': the file
        # search task has one item per logstore, and every GetLogs call is a poll of a search task (or the SDK's
        # get_log asking again after an Incomplete answer, which the emulator gives each new query window once:
        # aliyun/log/logclient.py DEFAULT_QUERY_RETRY_COUNT).
        results = dict(passed.task_results())
        files = results["Search each file source's logstore for its canaries (one GetLogs call per logstore per poll)"]
        assert sorted(item['item']['key'] for item in files['results']) == ['app-json', 'todo-app', 'web-access']
        attempts = results['Search for every canary at once (one GetLogs call per poll)']['attempts'] + sum(
            item['attempts'] for item in files['results'])
        assert attempts <= sls_emulator.stats()['calls']['GetLogs'] <= 2 * attempts

        # Appended, not rewritten: the inode and the application's line stay; the line is the format's.
        assert app_json.stat().st_ino == inode
        first, canary_line = app_json.read_text().splitlines()
        assert first == '{"level": "INFO", "msg": "started"}'
        canary = json.loads(canary_line)['alicloud_verify']
        assert canary.startswith('alicloudverify') and canary.endswith('f0')
        # The glob's probe file, in the directory the glob names, holds the verify_line.
        probe = tmp_path / 'app' / 'appalicloud-verify.log'
        [java] = probe.read_text().splitlines()
        assert java.startswith('2026-12-06 10:00:00,000 INFO [verify] alicloud.verify - alicloudverify')
        # In Log Service by the parsed fields: the nginx canary's request_uri and status, the Java one's message.
        client = _client(sls_emulator)
        [access] = search(client, 'request_method: GET', project=PROJECT, logstore='web-access')
        assert access['request_uri'].startswith('/alicloud-verify/alicloudverify') and access['status'] == '200'
        [event] = search(client, 'logger: alicloud.verify', project=PROJECT, logstore='todo-app')
        assert event['message'] == java.rsplit(' - ', 1)[1] and event['level'] == 'INFO'

        # Check mode writes the canaries too, as the syslog canary does (the check is the lines), and changes nothing.
        checked = run_playbook(tmp_path, VERIFY, check=True, extravars=dict(site, alicloud_logging_verify_timeout=30),
                               inventory=inventory, envvars=env)
        assert checked.rc == 0 and checked.changed == 0, checked.stdout
        assert 'All 3 file source canaries (host source) are searchable' in checked.stdout
        assert len(app_json.read_text().splitlines()) == 3 and len(probe.read_text().splitlines()) == 2

        # The app host's agent stops; the nginx config leaves its machine group: both named, with the cause.
        app.stop()
        client.remove_config_to_machine_group(PROJECT, PREFIX + '-nginx-access', PREFIX + '-nginx-access')
        failed = run_playbook(tmp_path, VERIFY, extravars=dict(site, alicloud_logging_verify_timeout=4),
                              inventory=inventory, envvars=env)
    finally:
        web.stop()
        app.stop()
    assert failed.rc != 0, failed.stdout
    assert 'Canary lines never arrived for 2 host and file source pair(s)' in failed.stdout, failed.stdout
    assert ("'web-1 nginx-access': 'config %s-nginx-access is not applied to machine group %s-nginx-access"
            % (PREFIX, PREFIX)) in failed.stdout
    # The host says its agent's unit is not active (the stand-in runs outside systemd, so it never is here).
    assert "'app-1 todo-app': 'agent down: ilogtaild.service is not running on the host" in failed.stdout
    assert 'web-1: source app-json canary searchable' in failed.stdout


def append(script, line, probe, *files):
    return subprocess.run(['sh', '-c', script, 'sh', line, probe] + list(files), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)


def test_the_append_script_appends_to_the_probe_or_the_first_existing_file_and_never_creates_an_apps_file(tmp_path):
    with open(os.path.join(REPO_ROOT, 'roles', 'verify', 'vars', 'main.yml')) as handle:
        script = yaml.safe_load(handle)['__verify_append_script']
    # A probe file: created in a directory that exists, appended to after that.
    probe = tmp_path / 'appalicloud-verify.log'
    assert append(script, 'one', str(probe)).stdout == str(probe) + '\n'
    inode = probe.stat().st_ino
    done = append(script, 'two', str(probe), str(tmp_path / 'ignored.log'))
    assert (done.returncode, probe.read_text(), probe.stat().st_ino) == (0, 'one\ntwo\n', inode)
    gone = append(script, 'x', str(tmp_path / 'no-such-dir' / 'p.log'))
    assert gone.returncode == 3
    assert gone.stdout == 'directory %s of the probe file %s does not exist\n' % (
        tmp_path / 'no-such-dir', tmp_path / 'no-such-dir' / 'p.log')
    # Literal files: the first that exists gets the line, as an append; a missing one is never created.
    missing, present = tmp_path / 'missing.log', tmp_path / 'app.log'
    present.write_text('app line\n')
    inode = present.stat().st_ino
    done = append(script, 'canary', '', str(missing), str(present))
    assert (done.returncode, done.stdout) == (0, str(present) + '\n')
    assert present.read_text() == 'app line\ncanary\n' and present.stat().st_ino == inode
    assert not missing.exists()
    none = append(script, 'canary', '', str(missing))
    assert none.returncode == 3 and not missing.exists()
    assert none.stdout == "none of %s exists (verify appends to an application's log file, never creates one)\n" % missing
    # A file that refuses the write (/proc/version refuses even root): the shell's own words, so the report says why.
    refused = append(script, 'canary', '', '/proc/version')
    assert refused.returncode == 3 and refused.stdout.startswith('sh: ') and 'printf' in refused.stdout
