#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: converge_probe
short_description: Answer, in one round trip, whether the host tasks after it would change anything
description:
  - Runs the modules of the given O(tasks) in check mode, one after another, in one process on the host, and
    returns each one's result. Each is the module's own code, reading the host as the task itself would.
  - A later task of one of these modules that passes the registered result as its C(probe) option returns its
    answer instead of running on the host, when the answer is for exactly that task's options and settings and
    changes nothing. On a host that is already converged, a role's module tasks then cost this one round trip
    instead of one each; wherever something differs, that task and every task after it run as usual.
  - Outside check mode the probe stops at the first task that would change the host or fail, because the tasks
    after it run on the host as that task leaves it, not as the probe saw it. A task whose answer carries
    warnings runs on the host too (so that they show), but the probe goes on past it.
  - Never changes anything itself. A task of one of these modules given C(probe_after) carries a probe instead of
    needing this task. Its action plugin runs this module with O(run), the task's own module and options, which
    runs first (and changes the host as the task would), and then the tasks after it, read as that run left the
    host, in the same round trip.
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  tasks:
    description:
      - The tasks to answer for, in the order they run.
    type: list
    elements: dict
    required: true
    suboptions:
      module:
        description:
          - The task's module.
        type: str
        required: true
        choices:
          - alicloud_ops.logging.logtail_agent
          - alicloud_ops.logging.logtail_config
          - alicloud_ops.logging.rsyslog_dropin
          - alicloud_ops.logging.sls_index
          - alicloud_ops.logging.sls_logstore
          - alicloud_ops.logging.sls_logtail_config
          - alicloud_ops.logging.sls_logtail_config_info
          - alicloud_ops.logging.sls_machine_group
          - alicloud_ops.logging.sls_project
          - alicloud_ops.logging.systemd_unit
      args:
        description:
          - The task's options, exactly as the task gives them (YAML anchors keep the two the same).
        type: dict
        default: {}
      key:
        description:
          - Set by the action plugin on the controller (a fingerprint of module, options and settings); any value
            given is replaced.
        type: str
  ahead:
    description:
      - Tasks of the role that runs right after this one in the play's C(roles) list, answered too (after
        O(tasks), and in the same way). That role's probe, given this probe's result as O(reuse), then makes no
        round trip of its own. The collection's C(logtail) role gives the C(rsyslog_forward) role's two drop-ins.
      - Each a mapping with C(module) and C(args), as in O(tasks).
    type: list
    elements: dict
    default: []
  reuse:
    description:
      - The registered result of the probe of the role listed right before this one in the play's C(roles). This
        probe returns that probe's answers for O(tasks) and makes no round trip when that probe was given every one
        of O(tasks) (as its O(ahead)), ran in the same play, and no task given it has changed the host since. No
        other task can have run on the host in between than that role's own, which mark the probe spent when they
        change anything. Otherwise this probe runs as usual.
      - Read on the controller only.
    type: dict
  run:
    description:
      - Set by the action plugin of a task given C(probe_after) (see the modules' C(probe_after)), never in a
        playbook; any value given is replaced.
      - That task's own module and options. It runs first, as the task itself would (for real outside check mode);
        O(tasks) are then answered on the host as it left it, in the same round trip.
    type: dict
    suboptions:
      module:
        description:
          - The task's module, one of the choices of O(tasks[].module).
        type: str
        required: true
      args:
        description:
          - The task's options.
        type: dict
        default: {}
requirements:
  - Those of the modules it runs, which it runs as they would run themselves - C(rsyslogd) (M(alicloud_ops.logging.rsyslog_dropin)),
    C(systemctl) and C(systemd-analyze) (M(alicloud_ops.logging.systemd_unit)).
extends_documentation_fragment:
  - alicloud_ops.logging.attributes
  - alicloud_ops.logging.attributes.posix
attributes:
  check_mode:
    description: Changes nothing in any mode; in check mode it answers for every task, not only up to the first
      that would change.
    support: full
  diff_mode:
    description: Each answer is taken with the diff mode of the probe, and only a task with the same diff mode uses it.
    support: full
  platform:
    description: The platforms of the modules it runs.
    support: full
    platforms: posix
notes:
  - The modules run with the probe's own settings (become, environment, remote temporary directory, verbosity).
    A task whose settings differ from the probe's, or whose options differ from what the probe was given
    (C(module_defaults) apply to the task and not to the probe), runs on the host as usual.
  - A task that is not of this collection and changes the host between the probe and the tasks it answers for is
    not seen by the probe. Put the probe right before the tasks it answers for, as the collection's roles do.
seealso:
  - module: alicloud_ops.logging.logtail_agent
  - module: alicloud_ops.logging.logtail_config
  - module: alicloud_ops.logging.systemd_unit
  - module: alicloud_ops.logging.rsyslog_dropin
'''

EXAMPLES = r'''
- name: Answer the two drop-in tasks below in one round trip
  alicloud_ops.logging.converge_probe:
    tasks:
      - module: alicloud_ops.logging.rsyslog_dropin
        args: &forward_dropin
          name: forward-logtail
          forward: {target: 127.0.0.1, port: 11111}
      - module: alicloud_ops.logging.rsyslog_dropin
        args: &stats_dropin
          name: forward-stats
          content: "module(load=\"impstats\" interval=\"10\")\n"
  register: rsyslog_probe

- name: Forward syslog to Logtail
  alicloud_ops.logging.rsyslog_dropin:
    <<: *forward_dropin
    probe: "{{ rsyslog_probe }}"
  notify: Restart rsyslog

- name: Report queue statistics
  alicloud_ops.logging.rsyslog_dropin:
    <<: *stats_dropin
    probe: "{{ rsyslog_probe }}"
  notify: Restart rsyslog
'''

RETURN = r'''
probe_id:
  description: This probe's identifier; a task that changes the host records it as spent (a fact).
  returned: always
  type: str
  sample: 5f0c8e0c2b5b4a45a4d0c1f7f8f6f0a1
salt:
  description: Random text each probe hashes into its fingerprints (so that a fingerprint says nothing about a
    secret option); the tasks hash theirs with it too.
  returned: always
  type: str
  sample: 0d5e1f6a9b3c4d2e8f7a6b5c4d3e2f1a
check_mode:
  description: Whether the answers were taken for a check mode run.
  returned: always
  type: bool
  sample: false
answers:
  description:
    - One per task in O(tasks), then O(ahead), in order, up to the first that would change the host (outside
      check mode). Where O(reuse) held, the earlier probe's answers for O(tasks) only.
  returned: always
  type: list
  elements: dict
  contains:
    key:
      description: The task's fingerprint (module, options, settings).
      type: str
    module:
      description: The task's module.
      type: str
    usable:
      description: Whether the task can take the answer (see C(probe) of the modules).
      type: bool
    result:
      description: The module's check-mode result, when usable.
      type: dict
    reason:
      description: Why the answer is not usable (what the module would change, or its error).
      type: str
  sample:
    - key: 7d9c4e…
      module: alicloud_ops.logging.rsyslog_dropin
      usable: true
      result: {changed: false, path: /etc/rsyslog.d/50-forward-logtail.conf, validated: false}
fingerprints:
  description: The fingerprint of each task the probe was given (O(tasks), then O(ahead)).
  returned: success
  type: list
  elements: str
play:
  description: The identifier of the play the probe ran in (for O(reuse)).
  returned: success
  type: str
role_position:
  description: The position of the probe's role in the play's C(roles) list, or null (for O(reuse)).
  returned: success
  type: int
answered_by_probe:
  description: The id of the earlier probe whose answers this probe returned (O(reuse)); it made no round trip.
  returned: when O(reuse) held
  type: str
run_result:
  description: The result of O(run), the task's own run (that task's action plugin returns it as the task's result).
  returned: when O(run) is given
  type: dict
answered:
  description: How many tasks have a usable answer.
  returned: always
  type: int
  sample: 2
'''

from ansible.module_utils.basic import AnsibleModule, _load_params

from ansible_collections.alicloud_ops.logging.plugins.module_utils.converge_probe import (
    ANSWERABLE, answer_tasks, carry, internal_arguments,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(tasks=dict(type='list', elements='dict', required=True, options=dict(
            module=dict(type='str', required=True, choices=list(ANSWERABLE)),
            args=dict(type='dict', default={}),
            key=dict(type='str', no_log=False))),
            # Read by the action plugin on the controller, which sends the module only `tasks`.
            ahead=dict(type='list', elements='dict', default=[]),
            reuse=dict(type='dict'),
            # Sent by the action plugin of a task given probe_after: that task's own module and options.
            run=dict(type='dict', options=dict(module=dict(type='str', required=True),
                                               args=dict(type='dict', default={})))),
        supports_check_mode=True,
        # Its options are other modules' options, which those modules log themselves when they run.
        no_log=True,
    )
    # The probe's own `_ansible_*` settings, which AnsibleModule took out of module.params: read again.
    internal = internal_arguments(_load_params())
    outcome = dict(changed=False, check_mode=module.check_mode)
    if module.params['run']:
        # A task's own run, then the tasks after it (its probe_after): the task's result goes back as run_result.
        result, answers = carry(module.params['run'], module.params['tasks'], internal, module.check_mode)
        outcome.update(changed=bool(result.get('changed')), run_result=result)
    else:
        answers = answer_tasks(module.params['tasks'], internal, module.check_mode)
    module.exit_json(answers=answers, answered=sum(1 for answer in answers if answer['usable']), **outcome)


if __name__ == '__main__':
    main()
