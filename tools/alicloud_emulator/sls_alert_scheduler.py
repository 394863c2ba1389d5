"""Placeholder: the alert scheduler (filled in with the evaluation step)."""
import re

from .sls_signing import SlsError

CRON_FIELD = re.compile(r'^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$')
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))


def _cron_values(field, low, high):
    values = set()
    for part in field.split(','):
        base, _, step = part.partition('/')
        step = int(step) if step else 1
        if base == '*':
            start, end = low, high
        elif '-' in base:
            start, end = (int(x) for x in base.split('-'))
        else:
            start = end = int(base)
            if step > 1:
                end = high
        if not low <= start <= end <= high or step < 1:
            raise ValueError(part)
        values.update(range(start, end + 1, step))
    return frozenset(values)


def parse_cron(expression):
    """'m h dom mon dow' (minute precision [D1]) -> five frozensets; 400 ParameterInvalid otherwise."""
    fields = expression.split() if isinstance(expression, str) else []
    try:
        if len(fields) != 5 or not all(CRON_FIELD.match(f) for f in fields):
            raise ValueError(expression)
        return tuple(_cron_values(f, lo, hi) for f, (lo, hi) in zip(fields, CRON_RANGES))
    except ValueError:
        raise SlsError(400, 'ParameterInvalid',
                       'schedule.cronExpression must be a 5-field cron expression: %r' % (expression,))
