# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure decisions behind the logtail_agent module: which agent flavour, where its installer
lives, which arguments to pass it, which version is installed, and what has to happen.

No disk, network or command access except ``read_installed_version`` (one small file read),
so every rule here has a unit test on plain values. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
from urllib.parse import urlparse

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError

NETWORKS = ('intranet', 'internet', 'acceleration', 'auto')

# What differs between the two agents the vendor ships. Sources are in docs/docsite/rst/guide_hosts.rst,
# "Which agent, which input"; the facts marked unconfirmed there are module options too.
#   installer / url: file name and OSS location of the installer script
#   binary: the agent program in the install dir (an install without app_info.json still has it)
#   version_keys: app_info.json keys that hold the version, first match wins: the commercial Logtail build
#     writes ilogtail_version, old Logtail logtail_version, LoongCollector loongcollector_version
#   service: the vendor's init script and systemd unit name
FLAVORS = {
    'logtail': {
        'installer': 'logtail.sh',
        'url': 'http://logtail-release-{region}.{host}.aliyuncs.com/linux64/logtail.sh',
        'install_dir': '/usr/local/ilogtail',
        'binary': 'ilogtail',
        'version_keys': ('ilogtail_version', 'logtail_version'),
        'service': 'ilogtaild',
        # Read by the logtail role and the verify role through the logtail_flavor_facts filter:
        # the init script, PID file globs relative to the install directory (versioned names), and the main
        # config relative to it (docs/docsite/rst/guide_hosts.rst, "Which agent, which input").
        'init_script': '/etc/init.d/ilogtaild',
        'pid_files': ('ilogtail*.pid',),
        'config': 'ilogtail_config.json',
        # The file checkpoints (which file, at which offset) in Logtail mode: the check_point_filename flag's
        # default, outside the install directory (LoongCollector core/app_config/AppConfig.cpp).
        'checkpoint': '/tmp/logtail_check_point',
    },
    'loongcollector': {
        'installer': 'loongcollector.sh',
        'url': 'http://aliyun-observability-release-{region}.{host}.aliyuncs.com/loongcollector/linux64/latest/'
               'loongcollector.sh',
        'install_dir': '/usr/local/ilogtail',
        'binary': 'loongcollector',
        'version_keys': ('loongcollector_version', 'ilogtail_version', 'logtail_version'),
        'service': 'loongcollectord',
        'init_script': '/etc/init.d/loongcollectord',
        # The open-source layout keeps its PID file in run/, and its main config is taken from it
        # (alibaba/loongcollector docs/cn/installation/loongcollector-dir.md): unconfirmed, hence a variable.
        'pid_files': ('loongcollector*.pid', 'run/loongcollector*.pid'),
        'config': 'conf/instance_config/local/loongcollector_config.json',
        # <data dir>/file_check_point (AppConfig.cpp GetCheckPointFileName), under the install directory.
        'checkpoint': '/usr/local/ilogtail/data/file_check_point',
    },
}
APP_INFO = 'app_info.json'

ACTION_NONE = 'none'
ACTION_INSTALL = 'install'
ACTION_UPGRADE = 'upgrade'
ACTION_REMOVE = 'remove'

# Region ids look like cn-hangzhou, ap-southeast-1, cn-shanghai-finance-1.
_REGION_RE = re.compile(r'^[a-z]{2,}(-[a-z0-9]+)+$')
_SHA256_RE = re.compile(r'^[0-9a-f]{64}$')
# What the vendor publishes (1.8.0, 0.16.40, 3.0.1) with an optional pre-release tail (1.8.0-rc.1). It is passed to
# the installer as ``-v <version>``, so it must never look like an option or hold a blank.
_VERSION_RE = re.compile(r'^[0-9]+(\.[0-9]+){1,3}(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$')


class InstallError(AlicloudOpsError):
    """Bad input for the installer; ``option`` names the option to fix."""

    def __init__(self, option, message):
        super(InstallError, self).__init__('%s: %s' % (option, message), option)


def check_region(region):
    if not isinstance(region, str) or not _REGION_RE.match(region):
        raise InstallError('region', 'expected an Alibaba Cloud region id such as cn-hangzhou, got %r'
                           % (region,))
    return region


def check_installer_url(url):
    """``url`` if fetch_url can download it (http/https with a host, or file with a path)."""
    try:
        parts = urlparse(url)
        parts.port  # noqa: B018 (the property raises ValueError for a port that is not a number)
    except ValueError as exc:
        raise InstallError('installer_url', '%r is not a valid URL (%s)' % (url, exc))
    if any(c.isspace() for c in url) or parts.scheme not in ('http', 'https', 'file') or \
            (parts.scheme == 'file') == bool(parts.netloc) or not parts.path:
        raise InstallError('installer_url', 'expected an http(s) URL such as '
                                            'https://mirror.example.com/linux64/logtail.sh, got %r' % (url,))
    return url


def check_version(version):
    """The wanted version, or None for "any" (unset or empty: an unset role variable renders as "")."""
    if version is None or not version.strip():
        return None
    text = version.strip()
    if not _VERSION_RE.match(text):
        raise InstallError('version', 'expected a version such as 1.8.0 or 3.0.1, got %r' % (version,))
    return text


