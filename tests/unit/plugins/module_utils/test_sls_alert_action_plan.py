"""sls_alert_action's pure planning: the webhook and action-policy records, and the URL never in a view."""
import hashlib
import json

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sls_alert_action_plan as p

URL = 'https://hooks.slack.example/services/T0/B0/secret-token-123'


def params(**over):
    out = dict(name='ops', display_name=None, state='present', webhook_url=URL, webhook_type='slack',
               webhook_method='POST', webhook_headers={'X-B': '2', 'X-A': '1'})
    out.update(over)
    return out


def test_records_follow_the_options():
    hook, policy = p.desired_records(params())
    assert hook == {'id': 'ops-webhook', 'name': 'ops', 'type': 'slack', 'url': URL, 'method': 'POST',
                    'headers': [{'key': 'X-A', 'value': '1'}, {'key': 'X-B', 'value': '2'}]}
    assert policy['action_policy_id'] == 'ops' and policy['action_policy_name'] == 'ops'
    assert policy['primary_policy_script'] == 'fire(type="webhook", webhook_id="ops-webhook", period="any")'
    assert p.desired_records(params(display_name='Ops'))[1]['action_policy_name'] == 'Ops'


def test_view_never_holds_the_url():
    hook, policy = p.desired_records(params())
    shown = p.view('ops', hook, policy)
    assert URL not in json.dumps(shown) and 'secret-token' not in json.dumps(shown)
    assert shown['webhook_url'] == p.fingerprint(URL) and len(shown['webhook_url']) == len('sha256:') + 12
    assert p.fingerprint(URL) != p.fingerprint(URL + 'x') and p.fingerprint('') == ''
    assert shown['webhook_headers'] == {'X-A': p.fingerprint('1'), 'X-B': p.fingerprint('2')}
    assert p.view('ops', None, None) is None


def test_create_puts_the_webhook_first():
    hook, policy = p.desired_records(params())
    changes, steps = p.plan_action('ops', None, None, hook, policy)
    assert changes == ['created']
    assert [(v, r) for v, r, _ in steps] == [('create', p.WEBHOOK_RESOURCE), ('create', p.POLICY_RESOURCE)]


def test_same_records_plan_nothing():
    hook, policy = p.desired_records(params())
    assert p.plan_action('ops', dict(hook), dict(policy), hook, policy) == ([], [])


def test_header_value_change_is_seen_but_not_shown():
    hook, policy = p.desired_records(params(webhook_headers={'Authorization': 'Bearer s3cr3t'}))
    new_hook, new_policy = p.desired_records(params(webhook_headers={'Authorization': 'Bearer n3w'}))
    changes, steps = p.plan_action('ops', hook, policy, new_hook, new_policy)
    assert changes == ['webhook_headers'] and len(steps) == 1
    assert 's3cr3t' not in json.dumps(p.view('ops', hook, policy))


def test_url_change_updates_only_the_webhook_and_says_webhook_url():
    hook, policy = p.desired_records(params())
    new_hook, new_policy = p.desired_records(params(webhook_url=URL + '2'))
    changes, steps = p.plan_action('ops', hook, policy, new_hook, new_policy)
    assert changes == ['webhook_url'] and [(v, r) for v, r, _ in steps] == [('update', p.WEBHOOK_RESOURCE)]


def test_missing_policy_is_recreated_and_extra_keys_kept():
    hook, policy = p.desired_records(params())
    current_hook = dict(hook, secret='s3')
    changes, steps = p.plan_action('ops', current_hook, None, hook, policy)
    assert changes == ['script'] and [(v, r) for v, r, _ in steps] == [('create', p.POLICY_RESOURCE)]
    changes, steps = p.plan_action('ops', current_hook, dict(policy, is_default=True), hook, policy)
    assert changes == ['records'] and steps[0][2]['is_default'] is False
    assert p.plan_action('ops', current_hook, policy, hook, policy) == ([], [])


@pytest.mark.parametrize('over,option', [
    ({'name': 'a'}, 'name'), ({'name': 'ops hook'}, 'name'), ({'name': 'x' * 121}, 'name'),
    ({'display_name': 'x' * 65}, 'display_name'),
    ({'webhook_url': None}, 'webhook_url'), ({'webhook_url': 'hooks.example.com/x'}, 'webhook_url'),
    ({'webhook_headers': {'X': 1}}, 'webhook_headers.X'),
])
def test_problems_name_the_option_and_not_the_url(over, option):
    problems = p.action_problems(params(**over))
    assert [o for o, _ in problems] == [option]
    assert all('hooks.example.com' not in m for _, m in problems)


def test_boundaries_and_absent():
    assert p.action_problems(params(name='ab', display_name='x' * 64)) == []
    assert p.action_problems(params(name='x' * 120, webhook_url='http://h')) == []
    assert p.action_problems(params(state='absent', webhook_url=None)) == []


# Issue 25: exact values, defaults and messages.
def test_fingerprint_is_the_urls_short_sha256():
    assert p.fingerprint(URL) == 'sha256:' + hashlib.sha256(URL.encode('utf-8')).hexdigest()[:12]
    assert p.fingerprint(None) == ''


