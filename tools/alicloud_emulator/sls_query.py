"""The search part of a Log Service query (what comes before `|`), parsed and matched against stored logs.

Subset: full-text words (`error`, prefix `err*`, quoted phrases `"disk full"`), `key: value` (`key: *` = the
field is present), `AND` / `OR` / `NOT` (any case; juxtaposition is AND, as on the real service; `a not b` is
`a AND NOT b`), parentheses, and `*` alone (every log). Words are matched on tokens: a value is split on the
index's token characters and compared case-insensitively unless the index says caseSensitive, so `disk` finds
"disk full" but not "diskfull". A query naming a key without a field index, a full-text word without a full-text
(line) index is an error, as it is on the service. `split_query` separates the analytic SQL after `|` (run by
sls_sql_parse / sls_sql_eval); `parse_query` takes the search part only.
"""
import functools
import re

from .sls_signing import SlsError

_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<colon>:)|"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<word>[^\s():"]+))')
OPERATORS = ('and', 'or', 'not')


def query_error(message):
    return SlsError(400, 'ParameterInvalid', message)


def tokenize(text):
    """Query text -> [(kind, value)]; kinds: ( ) : quoted word."""
    out, pos, text = [], 0, text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise query_error('query syntax error near %r' % text[pos:pos + 20])
        pos = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == 'quoted':
            value = re.sub(r'\\(.)', r'\1', value)
        elif kind == 'word' and value.lower() in OPERATORS:
            kind = value.lower()
        out.append((kind, value))
    return out


class _Parser(object):
    def __init__(self, tokens):
        self.tokens, self.pos = tokens, 0

    def peek(self):
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self, kind):
        if self.peek() != kind:
            raise query_error('query syntax error: expected %s, found %s' % (kind, self.peek() or 'end of query'))
        self.pos += 1
        return self.tokens[self.pos - 1][1]

    def parse_or(self):
        node = self.parse_and()
        while self.peek() == 'or':
            self.pos += 1
            node = ('or', node, self.parse_and())
        return node

    def parse_and(self):
        node = self.parse_not()
        while self.peek() in ('and', 'not', 'word', 'quoted', 'lp'):
            if self.peek() == 'and':
                self.pos += 1
            node = ('and', node, self.parse_not())
        return node

    def parse_not(self):
        if self.peek() == 'not':
            self.pos += 1
            return ('not', self.parse_not())
        return self.parse_primary()

    def parse_primary(self):
        kind = self.peek()
        if kind == 'lp':
            self.pos += 1
            node = self.parse_or()
            self.take('rp')
            return node
        if kind not in ('word', 'quoted'):
            raise query_error('query syntax error: expected a word, found %s' % (kind or 'end of query'))
        text = self.take(kind)
        if self.peek() == 'colon':
            self.pos += 1
            if self.peek() not in ('word', 'quoted'):
                raise query_error('query syntax error: key %r needs a value' % text)
            value_kind = self.peek()
            value = self.take(value_kind)
            return ('field', text, value, value_kind == 'quoted')
        if kind == 'word' and text == '*':
            return ('all',)
        return ('text', text, kind == 'quoted')


def split_query(query):
    """'search | sql' -> (search, sql or None). An empty statement after `|` is a syntax error."""
    search, bar, analytic = (query or '').partition('|')
    if bar and not analytic.strip():
        raise query_error('query syntax error: an analytic statement must follow |')
    return search, (analytic.strip() if bar else None)


def parse_query(query):
    """Search text (without `| sql`: see split_query) -> tree of ('all',) ('text', word, quoted) ('field', key,
    value, quoted) ('and'|'or', l, r) ('not', x). Empty or `*` -> ('all',)."""
    search, analytic = split_query(query)
    if analytic is not None:
        raise query_error('parse_query takes the search part only; run %r through LogData.execute' % analytic)
    tokens = tokenize(search)
    if not tokens:
        return ('all',)
    parser = _Parser(tokens)
    tree = parser.parse_or()
    if parser.pos != len(tokens):
        raise query_error('query syntax error near %r' % tokens[parser.pos][1])
    return tree


