#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops maintainers (@alicloud-ops)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: logtail_agent
short_description: Install, upgrade or remove the Alibaba Cloud Logtail or LoongCollector agent with its official installer
description:
  - Installs, upgrades or removes the agent the way Alibaba Cloud documents it, by downloading the installer
    (C(logtail.sh), or C(loongcollector.sh) for O(flavor=loongcollector)) and running it with C(bash)
    (C(bash logtail.sh install <mode>), C(upgrade), C(uninstall)). The installers are bash scripts; Debian's
    C(/bin/sh) (dash) cannot parse them.
  - A new agent is installed with C(install <mode>); an installed one is upgraded with C(upgrade), which keeps
    its configuration (C(install) would overwrite it). When O(version) is set it is passed as C(-v <version>).
  - The installer URL is derived from O(flavor), O(region) and O(network); O(installer_url) overrides it for a
    mirror.
  - The installed version is read from C(app_info.json) (key C(logtail_version), or C(loongcollector_version)
    for LoongCollector). The agent writes that file when it starts, not the installer, so after running the
    installer the module makes sure the agent runs (the init script's C(status), then C(start)) and waits up
    to O(start_timeout) seconds for the file. An agent that does not start fails the task.
  - When O(version) is already installed nothing is downloaded and nothing runs. An installed agent whose
    C(app_info.json) is not written yet counts as installed when O(version) is unset.
  - When O(installer_checksum) is set the downloaded installer is verified before it runs; on a mismatch
    the module fails and the host is not touched.
  - The installer's C(install) rewrites the agent's main config. Run M(alicloud_ops.logging.logtail_config)
    after this module, never before.
  - "Check mode: nothing is downloaded; the module reports the action it would take from the version
    found on the host."
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  state:
    description: V(present) installs (or upgrades to O(version)); V(absent) runs the installer's uninstall.
    type: str
    choices: [present, absent]
    default: present
  flavor:
    description:
      - Which agent. V(logtail) is Logtail (C(logtail.sh) from the C(logtail-release-<region>) bucket, service
        C(ilogtaild)). V(loongcollector) is its successor LoongCollector (C(loongcollector.sh) from the
        C(aliyun-observability-release-<region>) bucket, path C(loongcollector/linux64/latest/), service
        C(loongcollectord), version key C(loongcollector_version)).
      - The LoongCollector bucket path and its commercial install dir C(/usr/local/ilogtail) are from Alibaba
        Cloud's install page and were not confirmed from public sources here; O(installer_url) and
        O(install_dir) override them. See the collection's guide guide_hosts, "Which agent, which input".
    type: str
    choices: [logtail, loongcollector]
    default: logtail
  region:
    description:
      - Region id of the Log Service project, for example V(cn-hangzhou).
      - Required unless O(network=auto) with O(installer_url) set.
    type: str
  network:
    description:
      - How the agent reaches Log Service. V(intranet) (classic network or VPC in the same region) uses the
        internal OSS host and the install mode V(<region>); V(internet) and V(acceleration) use the public
        OSS host and the modes V(<region>-internet) and V(<region>-acceleration); V(auto) lets the installer
        detect the network (mode V(auto)).
    type: str
    choices: [intranet, internet, acceleration, auto]
    default: intranet
  installer_url:
    description:
      - URL of the installer on a mirror; overrides the URL derived from O(flavor), O(region) and O(network).
      - An C(http), C(https) or C(file) URL; anything else fails naming this option before any download.
      - The installer fetches its package from the host it was published on.
    type: str
  installer_checksum:
    description:
      - SHA-256 of the installer, as V(sha256:<hex>) or bare hex. Verified before anything runs.
    type: str
  version:
    description:
      - Wanted agent version, as in C(app_info.json), for example V(1.8.0); passed to the installer as
        C(-v <version>).
      - Digits and dots (two to four parts) with an optional C(-suffix), such as V(3.0.1) or V(1.8.0-rc.1);
        anything else (a value starting with C(-) would reach the installer as an option) is refused before the
        host is read or anything is downloaded.
      - When it is already installed nothing is downloaded. When another version is installed the
        installer's C(upgrade) runs, and the module fails if the started agent reports another version.
      - Unset (or empty) means any installed version is fine.
    type: str
  install_dir:
    description: Where the agent lives (the installer's layout). Default C(/usr/local/ilogtail) for both flavours.
    type: path
  app_info_path:
    description:
      - The C(app_info.json) the running agent writes. Default C(<install_dir>/app_info.json) (the open-source
        LoongCollector layout uses C(<install_dir>/run/app_info.json)).
    type: path
  init_script:
    description: The vendor's init script, used to start the agent when the installer left it stopped.
      Default C(/etc/init.d/ilogtaild) or C(/etc/init.d/loongcollectord). When it exists it must be an executable
      file, checked before the installer runs.
    type: path
  start_timeout:
    description: Seconds to wait, after the installer ran, for the started agent to write C(app_info.json).
    type: int
    default: 60
  timeout:
    description:
      - Seconds allowed for the download and, separately, for the installer run (the latter through
        coreutils C(timeout), when the target has it).
    type: int
    default: 300
  validate_certs:
    description: Verify TLS certificates when O(installer_url) is https.
    type: bool
    default: true
extends_documentation_fragment:
  - alicloud_ops.logging.attributes
  - alicloud_ops.logging.attributes.posix
  - alicloud_ops.logging.input_checks
attributes:
  check_mode:
    description: Nothing is downloaded in check mode; the action is decided from what is installed.
    support: full
  diff_mode:
    description: The diff shows the installed version before and after.
    support: full
notes:
  - Needs C(bash) on the target, and root, as the official installers do.
  - The installers write and enable the vendor's own systemd unit (C(ilogtaild.service), or
    C(loongcollectord.service) plus an C(ilogtaild.service) wrapper). The C(logtail) role adjusts it with a
    drop-in, which the installer leaves alone.
seealso:
  - module: alicloud_ops.logging.logtail_config
'''

EXAMPLES = r'''
- name: Install Logtail 1.8.0 from the region's internal mirror (VPC)
  alicloud_ops.logging.logtail_agent:
    region: cn-hangzhou
    network: intranet
    version: "1.8.0"

- name: Install LoongCollector over the Internet
  alicloud_ops.logging.logtail_agent:
    flavor: loongcollector
    region: cn-hangzhou
    network: internet

- name: Install from our own mirror, verified
  alicloud_ops.logging.logtail_agent:
    region: cn-shanghai
    network: internet
    installer_url: https://mirror.example.com/logtail/linux64/logtail.sh
    installer_checksum: "sha256:9f2c3a0b1e4d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
    version: "1.8.0"
  notify: restart logtail

- name: Remove the agent
  alicloud_ops.logging.logtail_agent:
    state: absent
    region: cn-hangzhou
'''

RETURN = r'''
action:
  description: What was done (or, in check mode, would be done).
  returned: always
  type: str
  sample: upgrade
  choices: [none, install, upgrade, remove]
installed_version:
  description: Version in app_info.json after the run (in check mode, the version found now); null when absent.
  returned: always
  type: str
  sample: 1.8.0
previous_version:
  description: Version found before the run; null when no agent was installed or its version is unreadable.
  returned: always
  type: str
  sample: 1.7.1
installer_url:
  description: The installer URL used (or that would be used).
  returned: always
  type: str
  sample: http://logtail-release-cn-hangzhou.oss-cn-hangzhou-internal.aliyuncs.com/linux64/logtail.sh
install_mode:
  description: The install mode, the argument of C(install) on a new install.
  returned: always
  type: str
  sample: cn-hangzhou
installer_args:
  description: The arguments the installer ran (or would run) with, e.g. V([upgrade, -v, 1.9.0]).
  returned: always
  type: list
  elements: str
installer_output:
  description: The installer's stdout and stderr, when it ran.
  returned: when the installer ran
  type: str
'''

import hashlib
import os
import shutil
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import fetch_url

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import option_at_fault
from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import guarded_spec
from ansible_collections.alicloud_ops.logging.plugins.module_utils.logtail_install import (
    ACTION_NONE, ACTION_REMOVE, FLAVORS, NETWORKS, InstallError, check_agent_options, decide_action, installer_args,
    read_installed_version, version_summary)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import refuse_bad_options


def download(module, url, dest, timeout):
    """Stream ``url`` into ``dest``; return its sha256 hex digest."""
    response, info = fetch_url(module, url, timeout=timeout)
    # A file:// URL (an installer inside an image being baked without network) has no HTTP status.
    if response is None or info.get('status') != 200 and not url.startswith('file://'):
        module.fail_json(msg='installer_url: download of %s failed: HTTP %s %s'
                         % (url, info.get('status'), info.get('msg', '')), installer_url=url)
    digest = hashlib.sha256()
    with open(dest, 'wb') as handle:
        while True:
            chunk = response.read(65536)
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


if __name__ == '__main__':
    main()
