"""Every module's EXAMPLES runs: each example task, exactly as the module's documentation writes it, in check mode
and (where that means something here) for real, with no failure and no warning.

The sls_* examples run against the emulator (credentials and ALICLOUD_SLS_ENDPOINT in the environment, the way
users give them; the Log Service objects an example works on, such as its project, made first). The host modules
run against temp trees: their path options come from module_defaults (what the example leaves unset), and the
few absolute paths an example writes itself (/var/spool/rsyslog, /mnt/image) are temp directories bound over
those paths in a private mount namespace (unshare), so nothing of this machine is read or written. The variables
and hosts an example uses come from the play and the inventory as a user would have them (the machine-group
example's hosts from the alicloud_ecs inventory plugin reading the emulator).
"""
import ast
import glob
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from urllib.request import Request, urlopen

import pytest
import yaml

from tests.support.playbook_runner import REPO_ROOT, VENV_BIN, ansible_env
from tools.alicloud_emulator import start_emulator

MODULES = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))
                 if not os.path.basename(p).startswith('_'))
KEY_ID = 'LTAI5tExamplesKey'
KEY_SECRET = 'examples-secret-never-print'
FQCN = 'alicloud_ops.logging.%s'
SLS_MODULES = [m for m in MODULES if m.startswith('sls_')]
HOST_MODULES = [m for m in MODULES if not m.startswith(('sls_', 'cms_'))]
# CloudMonitor modules: against the emulator's CloudMonitor (ALICLOUD_CMS_ENDPOINT), each example's setup in its
# own EXAMPLES (the contact group and application group a rule needs come first).
CMS_MODULES = [m for m in MODULES if m.startswith('cms_')]


def examples(module):
    path = os.path.join(REPO_ROOT, 'plugins', 'modules', module + '.py')
    with open(path) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, 'id', None) for t in node.targets] == ['EXAMPLES']:
            tasks = yaml.safe_load(node.value.value)
            assert isinstance(tasks, list) and tasks, module
            return tasks
    raise AssertionError('%s has no EXAMPLES' % module)


def handlers_for(tasks):
    names = []
    for task in tasks:
        notify = task.get('notify') or []
        for name in [notify] if isinstance(notify, str) else notify:
            if name not in names:
                names.append(name)
    return [{'name': name, 'ansible.builtin.debug': {'msg': 'handler %s' % name}} for name in names]


def interleaved(tasks, real=True):
    """Each example in check mode (the task keyword, as --check would), then for real: each check runs on the
    state the examples before it left, as it would for a user stepping through them."""
    out = []
    for task in tasks:
        out.append(dict(task, check_mode=True))
        if real:
            out.append(task)
    return out


def play(name, tasks, variables=None, module_defaults=None):
    out = {'name': name, 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
           'vars': dict({'ansible_python_interpreter': sys.executable}, **(variables or {})),
           'tasks': tasks, 'handlers': handlers_for(tasks)}
    if module_defaults:
        out['module_defaults'] = module_defaults
    return out


