#!/usr/bin/env python3
"""Application log file sources on the Logtail stand-in (issue 22): per-source end-to-end delay and the stand-in's
lines per second (prints figures; not a test, but it exits 1 when an event is lost, duplicated or not parsed).

    .venv/bin/python bench/file_sources_bench.py [--lines 2000] [--rate 200] [--burst 2000] [--bulk-lines 100000]
                                                 [--formats raw,json,regex,nginx,multiline] [--poll-interval 0.1]

Starts the emulator CLI (Log Service, index_delay 0) and the stand-in daemon (tests/logtail_standin/) on
127.0.0.1. Per format, a file source is normalized and rendered by the product (module_utils/file_sources.py:
normalize_source, pipeline_detail, index_fields), created with the official SDK and applied to the stand-in's
machine group; the stand-in learns it through its heartbeat.

- Delay: per source in turn, LINES events written one by one at RATE a second (steady), then BURST events in one
  write (burst). Each event carries its write time (``<phase>/<seq>/<epoch>``); the bench polls GetLogs through
  the SDK every --poll-interval s (one search per phase, paged; made once before the writes, as a new search's
  first answer is Incomplete and the SDK then sleeps 0.5 s) and takes, per event, the time from its write to the
  poll that first found it: an upper bound by up to one poll. min / median / p95 / max per source and phase.
- Multi-line (Java-style, a start pattern): an event is complete only when the next start line arrives, so in the
  steady phase each event waits for the next one (1/RATE); the last event of each phase is followed by one more
  start line (an ``end`` event, not counted), else it would wait FlushTimeoutSecs (60 s) for the forced read.
- Throughput: BULK_LINES lines per format written to a file before it appears in the watched directory (renamed
  in: a file created after the config is loaded is read from its start), then (a) the stand-in's own reader and
  parser in this process (file_input.FileTailer: read, split, parse; no spool, no network) until every event is
  out, and (b) the running stand-in until every event is searchable in the emulator (GetLogs finds the last
  place of the result, polled every 0.25 s), with the CPU seconds the stand-in and the emulator spent meanwhile.
- Audit: at the end (after --settle s) every logstore is read back in full: each event of each phase found exactly
  once, parsed into its fields (multi-line: the whole event, stack trace included). Exit 1 otherwise.
Figures go to stdout and to --results (default bench/results/file_sources_bench.json).
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO_ROOT, os.path.join(REPO_ROOT, 'collections')]

from aliyun.log import GetHistogramsRequest, GetLogsRequest, IndexConfig, LogClient  # noqa: E402
from aliyun.log.logtail_pipeline_config_detail import LogtailPipelineConfigDetail  # noqa: E402

from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_sources as fs  # noqa: E402
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_index_plan import (  # noqa: E402
    desired_index, index_body)
from tests.integration.rsyslog_bed import STANDIN, Process, read_lines  # noqa: E402
from tests.integration.standin_fleet import GROUP, PROJECT, fleet, write_settings  # noqa: E402
from tests.logtail_standin.file_input import Checkpoints, FileConfig, FileTailer  # noqa: E402
from tests.support.sls_emulator import SLS_KEY_ID, SLS_KEY_SECRET  # noqa: E402

JAVA_START = r'\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} '
# name -> (the source as a user writes it, but its paths; the parsed field that holds the marker; lines per event)
SOURCES = {
    'raw': ({'format': 'raw'}, 'content', 1),
    'json': ({'format': 'json', 'index_keys': ['level', 'msg']}, 'msg', 1),
    'regex': ({'format': 'regex', 'regex': r'(\S+ \S+) (\w+) (\S+) - (.*)',
               'keys': ['time', 'level', 'logger', 'message']}, 'message', 1),
    'nginx': ({'format': 'nginx'}, 'request_uri', 1),
    'multiline': ({'format': 'regex', 'multiline_start': JAVA_START,
                   'regex': r'(\S+ \S+) (\w+) \[([^\]]*)\] (\S+) - ([\s\S]*)',
                   'keys': ['time', 'level', 'thread', 'logger', 'message']}, 'message', 4),
}
PHASES = ('steady', 'burst', 'bulk')
MARKER = re.compile(r'(warmup|steady|burst|bulk|end)/(\d+)/(\d+\.\d+)')
STACK_END = '\tat com.example.Bench.main(Bench.java:5)'


def event_text(fmt, phase, seq, when):
    """One event of the format, LF-terminated, carrying ``phase/seq/write time``."""
    mark = '%s/%d/%.6f' % (phase, seq, when)
    stamp = time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(when)) + ',%03d' % (int(when * 1000) % 1000)
    if fmt == 'raw':
        return 'bench event %s user=alice action=read\n' % mark
    if fmt == 'json':
        return json.dumps({'time': stamp, 'level': 'INFO', 'msg': mark, 'seq': seq}) + '\n'
    if fmt == 'regex':
        return '%s INFO com.example.Bench - %s served\n' % (stamp, mark)
    if fmt == 'nginx':
        return ('203.0.113.7 - - [%s +0000] "GET /%s HTTP/1.1" 200 612 "-" "bench/1.0"\n'
                % (time.strftime('%d/%b/%Y:%H:%M:%S', time.gmtime(when)), mark))
    return ('%s ERROR [main] com.example.Bench - %s failed\njava.lang.IllegalStateException: boom\n'
            '\tat com.example.Bench.run(Bench.java:10)\n%s\n' % (stamp, mark, STACK_END))


def source_for(fmt, directory):
    raw, key, lines = SOURCES[fmt]
    return fs.normalize_source(dict(raw, name='bench-' + fmt, paths=[os.path.join(directory, '*.log')])), key, lines


def percentile(values, share):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, int(math.ceil(share * len(ordered))) - 1)]


def delay_stats(delays):
    if not delays:
        return None
    return {'min': min(delays), 'median': statistics.median(delays), 'p95': percentile(delays, 0.95),
            'max': max(delays)}


def audit(rows, fmt, key, expected):
    """{phase: {'found', 'lost', 'duplicated', 'unparsed'}} of the rows read back, for {phase: event count}.
    A row is unparsed when the marker's field is missing (the parser kept the raw line) or, for a multi-line
    event, when the stack trace is not all in it."""
    seen = {phase: {} for phase in expected}
    unparsed = {phase: 0 for phase in expected}
    for row in rows:
        match = MARKER.search(row.get(key) or row.get(fs.CONTENT_KEY) or '')
        if match is None or match.group(1) not in expected:
            continue
        phase, seq = match.group(1), int(match.group(2))
        seen[phase][seq] = seen[phase].get(seq, 0) + 1
        if key not in row or (fmt != 'raw' and fs.CONTENT_KEY in row) or (
                fmt == 'multiline' and not row[key].endswith(STACK_END)):
            unparsed[phase] += 1
    return {phase: {'found': sum(1 for seq in seen[phase] if 0 <= seq < count),
                    'lost': sum(1 for seq in range(count) if seq not in seen[phase]),
                    'duplicated': (sum(n - 1 for n in seen[phase].values() if n > 1)
                                   + sum(1 for seq in seen[phase] if not 0 <= seq < count)),
                    'unparsed': unparsed[phase]} for phase, count in expected.items()}


def cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as handle:
        fields = handle.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf('SC_CLK_TCK'))


class Bench(object):
    def __init__(self, args, root):
        self.args, self.root = args, root
        self.emulator = subprocess.Popen(
            [sys.executable, '-m', 'tools.alicloud_emulator', '--access-key-id', SLS_KEY_ID, '--access-key-secret',
             SLS_KEY_SECRET, '--instances', '1', '--regions', '1', '--index-delay', '0'],
            cwd=REPO_ROOT, stdout=subprocess.PIPE, universal_newlines=True)
        self.endpoint = self.emulator.stdout.readline().strip().rsplit(' ', 1)[-1][len('http://'):]
        self.client = LogClient(self.endpoint, SLS_KEY_ID, SLS_KEY_SECRET, source='bench')
        self.client._isRowIp = True
        self.agent = None
        self.started = time.time()

    def stop(self):
        if self.agent is not None:
            self.agent.stop()
        self.client._session.close()  # else a handler thread waits on its keep-alive and the emulator's exit too
        self.emulator.terminate()
        try:
            self.emulator.wait(10)
        except subprocess.TimeoutExpired:
            self.emulator.kill()
            self.emulator.wait()

    # ---- Log Service side ----------------------------------------------------------------------------------

    def create_source(self, source):
        self.client.create_logstore(PROJECT, source['logstore'], ttl=7)
        index = IndexConfig()
        index.from_json(index_body(desired_index({'fields': fs.index_fields(source)})[0]))
        self.client.create_index(PROJECT, source['logstore'], index)
        detail = fs.pipeline_detail(source)
        name = fs.config_name('bench', source['name'])
        self.client.create_logtail_pipeline_config(PROJECT, LogtailPipelineConfigDetail(
            name, detail['inputs'], detail['flushers'], processors=detail['processors'],
            global_config=detail.get('global')))
        self.client.apply_config_to_machine_group(PROJECT, name, GROUP)

    def rows(self, logstore, query, window, offset=0):
        """The matching rows from ``offset`` on, paged, in a window of log times. The first answer to a new
        search (query and window) is Incomplete, and the SDK's get_logs then sleeps 0.5 s before it asks again:
        so the delay polls keep one window per phase and search it once before they start."""
        rows = []
        while True:
            for _ in range(20):
                answer = self.client.get_logs(GetLogsRequest(PROJECT, logstore, window[0], window[1], query=query,
                                                             line=100, offset=offset + len(rows)))
                if answer.is_completed():
                    break
            else:
                raise SystemExit('GetLogs %s %r stayed Incomplete' % (logstore, query))
            page = answer.get_logs()
            rows += [log.get_contents() for log in page]
            if len(page) < 100:
                return rows

    def count(self, logstore, query, start):
        return self.client.get_histograms(GetHistogramsRequest(
            PROJECT, logstore, int(start), int(time.time()) + 60, query=query)).get_total_count()

    # ---- the stand-in --------------------------------------------------------------------------------------

    def start_agent(self):
        home = Path(self.root) / 'agent'
        home.mkdir()
        (home / 'ilogtail_config.json').write_text(json.dumps({'streamlog_open': False}))
        self.agent = Process([sys.executable, STANDIN, '--home', str(home), '--ship-settings',
                              write_settings(home, self.endpoint)], str(home / 'agent.out'))

    def agent_failed(self):
        """'' while the stand-in runs, else its exit status and the end of its output."""
        if self.agent.alive():
            return ''
        return 'the stand-in exited with status %s:\n%s' % (self.agent.proc.returncode, '\n'.join(
            read_lines(str(Path(self.root) / 'agent' / 'agent.out'))[-20:]))


def write_file(path, text):
    with open(path, 'a') as handle:
        handle.write(text)


def wait_until_live(bench, sources):
    """Two warm-up events per source (the second completes a multi-line first); wait for every first one."""
    started = time.time()
    for fmt, (source, _, _) in sources.items():
        write_file(source['file'], event_text(fmt, 'warmup', 0, time.time()) + event_text(fmt, 'warmup', 1,
                                                                                          time.time()))
    pending = set(sources)
    while pending:
        if bench.agent_failed() or time.time() - started > bench.args.timeout:
            raise SystemExit('the stand-in did not ship the warm-up events of %s:\n%s'
                             % (', '.join(sorted(pending)), bench.agent_failed()))
        for fmt in sorted(pending):
            if bench.count(sources[fmt][0]['logstore'], 'warmup', started - 1) >= 1:
                pending.discard(fmt)
        time.sleep(0.2)
    return time.time() - started


def measure_delay(bench, fmt, source, key, phase, count):
    """Seconds from write to found of COUNT events written steadily (phase steady) or in one write (burst)."""
    found, done = {}, threading.Event()
    multiline = source['multiline_start'] is not None

    def writer():
        with open(source['file'], 'a') as handle:
            if phase == 'burst':
                when = time.time()
                handle.write(''.join(event_text(fmt, phase, seq, when) for seq in range(count))
                             + (event_text(fmt, 'end', 0, when) if multiline else ''))
            else:
                first = time.time()
                for seq in range(count):
                    time.sleep(max(0.0, first + seq / bench.args.rate - time.time()))
                    handle.write(event_text(fmt, phase, seq, time.time()))
                    handle.flush()
                if multiline:
                    handle.write(event_text(fmt, 'end', 0, time.time()))
        done.set()

    window = (int(time.time()) - 1, int(time.time()) + 3600)
    bench.rows(source['logstore'], phase, window)  # its Incomplete answer and the SDK's 0.5 s sleep: now
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    progress, read = None, 0  # since the last write, when the last new event was found; rows read
    while len(found) < count:
        if done.is_set():
            progress = progress or time.time()
            if time.time() - progress > bench.args.timeout or bench.agent_failed():
                break
        # Rows come oldest first (log time, then arrival): page on from a little before the last one read.
        offset = max(0, read - 100)
        rows = bench.rows(source['logstore'], phase, window, offset)
        read, now = offset + len(rows), time.time()
        for row in rows:
            match = MARKER.search(row.get(key) or row.get(fs.CONTENT_KEY) or '')
            if match and match.group(1) == phase and int(match.group(2)) not in found:
                found[int(match.group(2))] = now - float(match.group(3))
                progress = progress and now
        time.sleep(bench.args.poll_interval)
    thread.join()
    return [found[seq] for seq in sorted(found)]


def bulk_file(fmt, lines_per_event, lines, path):
    """A file of LINES lines (multi-line: whole events, then one start line that closes the last); its events."""
    events = max(1, lines // lines_per_event)
    when = time.time()
    with open(path, 'w') as handle:
        for first in range(0, events, 1000):
            last = min(first + 1000, events)
            handle.write(''.join(event_text(fmt, 'bulk', seq, when) for seq in range(first, last)))
        if lines_per_event > 1:
            handle.write(event_text(fmt, 'end', 0, when))
    return events


def read_parse_in_process(source, staged, directory, events):
    """Seconds the stand-in's FileTailer takes to read and parse the staged file, and the events it emitted."""
    os.makedirs(directory)
    config = FileConfig('inproc', fs.pipeline_detail(dict(source, paths=[os.path.join(directory, '*.log')])))
    out = []
    tailer = FileTailer(config, out.append, Checkpoints(None))
    tailer.scan()  # the config is loaded before the file appears: it is read from its start
    shutil.copy(staged, os.path.join(directory, 'bulk.tmp'))
    os.rename(os.path.join(directory, 'bulk.tmp'), os.path.join(directory, 'bulk.log'))
    started = time.perf_counter()
    for _ in range(100000):
        before = len(out)
        tailer.poll()
        if len(out) >= events or len(out) == before:
            break
    elapsed = time.perf_counter() - started
    tailer.stop()
    return elapsed, len(out)


