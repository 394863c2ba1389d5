"""verify.yml's canary per file source (plugins/plugin_utils/file_canary_check.py) on plain dicts: each host's plans,
one search per logstore, and the report with its diagnosis per host and source."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_sources import SourceError
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import file_canary_check
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.file_canary_check import (
    file_canaries, file_canary_report, file_canary_searches, written_plans)

PREFIX = 'alicloud-ops-logging-file'
NGINX = {'name': 'nginx-access', 'paths': ['/var/log/nginx/access.log'], 'format': 'nginx', 'logstore': 'web-access'}
JSON = {'name': 'app-json', 'paths': ['/var/log/app/*.json'], 'format': 'json'}
JAVA = {'name': 'todo-app', 'paths': ['/var/log/todo/app.log'], 'format': 'regex', 'multiline_start': r'\d{4}-',
        'regex': r'(\S+ \S+) (\w+) - (.*)', 'keys': ['time', 'level', 'message'], 'flush_timeout': 5,
        'verify_line': '2026-12-06 10:00:00,000 INFO - {canary}'}
GROUP = {'applied_configs': [PREFIX + '-nginx-access'], 'machines': [{'ip': '10.0.0.1', 'alive': True}]}


def written(plans, rc=0, stdout=None):
    """A host's canary facts after the writes, as canary.yml records them."""
    writes = [{'item': p, 'rc': rc, 'stdout': stdout if stdout is not None else (p['probe'] or p['files'][0])}
              for p in plans if not p['problem']]
    return {'ip': '10.0.0.1', 'agent': 'ilogtaild.service', 'agent_active': True, 'files': plans,
            'files_written': 100.0, 'file_writes': writes}


def test_a_plan_per_source_with_its_own_token_query_target_and_flush_wait():
    nginx, app_json, java = file_canaries([NGINX, JSON, JAVA], 'alicloudverify7x2', PREFIX, now=0)
    assert [p['canary'] for p in (nginx, app_json, java)] == [
        'alicloudverify7x2f0', 'alicloudverify7x2f1', 'alicloudverify7x2f2']
    # An indexed parsed field is searched as a phrase of its value...
    assert nginx['query'] == 'request_uri: "/alicloud-verify/alicloudverify7x2f0"'
    assert (nginx['config_name'], nginx['logstore'], nginx['files'], nginx['probe']) == (
        PREFIX + '-nginx-access', 'web-access', ['/var/log/nginx/access.log'], None)
    # ...a json key no index_keys names is not indexed: full text, and the report checks the field.
    assert (app_json['field'], app_json['query']) == ('alicloud_verify', 'alicloudverify7x2f1')
    assert app_json['probe'] == '/var/log/app/alicloud-verify.json'
    assert java['query'] == 'message: "alicloudverify7x2f2"'
    assert [p['flush_wait'] for p in (nginx, app_json, java)] == [0, 0, 5]
    assert file_canaries([dict(JAVA, flush_timeout=None)], 'c', PREFIX)[0]['flush_wait'] == 60


def test_a_source_without_a_line_is_its_problem_not_the_hosts_failure():
    java = dict(JAVA, verify_line=None)
    [plan] = file_canaries([java], 'c1', PREFIX)
    assert plan['problem'].startswith('alicloud_logging_file_sources[0] (todo-app): the canary line')
    assert 'set verify_line' in plan['problem'] and plan['line'] is None


def test_a_bad_source_names_its_field():
    with pytest.raises(SourceError, match=r'^alicloud_logging_file_sources\[1\]\.flush_timeout'):
        file_canaries([NGINX, dict(JSON, flush_timeout=0)], 'c', PREFIX)


def test_what_the_write_said():
    plans = file_canaries([NGINX, JSON], 'c1', PREFIX)
    ok = written_plans(written(plans))
    assert [(p['path'], p['problem'], p['written']) for p in ok] == [
        ('/var/log/nginx/access.log', None, 100.0), ('/var/log/app/alicloud-verify.json', None, 100.0)]
    refused = written_plans(written(plans, rc=3, stdout='none of /var/log/nginx/access.log exists'))
    assert refused[0]['problem'] == 'no canary written: none of /var/log/nginx/access.log exists'
    assert written_plans(dict(written(plans), file_writes=[]))[1]['problem'] == 'no canary written: not run'


def test_one_search_per_logstore_for_every_hosts_canaries():
    hosts = {'web-1': written(file_canaries([NGINX, JSON], 'c1', PREFIX)),
             'web-2': written(file_canaries([NGINX, JAVA], 'c2', PREFIX)),
             'db-1': written(file_canaries([dict(JAVA, verify_line=None)], 'c3', PREFIX))}
    searches = file_canary_searches(hosts)
    assert sorted(searches) == ['app-json', 'todo-app', 'web-access']  # db-1's unwritable canary: no search
    web = searches['web-access']
    assert web['query'] == ('(request_uri: "/alicloud-verify/c1f0") OR (request_uri: "/alicloud-verify/c2f0")')
    assert (web['rows'], web['wait']) == (2, 0)
    assert (searches['todo-app']['rows'], searches['todo-app']['wait']) == (1, 5)


