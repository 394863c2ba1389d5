# -*- coding: utf-8 -*-
# Copyright: alicloud_ops maintainers (@alicloud-ops)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Python SDKs the collection needs, and the message that names a missing one with the command that
installs it into the Python that lacks it.

The minimum versions are the oldest the test suite runs against; ``requirements.txt`` at the collection root
(what ansible-builder reads for an execution environment) lists the same, and a unit test keeps them equal.
Runs on targets too (the sls_* modules): Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import sys

# pip distribution name -> (minimum version, the module whose import proves it is installed)
SDKS = {
    'alibabacloud-credentials': ('1.0.12', 'alibabacloud_credentials'),
    'alibabacloud-cms20190101': ('4.0.10', 'alibabacloud_cms20190101'),
    'alibabacloud-ecs20140526': ('7.11.8', 'alibabacloud_ecs20140526'),
    'aliyun-log-python-sdk': ('0.9.52', 'aliyun.log'),
}

INVENTORY_SDKS = ('alibabacloud-ecs20140526', 'alibabacloud-credentials')
# The cms_* modules (CloudMonitor): the SDK and the credential chain it signs with.
CMS_SDKS = ('alibabacloud-cms20190101', 'alibabacloud-credentials')


def install_command(packages, python=None):
    """The pip command that installs ``packages`` at their minimum versions into ``python``."""
    pins = ' '.join("'%s>=%s'" % (name, SDKS[name][0]) for name in packages)
    return '%s -m pip install %s' % (python or sys.executable, pins)


def missing_sdks(packages):
    """The packages among ``packages`` whose module cannot be imported here, in the given order."""
    missing = []
    for name in packages:
        try:
            importlib.import_module(SDKS[name][1])
        except ImportError:
            missing.append(name)
    return missing


def install_hint(packages):
    """A sentence for missing_required_lib's ``reason``, or an error message's tail, naming the fix."""
    return 'to talk to Alibaba Cloud; install it with: %s' % install_command(packages)
