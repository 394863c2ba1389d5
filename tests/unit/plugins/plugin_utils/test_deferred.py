"""plugin_utils/deferred.py and the filter files that use it (issue 24): ansible-core imports every filter file of the
collection in each worker process that uses any one of its filters, so those files import nothing of the collection's
heavier Python at their top; a filter imports what it needs when called."""
import ast
import importlib
import os

import pytest

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import deferred as deferred_module
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.deferred import PACKAGE, deferred

FILTER_DIR = os.path.join(os.path.dirname(deferred_module.__file__), '..', 'filter')
FILTERS = sorted(name for name in os.listdir(FILTER_DIR) if name.endswith('.py') and name != '__init__.py')
ALLOWED_AT_TOP = {'__future__', 'ansible.errors', PACKAGE + 'plugin_utils.deferred'}


def top_level_imports(path):
    with open(path) as handle:
        tree = ast.parse(handle.read())
    names = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def test_every_filter_file_is_checked():
    assert FILTERS == ['agent_layout.py', 'canary.py', 'file_sources.py']


@pytest.mark.parametrize('name', FILTERS)
def test_a_filter_file_imports_only_the_deferring_helper_at_its_top(name):
    imports = top_level_imports(os.path.join(FILTER_DIR, name))
    assert PACKAGE + 'plugin_utils.deferred' in imports
    assert set(imports) <= ALLOWED_AT_TOP, imports


def test_the_function_is_imported_when_called_and_given_every_argument(monkeypatch):
    imported = []
    real_import = importlib.import_module

    def recording_import(name, *args):
        imported.append(name)
        return real_import(name, *args)

    monkeypatch.setattr(importlib, 'import_module', recording_import)
    config_name = deferred('module_utils.file_sources', 'config_name')
    assert imported == [] and config_name.__name__ == 'config_name' and config_name.__qualname__ == 'config_name'
    assert config_name('web', name='app') == 'web-app'
    assert imported == [PACKAGE + 'module_utils.file_sources']


def test_it_returns_what_the_function_returns_and_raises_what_it_raises():
    flavor_facts = deferred('module_utils.logtail_install', 'flavor_facts')
    assert flavor_facts('logtail')['service'] == 'ilogtaild'
    with pytest.raises(Exception, match='nosuch'):
        flavor_facts('nosuch')
