"""Check that the unit tests sit where tests/README.md's layout rule puts them; exit 1 naming each misplaced file.

    python tools/sanity/unit_layout.py [REPO_ROOT]

tools/sanity/units.sh runs it first: ansible-test units picks a test's context (modules, module_utils, controller)
from its directory, and a file the lead merges into the wrong place would otherwise run quietly in the wrong
context, or not at all (pytest collects only test_*.py).
"""
import os
import sys

RULE = """\
Layout (tests/README.md, "Where a unit test lives"):
  tests/unit/plugins/X/test_Y.py or test_Y_<aspect>.py   tests plugins/X/Y.py
  tests/unit/plugins/X/test_<topic>_X.py                 tests several plugins of plugins/X/ (e.g. test_sls_modules.py)
  tests/unit/plugins/test_plugin_<topic>.py              tests every plugin type at once
  tests/unit/tools/D/test_<topic>.py                     tests the project's tools/D/ or tests/D/ (emulator, stand-in)
  tests/unit/tools/bench/test_<topic>.py                 tests the benchmarks' own code in bench/
  plus __init__.py and conftest.py; nothing else ending in .py, no test files directly in tests/unit/"""


def plugin_test_ok(root, rel):
    parts = rel.split('/')[3:]  # below tests/unit/plugins
    name = parts[-1]
    if len(parts) == 1:
        return name.startswith('test_plugin_')
    if len(parts) != 2 or not os.path.isdir(os.path.join(root, 'plugins', parts[0])):
        return False
    kind, stem = parts[0], name[len('test_'):-len('.py')]
    if stem.endswith('_' + kind):
        return True
    plugins = [f[:-3] for f in os.listdir(os.path.join(root, 'plugins', kind)) if f.endswith('.py')]
    return any(stem == p or stem.startswith(p + '_') for p in plugins)


def tool_test_ok(root, rel):
    parts = rel.split('/')[3:]  # below tests/unit/tools
    return len(parts) == 2 and (os.path.isdir(os.path.join(root, 'tools', parts[0]))
                                or os.path.isdir(os.path.join(root, 'tests', parts[0]))
                                or (parts[0] == 'bench' and os.path.isdir(os.path.join(root, 'bench'))))


def placed(root, rel):
    name = rel.rsplit('/', 1)[-1]
    if name in ('__init__.py', 'conftest.py'):
        return True
    if not name.startswith('test_'):
        return False
    if rel.startswith('tests/unit/plugins/'):
        return plugin_test_ok(root, rel)
    if rel.startswith('tests/unit/tools/'):
        return tool_test_ok(root, rel)
    return False


def misplaced(root):
    bad = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, 'tests', 'unit')):
        dirnames[:] = sorted(d for d in dirnames if d != '__pycache__')
        for name in sorted(f for f in filenames if f.endswith('.py')):
            rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, '/')
            if not placed(root, rel):
                bad.append(rel)
    return bad


def main(argv):
    root = argv[1] if len(argv) > 1 else os.getcwd()
    bad = misplaced(root)
    for rel in bad:
        print('unit layout: misplaced test file: %s' % rel)
    if bad:
        print(RULE)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
