# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exponential backoff with full jitter, shared by the ECS inventory (plugin_utils/ecs_retry.py) and the
Log Service modules (sls_module.py): delay = uniform(0, min(max_delay, base_delay * 2**n)), until ``deadline``
seconds after the first attempt. sleep/clock/rand are injectable so tests check the exact sequence without
waiting. The caller says which failures are transient and what to raise otherwise. Runs on target Python 3.6+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time


class Backoff(object):
    """Retries a call on transient failures; see the file docstring for the delays."""

    def __init__(self, base_delay=0.2, max_delay=5.0, deadline=60.0, sleep=time.sleep, clock=time.monotonic,
                 rand=random.random):
        self.base_delay = float(base_delay)
        self.max_delay = float(max_delay)
        self.deadline = float(deadline)
        self._sleep = sleep
        self._clock = clock
        self._rand = rand

    def backoff_cap(self, retry_number):
        return min(self.max_delay, self.base_delay * (2 ** retry_number))

    def retry(self, attempt, is_transient, fatal, exhausted):
        """attempt()'s value. A failure is_transient(exc) says is not raises fatal(exc, attempts); a transient one
        that the next delay would carry past the deadline raises exhausted(exc, attempts, seconds spent)."""
        start = self._clock()
        retry_number = 0
        while True:
            try:
                return attempt()
            except Exception as exc:  # the SDKs raise many unrelated classes; is_transient sorts them
                if not is_transient(exc):
                    raise fatal(exc, retry_number + 1)
                delay = self._rand() * self.backoff_cap(retry_number)
                if self._clock() + delay - start > self.deadline:
                    raise exhausted(exc, retry_number + 1, self._clock() - start)
                self._sleep(delay)
                retry_number += 1
