"""The end of `make demo`: one search of each application log file source's logstore, through the official SDK
(aliyun-log-python-sdk) as a user would search, printing the newest event with its parsed fields.

    python -m tools.demo_search [--timeout SECONDS] [--inventory inventories/demo/]

The sources are the ``alicloud_logging_file_sources`` of the inventory's group_vars; the endpoint and keys come
from the environment tools/demo.sh exports (ALICLOUD_SLS_ENDPOINT, ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET); the
project is the group_vars' ``alicloud_logging_project``. A source with ``multiline_start`` is shown by its newest
multi-line event (a stack trace). Each search is repeated until it finds such an event or the timeout passes: an
index takes effect about a minute after site.yml creates it, and logs received before then are never found.
Exit status 1 when a source's logstore never showed one. tests/integration/test_demo.py uses ``count`` and
``sls_client`` too.
"""
import argparse
import glob
import os
import sys
import time

import yaml
from aliyun.log import GetHistogramsRequest, GetLogsRequest, LogClient

WINDOW = 900  # seconds back from now that a search covers
META_PREFIXES = ('__',)


def sls_client(env=None):
    env = os.environ if env is None else env
    client = LogClient(env['ALICLOUD_SLS_ENDPOINT'], env['ALIBABA_CLOUD_ACCESS_KEY_ID'],
                       env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'])
    client._isRowIp = True  # an IP:port endpoint, as sls_client.single_attempt_client marks it
    return client


def _window():
    now = int(time.time())
    return now - WINDOW, now + 60


def count(client, project, logstore, query):
    """How many logs of the last WINDOW seconds match, by GetHistograms (one call); None while incomplete."""
    start, end = _window()
    answer = client.get_histograms(GetHistogramsRequest(project, logstore, start, end, query=query))
    return answer.get_total_count() if answer.is_completed() else None


def newest(client, project, logstore, query, line=100):
    """The newest ``line`` matching logs as {field: value} (newest first); a search answered Incomplete (the
    service still gathering) is asked again, as the SDK's callers must."""
    start, end = _window()
    for _ in range(20):
        answer = client.get_logs(GetLogsRequest(project, logstore, start, end, query=query, line=line, reverse=True))
        if answer.is_completed():
            return [dict(log.get_contents(), __time__=log.get_time()) for log in answer.get_logs()]
        time.sleep(0.2)
    raise RuntimeError('GetLogs %s %r stayed Incomplete' % (logstore, query))


def file_sources(inventory):
    """(project, [source dicts]) from the inventory's group_vars files."""
    project, sources = None, []
    for path in sorted(glob.glob(os.path.join(inventory, 'group_vars', '*.yml'))):
        with open(path) as handle:
            data = yaml.safe_load(handle) or {}
        project = data.get('alicloud_logging_project', project)
        sources.extend(data.get('alicloud_logging_file_sources') or [])
    return project, sources


def pick(source, rows):
    """The event to show: the newest, or for a multi-line source the newest that spans lines; of a format the agent
    parses, the newest it parsed (a line it could not parse stays whole in content)."""
    if source.get('format', 'raw') not in ('raw', 'json'):
        rows = [row for row in rows if 'content' not in row]
    if source.get('multiline_start'):
        rows = [row for row in rows if any('\n' in value for value in row.values() if isinstance(value, str))]
    return rows[0] if rows else None


def render(row):
    fields = sorted(key for key in row if not key.startswith(META_PREFIXES))
    lines, single = [], []
    for key in fields:
        value = row[key]
        if '\n' in value:
            lines.append('    %s=%s' % (key, value.replace('\n', '\n    ' + ' ' * (len(key) + 1))))
        else:
            single.append('%s=%s' % (key, value))
    return ['    ' + ' '.join(single)] + lines


def search_each(client, project, sources, timeout, out=sys.stdout):
    """Print each source's newest event; the names of the sources that showed none."""
    missing = []
    for source in sources:
        logstore = source.get('logstore') or source['name']
        deadline = time.monotonic() + timeout
        while True:
            row = pick(source, newest(client, project, logstore, '*'))
            if row is not None or time.monotonic() >= deadline:
                break
            time.sleep(2)
        if row is None:
            out.write('%s: NOTHING FOUND in logstore %s in %d s\n' % (source['name'], logstore, timeout))
            missing.append(source['name'])
            continue
        total = count(client, project, logstore, '*')
        out.write('%s: logstore %s, %s events in the last %d min; the newest%s, from %s:\n'
                  % (source['name'], logstore, total, WINDOW // 60,
                     ' multi-line one' if source.get('multiline_start') else '',
                     row.get('__tag__:__hostname__', '?')))
        out.write('\n'.join(render(row)) + '\n')
    return missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--inventory', default='inventories/demo/')
    parser.add_argument('--timeout', type=float, default=120)
    args = parser.parse_args(argv)
    project, sources = file_sources(args.inventory)
    missing = search_each(sls_client(), project, sources, args.timeout)
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
