"""Run a module's main() in-process with given args; capture exit_json / fail_json.

Usage:
    result = run_module(rsyslog_dropin.main, {'name': 'x', ...}, check_mode=True)
    result.failed, result.changed, result.data['diff'] ...
"""
import contextlib
import json
from unittest import mock

from ansible.module_utils import basic

try:
    from ansible.module_utils import _internal as module_internal
except ImportError:  # ansible-core < 2.19 has no controller/target switch for module warnings
    module_internal = None

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19, which `make units` also runs (UNITS_CORE_VERSIONS): how those read args
    @contextlib.contextmanager
    def patch_module_args(args=None):
        with mock.patch.object(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode()):
            yield


class ModuleExit(Exception):
    def __init__(self, data, failed):
        super().__init__(data.get('msg', ''))
        self.data = data
        self.failed = failed


class ModuleResult:
    def __init__(self, data, failed):
        self.data = data
        self.failed = failed
        self.changed = bool(data.get('changed'))
        self.msg = data.get('msg', '')

    def __repr__(self):
        return 'ModuleResult(failed=%r, data=%s)' % (self.failed, json.dumps(self.data, default=str)[:2000])


def _exit_json(self, **kwargs):
    raise ModuleExit(kwargs, failed=False)


def _fail_json(self, msg='', **kwargs):
    kwargs['msg'] = msg
    raise ModuleExit(kwargs, failed=True)


def run_module(main, args, check_mode=False, diff=False):
    args = dict(args)
    args['_ansible_check_mode'] = check_mode
    args['_ansible_diff'] = diff
    with contextlib.ExitStack() as stack:
        stack.enter_context(patch_module_args(args))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, 'exit_json', _exit_json))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, 'fail_json', _fail_json))
        # Once any test imports controller code (ansible.template, the inventory plugin), ansible-core 2.19 marks
        # the process as the controller and module warnings go to Display instead of the module's result. A
        # module runs on a target: keep it that way here, whatever ran before in this process.
        if module_internal is not None and hasattr(module_internal, 'is_controller'):
            stack.enter_context(mock.patch.object(module_internal, 'is_controller', False))
        try:
            main()
        except ModuleExit as done:
            return ModuleResult(done.data, done.failed)
    raise AssertionError('module returned without exit_json or fail_json')
