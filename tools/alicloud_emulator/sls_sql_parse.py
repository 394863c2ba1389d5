"""The analytic half of a Log Service query (what follows `|`): a small SQL subset parsed into tuples.

Subset: SELECT items with aliases (`expr [AS] name`), optional `FROM log`, WHERE, GROUP BY (expressions, select
aliases, 1-based ordinals), HAVING, ORDER BY ... ASC|DESC, LIMIT n / LIMIT offset, n (bounds of [D4]); expressions:
'strings', numbers, NULL/TRUE/FALSE, names and "double-quoted names" ("__tag__:__hostname__"), function calls (with
DISTINCT or *), CAST(x AS type), current_timestamp, + - * / %, = <> != < <= > >=, [NOT] IN (...), [NOT] LIKE, IS
[NOT] NULL, [NOT] BETWEEN, AND / OR / NOT. Statements are case-insensitive [D1]. Syntax errors name the position as
the service's do: "line 1:COL: ..." [D2] (COL counts within the SQL text: whether the service counts from the start
of the whole query is unconfirmed). Sources [D1]-[D4]: SLS.md.
Nodes: ('lit', v) ('col', name, column) ('call', name, args, distinct, column) ('star',) ('cast', x, type) ('neg', x)
('bin', op, l, r) ('and'|'or', l, r) ('not', x) ('in', x, items, negated) ('like', x, pattern, negated)
('isnull', x, negated) ('between', x, low, high, negated).
"""
import re

from .sls_query import query_error

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+\.\d*|\.\d+|\d+)|'(?P<str>(?:[^']|'')*)'|\"(?P<qid>(?:[^\"]|\"\")*)\""
                    r"|(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<op><=|>=|<>|!=|[-+*/%=<>(),]))")
KEYWORDS = {'select', 'from', 'where', 'group', 'by', 'having', 'order', 'limit', 'as', 'and', 'or', 'not', 'in',
            'like', 'is', 'null', 'true', 'false', 'asc', 'desc', 'distinct', 'cast', 'between', 'current_timestamp'}
TYPES = {'bigint': 'bigint', 'integer': 'bigint', 'int': 'bigint', 'double': 'double', 'real': 'double',
         'varchar': 'varchar', 'boolean': 'boolean'}
COMPARISONS = ('=', '<>', '!=', '<', '<=', '>', '>=')


def tokenize(sql):
    """-> [(kind, value, column)]; kinds num str id kw op end. column is 1-based within the SQL text."""
    out, pos, sql = [], 0, sql.rstrip()
    while pos < len(sql):
        match = _TOKEN.match(sql, pos)
        if not match:
            col = pos + len(sql[pos:]) - len(sql[pos:].lstrip()) + 1
            raise query_error("line 1:%d: syntax error at %r" % (col, sql[col - 1]))
        kind = match.lastgroup
        value = match.group(kind)
        column = match.start(kind) + (0 if kind in ('str', 'qid') else 1)  # quoted: the opening quote
        if kind == 'str':
            value = value.replace("''", "'")
        elif kind == 'qid':
            kind, value = 'id', value.replace('""', '"')
            column = -column  # quoted: never a keyword
        elif kind == 'id' and value.lower() in KEYWORDS:
            kind, value = 'kw', value.lower()
        out.append((kind, value, abs(column)))
        pos = match.end()
    out.append(('end', None, len(sql) + 1))
    return out


