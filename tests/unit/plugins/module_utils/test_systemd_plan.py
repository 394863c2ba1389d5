"""The systemd_unit module's decisions, on plain values."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_plan import (
    enable_action, needs_daemon_reload, removal_actions, service_state_warning, service_verb, summary,
    wanted_content)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_render import UnitSpecError


def params(**kw):
    base = dict(name='agent.service', dropin=None, state='present', content=None, sections=None, enabled=None,
                service_state=None)
    base.update(kw)
    return base


def test_wanted_content_renders_sections_or_passes_content():
    assert wanted_content(params(content='[Service]\n')) == '[Service]\n'
    assert 'ExecStart=/bin/true\n' in wanted_content(params(sections={'Service': {'ExecStart': '/bin/true'}}))
    assert wanted_content(params()) is None


@pytest.mark.parametrize('kw, needle', [
    (dict(name='agent'), 'name:'),
    (dict(dropin='../x'), 'dropin:'),
    (dict(state='absent', content='x'), 'content/sections'),
    (dict(state='absent', enabled=True), 'state=absent'),
    (dict(state='absent', service_state='started'), 'service_state=started'),
])
def test_wanted_content_refuses_naming_the_field(kw, needle):
    with pytest.raises(UnitSpecError, match=needle):
        wanted_content(params(**kw))


def test_absent_dropin_may_keep_the_service_running():
    assert wanted_content(params(state='absent', dropin='10-x', service_state='restarted')) is None


@pytest.mark.parametrize('wanted, state, verb', [
    ('started', 'active', None), ('started', 'inactive', 'start'), ('started', 'activating', None),
    ('stopped', 'inactive', None), ('stopped', 'active', 'stop'), ('restarted', 'inactive', 'restart'),
    ('restarted', 'active', 'restart'), ('reloaded', 'active', 'reload-or-restart'),
    ('reloaded', 'failed', 'start'),
])
def test_service_verb(wanted, state, verb):
    assert service_verb(wanted, state) == verb


def test_removal_actions():
    assert removal_actions(False, True, 'active', True) == []
    assert removal_actions(True, True, 'active', True) == ['stopped', 'disabled']
    assert removal_actions(True, True, 'inactive', False) == []
    # An offline root is never stopped, only disabled.
    assert removal_actions(True, False, None, True) == ['disabled']


def test_daemon_reload_only_on_a_running_manager():
    assert needs_daemon_reload(True, True, False)
    assert needs_daemon_reload(True, False, True)
    assert not needs_daemon_reload(True, False, False)
    assert not needs_daemon_reload(False, True, True)


def test_enable_action():
    assert enable_action(None, True) is None
    assert enable_action(True, True) is None
    assert enable_action(True, False) == 'enabled'
    assert enable_action(False, True) == 'disabled'


def test_service_state_warning_says_why():
    assert service_state_warning(None, 'a.service', False, None) is None
    assert service_state_warning('started', 'a.service', True, None) is None
    assert 'offline system tree' in service_state_warning('started', 'a.service', True, '/img')
    assert 'systemd is not running' in service_state_warning('started', 'a.service', False, None)


def test_summary():
    assert summary('/u/a.service', 'a.service', True, True, ['daemon-reload'], []) == \
        '/u/a.service changed; daemon-reload'
    assert summary('/u/a.service', 'a.service', False, False, [], ['w1', 'w2']) == 'a.service; w1'
