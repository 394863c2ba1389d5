"""Log Service data plane state: stored logs per logstore, their index versions, and GetLogs progress.

Every stored log keeps its receive time. An index (CreateIndex / UpdateIndex) takes effect `index_delay` seconds
after it is written (the API reference's "about one minute") and covers only logs received after that: a log is
searched with the index version in effect when it arrived; a log that arrived while none was in effect is never
found (it still counts in the state's logCount). Searches run the sls_query subset over a [from, to) window of log
times. The first `incomplete_first` GetLogs calls for one (project, logstore, query, from, to, topic) are
Incomplete, as the service answers while it still gathers. `execute` runs a whole query, `search | SQL` included
(sls_sql_parse, sls_sql_eval), and answers the rows GetLogs returns. Callers hold SlsStore.lock; errors are
SlsError.
"""
import bisect
import time
from collections import OrderedDict

from .sls_putlogs import logs_from_group
from .sls_query import check_against_index, matches, parse_query, split_query
from .sls_signing import SlsError
from .sls_sql_eval import run as run_sql
from .sls_sql_parse import parse_sql

MAX_LINES = 100           # GetLogs `line` upper bound on the real service
MAX_HISTOGRAM_BUCKETS = 60
INDEX_TYPES = ('text', 'long', 'double', 'json')
DEFAULT_INDEX_DELAY = 60  # seconds: CreateIndex / UpdateIndex API reference, "takes effect in about one minute"
PROGRESS_KEYS_KEPT = 100000


def validate_index(body):
    line, keys = body.get('line'), body.get('keys')
    if not line and not keys:
        raise SlsError(400, 'ParameterInvalid', 'an index needs a full-text (line) index or field (keys) indexes')
    if line is not None and (not isinstance(line, dict) or not line.get('token')):
        raise SlsError(400, 'ParameterInvalid', 'line.token must be a non-empty list of delimiters')
    for key, config in (keys or {}).items():
        if not isinstance(config, dict) or config.get('type', 'text') not in INDEX_TYPES:
            raise SlsError(400, 'ParameterInvalid', 'keys.%s.type must be one of %s' % (key, ', '.join(INDEX_TYPES)))
        if config.get('type', 'text') == 'text' and not config.get('token'):
            raise SlsError(400, 'ParameterInvalid', 'keys.%s.token must be a non-empty list of delimiters' % key)


def result_row(log, append_meta):
    row = {'__time__': str(log['time']), '__source__': log['source'], '__topic__': log['topic']}
    row.update(log['tags'])
    if append_meta:
        # Logstores with appendMeta get the service's receive-time and client-ip tags, as on the real service.
        row['__tag__:__receive_time__'] = str(int(log['received']))
        row['__tag__:__client_ip__'] = log['client_ip']
    row.update(log['contents'])
    return row


