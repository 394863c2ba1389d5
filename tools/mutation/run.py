"""`make mutation`: mutmut 3 over every .py file of plugins/module_utils (with _modules/) and plugins/plugin_utils,
against the unit tests, with a report per file and in total (tools/mutation/report.py says how it counts).

    .venv/bin/python tools/mutation/run.py [--files plugins/module_utils/x.py ...] [--max-children 1]
        [--floor 90] [--work DIR] [--report-dir DIR] [--resume] [--report-only] [--with-slow-tests]
        [--verdicts DIR] [--budget MINUTES] [--assemble] [--whole]

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
- Verdicts (--verdicts DIR; `make mutation` gives tools/mutation/verdicts, committed): after a run, each file whose
  mutants were all checked keeps its counts and undetected mutants, with the date, the test selection and the
  SHA-256 of the source they were measured on (after a run with --tests too: fewer tests kill no more mutants, so
  its rate is if anything lower; the verdict names the tests). Without --files, a run takes the files whose verdict is missing or stale (the
  source changed since) one at a time, smallest first, each against the test files that import it, starting none
  after --budget minutes, and then reports over every file from its verdict: what a whole run would report, file by
  file (a file's own selection has fewer tests than the whole one, so its rate is if anything lower), spread over as
  many runs as it takes (a whole run is about 16 hours at worst); a file without a current verdict is named and left
  out of the total, and the run then fails. --assemble runs nothing and only reports. --whole is the single mutmut
  run over every file against all the unit tests (it keeps verdicts too).
- The report (printed, and written to .cache/mutation/report.txt and report.json) has per file and in total:
  mutants, killed, survived, no tests, timeout, the lines marked `# pragma: no mutate` (equivalents, listed with
  their reasons), the kill rate, and every undetected mutant with its file, line and diff. --floor N fails the
  run when the total kill rate is below N percent (the fast subset in CI).
"""
import argparse
import ast
import datetime
import hashlib
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


# --- verdicts: each file's last complete result, kept beside this script -----------------------------------------

