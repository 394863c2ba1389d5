# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the collection's host modules in check mode, in this one process, and collect their results.

converge_probe (plugins/modules/converge_probe.py) calls answer_tasks() with the tasks a role is about to run.
Each module's own main() runs, unchanged, in check mode against the host as it is now: the same code, reads and
commands as the task itself would run, so its answer is the task's. The controller side
(plugins/plugin_utils/converge.py) then answers each task from here when nothing can have changed since, and
runs the module only where something differs: an unchanged host costs this one round trip instead of one a task.

What it relies on of ansible-core's module runtime, the same on every release the collection supports (2.18 to
2.21; tests/unit/plugins/module_utils/test_converge_probe.py runs on each under `make units`):
- AnsibleModule reads its arguments from ansible.module_utils.basic._ANSIBLE_ARGS (JSON bytes) when it is set,
  as ansible-core's own unit-test helpers set it;
- exit_json and fail_json print the result as JSON on stdout and raise SystemExit;
- module warnings and deprecations gather in ansible.module_utils.common.warnings until the result is printed.
Anything else (an exception, output that is not a result) makes that task unanswered: it then runs as usual.
Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import sys
import traceback

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as warning_store

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import (
    SLS_MODULES, logtail_agent, logtail_config, rsyslog_dropin, systemd_unit,
)

# The host modules a probe can answer for, by their fully qualified names, loaded with this file.
MODULES = {
    'alicloud_ops.logging.logtail_agent': logtail_agent.main,
    'alicloud_ops.logging.logtail_config': logtail_config.main,
    'alicloud_ops.logging.rsyslog_dropin': rsyslog_dropin.main,
    'alicloud_ops.logging.systemd_unit': systemd_unit.main,
}
# And the Log Service modules (SLS_MODULES; the log_service role's probe, on the controller): loaded when asked for.
ANSWERABLE = tuple(sorted(list(MODULES) + ['alicloud_ops.logging.%s' % name for name in SLS_MODULES]))


def _sls_main(short):
    # Each import written out: AnsiballZ bundles only the module_utils a module names, and so the sls_* modules'
    # code (with the Log Service SDK it imports) is loaded only where a probe answers for them.
    # pylint: disable=import-outside-toplevel
    if short == 'sls_index':
        from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import sls_index as code
    elif short == 'sls_logstore':
        from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import sls_logstore as code
    elif short == 'sls_logtail_config':
        from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import sls_logtail_config as code
    elif short == 'sls_logtail_config_info':
        from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import (
            sls_logtail_config_info as code)
    elif short == 'sls_machine_group':
        from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import sls_machine_group as code
    elif short == 'sls_project':
        from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import sls_project as code
    else:
        raise KeyError(short)
    return code.main


def module_main(name):
    """The main() of the module ``name`` (fully qualified)."""
    if name in MODULES:
        return MODULES[name]
    return _sls_main(name[len('alicloud_ops.logging.'):])


def internal_arguments(own):
    """The `_ansible_*` settings of the probe's own run (verbosity, temporary dirs, diff, syslog...), for the
    modules it runs: they are the ones the controller would give each task of the same play."""
    return dict((key, value) for key, value in own.items() if key.startswith('_ansible_'))


def _clear_warnings():
    # A list on ansible-core 2.18, a dict from 2.19 on: both clear().
    for name in ('_global_warnings', '_global_deprecations'):
        store = getattr(warning_store, name, None)
        if store is not None:
            store.clear()


def _parse_result(text):
    for line in reversed(text.strip().splitlines()):
        if line.startswith('{'):
            return json.loads(line)
    raise ValueError('no module result in its output: %r' % text[-500:])


def run_module(main, args, internal, check=True):
    """(result, error): what ``main`` returns for ``args``, run in this process: in check mode (``check``), or with
    the settings in ``internal`` as they are (a task carrying the probe: its own run, see carry()).

    ``error`` is a one-line reason when the run gave no result (an exception, no JSON); the result of a module
    that failed is a result (its `failed` is true). The module's stdout is captured; its arguments, warnings and
    stdout are put back as they were afterwards, so several modules run one after another without mixing.
    """
    payload = dict(internal)
    payload.update(args)
    if check:
        payload['_ansible_check_mode'] = True
        # No syslog line for a check run: the module's own run logs its invocation when it runs. (no_log in a
        # module's internal settings only turns that logging off; results are masked by each option's no_log.)
        payload['_ansible_no_log'] = True
    saved_args = basic._ANSIBLE_ARGS
    parsed = hasattr(basic, '_PARSED_MODULE_ARGS')
    saved_parsed = getattr(basic, '_PARSED_MODULE_ARGS', None)
    saved_stdout = sys.stdout
    captured = io.StringIO()
    _clear_warnings()
    basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': payload}).encode('utf-8')
    sys.stdout = captured
    try:
        main()
    except SystemExit:
        pass
    except Exception:  # pylint: disable=broad-except
        # Anything the module raises makes this task unanswered; the task's own run reports it.
        return None, traceback.format_exc().strip().splitlines()[-1]
    finally:
        sys.stdout = saved_stdout
        basic._ANSIBLE_ARGS = saved_args
        if parsed:
            basic._PARSED_MODULE_ARGS = saved_parsed
        _clear_warnings()
    try:
        return _parse_result(captured.getvalue()), None
    except ValueError as exc:
        return None, str(exc)


def usable(result, check_mode):
    """Whether a task may take ``result`` as its own: a result that did not fail and carries no warnings or
    deprecations (which the controller shows from the task's own run); outside check mode, one that changes
    nothing (a change must happen in the task's own run)."""
    if result is None or result.get('failed') or result.get('warnings') or result.get('deprecations'):
        return False
    return check_mode or not result.get('changed')


def answer_tasks(tasks, internal, check_mode):
    """One answer per task, in order: {key, module, usable, and result (usable) or reason (not)}.

    Outside check mode the probe stops after the first task that would change the host or fail (or gave no
    result): what the probe read for the tasks after it may no longer hold when they run. A task whose answer is
    unusable only for its warnings changes nothing, so the probe goes on past it.
    """
    answers = []
    for task in tasks:
        own = dict(internal, _ansible_module_name=task['module'])
        result, error = run_module(module_main(task['module']), task.get('args') or {}, own)
        answer = dict(key=task['key'], module=task['module'], usable=usable(result, check_mode))
        if answer['usable']:
            answer['result'] = result
        else:
            answer['reason'] = error or result.get('msg') or 'it would change the host'
        answers.append(answer)
        if not check_mode and (result is None or result.get('failed') or result.get('changed')):
            break
    return answers


def carry(run, tasks, internal, check_mode):
    """(result, answers): a task's own run, then the answers for ``tasks`` read on the host as that run left it.

    ``run`` is the task carrying the probe ({module, args}): it runs with the probe's own settings, which are that
    task's (check mode, diff, no_log...), for real outside check mode. Its result is the task's result; a failure
    (or a run that gave no result) answers nothing. The tasks after it are answered by answer_tasks(), so outside
    check mode up to the first that would change the host: the carrying task's own change happened before they
    were read, and so does not spend them.
    """
    if run['module'] not in ANSWERABLE:
        return dict(failed=True, msg='run: %s is not a module converge_probe can run' % run['module']), []
    own = dict(internal, _ansible_module_name=run['module'])
    result, error = run_module(module_main(run['module']), run.get('args') or {}, own, check=False)
    if result is None:
        return dict(failed=True, msg='MODULE FAILURE: %s' % error), []
    if result.get('failed'):
        return result, []
    return result, answer_tasks(tasks, internal, check_mode)
