"""site.yml's optional plays (network preflight, verify, alarms) run on the hosts whose settings turn them on,
gathered by one add_host task on the controller: a host with every switch off has no task in them, not even a
skipped one (issue 24: ten skipped tasks per host before).

Only the tasks tagged always run (`--tags always`): the gathering task, and ansible-core's argument-spec validation
of each role entry point, which runs on exactly the hosts of its play. Nothing reaches the hosts (local
connection, never used), so the four hosts are names only.
"""
import collections

from tests.support.playbook_runner import run_playbook

SITE = 'site.yml'
HOSTS = {
    'verify-1': {'alicloud_logging_verify': True},
    'alarms-1': {'alarms_webhook_url': 'http://127.0.0.1:9/hook'},
    'preflight-1': {'alicloud_logging_preflight': True},
    'all-on': {'alicloud_logging_verify': True, 'alarms_webhook_url': 'http://127.0.0.1:9/hook',
               'alicloud_logging_preflight': True},
    'plain-1': {},
    'plain-2': {'alicloud_logging_verify': False, 'alarms_webhook_url': ''},
}


def inventory():
    hosts = dict((name, dict(variables, ansible_connection='local')) for name, variables in HOSTS.items())
    return {'all': {'hosts': hosts}}


def hosts_by_play(result):
    """Each play's hosts, as the argument-spec validation of its roles saw them (ok or skipped)."""
    plays = collections.defaultdict(set)
    for ev in result.runner.events:
        data = ev.get('event_data', {})
        if ev.get('event') in ('runner_on_ok', 'runner_on_skipped') and data.get('host') != 'localhost':
            plays[data.get('play')].add(data.get('host'))
    return dict(plays)


def test_each_optional_play_runs_on_the_hosts_that_turn_it_on_only(tmp_path):
    result = run_playbook(tmp_path, SITE, inventory=inventory(), cmdline='--tags always',
                          extravars={'alicloud_logging_manage_log_service': False})
    assert result.rc == 0, result.stdout
    joined = dict((res['add_host']['host_name'], sorted(res['add_host']['groups']))
                  for name, res in result.task_results('runner_item_on_ok') if res.get('add_host'))
    assert joined == {
        'verify-1': ['alicloud_logging_verify_hosts'],
        'alarms-1': ['alicloud_logging_alarms_hosts'],
        'preflight-1': ['alicloud_logging_preflight_hosts'],
        'all-on': ['alicloud_logging_alarms_hosts', 'alicloud_logging_preflight_hosts',
                   'alicloud_logging_verify_hosts'],
    }
    plays = hosts_by_play(result)
    assert plays['Network preflight to Log Service'] == {'preflight-1', 'all-on'}
    assert plays['Each host writes a canary line'] == {'verify-1', 'all-on'}
    assert plays['Ship host logs into Log Service'] == set(HOSTS)
    # The heartbeat play's only task is an include (not tagged always): its hosts show in no event here, and the
    # plays of a switch that no host turns on match no host at all.
    assert 'Heartbeat on every host (so a quiet healthy host is never silent)' not in plays


def test_alicloud_logging_hosts_limits_the_optional_plays_too(tmp_path):
    result = run_playbook(tmp_path, SITE, inventory=inventory(), cmdline='--tags always',
                          extravars={'alicloud_logging_manage_log_service': False,
                                     'alicloud_logging_hosts': 'verify-1:plain-1'})
    assert result.rc == 0, result.stdout
    joined = [res['add_host']['host_name'] for name, res in result.task_results('runner_item_on_ok')
              if res.get('add_host')]
    assert joined == ['verify-1']
    plays = hosts_by_play(result)
    # An extra var outranks the import's vars: the verify play takes the pattern, and its `when` skips plain-1.
    assert plays['Each host writes a canary line'] == {'verify-1', 'plain-1'}
    assert plays['Ship host logs into Log Service'] == {'verify-1', 'plain-1'}


