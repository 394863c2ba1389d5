"""`make mutation`: mutmut 3 over every .py file of plugins/module_utils (with _modules/) and plugins/plugin_utils,
against the unit tests, with a report per file and in total (tools/mutation/report.py says how it counts).

    .venv/bin/python tools/mutation/run.py [--files plugins/module_utils/x.py ...] [--max-children 1]
        [--floor 90] [--work DIR] [--report-dir DIR] [--resume] [--report-only] [--with-slow-tests]

How it works:
- The plugins import each other, and the tests import them, as ansible_collections.alicloud_ops.logging.plugins.*,
  and mutmut 3 names a mutant after its file's path (the trampoline it puts in each function compares that name
  with the running function's __module__). So mutmut runs in a work directory (.cache/mutation/work) where
  ansible_collections/alicloud_ops/logging links to the checkout and setup.cfg's [mutmut] names the two
  directories there: the names match and nothing of mutmut's lands in the checkout (.cache/ is git-ignored and
  outside the built collection).
- The tests run on a copy: mutants/ansible_collections/alicloud_ops/logging holds every file of the checkout
  (git's view: tracked and untracked-not-ignored) and mutmut writes the mutated module_utils and plugin_utils
  there. tests/conftest.py, run from that copy, links it under its own collections/, so every import resolves to
  the mutated copy. A run starts from a fresh copy (mutmut keeps a verdict while the function is unchanged even
  when the tests change); --resume keeps the last one, to finish a stopped run.
- Test selection: mutmut first runs the selected tests once and records which test calls which function; each
  mutant then runs (in a process forked from that one, --max-children at a time) only the tests that call its
  function. The selection for a file is the test files under tests/unit that import it, directly or through other
  modules of the checkout (an import graph of plugins/, tests/ and tools/, from the source). The whole run
  selects all of tests/unit/plugins (a test that reaches a plugin through ansible's plugin loader imports
  nothing) plus the other unit tests that import a file (tests/unit/tools/logtail_standin's file-source tests),
  less SLOW_TESTS (the generated bad-input suite: --with-slow-tests selects it);
  the emulator's own tests import none. A test that runs the plugins in a subprocess cannot be used (mutmut's
  trampoline fails there): UNUSABLE_TESTS leaves those out, with why. With --files, only those files' test files: what makes the first pass
  short.
- The report (printed, and written to .cache/mutation/report.txt and report.json) has per file and in total:
  mutants, killed, survived, no tests, timeout, the lines marked `# pragma: no mutate` (equivalents, listed with
  their reasons), the kill rate, and every undetected mutant with its file, line and diff. --floor N fails the
  run when the total kill rate is below N percent (the fast subset in CI).
"""
import argparse
import ast
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tools.mutation import report  # noqa: E402  (after the path)

COLLECTION = os.path.join('ansible_collections', 'alicloud_ops', 'logging')
PACKAGE = 'ansible_collections.alicloud_ops.logging'
TARGET_DIRS = ('plugins/module_utils', 'plugins/plugin_utils')
ALL_TESTS = 'tests/unit/plugins'
# Test files left out of every default selection, with why: mutmut's trampoline cannot run in a test's subprocess
# (the child has no mutmut configuration: the stats pass fails on it).
UNUSABLE_TESTS = {
    'tests/unit/tools/logtail_standin/test_file_sources_bench.py':
        'runs bench/file_sources_bench.py in a subprocess, which imports the plugins',
}
# Test files a run leaves out unless --with-slow-tests, with why. mutmut runs every test that calls a mutated
# function, and this suite calls nearly every function of the modules' code through their main(), many times each:
# mutmut's own estimate of a whole run (the duration of the tests per mutant, summed) was about 120 hours with it
# and 16 without (87% of it this file, 2026-12-06). A mutant only it kills then shows as survived: a direct unit
# test of that function is what kills it in every run.
SLOW_TESTS = {
    'tests/unit/plugins/modules/test_bad_input_generated_modules.py':
        "hypothesis runs every module's main() thousands of times: 87% of a whole run's estimated time",
}
SKIP_DIRS = {'.git', '.venv', '.cache', 'collections', '__pycache__', '.pytest_cache', '.ansible'}


def targets(root):
    """Every .py file of the mutated directories, relative to the root."""
    found = []
    for top in TARGET_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            found.extend(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, '/')
                         for f in filenames if f.endswith('.py'))
    return sorted(found)


