"""backoff.Backoff: delays, deadline and the caller's error mapping, on a fake clock."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.backoff import Backoff
from tests.support.fake_clock import FakeClock


class Busy(Exception):
    pass


def run(backoff, outcomes):
    """Retry a call whose attempts raise or return the given outcomes in turn."""
    outcomes = list(outcomes)

    def attempt():
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    return backoff.retry(attempt, lambda exc: isinstance(exc, Busy),
                         lambda exc, attempts: ValueError('fatal after %d: %s' % (attempts, exc)),
                         lambda exc, attempts, seconds: ValueError('gave up after %d in %.1f' % (attempts, seconds)))


def test_transient_failures_are_retried_with_doubling_caps_then_succeed():
    clock = FakeClock()
    backoff = Backoff(base_delay=0.5, max_delay=5, deadline=30, sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0)
    assert run(backoff, [Busy(), Busy(), Busy(), 'ok']) == 'ok'
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_other_failures_are_not_retried():
    clock = FakeClock()
    backoff = Backoff(sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0)
    with pytest.raises(ValueError, match='fatal after 2: denied'):
        run(backoff, [Busy(), RuntimeError('denied')])
    assert len(clock.sleeps) == 1


def test_gives_up_when_the_next_delay_passes_the_deadline():
    clock = FakeClock()
    backoff = Backoff(base_delay=0.5, max_delay=5, deadline=30, sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0)
    with pytest.raises(ValueError) as err:
        run(backoff, [Busy()] * 20)
    # 0.5 + 1 + 2 + 4 + 5 * 4 = 27.5 s slept; a ninth failure's 5 s would end at 32.5 s, past 30.
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0]
    assert str(err.value) == 'gave up after 9 in 27.5'


@pytest.mark.parametrize('deadline, sleeps', [(7.5, [0.5, 1.0, 2.0, 4.0]), (7.5 - 2.0 ** -10, [0.5, 1.0, 2.0])])
def test_deadline_is_measured_from_the_first_attempt_on_a_clock_far_from_zero(deadline, sleeps):
    # Issue 25: the fake clock started at 0, so a deadline measured from 0 went unnoticed. 2 ** 20 s of uptime
    # and binary-fraction delays keep the arithmetic exact: a delay ending exactly at the deadline is taken.
    clock = FakeClock()
    clock.now = 2.0 ** 20
    backoff = Backoff(base_delay=0.5, max_delay=5, deadline=deadline, sleep=clock.sleep, clock=clock.clock,
                      rand=lambda: 1.0)
    with pytest.raises(ValueError) as err:
        run(backoff, [Busy()] * 20)
    assert clock.sleeps == sleeps
    assert str(err.value) == 'gave up after %d in %.1f' % (len(sleeps) + 1, sum(sleeps))
    assert run(Backoff(deadline=deadline, sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0),
               [Busy(), 'ok']) == 'ok'


def test_default_delays_double_from_a_fifth_of_a_second_up_to_five():
    # Issue 25: the defaults the inventory and the Log Service modules rely on.
    clock = FakeClock()
    with pytest.raises(ValueError):
        run(Backoff(sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0), [Busy()] * 30)
    assert clock.sleeps[:7] == pytest.approx([0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0])
    # 6.2 s, then 5 s each: ten more end at 56.2 s, an eleventh would end past the 60 s deadline.
    assert clock.sleeps[5:] == [5.0] * 10


def test_the_default_deadline_is_sixty_seconds_counting_the_attempts_own_time():
    clock = FakeClock()

    def attempt():
        if not clock.sleeps:
            clock.now += 54.5   # the first attempt takes 54.5 s
        raise Busy('busy %d' % len(clock.sleeps))
    backoff = Backoff(sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0)
    with pytest.raises(ValueError) as err:
        backoff.retry(attempt, lambda exc: True, None,
                      lambda exc, attempts, seconds: ValueError('%s: gave up after %d in %.1f' % (exc, attempts, seconds)))
    # 54.5 + 0.2 + 0.4 + 0.8 + 1.6 = 57.5 s; the next 3.2 s would end at 60.7 s. The last failure is the one named.
    assert str(err.value) == 'busy 4: gave up after 5 in 57.5'


def test_the_delay_is_the_random_fraction_of_its_cap():
    clock = FakeClock()
    backoff = Backoff(base_delay=2, max_delay=3, deadline=100, sleep=clock.sleep, clock=clock.clock, rand=lambda: 0.25)
    assert run(backoff, [Busy(), Busy(), Busy(), 'ok']) == 'ok'
    assert clock.sleeps == [0.5, 0.75, 0.75]
