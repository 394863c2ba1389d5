# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The rules plugins/module_utils/option_checks.py applies to every option of every module (issue 19).
    DOCUMENTATION = r'''
options: {}
notes:
  - Every option is checked before the module reads or changes anything, and a refusal names the option (with its
    path, such as C(forward.queue.size) or C(fields[0].name)). Refused in any option, at any depth of a mapping
    or list option, are a NUL byte; a line break or other control character (a tab is fine) except in the
    options this page calls multi-line; an integer outside -2147483648 to 2147483647 (what the Logtail agent,
    rsyslog and the Log Service API read), or inside a free-form mapping one that does not fit 64 bits; NaN or
    infinity; a mapping or list where text is expected; a path that is not absolute. A refusal never changes the
    host.
'''
