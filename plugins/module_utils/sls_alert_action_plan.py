# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure planning for the sls_alert_action module: one webhook integration record and one action policy record whose
script fires to it. No SDK, no I/O.

Vendor facts (tools/alicloud_emulator/ALERTS.md section 2): both are account-level resource records [P1][D13]:
``sls.alert.action_webhook`` (id = value.id, tag = name; value ``{id, name, type, url, method, headers: [{key,
value}]}``) and ``sls.alert.action_policy`` (id = value.action_policy_id, tag = action_policy_name; value
``{action_policy_id, action_policy_name, labels, is_default, primary_policy_script, secondary_policy_script}``).
The script's ``fire(type="webhook", webhook_id="...")`` arguments naming a webhook integration are unconfirmed by
public sources; they are what the collection's emulator reads.

The webhook URL carries tokens (DingTalk, Slack) and a header may authenticate: views show the URL and the header
values as short SHA-256 fingerprints only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re

WEBHOOK_RESOURCE = 'sls.alert.action_webhook'
POLICY_RESOURCE = 'sls.alert.action_policy'
NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,118}[A-Za-z0-9]$')
URL_RE = re.compile(r'^https?://[^\s/]+')
METHODS = ('POST', 'GET', 'PUT')
VIEW_KEYS = ('display_name', 'webhook_type', 'webhook_url', 'webhook_method', 'webhook_headers', 'script')


def webhook_id(name):
    """The webhook record's id, derived from the policy's."""
    return '%s-webhook' % name


def fingerprint(url):
    """What a view shows of a webhook URL: never the URL (its query carries the channel's token)."""
    if not url:
        return ''
    return 'sha256:%s' % hashlib.sha256(url.encode('utf-8')).hexdigest()[:12]  # pragma: no mutate (equivalent: codec names are case-insensitive)


def policy_script(hook_id):
    """The action policy's primary script: fire every alert to the webhook integration."""
    return 'fire(type="webhook", webhook_id="%s", period="any")' % hook_id


def action_problems(params):
    """[(option, problem)] for options that cannot work; empty when fine."""
    problems = []
    if not NAME_RE.match(params['name'] or ''):
        problems.append(('name', 'must be 2-120 letters, digits, - or _, starting and ending with a letter or '
                                 'digit, got %r' % params['name']))
    display = params.get('display_name')
    if display is not None and not 1 <= len(display) <= 64:
        problems.append(('display_name', 'must be 1-64 characters'))
    if params['state'] == 'present':
        url = params.get('webhook_url')
        if not url:
            problems.append(('webhook_url', 'required with state=present'))
        elif not URL_RE.match(url):
            # The URL itself is not repeated: it may carry a token.
            problems.append(('webhook_url', 'must be an http:// or https:// URL'))
        for key, value in (params.get('webhook_headers') or {}).items():
            if not isinstance(value, str):
                problems.append(('webhook_headers.%s' % key, 'must be a string'))
    return problems


def desired_records(params):
    """(webhook value, policy value) the options describe."""
    name = params['name']
    display = params.get('display_name') or name
    hook_id = webhook_id(name)
    headers = params.get('webhook_headers') or {}
    hook = {'id': hook_id, 'name': display, 'type': params['webhook_type'], 'url': params['webhook_url'],
            'method': params['webhook_method'], 'headers': [{'key': k, 'value': headers[k]} for k in sorted(headers)]}
    policy = {'action_policy_id': name, 'action_policy_name': display, 'labels': {}, 'is_default': False,
              'primary_policy_script': policy_script(hook_id), 'secondary_policy_script': ''}
    return hook, policy


def view(name, hook, policy):
    """The pair as the module shows it (URL as a fingerprint); None when neither record exists."""
    if hook is None and policy is None:
        return None
    hook, policy = hook or {}, policy or {}
    return {
        'name': name,
        'display_name': policy.get('action_policy_name') or hook.get('name'),
        'webhook_id': webhook_id(name),
        'webhook_type': hook.get('type'),
        'webhook_url': fingerprint(hook.get('url')),
        'webhook_method': hook.get('method'),
        # Header values may authenticate the request (Authorization, a token): fingerprints only, like the URL.
        'webhook_headers': dict((h.get('key'), fingerprint(h.get('value', ''))) for h in hook.get('headers') or []),
        'script': policy.get('primary_policy_script'),
    }


def _record_differs(current, desired):
    """True when a desired key's value differs from the current record's (other keys are kept as they are)."""
    return current is None or any(current.get(k) != v for k, v in desired.items())


def plan_action(name, current_hook, current_policy, desired_hook, desired_policy):
    """(changes, steps). steps: [(verb, resource, record value)] in order, verb 'create' or 'update'; the webhook
    comes first, so the policy never names a webhook that does not exist. changes: ['created'] or the view keys
    that differ (webhook_url when the URL does)."""
    steps = []
    for resource, current, desired in ((WEBHOOK_RESOURCE, current_hook, desired_hook),
                                       (POLICY_RESOURCE, current_policy, desired_policy)):
        if _record_differs(current, desired):
            value = dict(current or {})
            value.update(desired)
            steps.append(('create' if current is None else 'update', resource, value))
    if current_hook is None and current_policy is None:
        return ['created'], steps
    before = view(name, current_hook, current_policy)  # pragma: no mutate (equivalent: name sets only name and webhook_id, not in VIEW_KEYS)
    after = view(name, desired_hook, desired_policy)  # pragma: no mutate (equivalent: name sets only name and webhook_id, not in VIEW_KEYS)
    changes = [k for k in VIEW_KEYS if before.get(k) != after.get(k)]
    if steps and not changes:
        changes = ['records']   # a key the view does not show (labels, is_default...) is put back
    return changes, steps
