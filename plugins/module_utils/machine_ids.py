# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a machine identity is, for both places that name one.

A user-defined identity is written one a line into ``/etc/ilogtail/user_defined_id``
(logtail_config) and must equal an entry of a ``userdefined`` machine group
(sls_machine_group). Both check it here, so an id one of them refuses is never accepted by
the other (issue 8: a newline passed sls_machine_group but not logtail_config). Pure; runs
on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Line breaks split the id file into two ids; other control characters are invisible in the
# console and in logs, so an id holding one can never be matched by eye.
_CONTROL = re.compile(u'[\x00-\x1f\x7f\u2028\u2029]')


def machine_id_problem(raw):
    """None when ``raw`` (surrounding blanks ignored) is a usable identity, else why not."""
    if not isinstance(raw, str) or not raw.strip():
        return 'must be a non-empty single-line string, got %r' % (raw,)
    if _CONTROL.search(raw.strip()):
        return 'must be a non-empty single-line string without control characters, got %r' % (raw,)
    return None
