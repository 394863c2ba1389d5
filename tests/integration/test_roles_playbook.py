"""site.yml and playbooks/decommission.yml through ansible-runner against a temp root.

Every role path points into ``root`` via alicloud_logging_root; the stand-in installer honours
LOGTAIL_STANDIN_ROOT (test-only) and is served from a loopback mirror. systemd is not PID 1
here, so the unit is written and enabled offline (systemctl --root) and nothing is started;
rsyslog validation is the host's real rsyslogd -N1 against a test main config. The end-to-end
test then starts the installed stand-in agent through the installed init script and a real
rsyslogd from the same main config, and checks a line makes it through the role's drop-in.
"""
import json
import os
import socket
import subprocess
import pytest

from tests.integration.logtail_play_helpers import ISOLATED
from tests.integration.rsyslog_bed import Process, free_port, port_open, read_lines, wait_for
from tests.logtail_standin.server import MirrorServer
from tests.support import playbook_runner

REPO = playbook_runner.REPO_ROOT
SITE = os.path.join(REPO, 'site.yml')
DECOMMISSION = os.path.join(REPO, 'playbooks', 'decommission.yml')
VERSION = '1.8.0'
SYS_TAG = 'web_syslog'


class Bed:
    """A temp system root with an rsyslog main config, the stand-in mirror and the play vars."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.root = str(tmp_path / 'root')
        self.input_port = free_port()
        self.streamlog_port = free_port()
        os.makedirs(self.path('/etc/rsyslog.d'))
        with open(self.path('/etc/rsyslog.conf'), 'w') as handle:
            handle.write(
                'global(workDirectory="%(work)s")\n'
                'module(load="imtcp")\n'
                'input(type="imtcp" address="127.0.0.1" port="%(port)d")\n'
                '$IncludeConfig %(dropins)s/*.conf\n'
                # Like any real rsyslog.conf, it logs locally too, so it stays valid without the drop-in.
                'action(type="omfile" file="%(local)s")\n'
                % {'work': str(tmp_path), 'port': self.input_port, 'dropins': self.path('/etc/rsyslog.d'),
                   'local': str(tmp_path / 'local.log')})
        self.mirror = MirrorServer(str(tmp_path / 'mirror')).start()
        checksum = self.mirror.publish(VERSION)
        self.extravars = {
            'alicloud_logging_root': self.root,
            'alicloud_logging_sys_tag': SYS_TAG,
            'alicloud_logging_streamlog_port': self.streamlog_port,
            'logtail_installer_url': self.mirror.installer_url,
            'logtail_installer_checksum': checksum,
            'logtail_version': VERSION,
            'logtail_aliuids': ['1234567890123456'],
            'rsyslog_forward_resume_interval': 1,
            'rsyslog_forward_drain_retries': 3,
            'rsyslog_forward_drain_delay': 1,
            'rsyslog_forward_stats_interval': 1,
        }
        self.processes = []

    def path(self, target_path):
        return self.root + target_path

    def run(self, playbook, **kwargs):
        envvars = dict(ISOLATED, LOGTAIL_STANDIN_ROOT=self.root)
        runs = len([n for n in os.listdir(str(self.tmp)) if n.startswith('run-')])
        private = self.tmp / ('run-%d' % runs)
        private.mkdir()
        return playbook_runner.run_playbook(private, playbook, extravars=self.extravars, envvars=envvars,
                                            **kwargs)

    def snapshot(self):
        found = {}
        for base, dirs, files in os.walk(self.root):
            for name in dirs + files:
                full = os.path.join(base, name)
                found[os.path.relpath(full, self.root)] = (
                    os.readlink(full) if os.path.islink(full) else
                    None if os.path.isdir(full) else open(full, 'rb').read())
        return found

    def close(self):
        for proc in self.processes:
            proc.stop()
        init = self.path('/etc/init.d/ilogtaild')
        if os.path.exists(init):
            subprocess.run([init, 'stop'], check=False, capture_output=True)
        self.mirror.stop()


@pytest.fixture
def bed(tmp_path):
    b = Bed(tmp_path)
    yield b
    b.close()


def changed_tasks(result):
    return sorted(name for name, res in result.task_results() if res.get('changed'))


CONTROLLER_ONLY_ACTIONS = ('ansible.builtin.debug', 'debug', 'ansible.builtin.assert', 'assert',
                           'ansible.builtin.validate_argument_spec', 'validate_argument_spec',
                           'ansible.builtin.include_tasks', 'include_tasks')


UNIT_TASK = 'Run Logtail under systemd, restarted whenever it dies'
INSTALL_TASK = 'Install Logtail with the official installer'
CONFIG_TASK = 'Configure Logtail (streamlog syslog input, limits, machine identity)'
DROPIN_TASKS = ['Forward all syslog to Logtail through a disk-assisted queue',
                'Report the forward queue through impstats (validated with the whole configuration)']
# The rsyslog_forward role's probe; the logtail role's install task carries its own (probe_after).
PROBE = 'Read what the two drop-in tasks below would change, in one round trip'


def module_calls(result):
    """Tasks that ran a module on the host; argument-spec validation, debug and assert run on the controller, and
    a task answered by a converge_probe (answered_by_probe in its result) made no round trip."""
    return [ev['event_data'].get('task') for ev in result.runner.events
            if ev.get('event') == 'runner_on_ok'
            and ev['event_data'].get('task_action') not in CONTROLLER_ONLY_ACTIONS
            and 'answered_by_probe' not in (ev['event_data'].get('res') or {})]


def answered(result):
    """Tasks a converge_probe answered, by name."""
    return [ev['event_data'].get('task') for ev in result.runner.events
            if ev.get('event') == 'runner_on_ok' and 'answered_by_probe' in (ev['event_data'].get('res') or {})]


def rsyslog_config_valid(bed):
    proc = subprocess.run(['/usr/sbin/rsyslogd', '-N1', '-f', bed.path('/etc/rsyslog.conf')],
                          capture_output=True, text=True)
    return proc.returncode == 0, proc.stdout + proc.stderr


def test_site_check_then_apply_then_idempotent_then_decommission(bed):
    # An application log file source: the host joins the source's machine group by a user-defined id of its own.
    bed.extravars['alicloud_logging_file_sources'] = [
        {'name': 'nginx-access', 'paths': ['/var/log/nginx/access.log'], 'format': 'nginx'}]
    pristine = bed.snapshot()

    check = bed.run(SITE, check=True, diff=True)
    assert check.rc == 0, check.stdout
    assert bed.snapshot() == pristine, 'check mode wrote into the root'
    would_change = changed_tasks(check)
    # In check mode the install task's round trip (its probe_after) answers every task after it, of both roles
    # (rsyslog_forward's drop-ins too, and that role's probe takes the answers: no round trip). The unit task alone
    # runs on the host: with systemd not running here it warns that the service state is not applied, and an answer
    # with warnings is not taken (the task's own run shows them).
    assert module_calls(check) == [INSTALL_TASK, UNIT_TASK], module_calls(check)
    assert answered(check) == [CONFIG_TASK, PROBE] + DROPIN_TASKS, answered(check)

    first = bed.run(SITE, diff=True)
    assert first.rc == 0, first.stdout
    # On a new host the install task's probe stops at the config task, which would change the host too: every task
    # runs, and rsyslog_forward's probe, seeing a new host, makes no round trip (no more round trips than tasks).
    assert answered(first) == [PROBE], answered(first)
    assert module_calls(first)[:5] == [INSTALL_TASK, CONFIG_TASK, UNIT_TASK] + DROPIN_TASKS, module_calls(first)
    assert PROBE not in module_calls(first)
    assert changed_tasks(first) == would_change == sorted([
        'Install Logtail with the official installer',
        'Configure Logtail (streamlog syslog input, limits, machine identity)',
        'Run Logtail under systemd, restarted whenever it dies',
        'Forward all syslog to Logtail through a disk-assisted queue',
        'Report the forward queue through impstats (validated with the whole configuration)'])
    # The installer wrote the vendor's unit; the role keeps it and supervises it through a drop-in.
    # systemd is not running: the unit is enabled offline and the service state is not applied.
    assert 'Type=oneshot\n' in open(bed.path('/etc/systemd/system/ilogtaild.service')).read()
    dropin = open(bed.path('/etc/systemd/system/ilogtaild.service.d/50-alicloud-ops-supervise.conf')).read()
    # The agent's PID file carries its version (ilogtail_<version>.pid): the start command finds it by glob.
    assert "ExecStart=\nExecStart=/bin/sh -c '/etc/init.d/ilogtaild start || exit; " in dropin
    assert 'for f in $$(ls -t /usr/local/ilogtail/ilogtail*.pid 2>/dev/null); do' in dropin
    assert '> /run/ilogtaild.alicloud-ops.pid && exit 0;' in dropin
    for line in ('Type=forking', 'RemainAfterExit=no', 'PIDFile=/run/ilogtaild.alicloud-ops.pid',
                 'ExecStop=\nExecStop=/etc/init.d/ilogtaild stop', 'Restart=always', 'RestartSec=2', 'StartLimitIntervalSec=0'):
        assert line + '\n' in dropin, line
    wants = bed.path('/etc/systemd/system/multi-user.target.wants/ilogtaild.service')
    assert os.readlink(wants) == '/etc/systemd/system/ilogtaild.service'
    config = json.load(open(bed.path('/usr/local/ilogtail/ilogtail_config.json')))
    assert config['streamlog_open'] is True and config['streamlog_tcp_addr'] == '127.0.0.1'
    assert config['streamlog_tcp_port'] == bed.streamlog_port
    # The seed's value: Logtail's built-in 0.1 layout takes no field list.
    assert config['streamlog_formats'] == [{'version': '0.1', 'fields': []}]
    assert 'data_server_list' in config, 'keys the installer wrote must be kept'
    assert open(bed.path('/etc/ilogtail/user_defined_id')).read().split() == [
        'alicloud-ops-logging', 'alicloud-ops-logging-file-nginx-access']
    assert os.path.exists(bed.path('/etc/ilogtail/users/1234567890123456'))
    dropin = open(bed.path('/etc/rsyslog.d/60-logtail.conf')).read()
    for needle in (SYS_TAG, 'fwdRule1', bed.path('/var/spool/rsyslog'), 'LinkedList', '"1g"',
                   str(bed.streamlog_port), 'omfwd'):
        assert needle in dropin
    assert rsyslog_config_valid(bed)[0]
    # Handlers ran but could not restart anything here, and said why.
    assert first.stdout.count('was not applied') >= 2, first.stdout

    second = bed.run(SITE)
    assert second.rc == 0 and second.changed == 0, second.stdout
    # The idempotent run: no facts, one round trip for both roles (the install task's, which carries the probe; the
    # second role's probe takes its answers), and the unit task's for its warning here.
    assert module_calls(second) == [INSTALL_TASK, UNIT_TASK], module_calls(second)
    assert sorted(answered(second) + [INSTALL_TASK, UNIT_TASK]) == sorted(would_change + [PROBE]), answered(second)
    # --start-at-task past a probe: the tasks after it have none to take, and run on the host (they failed on an
    # undefined variable before); a probe that does run still answers the tasks after it.
    for start, calls, taken in ((UNIT_TASK, [UNIT_TASK, PROBE], DROPIN_TASKS), (DROPIN_TASKS[1], DROPIN_TASKS[1:], [])):
        late = bed.run(SITE, cmdline='--start-at-task "%s"' % start)
        assert late.rc == 0 and late.changed == 0, late.stdout
        assert module_calls(late) == calls and answered(late) == taken, (module_calls(late), answered(late))

    # Drift in the agent's config: the install task changes nothing and its probe stops at the config task (which
    # would change the host): from there every task runs on the host; the config task's change spends the probe, so
    # the other role's probe runs on the host itself and answers both drop-ins.
    config_path = bed.path('/usr/local/ilogtail/ilogtail_config.json')
    drifted = dict(config, streamlog_tcp_port=bed.streamlog_port + 1)
    with open(config_path, 'w') as handle:
        json.dump(drifted, handle)
    third = bed.run(SITE)
    assert third.rc == 0 and changed_tasks(third) == [
        'Configure Logtail (streamlog syslog input, limits, machine identity)'], third.stdout
    assert json.load(open(config_path))["streamlog_tcp_port"] == bed.streamlog_port
    assert module_calls(third) == [INSTALL_TASK, CONFIG_TASK, UNIT_TASK, PROBE, 'Restart logtail'], module_calls(third)
    assert answered(third) == DROPIN_TASKS, answered(third)

    gone = bed.run(DECOMMISSION)
    assert gone.rc == 0, gone.stdout
    for target_path in ('/etc/systemd/system/ilogtaild.service', wants[len(bed.root):],
                        '/etc/systemd/system/ilogtaild.service.d/50-alicloud-ops-supervise.conf',
                        '/etc/rsyslog.d/60-logtail.conf', '/usr/local/ilogtail', '/etc/init.d/ilogtaild',
                        '/etc/ilogtail/user_defined_id', '/etc/ilogtail/users/1234567890123456'):
        assert not os.path.lexists(bed.path(target_path)), target_path
    assert rsyslog_config_valid(bed)[0]
    again = bed.run(DECOMMISSION)
    assert again.rc == 0 and again.changed == 0, again.stdout


def test_decommission_refuses_while_the_queue_has_not_drained(bed):
    assert bed.run(SITE).rc == 0
    spool = bed.path('/var/spool/rsyslog')
    with open(os.path.join(spool, 'fwdRule1.00000001'), 'w') as handle:
        handle.write('queued\n')
    stuck = bed.run(DECOMMISSION)
    assert stuck.rc != 0 and 'Wait until the forward queue has drained' in stuck.stdout
    assert 'was not applied' in stuck.stdout  # the one restart could not happen without systemd
    assert os.path.exists(bed.path('/etc/rsyslog.d/60-logtail.conf'))
    assert os.path.exists(bed.path('/usr/local/ilogtail/ilogtail_config.json'))


HANDLERS = ('Restart journald before rsyslog', 'Restart rsyslog', "Forget imjournal's place in the journal",
            'Restart journald')


def handler_order(result):
    """The role's handlers in the order they ran (the tasks the restart handler includes print as handlers too)."""
    names = [line.split(' : ', 1)[1].rstrip('] *') for line in result.stdout.splitlines()
             if line.startswith('RUNNING HANDLER [alicloud_ops.logging.rsyslog_forward : ')]
    return [name for name in names if name in HANDLERS]


