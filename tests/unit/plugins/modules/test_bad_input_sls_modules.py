"""Generated bad input for the sls_* modules, against the emulator (see tests/support/bad_input.py).

A refusal must come before any write: the emulator's Log Service state is compared before
and after every failed run. The endpoint and credentials are never varied (the endpoint
must stay the emulator on 127.0.0.1), so every request reaches the real SDK and the
emulator's signature check.
"""
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.alicloud_ops.logging.plugins.modules import (
    sls_logstore, sls_logtail_config, sls_machine_group, sls_project)
from tests.support.bad_input import DELETE, JUNK, NASTY_TEXT, NUMBER_JUNK, examples, mutate, strict_utf8
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    sls_auth, sls_emulator, sls_emulator_server, state_json)

TEXT = JUNK | st.sampled_from(NASTY_TEXT)
NAMES = TEXT | st.sampled_from(['proj-a', 'syslog', 'hosts', 'cfg', 'Bad_Name', 'a', 'x' * 129, '-lead', 'trail-'])


@pytest.fixture
def fleet(sls_emulator):
    """An existing project, logstore, machine group and config, so updates and deletes are tried too."""
    auth = sls_auth(sls_emulator)
    for main, args in ((sls_project.main, dict(name='proj-a')),
                       (sls_logstore.main, dict(project='proj-a', name='syslog')),
                       (sls_machine_group.main, dict(project='proj-a', name='hosts', machines=['id-1'])),
                       (sls_logtail_config.main, dict(project='proj-a', name='cfg', logstore='syslog', tag='t',
                                                      machine_groups=['hosts']))):
        assert not run_module(main, dict(auth, **args)).failed
    return sls_emulator


def judge(emu, main, args, check_mode):
    before = state_json(emu)
    result = run_module(main, args, check_mode=check_mode, diff=True)
    strict_utf8(result)
    if result.failed:
        assert isinstance(result.msg, str) and result.msg.strip(), result
        assert state_json(emu) == before, 'a failed run changed Log Service: %s' % result.msg
    elif check_mode:
        assert state_json(emu) == before, 'check mode changed Log Service'
    # No secret in anything the module returns.
    assert sls_auth(emu)['access_key_secret'] not in json.dumps(result.data, default=str)
    return result


MODULES = {
    'sls_project': (sls_project.main, dict(name='proj-a', description='web logs'),
                    dict(name=NAMES, description=TEXT, state=TEXT | st.just('absent'))),
    'sls_logstore': (sls_logstore.main, dict(project='proj-a', name='syslog', ttl=30),
                     dict(project=NAMES, name=NAMES, state=TEXT | st.just('absent'), ttl=NUMBER_JUNK, shard_count=NUMBER_JUNK,
                          auto_split=JUNK, max_split_shard=NUMBER_JUNK, append_meta=JUNK, enable_tracking=JUNK)),
    'sls_machine_group': (sls_machine_group.main, dict(project='proj-a', name='hosts', machines=['id-1']),
                          dict(project=NAMES, name=NAMES, state=TEXT | st.just('absent'),
                               machine_type=TEXT | st.just('ip'), machines=JUNK | st.lists(TEXT, max_size=3),
                               append=JUNK, group_topic=TEXT, external_name=TEXT)),
    'sls_logtail_config': (sls_logtail_config.main,
                           dict(project='proj-a', name='cfg', logstore='syslog', tag='t', machine_groups=['hosts']),
                           dict(project=NAMES, name=NAMES, state=TEXT | st.just('absent'), logstore=NAMES, tag=TEXT,
                                local_storage=JUNK, input_detail=JUNK, log_sample=TEXT,
                                pipeline=JUNK | st.just({'inputs': [{'Type': 'input_file'}]}),
                                machine_groups=JUNK | st.lists(NAMES, max_size=3), purge_machine_groups=JUNK,
                                logstore_delete=st.just(DELETE))),
}


@pytest.mark.parametrize('name', sorted(MODULES))
def test_sls_module(fleet, name):
    main, base, choices = MODULES[name]

    @examples(50)
    @given(st.data())
    def one(data):
        args = mutate(data, dict(sls_auth(fleet), **base), choices)
        judge(fleet, main, args, data.draw(st.booleans(), label='check_mode'))
    one()
