# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The logtail_agent module's code: it installs, upgrades or removes the agent with its official installer.

plugins/modules/logtail_agent.py holds its documentation and calls main(). The code lives here, in
module_utils, so that converge_probe (plugins/module_utils/converge_probe.py) can run it in check mode beside
the other modules in one round trip. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import shutil
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules import PROBE_SPEC
from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import option_at_fault
from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import guarded_spec
from ansible_collections.alicloud_ops.logging.plugins.module_utils.logtail_install import (
    ACTION_NONE, ACTION_REMOVE, FLAVORS, NETWORKS, InstallError, check_agent_options, decide_action, installer_args,
    read_installed_version, version_summary)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import refuse_bad_options


def download(module, url, dest, timeout):
    """Stream ``url`` into ``dest``; return its sha256 hex digest."""
    # Imported here: only a run that installs downloads, and the import (with the email package it pulls in) is a
    # twentieth of a second on every run, in converge_probe's too. AnsiballZ bundles it all the same.
    from ansible.module_utils.urls import fetch_url  # pylint: disable=import-outside-toplevel
    response, info = fetch_url(module, url, timeout=timeout)
    # A file:// URL (an installer inside an image being baked without network) has no HTTP status.
    if response is None or info.get('status') != 200 and not url.startswith('file://'):
        module.fail_json(msg='installer_url: download of %s failed: HTTP %s %s'
                         % (url, info.get('status'), info.get('msg', '')), installer_url=url)
    digest = hashlib.sha256()
    with open(dest, 'wb') as handle:
        while True:
            chunk = response.read(65536)  # pragma: no mutate (equivalent: the size only bounds memory)
            if not chunk:
                break
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


def run_installer(module, url, checksum, name, args, timeout):
    """Download, verify, run with bash. Nothing runs unless the checksum matched."""
    workdir = tempfile.mkdtemp(prefix='logtail_installer_', dir=module.tmpdir)
    label = '%s %s' % (name, ' '.join(args))
    try:
        script = os.path.join(workdir, name)
        actual = download(module, url, script, timeout)
        if checksum is not None and actual != checksum:
            module.fail_json(msg='installer_checksum: mismatch for %s: expected sha256:%s, downloaded file has '
                                 'sha256:%s; the installer was not run and nothing was changed'
                                 % (url, checksum, actual), installer_url=url)
        # The vendor's installers use bash syntax ([[ ]], (( )), function); dash, Debian's sh, cannot parse them.
        # The real installer downloads its package into the current directory.
        # "--": nothing after it is an option of bash (the arguments were checked too: check_agent_options).
        command = [module.get_bin_path('bash', required=True), '--', script] + args
        # run_command has no timeout; coreutils timeout (on every Linux target) bounds a hung installer.
        limiter = module.get_bin_path('timeout')
        if limiter:
            command = [limiter, str(timeout)] + command
        rc, out, err = module.run_command(command, cwd=workdir)
        output = (out or '') + (err or '')
        if limiter and rc == 124:
            module.fail_json(msg='timeout: %s did not finish within %d seconds: %s'
                                 % (label, timeout, output.strip()[-2000:]),
                             installer_url=url, installer_output=output, rc=rc)
        if rc != 0:
            module.fail_json(msg='%s failed with exit code %d: %s' % (label, rc, output.strip()[-2000:]),
                             installer_url=url, installer_output=output, rc=rc)
        return output
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def ensure_started(module, init_script, result):
    """Start an agent the installer left stopped (no init system, or a failed start)."""
    if not os.path.exists(init_script):
        return
    rc, out, err = module.run_command([init_script, 'status'])
    if rc == 0:
        return
    rc, out, err = module.run_command([init_script, 'start'])
    if rc != 0:
        module.fail_json(msg='init_script: the agent was installed but does not start (%s start exited %d): %s'
                             % (init_script, rc, ((out or '') + (err or '')).strip()[-2000:]), **result)


