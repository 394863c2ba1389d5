"""plugins/filter/agent_layout.py: the roles read the flavour facts and the drop-in file name rule the modules use."""
import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.alicloud_ops.logging.plugins.filter.agent_layout import (
    FilterModule, logtail_flavor_facts, rsyslog_dropin_filename)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.logtail_install import FLAVORS


def test_flavor_facts_as_the_roles_read_them():
    assert logtail_flavor_facts('logtail') == {
        'unit': 'ilogtaild.service', 'init_script': '/etc/init.d/ilogtaild', 'pid_files': ['ilogtail*.pid'],
        'config': 'ilogtail_config.json', 'install_dir': '/usr/local/ilogtail', 'checkpoint': '/tmp/logtail_check_point'}
    loong = logtail_flavor_facts('loongcollector')
    assert loong['unit'] == 'loongcollectord.service'
    assert loong['pid_files'] == ['loongcollector*.pid', 'run/loongcollector*.pid']
    assert loong['config'] == 'conf/instance_config/local/loongcollector_config.json'
    assert loong['checkpoint'] == '/usr/local/ilogtail/data/file_check_point'


def test_flavor_facts_come_from_the_modules_table():
    for flavor, facts in FLAVORS.items():
        assert logtail_flavor_facts(flavor)['unit'] == facts['service'] + '.service'


def test_unknown_flavor_names_the_field():
    with pytest.raises(AnsibleFilterError, match="flavor.*fluentd"):
        logtail_flavor_facts('fluentd')


@pytest.mark.parametrize('name, weight, expected', [('logtail', 60, '60-logtail.conf'), ('journal', '5', '05-journal.conf')])
def test_dropin_filename(name, weight, expected):
    assert rsyslog_dropin_filename(name, weight) == expected


@pytest.mark.parametrize('name, weight', [('logtail.conf', 60), ('logtail', 100), ('', 60), ('logtail', 'x')])
def test_dropin_filename_refuses_what_the_module_refuses(name, weight):
    with pytest.raises(AnsibleFilterError, match='rsyslog_dropin_filename'):
        rsyslog_dropin_filename(name, weight)


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {'logtail_flavor_facts', 'rsyslog_dropin_filename'}