def check_agent_options(params):
    """Everything logtail_agent decides from its options, checked before it reads the host or runs anything.

    Returns a dict: facts (flavor_facts), checksum, mode, url, wanted (version or None), install_dir,
    app_info_path, init_script. Raises InstallError naming the option. Paths are already absolute single-line
    text here (option_checks); the defaults come from the flavour.
    """
    facts = flavor_facts(params['flavor'])
    checksum = parse_checksum(params['installer_checksum'])
    if params['region'] is not None:
        check_region(params['region'])
    mode = install_mode(params['region'], params['network'])
    if params['installer_url']:
        url = check_installer_url(params['installer_url'])
    elif params['region'] is None:
        raise InstallError('region', 'required unless installer_url is set')
    else:
        url = installer_url(params['region'], params['network'], params['flavor'])
    for field in ('timeout', 'start_timeout'):
        if params[field] <= 0:
            raise InstallError(field, 'must be a positive number of seconds, got %d' % params[field])
    return {'facts': facts, 'checksum': checksum, 'mode': mode, 'url': url, 'wanted': check_version(params['version']),
            'install_dir': params['install_dir'] or facts['install_dir'], 'app_info_path': params['app_info_path'],
            'init_script': check_init_script(params['init_script'] or '/etc/init.d/%s' % facts['service'])}


def check_init_script(path):
    """The init script, if it exists, must be something the module can run (it is run after the installer, so a
    directory there would fail only once the agent is installed). A missing one is skipped, as documented."""
    if os.path.lexists(path) and not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise InstallError('init_script', '%s exists but is not an executable file' % path)
    return path


def flavor_facts(flavor):
    if flavor not in FLAVORS:
        raise InstallError('flavor', 'must be one of %s, got %r' % (', '.join(sorted(FLAVORS)), flavor))
    return FLAVORS[flavor]


def installer_url(region, network, flavor='logtail'):
    """The official installer URL for a region; only intranet uses the internal OSS host."""
    facts = flavor_facts(flavor)
    check_region(region)
    if network not in NETWORKS:
        raise InstallError('network', 'must be one of %s, got %r' % (', '.join(NETWORKS), network))
    host = 'oss-%s-internal' % region if network == 'intranet' else 'oss-%s' % region
    return facts['url'].format(region=region, host=host)


def installer_args(action, mode, version=None):
    """Arguments for the installer: ``install <mode>`` for a new agent, ``upgrade`` for an
    installed one (``install`` would overwrite its configuration), ``-v <version>`` when pinned,
    ``uninstall`` to remove."""
    if action == ACTION_REMOVE:
        return ['uninstall']
    args = ['install', mode] if action == ACTION_INSTALL else ['upgrade']
    if version:
        args += ['-v', version]
    return args


def install_mode(region, network):
    """The argument of ``logtail.sh install``: <region>, <region>-internet, <region>-acceleration, auto."""
    if network == 'auto':
        return 'auto'
    check_region(region)
    if network == 'intranet':
        return region
    if network in ('internet', 'acceleration'):
        return '%s-%s' % (region, network)
    raise InstallError('network', 'must be one of %s, got %r' % (', '.join(NETWORKS), network))


def parse_checksum(value):
    """``sha256:<hex>`` or bare hex -> lower-case hex digest; None stays None."""
    if value is None:
        return None
    text = value.strip().lower()
    if ':' in text:
        algorithm, text = text.split(':', 1)
        if algorithm != 'sha256':
            raise InstallError('installer_checksum', 'only sha256 is supported, got %r' % algorithm)
    if not _SHA256_RE.match(text):
        raise InstallError('installer_checksum', 'expected sha256:<64 hex digits>, got %r' % value)
    return text


def parse_app_info(text, keys=FLAVORS['logtail']['version_keys']):
    """Version string from app_info.json text; None when no key is there or the JSON is broken.

    A community build reports "3.0.1 Community Edition"; the version is the first word."""
    try:
        info = json.loads(text)
    except ValueError:
        return None
    if not isinstance(info, dict):
        return None
    for key in keys:
        version = str(info.get(key) or '').strip()
        if version:
            return version.split()[0]
    return None


def read_installed_version(install_dir, flavor='logtail', app_info_path=None):
    """(installed, version). ``installed`` is true when the install dir holds the agent binary
    or its app_info.json; version is None while app_info.json is missing (the agent writes it
    when it starts, so a fresh install has none until then) or unreadable."""
    facts = flavor_facts(flavor)
    path = app_info_path or os.path.join(install_dir, APP_INFO)
    try:
        with open(path, 'rb') as handle:
            # Bytes that are not UTF-8 make it a broken install, not a crash.
            text = handle.read().decode('utf-8', errors='replace')
            return True, parse_app_info(text, facts['version_keys'])
    except (IOError, OSError):
        pass
    return os.path.exists(os.path.join(install_dir, facts['binary'])), None


def decide_action(state, wanted_version, installed, installed_version):
    """What to do for the wanted state/version given what is on the host."""
    if state == 'absent':
        return ACTION_REMOVE if installed else ACTION_NONE
    if not installed:
        return ACTION_INSTALL
    if wanted_version is None:
        # The agent writes app_info.json when it starts, so an unknown version is no fault.
        return ACTION_NONE
    if str(wanted_version) == installed_version:
        return ACTION_NONE
    return ACTION_UPGRADE


def version_summary(installed, version, flavor='logtail'):
    """One line for the diff: what the host holds."""
    if not installed:
        return '%s: absent\n' % flavor
    return '%s_version: %s\n' % (flavor, version if version is not None else 'unknown (no app_info.json)')
