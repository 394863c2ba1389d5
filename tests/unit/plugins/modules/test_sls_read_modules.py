"""sls_index, sls_log_search, sls_machine_group_info and sls_logtail_config_info in-process against the emulator, and
their pure helpers (sls_index_plan, sls_search, the config listing) on plain dicts."""
import json
import time
from unittest import mock
from urllib.request import Request, urlopen

import pytest
from ansible.module_utils import basic

from ansible_collections.alicloud_ops.logging.plugins.module_utils import alicloud_module
from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import (
    sls_logtail_config_info as sls_logtail_config_info_code)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import (
    DEFAULT_TOKENS, SYSLOG_FIELDS, desired_index, index_body, index_view, plan_index)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_search import (
    count_by, machine_row, search_window, silent_entries)
from ansible_collections.alicloud_ops.logging.plugins.modules import (
    sls_index, sls_log_search, sls_logstore, sls_logtail_config, sls_logtail_config_info, sls_machine_group,
    sls_machine_group_info, sls_project)
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    mutating_calls, sls_auth, sls_emulator, sls_emulator_server, sls_sdk_client)
from tests.unit.plugins.modules.test_sls_modules import failing_after_first
from tools.alicloud_emulator import DEFAULT_ACCOUNT_ALIUID


def run(module, emu, check=False, **args):
    return run_module(module.main, dict(sls_auth(emu), **args), check_mode=check, diff=True)


# -- pure helpers -------------------------------------------------------------------------------------------
def test_desired_index_defaults_and_round_trip():
    view, problems = desired_index({'full_text': True, 'tokens': None, 'case_sensitive': False, 'fields': None})
    assert problems == [] and view['full_text'] == {'tokens': DEFAULT_TOKENS, 'case_sensitive': False}
    assert sorted(view['fields']) == sorted(SYSLOG_FIELDS)
    body = index_body(view)
    assert body['line']['token'] == DEFAULT_TOKENS and body['keys']['_hostname_']['doc_value'] is True
    # What the service adds to the body never shows as a change.
    served = dict(body, index_mode='v2', storage='pg', lastModifyTime=1, log_reduce=False)
    assert index_view(served) == view and plan_index(index_view(served), view) == []


def test_plan_names_what_differs():
    view, _ = desired_index({'fields': [{'name': 'a'}, {'name': 'n', 'type': 'long', 'analytics': False}],
                             'tokens': [' ']})
    assert view['fields']['n'] == {'type': 'long', 'analytics': False}
    assert plan_index(None, view) == ['created']
    other, _ = desired_index({'fields': [{'name': 'a', 'case_sensitive': True}, {'name': 'b'}], 'tokens': [' '],
                              'full_text': False})
    assert plan_index(view, other) == ['fields.a', 'fields.b', 'fields.n', 'full_text']


@pytest.mark.parametrize('params, field', [
    ({'tokens': []}, 'tokens'), ({'tokens': ['ab']}, 'tokens'),
    ({'fields': [{'name': 'a'}, {'name': 'a'}]}, 'fields[1].name'),
    ({'fields': [{'name': 'a', 'type': 'date'}]}, 'fields[0].type'),
    ({'fields': [{'name': 'a', 'tokens': []}]}, 'fields[0].tokens'),
    ({'full_text': False, 'fields': []}, 'fields'),
])
def test_desired_index_problems_name_the_field(params, field):
    assert field in [f for f, _ in desired_index(params)[1]]


def test_search_window_and_rows():
    assert search_window(1000) == (101, 1001, [])
    assert search_window(1000, since=60) == (941, 1001, [])
    assert search_window(1000, from_time=10, to_time=20) == (10, 20, [])
    assert [f for f, _ in search_window(1000, from_time=10, since=5)[2]] == ['since']
    assert [f for f, _ in search_window(1000, from_time=30, to_time=20)[2]] == ['from_time']
    assert count_by([{'h': 'a'}, {'h': 'a'}, {}], 'h') == {'a': 2, '': 1}


