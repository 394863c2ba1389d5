"""ecs_fetch_process: the child process that reads the ECS API, its framing, its errors and its lifetime."""
import io
import os
import pickle
import signal
import sys
import time

import pytest

from ansible_collections.alicloud_ops.logging.plugins.plugin_utils import ecs_fetch_process
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_fetch_process import (
    FetchProcess, FetchProcessError, import_root, read_frame, wants_process, write_frame)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_inventory import FETCH_OPTIONS
from tests.support.emulator import TEST_KEY_ID, TEST_KEY_SECRET, ecs_emulator  # noqa: F401 (fixture)
from tests.support.endpoints import refused_url, silent_url  # noqa: F401 (fixture)

SECRET = 'Fetch-Process-Secret-never-in-argv'


def settings(endpoint, **overrides):
    """Every option read_record_batches reads, as the plugin sends them (its defaults, a static key pair)."""
    values = dict((name, None) for name in FETCH_OPTIONS)
    values.update({'access_key': 'LTAI5tFetchProcess', 'secret_key': SECRET, 'endpoint_url': endpoint,
                   'default_region': 'cn-hangzhou', 'max_workers': 8, 'retry_base_delay': 0.01,
                   'retry_max_delay': 0.05, 'retry_deadline': 0.5, 'connect_timeout': 5, 'read_timeout': 15,
                   'strict_permissions': True, 'regions': ['cn-hangzhou'], 'filters': {'status': 'Running'}})
    values.update(overrides)
    return values


class Collected(object):
    def __init__(self):
        self.warnings, self.vvv = [], []


def started(values):
    seen = Collected()
    return FetchProcess(values, seen.warnings.append, seen.vvv.append).start(), seen


def run_to_error(values):
    process, seen = started(values)
    child = process._proc
    with pytest.raises(FetchProcessError) as err:
        list(process.batches())
    # batches() reaps the child whichever way it ends.
    assert child.returncode is not None and process._proc is None
    return err.value, seen


def test_frames_round_trip_and_a_cut_frame_is_the_end():
    stream = io.BytesIO()
    write_frame(stream, 'batch', [{'instance_id': 'i-1', 'ecs_tags': {'env': 'prod'}}])
    write_frame(stream, 'done', None)
    data = stream.getvalue()
    stream = io.BytesIO(data)
    assert read_frame(stream) == ('batch', [{'instance_id': 'i-1', 'ecs_tags': {'env': 'prod'}}])
    assert read_frame(stream) == ('done', None)
    assert read_frame(stream) == (None, None)
    assert read_frame(io.BytesIO(data[:-3])) == ('batch', [{'instance_id': 'i-1', 'ecs_tags': {'env': 'prod'}}])
    assert read_frame(io.BytesIO(data[:20])) == (None, None)
    assert read_frame(io.BytesIO(data[:5])) == (None, None)


@pytest.mark.parametrize('mode, cpus, expected', [
    ('always', 1, True), ('never', 8, False), ('auto', 2, True), ('auto', 1, False)])
def test_the_option_decides_and_auto_needs_a_second_cpu(monkeypatch, mode, cpus, expected):
    monkeypatch.setattr(ecs_fetch_process, 'usable_cpus', lambda: cpus)
    assert wants_process(mode) is expected


def test_the_child_imports_this_collection_from_where_this_process_did():
    root = import_root()
    assert root is not None
    assert os.path.samefile(os.path.join(root, 'ansible_collections', 'alicloud_ops', 'logging', 'plugins',
                                         'plugin_utils', 'ecs_fetch_process.py'), ecs_fetch_process.__file__)


def test_refused_endpoint_is_the_threaded_paths_error_and_secrets_stay_off_argv():
    url = refused_url()
    process, seen = started(settings(url))
    assert all(SECRET not in arg for arg in process._proc.args)
    with open('/proc/%d/cmdline' % process._proc.pid, 'rb') as handle:
        assert SECRET.encode() not in handle.read()
    with pytest.raises(FetchProcessError) as err:
        list(process.batches())
    assert err.value.expected
    message = str(err.value)
    assert message.startswith('endpoint unreachable in region cn-hangzhou: ')
    assert 'cannot connect to %s: connection refused' % url in message and SECRET not in message
    assert any('credentials from' in line for line in seen.vvv)