def test_records_defaults():
    hook, policy = p.desired_records(params(webhook_headers=None, display_name='', webhook_type='dingtalk',
                                            webhook_method='PUT'))
    assert hook == {'id': 'ops-webhook', 'name': 'ops', 'type': 'dingtalk', 'url': URL, 'method': 'PUT',
                    'headers': []}
    assert policy == {'action_policy_id': 'ops', 'action_policy_name': 'ops', 'labels': {}, 'is_default': False,
                      'primary_policy_script': 'fire(type="webhook", webhook_id="ops-webhook", period="any")',
                      'secondary_policy_script': ''}
    assert p.desired_records(params(display_name='Ops'))[0]['name'] == 'Ops'


def test_view_of_each_record_alone():
    hook, policy = p.desired_records(params(display_name='Ops'))
    assert p.view('ops', hook, policy) == {
        'name': 'ops', 'display_name': 'Ops', 'webhook_id': 'ops-webhook', 'webhook_type': 'slack',
        'webhook_url': p.fingerprint(URL), 'webhook_method': 'POST',
        'webhook_headers': {'X-A': p.fingerprint('1'), 'X-B': p.fingerprint('2')},
        'script': 'fire(type="webhook", webhook_id="ops-webhook", period="any")'}
    assert p.view('ops', dict(hook, headers=[{'key': 'K'}]), None) == {
        'name': 'ops', 'display_name': 'Ops', 'webhook_id': 'ops-webhook', 'webhook_type': 'slack',
        'webhook_url': p.fingerprint(URL), 'webhook_method': 'POST', 'webhook_headers': {'K': ''}, 'script': None}
    assert p.view('ops', None, dict(policy, action_policy_name='P')) == {
        'name': 'ops', 'display_name': 'P', 'webhook_id': 'ops-webhook', 'webhook_type': None, 'webhook_url': '',
        'webhook_method': None, 'webhook_headers': {}, 'script': policy['primary_policy_script']}
    assert p.view('ops', dict(hook, name='H'), dict(policy, action_policy_name=''))['display_name'] == 'H'


def test_steps_carry_the_merged_records():
    hook, policy = p.desired_records(params())
    changes, steps = p.plan_action('ops', None, None, hook, policy)
    assert steps == [('create', p.WEBHOOK_RESOURCE, hook), ('create', p.POLICY_RESOURCE, policy)]
    current_hook = dict(hook, secret='s3', method='GET')
    changes, steps = p.plan_action('ops', current_hook, policy, hook, policy)
    assert changes == ['webhook_method']
    assert steps == [('update', p.WEBHOOK_RESOURCE, dict(hook, secret='s3'))]
    changes, steps = p.plan_action('ops', None, policy, hook, policy)
    assert changes == ['webhook_type', 'webhook_url', 'webhook_method', 'webhook_headers']
    assert steps == [('create', p.WEBHOOK_RESOURCE, hook)]
    new_hook, new_policy = p.desired_records(params(display_name='Ops'))
    changes, steps = p.plan_action('ops', hook, policy, new_hook, new_policy)
    assert changes == ['display_name'] and [(v, r) for v, r, _ in steps] == [
        ('update', p.WEBHOOK_RESOURCE), ('update', p.POLICY_RESOURCE)]
    assert p.WEBHOOK_RESOURCE == 'sls.alert.action_webhook' and p.POLICY_RESOURCE == 'sls.alert.action_policy'


@pytest.mark.parametrize('over,problems', [
    ({'name': None}, [('name', 'must be 2-120 letters, digits, - or _, starting and ending with a letter or '
                               'digit, got None')]),
    ({'name': '_a'}, [('name', "must be 2-120 letters, digits, - or _, starting and ending with a letter or "
                               "digit, got '_a'")]),
    ({'name': 'a-'}, None), ({'name': 'x' * 122}, None),
    ({'display_name': ''}, [('display_name', 'must be 1-64 characters')]),
    ({'webhook_url': ''}, [('webhook_url', 'required with state=present')]),
    ({'webhook_url': 'http://'}, [('webhook_url', 'must be an http:// or https:// URL')]),
    ({'webhook_url': 'https:// h'}, None), ({'webhook_url': 'ftp://h'}, None), ({'webhook_url': 'xhttps://h'}, None),
    ({'webhook_headers': {'A': 'x', 'B': None}}, [('webhook_headers.B', 'must be a string')]),
    ({'state': 'absent', 'webhook_url': 'ftp://h', 'webhook_headers': {'A': 1}}, []),
])
def test_problems_exact(over, problems):
    got = p.action_problems(params(**over))
    if problems is None:
        assert [o for o, _ in got] == [sorted(over)[0]]
    else:
        assert got == problems


@pytest.mark.parametrize('name', ['ab', 'A_b-9', '9' * 2, 'Ops_Hook-1'])
def test_names_accepted(name):
    assert p.action_problems(params(name=name, display_name='x', webhook_headers=None)) == []
