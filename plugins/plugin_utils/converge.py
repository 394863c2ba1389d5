# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side of converge_probe: which task a probe's answer belongs to, and when a task may take it.

A probe (plugins/modules/converge_probe.py) runs the modules of the tasks after it in check mode on the host, in
one round trip. Its action plugin stamps each task it is given with a fingerprint (fingerprint()): the module,
its options and the settings that change what the module sees or does (check mode, diff mode, become, remote
user, environment). A later task's action plugin (ProbedModuleAction) computes its own fingerprint the same way
and takes the answer only when they are equal, the answer is usable, and no task given the same probe has
changed the host since (the SPENT_FACT fact, which such a task sets). Everything else runs the module as
ansible.builtin.normal would. Plain functions, unit-tested on dicts (tests/unit/plugins/plugin_utils).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import uuid

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import HOST_MODULES, SLS_MODULES

# How ansible-core's own action plugins (package, service) apply module_defaults to a module they pick: one name
# from 2.19 on, another before. With neither, the probe applies none, so tasks with module_defaults find no answer
# and run as usual.
try:
    from ansible.executor.module_common import _apply_action_arg_defaults
except ImportError:  # ansible-core 2.18
    _apply_action_arg_defaults = None
try:
    from ansible.executor.module_common import get_action_args_with_defaults
except ImportError:  # ansible-core 2.19 and later
    get_action_args_with_defaults = None

# The fact a task given a probe sets when its own run changed the host: the probe's answers after it no longer
# hold. Only the probe's id, which is new on every probe: no host data goes into the fact cache.
SPENT_FACT = 'alicloud_logging_probe_spent'
PROBE_OPTION = 'probe'
# A task's option naming the tasks after it: its own round trip then answers them (a probe it carries).
AFTER_OPTION = 'probe_after'
# Where such a task's result holds the probe it carried (the keys of a converge_probe task's result).
CARRIED_KEY = 'converge_probe'
PROBE_MODULE = 'alicloud_ops.logging.converge_probe'
SHORT_NAMES = HOST_MODULES + SLS_MODULES
# The key that marks a result as the probe's answer (the task made no round trip): the probe's id.
ANSWERED_KEY = 'answered_by_probe'


def task_settings(task, play_context, templar):
    """What, besides a task's module and options, changes what the module sees or does on the host."""
    environment = task.environment
    try:
        environment = templar.template(environment)
    except Exception:  # pylint: disable=broad-except
        # An environment that does not template here: compared as written (the task fails on it anyway).
        pass
    return dict(check_mode=bool(play_context.check_mode), diff=bool(play_context.diff),
                become=bool(play_context.become), become_user=play_context.become_user,
                become_method=play_context.become_method, remote_user=play_context.remote_user,
                environment=environment)


def full_name(module):
    """A module's fully qualified name; the collection's own may be given by their short names."""
    return 'alicloud_ops.logging.%s' % module if module in SHORT_NAMES else module


def fingerprint(module, args, settings, salt=''):
    """A stable digest of one task: module, options (without the probe options) and settings. The probe's random
    salt goes first, so that a digest shown in output says nothing about a secret among the options."""
    options = dict((key, value) for key, value in (args or {}).items() if key not in (PROBE_OPTION, AFTER_OPTION))
    text = json.dumps([module, options, settings], sort_keys=True, default=str, separators=(',', ':'))
    return hashlib.sha256((salt + text).encode('utf-8')).hexdigest()


def _without_omitted(value, omit):
    if isinstance(value, dict):
        return dict((k, _without_omitted(v, omit)) for k, v in value.items() if v != omit)
    if isinstance(value, list):
        return [_without_omitted(v, omit) for v in value]
    return value


def with_module_defaults(action, module, args, task_vars):
    """``args`` with the module_defaults the task of ``action`` (an action plugin) has for ``module`` filled in: what
    a task of that module in the same place would be given. As ansible-core's own package and service action
    plugins do it, on each release."""
    task = action._task
    if _apply_action_arg_defaults is not None:
        return _apply_action_arg_defaults(module, task, dict(args), action._templar)
    if get_action_args_with_defaults is None:
        return dict(args)
    merged = get_action_args_with_defaults(module, dict(args), task.module_defaults, action._templar,
                                           action_groups=task._parent._play._action_groups)
    # ansible-core 2.18 takes default(omit) out of the task's arguments after this step: so here.
    return _without_omitted(merged, task_vars.get('omit'))


