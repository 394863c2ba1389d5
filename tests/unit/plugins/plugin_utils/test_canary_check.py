"""playbooks/verify.yml's judgement (plugins/plugin_utils/canary_check.py) on plain dicts."""
import pytest

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