@functools.lru_cache(maxsize=64)
def _splitter(delimiters):
    return re.compile('[%s]' % re.escape(''.join(delimiters))) if delimiters else None


def split_tokens(text, delimiters, case_sensitive):
    splitter = _splitter(tuple(delimiters))
    pieces = splitter.split(text) if splitter else [text]
    return [p if case_sensitive else p.lower() for p in pieces if p]


@functools.lru_cache(maxsize=256)
def _term_tokens(term, delimiters, case_sensitive):
    return tuple(split_tokens(term, delimiters, case_sensitive))


def _log_tokens(log, position, delimiters, case_sensitive):
    """Tokens of the log's position-th value, kept on the log: a poll that pages through 10,000 logs would
    otherwise split every value again for each page."""
    cache = log.setdefault('tokens', {})
    key = (position, tuple(delimiters), case_sensitive)
    if key not in cache:
        cache[key] = split_tokens(log['contents'][position][1], delimiters, case_sensitive)
    return cache[key]


def _term_matches(term, quoted, tokens, delimiters, case_sensitive):
    """A word (prefix with a trailing *) or a phrase: its tokens appear consecutively in `tokens`."""
    wanted = list(_term_tokens(term, tuple(delimiters), case_sensitive))
    if not wanted:
        return False
    prefix = not quoted and term.endswith('*')
    if prefix:
        wanted[-1] = wanted[-1].rstrip('*')
    width = len(wanted)
    if width == 1 and not prefix:
        return wanted[0] in tokens
    for start in range(len(tokens) - width + 1):
        window = tokens[start:start + width]
        if window[:-1] == wanted[:-1] and (window[-1].startswith(wanted[-1]) if prefix else window[-1] == wanted[-1]):
            return True
    return False


def check_against_index(tree, index):
    """Raise the real-looking error for keys without a field index and words without a full-text index."""
    kind = tree[0]
    if kind in ('and', 'or'):
        check_against_index(tree[1], index)
        check_against_index(tree[2], index)
    elif kind == 'not':
        check_against_index(tree[1], index)
    elif kind == 'field' and tree[1] not in (index.get('keys') or {}):
        raise query_error('key (%s) is not config as key value config,if symbol : is in your log,please wrap : '
                          'with quotation mark "' % tree[1])
    elif kind == 'text' and not index.get('line'):
        raise query_error('full text index is not config, only key value queries are possible: %r' % tree[1])


def matches(tree, log, index):
    """log: {'contents': [(key, value)], ...}; index: the index JSON (version) that covers the log. A term the
    version does not index matches nothing."""
    kind = tree[0]
    if kind == 'all':
        return True
    if kind == 'and':
        return matches(tree[1], log, index) and matches(tree[2], log, index)
    if kind == 'or':
        return matches(tree[1], log, index) or matches(tree[2], log, index)
    if kind == 'not':
        return not matches(tree[1], log, index)
    if kind == 'field':
        key, value, quoted = tree[1], tree[2], tree[3]
        config = (index.get('keys') or {}).get(key)
        if config is None:  # the index version that covers this log has no such field index
            return False
        present = [n for n, (k, _) in enumerate(log['contents']) if k == key]
        if value == '*' and not quoted:
            return bool(present)
        delimiters, case = config.get('token') or [], bool(config.get('caseSensitive'))
        return any(_term_matches(value, quoted, _log_tokens(log, n, delimiters, case), delimiters, case)
                   for n in present)
    line = index.get('line')
    if not line:
        return False
    delimiters, case = line.get('token') or [], bool(line.get('caseSensitive'))
    return any(_term_matches(tree[1], tree[2], _log_tokens(log, n, delimiters, case), delimiters, case)
               for n in range(len(log['contents'])))
