import json
import os

import pytest
from alibabacloud_credentials.provider import EcsRamRoleCredentialsProvider, RamRoleArnCredentialsProvider

from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CredentialsError, resolve_credentials as resolve_chain)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_inventory import CREDENTIAL_OPTIONS

PROFILES = {
    'current': 'dev',
    'profiles': [
        {'name': 'dev', 'mode': 'AK', 'access_key_id': 'DEVID', 'access_key_secret': 'devsecret'},
        {'name': 'sts', 'mode': 'StsToken', 'access_key_id': 'STS.ID', 'access_key_secret': 'stssecret',
         'sts_token': 'tok-123'},
        {'name': 'assume', 'mode': 'RamRoleArn', 'access_key_id': 'AID', 'access_key_secret': 'asecret',
         'ram_role_arn': 'acs:ram::1:role/inventory', 'ram_session_name': 'inv'},
        {'name': 'onecs', 'mode': 'EcsRamRole', 'ram_role_name': 'inventory-role'},
    ],
}


@pytest.fixture
def home(tmp_path):
    aliyun = tmp_path / '.aliyun'
    aliyun.mkdir()
    (aliyun / 'config.json').write_text(json.dumps(PROFILES))
    return str(tmp_path)


def resolve_credentials(options, **kwargs):
    """The shared chain as the inventory calls it: its option names mapped to the chain's settings."""
    return resolve_chain(dict((CREDENTIAL_OPTIONS[k], v) for k, v in options.items()), **kwargs)


def triple(resolved):
    creds = resolved.provider.get_credentials()
    return creds.get_access_key_id(), creds.get_access_key_secret(), creds.get_security_token()


def test_plugin_options_win_over_env_and_profile(home):
    env = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'ENVID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'envsecret'}
    got = resolve_credentials({'access_key': 'OPTID', 'secret_key': 'optsecret'}, environ=env, home=home)
    assert triple(got) == ('OPTID', 'optsecret', None)
    assert got.source == 'options (access_key_id)'


def test_plugin_option_sts_token_reaches_the_credentials(home):
    got = resolve_credentials({'access_key': 'STS.X', 'secret_key': 's', 'security_token': 'tok'}, environ={},
                              home=home)
    assert triple(got) == ('STS.X', 's', 'tok')
    model = got.client().get_credential()
    assert model.security_token == 'tok'


def test_half_a_key_pair_names_the_missing_field(home):
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({'access_key': 'OPTID'}, environ={}, home=home)
    assert 'access_key_secret is missing' in str(err.value)
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({}, environ={'ALICLOUD_SECRET_KEY': 'topsecret'}, home=home)
    assert 'ALIBABA_CLOUD_ACCESS_KEY_ID is missing' in str(err.value) and 'topsecret' not in str(err.value)


def test_official_env_names_then_alicloud_names(home):
    env = {'ALICLOUD_ACCESS_KEY': 'OLDID', 'ALICLOUD_SECRET_KEY': 'oldsecret', 'ALICLOUD_SECURITY_TOKEN': 'oldtok'}
    assert triple(resolve_credentials({}, environ=env, home=home)) == ('OLDID', 'oldsecret', 'oldtok')
    env.update({'ALIBABA_CLOUD_ACCESS_KEY_ID': 'NEWID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'newsecret',
                'ALIBABA_CLOUD_SECURITY_TOKEN': 'newtok'})
    got = resolve_credentials({}, environ=env, home=home)
    assert triple(got) == ('NEWID', 'newsecret', 'newtok')
    assert got.source == 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)'


def test_env_keys_win_over_the_profile_file(home):
    env = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'ENVID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'envsecret'}
    assert triple(resolve_credentials({}, environ=env, home=home))[0] == 'ENVID'


def test_current_profile_from_the_config_file(home):
    got = resolve_credentials({}, environ={}, home=home)
    assert triple(got) == ('DEVID', 'devsecret', None)
    assert 'current profile' in got.source and got.source.endswith(os.path.join('.aliyun', 'config.json'))


