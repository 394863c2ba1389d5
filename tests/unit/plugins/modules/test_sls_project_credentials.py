"""The sls_* modules on the shared credential chain, against the emulator, which checks the real signatures
and the STS token: options and environment STS keys, CLI profiles (AK and StsToken), and masking."""
import json

import pytest

from ansible_collections.alicloud_ops.logging.plugins.modules import sls_project
from tests.support.module_harness import run_module
from tests.support.sls_emulator import (  # noqa: F401 - fixtures
    SLS_KEY_ID, SLS_KEY_SECRET, sls_emulator, sls_emulator_server)
from tools.alicloud_emulator import start_emulator

STS_KEY_ID = 'STS.NUemulatorTemporaryKey'
STS_SECRET = 'sts-emulator-secret-never-print'
STS_TOKEN = 'CAIS-emulator-security-token-0123456789'


@pytest.fixture(scope='module')
def sts_emulator_server():
    """An emulator whose only key is temporary: every request must carry exactly STS_TOKEN."""
    emu = start_emulator(access_keys={STS_KEY_ID: STS_SECRET}, sts_token=STS_TOKEN, instances=1, regions=1)
    yield emu
    emu.stop()


@pytest.fixture
def sts_emulator(sts_emulator_server, sls_emulator):
    """The STS emulator, with the environment and HOME the sls_emulator fixture isolates."""
    return sts_emulator_server


def write_profiles(home, current, profiles):
    (home / '.aliyun').mkdir(exist_ok=True)
    (home / '.aliyun' / 'config.json').write_text(json.dumps({'current': current, 'profiles': profiles}))


def project_names(emu):
    return sorted(emu.sls_state()['projects'])


def test_sts_token_option_signs_and_reaches_the_service(sts_emulator):
    args = {'endpoint': sts_emulator.endpoint, 'access_key_id': STS_KEY_ID, 'access_key_secret': STS_SECRET,
            'name': 'proj-sts'}
    without = run_module(sls_project.main, dict(args))
    assert without.failed and 'Unauthorized' in without.msg and STS_SECRET not in json.dumps(without.data)
    result = run_module(sls_project.main, dict(args, security_token=STS_TOKEN))
    assert not result.failed and result.changed, result
    assert 'proj-sts' in project_names(sts_emulator)


def test_sts_keys_from_the_legacy_environment_names(sts_emulator, monkeypatch):
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', STS_KEY_ID)
    monkeypatch.setenv('ALICLOUD_SECRET_KEY', STS_SECRET)
    monkeypatch.setenv('ALICLOUD_SECURITY_TOKEN', STS_TOKEN)
    result = run_module(sls_project.main, {'endpoint': sts_emulator.endpoint, 'name': 'proj-sts-env'})
    assert not result.failed, result
    assert 'proj-sts-env' in project_names(sts_emulator)


def test_wrong_sts_token_is_masked_in_the_error(sts_emulator):
    wrong = 'CAIS-wrong-token-9876543210'
    result = run_module(sls_project.main, {'endpoint': sts_emulator.endpoint, 'access_key_id': STS_KEY_ID,
                                           'access_key_secret': STS_SECRET, 'security_token': wrong,
                                           'name': 'proj-x'})
    assert result.failed and 'Unauthorized' in result.msg
    assert wrong not in json.dumps(result.data) and STS_SECRET not in json.dumps(result.data)


def test_named_profile_option_beats_environment_keys(sls_emulator, monkeypatch, tmp_path):
    write_profiles(tmp_path, 'broken', [
        {'name': 'broken', 'mode': 'AK', 'access_key_id': 'nobody', 'access_key_secret': 'nothing'},
        {'name': 'logging', 'mode': 'AK', 'access_key_id': SLS_KEY_ID, 'access_key_secret': SLS_KEY_SECRET}])
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'env-id-that-would-fail')
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'env-secret-that-would-fail')
    result = run_module(sls_project.main, {'endpoint': sls_emulator.endpoint, 'profile': 'logging',
                                           'name': 'proj-profile'})
    assert not result.failed, result
    assert 'proj-profile' in project_names(sls_emulator)


def test_current_sts_profile_of_the_config_file(sts_emulator, tmp_path):
    write_profiles(tmp_path, 'temp', [{'name': 'temp', 'mode': 'StsToken', 'access_key_id': STS_KEY_ID,
                                       'access_key_secret': STS_SECRET, 'sts_token': STS_TOKEN}])
    result = run_module(sls_project.main, {'endpoint': sts_emulator.endpoint, 'name': 'proj-sts-profile'})
    assert not result.failed, result
    assert 'proj-sts-profile' in project_names(sts_emulator)
    again = run_module(sls_project.main, {'endpoint': sts_emulator.endpoint, 'name': 'proj-sts-profile'})
    assert not again.failed and not again.changed


def test_profile_without_config_file_names_the_option(sls_emulator):
    result = run_module(sls_project.main, {'endpoint': sls_emulator.endpoint, 'profile': 'ops', 'name': 'p-x'})
    assert result.failed and result.data['invalid_options'] == ['config_file']
    assert "profile 'ops' requested" in result.msg
    assert sls_emulator.stats()['calls'] == {}