def test_machine_rows_and_silent_entries():
    fresh = machine_row('10.0.0.1', None, 'web,db', 990, 1000, 120)
    stale = machine_row('10.0.0.2', 'u2', 'cache', 800, 1000, 120)
    assert (fresh['heartbeat_age'], fresh['alive'], stale['alive']) == (10, True, False)
    assert machine_row('10.0.0.3', '', '', 0, 1000, 120)['heartbeat_age'] is None
    assert silent_entries('userdefined', ['web', 'cache', 'mail'], [fresh, stale]) == ['cache', 'mail']
    assert silent_entries('ip', ['10.0.0.1', '10.0.0.2'], [fresh, stale]) == ['10.0.0.2']


# -- modules against the emulator -----------------------------------------------------------------------------
@pytest.fixture
def store(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-r').failed
    assert not run(sls_logstore, sls_emulator, project='proj-r', name='syslog').failed
    sls_emulator.reset_stats()
    return sls_emulator


def test_index_create_rerun_check_update_delete(store):
    checked = run(sls_index, store, check=True, project='proj-r', logstore='syslog')
    assert checked.changed and checked.data['changes'] == ['created'] and mutating_calls(store) == {}
    created = run(sls_index, store, project='proj-r', logstore='syslog')
    assert created.changed and sorted(created.data['index']['fields']) == sorted(SYSLOG_FIELDS)
    again = run(sls_index, store, project='proj-r', logstore='syslog')
    assert not again.changed and again.data['changes'] == [] and mutating_calls(store) == {'CreateIndex': 1}
    narrower = dict(project='proj-r', logstore='syslog', fields=[{'name': '_hostname_'}], case_sensitive=True)
    checked = run(sls_index, store, check=True, **narrower)
    assert checked.changed and 'full_text' in checked.data['changes'] and mutating_calls(store) == {'CreateIndex': 1}
    assert checked.data['diff']['before']['fields'] != checked.data['diff']['after']['fields']
    updated = run(sls_index, store, **narrower)
    assert updated.changed and list(updated.data['index']['fields']) == ['_hostname_']
    assert not run(sls_index, store, **narrower).changed
    assert run(sls_index, store, project='proj-r', logstore='syslog', state='absent').changed
    assert not run(sls_index, store, project='proj-r', logstore='syslog', state='absent').changed


def test_index_errors_name_the_field(store):
    missing = run(sls_index, store, project='proj-r', logstore='nostore')
    assert missing.failed and missing.msg.startswith('name: logstore nostore does not exist')
    store.reset_stats()
    bad = run(sls_index, store, project='proj-r', logstore='syslog', tokens=[])
    assert bad.failed and bad.msg == 'tokens: must be a non-empty list of single characters'
    assert store.stats()['calls'] == {}


# Issue 25: sls_index's result, diff and writes word for word, its option defaults and its messages.
INDEX_ARGS = dict(project='proj-r', logstore='syslog')
NARROW_ARGS = dict(INDEX_ARGS, tokens=['\n', ','], case_sensitive=True, full_text=False,
                   fields=[{'name': 'host', 'tokens': ['\t', '\n']}, {'name': 'n', 'type': 'long', 'analytics': False}])
NARROW = {'name': 'syslog', 'full_text': None,
          'fields': {'host': {'type': 'text', 'tokens': ['\t', '\n'], 'case_sensitive': True, 'analytics': True},
                     'n': {'type': 'long', 'analytics': False}}}


def default_index():
    view, _ = desired_index({})
    return dict(view, name='syslog')


def test_index_results_of_each_run_show_the_logstore_name(store):
    for check in (True, False):
        created = run(sls_index, store, check=check, **INDEX_ARGS)
        assert created.data == {'changed': True, 'changes': ['created'], 'index': default_index(),
                                'diff': {'before': {}, 'after': default_index()}}
    assert mutating_calls(store) == {'CreateIndex': 1}
    held = store.sls_state()['projects']['proj-r']['logstores']['syslog']['index']
    assert held['line']['token'] == DEFAULT_TOKENS and sorted(held['keys']) == sorted(SYSLOG_FIELDS)
    kept = run(sls_index, store, **INDEX_ARGS)
    assert kept.data == {'changed': False, 'changes': [], 'index': default_index(),
                         'diff': {'before': default_index(), 'after': default_index()}}

    for check in (True, False):
        narrowed = run(sls_index, store, check=check, **NARROW_ARGS)
        assert narrowed.data == {'changed': True, 'changes': sorted(['full_text', 'fields.host', 'fields.n'] + [
            'fields.' + name for name in SYSLOG_FIELDS]), 'index': NARROW,
            'diff': {'before': default_index(), 'after': NARROW}}
    assert mutating_calls(store) == {'CreateIndex': 1, 'UpdateIndex': 1}
    assert not run(sls_index, store, **NARROW_ARGS).changed

    for check in (True, False):
        deleted = run(sls_index, store, check=check, state='absent', **INDEX_ARGS)
        assert deleted.data == {'changed': True, 'changes': ['deleted'], 'index': NARROW,
                                'diff': {'before': NARROW, 'after': {}}}
    assert store.sls_state()['projects']['proj-r']['logstores']['syslog']['index'] is None
    assert run(sls_index, store, state='absent', **INDEX_ARGS).data == {
        'changed': False, 'changes': [], 'index': {}, 'diff': {'before': {}, 'after': {}}}
    assert mutating_calls(store) == {'CreateIndex': 1, 'UpdateIndex': 1, 'DeleteIndex': 1}


def test_index_field_options_default_to_the_index_wide_ones(store):
    view = run(sls_index, store, check=True, case_sensitive=True, tokens=['|'], probe=None, probe_after=None,
               fields=[{'name': 'a'}, {'name': 'b', 'case_sensitive': False, 'type': 'double'},
                       {'name': 'c', 'case_sensitive': False, 'analytics': False}], **INDEX_ARGS)
    assert view.data['index'] == {'name': 'syslog', 'full_text': {'tokens': ['|'], 'case_sensitive': True},
                                  'fields': {'a': {'type': 'text', 'tokens': ['|'], 'case_sensitive': True,
                                                   'analytics': True},
                                             'c': {'type': 'text', 'tokens': ['|'], 'case_sensitive': False,
                                                   'analytics': False},
                                             'b': {'type': 'double', 'analytics': True}}}


def test_index_tokens_are_text_and_no_secret(store):
    # Numbers in YAML become delimiters as text; a list named tokens is declared not secret (no_log=False): no
    # delimiter among the values ansible would mask in the result, and no warning.
    masked = []

    def exit_json(self, **result):
        masked.append(set(self.module.no_log_values))
        self.module.exit_json(**result)
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn, \
            mock.patch.object(alicloud_module.AlicloudModule, 'exit_json', exit_json):
        result = run(sls_index, store, check=True, tokens=[1, ','], fields=[{'name': 'a', 'tokens': [2]}],
                     **INDEX_ARGS)
    assert warn.call_args_list == [] and len(masked) == 1 and not masked[0] & {'1', ',', '2'}
    assert (result.data['index']['full_text']['tokens'], result.data['index']['fields']['a']['tokens']) == (
        ['1', ','], ['2'])


def test_index_logstore_gone_before_its_read_back_is_named(store):
    patch, calls = failing_after_first('get_index_config', SlsApiError('gone', code='LogStoreNotExist'))
    with patch:
        result = run(sls_index, store, **INDEX_ARGS)
    assert result.failed and result.msg == ('name: logstore syslog does not exist in project proj-r; create it '
                                            'first (alicloud_ops.logging.sls_logstore)')
    assert calls == [('proj-r', 'syslog'), ('proj-r', 'syslog')] and mutating_calls(store) == {'CreateIndex': 1}


@pytest.mark.parametrize('fields, msg', [
    ([{'type': 'long'}], 'missing required arguments: name found in fields'),
    ([{'name': 'a', 'type': 'date'}], 'value of type must be one of: text, long, double, got: date found in fields'),
])
def test_index_field_options_checked_by_their_spec(store, fields, msg):
    result = run(sls_index, store, fields=fields, **INDEX_ARGS)
    assert result.failed and msg in result.msg and store.stats()['calls'] == {}


@pytest.mark.parametrize('args, msg', [
    ({'project': 'Proj_R', 'logstore': 'syslog'},
     "project: invalid project name 'Proj_R': 3-63 characters: lowercase letters, digits and hyphens, starting and "
     "ending with a letter or digit"),
    ({'project': 'proj-r', 'logstore': 'S'},
     "name: invalid logstore name 'S': 3-63 characters: lowercase letters, digits, hyphens and underscores, "
     "starting and ending with a letter or digit"),
])
def test_index_names_checked_before_any_call(store, args, msg):
    store.reset_stats()
    result = run(sls_index, store, **args)
    assert result.failed and result.msg == msg and store.stats()['calls'] == {}


def test_index_missing_parents_word_for_word(store):
    project = run(sls_index, store, project='proj-none', logstore='syslog')
    assert project.msg == ('project: project proj-none does not exist; create it first '
                           '(alicloud_ops.logging.sls_project)')
    logstore = run(sls_index, store, project='proj-r', logstore='nostore')
    assert logstore.msg == ('name: logstore nostore does not exist in project proj-r; create it first '
                            '(alicloud_ops.logging.sls_logstore)')
    assert logstore.data['invalid_options'] == ['name'] and mutating_calls(store) == {}


def _put(emu, lines):
    from aliyun.log import LogItem, PutLogsRequest
    client = sls_sdk_client(emu, source='10.0.0.9')
    items = [LogItem(int(time.time()), [('_hostname_', h), ('_content_', c)]) for h, c in lines]
    client.put_logs(PutLogsRequest('proj-r', 'syslog', '', '', items))


def test_log_search_is_read_only_and_pages(store):
    no_index = run(sls_log_search, store, project='proj-r', logstore='syslog', query='x')
    assert no_index.failed and 'has no index' in no_index.msg and 'sls_index' in no_index.msg
    assert not run(sls_index, store, project='proj-r', logstore='syslog').failed
    _put(store, [('web-%d' % (i % 3), 'canary-%d run-7' % i) for i in range(250)])
    found = run(sls_log_search, store, check=True, project='proj-r', logstore='syslog', query='run-7',
                rows=1000, since=60, count_by='_hostname_')
    assert not found.failed and not found.changed
    assert found.data['count'] == 250 and found.data['api_calls'] == 3 and found.data['complete']
    assert found.data['counts'] == {'web-0': 84, 'web-1': 83, 'web-2': 83}
    assert len({row['_content_'] for row in found.data['logs']}) == 250
    one = run(sls_log_search, store, project='proj-r', logstore='syslog', query='_hostname_: web-1 and canary-4',
              reverse=True)
    assert [row['_content_'] for row in one.data['logs']] == ['canary-4 run-7']
    assert isinstance(one.data['logs'][0]['__time__'], int) and one.data['api_calls'] == 1
    v4 = run(sls_log_search, store, project='proj-r', logstore='syslog', query='canary-4', auth_version='v4',
             region='cn-hangzhou')
    assert not v4.failed and v4.data['count'] == 1, v4.msg
    bad = run(sls_log_search, store, project='proj-r', logstore='syslog', since=5, from_time=1)
    assert bad.failed and bad.msg.startswith('since:')
    assert mutating_calls(store) == {'CreateIndex': 1}


def test_machine_group_info_lists_heartbeats(store):
    assert not run(sls_machine_group, store, project='proj-r', name='hosts', machines=['web', 'db']).failed
    # A server outside ECS with the account's /etc/ilogtail/users/<AliUid> file: it joins the group.
    doc = json.dumps({'ip': '10.0.0.7', 'user_defined_id': ['web'],
                      'aliuids': [DEFAULT_ACCOUNT_ALIUID]}).encode('utf-8')
    with urlopen(Request(store.url + '/_emulator/sls/agent/heartbeat', data=doc, method='POST'), timeout=10):
        pass
    info = run(sls_machine_group_info, store, check=True, project='proj-r', name='hosts')
    assert not info.failed and not info.changed
    assert [(m['ip'], m['user_defined_id'], m['alive']) for m in info.data['machines']] == [('10.0.0.7', 'web', True)]
    assert 0 <= info.data['machines'][0]['heartbeat_age'] <= 5
    assert info.data['silent'] == ['db'] and info.data['applied_configs'] == []
    missing = run(sls_machine_group_info, store, project='proj-r', name='nogroup')
    assert missing.failed and missing.msg.startswith('name: machine group nogroup does not exist')


@pytest.mark.parametrize('module, args', [
    (sls_log_search, {'project': 'proj-r', 'logstore': 'syslog'}),
    (sls_machine_group_info, {'project': 'proj-r', 'name': 'hosts'}),
    (sls_index, {'project': 'proj-r', 'logstore': 'syslog'}),
])
def test_wrong_secret_fails_clearly_without_the_secret(store, module, args):
    wrong = 'wrong-secret-0123456789'
    result = run_module(module.main, dict(sls_auth(store, secret=wrong), **args))
    assert result.failed and 'SignatureNotMatch' in result.msg and 'access_key_secret does not belong' in result.msg
    assert wrong not in json.dumps(result.data)


def test_logtail_config_info_lists_both_forms_every_page_by_name_start(sls_emulator):
    assert not run(sls_project, sls_emulator, name='proj-c').failed
    assert not run(sls_logstore, sls_emulator, project='proj-c', name='syslog').failed
    pipeline = {'inputs': [{'Type': 'input_file', 'FilePaths': ['/var/log/a.log'], 'MaxDirSearchDepth': 0}]}
    # 101 pipeline configs with the prefix: more than one page (100 a page).
    for index in range(101):
        assert not run(sls_logtail_config, sls_emulator, project='proj-c', name='file-%03d' % index,
                       logstore='syslog', pipeline=pipeline).failed
    assert not run(sls_logtail_config, sls_emulator, project='proj-c', name='file-legacy', logstore='syslog',
                   tag='t').failed
    # The prefix in the middle of a name does not match.
    assert not run(sls_logtail_config, sls_emulator, project='proj-c', name='not-file-x', logstore='syslog',
                   pipeline=pipeline).failed

    found = run(sls_logtail_config_info, sls_emulator, check=True, project='proj-c', name_prefix='file-')
    assert not found.failed and not found.changed
    names = [c['name'] for c in found.data['configs']]
    assert names == ['file-%03d' % i for i in range(101)] + ['file-legacy']
    assert found.data['configs'][0] == {'name': 'file-000', 'form': 'pipeline'}
    assert found.data['configs'][-1] == {'name': 'file-legacy', 'form': 'legacy'}
    everything = run(sls_logtail_config_info, sls_emulator, project='proj-c')
    assert len(everything.data['configs']) == 103

    missing = run(sls_logtail_config_info, sls_emulator, project='no-such-proj')
    assert not missing.failed and missing.data['configs'] == []


# Issue 25: sls_logtail_config_info's paging and listing, on stand-ins of the client's list calls.
class _Page(object):
    def __init__(self, names):
        self.names = names

    def get_configs(self):
        return self.names


class _Listing(object):
    """Stand-in client: the names of each form, served `size` at a time from `offset`; or an error. Its calls
    take no defaults (the SDK's size default is its own, not the module's page)."""

    def __init__(self, pipeline=(), legacy=(), error=None):
        self.forms, self.error, self.calls = {'pipeline': list(pipeline), 'legacy': list(legacy)}, error, []

    def _page(self, form, project, name, offset, size):
        self.calls.append((form, project, name, offset, size))
        if self.error:
            raise self.error
        return _Page(self.forms[form][offset:offset + size])

    def list_logtail_pipeline_config(self, project, config_name, offset, size):
        return self._page('pipeline', project, config_name, offset, size)

    def list_logtail_config(self, project, config, offset, size):
        return self._page('legacy', project, config, offset, size)


class _Exit(Exception):
    pass


class _InfoModule(object):
    def exit_json(self, **result):
        raise _Exit(result)


def list_configs(client, prefix):
    with pytest.raises(_Exit) as done:
        sls_logtail_config_info_code.list_configs(_InfoModule(), client, 'proj-c', prefix)
    return done.value.args[0]


@pytest.mark.parametrize('count, offsets', [(0, [0]), (99, [0]), (100, [0, 100]), (101, [0, 100]),
                                            (200, [0, 100, 200])])
def test_all_names_reads_pages_of_100_until_a_short_one(count, offsets):
    names, calls = ['n%03d' % i for i in range(count)], []

    def page(offset, size):
        calls.append((offset, size))
        return _Page(names[offset:offset + size])
    assert sls_logtail_config_info_code.all_names(page) == names
    assert calls == [(offset, 100) for offset in offsets]


def test_all_names_takes_no_configs_as_none():
    assert sls_logtail_config_info_code.all_names(lambda offset, size: _Page(None)) == []


def test_list_configs_by_name_then_form_from_the_start_of_the_name():
    client = _Listing(pipeline=['web', 'b-web', 'a'], legacy=['web', 'webby', 'x-web'])
    assert list_configs(client, 'web') == {'changed': False, 'configs': [
        {'name': 'web', 'form': 'legacy'}, {'name': 'web', 'form': 'pipeline'}, {'name': 'webby', 'form': 'legacy'}]}
    assert client.calls == [('pipeline', 'proj-c', 'web', 0, 100), ('legacy', 'proj-c', 'web', 0, 100)]


@pytest.mark.parametrize('prefix', [None, ''])
def test_list_configs_without_a_prefix_asks_for_every_name(prefix):
    client = _Listing(pipeline=['b'], legacy=['a'])
    assert list_configs(client, prefix)['configs'] == [{'name': 'a', 'form': 'legacy'},
                                                       {'name': 'b', 'form': 'pipeline'}]
    assert client.calls == [('pipeline', 'proj-c', None, 0, 100), ('legacy', 'proj-c', None, 0, 100)]


def test_list_configs_of_a_missing_project_is_empty_and_other_errors_raise():
    assert list_configs(_Listing(error=SlsApiError('gone', code='ProjectNotExist')), 'x') == {
        'changed': False, 'configs': []}
    denied = SlsApiError('denied', code='Unauthorized')
    with pytest.raises(SlsApiError) as raised:
        sls_logtail_config_info_code.list_configs(_InfoModule(), _Listing(error=denied), 'proj-c', 'x')
    assert raised.value is denied


def test_logtail_config_info_refuses_a_bad_project_name_and_takes_the_probe_options(sls_emulator):
    assert run(sls_logtail_config_info, sls_emulator).msg == 'missing required arguments: project'
    bad = run(sls_logtail_config_info, sls_emulator, project='Proj_C')
    assert bad.failed and bad.msg == ("project: invalid project name 'Proj_C': 3-63 characters: lowercase letters, "
                                      "digits and hyphens, starting and ending with a letter or digit")
    assert sls_emulator.stats()['calls'] == {}
    assert run(sls_logtail_config_info, sls_emulator, check=True, project='proj-c', name_prefix=5, probe=None,
               probe_after=None).data == {'changed': False, 'configs': []}