def entries(value, name):
    """The tasks a probe is given (``tasks``, ``ahead``, ``probe_after``): a list of {module, args} mappings, in
    which an element that is itself a list (a role variable holding entries) stands for its own elements."""
    flat = []
    for element in value if isinstance(value, list) else [None]:
        flat.extend(element if isinstance(element, list) else [element])
    if not isinstance(value, list) or not all(isinstance(task, dict) for task in flat):
        raise AnsibleActionFail('%s: a list of mappings (module, args) is required' % name)
    return flat


def plan(action, tasks, task_vars):
    """(module, args) of each entry as a task of it in the place of ``action`` would get them: the full module
    name, and the module_defaults of that place."""
    planned = [(full_name(task.get('module')), task.get('args') or {}) for task in tasks]
    return [(module, with_module_defaults(action, module, args, task_vars)) for module, args in planned]


def stamp(planned, settings):
    """(salt, entries): a new random salt and each planned task with its fingerprint under it, as sent to the host."""
    salt = uuid.uuid4().hex
    return salt, [dict(module=module, args=args, key=fingerprint(module, args, settings, salt))
                  for module, args in planned]


def probe_fields(outcome, salt, stamped, place):
    """What a probe's result holds besides its answers: its id and salt, the fingerprints it was given and where
    it ran (for reuse_answers())."""
    return dict(probe_id=uuid.uuid4().hex, salt=salt, fingerprints=[task['key'] for task in stamped],
                play=place[0], role_position=place[1], check_mode=outcome.get('check_mode'),
                answers=outcome.get('answers') or [], answered=outcome.get('answered') or 0)


def probe_data(value):
    """A probe's result from what a task was given: a converge_probe task's registered result, or the result of a
    task that carried a probe (probe_after), which holds it under CARRIED_KEY; {} for anything else."""
    if not isinstance(value, dict):
        return {}
    if isinstance(value.get(CARRIED_KEY), dict):
        carried = dict(value[CARRIED_KEY])
        carried.setdefault('failed', value.get('failed'))
        return carried
    return value


def find_answer(probe, key, spent):
    """(result, reason): the probe's usable answer for the task of fingerprint ``key``, or None and why not."""
    probe = probe_data(probe)
    if not probe.get('probe_id'):
        return None, 'the probe did not run on this host'
    if probe.get('probe_id') == spent:
        return None, 'a task given this probe changed the host since'
    for answer in probe.get('answers') or ():
        if answer.get('key') == key:
            if answer.get('usable') and isinstance(answer.get('result'), dict):
                return dict(answer['result']), None
            return None, answer.get('reason') or 'no usable answer'
    return None, 'the probe has no answer for these options and settings'


def probe_place(task):
    """(play, position): the play a probe task runs in (its uuid) and the position of its role in the play's
    ``roles:`` list, or None where the task is not of a role listed there (import_role and include_role, whose
    roles ansible-core appends to the same list marked from_include, or a play's own tasks). Roles listed in
    ``roles:`` run one after another, each after its dependencies, with no task of the play between them."""
    play = task._parent._play if task._parent is not None else None
    if play is None:
        return None, None
    role = task._role
    position = None
    if role is not None and not role.from_include:
        listed = [each for each in play.get_roles() if not each.from_include]
        for index, each in enumerate(listed):
            # The same role object in the controller, a copy of it in a worker: the same uuid.
            if each._uuid == role._uuid:
                position = index
                break
    return play._uuid, position


