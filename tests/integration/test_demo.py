"""The README's main command, as a user runs it, and the collection as users install it, on the demo's container
fleet (systemd containers registered as ECS instances in the emulator, in two regions; the Log Service project in
cn-hangzhou).

1. `make demo` with DEMO_SITE=0 starts the hosts, the emulator, the Log Service relay and the stand-in mirrors.
2. From the built tarball alone (tests/support/artifact.py: installed into a temp dir, run from another with an
   empty ansible.cfg and the demo's inventory files copied there), `ansible-playbook alicloud_ops.logging.site`
   converges the fleet and `alicloud_ops.logging.verify` finds every host's canary in the logstore, after waiting
   for the new index to take effect (the emulator runs with its default index delay). Every agent is installed
   for the project's region: over the internal network on the cn-hangzhou hosts, over the Internet on cn-shanghai.
   Then the web hosts' application log files (inventories/demo/group_vars/role_web.yml), searched through the
   official SDK: 10,000 JSON lines across a rename-and-create rotation and an agent restart arrive exactly once
   each; Java stack traces arrive one event each with level and logger parsed; an nginx access line arrives with
   status, request_uri and body_bytes_sent.
3. Four broken fleets that verify.yml must fail on, naming the host and the cause (agent stopped; drop-in removed;
   config detached from the machine group; a host outside the account without an AliUid file), each repaired (by
   hand, the last by the role's logtail_aliuids).
4. `make demo` again, whole (the repo's site.yml and verify.yml): idempotent (changed=0) and healthy, ending with
   each file source's newest event.
5. `make demo-clean`.
`make demo-alarm` on the same fleet is tests/integration/test_demo_alarm.py.
It starts from `make demo-clean`, so a demo left running on this machine is replaced.
"""
import collections
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
import uuid

import pytest

from tests.integration.standin_fleet import search
from tests.support import artifact
from tests.support.playbook_runner import REPO_ROOT
from tools import demo_search
from tools.alicloud_emulator import DEFAULT_ACCOUNT_ALIUID

pytestmark = pytest.mark.docker
HOSTS = ('alicloud-demo-web-1', 'alicloud-demo-web-2', 'alicloud-demo-api-1')
DEMO_ENV = os.path.join(REPO_ROOT, '.cache', 'demo', 'env')
PROJECT, GROUP, CONFIG = 'alicloud-ops-demo', 'alicloud-ops-logging', 'alicloud-ops-logging-syslog'
DROPIN = '/etc/rsyslog.d/60-logtail.conf'


def make(target, timeout=1200, **env_vars):
    env = dict(os.environ, **env_vars)
    env.pop('ANSIBLE_CONFIG', None)
    proc = subprocess.run(['make', '--no-print-directory', target], cwd=REPO_ROOT, env=env, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    return proc.returncode, proc.stdout


def recap(output):
    """{host: changed} from the last PLAY RECAP in ``output``."""
    block = output.rsplit('PLAY RECAP', 1)[1]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)', block, re.M)}


def site_recap(output):
    """{host: changed} from the site.yml run (the recap before the demo's Log search step)."""
    return recap(output.split('==> Log search', 1)[0])


def demo_env():
    with open(DEMO_ENV) as handle:
        env = dict(line.rstrip('\n').split('=', 1) for line in handle if '=' in line)
    return dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO_ROOT, 'ansible.cfg'), **env)


