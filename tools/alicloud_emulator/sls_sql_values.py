"""Values of the emulator's SQL subset (sls_sql_eval): timestamps, the service's string form of results, scalar
functions, comparison, arithmetic and casts with Presto's rules (the engine behind SLS SQL [D1])."""
import math
import time

from .sls_query import query_error


class Ts(float):
    """A timestamp (epoch seconds)."""


SCALARS = {
    'to_unixtime': lambda a: None if a[0] is None else float(a[0]),
    'from_unixtime': lambda a: None if a[0] is None else Ts(a[0]),
    'lower': lambda a: None if a[0] is None else str(a[0]).lower(),
    'upper': lambda a: None if a[0] is None else str(a[0]).upper(),
    'length': lambda a: None if a[0] is None else len(str(a[0])),
    'abs': lambda a: None if a[0] is None else abs(a[0]),
    'floor': lambda a: None if a[0] is None else int(math.floor(a[0])),
    'round': lambda a: None if a[0] is None else round_half_away(a[0]),
    'coalesce': lambda a: next((v for v in a if v is not None), None),
}
ARITY = {'now': (0, 0), 'coalesce': (1, 99)}


def round_half_away(value):
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def text(value):
    """A result value as the service sends it: a string, null as "null"."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, Ts):
        return time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(value)) + '.%03d' % int(round(value % 1 * 1000) % 1000)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def compare_keys(a, b, order):
    for x, y, (_, desc) in zip(a, b, order):
        if x is None or y is None:  # nulls last, either direction (Presto)
            if x is None and y is None:
                continue
            return 1 if x is None else -1
        diff = compare(x, y)
        if diff:
            return -diff if desc else diff
    return 0


def compare(a, b):
    if isinstance(a, str) != isinstance(b, str):
        raise query_error("Cannot apply operator: %s vs %s" % (type_name(a), type_name(b)))
    return (a > b) - (a < b)


def type_name(value):
    return 'varchar' if isinstance(value, str) else 'double' if isinstance(value, float) else 'bigint'


def binary(op, a, b):
    if a is None or b is None:
        return None
    if op in ('=', '<>', '<', '<=', '>', '>='):
        diff = compare(a, b)
        return {'=': diff == 0, '<>': diff != 0, '<': diff < 0, '<=': diff <= 0, '>': diff > 0, '>=': diff >= 0}[op]
    if isinstance(a, str) or isinstance(b, str):
        raise query_error("Cannot apply operator: %s %s %s" % (type_name(a), op, type_name(b)))
    if op == '+':
        return a + b
    if op == '-':
        return a - b
    if op == '*':
        return a * b
    if b == 0:
        raise query_error('Division by zero')
    if isinstance(a, int) and isinstance(b, int) and not isinstance(a, Ts) and not isinstance(b, Ts):
        quotient = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)  # truncates toward zero (Presto)
        return quotient if op == '/' else a - quotient * b
    return float(a) / b if op == '/' else math.fmod(a, b)


def cast(value, type_):
    if value is None:
        return None
    try:
        if type_ == 'bigint':
            return round_half_away(value) if isinstance(value, float) else int(value)
        if type_ == 'double':
            return float(value)
        if type_ == 'boolean':
            return value if isinstance(value, bool) else str(value).lower() == 'true'
    except ValueError:
        raise query_error("Cannot cast '%s' to %s" % (value, type_.upper()))
    return text(value)
