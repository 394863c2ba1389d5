"""The emulator's stored logs (tools/alicloud_emulator/sls_logs.py): index versions that take effect after a delay
and cover only logs received after that, search caching, and GetLogs progress."""
import pytest
from aliyun.log.log_logs_pb2 import LogGroup

from tools.alicloud_emulator.sls_logs import DEFAULT_INDEX_DELAY, LogData
from tools.alicloud_emulator.sls_signing import SlsError

INDEX = {'line': {'token': [' ']}}


class Clock(object):
    def __init__(self, now=1000000.25):
        self.now = now

    def __call__(self):
        return self.now


def group(*messages, when=100):
    out = LogGroup()
    for message in messages:
        out.Logs.add(Time=when).Contents.add(Key='content', Value=message)
    return out


def found(data, query='alpha', start=0, end=1000):
    return [log['contents'][0][1] for log in data.search('p', 's', query, start, end)[0]]


def test_default_delay_is_a_minute_and_covers_only_logs_received_after_it():
    clock = Clock()
    data = LogData(clock=clock)
    assert DEFAULT_INDEX_DELAY == 60 and data.index_delay == 60
    data.put('p', 's', group('alpha before'), '10.0.0.1')
    data.create_index('p', 's', INDEX)
    assert data.get_index('p', 's')['lastModifyTime'] == 1000000
    assert data.effective_time('p', 's') == 1000060
    clock.now = 1000059.9
    data.put('p', 's', group('alpha early'), '10.0.0.1')
    assert found(data) == []
    clock.now = 1000060.0
    data.put('p', 's', group('alpha on time'), '10.0.0.1')
    clock.now = 1000500
    data.put('p', 's', group('alpha later'), '10.0.0.1')
    assert found(data) == ['alpha on time', 'alpha later']
    # Logs received while no index was in effect are never found, but they are stored.
    assert data.search('p', 's', '*', 0, 1000)[1] == 4 and len(data.of('p', 's')['logs']) == 4


def test_each_log_is_searched_with_the_version_in_effect_when_it_arrived():
    clock = Clock(2000)
    data = LogData(index_delay=60, clock=clock)
    data.create_index('p', 's', {'line': {'token': [' ']}})
    clock.now = 2060
    data.put('p', 's', group('alpha-one'), '10.0.0.1')   # v1: '-' is no delimiter
    clock.now = 2100
    data.update_index('p', 's', {'line': {'token': [' ', '-']}, 'keys': {'content': {'type': 'text', 'token': [' ']}}})
    clock.now = 2159
    data.put('p', 's', group('alpha-two'), '10.0.0.1')   # v2 written, not yet in effect: still v1
    clock.now = 2160
    data.put('p', 's', group('alpha-three'), '10.0.0.1')  # v2
    assert found(data) == ['alpha-three']
    assert found(data, 'alpha-one') == ['alpha-one']  # a phrase of v1's own tokens
    # A field query runs against the current index; logs covered by a version without the field match nothing.
    assert found(data, 'content: alpha*') == ['alpha-three']
    assert found(data, 'not content: alpha*') == ['alpha-one', 'alpha-two']
    with pytest.raises(SlsError) as err:
        data.search('p', 's', 'other: x', 0, 1000)
    assert err.value.code == 'ParameterInvalid'


def test_zero_delay_covers_the_second_it_is_written_and_delete_forgets_everything():
    clock = Clock(3000.5)
    data = LogData(index_delay=0, clock=clock)
    data.put('p', 's', group('alpha same second'), '10.0.0.1')
    clock.now = 3000.9
    data.create_index('p', 's', INDEX)
    clock.now = 3001
    data.put('p', 's', group('alpha next'), '10.0.0.1')
    assert found(data) == ['alpha same second', 'alpha next']
    data.delete_index('p', 's')
    with pytest.raises(SlsError) as err:
        data.search('p', 's', 'alpha', 0, 1000)
    assert (err.value.status, err.value.code) == (400, 'IndexConfigNotExist')
    clock.now = 3005
    data.create_index('p', 's', INDEX)
    data.put('p', 's', group('alpha new'), '10.0.0.1')
    assert found(data) == ['alpha new'] and data.effective_time('p', 's') == 3005


def test_repeated_searches_see_new_logs_and_index_changes():
    clock = Clock(4000)
    data = LogData(index_delay=0, clock=clock)
    data.create_index('p', 's', INDEX)
    data.put('p', 's', group('alpha one', 'alpha-two'), '10.0.0.1')
    assert found(data) == ['alpha one']
    data.put('p', 's', group('alpha three', when=200), '10.0.0.1')
    hits, scanned = data.search('p', 's', 'alpha', 0, 1000)
    assert [log['time'] for log in hits] == [100, 200] and scanned == 3
    clock.now = 4001
    data.update_index('p', 's', {'line': {'token': [' ', '-']}})
    data.put('p', 's', group('alpha-four'), '10.0.0.1')
    assert found(data) == ['alpha one', 'alpha-four', 'alpha three']
    assert data.search('p', 's', 'alpha', 150, 1000)[1] == 1


def test_progress_is_incomplete_for_the_first_calls_of_each_search():
    data = LogData(incomplete_first=2)
    key = ('p', 's', 'alpha', 0, 100, None)
    assert [data.progress(key) for _ in range(4)] == ['Incomplete', 'Incomplete', 'Complete', 'Complete']
    assert data.progress(('p', 's', 'alpha', 0, 101, None)) == 'Incomplete'
    assert LogData(incomplete_first=0).progress(key) == 'Complete'
    with pytest.raises(ValueError):
        LogData(index_delay=-1)
