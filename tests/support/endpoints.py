"""Loopback endpoints that fail the way real ones do: one that refuses, one that never answers."""
import contextlib
import socket

import pytest


def refused_port():
    """A port nothing listens on (bound, then let go): connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def refused_url():
    return 'http://127.0.0.1:%d' % refused_port()


@contextlib.contextmanager
def silent_endpoint():
    """Listens (the kernel completes the handshake) and never answers, until the block ends."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        sock.listen(16)
        yield 'http://127.0.0.1:%d' % sock.getsockname()[1]


@pytest.fixture
def silent_url():
    """silent_endpoint() as a fixture: the URL of an endpoint that accepts connections and never answers."""
    with silent_endpoint() as url:
        yield url