def test_journal_input_on_off_untouched_and_decommissioned(bed):
    """rsyslog_forward_journal_input: true writes the imjournal drop-in (validated) and journald's
    ForwardToSyslog=no, restarting rsyslog before journald; false removes both, journald first; null
    leaves them; decommission removes them whatever it is set to. Each second run changes nothing."""
    journal = bed.path('/etc/rsyslog.d/05-logtail-journal.conf')
    journald = bed.path('/etc/systemd/journald.conf.d/60-alicloud-ops-logging.conf')
    assert bed.run(SITE).rc == 0  # null, the default: the host's journal path as it is
    off_state = bed.snapshot()
    assert not os.path.exists(journal) and not os.path.exists(journald)

    bed.extravars['rsyslog_forward_journal_input'] = True
    check = bed.run(SITE, check=True, diff=True)
    assert check.rc == 0, check.stdout
    assert bed.snapshot() == off_state, 'check mode wrote into the root'
    on = bed.run(SITE, diff=True)
    assert on.rc == 0, on.stdout
    assert changed_tasks(on) == changed_tasks(check) == sorted([
        'Read the journal with imjournal (validated with the whole configuration)',
        'Make the journald drop-in directory', 'Write the journald drop-in (ForwardToSyslog=no)'])
    content = open(journal).read()
    for needle in ('module(load="imjournal"', 'StateFile="/var/spool/rsyslog/imjournal.state"',
                   'IgnorePreviousMessages="on"', 'Ratelimit.Interval="0"',
                   'if $inputname == "imjournal" and $syslogfacility-text == "kern" then stop'):
        assert needle in content, needle
    assert '[Journal]\nForwardToSyslog=no\n' in open(journald).read()
    assert rsyslog_config_valid(bed)[0]
    # rsyslog reads the journal before journald stops forwarding.
    assert handler_order(on) == ['Restart rsyslog', 'Restart journald'], on.stdout
    again = bed.run(SITE)
    assert again.rc == 0 and again.changed == 0, again.stdout
    # The install task's probe answers the module tasks after it in both roles (but the unit task, which warns here),
    # the second role's probe takes its answers; the journal input's three tasks run on the host.
    assert len(module_calls(again)) == 1 + 1 + 3 and answered(again) == [CONFIG_TASK, PROBE] + DROPIN_TASKS, (
        module_calls(again), answered(again))

    state_file = bed.path('/var/spool/rsyslog/imjournal.state')
    with open(state_file, 'w') as handle:  # as rsyslog leaves it when it stops
        handle.write('s=0123;i=4;b=5;m=6;t=7;x=8\n')
    bed.extravars['rsyslog_forward_journal_input'] = False
    back = bed.run(SITE)
    assert back.rc == 0, back.stdout
    assert not os.path.exists(journal) and not os.path.exists(journald)
    # journald forwards again before rsyslog leaves the journal; then imjournal's place is forgotten.
    assert handler_order(back) == ['Restart journald before rsyslog', 'Restart rsyslog',
                                   "Forget imjournal's place in the journal"], back.stdout
    assert not os.path.exists(state_file)
    # Only the (empty) drop-in directory stays, as a package would leave it.
    left = bed.snapshot()
    assert left.pop('etc/systemd/journald.conf.d') is None and left == off_state
    assert bed.run(SITE).changed == 0

    bed.extravars['rsyslog_forward_journal_input'] = True
    assert bed.run(SITE).rc == 0
    bed.extravars['rsyslog_forward_journal_input'] = None
    untouched = bed.run(SITE)
    assert untouched.rc == 0 and untouched.changed == 0, untouched.stdout
    assert os.path.exists(journal) and os.path.exists(journald)
    # With the journal input left as the host has it, nothing of it runs: one round trip for both roles (the install
    # task's), and the unit task.
    assert module_calls(untouched) == [INSTALL_TASK, UNIT_TASK], module_calls(untouched)
    assert PROBE in answered(untouched), answered(untouched)

    bed.extravars.update(rsyslog_forward_journal_input=True, rsyslog_forward_journal_state_file='imjournal.state')
    relative = bed.run(SITE)
    assert relative.rc != 0 and 'rsyslog_forward_journal_state_file must be an absolute path' in relative.stdout
    assert open(journal).read() == content, 'the refused value must not reach the drop-in'
    del bed.extravars['rsyslog_forward_journal_state_file']

    with open(state_file, 'w') as handle:
        handle.write('s=0123;i=4;b=5;m=6;t=7;x=8\n')
    gone = bed.run(DECOMMISSION)
    assert gone.rc == 0, gone.stdout
    assert not os.path.exists(journal) and not os.path.exists(journald) and not os.path.exists(state_file)
    assert rsyslog_config_valid(bed)[0]
    assert bed.run(DECOMMISSION).changed == 0


