#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: logtail_agent
short_description: Install, upgrade or remove the Alibaba Cloud Logtail agent with its official installer
description:
  - Installs, upgrades or removes Logtail the way Alibaba Cloud documents it, by downloading
    C(logtail.sh) and running C(sh logtail.sh install <mode>) or C(sh logtail.sh uninstall).
  - The installer URL is derived from O(region) and O(network); O(installer_url) overrides it for a mirror.
  - The installed version is read from C(<install_dir>/app_info.json) (key C(logtail_version)). When
    O(version) is already installed nothing is downloaded and nothing runs.
  - When O(installer_checksum) is set the downloaded installer is verified before it runs; on a mismatch
    the module fails and the host is not touched.
  - The installer wipes and rewrites O(install_dir), including C(ilogtail_config.json). Run
    M(alicloud_ops.logging.logtail_config) after this module, never before.
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
      - URL of C(logtail.sh) on a mirror; overrides the URL derived from O(region) and O(network).
      - An C(http), C(https) or C(file) URL; anything else fails naming this option before any download.
      - The installer fetches its package from the host it was published on.
    type: str
  installer_checksum:
    description:
      - SHA-256 of the installer, as V(sha256:<hex>) or bare hex. Verified before anything runs.
    type: str
  version:
    description:
      - Wanted agent version, as in C(app_info.json), for example V(1.8.0).
      - When it is already installed nothing is downloaded. When another version is installed the
        installer runs (the installer always installs the version it ships) and the module fails if
        the result is not this version.
      - Unset (or empty) means any installed version is fine.
    type: str
  install_dir:
    description: Where the agent lives; used to find C(app_info.json). Must match the installer's layout.
    type: path
    default: /usr/local/ilogtail
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
attributes:
  check_mode:
    description: Nothing is downloaded in check mode; the action is decided from what is installed.
    support: full
  diff_mode:
    description: The diff shows the installed version before and after.
    support: full
notes:
  - Needs C(sh) on the target, and root, as the official installer does.
seealso:
  - module: alicloud_ops.logging.logtail_config
'''

EXAMPLES = r'''
- name: Install Logtail 1.8.0 from the region's internal mirror (VPC)
  alicloud_ops.logging.logtail_agent:
    region: cn-hangzhou
    network: intranet
    version: "1.8.0"

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
  description: The argument passed to C(logtail.sh install).
  returned: always
  type: str
  sample: cn-hangzhou
installer_output:
  description: The installer's stdout and stderr, when it ran.
  returned: when the installer ran
  type: str
'''

import hashlib
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import fetch_url

from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import guarded_spec
from ansible_collections.alicloud_ops.logging.plugins.module_utils.logtail_install import (
    ACTION_NONE, ACTION_REMOVE, NETWORKS, InstallError, check_installer_url, decide_action, install_mode,
    installer_url, parse_checksum, read_installed_version, version_summary)


def download(module, url, dest, timeout):
    """Stream ``url`` into ``dest``; return its sha256 hex digest."""
    response, info = fetch_url(module, url, timeout=timeout)
    if response is None or info.get('status') != 200:
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


def run_installer(module, url, checksum, args, timeout):
    """Download, verify, run. Nothing runs unless the checksum matched."""
    workdir = tempfile.mkdtemp(prefix='logtail_installer_', dir=module.tmpdir)
    try:
        script = os.path.join(workdir, 'logtail.sh')
        actual = download(module, url, script, timeout)
        if checksum is not None and actual != checksum:
            module.fail_json(msg='installer_checksum: mismatch for %s: expected sha256:%s, downloaded file has '
                                 'sha256:%s; the installer was not run and nothing was changed'
                                 % (url, checksum, actual), installer_url=url)
        # The real installer downloads its package into the current directory.
        command = [module.get_bin_path('sh', required=True), script] + args
        # run_command has no timeout; coreutils timeout (on every Linux target) bounds a hung installer.
        limiter = module.get_bin_path('timeout')
        if limiter:
            command = [limiter, str(timeout)] + command
        rc, out, err = module.run_command(command, cwd=workdir)
        output = (out or '') + (err or '')
        if limiter and rc == 124:
            module.fail_json(msg='timeout: logtail.sh %s did not finish within %d seconds: %s'
                                 % (' '.join(args), timeout, output.strip()[-2000:]),
                             installer_url=url, installer_output=output, rc=rc)
        if rc != 0:
            module.fail_json(msg='logtail.sh %s failed with exit code %d: %s'
                                 % (' '.join(args), rc, output.strip()[-2000:]),
                             installer_url=url, installer_output=output, rc=rc)
        return output
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    module = AnsibleModule(
        argument_spec=guarded_spec(dict(
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            region=dict(type='str'),
            network=dict(type='str', choices=list(NETWORKS), default='intranet'),
            installer_url=dict(type='str'),
            installer_checksum=dict(type='str'),
            version=dict(type='str'),
            install_dir=dict(type='path', default='/usr/local/ilogtail'),
            timeout=dict(type='int', default=300),
            validate_certs=dict(type='bool', default=True),
        )),
        supports_check_mode=True,
    )
    p = module.params
    try:
        checksum = parse_checksum(p['installer_checksum'])
        mode = install_mode(p['region'], p['network'])
        if p['installer_url']:
            url = check_installer_url(p['installer_url'])
        elif p['region'] is None:
            raise InstallError('region', 'required unless installer_url is set')
        else:
            url = installer_url(p['region'], p['network'])
    except InstallError as exc:
        module.fail_json(msg=str(exc))
    if p['timeout'] <= 0:
        module.fail_json(msg='timeout: must be a positive number of seconds, got %d' % p['timeout'])

    # An empty version (an unset role variable rendered as "") means any version.
    wanted = p['version'].strip() if p['version'] else None
    installed, previous = read_installed_version(p['install_dir'])
    action = decide_action(p['state'], wanted, installed, previous)
    result = dict(changed=action != ACTION_NONE, action=action, previous_version=previous,
                  installed_version=previous, installer_url=url, install_mode=mode)
    if action == ACTION_NONE or module.check_mode:
        if action == ACTION_NONE:
            after = version_summary(installed, previous)
        elif action == ACTION_REMOVE:
            after = version_summary(False, None)
        else:
            after = 'logtail_version: %s\n' % (wanted or 'whatever the installer ships')
        result['diff'] = dict(before=version_summary(installed, previous), after=after,
                              before_header=p['install_dir'], after_header=p['install_dir'])
        module.exit_json(**result)

    args = ['uninstall'] if action == ACTION_REMOVE else ['install', mode]
    result['installer_output'] = run_installer(module, url, checksum, args, p['timeout'])
    now_installed, now_version = read_installed_version(p['install_dir'])
    result['installed_version'] = now_version
    result['diff'] = dict(before=version_summary(installed, previous),
                          after=version_summary(now_installed, now_version),
                          before_header=p['install_dir'], after_header=p['install_dir'])
    if action == ACTION_REMOVE and now_installed:
        module.fail_json(msg='logtail.sh uninstall finished but %s still holds an agent' % p['install_dir'],
                         **result)
    if action != ACTION_REMOVE:
        if now_version is None:
            module.fail_json(msg='logtail.sh install finished but %s has no readable app_info.json; check '
                                 'install_dir' % p['install_dir'], **result)
        if wanted is not None and now_version != wanted:
            module.fail_json(msg='version: wanted %s but the installer at %s installed %s'
                                 % (wanted, url, now_version), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
