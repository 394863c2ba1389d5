#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: systemd_unit
short_description: Manage a systemd unit file or drop-in, and the unit's enabled and running state
description:
  - Writes a unit file C(<unit_dir>/<name>) or, with O(dropin), a drop-in C(<unit_dir>/<name>.d/<dropin>.conf),
    from raw O(content) or from a O(sections) mapping in which a list value becomes repeated keys.
  - The candidate is checked with C(systemd-analyze verify) (when installed) before it replaces anything;
    a refused candidate fails with systemd's own message and the old file stays byte-identical.
  - Runs C(systemctl daemon-reload) only when a file really changed, then applies O(enabled) and
    O(service_state).
  - Works where systemd is not PID 1 (image baking with Packer, chroots, containers without systemd); it
    detects this by the absence of C(/run/systemd/system). There it writes the file and enables the unit
    offline (C(systemctl enable) works on symlinks without a running manager), does not start or stop
    anything, and says so in RV(msg) and a warning. With O(root), every systemctl call uses C(--root) and
    the service state is never applied.
  - Leave out O(content) and O(sections) to manage only the enabled and running state of an existing unit.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  name:
    description:
      - Unit name with its suffix, e.g. C(ilogtaild.service) or C(getty@tty1.service).
      - A name beginning with C(-) is refused (systemctl would read it as an option; every systemctl call also
        passes C(--) before the name).
      - A template without an instance (C(getty@.service)) can be written, but not given O(service_state), nor
        O(enabled=true) unless its text sets C(DefaultInstance=); such a request is refused before the file is
        written.
    type: str
    required: true
    aliases: [unit]
  dropin:
    description:
      - Manage the drop-in C(<name>.d/<dropin>.conf) instead of the unit file. C(.conf) is added if missing.
    type: str
  state:
    description:
      - V(present) writes the file when O(content) or O(sections) is given.
      - V(absent) removes the file. For a unit file (not a drop-in) the unit is first stopped (when systemd
        runs) and disabled, so no dangling C(.wants/) links are left behind.
    type: str
    choices: [present, absent]
    default: present
  content:
    description:
      - Raw file content, written as given (multi-line). Mutually exclusive with O(sections).
      - Empty or blank content is refused before anything is written (systemd reads an empty unit file as a
        masked unit); use O(state=absent) to remove a file.
    type: str
  sections:
    description:
      - Mapping of section name to a mapping of keys, rendered in the given order under a "Managed by
        Ansible" comment. A list value becomes one C(Key=) line per item (use V("") as the first item to
        reset a list setting such as C(ExecStart) in a drop-in); booleans become C(yes)/C(no).
      - Mutually exclusive with O(content).
    type: dict
  service_state:
    description:
      - V(started) and V(stopped) act only when needed; V(restarted) always restarts; V(reloaded) reloads a
        running unit (C(reload-or-restart)) and starts a stopped one.
      - Not applied when systemd is not running or O(root) is set; a warning says so.
    type: str
    choices: [started, stopped, restarted, reloaded]
  enabled:
    description: Whether the unit starts at boot. Applied offline when systemd is not running.
    type: bool
  daemon_reload:
    description:
      - Force C(systemctl daemon-reload) even when this task changed no file (e.g. in a handler after other
        tasks wrote units). A changed file always triggers one.
    type: bool
    default: false
  unit_dir:
    description: Directory for unit files, inside O(root) when that is set.
    type: path
    default: /etc/systemd/system
  root:
    description:
      - Operate on the system tree below this directory (an image or chroot being built), like
        C(systemctl --root). Service state is never applied there.
    type: path
  verify:
    description:
      - Check the candidate with C(systemd-analyze verify) before writing. Any line about the new file
        (unknown key, unparsable value, missing executable) refuses it, and so does a non-zero exit when
        O(root) is not set. Skipped when C(systemd-analyze) is not installed (RV(verified) is then false).
    type: bool
    default: true
  mode:
    description:
      - File mode of the unit file or drop-in, octal (V('0644')) or symbolic (V('u=rw,go=r')).
      - Set explicitly, so the umask does not matter. A bad mode, an unknown O(owner) or O(group), or a
        directory in the file's place fails before anything on the host changes.
      - A mode with the setuid, setgid or sticky bit, or that lets others write (for example V('0666'),
        V('o+w')), is refused, because systemd, running as root, reads the file.
    type: raw
    default: '0644'
  owner:
    description: Owner of the file; left as is when unset.
    type: str
  group:
    description: Group of the file; left as is when unset.
    type: str
