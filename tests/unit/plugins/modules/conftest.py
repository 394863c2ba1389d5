"""Every module test runs with the host's system trees guarded (tests/support/host_guard.py), in a working directory
of its own: a module (or a mutant of `make mutation`) that writes or removes relative to its working directory, or
runs a command there, touches only that temporary directory, never the checkout the tests run from."""
import pytest

from tests.support.host_guard import guard_host


@pytest.fixture(autouse=True)
def host_left_alone(monkeypatch, tmp_path_factory):
    guard_host(monkeypatch)
    monkeypatch.chdir(str(tmp_path_factory.mktemp('cwd')))
