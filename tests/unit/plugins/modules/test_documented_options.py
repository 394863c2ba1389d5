"""Every module's documented options (its own and its doc fragments') are the argument spec its main() builds:
type, default, required, choices, elements, aliases, sub-options and no_log, as ansible-test's validate-modules
compares them in sanity. Here it also runs in the unit tests, so that `make mutation` kills a mutant that changes a
spec (a default dropped, a type lost) which no behaviour test notices (issue 25)."""
import importlib
import os

import pytest

from tests.support.module_docs import documented_options, option_mismatches, spec_mismatches

MODULES_DIR = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules')
MODULES = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith('.py') and name != '__init__.py')


def test_every_module_is_checked():
    assert len(MODULES) >= 20 and {'logtail_agent', 'sls_project', 'systemd_unit', 'cms_metric_rule'} <= set(MODULES)


@pytest.mark.parametrize('name', MODULES)
def test_documented_options_are_the_argument_spec(name):
    module = importlib.import_module('ansible_collections.alicloud_ops.logging.plugins.modules.' + name)
    assert spec_mismatches(module) == []


def test_a_fragment_option_counts_as_documented():
    sls_project = importlib.import_module('ansible_collections.alicloud_ops.logging.plugins.modules.sls_project')
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
