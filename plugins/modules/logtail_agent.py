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
  - alicloud_ops.logging.converge_probe
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

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.logtail_agent import main


if __name__ == '__main__':
    main()
