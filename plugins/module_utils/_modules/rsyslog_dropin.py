# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rsyslog_dropin module's code: it writes a drop-in validated with the whole rsyslog configuration.

plugins/modules/rsyslog_dropin.py holds its documentation and calls main(). The code lives here, in
module_utils, so that converge_probe (plugins/module_utils/converge_probe.py) can run it in check mode beside
the other modules in one round trip. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import PROBE_SPEC
from ansible_collections.alicloud_ops.logging.plugins.module_utils import file_state
from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import option_at_fault
from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import guarded_spec
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import refuse_bad_options
from ansible_collections.alicloud_ops.logging.plugins.module_utils.rsyslog_render import (
    ACTION_DEFAULTS, FORWARD_DEFAULTS, QUEUE_DEFAULTS, TEMPLATE_DEFAULTS,
    dropin_filename, is_disk_assisted, normalize_forward, queue_warnings, render_dropin,
)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.rsyslog_validate import (
    check_whole_config, main_includes_dir, make_validator,
)


def _sub(spec_types, defaults, choices=None):
    options = {}
    for key, kind in spec_types.items():
        options[key] = {'type': kind}
        if defaults.get(key) is not None:
            options[key]['default'] = defaults[key]
        if choices and key in choices:
            options[key]['choices'] = choices[key]
    return options


FORWARD_SPEC = dict(
    target=dict(type='str', default=FORWARD_DEFAULTS['target']),
    port=dict(type='int', default=FORWARD_DEFAULTS['port']),
    protocol=dict(type='str', default=FORWARD_DEFAULTS['protocol'], choices=['tcp', 'udp']),
    framing=dict(type='str', default=FORWARD_DEFAULTS['framing'], choices=['traditional', 'octet-counted']),
    selector=dict(type='str', default=FORWARD_DEFAULTS['selector']),
    sys_tag=dict(type='str', default=FORWARD_DEFAULTS['sys_tag']),
    template=dict(type='dict', apply_defaults=True, options=_sub(
        {'name': 'str', 'format': 'str'}, TEMPLATE_DEFAULTS)),
    queue=dict(type='dict', apply_defaults=True, options=_sub(
        {'type': 'str', 'filename': 'str', 'spool_directory': 'path', 'max_disk_space': 'str',
         'save_on_shutdown': 'bool', 'size': 'int', 'high_watermark': 'int', 'low_watermark': 'int',
         'checkpoint_interval': 'int', 'timeout_enqueue': 'int', 'dequeue_batch_size': 'int'},
        QUEUE_DEFAULTS, {'type': ['LinkedList', 'FixedArray', 'Direct', 'Disk']})),
    action=dict(type='dict', apply_defaults=True, options=_sub(
        {'name': 'str', 'resume_retry_count': 'int', 'resume_interval': 'int'}, ACTION_DEFAULTS)),
    extra_params=dict(type='dict'),
)

ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    weight=dict(type='int', default=50),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    content=dict(type='str'),
    forward=dict(type='dict', options=FORWARD_SPEC),
    dropin_dir=dict(type='path', default='/etc/rsyslog.d'),
    main_config=dict(type='path', default='/etc/rsyslog.conf'),
    validate=dict(type='bool', default=True),
    rsyslogd_path=dict(type='path'),
    mode=dict(type='raw'),
    owner=dict(type='str'),
    group=dict(type='str'),
    **PROBE_SPEC
)


def _rsyslogd(module):
    path = module.params['rsyslogd_path'] or module.get_bin_path('rsyslogd', opt_dirs=['/usr/sbin', '/sbin'])
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        module.fail_json(msg='rsyslogd_path: no rsyslogd found (%s); install rsyslog, set rsyslogd_path, '
                             'or set validate=false to skip the check' % (path or 'not on PATH'))
    if not os.path.isfile(module.params['main_config']):
        module.fail_json(msg='main_config: %s %s, so the configuration cannot be validated' % (
            module.params['main_config'],
            'is not a file' if os.path.lexists(module.params['main_config']) else 'does not exist'))
    try:
        includes = main_includes_dir(module.params['main_config'], module.params['dropin_dir'])
    except (IOError, OSError) as exc:
        module.fail_json(msg='main_config: cannot read %s: %s' % (module.params['main_config'], exc))
    if not includes:
        module.warn('main_config %s does not include %s; rsyslog will not load this drop-in'
                    % (module.params['main_config'], module.params['dropin_dir']))
    return path


def run(module):
    params = module.params
    try:
        basename = dropin_filename(params['name'], params['weight'])
        forward = normalize_forward(params['forward']) if params['forward'] is not None else None
        content = render_dropin(params['content'], forward) if params['state'] == 'present' else None
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    for warning in queue_warnings(forward) if forward is not None and content is not None else ():
        module.warn(warning)
    path = os.path.join(params['dropin_dir'], basename)
    rsyslogd = _rsyslogd(module) if params['validate'] else None
    result = dict(path=path, validated=False)
    diffs = []
    # Plan (every check, rsyslogd -N1) first; nothing on the host changes until files.commit().
    files = file_state.FileSet(module)
    if params['state'] == 'absent':
        outcome = files.absent(path, field='name', parent_field='dropin_dir')
        if rsyslogd and outcome.changed:
            check_whole_config(module, rsyslogd, params['main_config'], params['dropin_dir'], basename, None,
                               field='state')
            result['validated'] = True
    else:
        missing = []
        if forward is not None and is_disk_assisted(forward['queue']):
            spool = forward['queue']['spool_directory']
            result['spool_directory'] = spool
            # rsyslog cannot spill to disk (and loses the queue) without its spool directory.
            spool_diff = files.directory(spool, 0o700, field='forward.queue.spool_directory')
            if spool_diff:
                diffs.append(spool_diff)
                missing.append(spool)  # validate as if it had been created
        validator = None
        if rsyslogd:
            validator = make_validator(module, rsyslogd, params['main_config'], params['dropin_dir'],
                                       basename, missing, field='content' if forward is None else 'forward')
        outcome = files.want(path, content, mode=params['mode'], owner=params['owner'], group=params['group'],
                             validate=validator, create_parent=True, field='name', parent_field='dropin_dir')
        result['validated'] = outcome.validated
        result['content'] = content
    files.commit()
    changed, file_diffs = file_state.summarize([outcome])
    result['restart_required'] = outcome.content_changed
    result['changed'] = changed or bool(diffs)
    result['diff'] = diffs + file_diffs
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=guarded_spec(ARGUMENT_SPEC),
        mutually_exclusive=[('content', 'forward')],
        required_if=[('state', 'present', ('content', 'forward'), True)],
        supports_check_mode=True,
    )
    refuse_bad_options(module, multiline=('content', 'forward.template.format'))
    try:
        run(module)
    except file_state.ValidationFailed as exc:
        module.fail_json(msg=str(exc), path=os.path.join(module.params['dropin_dir'], dropin_filename(
            module.params['name'], module.params['weight'])), validated=False, restart_required=False,
            changed=False, **option_at_fault(exc))
