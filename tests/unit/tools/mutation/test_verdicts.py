"""tools/mutation/run.py's verdicts (issue 25): each file measured whole keeps its counts and undetected mutants
with its source's hash; `make mutation` runs only the files without a current verdict, one at a time and within a
budget, and reports over every file from its verdict (report.assemble), naming the files it could not count."""
import json
import os

import pytest

from tools.mutation import report, run


def write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def run_data(path, codes, not_checked=False, date='2026-12-07 06:00 UTC'):
    """A run's report data for one file, as run.finished() gives it."""
    if not_checked:
        codes = dict(codes, **{'m.x_g__mutmut_9': None})
    return report.build([{'path': path, 'exit_codes': codes, 'source': 'def f():\n    return 1\n',
                          'diffs': {'m.x_f__mutmut_2': '-    return 1\n+    return 2\n'}}],
                        {'date': date, 'mutmut': '3.8.1', 'tests': ['tests/unit/test_a.py'],
                         'tests_left_out': {'tests/unit/slow.py': 'slow'}})


CODES = {'m.x_f__mutmut_1': 1, 'm.x_f__mutmut_2': 0, 'm.x_f__mutmut_3': 1, 'm.x_f__mutmut_4': 34}


def test_a_complete_file_keeps_its_verdict_with_the_hash_of_its_source(tmp_path):
    write(tmp_path, 'plugins/module_utils/a.py', 'def f():\n    return 1\n')
    verdicts = str(tmp_path / 'verdicts')
    assert run.write_verdicts(str(tmp_path), verdicts, run_data('plugins/module_utils/a.py', CODES)) == [
        'plugins/module_utils/a.py']
    path = run.verdict_path(verdicts, 'plugins/module_utils/a.py')
    assert os.path.basename(path) == 'plugins__module_utils__a.py.json'
    record = json.loads(open(path).read())
    assert record['sha256'] == run.source_hash(str(tmp_path), 'plugins/module_utils/a.py')
    assert len(record['sha256']) == 64
    assert record['measured'] == '2026-12-07 06:00 UTC' and record['mutmut'] == '3.8.1'
    assert record['tests'] == ['tests/unit/test_a.py'] and record['tests_left_out'] == ['tests/unit/slow.py']
    assert record['counts']['mutants'] == 4 and record['counts']['killed'] == 2
    assert record['counts']['survived'] == 1 and record['counts']['excluded'] == 1
    assert record['counts']['rate'] == pytest.approx(2 / 3)
    assert 'marked_lines' not in record['counts']   # read from the source when the report is assembled
    assert [u['name'] for u in record['undetected']] == ['m.x_f__mutmut_2']
    assert record['undetected'][0]['line'] == 2


def test_a_stopped_file_keeps_no_verdict(tmp_path):
    write(tmp_path, 'plugins/module_utils/a.py', 'x = 1\n')
    verdicts = str(tmp_path / 'verdicts')
    assert run.write_verdicts(str(tmp_path), verdicts, run_data('plugins/module_utils/a.py', CODES, True)) == []
    assert not os.listdir(verdicts)


def test_a_verdict_is_current_until_its_file_changes(tmp_path):
    root, verdicts = str(tmp_path), str(tmp_path / 'verdicts')
    write(tmp_path, 'plugins/module_utils/a.py', 'def f():\n    return 1\n')
    write(tmp_path, 'plugins/module_utils/b.py', 'y = 2\n')
    run.write_verdicts(root, verdicts, run_data('plugins/module_utils/a.py', CODES))
    files = ['plugins/module_utils/a.py', 'plugins/module_utils/b.py']
    states = run.read_verdicts(root, verdicts, files)
    assert states['plugins/module_utils/a.py'][1] == 'current'
    assert states['plugins/module_utils/b.py'] == (None, 'missing')
    write(tmp_path, 'plugins/module_utils/a.py', 'def f():\n    return 1  # changed\n')
    assert run.read_verdicts(root, verdicts, files)['plugins/module_utils/a.py'][1] == 'stale'
    # an unreadable verdict is no verdict
    with open(run.verdict_path(verdicts, 'plugins/module_utils/b.py'), 'w') as handle:
        handle.write('{not json')
    assert run.read_verdicts(root, verdicts, files)['plugins/module_utils/b.py'] == (None, 'missing')


