"""plan_file_sources: one entry per source with the hosts that list it, its machine group by id or by IP, and
errors naming the field and the host."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.file_source_plan import (
    FileSourcePlanError, plan_file_sources)

PREFIX = 'alicloud-ops-logging-file'
NGINX = {'name': 'nginx-access', 'paths': ['/var/log/nginx/access.log'], 'format': 'nginx'}
JAVA = {'name': 'todo-app', 'paths': ['/var/log/todo/app.log'], 'multiline_start': r'\d{4}-.*'}
HOST_VARS = {'web-1': {'private_ip': '10.0.0.1'}, 'web-2': {'private_ip': '10.0.0.2'},
             'api-1': {'private_ip': '10.0.1.1'}}


def test_one_entry_per_source_with_its_hosts_by_user_defined_id():
    plan = plan_file_sources({'web-2': [NGINX, JAVA], 'web-1': [NGINX], 'api-1': [dict(JAVA)]}, HOST_VARS, PREFIX)
    assert [entry['name'] for entry in plan] == ['nginx-access', 'todo-app']
    nginx, java = plan
    assert nginx['hosts'] == ['web-1', 'web-2'] and java['hosts'] == ['api-1', 'web-2']
    assert nginx['config_name'] == 'alicloud-ops-logging-file-nginx-access'
    assert nginx['machine_group'] == {'name': 'alicloud-ops-logging-file-nginx-access', 'machine_type': 'userdefined',
                                      'machines': ['alicloud-ops-logging-file-nginx-access']}
    assert nginx['logstore'] == 'nginx-access'
    assert 'configName' not in nginx['pipeline']  # sls_logtail_config's name option gives it
    assert nginx['pipeline']['inputs'][0]['FilePaths'] == ['/var/log/nginx/access.log']
    assert nginx['pipeline']['processors'][0]['Type'] == 'processor_parse_regex_native'
    assert java['pipeline']['inputs'][0]['Multiline']['StartPattern'] == r'\d{4}-.*'
    assert {'name': 'status', 'type': 'long'} in nginx['index_fields']


def test_ip_machine_groups_list_the_hosts_ips_once():
    host_vars = dict(HOST_VARS, **{'web-3': {'private_ip': '10.0.0.1'}})
    nginx, = plan_file_sources({'web-1': [NGINX], 'web-2': [NGINX], 'web-3': [NGINX]}, host_vars, 'p', 'ip')
    assert nginx['machine_group'] == {'name': 'p-nginx-access', 'machine_type': 'ip',
                                      'machines': ['10.0.0.1', '10.0.0.2']}
    with pytest.raises(FileSourcePlanError) as err:
        plan_file_sources({'web-9': [NGINX]}, HOST_VARS, 'p', 'ip')
    assert 'web-9' in str(err.value) and 'private_ip' in str(err.value)
    assert err.value.option == 'alicloud_logging_file_sources'


def test_conflicting_definitions_name_both_hosts():
    other = dict(NGINX, paths=['/srv/nginx/access.log'])
    with pytest.raises(FileSourcePlanError) as err:
        plan_file_sources({'web-1': [NGINX], 'web-2': [other]}, HOST_VARS, PREFIX)
    assert "'nginx-access' differs between hosts web-1 and web-2" in str(err.value)


def test_bad_field_names_field_and_host():
    with pytest.raises(FileSourcePlanError) as err:
        plan_file_sources({'web-1': [NGINX], 'api-1': [dict(JAVA, format='yaml')]}, HOST_VARS, PREFIX)
    assert err.value.option == 'alicloud_logging_file_sources[0].format'
    assert str(err.value).startswith('alicloud_logging_file_sources[0].format: ') and '(host api-1)' in str(err.value)


def test_no_sources_no_entries():
    assert plan_file_sources({}, HOST_VARS, PREFIX) == []
    assert plan_file_sources({'web-1': []}, HOST_VARS, PREFIX) == []


def test_shared_logstore_shares_the_union_of_index_fields_and_syslog_logstore_refused():
    json_app = {'name': 'app-json', 'paths': ['/var/log/app.json'], 'format': 'json', 'index_keys': ['level'],
                'logstore': 'apps'}
    csv_app = {'name': 'app-csv', 'paths': ['/var/log/app.csv'], 'format': 'delimiter', 'separator': ',',
               'keys': ['level', 'user'], 'logstore': 'apps'}
    plan = plan_file_sources({'web-1': [json_app, csv_app]}, HOST_VARS, PREFIX)
    expected = [{'name': 'level', 'type': 'text'}, {'name': 'user', 'type': 'text'}, {'name': 'content', 'type': 'text'}]
    assert [e['index_fields'] for e in plan] == [expected, expected]
    with pytest.raises(FileSourcePlanError) as err:
        plan_file_sources({'web-1': [dict(NGINX, logstore='syslog')]}, HOST_VARS, PREFIX, syslog_logstore='syslog')
    assert 'the syslog logstore' in str(err.value) and 'web-1' in str(err.value)
    assert plan_file_sources({'web-1': [NGINX]}, HOST_VARS, PREFIX, syslog_logstore='syslog')[0]['logstore'] == \
        'nginx-access'


# Issue 25: each refusal word for word, with the variable at fault.

def test_a_bad_source_names_the_variable_and_the_host():
    with pytest.raises(FileSourcePlanError) as err:
        plan_file_sources({'web-1': [{'name': 'x'}]}, HOST_VARS, PREFIX)
    assert str(err.value).startswith('alicloud_logging_file_sources') and str(err.value).endswith(' (host web-1)')
    assert err.value.option == 'alicloud_logging_file_sources[0].name'  # the source's own field, under the variable


def test_a_source_defined_twice_differently_is_refused_word_for_word():
    with pytest.raises(FileSourcePlanError) as err:
        plan_file_sources({'web-1': [NGINX], 'web-2': [dict(NGINX, paths=['/other.log'])]}, HOST_VARS, PREFIX)
    assert str(err.value) == ("alicloud_logging_file_sources: source 'nginx-access' differs between hosts web-1 and "
                              'web-2; give each definition its own name')


def test_a_source_into_the_syslog_logstore_is_refused_word_for_word():
    with pytest.raises(FileSourcePlanError) as err:
        plan_file_sources({'web-1': [dict(NGINX, logstore='syslog')]}, HOST_VARS, PREFIX, syslog_logstore='syslog')
    assert str(err.value) == ("alicloud_logging_file_sources: source 'nginx-access' (host web-1) writes to 'syslog', "
                              'the syslog logstore (alicloud_logging_logstore), whose index is the syslog keys; give '
                              'it a logstore of its own')


def test_a_host_without_its_ip_is_refused_word_for_word():
    with pytest.raises(FileSourcePlanError) as err:
        plan_file_sources({'web-9': [NGINX]}, HOST_VARS, 'p', 'ip', ip_var='eip')
    assert str(err.value) == ("alicloud_logging_file_sources: host web-9 collects source 'nginx-access' but has no eip "
                              'hostvar for the ip machine group')