class _Parser(object):
    def __init__(self, tokens):
        self.tokens, self.pos = tokens, 0

    def peek(self, kind=None, value=None):
        tok = self.tokens[self.pos]
        return (kind is None or tok[0] == kind) and (value is None or tok[1] == value)

    def accept(self, kind, value=None):
        if self.peek(kind, value):
            self.pos += 1
            return self.tokens[self.pos - 1]
        return None

    def expect(self, kind, value=None):
        tok = self.accept(kind, value)
        if tok is None:
            got = self.tokens[self.pos]
            raise query_error("line 1:%d: mismatched input '%s'. Expecting: %s"
                              % (got[2], '<EOF>' if got[0] == 'end' else got[1], value or kind))
        return tok

    def statement(self):
        self.expect('kw', 'select')
        items = [self.select_item()]
        while self.accept('op', ','):
            items.append(self.select_item())
        stmt = {'items': items, 'where': None, 'group': [], 'having': None, 'order': [], 'limit': None,
                'offset': 0}
        if self.accept('kw', 'from'):
            self.expect('id')
        if self.accept('kw', 'where'):
            stmt['where'] = self.expr()
        if self.accept('kw', 'group'):
            self.expect('kw', 'by')
            stmt['group'] = self.expr_list()
        if self.accept('kw', 'having'):
            stmt['having'] = self.expr()
        if self.accept('kw', 'order'):
            self.expect('kw', 'by')
            while True:
                node = self.expr()
                desc = bool(self.accept('kw', 'desc')) or (self.accept('kw', 'asc') and False)
                stmt['order'].append((node, desc))
                if not self.accept('op', ','):
                    break
        if self.accept('kw', 'limit'):
            column = self.tokens[self.pos][2]
            first = self.count()
            if self.accept('op', ','):
                stmt['offset'], first = first, self.count()
            # LIMIT x: x in [0, 1000000]; LIMIT y, x: x in [0, 10000], x + y at most 1000000 [D4]
            if first > (10000 if self.tokens[self.pos - 2][1] == ',' else 1000000) or first + stmt['offset'] > 1000000:
                raise query_error('line 1:%d: LIMIT out of range: at most 1000000 rows (LIMIT x), 10000 rows after an '
                                  'offset (LIMIT y, x), offset plus rows at most 1000000' % column)
            stmt['limit'] = first
        self.expect('end')
        return stmt

    def count(self):
        tok = self.expect('num')
        if '.' in tok[1]:
            raise query_error("line 1:%d: LIMIT takes a whole number: %s" % (tok[2], tok[1]))
        return int(tok[1])

    def select_item(self):
        if self.accept('op', '*'):
            raise query_error("line 1:%d: SELECT * is not supported by the emulator" % self.tokens[self.pos - 1][2])
        node = self.expr()
        alias = None
        if self.accept('kw', 'as'):
            alias = self.expect('id')[1]
        elif self.peek('id'):
            alias = self.accept('id')[1]
        return node, alias

    def expr_list(self):
        out = [self.expr()]
        while self.accept('op', ','):
            out.append(self.expr())
        return out

    def expr(self):
        node = self.and_()
        while self.accept('kw', 'or'):
            node = ('or', node, self.and_())
        return node

    def and_(self):
        node = self.not_()
        while self.accept('kw', 'and'):
            node = ('and', node, self.not_())
        return node

    def not_(self):
        if self.accept('kw', 'not'):
            return ('not', self.not_())
        return self.predicate()

    def predicate(self):
        node = self.additive()
        for op in COMPARISONS:
            if self.accept('op', op):
                return ('bin', '<>' if op == '!=' else op, node, self.additive())
        if self.accept('kw', 'is'):
            negated = bool(self.accept('kw', 'not'))
            self.expect('kw', 'null')
            return ('isnull', node, negated)
        negated = bool(self.accept('kw', 'not'))
        if self.accept('kw', 'in'):
            self.expect('op', '(')
            items = self.expr_list()
            self.expect('op', ')')
            return ('in', node, items, negated)
        if self.accept('kw', 'like'):
            return ('like', node, self.additive(), negated)
        if self.accept('kw', 'between'):
            low = self.additive()
            self.expect('kw', 'and')
            return ('between', node, low, self.additive(), negated)
        if negated:
            self.expect('kw', 'in')
        return node

    def additive(self):
        node = self.multiplicative()
        while self.peek('op', '+') or self.peek('op', '-'):
            op = self.accept('op')[1]
            node = ('bin', op, node, self.multiplicative())
        return node

    def multiplicative(self):
        node = self.unary()
        while self.peek('op', '*') or self.peek('op', '/') or self.peek('op', '%'):
            op = self.accept('op')[1]
            node = ('bin', op, node, self.unary())
        return node

    def unary(self):
        if self.accept('op', '-'):
            return ('neg', self.unary())
        return self.primary()

    def primary(self):
        tok = self.tokens[self.pos]
        if self.accept('num'):
            return ('lit', float(tok[1]) if '.' in tok[1] else int(tok[1]))
        if self.accept('str'):
            return ('lit', tok[1])
        if self.accept('op', '('):
            node = self.expr()
            self.expect('op', ')')
            return node
        for word, value in (('null', None), ('true', True), ('false', False)):
            if self.accept('kw', word):
                return ('lit', value)
        if self.accept('kw', 'current_timestamp'):
            return ('call', 'now', [], False, tok[2])
        if self.accept('kw', 'cast'):
            self.expect('op', '(')
            node = self.expr()
            self.expect('kw', 'as')
            type_tok = self.expect('id')
            if type_tok[1].lower() not in TYPES:
                raise query_error("line 1:%d: Unknown type: %s" % (type_tok[2], type_tok[1]))
            self.expect('op', ')')
            return ('cast', node, TYPES[type_tok[1].lower()])
        if self.accept('id'):
            if self.accept('op', '('):
                distinct = bool(self.accept('kw', 'distinct'))
                if self.accept('op', '*'):
                    args = [('star',)]
                elif self.peek('op', ')'):
                    args = []
                else:
                    args = self.expr_list()
                self.expect('op', ')')
                return ('call', tok[1].lower(), args, distinct, tok[2])
            return ('col', tok[1], tok[2])
        raise query_error("line 1:%d: mismatched input '%s'. Expecting: an expression"
                          % (tok[2], '<EOF>' if tok[0] == 'end' else tok[1]))


def parse_sql(sql):
    """SQL text -> statement dict {items: [(node, alias)], where, group: [node], having, order: [(node, desc)],
    limit (None: the default), offset}."""
    return _Parser(tokenize(sql)).statement()
