"""Every module's documented options (its own and its doc fragments') are the argument spec its main() builds:
type, default, required, choices, elements, aliases, sub-options and no_log, as ansible-test's validate-modules
compares them in sanity. Here it also runs in the unit tests, so that `make mutation` kills a mutant that changes a
spec (a default dropped, a type lost) which no behaviour test notices (issue 25)."""
import os

import pytest

# Imported by name, not found at run time: `make mutation` selects the test files that import a file (statically).
from ansible_collections.alicloud_ops.logging.plugins.modules import (
    cms_contact_group, cms_metric_rule, cms_monitor_group, converge_probe, logtail_agent, logtail_config,
    rsyslog_dropin, rsyslog_queue_info, sls_alert, sls_alert_action, sls_index, sls_index_info, sls_log_search,
    sls_logstore, sls_logtail_config, sls_logtail_config_info, sls_machine_group, sls_machine_group_info, sls_project,
    systemd_unit)
from tests.support.module_docs import documented_options, option_mismatches, spec_mismatches

MODULES = (cms_contact_group, cms_metric_rule, cms_monitor_group, converge_probe, logtail_agent, logtail_config,
           rsyslog_dropin, rsyslog_queue_info, sls_alert, sls_alert_action, sls_index, sls_index_info, sls_log_search,
           sls_logstore, sls_logtail_config, sls_logtail_config_info, sls_machine_group, sls_machine_group_info,
           sls_project, systemd_unit)
MODULES_DIR = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules')


def test_every_module_is_checked():
    on_disk = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith('.py') and name != '__init__.py')
    assert sorted(module.__name__.rsplit('.', 1)[1] for module in MODULES) == on_disk


@pytest.mark.parametrize('module', MODULES, ids=lambda module: module.__name__.rsplit('.', 1)[1])
def test_documented_options_are_the_argument_spec(module):
    assert spec_mismatches(module) == []


def test_a_fragment_option_counts_as_documented():
    options = documented_options(sls_project)
    # sls_auth's endpoint, converge_probe's probe, and the module's own name
    assert options['endpoint']['aliases'] == ['sls_endpoint'] and 'probe' in options and 'name' in options


@pytest.mark.parametrize('spec_option, problem', [
    (dict(type='str', default='present', choices=['absent', 'present']), None),   # choices in another order
    (dict(type='str', choices=['present', 'absent']), "default: documented 'present', spec None"),
    (dict(default='present', choices=['present', 'absent']), "type: documented 'str', spec None"),
    (dict(type='str', default='present', choices=['present']), 'choices'),
    (dict(type='str', default='present', choices=['present', 'absent'], required=True), 'required'),
])
def test_each_difference_is_named(spec_option, problem):
    documented = {'state': {'type': 'str', 'default': 'present', 'choices': ['present', 'absent']}}
    found = option_mismatches(documented, {'state': spec_option})
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0][0] == 'state' and found[0][1].startswith(problem), found