def reuse_answers(earlier, keys, spent, place):
    """(result, reason): a probe's result for the tasks of fingerprints ``keys`` taken from the ``earlier`` probe's
    run, without a round trip of its own, or None and why not.

    It holds only when the earlier probe ran in the same play, for the role listed right before this one in the
    play's ``roles:`` (so that no other task ran in between but that role's own), was given every one of these
    tasks (its ``ahead``) and has not been spent since (no task given it changed the host). Its answers are then
    what this probe would read now. ``keys`` are hashed with the earlier probe's salt.

    Where the earlier probe was carried by a task that changed the host (its role's first task: a new host, or an
    upgrade) and then found the very next task would change it too, so that it answered nothing at all, this probe
    makes no round trip either, and answers nothing: on such a host these tasks have changes to make, and each makes
    its own round trip anyway."""
    earlier = probe_data(earlier)
    if not earlier.get('probe_id') or earlier.get('failed'):
        return None, 'the earlier probe did not run on this host'
    new_host = bool(earlier.get('after_change') and not earlier.get('answered') and not earlier.get('check_mode'))
    if earlier.get('probe_id') == spent and not new_host:
        return None, 'a task given the earlier probe changed the host since'
    play, position = place
    earlier_play, earlier_position = earlier.get('play'), earlier.get('role_position')
    if play is None or earlier_play != play or position is None or earlier_position is None \
            or earlier_position + 1 != position:
        return None, "the earlier probe is not of the role right before this one in the play's roles"
    given = earlier.get('fingerprints') or []
    if not keys or any(key not in given for key in keys):
        return None, 'the earlier probe was not given these tasks'
    answers = [answer for answer in earlier.get('answers') or () if answer.get('key') in keys]
    if new_host:
        answers = []
    return dict(changed=False, check_mode=earlier.get('check_mode'), answers=answers,
                answered=sum(1 for answer in answers if answer.get('usable')), probe_id=earlier['probe_id'],
                salt=earlier['salt'], fingerprints=list(keys), play=play, role_position=position,
                **{ANSWERED_KEY: earlier['probe_id']}), None


class ProbedModuleAction(ActionBase):
    """A module's action plugin: its answer from a probe where one holds, else the module's own run; with
    probe_after, that run carries a probe of the tasks after it (converge_probe's `run`), in the same round trip."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ProbedModuleAction, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        args = dict(self._task.args)
        probe = args.pop(PROBE_OPTION, None)
        after = args.pop(AFTER_OPTION, None)
        wrap_async = self._task.async_val
        module = self._task.resolved_action
        given = probe_data(probe)
        local = not wrap_async and not self._task.delegate_to
        # Only for a task given a probe or probe_after: task_settings() templates the task's environment.
        settings = task_settings(self._task, self._play_context, self._templar) \
            if local and (probe is not None or after) else None
        if probe is not None and local:
            key = fingerprint(module, args, settings, given.get('salt', ''))
            spent = (task_vars.get('ansible_facts') or {}).get(SPENT_FACT)
            answer, reason = find_answer(given, key, spent)
            if answer is not None:
                self._display.vvv('%s: answered by converge_probe %s (no round trip)' % (module, given['probe_id']))
                answer[ANSWERED_KEY] = given['probe_id']
                return merge_hash(result, answer)
            self._display.vvv('%s: runs on the host: %s' % (module, reason))
        if after and local:
            outcome = self._carry(module, args, entries(after, AFTER_OPTION), settings, task_vars)
        else:
            outcome = self._execute_module(module_name=module, module_args=args, task_vars=task_vars,
                                           wrap_async=wrap_async)
        spent_id = given.get('probe_id')
        if spent_id and outcome.get('changed') and not self._play_context.check_mode:
            outcome['ansible_facts'] = merge_hash(outcome.get('ansible_facts') or {}, {SPENT_FACT: spent_id})
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return merge_hash(result, outcome)

    def _carry(self, module, args, after, settings, task_vars):
        """This task's own run and, in the same round trip, a probe of the tasks ``after`` it: the run's result,
        with the probe under CARRIED_KEY."""
        salt, stamped = stamp(plan(self, after, task_vars), settings)
        outcome = self._execute_module(module_name=PROBE_MODULE, task_vars=task_vars,
                                       module_args=dict(run=dict(module=module, args=args), tasks=stamped))
        own = outcome.pop('run_result', None)
        if not isinstance(own, dict):
            # The probe itself did not run (its own failure, e.g. no Python on the host): that is the task's.
            return outcome
        carried = probe_fields(outcome, salt, stamped, probe_place(self._task))
        # Its answers were read after this task's own change, which therefore does not spend them.
        carried['after_change'] = bool(own.get('changed'))
        own[CARRIED_KEY] = carried
        return own
