import os

import pytest

from tools.sanity import unit_layout

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))


def test_the_repo_follows_the_layout():
    assert unit_layout.misplaced(REPO_ROOT) == []


@pytest.fixture
def tree(tmp_path):
    for rel in ('plugins/modules/sls_project.py', 'plugins/module_utils/rsyslog_render.py',
                'plugins/inventory/alicloud_ecs.py', 'tools/alicloud_emulator/ecs.py',
                'tests/logtail_standin/server.py', 'tests/unit/__init__.py'):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text('')
    return tmp_path


def place(tree, *rels):
    for rel in rels:
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text('')


def test_each_rule_of_the_readme_is_accepted(tree):
    place(tree, 'tests/unit/plugins/__init__.py', 'tests/unit/plugins/modules/conftest.py',
          'tests/unit/plugins/modules/test_sls_project.py', 'tests/unit/plugins/modules/test_sls_project_check.py',
          'tests/unit/plugins/modules/test_bad_input_modules.py',
          'tests/unit/plugins/module_utils/test_rsyslog_render_endpoint.py',
          'tests/unit/plugins/inventory/test_alicloud_ecs.py', 'tests/unit/plugins/test_plugin_examples.py',
          'tests/unit/tools/alicloud_emulator/test_anything.py', 'tests/unit/tools/logtail_standin/test_server.py',
          'tests/unit/plugins/modules/fixtures/reply.json', 'bench/fleet_bench.py',
          'tests/unit/tools/bench/test_fleet_bench.py')
    assert unit_layout.misplaced(str(tree)) == []


@pytest.mark.parametrize('rel', [
    'tests/unit/test_rsyslog_render.py',                         # merged into the old flat layout
    'tests/unit/plugins/module_utils/test_sls_project.py',       # a module's test among module_utils
    'tests/unit/plugins/modules/test_sls.py',                    # no plugin named sls
    'tests/unit/plugins/modules/test_rsyslog_render.py',         # plugin of another type
    'tests/unit/plugins/test_examples.py',                       # top level needs test_plugin_
    'tests/unit/plugins/modules/nested/test_sls_project.py',     # no deeper directories
    'tests/unit/plugins/filter/test_anything_filter.py',         # no plugins/filter/
    'tests/unit/plugins/modules/helpers.py',                     # not a test, not __init__/conftest
    'tests/unit/tools/test_ecs.py',                              # tools tests sit in a directory per tool
    'tests/unit/tools/bench/test_figures.py',                    # no tools/bench/, tests/bench/ nor bench/
    'tests/unit/tools/benches/test_figures.py',                  # no tools/benches/ nor tests/benches/
])
def test_misplaced_files_are_named(tree, rel, capsys):
    place(tree, rel)
    assert unit_layout.misplaced(str(tree)) == [rel]
    assert unit_layout.main(['unit_layout.py', str(tree)]) == 1
    out = capsys.readouterr().out
    assert 'misplaced test file: %s' % rel in out and 'tests/unit/plugins/X/test_Y.py' in out
