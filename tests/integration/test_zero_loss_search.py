"""Zero loss end to end: real rsyslogd with the module's drop-in, the Logtail stand-in with its shipper, the
emulator's Log Service, and search through the official SDK. 10,000 lines are sent while the agent is down,
rsyslogd restarts once (the backlog goes to its disk queue and back), the agent starts, and exactly 10,000
distinct lines must be found in the logstore. The host is the account's by its AliUid marker file
(standin_fleet.write_settings), as a non-ECS machine must be for its heartbeat to join the machine group."""
import json
import os
import time

from aliyun.log import GetHistogramsRequest

from tests.integration.rsyslog_bed import REPO_ROOT, read_lines, wait_for
from tests.integration.standin_fleet import PROJECT, STORE, TAG, fleet, search, write_settings
from tests.integration.test_rsyslog_forward import (  # noqa: F401 (bed: the fixture)
    ZERO_LOSS_COUNT, backlog_through_restart, bed, role_default, sequence_numbers, write_dropin)
from tests.integration.test_sls_emulator import _client
from tests.support.sls_emulator import sls_emulator, sls_emulator_server  # noqa: F401


def stored(client, marker):
    """How many logs match, by GetHistograms (one call, where paging would take a hundred); 0 while the answer
    is not complete yet."""
    now = int(time.time())
    answer = client.get_histograms(GetHistogramsRequest(PROJECT, STORE, now - 3600, now + 60, query=marker))
    return answer.get_total_count() if answer.is_completed() else 0


def test_ten_thousand_lines_sent_while_the_agent_is_down_are_all_searchable(bed, sls_emulator, tmp_path):
    client = _client(sls_emulator)
    fleet(client)
    write_dropin(bed, sys_tag=TAG, queue={'size': role_default('rsyslog_forward', 'rsyslog_forward_queue_size')})
    started, _ = backlog_through_restart(bed, 'searchable')

    bed.start_standin(ship_settings=write_settings(tmp_path, sls_emulator.endpoint))
    agent_up = time.monotonic()
    try:
        wait_for(lambda: stored(client, 'searchable') >= ZERO_LOSS_COUNT, 180, 'all lines in the logstore',
                 interval=1)
    except AssertionError:
        pass  # the comparison below says what is missing
    searchable = time.monotonic()
    rows = search(client, 'searchable')
    numbers = sequence_numbers([row['_content_'] for row in rows], 'seq=')
    figures = {'sent': ZERO_LOSS_COUNT, 'found_rows': len(rows), 'distinct': len(set(numbers)),
               'duplicates': len(numbers) - len(set(numbers)),
               'seconds_agent_up_to_all_searchable': round(searchable - agent_up, 1),
               'seconds_total': round(time.monotonic() - started, 1),
               'put_logs_calls': sls_emulator.stats()['calls'].get('PutLogs', 0)}
    print('zero-loss search figures: %s' % json.dumps(figures))
    results = os.path.join(REPO_ROOT, 'bench', 'results')
    if os.path.isdir(results):
        with open(os.path.join(results, 'zero_loss_search.json'), 'w') as handle:
            json.dump(figures, handle, indent=2)
    assert len(set(numbers)) == ZERO_LOSS_COUNT and set(numbers) == set(range(1, ZERO_LOSS_COUNT + 1))
    assert not read_lines(bed.rejected), read_lines(bed.rejected)[:5]
