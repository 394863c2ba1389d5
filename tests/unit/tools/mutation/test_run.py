"""tools/mutation/run.py around mutmut: which files it mutates, which test files it selects for a file (the import
graph), the setup.cfg it writes, the function spans the report places a mutant in, and reading mutmut's results."""
import json
import os

from tools.mutation import run

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
PKG = 'ansible_collections.alicloud_ops.logging'


def write(root, rel, text=''):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_the_targets_are_every_python_file_of_both_directories():
    found = run.targets(REPO_ROOT)
    assert 'plugins/module_utils/file_state.py' in found
    assert 'plugins/module_utils/_modules/systemd_unit.py' in found
    assert 'plugins/module_utils/_modules/__init__.py' in found
    assert 'plugins/plugin_utils/ecs_retry.py' in found
    assert all(f.startswith(('plugins/module_utils/', 'plugins/plugin_utils/')) and f.endswith('.py')
               for f in found)
    assert found == sorted(found)


def test_tests_for_follows_imports_through_other_modules(tmp_path):
    write(tmp_path, 'plugins/module_utils/base.py', 'X = 1\n')
    write(tmp_path, 'plugins/module_utils/mid.py',
          'from %s.plugins.module_utils import base\n' % PKG)
    write(tmp_path, 'plugins/module_utils/_modules/__init__.py', '')
    write(tmp_path, 'plugins/module_utils/_modules/thing.py',
          'from %s.plugins.module_utils.mid import X\n' % PKG)
    write(tmp_path, 'plugins/modules/thing.py',
          'from %s.plugins.module_utils._modules.thing import main\n' % PKG)
    write(tmp_path, 'plugins/module_utils/other.py', 'Y = 2\n')
    write(tmp_path, 'tests/__init__.py')
    write(tmp_path, 'tests/support/__init__.py')
    write(tmp_path, 'tests/support/harness.py', 'import %s.plugins.modules.thing\n' % PKG)
    write(tmp_path, 'tests/unit/plugins/module_utils/test_base.py',
          'from %s.plugins.module_utils import base\n' % PKG)
    write(tmp_path, 'tests/unit/plugins/modules/test_thing.py', 'from tests.support import harness\n')
    write(tmp_path, 'tests/unit/plugins/modules/test_relative.py', 'from ....support.harness import run\n')
    write(tmp_path, 'tests/unit/plugins/module_utils/test_other.py',
          'from %s.plugins.module_utils import other\n' % PKG)
    write(tmp_path, 'tests/unit/tools/emu/test_emu.py', 'import json\n')
    write(tmp_path, 'tests/unit/plugins/module_utils/test_broken.py', 'def (:\n')
    assert run.tests_for(str(tmp_path), ['plugins/module_utils/base.py']) == [
        'tests/unit/plugins/module_utils/test_base.py',
        'tests/unit/plugins/modules/test_relative.py',
        'tests/unit/plugins/modules/test_thing.py',
    ]
    assert run.tests_for(str(tmp_path), ['plugins/module_utils/other.py']) == [
        'tests/unit/plugins/module_utils/test_other.py']


def test_tests_for_a_real_file_has_its_own_test_file():
    assert 'tests/unit/plugins/module_utils/test_backoff.py' in run.tests_for(
        REPO_ROOT, ['plugins/module_utils/backoff.py'])


def test_setup_cfg_names_the_collection_paths():
    text = run.setup_cfg(['plugins/module_utils/backoff.py'], ['tests/unit/plugins/module_utils/test_backoff.py'])
    lines = text.splitlines()
    assert '[mutmut]' in lines
    assert '    ansible_collections/alicloud_ops/logging/plugins/module_utils' in lines
    assert '    ansible_collections/alicloud_ops/logging/plugins/plugin_utils' in lines
    only = lines.index('only_mutate =')
    assert lines[only + 1] == '    ansible_collections/alicloud_ops/logging/plugins/module_utils/backoff.py'
    sel = lines.index('pytest_add_cli_args_test_selection =')
    assert lines[sel + 1] == '    %s/tests/unit/plugins/module_utils/test_backoff.py' % run.COLLECTION
    assert 'only_mutate =' not in run.setup_cfg([], ['tests/unit/plugins'])