def repo_files(root):
    """The checkout's files as git sees them (tracked, plus untracked but not ignored), that exist."""
    try:
        out = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard', '-z'], cwd=root,
                             check=True, capture_output=True).stdout.decode()
        names = [n for n in out.split('\0') if n]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            names.extend(os.path.relpath(os.path.join(dirpath, f), root) for f in filenames)
    return sorted(n for n in names
                  if os.path.isfile(os.path.join(root, n)) and not os.path.islink(os.path.join(root, n)))


# --- which test files exercise a file (for --files) -------------------------------------------------------------

def module_path(root, dotted):
    """The checkout file of a dotted module name (plugins/x/y.py or its package's __init__.py), or None."""
    parts = dotted.split('.')
    if parts[:3] == PACKAGE.split('.'):
        parts = parts[3:]
    elif parts[0] not in ('tests', 'tools', 'plugins'):
        return None
    if not parts:
        return None
    base = os.path.join(root, *parts)
    for candidate in (base + '.py', os.path.join(base, '__init__.py')):
        if os.path.isfile(candidate):
            return os.path.relpath(candidate, root).replace(os.sep, '/')
    return None


def imported_files(root, rel):
    """The checkout files a Python file imports (absolute and relative imports; `from pkg import mod` counts
    both pkg and pkg/mod.py)."""
    try:
        with open(os.path.join(root, rel), encoding='utf-8') as handle:
            tree = ast.parse(handle.read(), rel)
    except (OSError, SyntaxError, ValueError):
        return set()
    package = rel[:-3].replace('/', '.').rsplit('.', 1)[0] if '/' in rel else ''
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                up = package.split('.')
                up = up[:len(up) - (node.level - 1)] if node.level > 1 else up
                base = '.'.join([p for p in up if p] + ([base] if base else []))
            names = [base] + ['%s.%s' % (base, alias.name) for alias in node.names]
        for name in names:
            path = module_path(root, name) if name else None
            if path and path != rel:
                found.add(path)
    return found


def python_files(root):
    files = []
    for top in ('plugins', 'tests', 'tools'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            files.extend(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, '/')
                         for f in filenames if f.endswith('.py'))
    return sorted(files)


def tests_for(root, files, with_slow=False):
    """The test files under tests/unit that import any of `files`, directly or through other checkout modules
    (without SLOW_TESTS unless `with_slow`)."""
    importers = {}
    for rel in python_files(root):
        for dep in imported_files(root, rel):
            importers.setdefault(dep, set()).add(rel)
    seen, todo = set(files), list(files)
    while todo:
        for rel in importers.get(todo.pop(), ()):
            if rel not in seen:
                seen.add(rel)
                todo.append(rel)
    return sorted(rel for rel in seen
                  if rel.startswith('tests/unit/') and os.path.basename(rel).startswith('test_')
                  and rel not in UNUSABLE_TESTS and (with_slow or rel not in SLOW_TESTS))


# --- the work directory and mutmut ------------------------------------------------------------------------------

def setup_cfg(files, tests, ignore=()):
    lines = ['# Written by tools/mutation/run.py for this run; mutmut reads it from its working directory.',
             '[mutmut]', 'source_paths =']
    lines += ['    %s/%s' % (COLLECTION, top) for top in TARGET_DIRS]
    if files:
        lines.append('only_mutate =')
        lines += ['    %s/%s' % (COLLECTION, rel) for rel in files]
    lines.append('pytest_add_cli_args_test_selection =')
    lines += ['    %s/%s' % (COLLECTION, rel) for rel in tests]
    lines += ['pytest_add_cli_args =', '    -p', '    no:cacheprovider']
    # a left-out file under a selected directory (the whole run selects tests/unit/plugins)
    lines += ['    --ignore=%s/%s' % (COLLECTION, rel) for rel in ignore]
    lines += [
              'use_git_change_detection = false', '']
    return '\n'.join(lines)


