"""A clock for retry tests: sleep() only moves now forward and records the delay, so a backoff's exact sequence is
checked without waiting (backoff.Backoff, ecs_retry.RetryPolicy and the SLS client take sleep and clock)."""


class FakeClock(object):
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