def scratch(tmp_path, name):
    path = tmp_path / name
    path.mkdir()
    return path


def controller_plays(result):
    """The plays that ran a task on the controller (localhost), with how many task results each."""
    plays = collections.Counter()
    for ev in result.runner.events:
        data = ev.get('event_data', {})
        if ev.get('event') in ('runner_on_ok', 'runner_on_skipped') and data.get('host') == 'localhost':
            plays[data.get('play')] += 1
    return dict(plays)


VERIFY_CONTROLLER = ("The logstore's index covers the lines written from now on",
                     'Every canary is searchable in Log Service')
ALARMS_CONTROLLER = 'Alert rules and metric rules'


def test_the_controller_plays_of_a_switch_no_host_turns_on_are_skipped_whole(tmp_path):
    # Every host with every switch off: verify's and alarms' controller plays match no host, so none of their
    # tasks is even evaluated (issue 24: 33 skipped task results on localhost per idempotent run before).
    off = {'all': {'hosts': dict((name, {'ansible_connection': 'local'}) for name in ('plain-1', 'plain-2'))}}
    result = run_playbook(scratch(tmp_path, 'off'), SITE, inventory=off, cmdline='--tags always',
                          extravars={'alicloud_logging_manage_log_service': False})
    assert result.rc == 0, result.stdout
    ran = controller_plays(result)
    assert not set(ran) & set(VERIFY_CONTROLLER + (ALARMS_CONTROLLER,)), ran
    # One host turns verify on: verify's two controller plays run (their roles' argument-spec validations, tagged
    # always); alarms' still does not.
    one = {'all': {'hosts': {'plain-1': {'ansible_connection': 'local'},
                             'verify-1': {'ansible_connection': 'local', 'alicloud_logging_verify': True}}}}
    result = run_playbook(scratch(tmp_path, 'one'), SITE, inventory=one, cmdline='--tags always',
                          extravars={'alicloud_logging_manage_log_service': False, 'alicloud_logging_verify': True})
    assert result.rc == 0, result.stdout
    ran = controller_plays(result)
    assert set(VERIFY_CONTROLLER) <= set(ran) and ALARMS_CONTROLLER not in ran, ran
    # Alarms on one host: its controller play runs.
    alarm = {'all': {'hosts': {'alarms-1': {'ansible_connection': 'local',
                                            'alarms_webhook_url': 'http://127.0.0.1:9/hook'}}}}
    result = run_playbook(scratch(tmp_path, 'alarm'), SITE, inventory=alarm, cmdline='--tags always',
                          extravars={'alicloud_logging_manage_log_service': False})
    assert result.rc == 0, result.stdout
    ran = controller_plays(result)
    assert ALARMS_CONTROLLER in ran and not set(VERIFY_CONTROLLER) & set(ran), ran


def test_the_gathering_play_keeps_to_linear_where_the_run_chooses_free(tmp_path):
    """A fleet run under the free strategy (ansible.cfg `strategy = free`, or ANSIBLE_STRATEGY) still gathers the
    optional plays' hosts: the free strategy refuses add_host ("bypasses the host loop"), so that play says linear."""
    result = run_playbook(tmp_path, SITE, inventory=inventory(), cmdline='--tags always',
                          envvars={'ANSIBLE_STRATEGY': 'free'},
                          extravars={'alicloud_logging_manage_log_service': False})
    assert result.rc == 0, result.stdout
    assert 'bypasses the host loop' not in result.stdout
    joined = dict((res['add_host']['host_name'], sorted(res['add_host']['groups']))
                  for name, res in result.task_results('runner_item_on_ok') if res.get('add_host'))
    assert sorted(joined) == ['alarms-1', 'all-on', 'preflight-1', 'verify-1']
    plays = hosts_by_play(result)
    assert plays['Network preflight to Log Service'] == {'preflight-1', 'all-on'}
    assert plays['Ship host logs into Log Service'] == set(HOSTS)