def verdict(killed, survived, date='2026-12-07 06:00 UTC', undetected=()):
    counts = dict.fromkeys(report.COLUMNS, 0)
    counts.pop('marked_lines')
    counts.update(mutants=killed + survived, killed=killed, survived=survived,
                  rate=report.rate(killed, killed + survived))
    return {'counts': counts, 'undetected': list(undetected), 'measured': date, 'tests': ['tests/unit/t.py']}


def test_assemble_totals_the_current_verdicts_and_names_the_others():
    survivor = {'name': 'm.x_f__mutmut_2', 'function': 'f', 'status': 'survived', 'line': 3, 'diff': '-a\n+b\n'}
    data = report.assemble([
        {'path': 'p/a.py', 'state': 'current', 'verdict': verdict(95, 5, undetected=[survivor]),
         'source': 'x = 1  # pragma: no mutate equal either way\n'},
        {'path': 'p/b.py', 'state': 'current', 'verdict': verdict(99, 1, '2026-12-06 10:00 UTC'), 'source': ''},
        {'path': 'p/c.py', 'state': 'stale', 'verdict': verdict(1, 99), 'source': ''},
        {'path': 'p/d.py', 'state': 'missing', 'verdict': None, 'source': ''},
    ], {'date': 'now'})
    assert [entry['path'] for entry in data['files']] == ['p/a.py', 'p/b.py']
    assert data['total']['mutants'] == 200 and data['total']['killed'] == 194
    assert data['total']['rate'] == pytest.approx(0.97)
    assert data['total']['marked_lines'] == 1 and data['files'][0]['marked'] == [(1, 'equal either way')]
    assert data['meta']['without_verdict'] == {'p/c.py': 'stale', 'p/d.py': 'missing'}
    assert data['meta']['measured']['p/b.py'] == {'date': '2026-12-06 10:00 UTC', 'tests': ['tests/unit/t.py']}
    text = report.render(data)
    assert '2026-12-06 10:00 UTC  p/b.py' in text
    assert 'NOT IN THE TOTAL: 2 file(s) without a current verdict' in text
    assert '  stale  p/c.py' in text and '  missing  p/d.py' in text
    assert 'p/a.py:3  f  [survived]' in text
    assert data['meta']['status'] == 'assembled from 2 verdicts, 2 file(s) without a current one'


class Args(object):
    def __init__(self, tmp_path, budget=None, floor=None):
        self.verdicts = str(tmp_path / 'verdicts')
        self.report_dir = str(tmp_path / 'report')
        os.makedirs(self.report_dir)
        self.budget, self.floor, self.quiet = budget, floor, True
        self.with_slow_tests, self.max_children = False, 1


def fake_repo(tmp_path, monkeypatch):
    """Three target files of different sizes, each with a test file importing it."""
    pkg = 'ansible_collections.alicloud_ops.logging.plugins.module_utils'
    for name, size in (('big', 300), ('small', 10), ('mid', 100)):
        write(tmp_path, 'plugins/module_utils/%s.py' % name, 'x = 1\n' + '#' * size + '\n')
        write(tmp_path, 'tests/unit/plugins/module_utils/test_%s.py' % name, 'from %s import %s\n' % (pkg, name))
    monkeypatch.setattr(run, 'ROOT', str(tmp_path))
    return ['plugins/module_utils/big.py', 'plugins/module_utils/mid.py', 'plugins/module_utils/small.py']


def test_incremental_runs_the_files_without_a_current_verdict_smallest_first(tmp_path, monkeypatch, capsys):
    every = fake_repo(tmp_path, monkeypatch)
    args = Args(tmp_path, floor=90)
    run.write_verdicts(str(tmp_path), args.verdicts, run_data('plugins/module_utils/mid.py', {'m.a__mutmut_1': 1}))
    ran = []

    def fake_run_once(args_, work, log_path, selected, tests, only, label, resume=False):
        ran.append((selected, tests, only))
        return run_data(selected[0], {'m.x_f__mutmut_1': 1}), 0, False

    monkeypatch.setattr(run, 'run_once', fake_run_once)
    assert run.incremental(args, every, str(tmp_path / 'work'), 'log') == 0
    assert ran == [(['plugins/module_utils/small.py'], ['tests/unit/plugins/module_utils/test_small.py'],
                    ['plugins/module_utils/small.py']),
                   (['plugins/module_utils/big.py'], ['tests/unit/plugins/module_utils/test_big.py'],
                    ['plugins/module_utils/big.py'])]
    states = run.read_verdicts(str(tmp_path), args.verdicts, every)
    assert set(state for _, state in states.values()) == {'current'}
    out = capsys.readouterr().out
    assert '1 of 3 files have a current verdict' in out and 'floor 90%: ok' in out
    # nothing left to run: the next run only reports
    ran[:] = []
    assert run.incremental(args, every, str(tmp_path / 'work'), 'log') == 0
    assert ran == []


