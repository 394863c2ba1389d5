# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What sls_logtail_config does, decided on plain dicts (no SDK, no network): the checks of its options,
the body it wants, and the whole plan - config writes and machine group bindings - from what the service
holds now. The module only reads, runs the plan's steps in order and reports.

A Logtail config exists in one of two forms (legacy syslog config or pipeline config). Switching form means
deleting and recreating it, which drops every binding, so such a plan binds again all groups it keeps.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import (
    name_problem, pipeline_config_body, pipeline_problem, plan_attachments, plan_config, syslog_config_body)

FORMS = ('legacy', 'pipeline')


def logtail_config_problems(params):
    """['option: problem', ...] for the module's options; empty when they can work."""
    problems = [('project', name_problem('project', params['project'])),
                ('name', name_problem('config', params['name']))]
    if params['state'] == 'present':
        problems.append(('logstore', name_problem('logstore', params['logstore'])))
        if params['pipeline'] is not None:
            problems.append(('pipeline', pipeline_problem(params['pipeline'])))
        elif not params['tag']:
            problems.append(('tag', 'required for the syslog form (or give pipeline)'))
        elif not re.match(r'^\S+$', params['tag']):
            problems.append(('tag', 'must be one word: rsyslog sends it as a space-separated field, got %r'
                             % params['tag']))
    for group in params['machine_groups'] or []:
        problems.append(('machine_groups', name_problem('machine_group', group)))
    return ['%s: %s' % (field, problem) for field, problem in problems if problem]


def desired_body(params):
    """(form, API body) the options ask for; ('legacy', None) for state=absent."""
    if params['state'] != 'present':
        return 'legacy', None
    if params['pipeline'] is not None:
        return 'pipeline', pipeline_config_body(params['name'], params['logstore'], params['pipeline'],
                                                params['log_sample'])
    return 'legacy', syslog_config_body(params['name'], params['logstore'], params['tag'], params['local_storage'],
                                        params['input_detail'], params['log_sample'])


def other_form(form):
    return FORMS[1 - FORMS.index(form)]


def plan_logtail_config(params, current, groups_before):
    """The plan, a dict. current: the config_view the service holds (either form) or None; groups_before:
    the machine groups it is applied to.

    Keys: present, form, changes (changed keys, or ['created'] / ['form'] / ['deleted']), after (the
    planned view or None), attach / detach (group names), rebuild (delete before writing), write ('create',
    'update' or None) with write_body, check_logstore (the config is new in this form, so its logstore must
    exist), groups_after, and the diff's before / after views."""
    present = params['state'] == 'present'
    form, body = desired_body(params)
    plan = {'present': present, 'form': form, 'check_logstore': False, 'write': None, 'write_body': None}
    if not present:
        attach, detach, changes, after = [], list(groups_before), (['deleted'] if current else []), None
    else:
        plan['check_logstore'] = current is None or current['form'] != form
        after, changes = plan_config(current, body, form)
        wanted = params['machine_groups']
        if 'form' in changes and wanted is None:
            wanted = groups_before
        attach, detach = plan_attachments(groups_before, wanted, params['purge_machine_groups'])
        if 'form' in changes:
            keep = set(wanted or []) | (set() if params['purge_machine_groups'] else set(groups_before))
            attach, detach = sorted(keep), sorted(set(groups_before) - keep)
    rebuild = 'form' in changes or not present
    if present and changes:
        write_body = dict(body, inputDetail=after['inputDetail']) if form == 'legacy' else dict(body)
        if 'logSample' in after:
            write_body['logSample'] = after['logSample']
        plan['write'] = 'create' if current is None or rebuild else 'update'
        plan['write_body'] = write_body
    # Also after a form switch (attach is every kept group, detach the others) and for absent (detach is all).
    groups_after = sorted((set(groups_before) | set(attach)) - set(detach))
    plan.update(changes=changes, after=after, attach=attach, detach=detach, rebuild=rebuild,
                unbind=list(groups_before) if rebuild else list(detach), groups_after=groups_after)
    return plan


def result_views(current, after, groups_before, groups_after, present):
    """(before, after) views for the diff: the config plus the groups it is applied to."""
    before_view = dict(current, machine_groups=groups_before) if current else {}
    after_view = dict(after, machine_groups=groups_after) if present else {}
    return before_view, after_view
