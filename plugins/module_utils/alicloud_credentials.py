# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one credential chain of the collection: the alicloud_ecs inventory and the sls_* modules both resolve
their credentials here, read the same environment variables (CREDENTIAL_ENV) and mask secrets the same way
(mask_secrets).

Order, first match wins:
1. options: access_key_id + access_key_secret (+ security_token), or a named `profile`, or `ecs_role_name`;
2. environment: the key pair (+ token) of CREDENTIAL_ENV, official names before Alibaba's older collection's;
3. OIDC: ALIBABA_CLOUD_OIDC_TOKEN_FILE + ALIBABA_CLOUD_OIDC_PROVIDER_ARN + a role ARN (ACK RRSA);
4. the profile named by ALIBABA_CLOUD_PROFILE / ALICLOUD_PROFILE, else the `current` profile of
   ~/.aliyun/config.json (modes AK, StsToken, RamRoleArn, EcsRamRole, ...);
5. a credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI);
6. the ECS RAM role from the instance metadata service (unless ALIBABA_CLOUD_ECS_METADATA_DISABLED=true).
`role_arn` then wraps whichever source won in an STS AssumeRole (except OIDC, which assumes it itself).

alibabacloud_credentials does the work (its providers for STS, CLI profiles, RamRoleArn, OIDC, URI and the
metadata service). Its own DefaultCredentialsProvider reads the environment once at import time and tries
providers at request time, so the order is assembled here from the environment as it is now, and a source
that is chosen but fails says so instead of silently falling through to the next one. The credentials URI
comes before the metadata guess, unlike the SDK's chain, because it is only ever set on purpose.

Static keys need no SDK: ResolvedCredentials keeps them as a triple, so the sls_* modules (whose SDK signs
with a key triple) do not require alibabacloud_credentials for them. Runs on target Python 3.6.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
from urllib.parse import quote, quote_plus

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError

# Setting -> environment variables, first set wins. The only list of these names in the collection.
CREDENTIAL_ENV = {
    'access_key_id': ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID'),
    'access_key_secret': ('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_ACCESS_KEY_SECRET'),
    'security_token': ('ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'),
    'profile': ('ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE'),
    'config_file': ('ALICLOUD_SHARED_CREDENTIALS_FILE',),
    'ecs_role_name': ('ALIBABA_CLOUD_ECS_METADATA', 'ALICLOUD_ECS_ROLE_NAME'),
    'role_arn': ('ALIBABA_CLOUD_ROLE_ARN', 'ALICLOUD_ASSUME_ROLE_ARN'),
    'role_session_name': ('ALIBABA_CLOUD_ROLE_SESSION_NAME', 'ALICLOUD_ASSUME_ROLE_SESSION_NAME'),
    'oidc_provider_arn': ('ALIBABA_CLOUD_OIDC_PROVIDER_ARN',),
    'oidc_token_file': ('ALIBABA_CLOUD_OIDC_TOKEN_FILE',),
    'credentials_uri': ('ALIBABA_CLOUD_CREDENTIALS_URI',),
}
METADATA_DISABLED_ENV = 'ALIBABA_CLOUD_ECS_METADATA_DISABLED'
SECRET_SETTINGS = ('access_key_secret', 'security_token')
DEFAULT_SESSION_NAME = 'ansible-alicloud-ops-logging'
SDK_PACKAGE = 'alibabacloud_credentials'

MASK = '********'
MIN_SECRET_LENGTH = 4
_CONTROL_CHARACTERS = re.compile(u'[\x00-\x1f\x7f\u0085\u2028\u2029]+')
_KEY_TEXT = re.compile(r'^[\x21-\x7e]+\Z')
# Transport errors quote request URLs and headers; signed values must not reach users, logs or warnings.
_SIGNED_VALUES = re.compile(r'((?:Signature|SecurityToken|AccessKeyId|AccessKeySecret|x-acs-security-token)=)'
                            r'[^&\s\'"]+', re.IGNORECASE)


class CredentialsError(AlicloudOpsError):
    """No usable credentials, a half-given pair, or a missing SDK. Never carries a secret value.
    option: the chain setting (= module option) to fix."""

    def __init__(self, message, option='access_key_id'):
        super(CredentialsError, self).__init__(message, option)


def secret_forms(secret):
    """Every spelling of ``secret`` a message may carry, longest first: as given, without surrounding blanks,
    as Python's repr and JSON quote it (a token ending in a line break is shown as ``tok\\n``), URL-encoded,
    and each piece of it between control characters. Only forms of 4+ characters."""
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
        return []
    forms = set()
    # Every spelling of the secret holds the spelling of its stripped form (blanks around it belong to the text it
    # sits in), unless that is too short to mask on its own.
    value = secret.strip() if len(secret.strip()) >= MIN_SECRET_LENGTH else secret
    forms.update([value, repr(value)[1:-1], json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
                  quote(value, safe='', errors='surrogateescape'), quote_plus(value, safe='', errors='surrogateescape')])
    forms.update(piece.strip() for piece in _CONTROL_CHARACTERS.split(secret))
    return sorted((f for f in forms if len(f) >= MIN_SECRET_LENGTH), key=len, reverse=True)


