"""Log Service request times (tools/alicloud_emulator/sls_signing.py): 15 minutes of skew either way are taken,
one second more is 400 RequestTimeExpired (Log Service API reference, Error codes)."""
import pytest

from tools.alicloud_emulator.sls_signing import MAX_CLOCK_SKEW_SECONDS, SlsAuthenticator, SlsError

NOW = 1767225600  # Thu, 01 Jan 2026 00:00:00 GMT


def check(offset, date=None):
    auth = SlsAuthenticator({'id': 'secret'}, clock=lambda: NOW)
    if date is not None:
        return auth._check_clock(date)
    return auth._check_skew(NOW + offset)


def refusal(call):
    with pytest.raises(SlsError) as err:
        call()
    return err.value.status, err.value.code


def test_fifteen_minutes_either_way_and_not_one_second_more():
    assert MAX_CLOCK_SKEW_SECONDS == 900
    for offset in (0, 900, -900):
        check(offset)
    for offset in (901, -901, 3600):
        assert refusal(lambda: check(offset)) == (400, 'RequestTimeExpired'), offset
    check(0, date='Thu, 01 Jan 2026 00:15:00 GMT')
    assert refusal(lambda: check(0, date='Thu, 01 Jan 2026 00:15:01 GMT')) == (400, 'RequestTimeExpired')
    assert refusal(lambda: check(0, date='yesterday')) == (400, 'InvalidRequestTime')
