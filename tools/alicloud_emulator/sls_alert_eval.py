"""The evaluate expressions of SLS alert conditions [D7], and condition / group evaluation over result rows
[D6][D8][D12]. Source tags: ALERTS.md.

Expression language [D7]: variables are result columns (`cnt`, `silent_s`; `__count__` in a countCondition);
other names go in brackets (`[5xx%] > 20`). Numbers are float64; strings are "double" or 'single' quoted.
Operators: arithmetic `+ - * / %`, comparisons `> >= < <= == !=`, logical `&& || !`, parentheses. A negative
literal must be in parentheses (`x > (-1)`) [D7]. Reserved words/characters: `true`, `false`, `$`, `.` [D7].
1-128 characters [D7]. Unconfirmed, stricter here: a column missing from a row, arithmetic on a non-number,
division by zero, or a string compared with a number make the expression false for that row.
"""
import re

MAX_LENGTH = 128
MAX_ROWS = 100      # only the first 100 rows are checked [D12]
MAX_GROUPS = 100    # at most 100 groups per run [D8] (the emulator keeps the first 100, the service drops at random)
TOKEN = re.compile(r'\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)'
                   r'|\[(?P<bracket>[^\]]+)\]|"(?P<dq>[^"]*)"|\'(?P<sq>[^\']*)\''
                   r'|(?P<op>&&|\|\||>=|<=|==|!=|[-+*/%<>!()]))')
RESERVED = ('true', 'false')
COMPARE = {'>': lambda a, b: a > b, '>=': lambda a, b: a >= b, '<': lambda a, b: a < b,
           '<=': lambda a, b: a <= b, '==': lambda a, b: a == b, '!=': lambda a, b: a != b}


class ExpressionError(ValueError):
    """The expression does not parse (a create/update with it answers 400)."""


class Unknown(Exception):
    """Evaluation cannot decide for this row (missing column, type clash): the row does not match."""


def tokenize(text):
    if not isinstance(text, str) or not 1 <= len(text) <= MAX_LENGTH:
        raise ExpressionError('an expression has 1-%d characters' % MAX_LENGTH)
    tokens, pos, text = [], 0, text.rstrip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExpressionError('unexpected character at %d: %r' % (pos, text[pos:pos + 10]))
        pos = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == 'name' and value in RESERVED:
            raise ExpressionError('%s is a reserved word' % value)
        if kind in ('dq', 'sq'):
            kind = 'str'
        elif kind == 'bracket':
            kind = 'name'
        tokens.append((kind, value))
    return tokens


class _Parser(object):
    """Precedence, loosest first: || ; && ; comparison ; + - ; * / % ; ! and parenthesised negatives."""

    def __init__(self, tokens):
        self.tokens, self.pos = tokens, 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self, op=None):
        token = self.peek()
        if op is not None and token != ('op', op):
            raise ExpressionError('expected %s, found %r' % (op, token[1]))
        self.pos += 1
        return token

    def binary(self, ops, lower):
        node = lower()
        while self.peek()[0] == 'op' and self.peek()[1] in ops:
            node = ('bin', self.take()[1], node, lower())
        return node

    def parse_or(self):
        return self.binary(('||',), self.parse_and)

    def parse_and(self):
        return self.binary(('&&',), self.parse_cmp)

    def parse_cmp(self):
        node = self.parse_add()
        if self.peek()[0] == 'op' and self.peek()[1] in COMPARE:
            node = ('cmp', self.take()[1], node, self.parse_add())
            if self.peek()[0] == 'op' and self.peek()[1] in COMPARE:
                raise ExpressionError('comparisons do not chain; use &&')
        return node

    def parse_add(self):
        return self.binary(('+', '-'), self.parse_mul)

    def parse_mul(self):
        return self.binary(('*', '/', '%'), self.parse_unary)

    def parse_unary(self):
        if self.peek() == ('op', '!'):
            self.take()
            return ('not', self.parse_unary())
        if self.peek() == ('op', '-'):
            # [D7]: negative numbers only inside parentheses, e.g. (-1)
            previous = self.tokens[self.pos - 1] if self.pos else None
            if previous != ('op', '('):
                raise ExpressionError('a negative number must be in parentheses, e.g. (-1)')
            self.take()
            return ('neg', self.parse_unary())
        return self.parse_primary()

    def parse_primary(self):
        kind, value = self.take()
        if kind == 'num':
            return ('lit', float(value))
        if kind == 'str':
            return ('lit', value)
        if kind == 'name':
            return ('var', value)
        if (kind, value) == ('op', '('):
            node = self.parse_or()
            self.take(')')
            return node
        raise ExpressionError('unexpected %r' % (value if kind else 'end of expression'))