def mask_secrets(text, secrets=()):
    """text with every known secret value (4+ characters, in any spelling of secret_forms) and every signed URL
    parameter replaced by MASK. The one masking function of the collection: modules, module_utils and the
    inventory all call it."""
    text = '%s' % (text,)
    forms = set()
    for secret in secrets:
        forms.update(secret_forms(secret))
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    return _SIGNED_VALUES.sub(r'\1' + MASK, text)


def known_secrets(options, environ=None):
    """The secret values given in options or the environment, for mask_secrets."""
    environ = os.environ if environ is None else environ
    values = [options.get(name) for name in SECRET_SETTINGS]
    for name in SECRET_SETTINGS:
        values.extend(environ.get(var) for var in CREDENTIAL_ENV[name])
    return [value for value in values if value and len(value) >= MIN_SECRET_LENGTH]


def first_env(environ, setting):
    """(value, variable name) of the first set variable of CREDENTIAL_ENV[setting], or (None, None)."""
    for name in CREDENTIAL_ENV[setting]:
        value = environ.get(name)
        if value:
            return value, name
    return None, None


class ResolvedCredentials(object):
    """Where the credentials come from (for -vvv, never a secret) and either static keys or an SDK provider."""

    def __init__(self, source, static=None, provider=None, assumes_role=False):
        self.source = source
        self.static = static
        self._provider = provider
        # OIDC credentials are already those of the role: role_arn must not wrap them again.
        self.assumes_role = assumes_role

    @property
    def provider(self):
        """An alibabacloud_credentials provider (get_credentials()); static keys get one on first use."""
        if self._provider is None:
            sdk = _sdk()
            access_key_id, access_key_secret, security_token = self.static
            if security_token:
                self._provider = sdk.StaticSTSCredentialsProvider(
                    access_key_id=access_key_id, access_key_secret=access_key_secret, security_token=security_token)
            else:
                self._provider = sdk.StaticAKCredentialsProvider(
                    access_key_id=access_key_id, access_key_secret=access_key_secret)
        return self._provider

    def client(self):
        """The alibabacloud_credentials Client that the Tea SDKs' Config(credential=...) expects."""
        from alibabacloud_credentials.client import Client as CredentialClient
        return CredentialClient(provider=self.provider)

    def __repr__(self):
        return 'ResolvedCredentials(source=%r)' % self.source


def _sdk():
    try:
        from alibabacloud_credentials import provider
    except ImportError:
        raise CredentialsError('this credentials source needs the Python package %s on the host that runs it '
                               '(pip install %s)' % (SDK_PACKAGE, SDK_PACKAGE), option='profile')
    return provider


def _key_pair(access_key_id, access_key_secret, security_token, where, id_name, secret_name,
              token_name='security_token'):
    if bool(access_key_id) != bool(access_key_secret):
        given, missing = (id_name, secret_name) if access_key_id else (secret_name, id_name)
        raise CredentialsError('%s: %s is set but %s is missing' % (where, given, missing),
                               option='access_key_secret' if access_key_id else 'access_key_id')
    if access_key_id:
        for value, name, field in ((access_key_id, id_name, 'access_key_id'),
                                   (access_key_secret, secret_name, 'access_key_secret'),
                                   (security_token, token_name, 'security_token')):
            if value and not _KEY_TEXT.match(value):
                # A token pasted from a file keeps its line break; the SDK would send it into a header and quote
                # it in its error. Keys and tokens are printable ASCII (base64 at most): refused here, by name,
                # without the value.
                raise CredentialsError('%s: %s holds a blank, a line break, a control character or a character '
                                       'that is not ASCII (the value is not shown); keys and tokens are printable '
                                       'ASCII' % (where, name), option=field)
        return access_key_id, access_key_secret, security_token or None
    return None


def _profile(profile, config_file, source):
    if not os.path.isfile(config_file):
        raise CredentialsError('profile %r requested but the config file %s does not exist' % (profile, config_file),
                               option='config_file')
    return ResolvedCredentials(source, provider=_sdk().CLIProfileCredentialsProvider(
        profile_name=profile or None, profile_file=config_file))


def _ecs_role(role_name, source):
    # No background refresh thread: inventory runs and module calls are short-lived.
    return ResolvedCredentials(source, provider=_sdk().EcsRamRoleCredentialsProvider(
        role_name=role_name or None, async_update_enabled=False))