def test_the_child_reads_every_region_without_loading_the_sdks_async_transport(ecs_emulator):
    emu = ecs_emulator(instances=300, regions=3)
    process, seen = started(settings(emu.url, access_key=TEST_KEY_ID, secret_key=TEST_KEY_SECRET, regions=[]))
    assert sum(len(batch) for batch in process.batches()) == 300
    assert seen.warnings == []
    assert 'alicloud_ecs: fetch process: aiohttp not loaded' in seen.vvv


def test_region_skipped_when_not_strict_comes_back_as_the_same_warning(ecs_emulator):
    emu = ecs_emulator(instances=20, regions=2, forbidden_regions=['cn-shanghai'])
    process, seen = started(settings(emu.url, access_key=TEST_KEY_ID, secret_key=TEST_KEY_SECRET,
                                     strict_permissions=False, regions=['cn-hangzhou', 'cn-shanghai']))
    batches = list(process.batches())
    assert batches and all(r['region_id'] == 'cn-hangzhou' for batch in batches for r in batch)
    assert len(seen.warnings) == 1
    assert seen.warnings[0].startswith('alicloud_ecs: skipping region cn-shanghai (strict_permissions is false): ')
    assert 'Forbidden' in seen.warnings[0]
    assert any('from 2 regions' in line for line in seen.vvv)


def test_every_region_skipped_is_an_error_not_an_empty_inventory():
    url = refused_url()
    error, seen = run_to_error(settings(url, strict_permissions=False))
    assert error.expected
    assert str(error).startswith('no region could be read (strict_permissions false skips a failing region, but '
                                 'all 1 failed); cn-hangzhou: ')
    assert 'connection refused' in str(error) and SECRET not in str(error)
    assert len(seen.warnings) == 1 and 'skipping region cn-hangzhou' in seen.warnings[0]


def test_credentials_error_names_the_missing_field():
    error, _seen = run_to_error(settings(refused_url(), secret_key=None))
    assert error.expected and str(error).startswith('credentials: ') and 'secret' in str(error)


def test_an_unexpected_failure_in_the_child_still_reaches_the_plugin_masked():
    values = settings(refused_url())
    del values['filters']
    error, _seen = run_to_error(values)
    assert not error.expected and str(error) == "fetch process: KeyError: 'filters'"


def test_a_child_that_dies_names_its_exit_code_and_last_words(tmp_path, monkeypatch):
    fake_python(tmp_path, monkeypatch, 'echo "Traceback: it broke" >&2\nexit 3\n')
    error, _seen = run_to_error(settings(refused_url()))
    assert not error.expected
    assert 'exited with code 3 before it finished: Traceback: it broke' in str(error)


def test_close_stops_a_child_in_the_middle_of_a_request(silent_url):
    process, _seen = started(settings(silent_url, read_timeout=60))
    child = process._proc
    process.close()
    assert child.returncode is not None and child.returncode != 0
    process.close()   # twice is fine


def test_the_child_exits_on_its_own_when_the_parent_lets_go_of_it(silent_url):
    # What happens when the ansible process dies: the child's stdin ends, and it exits mid-request.
    process, _seen = started(settings(silent_url, read_timeout=60))
    child = process._proc
    try:
        child.stdin.close()
        assert child.wait(timeout=10) == 3
    finally:
        process.close()


# Where the real child cannot tell (issue 25's mutation run): the parent's side of the pipe on its own.

def test_usable_cpus_counts_this_processs_affinity_else_the_machines(monkeypatch):
    monkeypatch.setattr(ecs_fetch_process.os, 'sched_getaffinity', lambda pid: {0, 2, 5}, raising=False)
    assert ecs_fetch_process.usable_cpus() == 3

    def refused(pid):
        raise OSError('not here')
    monkeypatch.setattr(ecs_fetch_process.os, 'sched_getaffinity', refused)
    monkeypatch.setattr(ecs_fetch_process.os, 'cpu_count', lambda: 6)
    assert ecs_fetch_process.usable_cpus() == 6
    monkeypatch.setattr(ecs_fetch_process.os, 'cpu_count', lambda: None)
    assert ecs_fetch_process.usable_cpus() == 1


