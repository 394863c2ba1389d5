"""tools/mutation/report.py: a mutant's status from mutmut's exit code, the equivalents marked in the source, the
counts per file and in total, the kill rate with exclusions, and the text and JSON of the report."""
import json

import pytest

from tools.mutation import report

MOD = 'ansible_collections.alicloud_ops.logging.plugins.module_utils.x'


@pytest.mark.parametrize('code, status', [
    (1, 'killed'), (3, 'killed'), (0, 'survived'), (33, 'no tests'), (5, 'no tests'), (None, 'not checked'),
    (36, 'timeout'), (-24, 'timeout'), (24, 'timeout'), (152, 'timeout'), (255, 'timeout'), (34, 'skipped'),
    (-11, 'segfault'), (-9, 'segfault'), (35, 'suspicious'), (2, 'interrupted'), (37, 'caught by type check'),
    (99, 'suspicious'), (-15, 'suspicious'),
])
def test_status_from_exit_code(code, status):
    assert report.status(code) == status


def test_pragma_lines_counts_comments_only_with_their_reasons():
    source = '\n'.join([
        'def f(a):',
        '    x = "# pragma: no mutate in a string is not a marker"',
        '    y = a + 1  # pragma: no mutate - a+1 and a-1 both pass: only the sign is read',
        '    z = 2  # pragma: no mutate',
        '    # pragma: no mutate block: the whole block is a cache key, any value is equivalent',
        '    return y  # noqa # pragma: no mutate, the result is ignored by every caller',
        '    # a comment that says no mutate without the pragma',
    ]) + '\n'
    assert report.pragma_lines(source) == [
        (3, 'a+1 and a-1 both pass: only the sign is read'),
        (4, ''),
        (5, 'the whole block is a cache key, any value is equivalent'),
        (6, 'the result is ignored by every caller'),
    ]


def test_pragma_lines_of_unparsable_source_is_empty():
    assert report.pragma_lines('def f(:\n  "unterminated\n') == []


@pytest.mark.parametrize('killed, mutants, excluded, expected', [
    (8, 10, 0, 0.8), (8, 10, 2, 1.0), (6, 10, 2, 0.75), (0, 4, 0, 0.0), (0, 0, 0, None), (0, 3, 3, None),
])
def test_rate_is_killed_over_mutants_minus_excluded(killed, mutants, excluded, expected):
    assert report.rate(killed, mutants, excluded) == expected


def test_file_counts_sort_every_status_into_one_column():
    codes = {'%s.x_f__mutmut_%d' % (MOD, i): c for i, c in enumerate([1, 1, 3, 0, 33, 36, 34, None, -11], 1)}
    counts = report.file_counts(codes, marked_lines=2)
    assert counts == {'mutants': 9, 'not_checked': 1, 'killed': 3, 'survived': 1, 'no_tests': 1, 'timeout': 1,
                      'other': 1, 'excluded': 1, 'marked_lines': 2, 'rate': 3 / 7}
    # a timeout is not a kill; the skipped one and the one not checked leave the denominator; the marked lines
    # are not subtracted (mutmut made no mutant on them)
    assert report.file_counts({}, 3)['rate'] is None


@pytest.mark.parametrize('name, function, number', [
    (MOD + '.x_render__mutmut_12', 'render', 12),
    (MOD + '.x\u01c1Plan\u01c1apply__mutmut_3', 'Plan.apply', 3),
    (MOD + '.x__private__mutmut_1', '_private', 1),
])
def test_function_and_number_of_a_mutant_name(name, function, number):
    assert report.function_of(name) == function
    assert report.mutant_number(name) == number


SOURCE = '''def first(a):
    return a + 1


def second(a):
    if a > 1:
        return a + 1
    return 0
'''
DIFF_SECOND = '''--- x.py
+++ x.py
@@ -1,4 +1,4 @@
 def second(a):
-    if a > 1:
+    if a >= 1:
         return a + 1
     return 0'''
DIFF_SECOND_RETURN = '''--- x.py
+++ x.py
@@ -1,4 +1,4 @@
 def second(a):
     if a > 1:
-        return a + 1
+        return a - 1
     return 0'''


def test_diff_line_is_the_first_removed_line_within_the_function():
    assert report.diff_line(DIFF_SECOND, SOURCE) == 6
    # `return a + 1` is also line 2 (in first): the function's span picks line 7
    assert report.diff_line(DIFF_SECOND_RETURN, SOURCE) == 2
    assert report.diff_line(DIFF_SECOND_RETURN, SOURCE, 5, 8) == 7
    assert report.diff_line('--- x.py\n+++ x.py\n@@ -1 +1,2 @@\n a\n+b', SOURCE) is None
    assert report.diff_line(DIFF_SECOND, None) is None


