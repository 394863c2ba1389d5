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
  - alicloud_ops.logging.converge_probe
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

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.systemd_unit import main


if __name__ == '__main__':
    main()
