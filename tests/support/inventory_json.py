"""Reading `ansible-inventory --list` output in tests and benchmarks."""


def plain(value):
    """ansible-inventory marks API strings as unsafe ({"__ansible_unsafe": s}): they are never templated.
    Unwrap them so listings compare as plain data."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
