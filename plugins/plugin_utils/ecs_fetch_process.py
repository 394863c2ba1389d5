# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client layer in a child process: the ECS API is read on another core while the plugin adds hosts.

A cold inventory run is CPU-bound under one GIL: the SDK's imports, signing, HTTP, JSON decoding and the
hostvars records compete with the thread that adds hosts. start_fetch_process() starts a fresh Python
(sys.executable, never a fork of the ansible process and its threads) that imports this module from the same
collection directory and runs the same fetch (ecs_inventory.read_record_batches: credentials chain, SDK,
DescribeRegions, paged DescribeInstances, retries, records) with the threaded client, and streams each
region's records back as soon as it is read.

Wire: length-prefixed pickle frames of plain tuples, dicts and lists; pickle is safe here because both ends
are this module, the child started by the parent. The options, credentials included, travel as the first frame
on the child's stdin: never in argv or the environment. The parent keeps stdin open; when it closes (the
parent finished, failed or died) the child exits at once, so it never outlives the plugin. Child -> parent:
('batch', records), ('warning', text), ('vvv', text), ('error', (expected, text)) and ('done', None).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc
import os
import pickle
import signal
import struct
import subprocess
import sys
import tempfile
import threading

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError

_HEADER = struct.Struct('>Q')
# Frames are read back only from the process this module started; see the module docstring.
_PROTOCOL = pickle.HIGHEST_PROTOCOL
# The child's start: its import path is the directory holding ansible_collections/ (argv[1]), not the cwd.
_BOOTSTRAP = ('import sys; sys.path[0] = sys.argv[1]; '
              'from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_fetch_process import '
              'child_main; child_main()')
STDERR_TAIL = 2000


class FetchProcessError(AlicloudOpsError):
    """The fetch process failed. `expected`: the fetch itself failed with a user-facing message (the same one
    the threaded path raises); otherwise the process broke (crash, killed, could not start)."""

    def __init__(self, message, expected=False):
        super(FetchProcessError, self).__init__(message)
        self.expected = expected


def import_root():
    """The directory holding the ansible_collections/ this module was imported from, or None if it was not
    imported under its collection name (then a child could not import it the same way)."""
    parts = __name__.split('.')
    if parts[0] != 'ansible_collections' or not __file__:
        return None
    path = os.path.abspath(__file__)
    root = path
    for _part in parts:
        root = os.path.dirname(root)
    if os.path.splitext(path)[0] != os.path.join(root, *parts):
        return None
    return root


def usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def wants_process(mode):
    """fetch_process option -> whether to read the API in a child process.

    auto: when a second CPU is there to run it and the collection can be imported by path; on one CPU the
    child would only add its start to a run that has no idle core to give it."""
    if mode == 'always':
        return True
    if mode == 'never':
        return False
    return usable_cpus() > 1 and import_root() is not None and bool(sys.executable)


def write_frame(stream, kind, payload):
    data = pickle.dumps((kind, payload), _PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream):
    """(kind, payload), or (None, None) at the end of the stream (also when it ends inside a frame)."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None, None
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        return None, None
    return pickle.loads(data)


class FetchProcess(object):
    """The parent's side: start() the child with `settings` (option name -> plain value), then iterate
    batches(); close() (also run when batches() ends or is closed) stops the child and reaps it."""

    def __init__(self, settings, on_warning, on_vvv):
        self._settings = settings
        self._on_warning, self._on_vvv = on_warning, on_vvv
        self._proc = self._stderr = None

    def start(self):
        root = import_root()
        if root is None:
            raise FetchProcessError('fetch_process: cannot find the directory holding ansible_collections/ '
                                    'this collection was imported from; set fetch_process to never')
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen([sys.executable, '-c', _BOOTSTRAP, root], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=self._stderr, close_fds=True)
            write_frame(self._proc.stdin, 'options', self._settings)
        except BaseException:
            self.close()
            raise
        return self

    @property
    def pid(self):
        return self._proc.pid

    def batches(self):
        """Yield each region's records as the child sends them; raise FetchProcessError if it fails."""
        try:
            while True:
                kind, payload = read_frame(self._proc.stdout)
                if kind == 'batch':
                    yield payload
                elif kind == 'warning':
                    self._on_warning(payload)
                elif kind == 'vvv':
                    self._on_vvv(payload)
                elif kind == 'error':
                    raise FetchProcessError(payload[1], expected=payload[0])
                elif kind == 'done':
                    return
                else:
                    raise FetchProcessError(self._broke())
        finally:
            self.close()

    def _broke(self):
        code = self._proc.wait()
        self._stderr.seek(0, os.SEEK_END)
        self._stderr.seek(max(0, self._stderr.tell() - STDERR_TAIL))
        tail = self._stderr.read().decode('utf-8', 'replace').strip()
        return 'the fetch process (%s) exited with code %s before it finished%s' % (
            sys.executable, code, (': ' + tail) if tail else '')

    def close(self):
        proc, self._proc = self._proc, None
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


class _Display(object):
    def __init__(self, send):
        self._send = send

    def warning(self, text):
        self._send('warning', text)

    def vvv(self, text):
        self._send('vvv', text)


class _Options(object):
    """Stands for the plugin in the child: its options as sent, its display forwarded to the parent."""

    def __init__(self, options, send):
        self._options = options
        self.display = _Display(send)

    def get_option(self, name):
        return self._options[name]


def _exit_when_parent_lets_go(stream):
    while stream.read(65536):  # pragma: no mutate (equivalent: any read size drains the stream alike)
        pass
    os._exit(3)


def child_main():
    """The child: read the options from stdin, fetch with the threaded client, stream the records out."""
    # Ctrl-C reaches the whole process group; the parent decides, and closes stdin to stop this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()   # short-lived, tens of thousands of long-lived dicts: as in the plugin's parse
    out = os.fdopen(os.dup(1), 'wb')
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the frames
    stdin = sys.stdin.buffer
    kind, options = read_frame(stdin)
    if kind != 'options':
        os._exit(2)
    watcher = threading.Thread(target=_exit_when_parent_lets_go, args=(stdin,))
    watcher.daemon = True
    watcher.start()
    lock = threading.Lock()

    def send(frame_kind, payload):
        with lock:
            write_frame(out, frame_kind, payload)

    # This process makes sync SDK calls only: the SDK's async transport is not loaded unless something uses it.
    from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_sdk import (
        defer_unused_transports, really_loaded)
    deferred = defer_unused_transports()
    from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_inventory import (
        InventorySourceError, read_record_batches, redact)
    plugin = _Options(options, send)
    try:
        for records in read_record_batches(plugin):
            send('batch', records)
        if deferred:
            send('vvv', 'alicloud_ecs: fetch process: %s' % ', '.join(
                '%s %s' % (name, 'loaded on use' if really_loaded(name) else 'not loaded') for name in deferred))
        send('done', None)
    except InventorySourceError as exc:
        send('error', (True, str(exc)))
    except Exception as exc:  # anything else still reaches the user, as the threaded path would raise it
        send('error', (False, redact(plugin, 'fetch process: %s: %s' % (type(exc).__name__, exc))))
    out.flush()
    os._exit(0)
