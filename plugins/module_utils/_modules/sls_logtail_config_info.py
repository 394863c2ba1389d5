# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sls_logtail_config_info module's code: it lists a project's Logtail collection configs.

plugins/modules/sls_logtail_config_info.py holds its documentation and calls main(). The code lives here, in
module_utils, so that converge_probe (plugins/module_utils/converge_probe.py) can run it in check mode beside
the other modules in one round trip. Runs on the controller (or wherever the task is delegated), Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import PROBE_SPEC
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import SlsApiError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_diff import name_problems
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import SLSModule

PAGE = 100  # the list APIs' largest page


def all_names(list_page):
    """Every name across the pages of a list call ``list_page(offset, size)``."""
    names = []
    while True:
        page = list_page(len(names), PAGE).get_configs() or []
        names.extend(page)
        if len(page) < PAGE:
            return names


def list_configs(module, client, project, prefix):
    try:
        pipeline = all_names(lambda offset, size: client.list_logtail_pipeline_config(
            project, config_name=prefix or None, offset=offset, size=size))
        legacy = all_names(lambda offset, size: client.list_logtail_config(
            project, config=prefix or None, offset=offset, size=size))
    except SlsApiError as err:
        if err.code != 'ProjectNotExist':
            raise
        module.exit_json(changed=False, configs=[])
    # The API matches the name anywhere in it; the option means its start.
    configs = [{'name': name, 'form': 'pipeline'} for name in pipeline] + [
        {'name': name, 'form': 'legacy'} for name in legacy]
    configs = [c for c in configs if c['name'].startswith(prefix or '')]
    module.exit_json(changed=False, configs=sorted(configs, key=lambda c: (c['name'], c['form'])))


def main():
    module = SLSModule(dict(
        probe=PROBE_SPEC['probe'], probe_after=PROBE_SPEC['probe_after'],
        project=dict(type='str', required=True),
        name_prefix=dict(type='str'),
    ))
    params = module.params
    module.fail_on_problems(name_problems(params, project='project'))
    with module.sls_errors():
        list_configs(module, module.client(), params['project'], params['name_prefix'])
