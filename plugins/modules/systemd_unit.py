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
    description: Unit name with its suffix, e.g. C(ilogtaild.service) or C(getty@tty1.service).
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
    description: Raw file content, written as given. Mutually exclusive with O(sections).
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
    description: File mode of the unit file or drop-in.
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

from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_state import (
    ValidationFailed, ensure_absent, ensure_file, summarize)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_control import (
    Systemctl, make_verifier, systemd_is_running)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_render import (
    UnitSpecError, normalize_dropin_name, render_sections, unit_file_path, validate_unit_name)

STARTING_STATES = ('started', 'restarted', 'reloaded')


def wanted_content(params):
    if params['sections'] is not None:
        return render_sections(params['sections'])
    return params['content']


def check_params(module):
    p = module.params
    try:
        validate_unit_name(p['name'])
        if p['dropin'] is not None:
            normalize_dropin_name(p['dropin'])
        if p['state'] == 'absent' and (p['content'] is not None or p['sections'] is not None):
            raise UnitSpecError('content/sections: not allowed with state=absent')
        if p['state'] == 'absent' and not p['dropin'] and (
                p['enabled'] or p['service_state'] in STARTING_STATES):
            raise UnitSpecError('state=absent removes the unit; it cannot also be enabled=true or '
                                'service_state=%s' % p['service_state'])
        return wanted_content(p)
    except UnitSpecError as exc:
        module.fail_json(msg=str(exc))


def remove_unit_first(ctl, running_here, check_mode, path):
    """Stop and disable a unit about to be removed; returns the actions taken."""
    actions = []
    if not os.path.exists(path):
        return actions
    if running_here and ctl.apply('stopped', ctl.active_state(), check_mode):
        actions.append('stopped')
    if ctl.is_enabled():
        if not check_mode:
            ctl.set_enabled(False)
        actions.append('disabled')
    return actions


def main():
    module = AnsibleModule(
        argument_spec=dict(
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
        ),
        mutually_exclusive=[('content', 'sections')],
        supports_check_mode=True,
    )
    p = module.params
    content = check_params(module)
    check_mode = module.check_mode
    root = p['root']
    path = unit_file_path(p['unit_dir'], p['name'], p['dropin'], root)
    systemd_running = systemd_is_running()
    # Service state belongs to the running manager of this host, never to an image root.
    running_here = systemd_running and not root
    ctl = Systemctl(module, p['name'], root)
    actions = []

    results = []
    if p['state'] == 'absent':
        if not p['dropin']:
            actions.extend(remove_unit_first(ctl, running_here, check_mode, path))
        results.append(ensure_absent(module, path))
        if p['dropin'] and results[0].changed and not check_mode:
            try:
                os.rmdir(os.path.dirname(path))   # only when no other drop-in is left
            except OSError:
                pass
    elif content is not None:
        verifier = make_verifier(module, p['name'], p['dropin'], root, p['unit_dir']) if p['verify'] else None
        try:
            results.append(ensure_file(module, path, content, mode=p['mode'], owner=p['owner'],
                                       group=p['group'], validate=verifier, create_parent=True))
        except ValidationFailed as exc:
            module.fail_json(msg='%s: %s' % (path, exc), path=path)
    file_changed, diffs = summarize(results)
    content_changed = any(r.content_changed for r in results)
    verified = any(r.validated for r in results)

    daemon_reloaded = False
    if running_here and (content_changed or p['daemon_reload']):
        if not check_mode:
            ctl.daemon_reload()
        daemon_reloaded = True
        actions.append('daemon-reload')

    enabled = None
    if p['enabled'] is not None and p['state'] == 'present':
        # In check mode a unit file not written yet is not enabled.
        if ctl.is_enabled() != p['enabled']:
            if not check_mode:
                ctl.set_enabled(p['enabled'])
            actions.append('enabled' if p['enabled'] else 'disabled')
        enabled = p['enabled']
    elif p['state'] == 'absent' and not p['dropin']:
        enabled = False

    active_state = None
    warnings = []
    if p['service_state']:
        if running_here:
            before = ctl.active_state()
            if ctl.apply(p['service_state'], before, check_mode):
                actions.append(p['service_state'])
            active_state = before if check_mode else ctl.active_state()
        else:
            why = ('root=%s is an offline system tree' % root) if root else \
                'systemd is not running on this host (no /run/systemd/system)'
            warnings.append('service_state=%s was not applied to %s: %s; the unit file and the enabled '
                            'state are handled offline' % (p['service_state'], p['name'], why))
    for warning in warnings:
        module.warn(warning)

    changed = file_changed or daemon_reloaded or bool(actions)
    msg = '%s %s' % (path, 'changed' if file_changed else 'unchanged') if results else p['name']
    if actions:
        msg += '; ' + ', '.join(actions)
    if warnings:
        msg += '; ' + warnings[0]
    result = dict(changed=changed, path=path, state=p['state'], verified=verified, actions=actions,
                  daemon_reloaded=daemon_reloaded, enabled=enabled, active_state=active_state,
                  systemd_running=systemd_running, msg=msg)
    if module._diff and diffs:
        result['diff'] = diffs[0] if len(diffs) == 1 else diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
