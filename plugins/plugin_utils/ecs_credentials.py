# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pick the credentials the ECS inventory signs with, in the documented order.

1. plugin options: access_key + secret_key (+ security_token), or a named `profile`, or `ecs_role_name`;
2. environment: ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN, then Alibaba's collection's
   ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY / ALICLOUD_SECURITY_TOKEN, then a profile named by
   ALIBABA_CLOUD_PROFILE / ALICLOUD_PROFILE;
3. the `current` profile of ~/.aliyun/config.json (modes AK, StsToken, RamRoleArn, EcsRamRole, ...);
4. the ECS RAM role from the instance metadata service.
`role_arn` then wraps whichever source won in an STS AssumeRole.

alibabacloud_credentials does the actual work (its providers for static keys, STS, the CLI profile file,
RamRoleArn and the metadata service). Its own default chain reads the environment and HOME once at import
time, so the order is assembled here from the environment as it is when the inventory runs.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

ENV_ACCESS_KEY = ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID')
ENV_SECRET_KEY = ('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_ACCESS_KEY_SECRET')
ENV_SECURITY_TOKEN = ('ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN')
ENV_PROFILE = ('ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE')
ENV_CONFIG_FILE = ('ALICLOUD_SHARED_CREDENTIALS_FILE',)
ENV_ECS_ROLE = ('ALIBABA_CLOUD_ECS_METADATA', 'ALICLOUD_ECS_ROLE_NAME')
ENV_ROLE_ARN = ('ALIBABA_CLOUD_ROLE_ARN', 'ALICLOUD_ASSUME_ROLE_ARN')
ENV_ROLE_SESSION = ('ALIBABA_CLOUD_ROLE_SESSION_NAME', 'ALICLOUD_ASSUME_ROLE_SESSION_NAME')
ENV_METADATA_DISABLED = 'ALIBABA_CLOUD_ECS_METADATA_DISABLED'


class CredentialsError(Exception):
    """No usable credentials, or a half-given pair. Never carries a secret value."""


class ResolvedCredentials(object):
    """A credentials provider plus where it came from (for -vvv, never the secret itself)."""

    def __init__(self, provider, source):
        self.provider = provider
        self.source = source

    def client(self):
        """The alibabacloud_credentials Client the SDK's Config(credential=...) expects."""
        from alibabacloud_credentials.client import Client as CredentialClient
        return CredentialClient(provider=self.provider)

    def __repr__(self):
        return 'ResolvedCredentials(source=%r)' % self.source


def _first_env(environ, names):
    for name in names:
        value = environ.get(name)
        if value:
            return value, name
    return None, None


def _static_provider(access_key, secret_key, security_token):
    from alibabacloud_credentials.provider import StaticAKCredentialsProvider, StaticSTSCredentialsProvider
    if security_token:
        return StaticSTSCredentialsProvider(access_key_id=access_key, access_key_secret=secret_key,
                                            security_token=security_token)
    return StaticAKCredentialsProvider(access_key_id=access_key, access_key_secret=secret_key)


def _key_pair(access_key, secret_key, security_token, where, access_name, secret_name):
    if bool(access_key) != bool(secret_key):
        missing = secret_name if access_key else access_name
        raise CredentialsError('%s: %s is set but %s is missing' % (
            where, access_name if access_key else secret_name, missing))
    if access_key:
        return _static_provider(access_key, secret_key, security_token)
    return None


def _profile_provider(profile, config_file):
    from alibabacloud_credentials.provider import CLIProfileCredentialsProvider
    if not os.path.isfile(config_file):
        raise CredentialsError('profile %r requested but the config file %s does not exist' % (profile, config_file))
    return CLIProfileCredentialsProvider(profile_name=profile or None, profile_file=config_file)


def _ecs_role_provider(role_name):
    from alibabacloud_credentials.provider import EcsRamRoleCredentialsProvider
    # No background refresh thread: an inventory run is short-lived.
    return EcsRamRoleCredentialsProvider(role_name=role_name or None, async_update_enabled=False)


def _base_source(options, environ, home):
    """The first source in the documented order -> (provider, source description)."""
    config_file = options.get('config_file') or _first_env(environ, ENV_CONFIG_FILE)[0] \
        or os.path.join(home, '.aliyun', 'config.json')

    provider = _key_pair(options.get('access_key'), options.get('secret_key'), options.get('security_token'),
                         'plugin options', 'access_key', 'secret_key')
    if provider is not None:
        return provider, 'plugin options (access_key)'
    if options.get('profile'):
        return _profile_provider(options['profile'], config_file), 'profile %r from %s' % (
            options['profile'], config_file)
    if options.get('ecs_role_name'):
        return _ecs_role_provider(options['ecs_role_name']), 'ECS RAM role %r' % options['ecs_role_name']

    access_key, access_name = _first_env(environ, ENV_ACCESS_KEY)
    secret_key, secret_name = _first_env(environ, ENV_SECRET_KEY)
    token = _first_env(environ, ENV_SECURITY_TOKEN)[0]
    provider = _key_pair(access_key, secret_key, token, 'environment',
                         access_name or ENV_ACCESS_KEY[0], secret_name or ENV_SECRET_KEY[0])
    if provider is not None:
        return provider, 'environment (%s)' % access_name

    profile, profile_var = _first_env(environ, ENV_PROFILE)
    if profile:
        return _profile_provider(profile, config_file), 'profile %r (%s) from %s' % (
            profile, profile_var, config_file)
    if os.path.isfile(config_file):
        return _profile_provider(None, config_file), 'current profile from %s' % config_file

    role_name = _first_env(environ, ENV_ECS_ROLE)[0]
    if environ.get(ENV_METADATA_DISABLED, '').lower() == 'true':
        raise CredentialsError(
            'no credentials found: set access_key/secret_key (or %s/%s), a profile in %s, or run on ECS with a '
            'RAM role (the metadata service is disabled by %s)'
            % (ENV_ACCESS_KEY[0], ENV_SECRET_KEY[0], config_file, ENV_METADATA_DISABLED))
    return _ecs_role_provider(role_name), 'ECS RAM role from instance metadata'


def resolve_credentials(options, environ=None, home=None):
    """options: dict with access_key, secret_key, security_token, profile, config_file, ecs_role_name,
    role_arn, role_session_name, role_session_duration, sts_endpoint (any may be None).
    Returns ResolvedCredentials; raises CredentialsError with a message naming the option or variable.
    """
    environ = os.environ if environ is None else environ
    home = home or environ.get('HOME') or os.path.expanduser('~')
    try:
        provider, source = _base_source(options, environ, home)
        role_arn = options.get('role_arn') or _first_env(environ, ENV_ROLE_ARN)[0]
        if role_arn:
            from alibabacloud_credentials.provider import RamRoleArnCredentialsProvider
            session = options.get('role_session_name') or _first_env(environ, ENV_ROLE_SESSION)[0] \
                or 'ansible-alicloud-ecs-inventory'
            provider = RamRoleArnCredentialsProvider(
                credentials_provider=provider, role_arn=role_arn, role_session_name=session,
                duration_seconds=int(options.get('role_session_duration') or 3600),
                sts_endpoint=options.get('sts_endpoint') or None)
            source = 'role %s assumed with %s' % (role_arn, source)
    except CredentialsError:
        raise
    except ValueError as exc:
        # The SDK's providers validate their inputs with ValueError (e.g. a too short session duration).
        raise CredentialsError('invalid credentials settings: %s' % exc)
    return ResolvedCredentials(provider, source)