def test_found_by_the_parsed_field_with_the_delay_from_the_receive_time():
    hosts = {'web-1': written(file_canaries([NGINX, JSON], 'c1', PREFIX))}
    results = {'web-access': {'logs': [{'request_uri': '/alicloud-verify/c1f0', '__tag__:__receive_time__': '103'}],
                              'complete': True},
               'app-json': {'logs': [{'alicloud_verify': 'c1f1'}], 'complete': True}}
    report = file_canary_report(hosts, results, 110.5)
    assert report['found'] == {'web-1 nginx-access': 3.0, 'web-1 app-json': 10.5}
    assert report['missing'] == {} and report['pending'] == {'web-access': 0, 'app-json': 0}
    assert report['lines'][0] == ('web-1: source nginx-access canary searchable in web-access after 3.0 s: '
                                  'request_uri=/alicloud-verify/c1f0')


def test_a_log_that_only_mentions_the_canary_elsewhere_is_not_it():
    # The json canary's token in another field (an app logging the command line, say) is no parsed canary.
    hosts = {'web-1': written(file_canaries([JSON], 'c1', PREFIX))}
    report = file_canary_report(hosts, {'app-json': {'logs': [{'content': '{"alicloud_verify": "c1f1"}',
                                                               'msg': 'c1f0'}]}}, 110)
    assert list(report['missing']) == ['web-1 app-json'] and report['pending'] == {'app-json': 1}
    assert report['groups'] == [PREFIX + '-app-json']


def test_a_canary_is_a_whole_token_not_the_start_of_another():
    # A host's eleventh source's canary (...f10) is no log of its second (...f1).
    plans = file_canaries([dict(JSON, name='app-%02d' % n, logstore='shared') for n in range(11)], 'c1', PREFIX)
    host = written(plans)
    report = file_canary_report({'web-1': host}, {'shared': {'logs': [{'alicloud_verify': 'c1f10'}]}}, 110)
    assert list(report['found']) == ['web-1 app-10'] and report['pending'] == {'shared': 10}
    unparsed = {'web-1': written(file_canaries([dict(JAVA, verify_line=None, multiline_start=None)], 'c1', PREFIX))}
    assert file_canary_report(unparsed, {'todo-app': {'logs': [{'content': 'alicloud-verify c1f00'}]}}, 110)[
        'missing']
    assert file_canary_report(unparsed, {'todo-app': {'logs': [{'content': 'alicloud-verify c1f0'}]}}, 110)[
        'found'] == {'web-1 todo-app': 10.0}


@pytest.mark.parametrize('facts, group, search, expected', [
    ({}, dict(GROUP, applied_configs=[]), {},
     'config %s-nginx-access is not applied to machine group %s-nginx-access: no agent collects source nginx-access'
     % (PREFIX, PREFIX)),
    ({'agent_active': 'False'}, GROUP, {}, 'agent down: ilogtaild.service is not running on the host'),
    ({'ip': '10.0.0.9'}, GROUP, {}, 'no heartbeat from 10.0.0.9 in machine group %s-nginx-access' % PREFIX),
    ({}, GROUP, {}, 'heartbeat but no line: the agent has config %s-nginx-access but did not ship '
                    '/var/log/nginx/access.log' % PREFIX),
    ({}, {'failed': True, 'msg': 'name: machine group x does not exist'}, {},
     'machine group %s-nginx-access: name: machine group x does not exist' % PREFIX),
    ({}, GROUP, {'complete': False}, 'not found YET'),
])
def test_the_diagnosis_of_a_missing_source_canary(facts, group, search, expected):
    host = dict(written(file_canaries([NGINX], 'c1', PREFIX)), **facts)
    results = {'web-access': dict({'logs': []}, **search)}
    report = file_canary_report({'web-1': host}, results, 110, {PREFIX + '-nginx-access': group})
    assert report['missing']['web-1 nginx-access'].startswith(expected), report
    assert report['lines'] == ['web-1: source nginx-access canary c1f0 NOT FOUND in web-access: '
                               + report['missing']['web-1 nginx-access']]


@pytest.mark.parametrize('searchable_from, before', [(100.5, True), (100, False), (None, False)])
def test_a_canary_written_before_its_logstores_index_took_effect(searchable_from, before):
    host = written(file_canaries([NGINX], 'c1', PREFIX))
    report = file_canary_report({'web-1': host}, {'web-access': {'logs': []}}, 110, None,
                                {'searchable_from': {'web-access': searchable_from}})
    assert report['missing']['web-1 nginx-access'].startswith('written at 100, before the logstore') is before


