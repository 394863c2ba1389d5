# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception base of the collection: every error class in plugins/ derives from AlicloudOpsError.

Contract: str(error) is the message a user reads; ``option`` names the module option, plugin option or input
field at fault (None when no single one is), so a module can fail with ``invalid_options`` and a message that
starts with it. A message never carries a secret value. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# "field: problem", the form of every message that is about one option; field may be dotted or indexed
# (pipeline.inputs, machines[2], alicloud_logging_machine_groups[0].hosts).
_LEADING_OPTION = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+\]|\.[A-Za-z_][A-Za-z0-9_]*)*): ')


def leading_option(message):
    """The option a "field: problem" message starts with, else None."""
    match = _LEADING_OPTION.match(message or '')
    return match.group(1) if match else None


class AlicloudOpsError(Exception):
    """An error of this collection: the message, and the option (or field) at fault when there is one.

    Classes whose messages always start with the option (``option_from_message = True``) may be raised with the
    message alone; the option is read from it."""

    option = None
    option_from_message = False

    def __init__(self, message='', option=None):
        super(AlicloudOpsError, self).__init__(message)
        if option is None and self.option_from_message:
            option = leading_option('%s' % (message,))
        self.option = option


def option_at_fault(error):
    """The fail_json keys that say which option to fix: {'invalid_options': [option]}, or {} when none is known."""
    option = getattr(error, 'option', None)
    return {'invalid_options': [option]} if option else {}