def playbook(path, *args):
    proc = subprocess.run([os.path.join(REPO_ROOT, '.venv', 'bin', 'ansible-playbook'), path, '-i', 'inventories/demo/']
                          + list(args), cwd=REPO_ROOT, env=demo_env(), timeout=600, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    return proc.returncode, proc.stdout


def verify(timeout=20):
    return playbook('playbooks/verify.yml', '-e', 'alicloud_logging_verify_timeout=%d' % timeout,
                    '-e', 'alicloud_logging_verify_poll_interval=2')


def site(*args):
    return playbook('site.yml', *args)


def sls_client():
    return demo_search.sls_client(demo_env())


def docker(host, *argv):
    return subprocess.run(['docker', 'exec', host] + list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=True).stdout


def assert_diagnosed(output, broken, cause):
    """verify.yml failed, named exactly the broken hosts, each with the cause, and found the others."""
    assert 'Canary lines never arrived from %d host(s)' % len(broken) in output, output[-4000:]
    for host in HOSTS:
        if host in broken:
            assert re.search(r'%s: canary \S+ NOT FOUND: [^"]*%s' % (host, re.escape(cause)), output), output[-4000:]
        else:
            assert re.search(r'%s: canary searchable after' % host, output), output[-4000:]


def check_broken_fleets():
    # 1. The agent is stopped on one host.
    docker(HOSTS[0], 'systemctl', 'stop', 'ilogtaild.service')
    rc, out = verify()
    assert rc != 0
    assert_diagnosed(out, [HOSTS[0]], 'agent down: ilogtaild.service is not running')
    docker(HOSTS[0], 'systemctl', 'start', 'ilogtaild.service')

    # 2. The rsyslog drop-in is removed on another.
    saved = docker(HOSTS[1], 'cat', DROPIN)
    docker(HOSTS[1], 'sh', '-c', 'rm %s && systemctl restart rsyslog' % DROPIN)
    rc, out = verify()
    assert rc != 0
    assert_diagnosed(out, [HOSTS[1]], 'heartbeat but no line: the rsyslog drop-in %s is missing' % DROPIN)
    subprocess.run(['docker', 'exec', '-i', HOSTS[1], 'sh', '-c', 'cat > %s && systemctl restart rsyslog' % DROPIN],
                   input=saved, universal_newlines=True, check=True)

    # 3. The syslog config is detached from the machine group: no agent collects anything.
    client = sls_client()
    client.remove_config_to_machine_group(PROJECT, CONFIG, GROUP)
    rc, out = verify()
    assert rc != 0
    assert_diagnosed(out, list(HOSTS), 'config %s is not applied to machine group %s' % (CONFIG, GROUP))
    client.apply_config_to_machine_group(PROJECT, CONFIG, GROUP)

    # 4. A host outside the account: its agent no longer reports an ECS instance id of the emulator's account
    # (an on-premises server, another cloud, another account), so Log Service ignores its heartbeat until
    # /etc/ilogtail/users/<AliUid of the project owner> exists. The role writes it from logtail_aliuids.
    docker(HOSTS[2], 'python3', '-c', 'import json; p = "/etc/logtail-standin/shipping.json"; s = json.load(open(p)); '
           's.pop("instance_id"); json.dump(s, open(p, "w"))')
    docker(HOSTS[2], 'systemctl', 'restart', 'ilogtaild.service')
    rc, out = verify()
    assert rc != 0
    assert_diagnosed(out, [HOSTS[2]], 'no AliUid file in /etc/ilogtail/users/')
    rc, fixed = site('--limit', HOSTS[2], '-e', json.dumps({'logtail_aliuids': [DEFAULT_ACCOUNT_ALIUID]}))
    assert rc == 0, fixed[-4000:]
    assert docker(HOSTS[2], 'ls', '/etc/ilogtail/users').split() == [DEFAULT_ACCOUNT_ALIUID]

    rc, out = verify(timeout=60)
    assert rc == 0, out[-4000:]


def assert_canaries(output):
    for host in HOSTS:
        # logger -> rsyslog -> Logtail stand-in -> PutLogs -> the logstore, found by sls_log_search with the keys the
        # syslog input gives a line.
        assert re.search(r'%s: canary searchable after \d+\.\d s: _hostname_=%s _program_=alicloud-verify '
                         r'_content_=alicloudverify\w+' % (host, host), output), output[-3000:]


def converge_from_the_artifact(tmp_path):
    """site and verify from the installed tarball, in a directory outside the repo, through the demo's inventory."""
    installed = artifact.build_and_install(tmp_path / 'artifact')
    workdir = artifact.workdir(tmp_path / 'elsewhere')
    for name in ('demo.alicloud_ecs.yml', 'group_vars'):
        source = os.path.join(REPO_ROOT, 'inventories', 'demo', name)
        (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, str(workdir / 'inventory' / name))
    with open(DEMO_ENV) as handle:
        env = dict(line.rstrip('\n').split('=', 1) for line in handle if '=' in line)

    site = artifact.run(installed, workdir, ['alicloud_ops.logging.site'], env=env)
    assert site.returncode == 0, site.stdout[-6000:] + site.stderr[-2000:]
    assert set(recap(site.stdout)) == set(HOSTS) | {'localhost'}
    assert all(recap(site.stdout)[h] > 0 for h in HOSTS), site.stdout[-3000:]
    # The roles came from the install, not the repo.
    assert 'TASK [alicloud_ops.logging.logtail : Install Logtail with the official installer]' in site.stdout
    assert REPO_ROOT not in site.stdout

    verify = artifact.run(installed, workdir, ['alicloud_ops.logging.verify'], env=env)
    assert verify.returncode == 0, verify.stdout[-6000:] + verify.stderr[-2000:]
    assert_canaries(verify.stdout)

    # Every agent ships to the project's region (cn-hangzhou): its endpoints as the installer wrote them.
    for host, endpoint in (('alicloud-demo-web-1', 'cn-hangzhou-intranet.log.aliyuncs.com'),
                           ('alicloud-demo-web-2', 'cn-hangzhou.log.aliyuncs.com'),
                           ('alicloud-demo-api-1', 'cn-hangzhou-intranet.log.aliyuncs.com')):
        config = json.loads(docker(host, 'cat', '/usr/local/ilogtail/ilogtail_config.json'))
        assert config['data_server_list'][0] == {'cluster': 'cn-hangzhou', 'endpoint': endpoint}, host
        assert config['config_server_address'] == 'http://logtail.' + endpoint, host


# ---- application log files (inventories/demo/group_vars/role_web.yml) ------------------------------------------

WEB = HOSTS[0]
EVENTS_LOG, APP_LOG, ACCESS_LOG = '/var/log/todo/events.json', '/var/log/todo/app.log', '/var/log/nginx/access.log'
SEQ_COUNT = 10000
# Appends lines first..last of a run to a file, one write() each with O_APPEND, as the demo's sample writer does,
# so that neither splits the other's lines.
APPEND_SEQ = """import os, sys
path, first, last, run = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
for seq in range(first, last + 1):
    os.write(fd, ('{"level": "INFO", "event": "order.created", "run": "%s", "seq": %d}\\n' % (run, seq)).encode())
os.close(fd)
"""


def append_text(host, path, text):
    """Appends text to a file in the host with one write()."""
    subprocess.run(['docker', 'exec', '-i', host, 'python3', '-c',
                    'import os, sys; fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640); '
                    'os.write(fd, sys.stdin.buffer.read()); os.close(fd)', path],
                   input=text.encode('utf-8'), check=True)


def wait_for_count(client, logstore, query, wanted, timeout):
    """Polls GetHistograms until ``wanted`` logs match (bounded); the last count."""
    deadline, found = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        found = demo_search.count(client, PROJECT, logstore, query)
        if found is not None and found >= wanted:
            break
        time.sleep(1)
    return found


def wait_for_file_indexes(logstores):
    """The emulator keeps its default index delay (60 s): logs received before a logstore's index takes effect
    are never found, so the writes start after it (site.yml created the indexes moments ago)."""
    with urllib.request.urlopen('http://%s/_emulator/sls/state' % demo_env()['ALICLOUD_SLS_ENDPOINT']) as answer:
        stores = json.load(answer)['projects'][PROJECT]['logstores']
    effective = max(stores[name]['indexEffectiveTime'] for name in logstores)
    time.sleep(max(0, effective + 1 - time.time()))


def check_rotation_and_restart(client, run):
    """10,000 JSON lines: a rename-and-create rotation (logrotate's default) after 4,000, an agent restart after
    7,000; every sequence number is searchable exactly once."""
    def append_seq(first, last):
        docker(WEB, 'python3', '-c', APPEND_SEQ, EVENTS_LOG, str(first), str(last), run)

    append_seq(1, 4000)
    docker(WEB, 'mv', EVENTS_LOG, EVENTS_LOG + '.1')  # the next write creates the file again
    append_seq(4001, 7000)
    docker(WEB, 'systemctl', 'restart', 'ilogtaild.service')
    append_seq(7001, SEQ_COUNT)
    query = 'run: %s' % run
    counted = wait_for_count(client, 'todo-events', query, SEQ_COUNT, 180)
    rows = search(client, query, project=PROJECT, logstore='todo-events')
    numbers = sorted(int(row['seq']) for row in rows)
    duplicates = sorted(n for n, times in collections.Counter(numbers).items() if times > 1)
    missing = sorted(set(range(1, SEQ_COUNT + 1)) - set(numbers))
    assert (counted, len(rows), missing[:10], duplicates[:10]) == (SEQ_COUNT, SEQ_COUNT, [], [])
    assert numbers == list(range(1, SEQ_COUNT + 1))
    assert {row['__tag__:__path__'] for row in rows} == {EVENTS_LOG}  # the rotated file's lines keep its path
    assert {row['level'] for row in rows} == {'INFO'} and 'content' not in rows[0]  # parsed as JSON


def check_java_stack_traces(client, run):
    """Two ERROR events with stack traces, then a start line that ends the second (the agent, like
    LoongCollector, keeps an event open until the next start line or FlushTimeoutSecs)."""
    stamp = time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())
    traces = [('com.example.todo.OrderService', 'order 41 failed', [
                  'java.lang.IllegalStateException: order 41 failed',
                  '\tat com.example.todo.OrderService.place(OrderService.java:88)',
                  '\tat com.example.todo.OrderController.create(OrderController.java:31)',
                  'Caused by: java.io.IOException: disk full',
                  '\t... 2 more']),
              ('com.example.todo.PaymentClient', 'payment 42 timed out', [
                  'java.net.SocketTimeoutException: Read timed out',
                  '\tat com.example.todo.PaymentClient.charge(PaymentClient.java:57)'])]
    text = ''.join('%s,%03d ERROR [%s] %s - %s\n%s\n' % (stamp, n, run, logger, message, '\n'.join(trace))
                   for n, (logger, message, trace) in enumerate(traces))
    text += '%s,999 INFO [%s] com.example.todo.OrderService - done\n' % (stamp, run)
    append_text(WEB, APP_LOG, text)
    query = 'thread: %s and level: ERROR' % run
    wait_for_count(client, 'todo-app', query, len(traces), 90)
    rows = search(client, query, project=PROJECT, logstore='todo-app')
    found = sorted((row['level'], row['logger'], row['thread'], row['message']) for row in rows)
    assert found == sorted(('ERROR', logger, run, '\n'.join([message] + trace)) for logger, message, trace in traces)
    assert all(row['time'].startswith(stamp) for row in rows)