def test_installed_agent_receives_syslog_through_the_role_dropin(bed):
    assert bed.run(SITE).rc == 0
    init = bed.path('/etc/init.d/ilogtaild')
    # logtail_agent started the agent (only a running agent writes app_info.json); without systemd nothing
    # restarted it into the configuration the role wrote afterwards.
    started = subprocess.run([init, 'restart'], capture_output=True, text=True)
    assert started.returncode == 0, started.stdout + started.stderr
    wait_for(lambda: port_open(bed.streamlog_port), 30, 'the installed agent to listen')
    rsyslogd = Process(['/usr/sbin/rsyslogd', '-n', '-C', '-f', bed.path('/etc/rsyslog.conf'),
                        '-i', str(bed.tmp / 'rsyslogd.pid')], str(bed.tmp / 'rsyslogd.out'))
    bed.processes.append(rsyslogd)
    wait_for(lambda: port_open(bed.input_port), 30, 'rsyslogd to listen')
    with socket.create_connection(('127.0.0.1', bed.input_port)) as sock:
        sock.sendall(b'<13>1 2026-11-26T10:00:00Z web1 myapp 4242 - - hello from the role test\n')
    record = bed.path('/usr/local/ilogtail/standin_received.log')
    lines = wait_for(lambda: read_lines(record), 30, 'the line to reach the agent')
    # version sys_tag time fromhost-ip hostname pri-text protocol-version app-name procid msgid msg
    fields = lines[0].split(' ', 10)
    assert fields[0] == '0.1' and fields[1] == SYS_TAG and fields[4] == 'web1'
    assert fields[7:9] == ['myapp', '4242'] and fields[10] == 'hello from the role test'


def _ansible(tool, *args):
    return subprocess.run([os.path.join(playbook_runner.VENV_BIN, tool)] + list(args), cwd=REPO,
                          env=dict(os.environ, **playbook_runner.ansible_env(ISOLATED)),
                          capture_output=True, text=True)


def test_playbooks_pass_syntax_check():
    proc = _ansible('ansible-playbook', '--syntax-check', 'site.yml', 'playbooks/decommission.yml')
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize('kind, name, needle', [
    ('module', 'alicloud_ops.logging.systemd_unit', 'service_state'),
    ('role', 'alicloud_ops.logging.logtail', 'logtail_restart_sec'),
    ('role', 'alicloud_ops.logging.rsyslog_forward', 'alicloud_ops.logging.internal_common'),
    ('role', 'alicloud_ops.logging.internal_common', 'alicloud_logging_sys_tag'),
])
def test_ansible_doc_renders(kind, name, needle):
    proc = _ansible('ansible-doc', '-t', kind, name)
    assert proc.returncode == 0 and needle in proc.stdout, proc.stdout + proc.stderr
