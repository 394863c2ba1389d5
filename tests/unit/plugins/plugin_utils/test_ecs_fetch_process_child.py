"""ecs_fetch_process's child side (child_main), run in this process so that a mutation run sees it (the real child
is a fresh interpreter: test_ecs_fetch_process.py). Its process-level calls are the harness's: file descriptors,
os._exit, the SIGINT handler and gc; the frames it writes are read back with read_frame."""
import io
import threading
import types

import pytest

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_fetch_process, ecs_inventory, ecs_sdk
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_fetch_process import read_frame, write_frame
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_inventory import (
    FETCH_OPTIONS, InventorySourceError)


class Exited(BaseException):
    def __init__(self, code):
        super(Exited, self).__init__(code)
        self.code = code


class HeldStdin(object):
    """The child's stdin: the frames given, then a read that blocks until release() (the parent letting go)."""

    def __init__(self, data):
        self._data, self._released = io.BytesIO(data), threading.Event()

    def read(self, size=-1):
        chunk = self._data.read(size)
        if chunk:
            return chunk
        self._released.wait(10)
        return b''

    def release(self):
        self._released.set()


class Harness(object):
    def __init__(self, monkeypatch, frames):
        data = io.BytesIO()
        for kind, payload in frames:
            write_frame(data, kind, payload)
        self.stdin = HeldStdin(data.getvalue())
        self.out = io.BytesIO()
        self.out.close = lambda: None
        self.calls, self.exits = [], []
        harness = self

        def _exit(code):
            harness.exits.append((threading.current_thread().name, code))
            if threading.current_thread() is threading.main_thread():
                raise Exited(code)  # the watcher thread's _exit is its last statement: it simply ends

        fake_os = types.SimpleNamespace(
            fdopen=lambda fd, mode: self.calls.append(('fdopen', fd, mode)) or self.out,
            dup=lambda fd: self.calls.append(('dup', fd)) or 99,
            dup2=lambda fd, fd2: self.calls.append(('dup2', fd, fd2)),
            _exit=_exit)
        monkeypatch.setattr(ecs_fetch_process, 'os', fake_os)
        monkeypatch.setattr(ecs_fetch_process.sys, 'stdin', types.SimpleNamespace(buffer=self.stdin))
        monkeypatch.setattr(ecs_fetch_process.signal, 'signal', lambda *a: self.calls.append(('signal',) + a))
        monkeypatch.setattr(ecs_fetch_process.gc, 'disable', lambda: self.calls.append(('gc.disable',)))
        self.threads = []
        real_thread = threading.Thread

        def thread(*args, **kwargs):
            made = real_thread(*args, **kwargs)
            self.threads.append(made)
            return made
        monkeypatch.setattr(ecs_fetch_process.threading, 'Thread', thread)

    def run(self):
        try:
            with pytest.raises(Exited) as exited:
                ecs_fetch_process.child_main()
            return exited.value.code
        finally:
            self.stdin.release()
            for made in self.threads:
                made.join(5)

    def frames(self):
        stream, got = io.BytesIO(self.out.getvalue()), []
        while True:
            kind, payload = read_frame(stream)
            if kind is None:
                return got
            got.append((kind, payload))


# as the parent sends them: every option the reader reads
OPTIONS = dict(dict((name, None) for name in FETCH_OPTIONS), secret_key='Child-Secret-0123', access_key='LTAIk')


def child(monkeypatch, reader, deferred=(), loaded=()):
    """child_main with read_record_batches replaced by reader(plugin) and the transports it defers."""
    monkeypatch.setattr(ecs_inventory, 'read_record_batches', reader)
    monkeypatch.setattr(ecs_sdk, 'defer_unused_transports', lambda: list(deferred))
    monkeypatch.setattr(ecs_sdk, 'really_loaded', lambda name: name in loaded)
    return Harness(monkeypatch, [('options', OPTIONS)])


