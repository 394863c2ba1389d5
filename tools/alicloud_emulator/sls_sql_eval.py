"""Runs a parsed analytic statement (sls_sql_parse) over the logs a search found; answers the rows GetLogs returns.

- Columns: `__time__` always (bigint); any other name needs a field index with analytics on (`doc_value` true) in
  the logstore's index, tags included ("__tag__:__hostname__"), else 400 ParameterInvalid "line 1:COL: Column 'x'
  cannot be resolved;please add the column in the index attribute", the service's text [D2]. Types follow the
  index: long -> bigint, double -> double, text/json -> varchar. SELECT aliases and 1-based ordinals may be used in
  GROUP BY, HAVING and ORDER BY. With GROUP BY (or aggregates) a column outside an aggregate must be grouped:
  "Column 'x' not in GROUP BY clause" [D2].
- Results: every value a string, null as "null" [D3]; columns named by alias, bare columns by their name, other
  items `_col<N>` (Presto's naming; unconfirmed for SLS). Without LIMIT at most 100 rows [D4]. Aggregates over an
  empty window without GROUP BY give one row (count "0", others "null"); with GROUP BY, no rows.
- Timestamps (now(), current_timestamp, from_unixtime) print as "YYYY-MM-DD HH:MM:SS.mmm" in UTC (the service uses
  the project's time zone: unconfirmed, the emulator has none). now() is the LogData clock.
"""
import functools
import re

from .sls_query import query_error
from .sls_sql_values import ARITY, SCALARS, Ts, binary, cast, compare, compare_keys, text

DEFAULT_LIMIT = 100
AGGREGATES = ('count', 'sum', 'avg', 'min', 'max', 'approx_distinct', 'arbitrary')
INDEX_TYPES = {'long': int, 'double': float}


def shape(node):
    """The node without source positions: equal shapes are the same expression."""
    kind = node[0]
    if kind == 'col':
        return ('col', node[1])
    if kind == 'call':
        return ('call', node[1], tuple(shape(a) for a in node[2]), node[3])
    return tuple(tuple(shape(x) for x in part) if isinstance(part, list) else
                 shape(part) if isinstance(part, tuple) else part for part in node)


def _children(node):
    for part in node[1:]:
        if isinstance(part, tuple):
            yield part
        elif isinstance(part, list):
            for item in part:
                yield item


