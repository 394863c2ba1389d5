"""`make demo-alarm` on the demo's container fleet, judged from what the webhook received (issue 23, "Done when").

1. `make demo` when no demo runs here (the fleet, the emulator with --alarm-min-interval 10, site.yml).
2. `make demo-alarm` (tools/demo_alarm.py): alarms.yml with 10 s rules; the healthy fleet for one window; web-1's
   agent stopped then started; web-2's rsyslog stopped then started; 30 err lines on api-1; CPU usage above the
   threshold pushed for web-1's instance, then below.
3. The receiver's records of that run (.cache/demo/alarm-received.jsonl, the lines this run appended), counted
   exactly: host silent fired once and resolved once for web-1 and for web-2 and never for api-1; error burst fired
   once, for api-1 only; no agent-restart-loop notification (nothing was restarted by systemd); CloudMonitor's CPU
   rule called back ALERT once and OK once, for web-1's instance only; every Log Service notification names its
   host in its labels, its title and its rows.
4. alarms.yml again with the same variables, in check mode and for real: changed=0 on every host (the heartbeat
   timer) and on the controller (rules, groups, webhook).
5. The agent-restart-loop alarm from real systemd restarts, beside the demo's alarms (its own action policy and
   receiver; the agent itself is left alone): a transient unit restarted by systemd 3+ times on api-1 and once on
   web-2, counted by the role's rule with that unit as alarms_agent_unit -> one notification, for api-1 only, then
   resolved when the lines leave the window; the role's remove entry point takes it away (a second remove changes
   nothing).
"""
import collections
import json
import os
import subprocess
import time
import uuid

import pytest

from tests.integration.test_demo import make as demo_make, recap
from tests.support.playbook_runner import REPO_ROOT
from tools import demo_alarm
from tools.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.docker
STATE = os.path.join(REPO_ROOT, '.cache', 'demo')
RECEIVED = os.path.join(STATE, 'alarm-received.jsonl')
WEB1, WEB2, API1 = demo_alarm.WEB1, demo_alarm.WEB2, demo_alarm.API1
SILENT, BURST, RESTART = demo_alarm.RULE['silent'], demo_alarm.RULE['burst'], demo_alarm.RULE['restart']
CPU_RULE = '%s-role_web-cpu-high' % demo_alarm.NAME


def make(target):
    return demo_make(target, timeout=1800)


def demo_running():
    pid_file = os.path.join(STATE, 'emulator.pid')
    if not (os.path.exists(os.path.join(STATE, 'env')) and os.path.exists(pid_file)):
        return False
    with open(pid_file) as handle:
        pid = int(handle.read().strip() or 0)
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    with open(os.path.join(STATE, 'emulator.args')) as handle:
        return '--alarm-min-interval 10' in handle.read()


