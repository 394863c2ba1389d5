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


# Issue 25 (mutation testing): every message word for word, each choice on both sides of its boundary.

def test_wanted_content_messages_word_for_word():
    def refusal(**kw):
        with pytest.raises(UnitSpecError) as refused:
            wanted_content(params(**kw))
        return str(refused.value)
    assert refusal(state='absent', content='x') == 'content/sections: not allowed with state=absent'
    assert refusal(state='absent', sections={'Service': {'A': 1}}) == 'content/sections: not allowed with state=absent'
    assert refusal(state='absent', service_state='reloaded') == (
        'state=absent removes the unit; it cannot also be enabled=true or service_state=reloaded')
    assert refusal(state='absent', enabled=True) == (
        'state=absent removes the unit; it cannot also be enabled=true or service_state=None')
    assert refusal(content='') == ('content: is empty; systemd reads an empty unit file as a masked unit (use '
                                   'state=absent to remove the unit)')
    assert refusal(content=' \n\t\n', dropin='10-x') == (
        'content: is empty; systemd reads an empty unit file as a masked unit (use state=absent to remove the '
        'drop-in)')
    assert refusal(dropin='').startswith("dropin: '' is not a valid drop-in name")


def test_absent_may_stop_or_disable_and_an_absent_dropin_may_keep_anything():
    assert wanted_content(params(state='absent', service_state='stopped', enabled=False)) is None
    assert wanted_content(params(state='absent', dropin='10-x', enabled=True, service_state='started')) is None


def test_sections_take_the_place_of_content():
    text = wanted_content(params(sections={'Service': {'ExecStart': '/bin/true'}}, dropin='10-x'))
    assert text.endswith('\n[Service]\nExecStart=/bin/true\n') and text.startswith('# Managed by Ansible')


def test_a_template_cannot_be_started_or_enabled_by_its_bare_name():
    def refusal(**kw):
        with pytest.raises(UnitSpecError) as refused:
            wanted_content(params(name='getty@.service', **kw))
        return str(refused.value)
    assert refusal(service_state='restarted') == (
        'name: getty@.service is a template unit; it cannot be restarted without an instance: name one, such as '
        'getty@1.service')
    assert refusal(content='[Install]\nWantedBy=x.target\n', enabled=True) == (
        'name: getty@.service is a template unit without DefaultInstance= in its [Install] section, so systemctl '
        'cannot enable it; name an instance such as getty@1.service, or set DefaultInstance=')


@pytest.mark.parametrize('kw', [
    dict(content='[Install]\nDefaultInstance=tty1\n', enabled=True),   # it names its default instance
    dict(enabled=True),                                                 # no file written: systemctl judges it
    dict(content='[Service]\nLimitNOFILE=1\n', dropin='10-x', enabled=True),   # a drop-in says nothing of it
    dict(content='[Install]\nWantedBy=x.target\n', enabled=False),
    dict(state='absent', service_state='stopped'),
])
def test_a_template_may_be_written_or_enabled_where_systemctl_can(kw):
    content = kw.get('content')
    assert wanted_content(params(name='getty@.service', **kw)) == content


def test_an_instance_is_no_template():
    assert wanted_content(params(name='getty@tty1.service', content='[Service]\n', enabled=True,
                                 service_state='started')) == '[Service]\n'


@pytest.mark.parametrize('wanted, state, verb', [
    ('started', 'reloading', None), ('started', 'failed', 'start'), ('started', 'deactivating', 'start'),
    ('stopped', 'activating', 'stop'), ('stopped', 'reloading', 'stop'), ('stopped', 'failed', None),
    ('reloaded', 'activating', 'reload-or-restart'), ('reloaded', 'reloading', 'reload-or-restart'),
    ('reloaded', 'inactive', 'start'), ('restarted', 'failed', 'restart'),
])
def test_service_verb_on_every_active_state(wanted, state, verb):
    assert service_verb(wanted, state) == verb


def test_removal_stops_only_what_runs_here():
    assert removal_actions(True, False, 'active', False) == []
    assert removal_actions(True, True, 'activating', False) == ['stopped']
    assert removal_actions(True, True, 'failed', True) == ['disabled']
    assert removal_actions(False, False, None, True) == []


def test_daemon_reload_is_a_bool():
    assert needs_daemon_reload(1, 'yes', None) is True
    assert needs_daemon_reload(None, True, True) is False
    assert needs_daemon_reload(True, None, None) is False


def test_enable_action_reads_is_enabled_as_truth():
    assert enable_action(False, False) is None
    assert enable_action(False, None) is None
    assert enable_action(True, 1) is None
    assert enable_action(False, 'enabled') == 'disabled'
    assert enable_action(True, None) == 'enabled'


def test_service_state_warning_word_for_word():
    assert service_state_warning('started', 'a.service', True, '/img') == (
        'service_state=started was not applied to a.service: root=/img is an offline system tree; the unit file '
        'and the enabled state are handled offline')
    assert service_state_warning('stopped', 'a.service', False, None) == (
        'service_state=stopped was not applied to a.service: systemd is not running on this host (no '
        '/run/systemd/system); the unit file and the enabled state are handled offline')
    assert service_state_warning('', 'a.service', False, '/img') is None


def test_summary_says_the_file_then_the_actions_then_the_first_warning():
    assert summary('/u/a.service', 'a.service', True, False, [], []) == '/u/a.service unchanged'
    assert summary('/u/a.service', 'a.service', False, True, ['stopped', 'disabled'], []) == \
        'a.service; stopped, disabled'
    assert summary('/u/a.service', 'a.service', True, True, ['enabled', 'started'], ['w1']) == \
        '/u/a.service changed; enabled, started; w1'
