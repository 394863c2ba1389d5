"""The one credential chain (module_utils/alicloud_credentials.py): the order past the key pairs, the
environment names it reads, and the one way secrets are masked. The inventory's view of it is in
plugin_utils/test_ecs_inventory_credentials.py, the sls_* modules' in modules/test_sls_project_credentials.py."""
import json
import sys

import pytest
from alibabacloud_credentials.provider import (
    CLIProfileCredentialsProvider, EcsRamRoleCredentialsProvider, OIDCRoleArnCredentialsProvider,
    RamRoleArnCredentialsProvider, URLCredentialsProvider)

from ansible_collections.alicloud_ops.logging.plugins.module_utils import alicloud_credentials as chain
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CREDENTIAL_ENV, MASK, CredentialsError, known_secrets, mask_secrets, resolve_credentials)

OIDC_ENV = {'ALIBABA_CLOUD_OIDC_TOKEN_FILE': '/var/run/secrets/tokens/oidc-token',
            'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'acs:ram::1:oidc-provider/ack-rrsa',
            'ALIBABA_CLOUD_ROLE_ARN': 'acs:ram::1:role/logging'}
URI_ENV = {'ALIBABA_CLOUD_CREDENTIALS_URI': 'http://127.0.0.1:9/credentials'}
ENV_KEYS = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'ENVID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'envsecret'}


@pytest.fixture
def home(tmp_path):
    (tmp_path / '.aliyun').mkdir()
    (tmp_path / '.aliyun' / 'config.json').write_text(json.dumps({'current': 'dev', 'profiles': [
        {'name': 'dev', 'mode': 'AK', 'access_key_id': 'DEVID', 'access_key_secret': 'devsecret'}]}))
    return str(tmp_path)


def kind(env, home, options=None):
    return type(resolve_credentials(options or {}, environ=env, home=home).provider)


def test_each_source_in_order_beats_every_later_one(home, tmp_path):
    empty_home = str(tmp_path / 'nobody')
    all_sources = dict(ENV_KEYS, **dict(OIDC_ENV, **URI_ENV))
    # options > environment keys > OIDC > profile file > credentials URI > metadata. The OIDC role ARN
    # (ALIBABA_CLOUD_ROLE_ARN) is also the role any other winner assumes.
    got = resolve_credentials({'access_key_id': 'O', 'access_key_secret': 'os'}, environ=all_sources, home=home)
    assert got.source == 'role acs:ram::1:role/logging assumed with options (access_key_id)'
    got = resolve_credentials({}, environ=all_sources, home=home)
    assert got.source == 'role acs:ram::1:role/logging assumed with environment (ALIBABA_CLOUD_ACCESS_KEY_ID)'
    assert resolve_credentials({}, environ=ENV_KEYS, home=home).static == ('ENVID', 'envsecret', None)
    assert kind(dict(OIDC_ENV, **URI_ENV), home) is OIDCRoleArnCredentialsProvider
    assert kind(URI_ENV, home) is CLIProfileCredentialsProvider
    assert kind(URI_ENV, empty_home) is URLCredentialsProvider
    assert kind({}, empty_home) is EcsRamRoleCredentialsProvider


def test_oidc_takes_its_role_and_session_and_is_not_wrapped_again(tmp_path):
    got = resolve_credentials({}, environ=dict(OIDC_ENV, ALIBABA_CLOUD_ROLE_SESSION_NAME='rrsa'),
                              home=str(tmp_path))
    assert isinstance(got.provider, OIDCRoleArnCredentialsProvider)
    assert got.provider._role_arn == 'acs:ram::1:role/logging' and got.provider._role_session_name == 'rrsa'
    assert got.provider._oidc_token_file_path == OIDC_ENV['ALIBABA_CLOUD_OIDC_TOKEN_FILE']
    assert got.source.startswith('OIDC token')


def test_half_oidc_settings_are_a_role_to_assume_not_oidc(tmp_path):
    env = {'ALIBABA_CLOUD_ROLE_ARN': 'acs:ram::1:role/x', 'ALIBABA_CLOUD_ECS_METADATA': 'r1'}
    got = resolve_credentials({}, environ=env, home=str(tmp_path))
    assert isinstance(got.provider, RamRoleArnCredentialsProvider)
    assert got.source == 'role acs:ram::1:role/x assumed with ECS RAM role from instance metadata'
    assert got.provider._role_session_name == chain.DEFAULT_SESSION_NAME