def measure_bulk(bench, fmt, source, lines_per_event):
    staged = os.path.join(bench.root, 'staged-%s.log' % fmt)
    events = bulk_file(fmt, lines_per_event, bench.args.bulk_lines, staged)
    lines = events * lines_per_event
    inproc, emitted = read_parse_in_process(source, staged, os.path.join(bench.root, 'inproc-' + fmt), events)
    # '*' in a window that starts now: the emulator then matches nothing against the index's tokens (a word query
    # made it tokenize every value of every event, most of a core, on the cores the stand-in runs on). The window
    # holds the bulk events only (log time is read time: it starts at a new second, after every earlier event was
    # found), but for a multi-line phase's "end" event if its forced read (after 60 s) falls in it: the last place
    # is then reached one event early, a negligible difference; the audit counts them all.
    time.sleep(1.01 - time.time() % 1)
    window = (int(time.time()), int(time.time()) + 3600)
    bench.rows(source['logstore'], '*', window, events - 1)  # the search's Incomplete answer: before the clock
    agent_cpu, emulator_cpu = cpu_seconds(bench.agent.pid), cpu_seconds(bench.emulator.pid)
    started = time.time()
    os.rename(staged, source['file'].replace('app.log', 'bulk.log'))
    deadline, complete = started + max(bench.args.timeout, lines / 100.0), False
    while not complete and time.time() < deadline and not bench.agent_failed():
        time.sleep(0.25)
        complete = bool(bench.rows(source['logstore'], '*', window, events - 1))  # the last event's place
    elapsed = time.time() - started
    return {'lines': lines, 'events': events, 'inproc_s': inproc, 'inproc_events': emitted,
            'inproc_lines_per_s': lines / inproc, 'e2e_s': elapsed if complete else None, 'e2e_complete': complete,
            'e2e_lines_per_s': lines / elapsed if complete else None,
            'e2e_deadline_s': deadline - started, 'agent_cpu_s': cpu_seconds(bench.agent.pid) - agent_cpu,
            'emulator_cpu_s': cpu_seconds(bench.emulator.pid) - emulator_cpu}