def wait_for_version(install_dir, flavor, app_info_path, wanted, timeout):
    """(installed, version) once app_info.json holds a version (``wanted``, when given: an upgraded
    agent rewrites the file its predecessor left), or what is there after ``timeout`` seconds."""
    deadline = time.time() + timeout
    while True:
        installed, version = read_installed_version(install_dir, flavor, app_info_path)
        if version is not None and wanted in (None, version) or time.time() >= deadline:
            return installed, version
        time.sleep(0.5)


def main():
    module = AnsibleModule(
        argument_spec=guarded_spec(dict(
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            flavor=dict(type='str', choices=sorted(FLAVORS), default='logtail'),
            region=dict(type='str'),
            network=dict(type='str', choices=list(NETWORKS), default='intranet'),
            installer_url=dict(type='str'),
            installer_checksum=dict(type='str'),
            version=dict(type='str'),
            install_dir=dict(type='path'),
            app_info_path=dict(type='path'),
            init_script=dict(type='path'),
            start_timeout=dict(type='int', default=60),
            timeout=dict(type='int', default=300),
            validate_certs=dict(type='bool', default=True),
            **PROBE_SPEC
        )),
        supports_check_mode=True,
    )
    refuse_bad_options(module)
    p = module.params
    flavor = p['flavor']
    # Every option is checked before the host is read or the installer runs (a version of "--help" once reached
    # the installer as "upgrade -v --help").
    try:
        checked = check_agent_options(p)
    except InstallError as exc:
        module.fail_json(msg=str(exc), **option_at_fault(exc))
    facts, checksum, mode, url = checked['facts'], checked['checksum'], checked['mode'], checked['url']
    install_dir, init_script, wanted = checked['install_dir'], checked['init_script'], checked['wanted']
    installed, previous = read_installed_version(install_dir, flavor, p['app_info_path'])
    action = decide_action(p['state'], wanted, installed, previous)
    args = installer_args(action, mode, wanted)
    result = dict(changed=action != ACTION_NONE, action=action, previous_version=previous,
                  installed_version=previous, installer_url=url, install_mode=mode,
                  installer_args=args if action != ACTION_NONE else [])
    before = version_summary(installed, previous, flavor)
    if action == ACTION_NONE or module.check_mode:
        if action == ACTION_NONE:
            after = before
        elif action == ACTION_REMOVE:
            after = version_summary(False, None, flavor)
        else:
            after = '%s_version: %s\n' % (flavor, wanted or 'whatever the installer ships')
        result['diff'] = dict(before=before, after=after, before_header=install_dir, after_header=install_dir)
        module.exit_json(**result)

    name = facts['installer']
    result['installer_output'] = run_installer(module, url, checksum, name, args, p['timeout'])
    if action == ACTION_REMOVE:
        now_installed, now_version = read_installed_version(install_dir, flavor, p['app_info_path'])
    else:
        ensure_started(module, init_script, result)
        now_installed, now_version = wait_for_version(
            install_dir, flavor, p['app_info_path'], wanted, p['start_timeout'])
    result['installed_version'] = now_version
    result['diff'] = dict(before=before, after=version_summary(now_installed, now_version, flavor),
                          before_header=install_dir, after_header=install_dir)
    if action == ACTION_REMOVE and now_installed:
        module.fail_json(msg='%s uninstall finished but %s still holds an agent' % (name, install_dir), **result)
    if action != ACTION_REMOVE:
        if now_version is None:
            module.fail_json(msg='start_timeout/app_info_path: %s %s finished but the agent wrote no %s with a '
                                 'version within %d seconds: it did not start (or app_info_path is wrong)'
                                 % (name, args[0], p['app_info_path'] or 'app_info.json', p['start_timeout']),
                             **result)
        if wanted is not None and now_version != wanted:
            module.fail_json(msg='version: wanted %s but the installer at %s installed %s'
                                 % (wanted, url, now_version), **result)
    module.exit_json(**result)