def test_credentials_uri_is_the_one_from_the_environment(tmp_path):
    got = resolve_credentials({}, environ=URI_ENV, home=str(tmp_path))
    assert got.provider._uri == URI_ENV['ALIBABA_CLOUD_CREDENTIALS_URI']
    assert got.source == 'credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI)'


def test_static_keys_need_no_sdk_until_a_provider_is_asked_for(home, monkeypatch):
    monkeypatch.setitem(sys.modules, 'alibabacloud_credentials', None)
    got = resolve_credentials({'access_key_id': 'STS.A', 'access_key_secret': 'sec', 'security_token': 'tok'},
                              environ={}, home=home)
    assert got.static == ('STS.A', 'sec', 'tok')
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({'profile': 'dev'}, environ={}, home=home)
    assert 'pip install alibabacloud_credentials' in str(err.value)


def test_errors_name_the_setting_to_fix(home, tmp_path):
    cases = [({'access_key_id': 'A'}, {}, home, 'access_key_secret'),
             ({}, {'ALICLOUD_SECRET_KEY': 'topsecret'}, home, 'access_key_id'),
             ({'profile': 'dev'}, {}, str(tmp_path / 'nobody'), 'config_file'),
             ({}, {'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}, str(tmp_path / 'nobody'), 'access_key_id'),
             ({'role_arn': 'acs:ram::1:role/x', 'role_session_duration': 60}, {}, home, 'role_session_duration')]
    for options, env, where, field in cases:
        with pytest.raises(CredentialsError) as err:
            resolve_credentials(options, environ=env, home=where)
        assert err.value.option == field, (options, env)
        assert 'topsecret' not in str(err.value)


def test_one_list_of_environment_names_covers_every_setting_the_chain_reads():
    assert CREDENTIAL_ENV['access_key_id'][0] == 'ALIBABA_CLOUD_ACCESS_KEY_ID'
    assert 'ALICLOUD_SECRET_KEY' in CREDENTIAL_ENV['access_key_secret']
    names = sum(CREDENTIAL_ENV.values(), ())
    assert len(names) == len(set(names))


def test_masking_hides_known_secrets_and_signed_values():
    text = ('secret s3cr3t-value and token tok-123456 in /?AccessKeyId=LTAIxyz&Signature=abc%2F&RegionId=cn '
            'x-acs-security-token=tok456 short abc')
    masked = mask_secrets(text, ['s3cr3t-value', 'tok-123456', 'abc', None])
    for secret in ('s3cr3t-value', 'tok-123456', 'LTAIxyz', 'abc%2F', 'tok456'):
        assert secret not in masked
    assert 'RegionId=cn' in masked and 'SecurityToken=' + MASK not in masked
    assert 'Signature=%s&' % MASK in masked and masked.endswith('short abc')


def test_known_secrets_come_from_options_and_every_secret_variable():
    env = {'ALICLOUD_SECRET_KEY': 'legacy-secret', 'ALIBABA_CLOUD_SECURITY_TOKEN': 'env-token',
           'ALIBABA_CLOUD_ACCESS_KEY_ID': 'not-a-secret'}
    got = known_secrets({'access_key_secret': 'opt-secret', 'security_token': None}, environ=env)
    assert sorted(got) == ['env-token', 'legacy-secret', 'opt-secret']


@pytest.mark.parametrize('secret', ['CAIS-token-0123456789\n', ' CAIS-token-0123456789 ', 'CAIS-token\x000123456789',
                                    'CAIS/token+0123456789==', 'CAIS-t\u00f6ken-0123456789', 'CAIS-token-0123456789\r\n'])
def test_a_secret_is_masked_whatever_characters_it_carries(secret):
    # Issue 19: a token ending in a line break came back unmasked, quoted as requests' error quotes it.
    import json
    from urllib.parse import quote
    spellings = [secret, secret.strip(), repr(secret), repr(secret.strip()), json.dumps(secret), quote(secret, safe=''),
                 "header value: %r" % secret]
    for text in spellings:
        masked = mask_secrets('failed: %s (end)' % text, [secret])
        assert 'CAIS' not in masked and '0123456789' not in masked, (text, masked)
        assert masked.startswith('failed: ') and masked.endswith(' (end)')


def test_masking_leaves_short_pieces_and_other_words_alone():
    assert mask_secrets('the secret key is wrong', ['ab\ncd']) == 'the secret key is wrong'
    assert mask_secrets('access_key_secret: bad', ['some secret value']) == 'access_key_secret: bad'


@pytest.mark.parametrize('field, options, env', [
    ('security_token', {'access_key_id': 'LTAIk', 'access_key_secret': 'sec-0123', 'security_token': 'tok-0123\n'}, {}),
    ('access_key_secret', {'access_key_id': 'LTAIk', 'access_key_secret': 'sec 0123'}, {}),
    ('access_key_id', {'access_key_id': 'LTAI\u00e9', 'access_key_secret': 'sec-0123'}, {}),
    ('security_token', {}, {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'LTAIk', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'sec-0123',
                            'ALIBABA_CLOUD_SECURITY_TOKEN': 'tok-0123\n'}),
])
def test_keys_and_tokens_with_blanks_or_control_characters_are_refused_by_name(field, options, env):
    with pytest.raises(CredentialsError) as exc:
        resolve_credentials(options, environ=env, home='/nonexistent')
    assert exc.value.option == field
    assert 'tok-0123' not in str(exc.value) and 'sec-0123' not in str(exc.value) and 'sec 0123' not in str(exc.value)


STS = 'sts-vpc.cn-shanghai.aliyuncs.com'


@pytest.mark.parametrize('options, env, provider_class', [
    ({'access_key_id': 'LTAIk', 'access_key_secret': 'sec-0123', 'role_arn': 'acs:ram::1:role/x'}, {},
     RamRoleArnCredentialsProvider),
    ({}, dict(ENV_KEYS, ALIBABA_CLOUD_ROLE_ARN='acs:ram::1:role/x'), RamRoleArnCredentialsProvider),
    ({}, OIDC_ENV, OIDCRoleArnCredentialsProvider),
])
def test_a_given_sts_endpoint_reaches_the_provider_that_assumes_the_role(tmp_path, options, env, provider_class):
    # Issue 25: a mutant dropping sts_endpoint survived; the SDK would then call its default STS endpoint.
    got = resolve_credentials(dict(options, sts_endpoint=STS), environ=env, home=str(tmp_path))
    assert type(got.provider) is provider_class and got.provider._sts_endpoint == STS
    default = resolve_credentials(options, environ=env, home=str(tmp_path))
    assert type(default.provider) is provider_class and default.provider._sts_endpoint != STS


@pytest.mark.parametrize('oidc', [
    {'ALIBABA_CLOUD_OIDC_TOKEN_FILE': OIDC_ENV['ALIBABA_CLOUD_OIDC_TOKEN_FILE']},
    {'ALIBABA_CLOUD_OIDC_TOKEN_FILE': OIDC_ENV['ALIBABA_CLOUD_OIDC_TOKEN_FILE'],
     'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': OIDC_ENV['ALIBABA_CLOUD_OIDC_PROVIDER_ARN']},
    {'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': OIDC_ENV['ALIBABA_CLOUD_OIDC_PROVIDER_ARN'],
     'ALIBABA_CLOUD_ROLE_ARN': OIDC_ENV['ALIBABA_CLOUD_ROLE_ARN']},
])
def test_a_stray_oidc_setting_does_not_take_over_the_chain(home, tmp_path, oidc):
    # OIDC needs all three of token file, provider ARN and role ARN; with fewer, the next source wins.
    got = resolve_credentials({}, environ=oidc, home=home)
    assert not isinstance(got.provider, OIDCRoleArnCredentialsProvider)
    role = oidc.get('ALIBABA_CLOUD_ROLE_ARN')
    profile = 'current profile from %s/.aliyun/config.json' % home
    assert got.source == ('role %s assumed with %s' % (role, profile) if role else profile)
    metadata = resolve_credentials({}, environ=dict(oidc, **URI_ENV), home=str(tmp_path / 'nobody'))
    assert type(metadata.provider) is (RamRoleArnCredentialsProvider if role else URLCredentialsProvider)


def test_an_oidc_role_given_as_an_option_completes_oidc_and_wins_over_the_environment_s(tmp_path):
    env = dict(OIDC_ENV)
    got = resolve_credentials({'role_arn': 'acs:ram::2:role/opt'}, environ=env, home=str(tmp_path))
    assert isinstance(got.provider, OIDCRoleArnCredentialsProvider) and got.provider._role_arn == 'acs:ram::2:role/opt'
    del env['ALIBABA_CLOUD_ROLE_ARN']
    got = resolve_credentials({'role_arn': 'acs:ram::2:role/opt'}, environ=env, home=str(tmp_path))
    assert got.source == ('OIDC token %s for role acs:ram::2:role/opt' % OIDC_ENV['ALIBABA_CLOUD_OIDC_TOKEN_FILE'])


@pytest.mark.parametrize('options, source', [
    ({'profile': 'dev'}, "profile 'dev' from %s/.aliyun/config.json"),
    ({'ecs_role_name': 'r1'}, "ECS RAM role 'r1'"),
])
def test_options_beat_oidc_from_the_environment_and_assume_its_role(home, options, source):
    got = resolve_credentials(options, environ=OIDC_ENV, home=home)
    assert isinstance(got.provider, RamRoleArnCredentialsProvider)
    assert got.source == 'role acs:ram::1:role/logging assumed with ' + (source % home if '%s' in source else source)


# Issue 25: the values and boundaries below are what the mutation run found unchecked.

def assert_longest_first(forms, expected):
    assert sorted(forms) == sorted(expected)
    assert [len(f) for f in forms] == sorted((len(f) for f in forms), reverse=True)


def test_secret_forms_start_at_four_characters():
    assert chain.secret_forms('abc') == [] and chain.secret_forms(None) == []
    assert chain.secret_forms('abcd') == ['abcd']
    # blanks around a secret belong to the text it sits in: masked as its stripped form, when that has 4+
    assert chain.secret_forms(' abcd ') == ['abcd']
    assert_longest_first(chain.secret_forms(' abc '), [' abc ', '%20abc%20', '+abc+'])


def test_secret_forms_are_each_quoting_of_the_secret_and_its_pieces():
    # repr says \x00 where JSON says \u0000, JSON escapes the o-umlaut only with ensure_ascii, the URL quotings
    # differ on "/" and " " (nothing is safe); the pieces between control characters count from 4 characters.
    assert_longest_first(chain.secret_forms('t\u00f6k/0 123\x00abcd'), [
        't\u00f6k/0 123\x00abcd',
        't\u00f6k/0 123\\x00abcd',
        't\\u00f6k/0 123\\u0000abcd',
        't\u00f6k/0 123\\u0000abcd',
        't%C3%B6k%2F0%20123%00abcd',
        't%C3%B6k%2F0+123%00abcd',
        't\u00f6k/0 123',
        'abcd'])


def test_a_secret_read_from_undecodable_environment_bytes_is_still_quoted():
    # os.environ keeps bytes that are not UTF-8 as lone surrogates: they are quoted as the bytes they were
    forms = chain.secret_forms('abcd\udcffefgh')
    assert 'abcd%FFefgh' in forms and forms.count('abcd%FFefgh') == 1


def test_masking_replaces_the_longest_spelling_first():
    # shorter forms (the pieces abcd and efgh) are inside the repr form: replaced first, they would leave \x00 behind
    assert mask_secrets("got 'abcd\\x00efgh' here", ['abcd\x00efgh']) == "got '%s' here" % MASK
    assert mask_secrets('got abcd\x00efgh here', ['abcd\x00efgh']) == 'got %s here' % MASK


def test_known_secrets_keep_four_characters_and_drop_three():
    assert known_secrets({'access_key_secret': 'abcd', 'security_token': 'abc'}, environ={}) == ['abcd']


def test_resolved_credentials_show_only_their_source():
    assert repr(chain.ResolvedCredentials('options (access_key_id)', static=('A', 'secret', None))) == \
        "ResolvedCredentials(source='options (access_key_id)')"


def test_a_source_that_needs_the_sdk_says_which_package_and_names_profile(home, monkeypatch):
    monkeypatch.setitem(sys.modules, 'alibabacloud_credentials', None)
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({'profile': 'dev'}, environ={}, home=home)
    assert str(err.value) == ('this credentials source needs the Python package alibabacloud_credentials on the host '
                              'that runs it (pip install alibabacloud_credentials)')
    assert err.value.option == 'profile'


BAD_TEXT = ('holds a blank, a line break, a control character or a character that is not ASCII (the value is not '
            'shown); keys and tokens are printable ASCII')


@pytest.mark.parametrize('options, env, message', [
    ({'access_key_id': 'LTAIk', 'access_key_secret': 'sec-0123', 'security_token': 'tok 0123'}, {},
     'options: security_token ' + BAD_TEXT),
    ({}, {'ALICLOUD_ACCESS_KEY': 'LTAIk', 'ALICLOUD_SECRET_KEY': 'sec-0123', 'ALICLOUD_SECURITY_TOKEN': 'tok 0123'},
     'environment: ALICLOUD_SECURITY_TOKEN ' + BAD_TEXT),
    ({}, {'ALICLOUD_SECRET_KEY': 'sec-0123'},
     'environment: ALICLOUD_SECRET_KEY is set but ALIBABA_CLOUD_ACCESS_KEY_ID is missing'),
    ({}, {'ALICLOUD_ACCESS_KEY': 'LTAIk'},
     'environment: ALICLOUD_ACCESS_KEY is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is missing'),
    ({'access_key_secret': 'sec-0123'}, {}, 'options: access_key_secret is set but access_key_id is missing'),
])
def test_key_pair_errors_word_for_word(options, env, message):
    with pytest.raises(CredentialsError) as err:
        resolve_credentials(options, environ=env, home='/nonexistent')
    assert str(err.value) == message


def test_a_missing_profile_file_is_named_with_the_profile(tmp_path):
    config = str(tmp_path / 'none.json')
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({'profile': 'dev', 'config_file': config}, environ={}, home=str(tmp_path))
    assert str(err.value) == "profile 'dev' requested but the config file %s does not exist" % config


def test_the_metadata_role_refreshes_in_the_caller_not_a_background_thread(tmp_path):
    got = resolve_credentials({'ecs_role_name': 'r1'}, environ={}, home=str(tmp_path))
    assert got.provider._role_name == 'r1'
    # async_update_enabled=False: the SDK's OneCallerBlocks; its default (True) is a NonBlocking prefetch thread
    assert type(got.provider._credentials_cache._prefetch_strategy).__name__ == 'OneCallerBlocks'


def test_oidc_from_the_environment_takes_each_of_its_settings(tmp_path):
    got = resolve_credentials({'role_session_duration': 1200}, environ=OIDC_ENV, home=str(tmp_path))
    assert got.provider._oidc_provider_arn == OIDC_ENV['ALIBABA_CLOUD_OIDC_PROVIDER_ARN']
    assert got.provider._duration_seconds == 1200
    default = resolve_credentials({}, environ=OIDC_ENV, home=str(tmp_path))
    assert default.provider._duration_seconds == 3600


def test_an_assumed_role_lasts_an_hour_unless_told(home):
    options = {'access_key_id': 'LTAIk', 'access_key_secret': 'sec-0123', 'role_arn': 'acs:ram::1:role/x'}
    assert resolve_credentials(options, environ={}, home=home).provider._duration_seconds == 3600
    options['role_session_duration'] = 900
    assert resolve_credentials(options, environ={}, home=home).provider._duration_seconds == 900


def test_a_profile_named_in_the_environment_says_which_variable(home):
    got = resolve_credentials({}, environ={'ALICLOUD_PROFILE': 'dev'}, home=home)
    assert got.source == "profile 'dev' (ALICLOUD_PROFILE) from %s/.aliyun/config.json" % home
    assert got.provider._profile_name == 'dev'


def test_with_the_metadata_service_disabled_the_error_lists_every_source(tmp_path):
    env = {'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'True', 'HOME': str(tmp_path)}
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({}, environ=env)
    assert str(err.value) == (
        'no credentials found: set access_key_id/access_key_secret (or ALIBABA_CLOUD_ACCESS_KEY_ID/'
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET), a profile in %s/.aliyun/config.json, or run on ECS with a RAM role (the '
        'metadata service is disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED)' % tmp_path)


def test_home_comes_from_the_given_environment_then_the_process(home, tmp_path, monkeypatch):
    # the environment passed in (an inventory's or a module's) names HOME; the process's only when it does not
    assert resolve_credentials({}, environ={'HOME': home}).source == 'current profile from %s/.aliyun/config.json' % home
    monkeypatch.setenv('HOME', home)
    assert resolve_credentials({}, environ={}).source == 'current profile from %s/.aliyun/config.json' % home
    monkeypatch.setenv('HOME', str(tmp_path / 'nobody'))
    assert resolve_credentials({}, environ={'HOME': home}).source == 'current profile from %s/.aliyun/config.json' % home


def test_settings_the_sdk_refuses_are_reported_as_such(home):
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({'role_arn': 'acs:ram::1:role/x', 'role_session_duration': 60}, environ={}, home=home)
    assert str(err.value).startswith('invalid credentials settings: ') and err.value.option == 'role_session_duration'