def test_function_spans_with_decorators_and_methods():
    source = '\n'.join([
        'import functools',         # 1
        '@functools.lru_cache()',   # 2
        'def cached(a):',           # 3
        '    return a',             # 4
        'class Plan:',              # 5
        '    @property',            # 6
        '    def size(self):',      # 7
        '        return 1',         # 8
        '    def apply(self):',     # 9
        '        def inner():',     # 10
        '            pass',         # 11
        '        return inner',     # 12
    ]) + '\n'
    assert run.function_spans(source) == {'cached': (2, 4), 'Plan.size': (6, 8), 'Plan.apply': (9, 12)}
    assert run.function_spans('def (:\n') == {}


def test_read_results_and_progress(tmp_path):
    meta_dir = tmp_path / 'mutants' / run.COLLECTION / 'plugins' / 'module_utils'
    meta_dir.mkdir(parents=True)
    codes = {'m.x_f__mutmut_1': 1, 'm.x_f__mutmut_2': 0, 'm.x_f__mutmut_3': None}
    (meta_dir / 'a.py.meta').write_text(json.dumps({'exit_code_by_key': codes}))
    (meta_dir / 'bad.py.meta').write_text('{not json')
    results = run.read_results(str(tmp_path), ['plugins/module_utils/a.py', 'plugins/module_utils/bad.py',
                                               'plugins/module_utils/none.py'])
    assert results == {'plugins/module_utils/a.py': codes,
                       'plugins/module_utils/bad.py': None, 'plugins/module_utils/none.py': None}
    assert run.progress(results) == '2/3 mutants tested: 1 killed, 1 survived, 0 no tests, 0 timeout'


def test_clean_env_drops_pytest_and_mutant_variables(monkeypatch):
    monkeypatch.setenv('PYTEST_XDIST_WORKER', 'gw0')
    monkeypatch.setenv('MUTANT_UNDER_TEST', 'x.y__mutmut_1')
    monkeypatch.setenv('HOME_OF_TEST', 'kept')
    env = run.clean_env()
    assert 'PYTEST_XDIST_WORKER' not in env and 'MUTANT_UNDER_TEST' not in env
    assert env['HOME_OF_TEST'] == 'kept'


def test_slow_tests_are_left_out_unless_asked(tmp_path):
    slow = sorted(run.SLOW_TESTS)[0]
    write(tmp_path, 'plugins/module_utils/base.py', 'X = 1\n')
    write(tmp_path, slow, 'from %s.plugins.module_utils import base\n' % PKG)
    write(tmp_path, 'tests/unit/plugins/module_utils/test_base.py', 'from %s.plugins.module_utils import base\n' % PKG)
    assert run.tests_for(str(tmp_path), ['plugins/module_utils/base.py']) == [
        'tests/unit/plugins/module_utils/test_base.py']
    assert run.tests_for(str(tmp_path), ['plugins/module_utils/base.py'], with_slow=True) == sorted([
        'tests/unit/plugins/module_utils/test_base.py', slow])
    # the real suite imports module code, so only SLOW_TESTS keeps it out of a file's selection
    assert slow not in run.tests_for(REPO_ROOT, ['plugins/module_utils/option_checks.py'])
    assert slow in run.tests_for(REPO_ROOT, ['plugins/module_utils/option_checks.py'], with_slow=True)


def test_setup_cfg_ignores_a_left_out_file_under_a_selected_directory():
    slow = sorted(run.SLOW_TESTS)[0]
    lines = run.setup_cfg([], ['tests/unit/plugins'], [slow]).splitlines()
    args = lines.index('pytest_add_cli_args =')
    assert lines[args + 1:args + 4] == ['    -p', '    no:cacheprovider', '    --ignore=%s/%s' % (run.COLLECTION, slow)]
    assert not [line for line in run.setup_cfg([], ['tests/unit/plugins']).splitlines() if '--ignore' in line]