def _from_options(options, config_file):
    static = _key_pair(options.get('access_key_id'), options.get('access_key_secret'),
                       options.get('security_token'), 'options', 'access_key_id', 'access_key_secret')
    if static:
        return ResolvedCredentials('options (access_key_id)', static=static)
    if options.get('profile'):
        return _profile(options['profile'], config_file, 'profile %r from %s' % (options['profile'], config_file))
    if options.get('ecs_role_name'):
        return _ecs_role(options['ecs_role_name'], 'ECS RAM role %r' % options['ecs_role_name'])
    return None


def _from_environment(options, environ, config_file):
    access_key_id, id_var = first_env(environ, 'access_key_id')
    access_key_secret, secret_var = first_env(environ, 'access_key_secret')
    security_token, token_var = first_env(environ, 'security_token')
    static = _key_pair(access_key_id, access_key_secret, security_token, 'environment',
                       id_var or CREDENTIAL_ENV['access_key_id'][0],
                       secret_var or CREDENTIAL_ENV['access_key_secret'][0], token_var)
    if static:
        return ResolvedCredentials('environment (%s)' % id_var, static=static)

    token_file, provider_arn = first_env(environ, 'oidc_token_file')[0], first_env(environ, 'oidc_provider_arn')[0]
    role_arn = options.get('role_arn') or first_env(environ, 'role_arn')[0]
    if token_file and provider_arn and role_arn:
        provider = _sdk().OIDCRoleArnCredentialsProvider(
            role_arn=role_arn, oidc_provider_arn=provider_arn, oidc_token_file_path=token_file,
            role_session_name=_session_name(options, environ), duration_seconds=_duration(options),
            sts_endpoint=options.get('sts_endpoint') or None)
        return ResolvedCredentials('OIDC token %s for role %s' % (token_file, role_arn), provider=provider,
                                   assumes_role=True)

    profile, profile_var = first_env(environ, 'profile')
    if profile:
        return _profile(profile, config_file, 'profile %r (%s) from %s' % (profile, profile_var, config_file))
    if os.path.isfile(config_file):
        return _profile(None, config_file, 'current profile from %s' % config_file)

    uri, uri_var = first_env(environ, 'credentials_uri')
    if uri:
        return ResolvedCredentials('credentials URI (%s)' % uri_var, provider=_sdk().URLCredentialsProvider(uri=uri))

    if environ.get(METADATA_DISABLED_ENV, '').lower() == 'true':
        raise CredentialsError(
            'no credentials found: set access_key_id/access_key_secret (or %s/%s), a profile in %s, or run on ECS '
            'with a RAM role (the metadata service is disabled by %s)' % (
                CREDENTIAL_ENV['access_key_id'][0], CREDENTIAL_ENV['access_key_secret'][0], config_file,
                METADATA_DISABLED_ENV))
    return _ecs_role(first_env(environ, 'ecs_role_name')[0], 'ECS RAM role from instance metadata')


def _session_name(options, environ):
    return options.get('role_session_name') or first_env(environ, 'role_session_name')[0] or DEFAULT_SESSION_NAME


def _duration(options):
    return int(options.get('role_session_duration') or 3600)


def resolve_credentials(options, environ=None, home=None):
    """options: dict with access_key_id, access_key_secret, security_token, profile, config_file, ecs_role_name,
    role_arn, role_session_name, role_session_duration, sts_endpoint (any may be missing or None).
    Returns ResolvedCredentials; raises CredentialsError with a message naming the option or variable.
    """
    environ = os.environ if environ is None else environ
    home = home or environ.get('HOME') or os.path.expanduser('~')
    config_file = options.get('config_file') or first_env(environ, 'config_file')[0] \
        or os.path.join(home, '.aliyun', 'config.json')
    try:
        resolved = _from_options(options, config_file) or _from_environment(options, environ, config_file)
        role_arn = options.get('role_arn') or first_env(environ, 'role_arn')[0]
        if role_arn and not resolved.assumes_role:
            resolved = ResolvedCredentials(
                'role %s assumed with %s' % (role_arn, resolved.source),
                provider=_sdk().RamRoleArnCredentialsProvider(
                    credentials_provider=resolved.provider, role_arn=role_arn,
                    role_session_name=_session_name(options, environ), duration_seconds=_duration(options),
                    sts_endpoint=options.get('sts_endpoint') or None))
    except CredentialsError:
        raise
    except ValueError as exc:
        # The SDK's providers validate their inputs with ValueError (e.g. a too short session duration).
        raise CredentialsError('invalid credentials settings: %s' % exc, option='role_session_duration')
    return resolved