def test_incremental_stops_at_the_budget_and_fails_while_a_file_has_no_verdict(tmp_path, monkeypatch, capsys):
    every = fake_repo(tmp_path, monkeypatch)
    args = Args(tmp_path, budget=1)
    clock = iter([0.0, 0.0, 30.0, 61.0, 61.0, 61.0, 61.0])   # the start, then before each file
    monkeypatch.setattr(run.time, 'time', lambda: next(clock))
    ran = []

    def fake_run_once(args_, work, log_path, selected, tests, only, label, resume=False):
        ran.append(selected[0])
        return run_data(selected[0], {'m.x_f__mutmut_1': 1}), 0, False

    monkeypatch.setattr(run, 'run_once', fake_run_once)
    assert run.incremental(args, every, str(tmp_path / 'work'), 'log') == 1
    # 0 s: small starts; 30 s: mid starts (within the minute); 61 s: big is left for the next run
    assert ran == ['plugins/module_utils/small.py', 'plugins/module_utils/mid.py']
    out = capsys.readouterr().out
    assert 'budget of 1 minutes spent; plugins/module_utils/big.py' in out
    assert '1 file(s) without a current verdict' in out


def test_incremental_keeps_no_verdict_of_a_failed_or_stopped_file(tmp_path, monkeypatch, capsys):
    every = fake_repo(tmp_path, monkeypatch)
    args = Args(tmp_path)
    outcomes = iter([(1, False), (0, True)])

    def fake_run_once(args_, work, log_path, selected, tests, only, label, resume=False):
        rc, stopped = next(outcomes)
        return run_data(selected[0], {'m.x_f__mutmut_1': 1}), rc, stopped

    monkeypatch.setattr(run, 'run_once', fake_run_once)
    assert run.incremental(args, every, str(tmp_path / 'work'), 'log') == 1
    assert not os.path.exists(args.verdicts) or not os.listdir(args.verdicts)
    out = capsys.readouterr().out
    assert 'mutmut exited 1 on plugins/module_utils/small.py' in out
    assert 'stopped during plugins/module_utils/mid.py' in out


def test_the_whole_report_needs_a_verdicts_directory_or_whole():
    with pytest.raises(SystemExit):
        run.main(['--assemble'])
    with pytest.raises(SystemExit):
        run.main([])


def test_assemble_reports_the_kept_verdicts_and_judges_the_floor(tmp_path, monkeypatch, capsys):
    every = fake_repo(tmp_path, monkeypatch)
    verdicts = str(tmp_path / 'verdicts')
    for rel in every:
        run.write_verdicts(str(tmp_path), verdicts, run_data(rel, CODES))   # 2 of 3 killed in each
    monkeypatch.setattr(run, 'targets', lambda root: every)
    common = ['--assemble', '--verdicts', verdicts, '--report-dir', str(tmp_path / 'r'), '--quiet']
    assert run.main(common + ['--floor', '66']) == 0
    assert run.main(common + ['--floor', '67']) == 1
    data = json.loads((tmp_path / 'r' / 'report.json').read_text())
    assert data['total']['mutants'] == 12 and data['total']['killed'] == 6 and data['total']['excluded'] == 3
    assert 'below the floor of 67.0%' in capsys.readouterr().out


