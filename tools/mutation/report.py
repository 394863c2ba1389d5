"""The mutation report of `make mutation` (tools/mutation/run.py): counting, rates, the text and the JSON.

Pure functions, no mutmut import: run.py reads mutmut's per-file results (mutants/<file>.meta, an exit code per
mutant) and the diff of each undetected mutant, and hands them here as plain data.

- A mutant's status comes from its exit code, as mutmut 3.8.1 classifies it (STATUS_BY_EXIT_CODE, copied from
  mutmut/stats.py): 1 or 3 killed, 0 survived, 33 or 5 no tests (no selected test calls the function), timeouts,
  None not checked (the run was stopped first), anything else suspicious.
- Equivalent mutants are marked in the source with `# pragma: no mutate` and a one-line reason (a comment, not a
  string; `block`/`start`/`end` forms count as one marker each). mutmut 3 generates no mutant on a marked line, so
  they are already outside `mutants`; the report counts the marked lines per file from the source and lists them.
- Kill rate = killed / (mutants - excluded), where excluded is the mutants mutmut generated but set aside itself
  (skipped, exit code 34); a timeout is not a kill (it is counted apart). A file without mutants has no rate.
  A stopped run leaves mutants not checked: they are counted, not listed, and the rate is then over the ones
  tested (killed / (mutants - not checked - excluded)); a complete run has none.
"""
import io
import json
import re
import tokenize

STATUS_BY_EXIT_CODE = {
    1: 'killed',
    3: 'killed',  # internal error in pytest means a kill
    0: 'survived',
    5: 'no tests',
    33: 'no tests',
    2: 'interrupted',
    None: 'not checked',
    34: 'skipped',
    35: 'suspicious',
    36: 'timeout',
    37: 'caught by type check',
    -24: 'timeout',  # SIGXCPU
    24: 'timeout',
    152: 'timeout',
    255: 'timeout',
    -11: 'segfault',
    -9: 'segfault',
}
# Statuses listed one by one with their diff: the mutant changed the code and no test noticed (or none ran).
UNDETECTED = ('survived', 'no tests', 'suspicious', 'segfault', 'interrupted')
COLUMNS = ('mutants', 'not_checked', 'killed', 'survived', 'no_tests', 'timeout', 'other', 'excluded',
           'marked_lines')
PRAGMA = re.compile(r'#\s*pragma:.*\bno mutate\b(.*)')


def status(exit_code):
    """The status of a mutant from the exit code mutmut stored for it."""
    return STATUS_BY_EXIT_CODE.get(exit_code, 'suspicious')


def pragma_lines(source):
    """[(line, reason)] for every comment carrying `# pragma: no mutate` in a Python source text. The reason is the
    rest of the comment after the marker (and after a `block`/`start`/`end` word and separators)."""
    found = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        tokens = []
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        match = PRAGMA.search(tok.string)
        if match:
            reason = re.sub(r'^\s*(block|start|end)?\b', '', match.group(1))
            found.append((tok.start[0], reason.strip(' :,-;').strip()))
    return found


def rate(killed, mutants, excluded=0):
    """killed / (mutants - excluded), or None when nothing is left to kill."""
    tested = mutants - excluded
    return killed / tested if tested > 0 else None


# The column each mutant status is counted in; any other status counts under 'other'.
STATUS_COLUMNS = {'killed': 'killed', 'survived': 'survived', 'no tests': 'no_tests', 'timeout': 'timeout',
                  'skipped': 'excluded', 'not checked': 'not_checked'}


def file_counts(exit_codes, marked_lines=0):
    """The counts of one file from {mutant name: exit code}."""
    counts = dict.fromkeys(COLUMNS, 0)
    counts['mutants'] = len(exit_codes)
    counts['marked_lines'] = marked_lines
    for code in exit_codes.values():
        counts[STATUS_COLUMNS.get(status(code), 'other')] += 1
    counts['rate'] = rate(counts['killed'], counts['mutants'] - counts['not_checked'], counts['excluded'])
    return counts


def mutant_number(name):
    """The trailing number of a mutmut mutant name (…__mutmut_12 -> 12), for a stable order."""
    match = re.search(r'__mutmut_(\d+)$', name)
    return int(match.group(1)) if match else 0