def fmt_s(value):
    return '%7.2f s' % value if value is not None else '      – '


def print_report(args, results):
    print('\nend-to-end delay, write -> searchable through GetLogs (polled every %.2f s: an upper bound by up to '
          'one poll; steady at %g events/s, burst in one write)' % (args.poll_interval, args.rate))
    print('%-10s %-7s %7s %9s %9s %9s %9s' % ('source', 'phase', 'events', 'min', 'median', 'p95', 'max'))
    for fmt, result in results['sources'].items():
        for phase in ('steady', 'burst'):
            stats = result['delay'][phase]
            print('%-10s %-7s %7d %s %s %s %s' % (fmt, phase, result['found_by_poll'][phase], *(
                fmt_s(stats[k] if stats else None) for k in ('min', 'median', 'p95', 'max'))))
    if 'multiline' in results['sources']:
        print('multiline: an event ends when the next start line arrives (steady: each waits ~1/rate for the next); '
              'the last of each phase is followed by one more start line (an uncounted "end" event), as it would '
              'otherwise wait FlushTimeoutSecs (60 s) for the forced read.')
    print('\nthroughput, %d lines written before the file appears in the watched directory' % args.bulk_lines)
    print('%-10s %7s %7s %21s %12s %21s %12s %10s %10s' % (
        'format', 'lines', 'events', 'read+parse in-process', 'lines/s', 'stand-in -> emulator', 'lines/s',
        'agent CPU', 'emu CPU'))
    for fmt, result in results['sources'].items():
        bulk = result['bulk']
        e2e = ('%19.2f s %12.0f' % (bulk['e2e_s'], bulk['e2e_lines_per_s']) if bulk['e2e_complete']
               else '%21s %12s' % ('not all arrived', '–'))
        print('%-10s %7d %7d %19.2f s %12.0f %s %8.2f s %8.2f s' % (
            fmt, bulk['lines'], bulk['events'], bulk['inproc_s'], bulk['inproc_lines_per_s'], e2e,
            bulk['agent_cpu_s'], bulk['emulator_cpu_s']))
    print('\naudit (every logstore read back after %.1f s): events expected / found / lost / duplicated / unparsed'
          % args.settle)
    for fmt, result in results['sources'].items():
        print('%-10s %s' % (fmt, '   '.join('%s %d/%d/%d/%d/%d' % (
            phase, result['expected'][phase], a['found'], a['lost'], a['duplicated'], a['unparsed'])
            for phase, a in result['audit'].items())))
    bad = failures(results)
    print('\n' + ('FAILED: ' + '; '.join(bad) if bad else 'every event found once and parsed'))


