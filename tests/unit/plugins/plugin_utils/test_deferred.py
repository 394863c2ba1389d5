"""plugin_utils/deferred.py and the filter files that use it (issue 24): ansible-core imports every filter file of the
collection in each worker process that uses any one of its filters, so those files import nothing of the collection's
heavier Python at their top; a filter imports what it needs when called."""
import json
import os
import subprocess
import sys

import pytest

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.deferred import PACKAGE, deferred

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
FILTERS = ('agent_layout', 'canary', 'file_sources')


def imported_after(statement):
    """The collection's modules in sys.modules after `statement`, in a fresh interpreter."""
    code = ('import json, sys\n%s\nprint(json.dumps(sorted(m for m in sys.modules if m.startswith(%r))))'
            % (statement, PACKAGE))
    out = subprocess.run([sys.executable, '-c', code], cwd=os.path.join(REPO, 'collections'), check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    return [name[len(PACKAGE):] for name in json.loads(out)]


@pytest.mark.parametrize('name', FILTERS)
def test_a_filter_file_imports_only_the_deferring_helper(name):
    assert imported_after('import %sfilter.%s' % (PACKAGE, name)) == ['filter', 'filter.' + name, 'plugin_utils',
                                                                       'plugin_utils.deferred']


def test_the_function_is_imported_when_called_and_given_every_argument():
    statement = ('from %splugin_utils.deferred import deferred\n'
                 'name = deferred("module_utils.file_sources", "config_name")\n'
                 'assert name.__name__ == "config_name"\n' % PACKAGE)
    assert 'module_utils.file_sources' not in imported_after(statement)
    called = imported_after(statement + 'assert name("web", name="app") == "web-app"')
    assert 'module_utils.file_sources' in called


def test_it_returns_what_the_function_returns_and_raises_what_it_raises():
    flavor_facts = deferred('module_utils.logtail_install', 'flavor_facts')
    assert flavor_facts('logtail')['service'] == 'ilogtaild'
    with pytest.raises(Exception, match='nosuch'):
        flavor_facts('nosuch')
    assert flavor_facts.__qualname__ == 'flavor_facts'
