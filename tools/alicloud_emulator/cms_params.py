"""Request parameters of the emulated CloudMonitor actions: the refusal they raise, parsing of the flattened
RPC parameters [T1] (`Prefix.N`, `Prefix.N.Field`), paging, and the enumerations the rules accept [C1][D23]."""

OPERATORS = ('GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanOrEqualToThreshold',
             'LessThanThreshold', 'NotEqualToThreshold', 'EqualToThreshold')
STATISTICS = ('Average', 'Maximum', 'Minimum')
NO_DATA_POLICIES = ('KEEP_LAST_STATE', 'INSUFFICIENT_DATA', 'OK')


class Refused(Exception):
    def __init__(self, message, code='400'):
        Exception.__init__(self, message)
        self.code = code
        self.message = message


def required(params, name):
    value = params.get(name)
    if value is None or value == '':
        raise Refused('The parameter %s is required.' % name)
    return value


def integer(params, name, default=None, low=None):
    value = params.get(name)
    if value is None or value == '':
        if default is None:
            raise Refused('The parameter %s is required.' % name)
        return default
    try:
        number = int(value)
    except ValueError:
        raise Refused('The parameter %s must be an integer, got %r.' % (name, value))
    if low is not None and number < low:
        raise Refused('The parameter %s must be at least %d, got %d.' % (name, low, number))
    return number


def boolean(value, default):
    if value is None or value == '':
        return default
    return str(value).lower() == 'true'


def numbered(params, prefix, fields=None):
    """`prefix.N` values (fields None) or `prefix.N.field` dicts, ordered by N [T1]."""
    found = {}
    for key, value in params.items():
        if not key.startswith(prefix + '.'):
            continue
        parts = key[len(prefix) + 1:].split('.', 1)
        if not parts[0].isdigit():
            continue
        index = int(parts[0])
        if fields is None and len(parts) == 1:
            found[index] = value
        elif fields is not None and len(parts) == 2:
            found.setdefault(index, {})[parts[1]] = value
    return [found[i] for i in sorted(found)]


def paged(items, params, page_name='PageNumber', default_size=30):
    number = integer(params, page_name, 1, 1)
    size = integer(params, 'PageSize', default_size, 1)
    return items[(number - 1) * size:number * size], number, size