def function_of(name):
    """The function a mutant belongs to, readable: x_render__mutmut_3 -> render, xǁCǁm__mutmut_1 -> C.m."""
    last = name.rsplit('.', 1)[-1]
    last = re.sub(r'__mutmut_\d+$', '', last)
    if last.startswith('x\u01c1'):
        return '.'.join(part for part in last[2:].split('\u01c1') if part)
    return last[2:] if last.startswith('x_') else last


def diff_line(diff, source, start=1, end=None):
    """The line of `source` the mutation changes: the first removed line of the (function-relative) diff, searched
    for in the source between lines start and end (the function's span, when known). None if not found."""
    removed = [line[1:] for line in diff.splitlines() if line.startswith('-') and not line.startswith('---')]
    if not removed or source is None:
        return None
    wanted = removed[0].strip()
    lines = source.splitlines()
    last = len(lines) if end is None else min(end, len(lines))
    for number in range(max(start, 1), last + 1):
        if lines[number - 1].strip() == wanted:
            return number
    return None


def build(files, meta=None):
    """The report's data from the per-file results.

    files: [{'path': 'plugins/module_utils/x.py', 'exit_codes': {name: code}, 'source': text,
             'diffs': {name: diff text}, 'spans': {function: (first line, last line)}}] (diffs only for undetected
             mutants; the line of each is its diff's first removed line, searched in the function's span).
    Returns a dict: meta, files (path, counts, marked [(line, reason)], undetected [{name, function, status, line,
    diff}]) and total (counts)."""
    out = []
    for entry in sorted(files, key=lambda e: e['path']):
        marked = pragma_lines(entry.get('source') or '')
        counts = file_counts(entry['exit_codes'], len(marked))
        undetected = []
        for name in sorted(entry['exit_codes'], key=lambda n: (function_of(n), mutant_number(n))):
            st = status(entry['exit_codes'][name])
            if st not in UNDETECTED:
                continue
            diff = (entry.get('diffs') or {}).get(name, '')
            line = (entry.get('lines') or {}).get(name)
            if line is None:
                span = (entry.get('spans') or {}).get(function_of(name), (1, None))
                line = diff_line(diff, entry.get('source'), *span)
            undetected.append({'name': name, 'function': function_of(name), 'status': st, 'line': line,
                               'diff': diff})
        undetected.sort(key=lambda u: (u['line'] is None, u['line'] or 0, mutant_number(u['name'])))
        out.append({'path': entry['path'], 'counts': counts, 'marked': marked, 'undetected': undetected})
    total = dict.fromkeys(COLUMNS, 0)
    for entry in out:
        for column in COLUMNS:
            total[column] += entry['counts'][column]
    total['rate'] = rate(total['killed'], total['mutants'] - total['not_checked'], total['excluded'])
    return {'meta': dict(meta or {}), 'files': out, 'total': total}


def assemble(entries, meta=None):
    """The report over every file from the verdicts kept of earlier runs (run.py --verdicts), as build() gives it.

    entries: [{'path', 'state' ('current', 'stale' or 'missing'), 'verdict' (the file's kept record or None),
               'source' (the file as it is now)}]. A current verdict counts with its counts and undetected mutants
    and the marked lines of the source now (the same source: its hash matched); a stale or missing one is left out
    of the total and named in meta['without_verdict'] ({path: state}). Each file's meta['measured'] entry is the
    date of its verdict and the tests it was measured against."""
    meta = dict(meta or {})
    files, without, measured = [], {}, {}
    for entry in sorted(entries, key=lambda e: e['path']):
        verdict = entry.get('verdict')
        if entry['state'] != 'current' or not verdict:
            without[entry['path']] = entry['state'] if entry['state'] != 'current' else 'missing'
            continue
        marked = pragma_lines(entry.get('source') or '')
        counts = dict.fromkeys(COLUMNS, 0)
        counts.update(verdict['counts'])
        counts['marked_lines'] = len(marked)
        files.append({'path': entry['path'], 'counts': counts, 'marked': marked,
                      'undetected': list(verdict.get('undetected') or ())})
        measured[entry['path']] = {'date': verdict.get('measured'), 'tests': verdict.get('tests')}
    total = dict.fromkeys(COLUMNS, 0)
    for entry in files:
        for column in COLUMNS:
            total[column] += entry['counts'][column]
    total['rate'] = rate(total['killed'], total['mutants'] - total['not_checked'], total['excluded'])
    meta.update(without_verdict=without, measured=measured,
                status='assembled from %d verdicts%s' % (len(files), ', %d file(s) without a current one' % len(
                    without) if without else ''))
    return {'meta': meta, 'files': files, 'total': total}