def test_a_report_from_another_checkout_keeps_the_verdicts_of_its_unchanged_files(tmp_path):
    here, there = tmp_path / 'here', tmp_path / 'there'
    for root in (here, there):
        write(root, 'plugins/module_utils/a.py', 'def f():\n    return 1\n')
        write(root, 'plugins/module_utils/b.py', 'y = 2\n')
        write(root, 'plugins/module_utils/c.py', 'z = 3\n')
    write(there, 'plugins/module_utils/b.py', 'y = 20\n')    # not what `here` has
    data = report.build([{'path': rel, 'exit_codes': CODES, 'source': ''} for rel in (
        'plugins/module_utils/a.py', 'plugins/module_utils/b.py', 'plugins/module_utils/c.py')],
        {'date': '2026-12-07 06:00 UTC', 'started': '2026-12-07 05:50:00 UTC', 'tests': ['t.py']})
    path = write(tmp_path, 'report.json', report.dump_json(data))
    started = 1796622600.0   # 2026-12-07 05:50:00 UTC
    for rel in ('a.py', 'b.py'):
        os.utime(str(there / 'plugins/module_utils' / rel), (started - 60, started - 60))
    os.utime(str(there / 'plugins/module_utils/c.py'), (started + 60, started + 60))   # edited during the run
    verdicts = str(tmp_path / 'verdicts')
    refused = run.import_report(str(here), verdicts, path, str(there))
    assert refused == {'plugins/module_utils/b.py': 'not the same source here',
                       'plugins/module_utils/c.py': 'modified after the run started'}
    states = run.read_verdicts(str(here), verdicts, ['plugins/module_utils/a.py', 'plugins/module_utils/b.py'])
    assert states['plugins/module_utils/a.py'][1] == 'current' and states['plugins/module_utils/b.py'][1] == 'missing'
    assert states['plugins/module_utils/a.py'][0]['measured'] == '2026-12-07 06:00 UTC'


def test_an_older_report_does_not_replace_a_later_verdict_of_the_same_source(tmp_path):
    here = tmp_path / 'here'
    write(here, 'plugins/module_utils/a.py', 'def f():\n    return 1\n')
    os.utime(str(here / 'plugins/module_utils/a.py'), (0, 0))
    verdicts = str(tmp_path / 'verdicts')
    paths = {}
    for name, date, started, codes in (('late', '2026-12-07 07:00 UTC', '2026-12-07 06:50:00 UTC', CODES),
                                       ('early', '2026-12-07 06:00 UTC', '2026-12-07 05:50:00 UTC',
                                        {'m.x_f__mutmut_1': 0})):
        data = report.build([{'path': 'plugins/module_utils/a.py', 'exit_codes': codes, 'source': ''}],
                            {'date': date, 'started': started, 'tests': ['t.py']})
        paths[name] = write(tmp_path, name + '.json', report.dump_json(data))
    assert run.import_report(str(here), verdicts, paths['late'], str(here)) == {}
    assert run.import_report(str(here), verdicts, paths['early'], str(here)) == {
        'plugins/module_utils/a.py': 'a later verdict of the same source is kept'}
    record, state = run.read_verdicts(str(here), verdicts, ['plugins/module_utils/a.py'])['plugins/module_utils/a.py']
    assert state == 'current' and record['measured'] == '2026-12-07 07:00 UTC' and record['counts']['killed'] == 2


@pytest.mark.parametrize('codes, rc_after', [({}, 0), ({'m.x_f__mutmut_1': 33}, 1), (None, 1)])
def test_a_file_mutmut_makes_no_mutant_of_is_complete_with_none(tmp_path, monkeypatch, codes, rc_after):
    """mutmut 3 mutates function bodies only and exits 1 when it made no mutant at all (a file of constants): that
    file is complete with 0 mutants. A file whose mutants no test ran (33), or without results, stays a failed run."""
    rel = 'plugins/module_utils/consts.py'
    write(tmp_path, rel, 'X = (1, 2)\n')
    monkeypatch.setattr(run, 'ROOT', str(tmp_path))
    work = tmp_path / 'work'
    if codes is not None:
        write(work, os.path.join('mutants', run.COLLECTION, rel + '.meta'), json.dumps({'exit_code_by_key': codes}))
    monkeypatch.setattr(run, 'prepare', lambda *a, **k: None)
    monkeypatch.setattr(run, 'run_mutmut', lambda *a, **k: (1, False))
    data, rc, stopped = run.run_once(Args(tmp_path), str(work), 'log', [rel], ['tests/unit/t.py'], [rel], [rel])
    assert (rc, stopped) == (rc_after, False)
    if rc_after == 0:
        assert data['meta']['note'].startswith('no mutants')
        assert data['files'][0]['counts']['mutants'] == 0
        assert run.write_verdicts(str(tmp_path), str(tmp_path / 'verdicts'), data) == [rel]
    else:
        assert 'note' not in data['meta']
