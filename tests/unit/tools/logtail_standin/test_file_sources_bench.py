"""bench/file_sources_bench.py (issue 22) cannot rot: its lines parse with the configs the product renders, its
audit counts what is lost, duplicated or unparsed, and a whole run with tiny counts (the emulator, the stand-in
daemon, every format) finds every event once and exits 0."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_sources as fs
from tests.logtail_standin import parse_processors
from tests.logtail_standin.file_input import FileConfig

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
SCRIPT = os.path.join(REPO_ROOT, 'bench', 'file_sources_bench.py')
_spec = importlib.util.spec_from_file_location('file_sources_bench', SCRIPT)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.mark.parametrize('fmt', sorted(bench.SOURCES))
def test_each_format_line_parses_into_the_marker_field(fmt):
    source, key, lines = bench.source_for(fmt, '/var/log/bench')
    text = bench.event_text(fmt, 'steady', 42, 1765015200.25)
    assert text.endswith('\n') and text.count('\n') == lines
    event = parse_processors.run(FileConfig('c', fs.pipeline_detail(source)).processors, text[:-1])
    assert bench.MARKER.search(event[key]).groups() == ('steady', '42', '1765015200.250000')
    if fmt != 'raw':
        assert fs.CONTENT_KEY not in event  # parsed, not kept as the raw line
    assert bench.audit([event], fmt, key, {'steady': 43})['steady'] == {
        'found': 1, 'lost': 42, 'duplicated': 0, 'unparsed': 0}


def row(phase, seq, key='message', tail=bench.STACK_END):
    return {key: 'x %s/%d/1765015200.000000 failed\n%s' % (phase, seq, tail)}


def test_audit_counts_lost_duplicated_unparsed_and_unexpected_events():
    rows = [row('steady', 0), row('steady', 1), row('steady', 1), row('steady', 3),  # 2 lost, 1 twice
            row('steady', 5),                                                          # beyond the 4 written
            row('burst', 0, tail='\tat only.the.first.Frame'),                         # stack trace cut
            {'content': '2026 ERROR burst/1/1765015200.000000 kept raw'},              # parse failed
            row('warmup', 0), row('end', 0)]                                           # not counted
    got = bench.audit(rows, 'multiline', 'message', {'steady': 4, 'burst': 2})
    assert got['steady'] == {'found': 3, 'lost': 1, 'duplicated': 2, 'unparsed': 0}
    assert got['burst'] == {'found': 2, 'lost': 0, 'duplicated': 0, 'unparsed': 2}
    results = {'sources': {'multiline': {'audit': got, 'expected': {'bulk': 5}, 'bulk': {
        'inproc_events': 4, 'e2e_complete': False, 'e2e_deadline_s': 120}}}}
    assert bench.failures(results) == [
        'multiline steady: 1 lost', 'multiline steady: 2 duplicated', 'multiline burst: 2 unparsed',
        'multiline: not every bulk event arrived within 120 s',
        'multiline: the in-process reader emitted 4 of 5 events']
    results['agent_failed'] = 'the stand-in exited with status 2:\npanic'
    assert bench.failures(results)[0] == 'the stand-in exited with status 2:\npanic'
    clean = {'found': 2, 'lost': 0, 'duplicated': 0, 'unparsed': 0}
    assert bench.failures({'sources': {'raw': {'audit': {'burst': clean}, 'expected': {'bulk': 3}, 'bulk': {
        'inproc_events': 3, 'e2e_complete': True, 'e2e_deadline_s': 120}}}}) == []


def test_delay_figures_use_the_nearest_rank_percentile():
    assert bench.delay_stats(list(range(20, 0, -1))) == {'min': 1, 'median': 10.5, 'p95': 19, 'max': 20}
    assert bench.percentile(list(range(1, 101)), 0.95) == 95
    assert bench.percentile([0.7], 0.95) == 0.7
    assert bench.delay_stats([]) is None


def test_a_tiny_run_finds_every_event_once(tmp_path):
    results = tmp_path / 'results.json'
    proc = subprocess.run([sys.executable, SCRIPT, '--lines', '12', '--rate', '100', '--burst', '7',
                           '--bulk-lines', '400', '--settle', '0.5', '--timeout', '30', '--results', str(results)],
                          cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert 'every event found once and parsed' in proc.stdout
    figures = json.loads(results.read_text())['sources']
    assert sorted(figures) == sorted(bench.SOURCES)
    for fmt, got in figures.items():
        lines_per_event = bench.SOURCES[fmt][2]
        assert got['found_by_poll'] == {'steady': 12, 'burst': 7}, fmt
        assert got['expected'] == {'steady': 12, 'burst': 7, 'bulk': 400 // lines_per_event}, fmt
        for phase, counts in got['audit'].items():
            assert counts == {'found': got['expected'][phase], 'lost': 0, 'duplicated': 0, 'unparsed': 0}, fmt
        for stats in got['delay'].values():
            assert 0 < stats['min'] <= stats['median'] <= stats['p95'] <= stats['max'] < 30, fmt
        bulk = got['bulk']
        assert (bulk['lines'], bulk['inproc_events'], bulk['e2e_complete']) == (400, bulk['events'], True)
        assert bulk['e2e_lines_per_s'] == pytest.approx(400 / bulk['e2e_s'])
        assert '%-10s %-7s %7d' % (fmt, 'burst', 7) in proc.stdout