def check_nginx_line(client, run):
    line = ('203.0.113.9 - - [%s] "GET /api/orders/%s?page=2 HTTP/1.1" 503 4321 "-" "e2e-check/1.0"\n'
            % (time.strftime('%d/%b/%Y:%H:%M:%S +0000', time.gmtime()), run))
    append_text(WEB, ACCESS_LOG, line)
    query = 'request_uri: %s' % run
    wait_for_count(client, 'nginx-access', query, 1, 90)
    rows = search(client, query, project=PROJECT, logstore='nginx-access')
    assert [(r['status'], r['request_method'], r['request_uri'], r['http_protocol'], r['body_bytes_sent'],
             r['remote_addr'], r['__tag__:__hostname__']) for r in rows] == [
        ('503', 'GET', '/api/orders/%s?page=2' % run, 'HTTP/1.1', '4321', '203.0.113.9', WEB)]


def check_file_sources():
    started = time.monotonic()
    client = sls_client()
    wait_for_file_indexes(['todo-events', 'todo-app', 'nginx-access'])
    waited = time.monotonic() - started
    run = 'e2e' + uuid.uuid4().hex[:12]  # one token: the index splits on punctuation
    check_rotation_and_restart(client, run)
    ten_thousand = time.monotonic() - started
    check_java_stack_traces(client, run)
    check_nginx_line(client, run)
    print('file sources end to end: %.1f s (index wait %.1f s, 10,000 lines through rotation and restart %.1f s, '
          'Java and nginx %.1f s)' % (time.monotonic() - started, waited, ten_thousand - waited,
                                      time.monotonic() - started - ten_thousand))


