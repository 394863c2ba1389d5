"""sls_alert_action's pure planning: the webhook and action-policy records, and the URL never in a view."""
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