@pytest.mark.parametrize('how', ['option', 'ALICLOUD_PROFILE', 'ALIBABA_CLOUD_PROFILE'])
def test_named_sts_profile_carries_its_token(home, how):
    options, env = {}, {}
    if how == 'option':
        options['profile'] = 'sts'
    else:
        env[how] = 'sts'
    assert triple(resolve_credentials(options, environ=env, home=home)) == ('STS.ID', 'stssecret', 'tok-123')


def test_profile_option_beats_env_keys(home):
    env = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'ENVID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'envsecret'}
    assert triple(resolve_credentials({'profile': 'sts'}, environ=env, home=home))[0] == 'STS.ID'


def test_ram_role_arn_profile_builds_the_assume_role_provider(home):
    got = resolve_credentials({'profile': 'assume'}, environ={}, home=home)
    inner = got.provider._get_credentials_provider(PROFILES, 'assume')
    assert isinstance(inner, RamRoleArnCredentialsProvider)
    assert inner._role_arn == 'acs:ram::1:role/inventory'


def test_ecs_ram_role_profile_and_option(home):
    got = resolve_credentials({'profile': 'onecs'}, environ={}, home=home)
    assert isinstance(got.provider._get_credentials_provider(PROFILES, 'onecs'), EcsRamRoleCredentialsProvider)
    got = resolve_credentials({'ecs_role_name': 'inv-role'}, environ={}, home=home)
    assert isinstance(got.provider, EcsRamRoleCredentialsProvider)
    assert got.provider._role_name == 'inv-role'


def test_unknown_profile_fails_when_used(home):
    got = resolve_credentials({'profile': 'nope'}, environ={}, home=home)
    with pytest.raises(Exception) as err:
        got.provider.get_credentials()
    assert 'nope' in str(err.value)


def test_profile_requested_without_config_file(tmp_path):
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({'profile': 'dev'}, environ={}, home=str(tmp_path))
    assert "profile 'dev' requested" in str(err.value)


def test_config_file_option_and_env(tmp_path, home):
    other = tmp_path / 'elsewhere.json'
    other.write_text(json.dumps({'current': 'x', 'profiles': [
        {'name': 'x', 'mode': 'AK', 'access_key_id': 'XID', 'access_key_secret': 'xs'}]}))
    assert triple(resolve_credentials({'config_file': str(other)}, environ={}, home=home))[0] == 'XID'
    env = {'ALICLOUD_SHARED_CREDENTIALS_FILE': str(other)}
    assert triple(resolve_credentials({}, environ=env, home=home))[0] == 'XID'


def test_metadata_role_is_last_and_can_be_disabled(tmp_path):
    got = resolve_credentials({}, environ={'ALIBABA_CLOUD_ECS_METADATA': 'r1'}, home=str(tmp_path))
    assert isinstance(got.provider, EcsRamRoleCredentialsProvider) and got.provider._role_name == 'r1'
    assert got.source == 'ECS RAM role from instance metadata'
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({}, environ={'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}, home=str(tmp_path))
    assert 'no credentials found' in str(err.value)


def test_role_arn_wraps_the_resolved_source(home):
    got = resolve_credentials({'access_key': 'A', 'secret_key': 'S', 'role_arn': 'acs:ram::1:role/x',
                               'role_session_name': 'inv', 'sts_endpoint': '127.0.0.1:1'}, environ={}, home=home)
    assert isinstance(got.provider, RamRoleArnCredentialsProvider)
    assert got.provider._role_arn == 'acs:ram::1:role/x' and got.provider._role_session_name == 'inv'
    assert got.source.startswith('role acs:ram::1:role/x assumed with options')
    env_got = resolve_credentials({}, environ={'ALICLOUD_ASSUME_ROLE_ARN': 'acs:ram::2:role/y'}, home=home)
    assert env_got.provider._role_arn == 'acs:ram::2:role/y'
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({'role_arn': 'acs:ram::1:role/x', 'role_session_duration': 60}, environ={}, home=home)
    assert 'session duration' in str(err.value)


def test_repr_never_shows_secrets(home):
    got = resolve_credentials({'access_key': 'A', 'secret_key': 'verysecret'}, environ={}, home=home)
    assert 'verysecret' not in repr(got) and 'verysecret' not in got.source