def failures(results):
    bad = [results['agent_failed']] if results.get('agent_failed') else []
    for fmt, result in results['sources'].items():
        for phase, counts in result['audit'].items():
            for what in ('lost', 'duplicated', 'unparsed'):
                if counts[what]:
                    bad.append('%s %s: %d %s' % (fmt, phase, counts[what], what))
        if not result['bulk']['e2e_complete']:
            bad.append('%s: not every bulk event arrived within %.0f s' % (fmt, result['bulk']['e2e_deadline_s']))
        if result['bulk']['inproc_events'] != result['expected']['bulk']:
            bad.append('%s: the in-process reader emitted %d of %d events' % (
                fmt, result['bulk']['inproc_events'], result['expected']['bulk']))
    return bad


def run(args, root):
    bench = Bench(args, root)
    try:
        fleet(bench.client)
        sources = {}
        for fmt in args.formats:
            directory = os.path.join(root, fmt)
            os.makedirs(directory)
            source, key, lines_per_event = source_for(fmt, directory)
            source['file'] = os.path.join(directory, 'app.log')
            write_file(source['file'], '')
            bench.create_source(source)
            sources[fmt] = (source, key, lines_per_event)
        bench.start_agent()
        live = wait_until_live(bench, sources)
        print('stand-in live: every warm-up event searchable %.1f s after it was written' % live)
        results = {'args': vars(args), 'started': time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
                   'load_before': os.getloadavg()[0], 'live_s': live, 'sources': {}}
        for fmt, (source, key, lines_per_event) in sources.items():
            delays = {'steady': measure_delay(bench, fmt, source, key, 'steady', args.lines),
                      'burst': measure_delay(bench, fmt, source, key, 'burst', args.burst)}
            results['sources'][fmt] = {'delay': {p: delay_stats(d) for p, d in delays.items()},
                                       'found_by_poll': {p: len(d) for p, d in delays.items()}}
            print('%s: delays measured' % fmt)
            sys.stdout.flush()
        for fmt, (source, key, lines_per_event) in sources.items():
            results['sources'][fmt]['bulk'] = measure_bulk(bench, fmt, source, lines_per_event)
            print('%s: throughput measured' % fmt)
            sys.stdout.flush()
        time.sleep(args.settle)  # anything shipped twice arrives by now
        for fmt, (source, key, _) in sources.items():
            expected = {'steady': args.lines, 'burst': args.burst,
                        'bulk': results['sources'][fmt]['bulk']['events']}
            results['sources'][fmt]['expected'] = expected
            window = (int(bench.started) - 1, int(time.time()) + 3600)
            results['sources'][fmt]['audit'] = audit(bench.rows(source['logstore'], '*', window), fmt, key, expected)
        results['load_after'] = os.getloadavg()[0]
        results['agent_failed'] = bench.agent_failed()
        return results
    finally:
        bench.stop()


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--lines', type=int, default=2000, help='steady events per source (default 2000)')
    parser.add_argument('--rate', type=float, default=200, help='steady events per second (default 200)')
    parser.add_argument('--burst', type=int, default=2000, help='events in the one burst write (default 2000)')
    parser.add_argument('--bulk-lines', type=int, default=100000, help='lines per format for the throughput')
    parser.add_argument('--formats', default=','.join(SOURCES), help='comma-separated, of %s' % ', '.join(SOURCES))
    parser.add_argument('--poll-interval', type=float, default=0.1)
    parser.add_argument('--timeout', type=float, default=120,
                        help='seconds to wait after the last write while nothing new is found (the bulk: at least '
                        'this, else a second per 100 lines)')
    parser.add_argument('--settle', type=float, default=3, help='seconds before the audit, for late duplicates')
    parser.add_argument('--results', default=os.path.join(REPO_ROOT, 'bench', 'results', 'file_sources_bench.json'))
    parser.add_argument('--keep', help='work in this new directory and keep it (files, the stand-in\'s home)')
    args = parser.parse_args(argv)
    args.formats = [f.strip() for f in args.formats.split(',') if f.strip()]
    unknown = [f for f in args.formats if f not in SOURCES]
    if unknown or not args.formats:
        parser.error('--formats: unknown %s (known: %s)' % (', '.join(unknown) or 'none given', ', '.join(SOURCES)))
    if min(args.lines, args.burst, args.bulk_lines) < 1 or args.rate <= 0:
        parser.error('--lines, --burst and --bulk-lines must be 1 or more and --rate above 0')
    return args


def main(argv=None):
    args = arguments(argv)
    print('file sources bench: %s; steady %d events at %g/s, burst %d, bulk %d lines; %s UTC, load %.2f' % (
        ', '.join(args.formats), args.lines, args.rate, args.burst, args.bulk_lines,
        time.strftime('%Y-%m-%d %H:%M', time.gmtime()), os.getloadavg()[0]))
    sys.stdout.flush()
    root = args.keep or tempfile.mkdtemp(prefix='file-sources-bench-')
    if args.keep:
        os.makedirs(root)
    try:
        results = run(args, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print_report(args, results)
    print('load after: %.2f' % results['load_after'])
    os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
    with open(args.results, 'w') as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
    return 1 if failures(results) else 0


if __name__ == '__main__':
    sys.exit(main())
