"""bench/fleet_bench.py's breakdown of a run by task (issue 24): each task's span and host-seconds from
ansible-runner's events (site_bench.task_spans), what no span covers, and the table it prints."""
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'bench'))
import fleet_bench  # noqa: E402  pylint: disable=wrong-import-position
import site_bench  # noqa: E402  pylint: disable=wrong-import-position


def event(kind, host, task_uuid, task, start, end, role=None):
    """An ansible-runner event as the bench reads it: times in seconds after 12:00:00 UTC."""
    data = {'host': host, 'task_uuid': task_uuid, 'task': task, 'role': role}
    if start is not None:
        data['start'] = '2026-12-07T12:00:%09.6f+00:00' % start
        data['end'] = '2026-12-07T12:00:%09.6f+00:00' % end
    return {'event': kind, 'event_data': data}


EVENTS = [
    event('runner_on_start', 'web-1', 'u1', 'Install', None, None, role='logtail'),
    event('runner_on_ok', 'web-1', 'u1', 'Install', 1.0, 3.5, role='logtail'),
    # A loop's item results come before the task's own and are not results of their own.
    event('runner_item_on_ok', 'web-2', 'u1', 'Install', 1.25, 2.0, role='logtail'),
    event('runner_on_ok', 'web-2', 'u1', 'Install', 1.25, 4.0, role='logtail'),
    event('runner_on_skipped', 'web-1', 'u2', 'Bake check', 4.5, 4.75, role='logtail'),
    event('runner_on_failed', 'web-2', 'u2', 'Bake check', 4.5, 5.0, role='logtail'),
    event('runner_on_unreachable', 'db-1', 'u3', 'Each host joins', 6.0, 6.5),
    # Without times (a callback that left them out): not counted.
    event('runner_on_ok', 'db-1', 'u4', 'Timeless', None, None),
    event('playbook_on_stats', None, None, None, 7.0, 7.0),
]


def test_each_task_gets_its_span_and_host_seconds_in_the_order_it_started():
    assert site_bench.task_spans(EVENTS) == [
        {'task': 'logtail : Install', 'hosts': 2, 'span_seconds': 3.0, 'host_seconds': 5.25},
        {'task': 'logtail : Bake check', 'hosts': 2, 'span_seconds': 0.5, 'host_seconds': 0.75},
        {'task': 'Each host joins', 'hosts': 1, 'span_seconds': 0.5, 'host_seconds': 0.5},
    ]


def test_a_span_runs_from_the_first_start_to_the_last_result_whatever_the_order_of_events():
    late_first = [event('runner_on_ok', 'b', 'u', 'T', 2.0, 9.0), event('runner_on_ok', 'a', 'u', 'T', 0.5, 1.0)]
    assert site_bench.task_spans(late_first) == [{'task': 'T', 'hosts': 2, 'span_seconds': 8.5, 'host_seconds': 7.5}]
    assert site_bench.task_spans([]) == []


def run(seconds, spans):
    return site_bench.Run(seconds, 0, {}, {}, spans)


def test_the_breakdown_adds_what_no_task_covers():
    spans = site_bench.task_spans(EVENTS)
    result = fleet_bench.breakdown(run(10.0, spans))
    assert result['seconds'] == 10.0
    assert result['tasks'][:3] == spans
    assert result['tasks'][3] == {'task': '(outside any task: start-up, inventory, play set-up)', 'hosts': 0,
                                  'span_seconds': 6.0, 'host_seconds': 0.0}
    # Spans longer than the run (clock skew between the controller's events and the timer): never negative.
    assert fleet_bench.breakdown(run(3.5, spans))['tasks'][3]['span_seconds'] == 0.0


def test_the_table_ranks_tasks_by_span_and_folds_the_rest():
    result = fleet_bench.breakdown(run(10.0, site_bench.task_spans(EVENTS)))
    lines = fleet_bench.spans_table('20 hosts, the last idempotent run', result, top=2).splitlines()
    assert lines[0] == ('20 hosts, the last idempotent run, 10.00 s: where the wall time went '
                        '(task spans, largest first)')
    assert lines[3:] == [
        '| (outside any task: start-up, inventory, play set-up) | 0 | 6.00 s | 60% | - |',
        '| logtail : Install | 2 | 3.00 s | 30% | 2.625 s |',
        '| (2 more tasks) | | 1.00 s | 10% | |',
    ]
    assert len(fleet_bench.spans_table('x', result).splitlines()) == 3 + 4


def test_a_run_of_no_time_has_no_shares():
    table = fleet_bench.spans_table('x', fleet_bench.breakdown(run(0.0, [])))
    assert table.splitlines()[-1] == '| (outside any task: start-up, inventory, play set-up) | 0 | 0.00 s | 0% | - |'


def test_the_table_says_when_spans_overlap():
    result = fleet_bench.breakdown(run(10.0, site_bench.task_spans(EVENTS)))
    assert fleet_bench.spans_table('x', result, overlap=True).splitlines()[0] == (
        'x, 10.00 s: where the wall time went (task spans, largest first; they overlap: hosts run different tasks '
        'at once under this strategy)')