def source_hash(root, rel):
    with open(os.path.join(root, rel), 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def verdict_path(verdicts, rel):
    return os.path.join(verdicts, rel.replace('/', '__') + '.json')


def write_verdicts(root, verdicts, data):
    """One verdict per file of the report `data` whose mutants were all checked: its counts and undetected mutants,
    with the hash of the source they were measured on, the date and the test selection. Returns the paths written."""
    meta = data['meta']
    os.makedirs(verdicts, exist_ok=True)
    written = []
    for entry in data['files']:
        if entry['counts']['not_checked']:
            continue  # a stopped run: this file has no complete result
        record = {'path': entry['path'], 'sha256': source_hash(root, entry['path']), 'measured': meta.get('date'),
                  'mutmut': meta.get('mutmut'), 'tests': meta.get('tests'),
                  'tests_left_out': sorted(meta.get('tests_left_out') or ()),
                  'counts': {k: v for k, v in entry['counts'].items() if k != 'marked_lines'},
                  'undetected': entry['undetected']}
        with open(verdict_path(verdicts, entry['path']), 'w') as handle:
            handle.write(json.dumps(record, indent=1, sort_keys=True) + '\n')
        written.append(entry['path'])
    return written


def import_report(root, verdicts, report_json, source_root):
    """Verdicts from a finished run's report.json made in another checkout (`source_root`, e.g. a worktree): for
    each complete file whose source there is the one measured (not modified after the run started) and the same as
    in `root` now. Returns {file: why not} for the files left out."""
    with open(report_json) as handle:
        data = json.load(handle)
    started = datetime.datetime.strptime(data['meta']['started'], '%Y-%m-%d %H:%M:%S UTC').replace(
        tzinfo=datetime.timezone.utc).timestamp()
    kept_now = read_verdicts(root, verdicts, [entry['path'] for entry in data['files']])
    refused, kept = {}, []
    for entry in data['files']:
        rel = entry['path']
        record, state = kept_now[rel]
        if os.path.getmtime(os.path.join(source_root, rel)) >= started:
            refused[rel] = 'modified after the run started'
        elif source_hash(source_root, rel) != source_hash(root, rel):
            refused[rel] = 'not the same source here'
        elif state == 'current' and (record.get('measured') or '') > (data['meta'].get('date') or ''):
            # 'YYYY-MM-DD HH:MM UTC' sorts as it reads
            refused[rel] = 'a later verdict of the same source is kept'
        else:
            kept.append(entry)
    written = write_verdicts(root, verdicts, dict(data, files=kept))
    refused.update((entry['path'], 'not complete') for entry in kept if entry['path'] not in written)
    return refused


def read_verdicts(root, verdicts, files):
    """{file: (verdict or None, state)}: 'current' when the verdict was measured on the file as it is now, 'stale'
    when the file changed since, 'missing' when it has none."""
    out = {}
    for rel in files:
        try:
            with open(verdict_path(verdicts, rel)) as handle:
                record = json.load(handle)
        except (OSError, ValueError):
            out[rel] = (None, 'missing')
            continue
        out[rel] = (record, 'current' if record.get('sha256') == source_hash(root, rel) else 'stale')
    return out


def assembled(root, verdicts, files):
    """The report over `files` from their verdicts (report.assemble), dated now, each file's marked lines read from
    its source as it is now."""
    meta = {'date': now_utc(), 'files_selected': 'all (%d files), each from its verdict' % len(files)}
    entries = []
    for rel, (record, state) in sorted(read_verdicts(root, verdicts, files).items()):
        with open(os.path.join(root, rel), encoding='utf-8') as handle:
            source = handle.read()
        entries.append({'path': rel, 'state': state, 'verdict': record, 'source': source})
    return report.assemble(entries, meta)


def now_utc():
    """The date a report and a verdict carry."""
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')


def left_out_of(tests, with_slow):
    """SLOW_TESTS not named in `tests` (none with --with-slow-tests), with why."""
    return {} if with_slow else {rel: why for rel, why in SLOW_TESTS.items() if rel not in tests}


def run_once(args, work, log_path, selected, tests, only, label, resume=False):
    """One mutmut run mutating `only` (every file when empty) against `tests`, reported over `selected`: (report
    data, mutmut's exit code, stopped)."""
    left_out = left_out_of(tests, args.with_slow_tests)
    # left out of a selected directory (a test file named in --tests is taken as given)
    ignore = sorted(rel for rel in left_out if any(rel.startswith(t.rstrip('/') + '/') for t in tests))
    meta = {'mutmut': mutmut_version(), 'max_children': args.max_children, 'tests': tests,
            'tests_left_out': left_out, 'files_selected': label}
    print('mutation: %d file(s), tests: %s; mutmut %s, %d at a time; log: %s' % (
        len(selected), ' '.join(tests), meta['mutmut'], args.max_children, log_path), flush=True)
    start = time.time()
    meta['started'] = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC')
    prepare(ROOT, work, only, tests, resume, ignore)
    rc, stopped = run_mutmut(work, args.max_children, selected, log_path)
    meta['wall_seconds'] = round(time.time() - start)
    if rc and not stopped and nothing_to_mutate(work, selected):
        # mutmut 3 mutates function bodies only, and exits 1 ("could not find any test case for any mutant") when
        # it made no mutant at all: a file of constants is complete with 0 mutants, not a failed run
        meta['note'] = 'no mutants: mutmut mutates function bodies only, and the selected files have none'
        rc = 0
    return finished(collect(ROOT, work, selected), meta, rc, stopped), rc, stopped


def nothing_to_mutate(work, files):
    """True when mutmut generated its results for every file of `files` (a .meta each) and made no mutant."""
    results = read_results(work, files)
    return bool(results) and all(codes == {} for codes in results.values())


def finished(entries, meta, rc=0, stopped=False):
    """The report data of a run, dated and with its status."""
    meta['date'] = now_utc()
    data = report.build(entries, meta)
    not_checked = data['total']['not_checked']
    data['meta']['status'] = ('mutmut exited %s' % rc if rc else 'stopped' if stopped else 'complete') + (
        ', %d mutants not checked' % not_checked if not_checked else '')
    return data


def write_report(data, args):
    """report.txt and report.json in --report-dir; the text printed (the table only with --quiet)."""
    text = report.render(data)
    with open(os.path.join(args.report_dir, 'report.txt'), 'w') as handle:
        handle.write(text)
    with open(os.path.join(args.report_dir, 'report.json'), 'w') as handle:
        handle.write(report.dump_json(data))
    if not args.quiet:
        print(text)
    print(report.summary(data), end='')
    print('report: %s (and report.json)' % os.path.join(args.report_dir, 'report.txt'))


def keep_verdicts(data, args):
    for rel in write_verdicts(ROOT, args.verdicts, data):
        print('mutation: verdict kept: %s' % os.path.relpath(verdict_path(args.verdicts, rel), ROOT))


def incremental(args, every, work, log_path):
    """Each file without a current verdict, one at a time against the test files that import it (smallest first),
    until --budget minutes have gone; then the report assembled from every file's verdict. Returns the exit code."""
    states = read_verdicts(ROOT, args.verdicts, every)
    todo = sorted((rel for rel, (_, state) in states.items() if state != 'current'),
                  key=lambda rel: (os.path.getsize(os.path.join(ROOT, rel)), rel))
    print('mutation: %d of %d files have a current verdict in %s; %d to run%s' % (
        len(every) - len(todo), len(every), os.path.relpath(args.verdicts, ROOT), len(todo),
        ' (budget %s min)' % args.budget if args.budget is not None else ''), flush=True)
    started = time.time()
    for rel in todo:
        if args.budget is not None and time.time() - started > 60 * args.budget:
            print('mutation: budget of %s minutes spent; %s and the files after it are left for the next run'
                  % (args.budget, rel))
            break
        tests = tests_for(ROOT, [rel], args.with_slow_tests)
        if not tests:
            print('mutation: %s: no test file under tests/unit imports it; left without a verdict' % rel)
            continue
        data, rc, stopped = run_once(args, work, log_path, [rel], tests, [rel], [rel])
        print(report.summary(data), end='', flush=True)
        if stopped:
            print('mutation: stopped during %s' % rel)
            break
        if rc:
            print('mutation: mutmut exited %s on %s (see %s); no verdict kept' % (rc, rel, log_path))
        else:
            keep_verdicts(data, args)
    return finish(assembled(ROOT, args.verdicts, every), args)


def finish(data, args):
    """Write, print and judge an assembled report: 1 when a file has no current verdict or the total is under
    --floor."""
    write_report(data, args)
    without = data['meta']['without_verdict']
    if without:
        print('mutation: %d file(s) without a current verdict: the total covers the others only' % len(without))
        return 1
    return judge(data, args)


def judge(data, args):
    if args.floor is not None:
        total = data['total']['rate']
        if total is None or 100 * total < args.floor:
            print('mutation: total kill rate %s is below the floor of %s%%' % (report.percent(total), args.floor))
            return 1
        print('mutation: total kill rate %s, floor %s%%: ok' % (report.percent(total), args.floor))
    return 0


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
    parser.add_argument('--verdicts', default=None,
                        help='keep each complete file\'s result here (make mutation: tools/mutation/verdicts)')
    parser.add_argument('--whole', action='store_true',
                        help='without --files: one mutmut run over every file against all the unit tests, instead '
                             'of the files without a current verdict one at a time')
    parser.add_argument('--budget', type=float, default=None,
                        help='minutes: start no further file after this long (the files one at a time)')
    parser.add_argument('--import-report', nargs=2, metavar=('REPORT_JSON', 'CHECKOUT'),
                        help='keep the verdicts of a run made in another checkout of this repo (a worktree)')
    parser.add_argument('--assemble', action='store_true',
                        help='run nothing: the report over every file from its verdict (--verdicts)')
    args = parser.parse_args(argv)
    incremental_mode = not args.files and not args.whole and args.tests is None
    if (args.assemble or incremental_mode) and not args.report_only and args.verdicts is None:
        parser.error('--verdicts DIR is needed without --files (or give --whole)')
    if args.verdicts:
        args.verdicts = os.path.abspath(args.verdicts)

    every = targets(ROOT)
    files = sorted({f.replace(os.sep, '/').lstrip('./') for f in args.files if f.strip()})
    unknown = [f for f in files if f not in every]
    if unknown:
        parser.error('not a .py file of %s: %s' % (' or '.join(TARGET_DIRS), ' '.join(unknown)))
    os.makedirs(args.report_dir, exist_ok=True)
    if args.import_report:
        if args.verdicts is None:
            parser.error('--import-report needs --verdicts DIR')
        refused = import_report(ROOT, args.verdicts, args.import_report[0], os.path.abspath(args.import_report[1]))
        for rel, why in sorted(refused.items()):
            print('mutation: no verdict for %s: %s' % (rel, why))
        return 1 if refused else 0
    if args.assemble:
        return finish(assembled(ROOT, args.verdicts, every), args)
    if incremental_mode and not args.report_only:
        work = os.path.abspath(args.work)
        os.makedirs(work, exist_ok=True)
        return incremental(args, every, work, os.path.join(work, 'mutmut.log'))
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
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    log_path = os.path.join(work, 'mutmut.log')
    label = files or 'all (%d files)' % len(every)
    rc, stopped = 0, False
    if args.report_only:
        meta = {'mutmut': mutmut_version(), 'max_children': args.max_children, 'tests': tests,
                'tests_left_out': left_out_of(tests, args.with_slow_tests), 'files_selected': label}
        # what the run itself recorded (its wall time, its selection), when it wrote a report
        try:
            with open(os.path.join(args.report_dir, 'report.json')) as handle:
                last = json.load(handle)['meta']
            meta.update({k: last[k] for k in ('max_children', 'tests', 'tests_left_out', 'files_selected',
                                              'wall_seconds', 'started')
                         if k in last})
        except (OSError, ValueError, KeyError):
            pass
        data = finished(collect(ROOT, work, selected), meta)
    else:
        data, rc, stopped = run_once(args, work, log_path, selected, tests, files, label, args.resume)
    write_report(data, args)
    if args.verdicts and not rc and not args.report_only:
        # also after a narrower --tests: fewer tests kill no more mutants, so its rate is if anything lower
        keep_verdicts(data, args)
    if rc or stopped:
        print('mutation: mutmut %s; see %s' % ('was stopped' if stopped else 'exited %s' % rc, log_path))
        return rc or 1
    return judge(data, args)


if __name__ == '__main__':
    sys.exit(main())