def entries():
    return [
        {'path': 'plugins/module_utils/x.py', 'source': SOURCE + '# pragma: no mutate - kept\n',
         'exit_codes': {MOD + '.x_second__mutmut_2': 0, MOD + '.x_second__mutmut_1': 0,
                        MOD + '.x_first__mutmut_1': 1, MOD + '.x_first__mutmut_2': 33},
         'diffs': {MOD + '.x_second__mutmut_2': DIFF_SECOND_RETURN, MOD + '.x_second__mutmut_1': DIFF_SECOND,
                   MOD + '.x_first__mutmut_2': '(no diff)'},
         'spans': {'first': (1, 2), 'second': (5, 8)}},
        {'path': 'plugins/plugin_utils/a.py', 'source': '', 'exit_codes': {'p.a.x_g__mutmut_1': 1}},
        {'path': 'plugins/module_utils/_modules/__init__.py', 'source': 'X = 1\n', 'exit_codes': {}},
    ]


def test_build_counts_per_file_and_in_total_and_lists_the_undetected():
    data = report.build(entries(), {'mutmut': '3.8.1'})
    assert [e['path'] for e in data['files']] == [
        'plugins/module_utils/_modules/__init__.py', 'plugins/module_utils/x.py', 'plugins/plugin_utils/a.py']
    x = data['files'][1]
    assert x['counts']['mutants'] == 4 and x['counts']['killed'] == 1 and x['counts']['survived'] == 2
    assert x['counts']['no_tests'] == 1 and x['counts']['rate'] == 0.25
    assert x['marked'] == [(9, 'kept')]
    # by line, the ones without a line last
    assert [(u['line'], u['status'], u['function']) for u in x['undetected']] == [
        (6, 'survived', 'second'), (7, 'survived', 'second'), (None, 'no tests', 'first')]
    assert data['files'][0]['counts']['rate'] is None
    assert data['total']['mutants'] == 5 and data['total']['killed'] == 2 and data['total']['rate'] == 0.4
    assert data['total']['marked_lines'] == 1
    assert data['meta'] == {'mutmut': '3.8.1'}


def test_render_and_json():
    data = report.build(entries(), {'mutmut': '3.8.1', 'tests': ['tests/unit/plugins'], 'wall_seconds': 12})
    text = report.render(data)
    assert 'mutmut: 3.8.1' in text and 'tests: tests/unit/plugins' in text and 'wall seconds: 12' in text
    rows = {line.split()[0]: line.split() for line in report.table(data)[1:] if not line.startswith('-')}
    assert rows['plugins/module_utils/x.py'][1:] == ['4', '1', '2', '1', '0', '0', '0', '1', '25.0%']
    assert rows['TOTAL'][1:] == ['5', '2', '2', '1', '0', '0', '0', '1', '40.0%']
    assert rows['plugins/module_utils/_modules/__init__.py'][-1] == '-'
    assert 'plugins/module_utils/x.py:9  kept' in text
    assert 'Undetected mutants (3)' in text
    assert 'plugins/module_utils/x.py:6  second  [survived]  x_second__mutmut_1' in text
    assert '    -    if a > 1:\n    +    if a >= 1:' in text
    assert 'plugins/module_utils/x.py:?  first  [no tests]  x_first__mutmut_2' in text
    assert '+++ x.py' not in text
    assert report.summary(data) == '\n'.join(report.table(data)) + '\n'
    back = json.loads(report.dump_json(data))
    assert back['total']['rate'] == 0.4 and back['files'][1]['undetected'][0]['diff'] == DIFF_SECOND


def test_a_stopped_run_counts_the_unchecked_apart_and_rates_what_was_tested():
    data = report.build([
        {'path': 'plugins/module_utils/x.py', 'source': SOURCE,
         'exit_codes': {MOD + '.x_first__mutmut_1': 1, MOD + '.x_first__mutmut_2': None,
                        MOD + '.x_second__mutmut_1': 0, MOD + '.x_second__mutmut_2': None},
         'diffs': {MOD + '.x_second__mutmut_1': DIFF_SECOND}, 'spans': {'second': (5, 8)}}])
    assert data['total']['not_checked'] == 2 and data['total']['rate'] == 0.5
    assert [u['status'] for u in data['files'][0]['undetected']] == ['survived']
    text = report.render(data)
    assert 'NOT COMPLETE: 2 of 4 mutants not checked' in text
    head, row = report.table(data)[0].split(), report.table(data)[1].split()
    assert head[:3] == ['file', 'mutants', 'unchecked'] and row[1:4] == ['4', '2', '1'] and row[-1] == '50.0%'


def test_render_names_each_left_out_test_file_with_its_reason():
    data = report.build(entries(), {'tests_left_out': {'tests/unit/b.py': 'slow b', 'tests/unit/a.py': 'slow a'}})
    lines = report.render(data).splitlines()
    left = [line for line in lines if line.startswith('left out')]
    assert left == ['left out (make mutation MUTATION_ARGS=--with-slow-tests selects it): tests/unit/a.py (slow a)',
                    'left out (make mutation MUTATION_ARGS=--with-slow-tests selects it): tests/unit/b.py (slow b)']
    assert not [line for line in report.render(report.build(entries(), {})).splitlines()
                if line.startswith('left out')]
