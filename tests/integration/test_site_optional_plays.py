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
