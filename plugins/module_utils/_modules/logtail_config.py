# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The logtail_config module's code: it merges the agent's main config, machine identity and account ids.

plugins/modules/logtail_config.py holds its documentation and calls main(). The code lives here, in
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
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import refuse_bad_options
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_state import (
    FileSet, ValidationFailed, read_text, summarize)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.logtail_config_merge import (
    TYPED_KEYS, ConfigError, check_aliuids, merge_logtail_config, parse_config, plan_aliuid_files,
    render_logtail_config, render_user_defined_id, wanted_keys)

_TYPES = {bool: 'bool', str: 'str', int: 'int', float: 'float'}


def argument_spec():
    spec = dict(
        config_path=dict(type='path', default='/usr/local/ilogtail/ilogtail_config.json'),
        extra_config=dict(type='dict'),
        user_defined_ids=dict(type='list', elements='str'),
        user_defined_id_path=dict(type='path', default='/etc/ilogtail/user_defined_id'),
        aliuids=dict(type='list', elements='str'),
        aliuids_dir=dict(type='path', default='/etc/ilogtail/users'),
        aliuids_exclusive=dict(type='bool', default=False),
        **PROBE_SPEC
    )
    for name, (kind, _low, _high) in TYPED_KEYS.items():
        if kind is list:
            spec[name] = dict(type='list', elements='dict', options=dict(
                version=dict(type='str', required=True), fields=dict(type='list', elements='str', required=True)))
        else:
            spec[name] = dict(type=_TYPES[kind])
    return spec


def validate_json(candidate):
    try:
        parse_config(read_text(candidate), candidate)
    except ConfigError as exc:
        raise ValidationFailed(str(exc), exc.option)


def existing_names(directory):
    if not os.path.isdir(directory):
        return []
    return [n for n in os.listdir(directory) if os.path.isfile(os.path.join(directory, n))]


def plan_files(module, p, config_text, ids_text, create, remove):
    """Every file this run touches, checked and validated; nothing is written until commit()."""
    files = FileSet(module)
    if config_text is not None:
        files.want(p['config_path'], config_text, validate=validate_json, create_parent=True, field='config_path')
    if p['user_defined_ids'] is not None:
        if ids_text is None:
            files.absent(p['user_defined_id_path'], field='user_defined_id_path')
        else:
            files.want(p['user_defined_id_path'], ids_text, mode='0644', create_parent=True,
                       field='user_defined_id_path')
    for name in create:
        files.want(os.path.join(p['aliuids_dir'], name), '', mode='0644', create_parent=True, field='aliuids',
                   parent_field='aliuids_dir')
    for name in remove:
        files.absent(os.path.join(p['aliuids_dir'], name), field='aliuids_dir')
    return files


def main():
    module = AnsibleModule(argument_spec=guarded_spec(argument_spec()), supports_check_mode=True)
    refuse_bad_options(module)
    p = module.params
    # Compute and check everything before the first write, so a bad input leaves every file as it was.
    try:
        current_text = read_text(p['config_path'], 'config_path')
        current = parse_config(current_text, p['config_path'])
        wanted = wanted_keys(p, p['extra_config'])
        merged = merge_logtail_config(current, wanted)
        # Nothing to set and no agent config yet: do not invent one.
        config_text = render_logtail_config(current_text, current, merged) if wanted or current_text else None
        ids_text = None  # pragma: no mutate (equivalent: read only when user_defined_ids is set, which sets it)
        if p['user_defined_ids'] is not None:
            ids_text = render_user_defined_id(p['user_defined_ids'])
        create, remove = [], []
        if p['aliuids'] is not None:
            create, remove = plan_aliuid_files(check_aliuids(p['aliuids']), existing_names(p['aliuids_dir']),
                                               p['aliuids_exclusive'])
        files = plan_files(module, p, config_text, ids_text, create, remove)
        results = files.commit()
    except (ConfigError, ValidationFailed) as exc:
        module.fail_json(msg=str(exc), changed=False, **option_at_fault(exc))

    restart_required = config_text is not None and results[0].content_changed
    changed, diffs = summarize(results)
    module.exit_json(changed=changed, diff=diffs, restart_required=restart_required,
                     changed_files=[r.path for r in results if r.changed], config=merged)
