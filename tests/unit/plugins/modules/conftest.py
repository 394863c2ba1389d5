"""Every module test runs with the host's system trees guarded (tests/support/host_guard.py)."""
import pytest

from tests.support.host_guard import guard_host


@pytest.fixture(autouse=True)
def host_left_alone(monkeypatch):
    guard_host(monkeypatch)