def test_import_root_needs_the_collection_name_and_a_file(monkeypatch):
    monkeypatch.setattr(ecs_fetch_process, '__name__', 'plugin_utils.ecs_fetch_process')
    assert ecs_fetch_process.import_root() is None
    monkeypatch.undo()
    monkeypatch.setattr(ecs_fetch_process, '__file__', None)
    assert ecs_fetch_process.import_root() is None


def test_frames_use_the_newest_pickle_protocol():
    stream = io.BytesIO()
    write_frame(stream, 'done', None)
    assert stream.getvalue()[8:10] == b'\x80' + bytes([pickle.HIGHEST_PROTOCOL])


def test_a_process_never_started_closes_quietly():
    process = FetchProcess({}, None, None)
    assert process._proc is None and process._stderr is None
    process.close()


def test_without_an_import_root_the_process_does_not_start(monkeypatch):
    monkeypatch.setattr(ecs_fetch_process, 'import_root', lambda: None)
    with pytest.raises(FetchProcessError) as err:
        FetchProcess({}, None, None).start()
    assert str(err.value) == ('fetch_process: cannot find the directory holding ansible_collections/ this collection '
                              'was imported from; set fetch_process to never')
    assert not err.value.expected


def fake_python(tmp_path, monkeypatch, body):
    fake = tmp_path / 'python'
    fake.write_text('#!/bin/sh\nhead -c 1 >/dev/null\n' + body)
    fake.chmod(0o755)
    monkeypatch.setattr(sys, 'executable', str(fake))
    return str(fake)


def test_a_broken_child_is_named_with_the_last_2000_characters_it_wrote(tmp_path, monkeypatch):
    fake = fake_python(tmp_path, monkeypatch,
                       "printf 'x%.0s' $(seq 1 500) >&2\nprintf 'tail-\\377-end' >&2\nseq 1 400 >&2\nexit 3\n")
    process = FetchProcess({}, None, None).start()
    with pytest.raises(FetchProcessError) as err:
        list(process.batches())
    written = b'x' * 500 + b'tail-\xff-end' + ''.join('%d\n' % n for n in range(1, 401)).encode()
    prefix = 'the fetch process (%s) exited with code 3 before it finished: ' % fake
    assert len(written) > 2000 and b'\xff' in written[-2000:]
    assert str(err.value) == prefix + written[-2000:].decode('utf-8', 'replace').strip()


def test_a_child_that_says_nothing_is_named_without_a_tail(tmp_path, monkeypatch):
    fake = fake_python(tmp_path, monkeypatch, 'exit 4\n')
    process = FetchProcess({}, None, None).start()
    with pytest.raises(FetchProcessError) as err:
        list(process.batches())
    assert str(err.value) == 'the fetch process (%s) exited with code 4 before it finished' % fake


def test_close_kills_a_child_that_does_not_stop_on_its_own(tmp_path, monkeypatch):
    fake_python(tmp_path, monkeypatch, 'trap "" TERM\nexec sleep 60\n')
    process = FetchProcess({}, None, None).start()
    child, stderr = process._proc, process._stderr
    started = time.monotonic()
    process.close()
    assert time.monotonic() - started < 10 and child.returncode == -signal.SIGKILL
    assert stderr.closed and process._stderr is None and process._proc is None


def test_the_child_holds_none_of_the_parents_inheritable_descriptors(tmp_path, monkeypatch):
    # e.g. a socket a connection plugin made inheritable: the child, which may outlive a request, must not keep it
    read_end, write_end = os.pipe()
    os.set_inheritable(write_end, True)
    try:
        fake_python(tmp_path, monkeypatch, '[ -e /proc/self/fd/%d ] && echo "fd %d held" >&2\nexit 5\n'
                    % (write_end, write_end))
        process = FetchProcess({}, None, None).start()
        with pytest.raises(FetchProcessError) as err:
            list(process.batches())
        assert str(err.value).endswith('exited with code 5 before it finished')
    finally:
        os.close(read_end)
        os.close(write_end)
