"""Every play of the collection's playbooks that runs a task once for the whole play says `strategy: linear`.

A large fleet's ansible.cfg may choose the free strategy (`strategy = free`, ANSIBLE_STRATEGY), which each play
takes unless it names its own. Under it ansible-core refuses an action that bypasses the host loop (add_host:
"currently not supported in the free strategy") and runs a `run_once` task on every host, with a warning, so a
play holding either must keep to linear. The scan follows each play's tasks into the role task files it imports or
includes (import_role / include_role with tasks_from, a play's `roles:` and their dependencies, the roles'
handlers, include_tasks / import_tasks inside a role; a templated file name stands for all the role's task files),
blocks included. Running site.yml under free: test_site_optional_plays.py.
"""
import glob
import importlib
import os
import pkgutil

import ansible.plugins.action
import pytest
import yaml

from tests.support.playbook_runner import REPO_ROOT

ROLES = os.path.join(REPO_ROOT, 'roles')
PLAYBOOKS = sorted(glob.glob(os.path.join(REPO_ROOT, 'playbooks', '*.yml')))
PREFIXES = ('ansible.builtin.', 'ansible.legacy.', 'alicloud_ops.logging.')
ROLE_INCLUDES = ('import_role', 'include_role')
FILE_INCLUDES = ('import_tasks', 'include_tasks')


def bypassing_actions():
    """ansible-core's action plugins that run once for all hosts of a play (BYPASS_HOST_LOOP)."""
    names = set()
    for info in pkgutil.iter_modules(ansible.plugins.action.__path__):
        module = importlib.import_module('ansible.plugins.action.' + info.name)
        if getattr(getattr(module, 'ActionModule', None), 'BYPASS_HOST_LOOP', False):
            names.add(info.name)
    return names


BYPASSING = bypassing_actions()


def short(name):
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def load(path):
    with open(path) as handle:
        return yaml.safe_load(handle) or []


def role_tasks(role, tasks_from, seen):
    """Tasks once for the play in a role's task file (``main`` by default) and, for main, its dependencies'. A
    templated file name (chosen per host) stands for every task file of the role."""
    role = short(role)
    if '{{' in tasks_from:
        return [task for name in sorted(os.listdir(os.path.join(ROLES, role, 'tasks')))
                for task in role_tasks(role, name, seen)]
    name = tasks_from if tasks_from.endswith(('.yml', '.yaml')) else tasks_from + '.yml'
    path = os.path.join(ROLES, role, 'tasks', name)
    if path in seen:
        return []
    seen.add(path)
    found = []
    handlers = os.path.join(ROLES, role, 'handlers', 'main.yml')   # a role's handlers come with any of its entry points
    if handlers not in seen and os.path.exists(handlers):
        seen.add(handlers)
        found += once_tasks(load(handlers), role, seen)
    if tasks_from == 'main':
        meta = os.path.join(ROLES, role, 'meta', 'main.yml')
        for dependency in (load(meta) or {}).get('dependencies') or [] if os.path.exists(meta) else []:
            dependency = dependency['role'] if isinstance(dependency, dict) else dependency
            found += role_tasks(dependency, 'main', seen)
    if tasks_from == 'main' and not os.path.exists(path):
        return found   # a role of defaults and argument specs only (internal_common)
    return found + once_tasks(load(path), role, seen)


def once_tasks(tasks, role, seen):
    """The names of the tasks in ``tasks`` (of ``role``, or a play's when None) that run once for the play."""
    found = []
    for task in tasks or []:
        for section in ('block', 'rescue', 'always'):
            found += once_tasks(task.get(section), role, seen)
        if task.get('run_once'):
            found.append(task.get('name', '(unnamed)'))
        for key, value in task.items():
            action = short(key)
            if action in BYPASSING:
                found.append(task.get('name', action))
            elif action in ROLE_INCLUDES:
                found += role_tasks(value['name'], value.get('tasks_from', 'main'), seen)
            elif action in FILE_INCLUDES and role is not None:
                found += role_tasks(role, value if isinstance(value, str) else value['file'], seen)
    return found


def plays_running_once():
    """(playbook, play name, strategy, tasks once for the play) for every play of the collection's playbooks."""
    rows = []
    for path in PLAYBOOKS:
        for play in load(path):
            if 'hosts' not in play:
                continue
            seen = set()
            found = []
            for section in ('pre_tasks', 'tasks', 'post_tasks', 'handlers'):
                found += once_tasks(play.get(section), None, seen)
            for role in play.get('roles') or []:
                found += role_tasks(role['role'] if isinstance(role, dict) else role, 'main', seen)
            if found:
                rows.append((os.path.basename(path), play.get('name'), play.get('strategy'), found))
    return rows


def test_the_actions_that_bypass_the_host_loop_are_known():
    # What the free strategy refuses: if ansible-core adds one, the scan below looks for it too.
    assert {'add_host', 'pause'} <= BYPASSING
    assert 'group_by' not in BYPASSING and 'set_fact' not in BYPASSING


def test_the_scan_finds_the_plays_that_run_a_task_once():
    found = dict(((book, name), tasks) for book, name, _, tasks in plays_running_once())
    assert found[('site.yml', 'Hosts of the optional plays (network preflight, verify, alarms)')] == [
        'Each host joins the group of every optional play its settings turn on']
    assert found[('verify.yml', 'Each host writes a canary line')] == ['One run id for the fleet']
    assert found[('verify.yml', "The logstore's index covers the lines written from now on")] == [
        'Wait for the index to take effect (lines received before that are never searchable)']


@pytest.mark.parametrize('book, name, strategy, tasks', plays_running_once(),
                         ids=lambda value: value if isinstance(value, str) else None)
def test_a_play_running_a_task_once_keeps_to_linear(book, name, strategy, tasks):
    assert strategy == 'linear', '%s: play %r runs %s once for the play: add strategy: linear' % (book, name, tasks)


@pytest.mark.parametrize('task, found', [
    ({'name': 't', 'ansible.builtin.add_host': {'name': 'h'}}, ['t']),
    ({'name': 't', 'pause': {'seconds': 1}}, ['t']),
    ({'name': 't', 'ansible.builtin.set_fact': {'x': 1}, 'run_once': True}, ['t']),
    ({'name': 't', 'ansible.builtin.set_fact': {'x': 1}, 'run_once': False}, []),
    ({'name': 'b', 'block': [{'name': 'inner', 'ansible.builtin.debug': {}, 'run_once': True}]}, ['inner']),
    ({'name': 'r', 'ansible.builtin.import_role': {'name': 'alicloud_ops.logging.verify', 'tasks_from': 'canary'}},
     ['One run id for the fleet']),
    ({'name': 'g', 'ansible.builtin.group_by': {'key': 'k'}}, []),
])
def test_what_counts_as_once_for_the_play(task, found):
    assert once_tasks([task], None, set()) == found


def test_a_role_s_handlers_and_the_files_they_include_are_scanned():
    seen = set()
    role_tasks('alicloud_ops.logging.rsyslog_forward', 'main', seen)
    assert {os.path.join(ROLES, 'rsyslog_forward', 'handlers', 'main.yml'),
            os.path.join(ROLES, 'rsyslog_forward', 'tasks', 'restart.yml')} <= seen