def run(tmp_path, plays, env=None, inventory=None, prefix=()):
    """ansible-playbook with the json callback: (per-task results of localhost, the whole output)."""
    playbook = tmp_path / 'examples.yml'
    (tmp_path / 'home' / '.ansible' / 'tmp').mkdir(mode=0o700, parents=True, exist_ok=True)
    playbook.write_text(yaml.safe_dump(plays, sort_keys=False))
    clean = dict((k, v) for k, v in os.environ.items()
                 if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_', 'ANSIBLE_')))
    clean.update(ansible_env({'ANSIBLE_STDOUT_CALLBACK': 'ansible.builtin.json', 'HOME': str(tmp_path / 'home'),
                              'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp'),
                              'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}))
    clean.update(env or {})
    argv = [os.path.join(VENV_BIN, 'ansible-playbook'), str(playbook)]
    for source in inventory or []:
        argv += ['-i', source]
    proc = subprocess.run(list(prefix) + argv, cwd=str(tmp_path), env=clean, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=600)
    output = proc.stdout + proc.stderr
    try:
        # ansible.builtin.pause prints its own line before the json callback's report.
        report = json.loads(proc.stdout[proc.stdout.index('\n{') + 1 if not proc.stdout.startswith('{') else 0:])
    except ValueError:
        raise AssertionError(output)
    failed = [(task['task']['name'], result.get('msg')) for played in report['plays'] for task in played['tasks']
              for result in task['hosts'].values() if result.get('failed')]
    assert proc.returncode == 0 and not failed, (failed, proc.stderr)
    results = []
    for played in report['plays']:
        for task in played['tasks']:
            result = task['hosts'].get('localhost')
            if result is not None:
                results.append((played['play']['name'], task['task']['name'], result))
    return results, output


def assert_clean(results, output, secret=None, expected_warnings=None):
    """No task failed, and nothing warned: neither a module (its result's warnings) nor ansible-core, except
    expected_warnings: {task name: a fragment of its one warning} for what only this test bed causes."""
    expected_warnings = expected_warnings or {}
    for play_name, task, result in results:
        assert not result.get('failed'), (play_name, task, result)
        warnings = result.get('warnings') or []
        if task in expected_warnings:
            assert len(warnings) == 1 and expected_warnings[task] in warnings[0], (task, warnings)
            continue
        assert not warnings, (play_name, task, warnings)
        assert not result.get('deprecations'), (play_name, task, result['deprecations'])
    assert '[WARNING]' not in output and '[DEPRECATION WARNING]' not in output, output
    if secret:
        assert secret not in output


def example_results(results, module, real=True):
    """{example name: (check-mode result, real result or None)}, every example accounted for, in order."""
    names = [task['name'] for task in examples(module)]
    found = [(task, result) for play_name, task, result in results if play_name == 'examples' and task in names]
    per = 2 if real else 1
    assert [task for task, _ in found] == [name for name in names for _ in range(per)], found
    out = {}
    for index, name in enumerate(names):
        check = found[index * per][1]
        assert check.get('changed') is not None, (name, check)
        out[name] = (check, found[index * per + 1][1] if real else None)
    return out


def test_every_module_has_a_case():
    assert MODULES and set(MODULES) == set(SLS_SETUP) | set(HOST_CASES) | set(CMS_MODULES)


# --- Log Service examples, against the emulator -----------------------------------------------------------------

# The fleet of the machine-group example's inventory: two instances tagged role=web, one tagged role=db.
FLEET = {
    'regions': [{'RegionId': 'cn-hangzhou', 'LocalName': 'China (Hangzhou)'}],
    'instances': [
        {'InstanceId': 'i-web%d' % n, 'InstanceName': 'web-%d' % n, 'RegionId': 'cn-hangzhou',
         'ZoneId': 'cn-hangzhou-h', 'Status': 'Running',
         'VpcAttributes': {'VpcId': 'vpc-hz', 'PrivateIpAddress': {'IpAddress': ['10.0.1.1%d' % n]}},
         'Tags': {'role': 'web'}} for n in (1, 2)] + [
        {'InstanceId': 'i-db1', 'InstanceName': 'db-1', 'RegionId': 'cn-hangzhou', 'ZoneId': 'cn-hangzhou-h',
         'Status': 'Running', 'VpcAttributes': {'VpcId': 'vpc-hz', 'PrivateIpAddress': {'IpAddress': ['10.0.2.21']}},
         'Tags': {'role': 'db'}}],
}


@pytest.fixture(scope='module')
def emulator():
    emu = start_emulator(access_keys={KEY_ID: KEY_SECRET}, fixture=FLEET, index_delay=0)
    yield emu
    emu.stop()


def setup_task(module, **args):
    return {'name': 'setup: %s %s' % (module, args.get('name', '')), FQCN % module: args}


PROJECT = setup_task('sls_project', name='web-logs')
SYSLOG = setup_task('sls_logstore', project='web-logs', name='syslog')
INDEX = setup_task('sls_index', project='web-logs', logstore='syslog')
WEB_HOSTS = setup_task('sls_machine_group', project='web-logs', name='web-hosts', machines=[])
# What must exist before a module's examples run, as it would in the user's account (made with the modules).
SLS_SETUP = {
    'sls_project': [],
    'sls_logstore': [PROJECT],
    'sls_index': [PROJECT, SYSLOG, setup_task('sls_logstore', project='web-logs', name='app')],
    'sls_index_info': [PROJECT, SYSLOG, INDEX],
    'sls_log_search': [PROJECT, SYSLOG, INDEX],
    'sls_logtail_config': [PROJECT, SYSLOG, setup_task('sls_logstore', project='web-logs', name='nginx'), WEB_HOSTS],
    'sls_machine_group': [PROJECT],
    'sls_machine_group_info': [PROJECT, WEB_HOSTS],
    # The rule's action policy made as a user would, with sls_alert_action (account-level: no project).
    'sls_alert': [PROJECT, SYSLOG, INDEX, setup_task('sls_alert_action', name='ops-oncall',
                                                     webhook_url='https://hooks.example.com/alerts')],
    'sls_alert_action': [],
    'sls_logtail_config_info': [PROJECT, SYSLOG, setup_task(
        'sls_logtail_config', project='web-logs', name='alicloud-ops-logging-file-nginx-access', logstore='syslog',
        pipeline={'inputs': [{'Type': 'input_file', 'FilePaths': ['/var/log/nginx/access.log']}]})],
}
# The variables the examples use, as the user's inventory or play would set them.
SLS_VARS = {
    'alicloud_logging_sys_tag': 'web_syslog',                 # sls_logtail_config
    'alicloud_logging_user_defined_ids': ['web-prod'],        # sls_machine_group
    'run_id': '20261206T0500',                                # sls_log_search
}


def inventory_source(tmp_path, emu):
    """The user's alicloud_ecs inventory file (its keyed group role_web is what the machine-group example uses)."""
    path = tmp_path / 'inventory' / 'alicloud_ecs.yml'
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({
        'plugin': 'alicloud_ops.logging.alicloud_ecs', 'regions': ['cn-hangzhou'], 'endpoint_url': emu.url,
        'hostnames': ['private_ip'], 'keyed_groups': [{'key': 'ecs_tags.role', 'prefix': 'role'}]}))
    return str(path)


def reset_sls(emu):
    """The emulator's Log Service side emptied (its emulator-only reset endpoint)."""
    with urlopen(Request(emu.url + '/_emulator/sls/reset', data=b'', method='POST'), timeout=10):
        pass


@pytest.mark.parametrize('module', CMS_MODULES)
def test_cms_module_examples_run_against_the_emulator(tmp_path, emulator, module):
    plays = [play('examples', interleaved(examples(module)))]
    env = {'ALIBABA_CLOUD_ACCESS_KEY_ID': KEY_ID, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': KEY_SECRET,
           'ALICLOUD_CMS_ENDPOINT': emulator.url}
    results, output = run(tmp_path, plays, env)
    assert_clean(results, output, secret=KEY_SECRET)
    found = example_results(results, module)
    for name, (check, real) in found.items():
        assert check['changed'] == real['changed'], name      # check mode predicts the real run
        assert 'access_token=' not in output and 'hooks.example.com/cms' not in output


@pytest.mark.parametrize('module', SLS_MODULES)
def test_sls_module_examples_run_against_the_emulator(tmp_path, emulator, module):
    reset_sls(emulator)
    tasks = examples(module)
    plays = [play('setup', SLS_SETUP[module])] if SLS_SETUP[module] else []
    # The emulator's index covers new lines at once (index_delay=0); sls_index_info is told so, as a user would
    # tell it the delay of their service, and the pause example still pauses (for 2 s instead of a minute).
    defaults = {FQCN % 'sls_index_info': {'index_delay': 2}} if module == 'sls_index_info' else None
    plays.append(play('examples', interleaved(tasks), SLS_VARS, module_defaults=defaults))
    env = {'ALIBABA_CLOUD_ACCESS_KEY_ID': KEY_ID, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': KEY_SECRET,
           'ALICLOUD_SLS_ENDPOINT': emulator.endpoint}
    results, output = run(tmp_path, plays, env, inventory=[inventory_source(tmp_path, emulator)])
    assert_clean(results, output, secret=KEY_SECRET)
    found = example_results(results, module)
    state = emulator.sls_state()
    if module == 'sls_machine_group':
        # The inventory's role_web hosts by their private_ip, then two more appended.
        group = state['projects']['web-logs']['machinegroups']['web-hosts-by-ip']
        assert sorted(group['machineList']) == ['10.0.0.21', '10.0.0.22', '10.0.1.11', '10.0.1.12'], group
        check, real = found["Group of the inventory's private IPs, replaced exactly"]
        assert check['changed'] and real['changed']
    if module == 'sls_project':
        assert 'web-logs' not in state['projects']             # made by the first example, removed by the second
        assert found['Log project for the web fleet'][0]['changed']
    # Check mode said what the real run then did.
    for name, (check, real) in found.items():
        assert check['changed'] == real['changed'], (name, check, real)


# --- Host examples, against temp trees --------------------------------------------------------------------------

RSYSLOG_MAIN = ('global(workDirectory="{work}")\n'
                '$IncludeConfig {root}/etc/rsyslog.d/*.conf\n'
                'action(type="omfile" file="{work}/local.log")\n')


def stats_pass():
    stamp = time.strftime('%Y-%m-%dT%H:%M:%S+00:00', time.gmtime())
    return ''.join('%s %s\n' % (stamp, line) for line in (
        'BEGIN',
        '{ "name": "logtail", "origin": "core.action", "processed": 5, "failed": 0, "suspended": 0, '
        '"suspended.duration": 0, "resumed": 0 }',
        '{ "name": "logtail queue[DA]", "origin": "core.queue", "size": 0, "enqueued": 0, "full": 0, '
        '"discarded.full": 0, "discarded.nf": 0, "maxqsize": 0 }',
        '{ "name": "logtail queue", "origin": "core.queue", "size": 0, "enqueued": 5, "full": 0, '
        '"discarded.full": 0, "discarded.nf": 0, "maxqsize": 3 }',
        'END'))


class HostTree:
    """A temp root for the path options, and the directories bound over the absolute paths examples name."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.root = tmp_path / 'root'
        self.spool = tmp_path / 'spool'            # bound over /var/spool/rsyslog
        self.mnt = tmp_path / 'mnt'                # bound over /mnt (the image root /mnt/image)
        for path in (self.root / 'etc' / 'rsyslog.d', self.spool, self.mnt / 'image', tmp_path / 'work'):
            path.mkdir(parents=True)
        (self.root / 'etc' / 'rsyslog.conf').write_text(RSYSLOG_MAIN.format(work=tmp_path / 'work', root=self.root))
        # The file the image example's lookup('file', 'ilogtaild.service') reads, next to the playbook.
        (tmp_path / 'files').mkdir()
        (tmp_path / 'files' / 'ilogtaild.service').write_text(
            '[Unit]\nDescription=Alibaba Cloud Logtail agent\n\n[Service]\nType=forking\n'
            'ExecStart=/etc/init.d/ilogtaild start\n\n[Install]\nWantedBy=multi-user.target\n')
        for path in ('/etc/init.d/ilogtaild', '/mnt/image/etc/init.d/ilogtaild'):
            target = (self.mnt / path[len('/mnt/'):]) if path.startswith('/mnt/') else self.path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text('#!/bin/sh\nexit 0\n')
            target.chmod(0o755)

    def path(self, absolute):
        return self.root / absolute.lstrip('/')

    def prefix(self):
        """unshare: a private mount namespace with the temp directories over the real paths."""
        if os.geteuid() != 0 or not shutil.which('unshare'):
            pytest.skip('needs root and unshare for a private mount namespace')
        script = 'mount --bind "$1" /var/spool/rsyslog && mount --bind "$2" /mnt && shift 2 && exec "$@"'
        return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh',
                str(self.spool), str(self.mnt)]


def host_defaults(tree):
    return {
        'rsyslog_dropin': {'dropin_dir': str(tree.path('/etc/rsyslog.d')),
                           'main_config': str(tree.path('/etc/rsyslog.conf'))},
        'logtail_config': {'config_path': str(tree.path('/usr/local/ilogtail/ilogtail_config.json')),
                           'user_defined_id_path': str(tree.path('/etc/ilogtail/user_defined_id')),
                           'aliuids_dir': str(tree.path('/etc/ilogtail/users'))},
        'logtail_agent': {'install_dir': str(tree.path('/usr/local/ilogtail')),
                          'init_script': str(tree.path('/etc/init.d/ilogtaild'))},
        'systemd_unit': {'root': str(tree.root)},
        'rsyslog_queue_info': {},
        'converge_probe': {},
    }


def probe_defaults(tasks, tree):
    """converge_probe's examples give their tasks' options inside `tasks`, where module_defaults do not reach: the
    temp tree's paths go there too, and the module_defaults of the modules it answers for."""
    defaults = host_defaults(tree)
    modules = {}
    for task in tasks:
        for entry in (task.get(FQCN % 'converge_probe') or {}).get('tasks', []):
            short = entry['module'].split('.')[-1]
            entry['args'] = dict(defaults[short], **entry['args'])
            modules[entry['module']] = defaults[short]
    return modules


# Module -> whether its examples also run for real here. logtail_agent's download from Alibaba Cloud's mirrors
# (or mirror.example.com) is check mode only; the installer itself runs in test_logtail_agent_install.py.
HOST_CASES = {'rsyslog_dropin': True, 'logtail_config': True, 'systemd_unit': True, 'rsyslog_queue_info': True,
              'logtail_agent': False, 'converge_probe': True}


@pytest.mark.parametrize('module', HOST_MODULES)
def test_host_module_examples_run_against_a_temp_tree(tmp_path, module):
    tree = HostTree(tmp_path)
    prefix = tree.prefix()
    tasks = examples(module)
    defaults = host_defaults(tree)[module]
    module_defaults = {FQCN % module: defaults} if defaults else None
    if module == 'converge_probe':
        module_defaults = probe_defaults(tasks, tree)
    plays = [play('examples', interleaved(tasks, real=HOST_CASES[module]), module_defaults=module_defaults)]
    stop = threading.Event()
    writer = None
    if module == 'rsyslog_queue_info':
        # rsyslog's impstats, writing a pass a second: the forward queue is empty in memory and on disk.
        stats = tree.spool / 'logtail-queue-stats.json'

        def write():
            while not stop.wait(0.5):
                with open(str(stats), 'a') as handle:
                    handle.write(stats_pass())
        writer = threading.Thread(target=write, daemon=True)
        writer.start()
    try:
        results, output = run(tmp_path, plays, prefix=prefix)
    finally:
        stop.set()
        if writer:
            writer.join()
    # systemd is not running here (no PID 1 systemd; the unit goes to a temp root): the module says it did not
    # start the unit, as it must; on a host running systemd the example starts it and says nothing.
    expected = {'Run Logtail under systemd and restart it when it dies':
                'service_state=started was not applied to ilogtaild.service: root=%s is an offline system tree'
                % tree.root} if module == 'systemd_unit' else {}
    assert_clean(results, output, expected_warnings=expected)
    found = example_results(results, module, real=HOST_CASES[module])
    if HOST_CASES[module]:
        for name, (check, real) in found.items():
            assert check['changed'] == real['changed'], (name, check, real)
    if module == 'rsyslog_dropin':
        # The forward was written, then removed by the last example; the others stay.
        assert sorted(os.listdir(str(tree.path('/etc/rsyslog.d')))) == ['10-drop-noise.conf', '50-auth-remote.conf']
        assert found['Forward all syslog to Logtail with the seed\'s template and a disk-assisted queue'][1]['changed']
    if module == 'logtail_config':
        config = json.loads(tree.path('/usr/local/ilogtail/ilogtail_config.json').read_text())
        assert config['streamlog_tcp_port'] == 11111 and config['working_hostname'] == 'localhost'
        assert tree.path('/etc/ilogtail/users/1234567890123456').exists()
    if module == 'systemd_unit':
        assert (tree.mnt / 'image' / 'etc' / 'systemd' / 'system' / 'ilogtaild.service').exists()
        assert not tree.path('/etc/systemd/system/ilogtaild.service').exists()   # removed by the last example
        assert tree.path('/etc/systemd/system/ilogtaild.service.d/10-limits.conf').exists()
    if module == 'rsyslog_queue_info':
        waited = found['Wait until the forward queue is empty in memory and on disk'][1]
        assert waited['available'] and waited['empty']
    if module == 'converge_probe':
        # The drop-ins the example's tasks wrote (the probe itself writes nothing).
        assert sorted(os.listdir(str(tree.path('/etc/rsyslog.d')))) == ['50-forward-logtail.conf',
                                                                        '50-forward-stats.conf']
    if module == 'logtail_agent':
        assert found['Install Logtail 1.8.0 from the region\'s internal mirror (VPC)'][0]['changed']