def prepare(root, work, files, tests, resume, ignore=()):
    """The work directory: the link to the checkout, setup.cfg, and the copy of the checkout the tests run on."""
    mutants = os.path.join(work, 'mutants')
    if not resume and os.path.isdir(mutants):
        shutil.rmtree(mutants)
    link = os.path.join(work, COLLECTION)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.islink(link) and os.readlink(link) != root:
        os.unlink(link)
    if not os.path.lexists(link):
        os.symlink(root, link)
    with open(os.path.join(work, 'setup.cfg'), 'w') as handle:
        handle.write(setup_cfg(files, tests, ignore))
    copy = os.path.join(mutants, COLLECTION)
    mutated = tuple(top + '/' for top in TARGET_DIRS)
    for rel in repo_files(root):
        if rel.replace(os.sep, '/').startswith(mutated):
            continue  # mutmut copies these and writes the mutants over them
        dest = os.path.join(copy, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(os.path.join(root, rel), dest)


def clean_env():
    """The environment for mutmut: without pytest-xdist's or a calling pytest's variables (the CI subset runs from a
    pytest test) and without a mutant left selected."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('PYTEST_', 'MUTANT_UNDER_TEST', 'MUTMUT_')) and k != 'COV_CORE_SOURCE'}
    env['PYTHONUNBUFFERED'] = '1'
    return env


def read_results(work, files):
    """{file: {mutant: exit code}} from mutmut's mutants/<file>.meta (None when the file has no result yet)."""
    results = {}
    for rel in files:
        meta = os.path.join(work, 'mutants', COLLECTION, rel + '.meta')
        try:
            with open(meta) as handle:
                results[rel] = json.load(handle)['exit_code_by_key']
        except (OSError, ValueError, KeyError):
            results[rel] = None
    return results


def progress(results):
    codes = [c for r in results.values() if r for c in r.values()]
    statuses = [report.status(c) for c in codes]
    done = len(codes) - statuses.count('not checked')
    return '%d/%d mutants tested: %d killed, %d survived, %d no tests, %d timeout' % (
        done, len(codes), statuses.count('killed'), statuses.count('survived'), statuses.count('no tests'),
        statuses.count('timeout'))


def run_mutmut(work, max_children, files, log_path, interval=60):
    """mutmut run in the work directory, its output in log_path; a progress line every `interval` seconds.
    Returns (exit code, stopped): SIGINT or SIGTERM to this process stops mutmut (its workers too) and the report
    is written of what it finished."""
    mutmut = os.path.join(os.path.dirname(sys.executable), 'mutmut')
    if not os.path.exists(mutmut):
        mutmut = shutil.which('mutmut') or mutmut
    stopped = []
    with open(log_path, 'w') as log:
        proc = subprocess.Popen([mutmut, 'run', '--max-children', str(max_children)], cwd=work, env=clean_env(),
                                stdout=log, stderr=subprocess.STDOUT)

        def stop(signum, frame):
            stopped.append(signum)
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # mutmut stops its workers and keeps what it finished

        old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            start, last = time.time(), ''
            while True:
                try:
                    rc = proc.wait(timeout=interval)
                    break
                except subprocess.TimeoutExpired:
                    line = progress(read_results(work, files))
                    if line != last:
                        print('[%4d s] %s' % (time.time() - start, line), flush=True)
                        last = line
                if stopped and time.time() - start > 0:
                    try:
                        rc = proc.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        rc = proc.wait()
                    break
        finally:
            for s, handler in old.items():
                signal.signal(s, handler)
    return rc, bool(stopped)


def function_spans(source):
    """{function or Class.method: (first line, last line)} of the top-level functions and methods (the ones mutmut
    mutates), decorators included."""
    spans = {}
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return spans
    for node in tree.body:
        members = [(None, node)]
        if isinstance(node, ast.ClassDef):
            members = [(node.name, m) for m in node.body]
        for cls, fn in members:
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([fn.lineno] + [d.lineno for d in fn.decorator_list])
                spans[('%s.%s' % (cls, fn.name)) if cls else fn.name] = (first, fn.end_lineno)
    return spans


def diffs_for(work, rel, names):
    """{mutant: diff} from mutmut's own diff (mutmut show), read in-process in the work directory."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    out = {}
    here = os.getcwd()
    os.chdir(work)
    try:
        for name in names:
            try:
                out[name] = get_diff_for_mutant(name, path=os.path.join(COLLECTION, rel))
            except Exception as exc:  # a diff we cannot read must not lose the report
                out[name] = '(no diff: %s)' % exc
    finally:
        os.chdir(here)
    return out


def collect(root, work, files):
    entries = []
    for rel, codes in read_results(work, files).items():
        with open(os.path.join(root, rel), encoding='utf-8') as handle:
            source = handle.read()
        codes = codes or {}
        undetected = [n for n, c in codes.items() if report.status(c) in report.UNDETECTED]
        entries.append({'path': rel, 'exit_codes': codes, 'source': source,
                        'diffs': diffs_for(work, rel, undetected) if undetected else {},
                        'spans': function_spans(source)})
    return entries


def mutmut_version():
    try:
        from importlib.metadata import version
        return version('mutmut')
    except Exception:
        return 'unknown'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--files', nargs='*', default=[],
                        help='only these files (paths from the repo root); default: every file of both dirs')
    parser.add_argument('--tests', nargs='*', default=None,
                        help='the test selection (paths from the repo root); default: tests/unit, or with --files '
                             'the test files that import them')
    parser.add_argument('--max-children', type=int, default=1, help='mutants tested at once (default 1)')
    parser.add_argument('--floor', type=float, default=None, help='fail if the total kill rate is below this %%')
    parser.add_argument('--work', default=os.path.join(ROOT, '.cache', 'mutation', 'work'))
    parser.add_argument('--report-dir', default=os.path.join(ROOT, '.cache', 'mutation'))
    parser.add_argument('--resume', action='store_true', help='keep the last run\'s verdicts (finish a stopped run)')
    parser.add_argument('--report-only', action='store_true', help='only write the report of the last run')
    parser.add_argument('--quiet', action='store_true', help='print the table only, not the undetected mutants')
    parser.add_argument('--with-slow-tests', action='store_true',
                        help='also select SLOW_TESTS (left out by default: see SLOW_TESTS for why)')
    args = parser.parse_args(argv)

    every = targets(ROOT)
    files = sorted({f.replace(os.sep, '/').lstrip('./') for f in args.files if f.strip()})
    unknown = [f for f in files if f not in every]
    if unknown:
        parser.error('not a .py file of %s: %s' % (' or '.join(TARGET_DIRS), ' '.join(unknown)))
    selected = files or every
    if args.tests is not None:
        tests = args.tests
    elif files:
        tests = tests_for(ROOT, files, args.with_slow_tests)
        if not tests:
            parser.error('no test file under tests/unit imports %s' % ' '.join(files))
    else:
        # every plugin unit test, and the other unit tests (tools/) that import one of the files
        tests = [ALL_TESTS] + [t for t in tests_for(ROOT, every, args.with_slow_tests)
                               if not t.startswith(ALL_TESTS + '/')]
    # left out of a selected directory (a test file named in --tests is taken as given)
    left_out = {} if args.with_slow_tests else {rel: why for rel, why in SLOW_TESTS.items() if rel not in tests}
    ignore = sorted(rel for rel in left_out if any(rel.startswith(t.rstrip('/') + '/') for t in tests))
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    os.makedirs(args.report_dir, exist_ok=True)
    log_path = os.path.join(work, 'mutmut.log')

    meta = {'mutmut': mutmut_version(), 'max_children': args.max_children, 'tests': tests,
            'tests_left_out': left_out,
            'files_selected': files or 'all (%d files)' % len(every)}
    rc, stopped, wall = 0, False, None
    if args.report_only:
        # what the run itself recorded (its wall time, its selection), when it wrote a report
        try:
            with open(os.path.join(args.report_dir, 'report.json')) as handle:
                last = json.load(handle)['meta']
            meta.update({k: last[k] for k in ('max_children', 'tests', 'tests_left_out', 'files_selected',
                                              'wall_seconds', 'started')
                         if k in last})
        except (OSError, ValueError, KeyError):
            pass
    else:
        print('mutation: %d file(s), tests: %s; mutmut %s, %d at a time; log: %s' % (
            len(selected), ' '.join(tests), meta['mutmut'], args.max_children, log_path), flush=True)
        start = time.time()
        meta['started'] = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC')
        prepare(ROOT, work, files, tests, args.resume, ignore)
        rc, stopped = run_mutmut(work, args.max_children, selected, log_path)
        wall = time.time() - start
        meta['wall_seconds'] = round(wall)
    meta['date'] = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')

    data = report.build(collect(ROOT, work, selected), meta)
    not_checked = data['total']['not_checked']
    data['meta']['status'] = ('mutmut exited %s' % rc if rc else 'stopped' if stopped else 'complete') + (
        ', %d mutants not checked' % not_checked if not_checked else '')
    text = report.render(data)
    with open(os.path.join(args.report_dir, 'report.txt'), 'w') as handle:
        handle.write(text)
    with open(os.path.join(args.report_dir, 'report.json'), 'w') as handle:
        handle.write(report.dump_json(data))
    if not args.quiet:
        print(text)
    print(report.summary(data), end='')
    print('report: %s (and report.json)' % os.path.join(args.report_dir, 'report.txt'))
    if rc or stopped:
        print('mutation: mutmut %s; see %s' % ('was stopped' if stopped else 'exited %s' % rc, log_path))
        return rc or 1
    if args.floor is not None:
        total = data['total']['rate']
        if total is None or 100 * total < args.floor:
            print('mutation: total kill rate %s is below the floor of %s%%' % (report.percent(total), args.floor))
            return 1
        print('mutation: total kill rate %s, floor %s%%: ok' % (report.percent(total), args.floor))
    return 0


if __name__ == '__main__':
    sys.exit(main())