def percent(value):
    return '-' if value is None else '%.1f%%' % (100 * value)


def table(report):
    """The per-file table and the total line."""
    head = ('file', 'mutants', 'killed', 'survived', 'no tests', 'timeout', 'other', 'excluded', 'marked',
            'rate')
    if report['total']['not_checked']:
        head = head[:2] + ('unchecked',) + head[2:]
    rows = []
    for entry in report['files'] + [{'path': 'TOTAL', 'counts': report['total']}]:
        c = entry['counts']
        row = (entry['path'], c['mutants'], c['killed'], c['survived'], c['no_tests'], c['timeout'], c['other'],
               c['excluded'], c['marked_lines'], percent(c['rate']))
        if report['total']['not_checked']:
            row = row[:2] + (c['not_checked'],) + row[2:]
        rows.append(row)
    width = max(len(head[0]), *(len(r[0]) for r in rows))
    fmt = '%-' + str(width) + 's' + ' %8s' * (len(head) - 1)
    lines = [fmt % head]
    for row in rows:
        if row[0] == 'TOTAL':
            lines.append('-' * len(lines[0]))
        lines.append(fmt % row)
    return lines


def render(report):
    """The whole text report: what was run, the table, the marked equivalents, then every undetected mutant."""
    meta = report['meta']
    lines = ['Mutation testing of plugins/module_utils and plugins/plugin_utils (make mutation)']
    for key in ('date', 'started', 'mutmut', 'wall_seconds', 'max_children', 'tests', 'files_selected', 'status'):
        if key in meta:
            value = meta[key]
            if isinstance(value, (list, tuple)):
                value = ' '.join(value)
            lines.append('%s: %s' % (key.replace('_', ' '), value))
    for rel, why in sorted((meta.get('tests_left_out') or {}).items()):
        lines.append('left out (make mutation MUTATION_ARGS=--with-slow-tests selects it): %s (%s)' % (rel, why))
    lines.append('rate = killed / (mutants - excluded); a timeout is not a kill; marked = lines with'
                 ' `# pragma: no mutate` (mutmut makes no mutant there)')
    if report['total']['not_checked']:
        lines.append('NOT COMPLETE: %d of %d mutants not checked (unchecked); the rates are over the mutants tested'
                     % (report['total']['not_checked'], report['total']['mutants']))
    lines.append('')
    lines.extend(table(report))
    measured = meta.get('measured') or {}
    if measured:
        lines.append('')
        lines.append('Each file from its verdict (tools/mutation/verdicts), measured against the test files that'
                     ' import it:')
        for path in sorted(measured):
            lines.append('  %s  %s' % (measured[path]['date'], path))
    without = meta.get('without_verdict') or {}
    if without:
        lines.append('')
        lines.append('NOT IN THE TOTAL: %d file(s) without a current verdict (stale: the file changed since; '
                     'missing: never measured):' % len(without))
        for path in sorted(without):
            lines.append('  %s  %s' % (without[path], path))
    marked = [(e['path'], line, reason) for e in report['files'] for line, reason in e['marked']]
    lines.append('')
    lines.append('Equivalents marked `# pragma: no mutate` (%d):' % len(marked))
    for path, line, reason in marked:
        lines.append('  %s:%s  %s' % (path, line, reason or '(no reason given)'))
    undetected = [(e['path'], u) for e in report['files'] for u in e['undetected']]
    lines.append('')
    lines.append('Undetected mutants (%d): survived, no tests (no test calls the function), or suspicious'
                 % len(undetected))
    for path, u in undetected:
        lines.append('')
        lines.append('%s:%s  %s  [%s]  %s' % (path, u['line'] if u['line'] is not None else '?', u['function'],
                                              u['status'], u['name'].rsplit('.', 1)[-1]))
        for dline in u['diff'].splitlines():
            if dline.startswith(('---', '+++')):
                continue
            lines.append('    ' + dline)
    return '\n'.join(lines) + '\n'


def summary(report):
    """The table only (what the run prints before pointing at the full report)."""
    return '\n'.join(table(report)) + '\n'


def dump_json(report):
    return json.dumps(report, indent=1, sort_keys=True) + '\n'