requirements:
  - C(systemctl) on the target (systemd), for daemon-reload, enable and start/stop.
  - C(systemd-analyze) on the target, optional; without it the candidate is not verified (RV(verified) is false).
extends_documentation_fragment:
  - alicloud_ops.logging.attributes
  - alicloud_ops.logging.attributes.posix
  - alicloud_ops.logging.input_checks
attributes:
  check_mode:
    description: Reports what would change (file diff, enable, start/stop) without changing anything.
    support: full
  diff_mode:
    description: Shows the before and after text of the unit file or drop-in.
    support: full
  platform:
    description: Linux hosts with systemd installed; systemd need not be running.
    support: full
    platforms: posix
notes:
  - A native unit in C(/etc/systemd/system) named like a SysV script (C(ilogtaild.service) beside
    C(/etc/init.d/ilogtaild)) takes precedence over the unit the SysV generator makes.
seealso:
  - module: ansible.builtin.systemd_service
'''

EXAMPLES = r'''
- name: Run Logtail under systemd and restart it when it dies
  alicloud_ops.logging.systemd_unit:
    name: ilogtaild.service
    sections:
      Unit:
        Description: Alibaba Cloud Logtail agent
        After: [network-online.target]
        Wants: [network-online.target]
      Service:
        Type: forking
        ExecStart: /etc/init.d/ilogtaild start
        ExecStop: /etc/init.d/ilogtaild stop
        Restart: always
        RestartSec: 2
      Install:
        WantedBy: multi-user.target
    enabled: true
    service_state: started

- name: Raise a limit with a drop-in (ilogtaild.service.d/10-limits.conf)
  alicloud_ops.logging.systemd_unit:
    name: ilogtaild.service
    dropin: 10-limits
    content: |
      [Service]
      LimitNOFILE=65536

- name: Enable a unit inside an image root being baked (never started)
  alicloud_ops.logging.systemd_unit:
    name: ilogtaild.service
    root: /mnt/image
    content: "{{ lookup('file', 'ilogtaild.service') }}"
    enabled: true

- name: Remove the unit (stops and disables it first)
  alicloud_ops.logging.systemd_unit:
    name: ilogtaild.service
    state: absent
'''

RETURN = r'''
path:
  description: The unit file or drop-in managed.
  returned: always
  type: str
  sample: /etc/systemd/system/ilogtaild.service
state:
  description: Whether the file is present or absent afterwards (in check mode, would be).
  returned: always
  type: str
  sample: present
verified:
  description: Whether C(systemd-analyze verify) checked a new candidate in this run.
  returned: always
  type: bool
daemon_reloaded:
  description: Whether C(systemctl daemon-reload) ran (in check mode, would run).
  returned: always
  type: bool
enabled:
  description: Whether the unit is enabled afterwards; null when O(enabled) was not given.
  returned: always
  type: bool
active_state:
  description: The unit's C(systemctl is-active) answer afterwards; null when systemd is not running or
    O(root) is set, or no O(service_state) was given.
  returned: always
  type: str
  sample: active
systemd_running:
  description: Whether systemd is PID 1 on the host (C(/run/systemd/system) exists).
  returned: always
  type: bool
actions:
  description: What was done to the unit (in check mode, would be done), in order.
  returned: always
  type: list
  elements: str
  sample: [daemon-reload, enabled, started]
msg:
  description: A summary, including why the service state was not applied.
  returned: always
  type: str
'''

import os

from ansible.module_utils.basic import AnsibleModule

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


if __name__ == '__main__':
    main()