def test_the_child_streams_each_batch_then_done_and_exits_0(monkeypatch):
    def reader(plugin):
        assert plugin.get_option('access_key') == 'LTAIk'
        plugin.display.vvv('reading')
        yield [{'instance_id': 'i-1'}]
        plugin.display.warning('a region was skipped')
        yield [{'instance_id': 'i-2'}, {'instance_id': 'i-3'}]
    harness = child(monkeypatch, reader)
    assert harness.run() == 0
    assert harness.frames() == [('vvv', 'reading'), ('batch', [{'instance_id': 'i-1'}]),
                                ('warning', 'a region was skipped'),
                                ('batch', [{'instance_id': 'i-2'}, {'instance_id': 'i-3'}]), ('done', None)]
    # SIGINT ignored (the parent decides), gc off, the frames on a copy of fd 1 and fd 1 itself sent to stderr
    signal_module = ecs_fetch_process.signal
    assert harness.calls[:5] == [('signal', signal_module.SIGINT, signal_module.SIG_IGN), ('gc.disable',),
                                 ('dup', 1), ('fdopen', 99, 'wb'), ('dup2', 2, 1)]
    # the watcher thread, a daemon, exits with 3 once stdin ends (the parent let go)
    assert [t.daemon for t in harness.threads] == [True]
    assert ('MainThread', 0) in harness.exits and (harness.threads[0].name, 3) in harness.exits


def test_the_child_says_which_deferred_transports_were_loaded(monkeypatch):
    harness = child(monkeypatch, lambda plugin: iter([[{'a': 1}]]), deferred=['aiohttp', 'other'], loaded=['other'])
    assert harness.run() == 0
    assert harness.frames() == [('batch', [{'a': 1}]),
                                ('vvv', 'alicloud_ecs: fetch process: aiohttp not loaded, other loaded on use'),
                                ('done', None)]


def test_the_fetchs_own_error_is_sent_as_expected(monkeypatch):
    def reader(plugin):
        yield [{'a': 1}]
        raise InventorySourceError('permission denied in region cn-x: Forbidden.RAM')
    harness = child(monkeypatch, reader)
    assert harness.run() == 0
    assert harness.frames() == [('batch', [{'a': 1}]),
                                ('error', (True, 'permission denied in region cn-x: Forbidden.RAM'))]


def test_any_other_error_is_sent_named_and_masked(monkeypatch):
    def reader(plugin):
        raise KeyError('key %s' % OPTIONS['secret_key'])
        yield  # a generator, as the real reader
    harness = child(monkeypatch, reader)
    assert harness.run() == 0
    assert harness.frames() == [('error', (False, "fetch process: KeyError: 'key ********'"))]


def test_a_child_given_anything_but_options_first_exits_2_and_says_nothing(monkeypatch):
    monkeypatch.setattr(ecs_inventory, 'read_record_batches', lambda plugin: pytest.fail('must not read'))
    harness = Harness(monkeypatch, [('batch', [])])
    assert harness.run() == 2
    assert harness.frames() == [] and harness.threads == []


def test_the_childs_plugin_stand_in_reads_the_options_as_sent_and_forwards_its_display():
    sent = []
    plugin = ecs_fetch_process._Options({'regions': ['cn-x']}, lambda kind, text: sent.append((kind, text)))
    assert plugin.get_option('regions') == ['cn-x']
    with pytest.raises(KeyError):
        plugin.get_option('filters')
    plugin.display.warning('w')
    plugin.display.vvv('v')
    assert sent == [('warning', 'w'), ('vvv', 'v')]


def test_the_watcher_reads_until_the_end_then_exits_3(monkeypatch):
    exits = []
    monkeypatch.setattr(ecs_fetch_process, 'os', types.SimpleNamespace(_exit=exits.append))
    stream = io.BytesIO(b'x' * 200000)
    ecs_fetch_process._exit_when_parent_lets_go(stream)
    assert exits == [3] and stream.tell() == 200000