class Statement(object):
    """A parsed statement checked against a logstore's index."""

    def __init__(self, stmt, index):
        self.stmt, self.keys = stmt, index.get('keys') or {}
        self.aliases = {alias: n for n, (_, alias) in enumerate(stmt['items']) if alias}
        self.check(stmt['where'], aliases=False)
        for node, _ in stmt['items']:
            self.check(node, aliases=False)
        self.group = [self.resolve(node) for node in stmt['group']]
        self.having = self.resolve(stmt['having']) if stmt['having'] is not None else None
        self.order = [(self.order_key(node), desc) for node, desc in stmt['order']]
        self.aggregate = bool(self.group) or any(self.has_aggregate(n) for n in self.all_output_nodes())
        if self.aggregate:
            keys = set(shape(n) for n in self.group)
            for node in self.all_output_nodes():
                self.check_grouped(node, keys)

    def all_output_nodes(self):
        nodes = [node for node, _ in self.stmt['items']] + [k for k, _ in self.order if k[0] != 'item']
        return nodes + ([self.having] if self.having is not None else [])

    def is_column(self, name):
        return name == '__time__' or bool((self.keys.get(name) or {}).get('doc_value'))

    def check(self, node, aliases):
        if node is None:
            return
        if node[0] == 'col' and not self.is_column(node[1]) and not (aliases and node[1] in self.aliases):
            raise query_error("line 1:%d: Column '%s' cannot be resolved;please add the column in the index "
                              "attribute" % (node[2], node[1]))
        if node[0] == 'call':
            self.check_call(node)
        for child in _children(node):
            self.check(child, aliases)

    def check_call(self, node):
        name = node[1]
        if name not in AGGREGATES and name not in SCALARS and name != 'now':
            raise query_error("line 1:%d: Function '%s' not registered" % (node[4], name))
        low, high = ARITY.get(name, (0, 1) if name == 'count' else (1, 1))
        if not low <= len(node[2]) <= high or (node[2] and node[2][0] == ('star',) and name != 'count'):
            raise query_error("line 1:%d: Unexpected parameters for function %s" % (node[4], name))
        if name in AGGREGATES and any(self.has_aggregate(a) for a in node[2]):
            raise query_error("line 1:%d: Cannot nest aggregations inside aggregation '%s'" % (node[4], name))

    def resolve(self, node):
        """GROUP BY / HAVING / ORDER BY: an ordinal or a select alias (that is not a column) stands for the select
        item; anything else is checked like a select item."""
        if node[0] == 'lit' and isinstance(node[1], int) and not isinstance(node[1], bool):
            if not 1 <= node[1] <= len(self.stmt['items']):
                raise query_error('position %d is not in the select list' % node[1])
            return self.stmt['items'][node[1] - 1][0]
        if node[0] == 'col':
            if not self.is_column(node[1]) and node[1] in self.aliases:
                return self.stmt['items'][self.aliases[node[1]]][0]
            self.check(node, aliases=False)
            return node
        if node[0] == 'star':
            return node
        out = tuple([self._resolve_part(p) for p in node])
        if out[0] == 'call':
            self.check_call(out)
        return out

    def _resolve_part(self, part):
        if isinstance(part, tuple):
            return self.resolve(part) if part[0] != 'lit' else part
        if isinstance(part, list):
            return [self.resolve(x) if x[0] != 'lit' else x for x in part]
        return part

    def order_key(self, node):
        if node[0] == 'lit' and isinstance(node[1], int) and not isinstance(node[1], bool):
            if not 1 <= node[1] <= len(self.stmt['items']):
                raise query_error('ORDER BY position %d is not in select list' % node[1])
            return ('item', node[1] - 1)
        if node[0] == 'col' and node[1] in self.aliases:
            return ('item', self.aliases[node[1]])
        return self.resolve(node)

    @staticmethod
    def has_aggregate(node):
        if node[0] == 'call' and node[1] in AGGREGATES:
            return True
        return any(Statement.has_aggregate(c) for c in _children(node))

    def check_grouped(self, node, keys):
        if shape(node) in keys or (node[0] == 'call' and node[1] in AGGREGATES):
            return
        if node[0] == 'col':
            raise query_error("line 1:%d: Column '%s' not in GROUP BY clause" % (node[2], node[1]))
        for child in _children(node):
            self.check_grouped(child, keys)


def run(stmt, logs, index, now):
    """Result rows (dicts of strings) of a parsed statement over `logs` (oldest first)."""
    plan = Statement(stmt, index)
    evaluator = _Eval(plan, now)
    rows = [log for log in logs if stmt['where'] is None or evaluator.value(stmt['where'], log) is True]
    if plan.aggregate:
        groups = {}
        for log in rows:
            groups.setdefault(tuple(_hashable(evaluator.value(n, log)) for n in plan.group), []).append(log)
        if not plan.group:
            groups = {(): rows}
        contexts = [_Group(plan.group, key, members) for key, members in groups.items()]
    else:
        contexts = rows
    out = []
    for ctx in contexts:
        if plan.having is not None and evaluator.value(plan.having, ctx) is not True:
            continue
        values = [evaluator.value(node, ctx) for node, _ in stmt['items']]
        order = [values[k[1]] if k[0] == 'item' else evaluator.value(k, ctx) for k, _ in plan.order]
        out.append((order, values))
    if plan.order:
        out.sort(key=functools.cmp_to_key(lambda a, b: compare_keys(a[0], b[0], plan.order)))
    limit = DEFAULT_LIMIT if stmt['limit'] is None else stmt['limit']
    names = [alias or (node[1] if node[0] == 'col' else '_col%d' % n) for n, (node, alias) in enumerate(stmt['items'])]
    return [dict(zip(names, [text(v) for v in values])) for _, values in out[stmt['offset']:stmt['offset'] + limit]]


