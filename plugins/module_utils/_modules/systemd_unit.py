# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The systemd_unit module's code: it writes a verified unit file or drop-in and drives the unit.

plugins/modules/systemd_unit.py holds its documentation and calls main(). The code lives here, in
module_utils, so that converge_probe (plugins/module_utils/converge_probe.py) can run it in check mode beside
the other modules in one round trip. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import PROBE_SPEC
from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import option_at_fault
from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import guarded_spec
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_state import (
    FileSet, ValidationFailed, check_directory, summarize)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import refuse_bad_options
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_control import (
    Systemctl, make_verifier, systemd_is_running)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_plan import (
    enable_action, needs_daemon_reload, removal_actions, service_state_warning, summary, wanted_content)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_render import (
    UnitSpecError, unit_directories, unit_file_path)

ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True, aliases=['unit']),
    dropin=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    content=dict(type='str'),
    sections=dict(type='dict'),
    service_state=dict(type='str', choices=['started', 'stopped', 'restarted', 'reloaded']),
    enabled=dict(type='bool'),
    daemon_reload=dict(type='bool', default=False),
    unit_dir=dict(type='path', default='/etc/systemd/system'),
    root=dict(type='path'),
    verify=dict(type='bool', default=True),
    mode=dict(type='raw', default='0644'),
    owner=dict(type='str'),
    group=dict(type='str'),
    **PROBE_SPEC
)


def plan_file(module, p, content, path):
    """Plan the unit file (or drop-in): every check and the verify run before anything changes."""
    files = FileSet(module)
    field = 'dropin' if p['dropin'] else 'name'
    # Each directory on the way is checked under the option that names it, outermost first (read-only).
    for directory, directory_field in unit_directories(p['unit_dir'], p['name'], p['dropin'], p['root']):
        check_directory(directory, directory_field)
    if p['state'] == 'absent':
        files.absent(path, field=field, parent_field='unit_dir')
    elif content is not None:
        # systemd-analyze judges the text: the option that gave it is the one at fault.
        verifier = make_verifier(module, p['name'], p['dropin'], p['root'], p['unit_dir'],
                                 '%s: %s' % ('sections' if p['sections'] is not None else 'content', path)) \
            if p['verify'] else None
        files.want(path, content, mode=p['mode'], owner=p['owner'], group=p['group'], validate=verifier,
                   create_parent=True, field=field, parent_field='unit_dir')
    return files


def main():
    module = AnsibleModule(argument_spec=guarded_spec(ARGUMENT_SPEC), mutually_exclusive=[('content', 'sections')],
                           supports_check_mode=True)
    refuse_bad_options(module, multiline=('content',))
    p = module.params
    try:
        content = wanted_content(p)
        path = unit_file_path(p['unit_dir'], p['name'], p['dropin'], p['root'])
    except UnitSpecError as exc:
        module.fail_json(msg=str(exc), **option_at_fault(exc))
    check_mode = module.check_mode
    systemd_running = systemd_is_running()
    # Service state belongs to the running manager of this host, never to an image root.
    running_here = systemd_running and not p['root']
    ctl = Systemctl(module, p['name'], p['root'])
    try:
        files = plan_file(module, p, content, path)
    except ValidationFailed as exc:
        module.fail_json(msg=str(exc), path=path, **option_at_fault(exc))

    actions = []
    if p['state'] == 'absent' and not p['dropin'] and os.path.exists(path):
        actions = removal_actions(True, running_here, ctl.active_state() if running_here else None,
                                  ctl.is_enabled())
        if not check_mode:
            if 'stopped' in actions:
                ctl.apply('stopped', 'active', False)
            if 'disabled' in actions:
                ctl.set_enabled(False)
    try:
        results = files.commit()
    except ValidationFailed as exc:
        module.fail_json(msg=str(exc), path=path, actions=actions, **option_at_fault(exc))
    if p['state'] == 'absent' and p['dropin'] and results[0].changed and not check_mode:
        try:
            os.rmdir(os.path.dirname(path))   # only when no other drop-in is left
        except OSError:
            pass
    file_changed, diffs = summarize(results)
    content_changed = any(r.content_changed for r in results)

    daemon_reloaded = needs_daemon_reload(running_here, content_changed, p['daemon_reload'])
    if daemon_reloaded:
        if not check_mode:
            ctl.daemon_reload()
        actions.append('daemon-reload')

    enabled = None
    if p['state'] == 'present' and p['enabled'] is not None:
        # In check mode a unit file not written yet is not enabled.
        action = enable_action(p['enabled'], ctl.is_enabled())
        if action:
            if not check_mode:
                ctl.set_enabled(p['enabled'])
            actions.append(action)
        enabled = p['enabled']
    elif p['state'] == 'absent' and not p['dropin']:
        enabled = False

    active_state = None
    warning = service_state_warning(p['service_state'], p['name'], systemd_running, p['root'])
    if warning:
        module.warn(warning)
    elif p['service_state']:
        before = ctl.active_state()
        if ctl.apply(p['service_state'], before, check_mode):
            actions.append(p['service_state'])
        active_state = before if check_mode else ctl.active_state()

    result = dict(changed=file_changed or daemon_reloaded or bool(actions), path=path, state=p['state'],
                  verified=any(r.validated for r in results), actions=actions, daemon_reloaded=daemon_reloaded,
                  enabled=enabled, active_state=active_state, systemd_running=systemd_running,
                  msg=summary(path, p['name'], bool(results), file_changed, actions, [warning] if warning else []))
    if module._diff and diffs:
        result['diff'] = diffs[0] if len(diffs) == 1 else diffs
    module.exit_json(**result)
