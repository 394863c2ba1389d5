# -*- coding: utf-8 -*-
# Copyright: alicloud_ops maintainers (@alicloud-ops)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The attributes every module of this collection shares: full check mode and diff. A module that says more
    # about one (what its diff holds) documents that attribute whole itself; its own entry wins.
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check mode and predict the changed status without changing the target.
    support: full
  diff_mode:
    description: Returns what changed (or, in check mode, would change) when run with C(--diff).
    support: full
'''

    # Modules that change files and services on the managed host.
    POSIX = r'''
options: {}
attributes:
  platform:
    description: Target operating systems the module acts on.
    support: full
    platforms: posix
'''

    # The sls_* modules: they call the Log Service API from the host that runs them, usually the controller.
    API = r'''
options: {}
attributes:
  check_mode:
    description: Only reads from Log Service and reports what would change.
    support: full
  platform:
    description: Runs wherever the Log Service SDK is installed, usually the controller (a C(localhost) play).
    support: full
    platforms: all
'''