def received_lines():
    if not os.path.exists(RECEIVED):
        return []
    with open(RECEIVED) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def alarms_playbook(*args):
    proc = subprocess.run([os.path.join(REPO_ROOT, '.venv', 'bin', 'ansible-playbook'), 'playbooks/alarms.yml',
                           '-i', 'inventories/demo/', '-e', '@' + os.path.join(STATE, 'alarm-vars.json')]
                          + list(args), cwd=REPO_ROOT, env=demo_alarm.demo_env(), timeout=600,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    assert proc.returncode == 0, proc.stdout[-6000:]
    return recap(proc.stdout)


@pytest.fixture(scope='module')
def demo():
    started = not demo_running()
    if started:
        rc, out = make('demo')
        assert rc == 0, out[-6000:]
    yield
    if started:  # a demo this module started goes with it (make test runs Molecule next on the same machine)
        rc, out = make('demo-clean')
        assert rc == 0, out


@pytest.fixture(scope='module')
def alarm_run(demo):
    before = len(received_lines())
    rc, out = make('demo-alarm')
    assert rc == 0, out[-8000:]
    return out, received_lines()[before:]


def test_each_alarm_notified_exactly_once_for_the_host_at_fault(alarm_run):
    out, records = alarm_run
    events = collections.Counter(demo_alarm.event(r) for r in records)
    assert events[('sls', SILENT, WEB1, 'firing')] == 1, events
    assert events[('sls', SILENT, WEB1, 'resolved')] == 1, events
    assert events[('sls', SILENT, WEB2, 'firing')] == 1, events
    assert events[('sls', SILENT, WEB2, 'resolved')] == 1, events
    assert events[('sls', BURST, API1, 'firing')] == 1, events
    assert events[('cms', CPU_RULE, WEB1, 'ALERT')] == 1, events
    assert events[('cms', CPU_RULE, WEB1, 'OK')] == 1, events
    # The healthy hosts: api-1 never silent, web-1 and web-2 never bursting, no restart loop anywhere, no other
    # CloudMonitor rule or instance. The burst may resolve once (its lines leave the 60 s window), for api-1 only.
    allowed = {('sls', SILENT, WEB1, 'firing'), ('sls', SILENT, WEB1, 'resolved'), ('sls', SILENT, WEB2, 'firing'),
               ('sls', SILENT, WEB2, 'resolved'), ('sls', BURST, API1, 'firing'), ('sls', BURST, API1, 'resolved'),
               ('cms', CPU_RULE, WEB1, 'ALERT'), ('cms', CPU_RULE, WEB1, 'OK')}
    assert set(events) <= allowed, sorted(set(events) - allowed)
    assert events[('sls', BURST, API1, 'resolved')] <= 1, events
    assert not [e for e in events if e[1] == RESTART]
    assert 'every alarm fired once for the host at fault' in out


def test_notifications_name_the_host(alarm_run):
    _, records = alarm_run
    sls = [r for r in records if r['content_type'].startswith('application/json')]
    assert len(sls) >= 5
    for record in sls:
        body = record['body']
        host = body['labels']['host']
        assert host in (WEB1, WEB2, API1), body
        assert host in body['annotations']['title'], body['annotations']
        if body['status'] == 'firing':
            assert [row['host'] for row in body['fire_results']] == [host], body['fire_results']
    silent = [r['body'] for r in sls if r['body']['alert_id'] == SILENT and r['body']['status'] == 'firing']
    for body in silent:
        # Fired past the 30 s the demo sets (alarms_silent_after), with the seconds in the message.
        assert int(body['fire_results'][0]['silent_s']) > 30, body['fire_results']
        assert 'No log line from %s for' % body['labels']['host'] in body['annotations']['desc']
    burst = [r['body'] for r in sls if r['body']['alert_id'] == BURST and r['body']['status'] == 'firing']
    assert int(burst[0]['fire_results'][0]['errors']) >= 20, burst


def test_the_cloudmonitor_callback_is_the_pushed_metric(alarm_run):
    _, records = alarm_run
    cms = [r['body'] for r in records if r['content_type'].startswith('application/x-www-form-urlencoded')]
    assert [b['alertState'] for b in cms] == ['ALERT', 'OK'], cms
    assert cms[0]['metricName'] == 'cpu_total', cms[0]
    assert float(cms[0]['curValue']) > 90, cms[0]
    assert demo_alarm.instance_ids()[WEB1] in json.dumps(cms[0]), cms[0]


def test_alarms_playbook_is_idempotent_and_check_mode_changes_nothing(alarm_run):
    checked = alarms_playbook('--check')
    assert checked and set(checked.values()) == {0}, checked
    again = alarms_playbook()
    assert set(again) == {WEB1, WEB2, API1, 'localhost'}, again
    assert set(again.values()) == {0}, again


PROBE_UNIT = 'alicloud-alarm-probe.service'
RESTART_PLAY = """
- name: The alarms role's {entry} entry point alone
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Alarms
      ansible.builtin.import_role:
        name: alicloud_ops.logging.alarms
        tasks_from: {entry}
"""


def role_entry(tmp_path, entry, variables):
    play = tmp_path / ('%s.yml' % entry)
    play.write_text(RESTART_PLAY.format(entry=entry))
    extra = tmp_path / 'vars.json'
    extra.write_text(json.dumps(variables))
    proc = subprocess.run([os.path.join(REPO_ROOT, '.venv', 'bin', 'ansible-playbook'), str(play),
                           '-i', 'inventories/demo/', '-e', '@' + str(extra)], cwd=REPO_ROOT,
                          env=demo_alarm.demo_env(), timeout=600, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    assert proc.returncode == 0, proc.stdout[-6000:]
    return recap(proc.stdout)['localhost']


def restart_loop(host, seconds):
    """A transient unit that exits after 1 s and that systemd restarts 3 s later, for `seconds`."""
    out = demo_alarm.sh(host, 'systemd-run --quiet --unit=%s -p Restart=always -p RestartSec=3 sh -c "sleep 1; exit 1"'
                        ' && sleep %d; systemctl stop %s; systemctl reset-failed %s 2>/dev/null; true'
                        % (PROBE_UNIT, seconds, PROBE_UNIT, PROBE_UNIT))
    assert out.returncode == 0, out.stdout


def wait_for(receiver, wanted, timeout):
    began = time.time()
    while time.time() - began < timeout:
        events = [demo_alarm.event(r) for r in receiver.received]
        if wanted in events:
            return time.time() - began
        time.sleep(0.5)
    raise AssertionError('no %s within %d s: %s' % (wanted, timeout, [demo_alarm.event(r) for r in receiver.received]))


def test_agent_restart_loop_fires_for_the_restarting_host_only(demo, tmp_path):
    name = 'alarms-probe-%s' % uuid.uuid4().hex[:6]
    rule = name + '-agent-restart-loop'
    with WebhookReceiver() as receiver:
        variables = {'alarms_name': name, 'alarms_webhook_url': receiver.url + '/probe', 'alarms_interval': 10,
                     'alarms_host_silent': False, 'alarms_error_burst': False, 'alarms_restart_loop': True,
                     'alarms_agent_unit': PROBE_UNIT, 'alarms_restart_threshold': 3, 'alarms_restart_window': 60,
                     'alarms_cloudmonitor': False}
        try:
            assert role_entry(tmp_path, 'main', variables) > 0
            restart_loop(WEB2, 5)      # one scheduled restart: below the threshold
            restart_loop(API1, 14)     # three or four
            wait_for(receiver, ('sls', rule, API1, 'firing'), 60)
            # The lines leave the 60 s window: resolved, once.
            wait_for(receiver, ('sls', rule, API1, 'resolved'), 60 + 3 * 10 + 30)
            time.sleep(2)
            records = receiver.received
        finally:
            removed = role_entry(tmp_path, 'remove', variables)
    events = collections.Counter(demo_alarm.event(r) for r in records)
    assert events == {('sls', rule, API1, 'firing'): 1, ('sls', rule, API1, 'resolved'): 1}, events
    body = records[0]['body']
    assert int(body['fire_results'][0]['restarts']) >= 3, body['fire_results']
    assert body['annotations']['title'] == '%s restarting on %s' % (PROBE_UNIT, API1), body['annotations']
    assert removed > 0
    assert role_entry(tmp_path, 'remove', variables) == 0
