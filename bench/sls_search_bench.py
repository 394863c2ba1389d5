#!/usr/bin/env python3
"""Benchmark the emulator's Log Service data plane as a zero-loss check uses it (prints figures; not a test).

    .venv/bin/python bench/sls_search_bench.py [--lines 10000] [--batch 1000]

Starts the emulator in-process, indexes a logstore, sends the lines with the official SDK's put_logs (lz4),
then finds them all by search: one paged get_log (100 per call), one single-page query, one histogram. The index
takes effect at once (index_delay=0: this measures searching, not the service's minute); the first answer of each
search is Incomplete as on the service, and every search is repeated until it is Complete.
"""
import argparse
import os
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

from aliyun.log import GetHistogramsRequest, IndexConfig, LogClient, LogItem, PutLogsRequest  # noqa: E402

from tools.alicloud_emulator import start_emulator  # noqa: E402

TRIES = 20


def complete(search):
    """The answer of `search()` once Log Service says Complete: an Incomplete one is not yet an answer."""
    for _ in range(TRIES):
        answer = search()
        if answer.is_completed():
            return answer
        time.sleep(0.1)
    raise SystemExit('search still Incomplete after %d tries' % TRIES)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lines', type=int, default=10000)
    parser.add_argument('--batch', type=int, default=1000)
    args = parser.parse_args()
    emu = start_emulator(access_keys={'bench-id': 'bench-secret'}, instances=1, regions=1, index_delay=0)
    try:
        client = LogClient(emu.endpoint, 'bench-id', 'bench-secret', source='10.0.0.1')
        client._isRowIp = True
        client.create_project('bench-logs', 'bench')
        client.create_logstore('bench-logs', 'syslog')
        index = IndexConfig()
        index.from_json({'line': {'token': [' ', ',', ':', '=', '\t'], 'caseSensitive': False},
                         'keys': {'_hostname_': {'type': 'text', 'token': [' '], 'doc_value': True}}})
        client.create_index('bench-logs', 'syslog', index)
        now = int(time.time())
        started = time.time()
        for first in range(0, args.lines, args.batch):
            items = [LogItem(now, [('_hostname_', 'web-%d' % (n % 5)), ('_content_', 'zeroloss run-1 line %06d' % n)])
                     for n in range(first, min(first + args.batch, args.lines))]
            client.put_logs(PutLogsRequest('bench-logs', 'syslog', '', '', items))
        put = time.time() - started
        emu.reset_stats()
        started = time.time()
        found = complete(lambda: client.get_log('bench-logs', 'syslog', now - 60, now + 60,
                                                query='zeroloss and run-1', size=-1))
        paged = time.time() - started
        calls = emu.stats()['calls'].get('GetLogs', 0)
        started = time.time()
        one = complete(lambda: client.get_log('bench-logs', 'syslog', now - 60, now + 60,
                                              query='_hostname_: web-1 and run-1', size=100))
        single = time.time() - started
        started = time.time()
        total = complete(lambda: client.get_histograms(GetHistogramsRequest(
            'bench-logs', 'syslog', now - 60, now + 60, query='zeroloss'))).get_total_count()
        histogram = time.time() - started
    finally:
        emu.stop()
    print('put_logs: %d lines in batches of %d in %.2f s' % (args.lines, args.batch, put))
    print('paged search: %d distinct lines found in %.2f s, %d GetLogs calls'
          % (len({log.get_contents()['_content_'] for log in found.get_logs()}), paged, calls))
    print('one-page field query: %d lines in %.3f s' % (one.get_count(), single))
    print('histogram: total %d in %.3f s' % (total, histogram))


if __name__ == '__main__':
    main()
