"""pytest fixtures for the ECS API emulator (tools/alicloud_emulator).

Use with `pytest_plugins = ['tests.support.emulator']` (or import the fixtures into a conftest):

    def test_x(ecs_emulator):
        emu = ecs_emulator(access_keys={'AK': 'SK'}, instances=30, regions=3)
        client = ecs_client(emu, 'AK', 'SK')
"""
import pytest

from tools.alicloud_emulator import start_emulator

TEST_KEY_ID = 'LTAI5tEmulatorTestKey'
TEST_KEY_SECRET = 'emulator-test-secret-do-not-use'


@pytest.fixture
def ecs_emulator():
    """Factory: ecs_emulator(**start_emulator options) -> a running emulator, stopped at teardown.

    access_keys defaults to {TEST_KEY_ID: TEST_KEY_SECRET}.
    """
    started = []

    def start(**options):
        options.setdefault('access_keys', {TEST_KEY_ID: TEST_KEY_SECRET})
        emu = start_emulator(**options)
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


def ecs_client(emu, key_id=TEST_KEY_ID, secret=TEST_KEY_SECRET, security_token=None, region_id='cn-hangzhou',
               **config):
    """An official-SDK ECS client pointed at the emulator (imported lazily: the SDK is a test dependency)."""
    from alibabacloud_ecs20140526.client import Client
    from alibabacloud_tea_openapi.models import Config
    return Client(Config(access_key_id=key_id, access_key_secret=secret, security_token=security_token,
                         endpoint=emu.endpoint, protocol='HTTP', region_id=region_id, **config))