def _hashable(value):
    return ('v', type(value).__name__ == 'Ts', value)


class _Group(object):
    def __init__(self, nodes, key, logs):
        self.keys = {shape(n): k[2] for n, k in zip(nodes, key)}
        self.logs = logs


class _Eval(object):
    def __init__(self, plan, now):
        self.plan, self.now = plan, now

    def column(self, name, log):
        if name == '__time__':
            return int(log['time'])
        special = {'__source__': log.get('source'), '__topic__': log.get('topic')}
        if name in special:
            return special[name]
        value = next((v for k, v in list(log['contents']) + list(log['tags']) if k == name), None)
        convert = INDEX_TYPES.get((self.plan.keys.get(name) or {}).get('type'))
        if value is not None and convert:
            try:
                return convert(value)
            except ValueError:
                return None
        return value

    def value(self, node, ctx):
        kind = node[0]
        if isinstance(ctx, _Group):
            key = shape(node)
            if key in ctx.keys:
                return ctx.keys[key]
            if kind == 'call' and node[1] in AGGREGATES:
                return self.aggregate(node, ctx.logs)
        if kind == 'lit':
            return node[1]
        if kind == 'col':
            return self.column(node[1], ctx)
        if kind == 'call':
            args = [self.value(a, ctx) for a in node[2]]
            return Ts(self.now) if node[1] == 'now' else SCALARS[node[1]](args)
        if kind == 'cast':
            return cast(self.value(node[1], ctx), node[2])
        if kind == 'neg':
            v = self.value(node[1], ctx)
            return None if v is None else -v
        if kind in ('and', 'or'):
            left, right = self.value(node[1], ctx), self.value(node[2], ctx)
            if kind == 'and':
                return False if False in (left, right) else None if None in (left, right) else True
            return True if True in (left, right) else None if None in (left, right) else False
        if kind == 'not':
            v = self.value(node[1], ctx)
            return None if v is None else not v
        if kind == 'isnull':
            return (self.value(node[1], ctx) is None) != node[2]
        if kind == 'bin':
            return binary(node[1], self.value(node[2], ctx), self.value(node[3], ctx))
        v = self.value(node[1], ctx)
        if kind == 'in':
            items = [self.value(i, ctx) for i in node[2]]
            return None if v is None else any(i is not None and compare(v, i) == 0 for i in items) != node[3]
        if kind == 'like':
            pattern = self.value(node[2], ctx)
            if v is None or pattern is None:
                return None
            regex = ''.join('.*' if c == '%' else '.' if c == '_' else re.escape(c) for c in pattern)
            return bool(re.match('(?s)' + regex + r'\Z', str(v))) != node[3]
        if kind == 'between':
            low, high = self.value(node[2], ctx), self.value(node[3], ctx)
            if None in (v, low, high):
                return None
            return (compare(v, low) >= 0 and compare(v, high) <= 0) != node[4]
        raise query_error('unsupported expression %r' % (kind,))

    def aggregate(self, node, logs):
        name, args, distinct = node[1], node[2], node[3]
        if args and args[0] == ('star',):
            return len(logs)
        values = [self.value(args[0], log) for log in logs] if args else []
        values = [v for v in values if v is not None]
        if distinct or name == 'approx_distinct':
            values = list(dict.fromkeys(values))
        if name in ('count', 'approx_distinct'):
            return len(values)
        if not values:
            return None
        if name in ('sum', 'avg') and any(isinstance(v, str) for v in values):
            raise query_error("Unexpected parameters (varchar) for function %s" % name)
        if name == 'sum':
            return sum(values)
        if name == 'avg':
            return float(sum(values)) / len(values)
        if name == 'arbitrary':
            return values[0]
        pick = functools.reduce(lambda a, b: a if (compare(a, b) <= 0) == (name == 'min') else b, values)
        return pick