class LogData(object):
    """Per (project, logstore): {'logs': [...], 'index': the current index JSON or None, 'versions': [(effective
    time, index JSON)] oldest first, 'index_version': a counter for caches}."""

    def __init__(self, index_delay=DEFAULT_INDEX_DELAY, incomplete_first=1, clock=time.time):
        if index_delay < 0 or incomplete_first < 0:
            raise ValueError('index_delay and incomplete_first must be 0 or more')
        self.index_delay = int(index_delay)
        self.incomplete_first = int(incomplete_first)
        self.clock = clock
        self.stores = {}
        self.recent_searches = {}
        self.last_rows = None
        self.progress_calls = OrderedDict()

    def of(self, project, logstore):
        return self.stores.setdefault((project, logstore),
                                      {'logs': [], 'index': None, 'versions': [], 'index_version': 0})

    def drop(self, project, logstore=None):
        for key in [k for k in self.stores if k[0] == project and logstore in (None, k[1])]:
            del self.stores[key]

    def put(self, project, logstore, group, client_ip):
        logs = list(logs_from_group(group, client_ip, self.clock()))
        self.of(project, logstore)['logs'].extend(logs)
        return len(logs)

    def progress(self, key):
        """'Incomplete' for the first `incomplete_first` calls of one search key, then 'Complete'."""
        calls = self.progress_calls.pop(key, 0) + 1
        self.progress_calls[key] = calls
        while len(self.progress_calls) > PROGRESS_KEYS_KEPT:
            self.progress_calls.popitem(last=False)
        return 'Incomplete' if calls <= self.incomplete_first else 'Complete'

    def search(self, project, logstore, query, start, end, topic=None):
        """Logs in [start, end) (of `topic` when given) matching `query`, oldest first, and how many logs the
        window held. The query is checked against the current index; each log is matched with its own version."""
        data = self.of(project, logstore)
        if data['index'] is None:
            raise SlsError(400, 'IndexConfigNotExist', 'logstore without index config')
        tree = parse_query(split_query(query)[0])
        check_against_index(tree, data['index'])
        # Paging through a result asks the same search again with another offset; until a log arrives or the
        # index changes the answer is the same, so keep the last few (the real service caches results too).
        # Which version covers a log depends on its receive time only, so the clock needs no place in the key.
        key = (project, logstore, query, start, end, topic, len(data['logs']), data['index_version'])
        if key not in self.recent_searches:
            effective = [when for when, _ in data['versions']]
            window = [log for log in data['logs'] if start <= log['time'] < end and topic in (None, log['topic'])]
            found = []
            for log in window:
                version = bisect.bisect_right(effective, log['received']) - 1
                if version >= 0 and matches(tree, log, data['versions'][version][1]):
                    found.append(log)
            found.sort(key=lambda log: log['time'])  # stable: arrival order within one second
            if len(self.recent_searches) >= 8:
                self.recent_searches.pop(next(iter(self.recent_searches)))
            self.recent_searches[key] = (found, len(window))
        return self.recent_searches[key]

    def execute(self, project, logstore, query, start, end, topic=None, append_meta=False):
        """-> (rows, logs scanned, has_sql). rows: what GetLogs answers in `data`: for a plain search every match
        as result_row (oldest first; the caller pages with offset/line/reverse); for `search | SQL` the SQL's rows
        (values as strings, at most LIMIT or 100). The SQL is parsed before the search so that its syntax errors
        come first; now() is this LogData's clock."""
        _, analytic = split_query(query)
        stmt = parse_sql(analytic) if analytic is not None else None
        found, scanned = self.search(project, logstore, query, start, end, topic)
        if stmt is None:
            # Paging asks the same search again and gets the same `found` list (recent_searches): build its rows once.
            cached = self.last_rows
            if cached is None or cached[0] is not found or cached[1] != append_meta:
                self.last_rows = cached = (found, append_meta, [result_row(log, append_meta) for log in found])
            return list(cached[2]), scanned, False  # the row dicts are shared: read-only
        return run_sql(stmt, found, self.of(project, logstore)['index'], self.clock()), scanned, True

    @staticmethod
    def histogram(found, start, end):
        width = max(1, -(-(end - start) // MAX_HISTOGRAM_BUCKETS))
        buckets = []
        for low in range(start, end, width):
            high = min(low + width, end)
            buckets.append({'from': low, 'to': high, 'progress': 'Complete',
                            'count': sum(1 for log in found if low <= log['time'] < high)})
        return buckets

    # -- index --------------------------------------------------------------------------------------------
    def get_index(self, project, logstore):
        index = self.of(project, logstore)['index']
        if index is None:
            raise SlsError(400, 'IndexConfigNotExist', "index config doesn't exist")
        return index

    def create_index(self, project, logstore, body):
        if self.of(project, logstore)['index'] is not None:
            raise SlsError(400, 'IndexAlreadyExist', 'log store index is already created')
        self._set_index(project, logstore, body)

    def update_index(self, project, logstore, body):
        self.get_index(project, logstore)
        self._set_index(project, logstore, body)

    def _set_index(self, project, logstore, body):
        validate_index(body)
        written = int(self.clock())
        doc = dict(body, index_mode='v2', storage='pg', lastModifyTime=written)
        data = self.of(project, logstore)
        data['index'], data['index_version'] = doc, data['index_version'] + 1
        data['versions'].append((written + self.index_delay, doc))

    def delete_index(self, project, logstore):
        """The index and what it indexed go: logs received before a new index takes effect stay unsearchable."""
        self.get_index(project, logstore)
        data = self.of(project, logstore)
        data['index'], data['versions'], data['index_version'] = None, [], data['index_version'] + 1

    def effective_time(self, project, logstore):
        """When the current index takes (or took) effect, or None without an index."""
        data = self.stores.get((project, logstore))
        return data['versions'][-1][0] if data and data['versions'] else None
