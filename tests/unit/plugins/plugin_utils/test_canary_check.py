"""playbooks/verify.yml's judgement (plugins/plugin_utils/canary_check.py) on plain dicts."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import canary_check
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.canary_check import canary_query, canary_report

GROUP = {'name': 'fleet', 'applied_configs': ['syslog-cfg'],
         'machines': [{'ip': '10.0.0.1', 'alive': True}, {'ip': '10.0.0.2', 'alive': False}]}


def host(canary, ip, agent_active=True, dropin_present=True):
    return {'canary': canary, 'written': 100.0, 'ip': ip, 'agent': 'ilogtaild.service', 'agent_active': agent_active,
            'dropin': '/etc/rsyslog.d/60-logtail.conf', 'dropin_present': dropin_present}


def test_one_query_names_every_canary():
    assert canary_query(['c2', 'c1', 'c3']) == 'c1 OR c2 OR c3'


def test_delay_from_the_receive_time_else_the_search_time():
    hosts = {'web-1': host('c1', '10.0.0.1'), 'web-2': host('c2', '10.0.0.2')}
    logs = [{'_content_': 'c1', '__tag__:__receive_time__': '102'}, {'_content_': ' c2'}]
    report = canary_report(hosts, logs, 107.5)
    assert report['found'] == {'web-1': 2.0, 'web-2': 7.5}
    assert report['missing'] == {}
    assert report['lines'][0] == 'web-1: canary searchable after 2.0 s: _content_=c1'


@pytest.mark.parametrize('name, facts, group, expected', [
    ('detached', host('c9', '10.0.0.1'), dict(GROUP, applied_configs=[]),
     'config syslog-cfg is not applied to machine group fleet'),
    ('agent down', host('c9', '10.0.0.2', agent_active='False'), GROUP,
     'agent down: ilogtaild.service is not running on the host (no heartbeat from 10.0.0.2)'),
    ('not in group', host('c9', '10.0.0.3'), GROUP, 'the agent runs but is not in the group'),
    ('drop-in', host('c9', '10.0.0.1', dropin_present=False), GROUP,
     'heartbeat but no line: the rsyslog drop-in /etc/rsyslog.d/60-logtail.conf is missing'),
    ('rsyslog', host('c9', '10.0.0.1'), GROUP, 'heartbeat but no line: rsyslog is not forwarding'),
])
def test_diagnosis_of_a_missing_line(name, facts, group, expected):
    report = canary_report({'web-1': facts}, [{'_content_': 'other'}], 110, group, 'syslog-cfg')
    assert report['found'] == {}
    assert expected in report['missing']['web-1'], (name, report)
    assert report['lines'] == ['web-1: canary c9 NOT FOUND: ' + report['missing']['web-1']]


def test_an_incomplete_search_is_not_yet_an_answer():
    # Whatever else is wrong, an Incomplete answer says nothing about the host yet.
    report = canary_report({'web-1': host('c9', '10.0.0.3')}, [], 110, GROUP, 'syslog-cfg', {'complete': False})
    assert report['missing']['web-1'].startswith('not found YET: Log Service still answered Incomplete')
    complete = canary_report({'web-1': host('c9', '10.0.0.3')}, [], 110, GROUP, 'syslog-cfg', {'complete': 'True'})
    assert 'not in the group' in complete['missing']['web-1']


@pytest.mark.parametrize('searchable_from, before', [(100.5, True), (100, False), (99, False), (None, False)])
def test_a_line_written_before_the_index_took_effect(searchable_from, before):
    # host() writes at 100.0: a line received at the second the index takes effect is indexed.
    search = {'complete': True, 'searchable_from': searchable_from}
    report = canary_report({'web-1': host('c9', '10.0.0.3')}, [], 110, GROUP, 'syslog-cfg', search)
    assert report['missing']['web-1'].startswith('written at 100, before the logstore\'s index took effect at 100')\
        is before, report


@pytest.mark.parametrize('files, hinted', [('0', True), (0, True), ('1', False), ('', False)])
def test_a_silent_host_without_an_aliuid_file_is_told_about_it(files, hinted):
    facts = dict(host('c9', '10.0.0.3'), aliuid_files=files)
    report = canary_report({'web-1': facts}, [], 110, GROUP, 'syslog-cfg')
    assert 'the agent runs but is not in the group' in report['missing']['web-1']
    assert ('no AliUid file in /etc/ilogtail/users/' in report['missing']['web-1']) is hinted
    assert ('logtail_aliuids' in report['missing']['web-1']) is hinted


# Issue 25: the diagnoses word for word, and the defaults of the facts a host may not report.

GROUP = {'name': 'web-group', 'applied_configs': ['syslog-cfg'], 'machines': [{'ip': '10.0.0.1', 'alive': True}]}
HOST = {'ip': '10.0.0.1', 'agent': 'ilogtaild', 'agent_active': True, 'dropin': '/etc/rsyslog.d/60-f.conf',
        'dropin_present': True, 'written': 1000}


@pytest.mark.parametrize('value, expected', [
    (True, True), (False, False), ('true', True), (' Yes ', True), ('1', True), ('YES', True), ('false', False),
    ('no', False), ('0', False), ('', False), (1, True), (0, False)])
def test_a_fact_is_true_as_ansible_would_read_it(value, expected):
    assert canary_check._true(value) is expected


def test_an_incomplete_search_is_worded_as_not_yet():
    assert canary_check.diagnose_path(HOST, GROUP, 'syslog-cfg', {'complete': 'false'}) == (
        'not found YET: Log Service still answered Incomplete (the search was gathering), which is no proof the line '
        'is missing; run verify.yml again')


def test_a_line_before_the_index_is_worded_with_both_times():
    assert canary_check.diagnose_path(HOST, GROUP, 'syslog-cfg', {'searchable_from': 1500.7}) == (
        "written at 1000, before the logstore's index took effect at 1500: Log Service never indexes a line received "
        'before that (raise alicloud_logging_index_delay, or reindex)')
    # a host that did not say when it wrote counts from 0: before any index
    unwritten = dict(HOST)
    del unwritten['written']
    assert canary_check.diagnose_path(unwritten, GROUP, 'syslog-cfg', {'searchable_from': 0.5}).startswith(
        'written at 0, before')
    assert canary_check.diagnose_path(unwritten, GROUP, 'syslog-cfg', {'searchable_from': 0}) is None


def test_a_host_that_does_not_report_its_agent_is_taken_as_running():
    quiet = dict(HOST)
    del quiet['agent_active']
    assert canary_check.diagnose_path(quiet, GROUP, 'syslog-cfg') is None
    assert canary_check.diagnose_path(dict(HOST, agent_active='no'), GROUP, 'syslog-cfg') == (
        'agent down: ilogtaild is not running on the host (no heartbeat from 10.0.0.1)')


def test_no_heartbeat_is_worded_and_the_aliuid_hint_needs_a_reported_zero():
    silent = dict(HOST, ip='10.0.0.9')
    base = ("no heartbeat from 10.0.0.9 in machine group web-group: the agent runs but is not in the group (its IP or "
            "user-defined id is not in the group's list) or cannot reach Log Service")
    assert canary_check.diagnose_path(silent, GROUP, 'syslog-cfg') == base
    assert canary_check.diagnose_path(dict(silent, aliuid_files=' 0 '), GROUP, 'syslog-cfg') == base + (
        '; the host has no AliUid file in /etc/ilogtail/users/: if it is not an ECS instance of the account that owns '
        'the project, its agent is ignored until logtail_aliuids names that account')
    assert canary_check.diagnose_path(dict(silent, aliuid_files='1'), GROUP, 'syslog-cfg') == base


def test_a_config_not_applied_is_worded_with_what_is_collected():
    assert canary_check.diagnose_path(HOST, GROUP, 'file-cfg', collects='/var/log/app.log') == (
        'config file-cfg is not applied to machine group web-group: no agent collects /var/log/app.log for the '
        'logstore')


def test_with_everything_fine_the_drop_in_is_named():
    assert canary_check.diagnose(HOST, GROUP, 'syslog-cfg') == (
        'heartbeat but no line: rsyslog is not forwarding to the agent (drop-in /etc/rsyslog.d/60-f.conf present)')
    assert canary_check.diagnose(dict(HOST, dropin_present='false'), GROUP, 'syslog-cfg') == (
        'heartbeat but no line: the rsyslog drop-in /etc/rsyslog.d/60-f.conf is missing')


def test_a_host_that_does_not_report_its_drop_in_is_taken_as_having_it():
    quiet = dict(HOST)
    del quiet['dropin_present']
    assert canary_check.diagnose(quiet, GROUP, 'syslog-cfg').startswith(
        'heartbeat but no line: rsyslog is not forwarding')


def test_by_default_the_config_collects_syslog():
    assert canary_check.diagnose_path(HOST, GROUP, 'other-cfg') == (
        'config other-cfg is not applied to machine group web-group: no agent collects syslog for the logstore')


def test_a_found_canary_line_and_its_delay_to_a_tenth():
    hosts = {'web-1': dict(HOST, canary='canary-1', written=1000.0)}
    logs = [{'_content_': ' canary-1\n', '_hostname_': ' web-1 ', '_program_': 'logger', '_other_': 'x',
             canary_check.RECEIVE_TIME: '1000.34'}]
    report = canary_report(hosts, logs, 2000)
    assert report['found'] == {'web-1': 0.3} and report['missing'] == {}
    assert report['lines'] == ['web-1: canary searchable after 0.3 s: _hostname_=web-1 _program_=logger '
                               '_content_=canary-1']