def test_a_multiline_sources_diagnosis_names_its_flush_wait_and_a_write_problem_comes_first():
    host = written(file_canaries([JAVA], 'c1', PREFIX))
    group = dict(GROUP, applied_configs=[PREFIX + '-todo-app'])
    report = file_canary_report({'app-1': host}, {'todo-app': {'logs': []}}, 110, {PREFIX + '-todo-app': group})
    assert report['missing']['app-1 todo-app'].endswith('only after flush_timeout (5 s) or the next event')
    unwritten = written(file_canaries([JAVA], 'c1', PREFIX), rc=3, stdout='directory /x does not exist')
    report = file_canary_report({'app-1': unwritten}, {}, 110, {PREFIX + '-todo-app': group})
    assert report['missing'] == {'app-1 todo-app': 'no canary written: directory /x does not exist'}
    assert report['pending'] == {}  # not written: not searched for, so the search does not wait for it


def test_hosts_without_sources_report_nothing():
    assert file_canary_report({'web-1': {'ip': '10.0.0.1'}}, {}, 110) == {
        'found': {}, 'missing': {}, 'lines': [], 'pending': {}, 'groups': []}
    assert file_canary_searches({'web-1': {'ip': '10.0.0.1'}}) == {}


# Issue 25: whole plans and searches (every key), quoting, the write's message and the token match at its edges.


def test_a_plan_is_exactly_these_keys_and_a_problem_plan_keeps_the_defaults():
    [plan] = file_canaries([JSON], 'c9', PREFIX, now=0)
    assert sorted(plan) == ['canary', 'config_name', 'field', 'files', 'flush_wait', 'line', 'logstore', 'probe',
                            'problem', 'query', 'source', 'value']
    [problem] = file_canaries([dict(JAVA, verify_line=None)], 'c9', PREFIX)
    assert {k: problem[k] for k in ('line', 'field', 'value', 'query', 'probe', 'files')} == {
        'line': None, 'field': None, 'value': 'c9f0', 'query': 'c9f0', 'probe': None, 'files': []}
    # a source whose line cannot be made does not stop the ones after it
    plans = file_canaries([dict(JAVA, verify_line=None), NGINX], 'c9', PREFIX)
    assert plans[0]['problem'] and plans[1]['problem'] is None and plans[1]['canary'] == 'c9f1'


def test_the_line_is_made_for_the_time_given():
    [early] = file_canaries([NGINX], 'c9', PREFIX, now=0)
    [late] = file_canaries([NGINX], 'c9', PREFIX, now=1796610000)
    assert '1970' in early['line'] and '2026' in late['line']


def test_a_bad_source_names_the_variable():
    with pytest.raises(SourceError) as err:
        file_canaries([{'name': 'x'}], 'c', PREFIX)
    assert str(err.value).startswith('alicloud_logging_file_sources[0]')


@pytest.mark.parametrize('value, quoted', [('a', '"a"'), ('a\\b', '"a\\\\b"'), ('say "hi"', '"say \\"hi\\""'),
                                           ('\\"', '"\\\\\\""')])
def test_a_field_value_is_quoted_for_the_query(value, quoted):
    assert file_canary_check._quoted(value) == quoted


def test_a_written_plan_has_no_path_until_the_write_says_and_counts_from_zero_without_a_time():
    plans = file_canaries([NGINX], 'c1', PREFIX)
    facts = dict(written(plans), files_written=None, file_writes=[])
    [plan] = written_plans(facts)
    assert plan['written'] == 0.0 and plan['path'] is None and plan['problem'] == 'no canary written: not run'
    failed = dict(written(plans), file_writes=[{'item': plans[0], 'rc': 1, 'stdout': '', 'msg': 'No such file'}])
    assert written_plans(failed)[0]['problem'] == 'no canary written: No such file'


def test_a_search_lists_each_canary_with_its_field_and_value_and_skips_only_the_failed():
    bad = written(file_canaries([NGINX], 'c0', PREFIX), rc=2, stdout='refused')
    hosts = {'a-1': bad, 'b-1': written(file_canaries([NGINX], 'c1', PREFIX)),
             'c-1': written(file_canaries([NGINX], 'c2', PREFIX))}
    web = file_canary_searches(hosts)['web-access']
    assert web['canaries'] == [
        {'canary': 'c1f0', 'field': 'request_uri', 'value': '/alicloud-verify/c1f0'},
        {'canary': 'c2f0', 'field': 'request_uri', 'value': '/alicloud-verify/c2f0'}]
    assert sorted(web) == ['canaries', 'query', 'rows', 'wait'] and web['rows'] == 2


def test_a_canary_token_is_matched_whole_in_its_field_or_any_value_but_metadata():
    canary = {'canary': 'Xf1', 'field': 'msg', 'value': 'Xf1'}
    assert file_canary_check._holds({'msg': 'at Xf1.'}, canary)
    assert not file_canary_check._holds({'msg': 'at Xf10'}, canary) and not file_canary_check._holds({}, canary)
    assert not file_canary_check._holds({'msg': 'aXf1'}, canary)
    assert not file_canary_check._holds({'msg': 'BXf1'}, canary)
    unparsed = dict(canary, field=None)
    assert file_canary_check._holds({'content': 'x Xf1'}, unparsed)
    assert not file_canary_check._holds({'__tag__:__path__': 'Xf1', '__source__': 'Xf1'}, unparsed)
    assert file_canary_check._holds({'_content_': 'Xf1'}, unparsed)