@pytest.mark.timeout(2400)
def test_demo_searches_every_host_and_diagnoses_broken_fleets(tmp_path):
    make('demo-clean')
    try:
        rc, ready = make('demo', DEMO_SITE='0')
        assert rc == 0, ready[-6000:]
        assert 'DEMO_SITE=0: site.yml not run' in ready
        converge_from_the_artifact(tmp_path)
        check_file_sources()

        check_broken_fleets()

        # The README's command, whole: the repo's site.yml (the same playbooks and roles) changes nothing.
        rc, second = make('demo')
        assert rc == 0, second[-6000:]
        assert site_recap(second) == dict((h, 0) for h in HOSTS + ('localhost',)), second[-3000:]
        assert len(re.findall(r'^\S+: canary searchable after', second, re.M)) == len(HOSTS), second[-3000:]
        assert_canaries(second)
        # verify.yml's canary per file source on the web hosts, found by its parsed field; none on the api host.
        found = set(re.findall(r'([\w.-]+): source (\S+) canary searchable in (\S+) after [\d.]+ s: (\w+)=', second))
        assert found == {(host, source, source, field) for host in HOSTS[:2] for source, field in (
            ('nginx-access', 'request_uri'), ('todo-app', 'message'), ('todo-events', 'alicloud_verify'))}, \
            second[-3000:]
        assert "logtail config alicloud-ops-logging-syslog: syslog input, tag 'demo_syslog'" in second
        # The demo ends with each file source's newest event, parsed (tools/demo_search.py through the SDK).
        assert re.search(r'^nginx-access: logstore nginx-access, \d+ events .*\n .* body_bytes_sent=\d+ .*'
                         r'request_uri=/\S* .*status=\d{3}', second, re.M), second[-3000:]
        assert re.search(r'^todo-app: logstore todo-app, \d+ events in the last 15 min; the newest multi-line one.*\n'
                         r'.* level=ERROR logger=com\.example\.todo\.\w+ .*\n +message=.*\n +java\.lang\.\w+',
                         second, re.M), second[-3000:]
        assert re.search(r'^todo-events: logstore todo-events, \d+ events .*\n .*level=', second, re.M), second[-3000:]
    finally:
        rc, cleaned = make('demo-clean')
    assert rc == 0, cleaned
    running = subprocess.run(['docker', 'ps', '-a', '--format', '{{.Names}}'], stdout=subprocess.PIPE,
                             universal_newlines=True).stdout.split()
    assert not set(HOSTS) & set(running)
    assert not os.path.exists(os.path.join(REPO_ROOT, '.cache', 'demo'))
