"""`make demo-alarm`, after `make demo`: the alarms on the demo fleet, and a host going silent paging someone.

1. A webhook receiver on 127.0.0.1 (tools/webhook_receiver.py) stands for the on-call channel.
2. playbooks/alarms.yml with short windows (the demo's emulator takes 10 s rules: --alarm-min-interval, EMULATOR
   ONLY): each host's heartbeat timer, the Log Service alert rules, CloudMonitor's groups and rules.
3. The healthy fleet for one silence window: no notification.
4. web-1's agent stopped -> "host silent" names web-1 -> started -> resolved; then web-2's rsyslog, the same.
5. An error burst logged on api-1 -> "error burst" for api-1 only.
6. CPU usage above the threshold pushed for web-1's instance (emulator-only metric push: there are no real
   metrics here) -> one CloudMonitor callback, and OK once it drops.
Every notification is printed as it arrives; the run fails unless exactly the expected ones arrived.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from urllib.request import Request, urlopen

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from tools.webhook_receiver import WebhookReceiver  # noqa: E402

STATE = os.path.join(REPO, '.cache', 'demo')
WEB1, WEB2, API1 = 'alicloud-demo-web-1', 'alicloud-demo-web-2', 'alicloud-demo-api-1'
NAME = 'alicloud-ops-logging'
RULE = {'silent': NAME + '-host-silent', 'burst': NAME + '-error-burst', 'restart': NAME + '-agent-restart-loop'}


def demo_env():
    path = os.path.join(STATE, 'env')
    if not os.path.exists(path):
        sys.exit('demo-alarm: no running demo (%s missing): run make demo first' % path)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'),
               PATH=os.path.join(REPO, '.venv', 'bin') + os.pathsep + os.environ.get('PATH', ''))
    with open(path) as handle:
        env.update(line.strip().split('=', 1) for line in handle if '=' in line)
    return env


def instance_ids():
    with open(os.path.join(STATE, 'ecs-fixture.served.json')) as handle:
        return {i['InstanceName']: i['InstanceId'] for i in json.load(handle)['instances']}


def sh(host, command):
    return subprocess.run(['docker', 'exec', host, 'sh', '-c', command], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=120)


def event(record):
    """('sls', rule, host, status) or ('cms', rule id, instance, state) of one received notification."""
    body = record['body']
    if record['content_type'].startswith('application/x-www-form-urlencoded'):
        return ('cms', body.get('ruleId') or body.get('alertName'), body.get('instanceName') or body.get('dimensions'),
                body.get('alertState'))
    return ('sls', body.get('alert_id'), (body.get('labels') or {}).get('host'), body.get('status'))


class Scenario(object):
    def __init__(self, receiver, args):
        self.receiver, self.args, self.seen = receiver, args, 0
        self.started = time.time()

    def say(self, text):
        print('[%5.1f s] %s' % (time.time() - self.started, text), flush=True)

    def wait_for(self, wanted, timeout):
        """Wait until `wanted` (an event tuple) arrives; print every notification; seconds waited."""
        began = time.time()
        while time.time() - began < timeout:
            received = self.receiver.received
            for record in received[self.seen:]:
                self.say('notification: %s' % ' '.join(str(x) for x in event(record)))
                if record['content_type'].startswith('application/json'):
                    notes = record['body'].get('annotations') or {}
                    self.say('    %s: %s' % (notes.get('title'), notes.get('desc')))
            self.seen = len(received)
            if any(event(r) == wanted for r in received):
                return time.time() - began
            time.sleep(0.5)
        raise SystemExit('demo-alarm: no %s within %d s; received %s' % (' '.join(wanted), timeout,
                                                                         [event(r) for r in self.receiver.received]))

    def quiet(self, seconds):
        began, count = time.time(), len(self.receiver.received)
        while time.time() - began < seconds:
            if len(self.receiver.received) > count:
                raise SystemExit('demo-alarm: the healthy fleet was notified: %s'
                                 % [event(r) for r in self.receiver.received[count:]])
            time.sleep(0.5)


def run_alarms_playbook(env, url, args):
    variables = {
        'alarms_webhook_url': url, 'alarms_interval': args.interval,
        'alarms_silent_after': args.silent_after, 'alarms_silent_lookback': 900,
        'alarms_heartbeat_interval': args.heartbeat, 'alarms_error_threshold': 20,
        'alarms_error_window': 60, 'alarms_inventory_groups': ['role_web', 'role_api'],
        'alarms_metric_period': args.interval, 'alarms_metric_times': 1,
        'alarms_repeat_interval': '1h'}
    path = os.path.join(STATE, 'alarm-vars.json')
    with open(path, 'w') as handle:
        json.dump(variables, handle)
    proc = subprocess.run(['ansible-playbook', 'playbooks/alarms.yml', '-i', 'inventories/demo/', '-e', '@' + path],
                          cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=900)
    recap = proc.stdout[proc.stdout.rfind('PLAY RECAP'):]
    print(recap.strip(), flush=True)
    if proc.returncode:
        print(proc.stdout[-6000:])
        raise SystemExit('demo-alarm: alarms.yml failed (rc %d)' % proc.returncode)


def push_cpu(env, instance_id, value):
    body = json.dumps({'points': [{'namespace': 'acs_ecs_dashboard', 'metric': 'cpu_total',
                                   'instanceId': instance_id, 'value': value}]}).encode('utf-8')
    request = Request(env['ALICLOUD_CMS_ENDPOINT'] + '/_emulator/cms/metrics', data=body, method='POST',
                      headers={'Content-Type': 'application/json'})
    with urlopen(request, timeout=10):
        pass


def silent_and_back(scenario, host, stop, start, timeout):
    """Stop, wait for host silent naming the host, start, wait for resolved; the delay to the notification."""
    scenario.say('%s: %s' % (host, stop))
    out = sh(host, stop)
    if out.returncode:
        raise SystemExit('demo-alarm: %s on %s failed: %s' % (stop, host, out.stdout))
    delay = scenario.wait_for(('sls', RULE['silent'], host, 'firing'), timeout)
    scenario.say('%s: host silent notified %.1f s after the stop (silent after %d s, evaluated every %d s)'
                 % (host, delay, scenario.args.silent_after, scenario.args.interval))
    sh(host, start)
    scenario.say('%s: %s' % (host, start))
    back = scenario.wait_for(('sls', RULE['silent'], host, 'resolved'), timeout)
    scenario.say('%s: resolved %.1f s after the start' % (host, back))
    return delay


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--interval', type=int, default=10, help='seconds between evaluations (rules, metrics)')
    parser.add_argument('--silent-after', type=int, default=30)
    parser.add_argument('--heartbeat', type=int, default=5, help='seconds between heartbeat lines')
    args = parser.parse_args(argv)
    env = demo_env()
    timeout = args.silent_after + 3 * args.interval + 60
    with WebhookReceiver(out=os.path.join(STATE, 'alarm-received.jsonl')) as receiver:
        scenario = Scenario(receiver, args)
        scenario.say('webhook receiver at %s; ansible-playbook playbooks/alarms.yml' % receiver.url)
        run_alarms_playbook(env, receiver.url + '/oncall', args)
        scenario.say('healthy fleet: no notification for %d s' % (args.silent_after + 2 * args.interval))
        scenario.quiet(args.silent_after + 2 * args.interval)
        delays = [silent_and_back(scenario, WEB1, 'systemctl stop ilogtaild.service',
                                  'systemctl start ilogtaild.service', timeout),
                  silent_and_back(scenario, WEB2, 'systemctl stop syslog.socket rsyslog.service',
                                  'systemctl start rsyslog.service', timeout)]
        scenario.say('%s: 30 lines at severity err' % API1)
        sh(API1, 'for n in $(seq 1 30); do logger -p user.err -t demo-app "payment backend refused $n"; done')
        scenario.wait_for(('sls', RULE['burst'], API1, 'firing'), timeout)
        web1 = instance_ids()[WEB1]
        scenario.say('%s: CPU usage 97 %% pushed for %s (emulator-only metric push)' % (WEB1, web1))
        push_cpu(env, web1, 97.0)
        cpu_rule = '%s-role_web-cpu-high' % NAME
        scenario.wait_for(('cms', cpu_rule, WEB1, 'ALERT'), 4 * args.interval + 30)
        push_cpu(env, web1, 12.0)
        scenario.wait_for(('cms', cpu_rule, WEB1, 'OK'), 4 * args.interval + 30)
        time.sleep(1)
        got = [event(r) for r in receiver.received]
    expected = {('sls', RULE['silent'], WEB1, 'firing'), ('sls', RULE['silent'], WEB1, 'resolved'),
                ('sls', RULE['silent'], WEB2, 'firing'), ('sls', RULE['silent'], WEB2, 'resolved'),
                ('sls', RULE['burst'], API1, 'firing'), ('cms', cpu_rule, WEB1, 'ALERT'), ('cms', cpu_rule, WEB1, 'OK')}
    # The burst may resolve once its lines leave the window; nothing else may arrive, and nothing twice.
    unexpected = [e for e in got if e not in expected | {('sls', RULE['burst'], API1, 'resolved')}]
    twice = sorted({e for e in got if got.count(e) > 1})
    print('\nnotifications: %d (%s)' % (len(got), ', '.join(' '.join(e[1:]) for e in got)))
    print('host silent notified %s s after the stop (goal: at most silent_after %d + one interval %d)'
          % (' and '.join('%.1f' % d for d in delays), args.silent_after, args.interval))
    if unexpected or twice or not expected <= set(got):
        raise SystemExit('demo-alarm: unexpected %s, repeated %s, missing %s'
                         % (unexpected, twice, sorted(expected - set(got))))
    print('demo-alarm: every alarm fired once for the host at fault and recovered; the healthy hosts got none')
    return 0


if __name__ == '__main__':
    sys.exit(main())
