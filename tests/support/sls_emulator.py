"""pytest fixtures for the Log Service half of the emulator (tools/alicloud_emulator/sls.py).

    from tests.support.sls_emulator import sls_emulator, SLS_KEY_ID, SLS_KEY_SECRET  # noqa: F401
    def test_x(sls_emulator):
        sls_emulator.sls_state()            # {'projects': {...}}, through GET /_emulator/sls/state
        sls_auth(sls_emulator)              # module options pointing at it
        cms_auth(sls_emulator)              # the same for the cms_* modules (CloudMonitor, http://)
"""
import json
from urllib.request import Request, urlopen

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CREDENTIAL_ENV, METADATA_DISABLED_ENV)
from tools.alicloud_emulator import start_emulator

SLS_KEY_ID = 'LTAI5tSlsEmulatorKey'
SLS_KEY_SECRET = 'sls-emulator-secret-never-print'
# Settings the host's environment may carry; tests must not pick them up.
HOST_ENV = sum(CREDENTIAL_ENV.values(), ()) + ('ALICLOUD_SLS_ENDPOINT', 'ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION')


@pytest.fixture(scope='module')
def sls_emulator_server():
    # index_delay=0: an index covers logs from the second it is written, so tests need not wait a minute;
    # incomplete_first stays at its default (1): every caller must handle an Incomplete first answer.
    emu = start_emulator(access_keys={SLS_KEY_ID: SLS_KEY_SECRET}, instances=1, regions=1, index_delay=0)
    yield emu
    emu.stop()


@pytest.fixture
def sls_emulator(sls_emulator_server, monkeypatch, tmp_path):
    """The module's emulator with an empty Log Service and zeroed stats; credential env vars cleared, an empty
    HOME (no ~/.aliyun profile), and the metadata service off so no test ever leaves loopback."""
    for name in HOST_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv(METADATA_DISABLED_ENV, 'true')
    with urlopen(Request(sls_emulator_server.url + '/_emulator/sls/reset', data=b'', method='POST'), timeout=10):
        pass
    sls_emulator_server.reset_stats()
    return sls_emulator_server


def sls_auth(emu, secret=SLS_KEY_SECRET, key_id=SLS_KEY_ID):
    return {'endpoint': emu.endpoint, 'access_key_id': key_id, 'access_key_secret': secret}


def cms_auth(emu, secret=SLS_KEY_SECRET, key_id=SLS_KEY_ID):
    """The cms_* modules' auth: the same emulator and keys, with http:// (their endpoint defaults to https)."""
    return dict(sls_auth(emu, secret, key_id), endpoint='http://' + emu.endpoint)


def sls_sdk_client(emu, **kwargs):
    """The official SDK's LogClient on the emulator (kwargs: LogClient's, e.g. source); the emulator listens on
    127.0.0.1:port, so the client is told the endpoint is an address, as the sls_* modules do themselves."""
    from aliyun.log import LogClient
    auth = sls_auth(emu)
    client = LogClient(auth['endpoint'], auth['access_key_id'], auth['access_key_secret'], **kwargs)
    client._isRowIp = True
    return client


def sls_env(emu, secret=SLS_KEY_SECRET, key_id=SLS_KEY_ID):
    """Environment for a playbook run: credentials and endpoint the way users give them."""
    return {'ALIBABA_CLOUD_ACCESS_KEY_ID': key_id, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': secret,
            'ALICLOUD_SLS_ENDPOINT': emu.endpoint}


MUTATING_PREFIXES = ('Create', 'Update', 'Delete', 'Apply', 'Remove', 'Enable', 'Disable', 'Modify', 'Put')


def mutating_calls(emu):
    """API calls that would change Log Service or CloudMonitor (their Put* and Enable/Disable* actions), by action
    name; PutLogs writes data, not resources."""
    calls = emu.stats()['calls']
    return {k: v for k, v in calls.items() if k.startswith(MUTATING_PREFIXES) and k != 'PutLogs'}


def state_json(emu):
    return json.dumps(emu.sls_state(), sort_keys=True)


def sized_log_group(total, value_size=1024 * 1024):
    """A protobuf LogGroup (the SDK's own definition) of ten logs whose serialised size is exactly `total` bytes
    (about 10 MB), each value at most `value_size` bytes: PutLogs bodies at the service's size limit."""
    from aliyun.log.log_logs_pb2 import LogGroup
    out = LogGroup()
    for _ in range(9):
        out.Logs.add(Time=1).Contents.add(Key='k', Value='x' * value_size)
    last = out.Logs.add(Time=1).Contents.add(Key='k', Value='')
    while out.ByteSize() != total:
        last.Value = 'x' * (len(last.Value) + total - out.ByteSize())
    return out