def parse_expression(text):
    """Text -> tree; raises ExpressionError."""
    parser = _Parser(tokenize(text))
    tree = parser.parse_or()
    if parser.pos != len(parser.tokens):
        raise ExpressionError('unexpected %r' % (parser.peek()[1],))
    return tree


def _number(value):
    if isinstance(value, float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Unknown()


def _value(node, row):
    kind = node[0]
    if kind == 'lit':
        return node[1]
    if kind == 'var':
        if node[1] not in row or row[node[1]] is None:
            raise Unknown()
        return row[node[1]]
    if kind == 'neg':
        return -_number(_value(node[1], row))
    if kind == 'not':
        return not _truth(node[1], row)
    if kind == 'cmp':
        left, right = _value(node[2], row), _value(node[3], row)
        if isinstance(left, bool) or isinstance(right, bool):
            raise Unknown()
        try:
            left, right = float(left), float(right)   # numbers (and numeric columns) compare as float64 [D7]
        except (TypeError, ValueError):
            if not (isinstance(left, str) and isinstance(right, str)):
                raise Unknown()
        return COMPARE[node[1]](left, right)
    op = node[1]
    if op in ('&&', '||'):
        left = _truth(node[2], row)
        if op == '&&':
            return left and _truth(node[3], row)
        return left or _truth(node[3], row)
    left, right = _number(_value(node[2], row)), _number(_value(node[3], row))
    if op in ('/', '%') and right == 0:
        raise Unknown()
    return {'+': left + right, '-': left - right, '*': left * right,
            '/': left / right if right else 0, '%': left % right if right else 0}[op]


def _truth(node, row):
    value = _value(node, row)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0
    raise Unknown()


def evaluate(tree_or_text, row):
    """True when the expression holds for `row` (a dict of column -> string or number)."""
    tree = parse_expression(tree_or_text) if isinstance(tree_or_text, str) else tree_or_text
    try:
        return _truth(tree, row)
    except Unknown:
        return False


def match_severity(rows, severity_configurations):
    """First severity entry, in order, whose condition / countCondition the rows meet [D6] (order: inferred):
    (severity, matching rows) or (None, []). `condition` empty = every row matches; `countCondition` is tested
    with `__count__` = the number of matching rows, and when empty needs at least one [D6]."""
    rows = rows[:MAX_ROWS]
    for entry in severity_configurations:
        cond = entry.get('evalCondition') or {}
        condition, count_condition = cond.get('condition') or '', cond.get('countCondition') or ''
        matched = [r for r in rows if evaluate(condition, r)] if condition else list(rows)
        if count_condition:
            if evaluate(count_condition, {'__count__': float(len(matched))}):
                return entry['severity'], matched
        elif matched:
            return entry['severity'], matched
    return None, []


def group_rows(rows, group_configuration):
    """{group key (tuple of (field, value)): rows} [D8]: no_group = one group keyed (); custom = by the fields'
    values (a missing field groups as ''); at most MAX_GROUPS groups, first seen kept."""
    conf = group_configuration or {}
    if conf.get('type') != 'custom':
        return {(): list(rows)}
    fields = conf.get('fields') or []
    groups = {}
    for row in rows:
        key = tuple((f, str(row.get(f, ''))) for f in fields)
        if key not in groups and len(groups) >= MAX_GROUPS:
            continue
        groups.setdefault(key, []).append(row)
    return groups


def group_label(key):
    """A group key as text: 'host=web-1,app=x', or '' for no_group."""
    return ','.join('%s=%s' % pair for pair in key)


PLACEHOLDER = re.compile(r'\$\{([^}]+)\}')


def render(template, row, group_key=()):
    """`${field}` from the row (then the group's fields); unknown names stay as written [G2][D10]."""
    values = dict(group_key)
    values.update({k: str(v) for k, v in (row or {}).items()})
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template or '')
