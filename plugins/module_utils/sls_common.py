# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Log Service (SLS) glue shared by the sls_* modules: auth options, client construction on
aliyun-log-python-sdk, and error messages that name the cause and never carry the secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import env_fallback, missing_required_lib

try:
    from aliyun.log import LogClient, LogException
    from aliyun.log.logtail_config_detail import LogtailConfigGenerator
    from aliyun.log.logtail_pipeline_config_detail import LogtailPipelineConfigDetail
    from aliyun.log.machine_group_detail import MachineGroupDetail
    from aliyun.log.util import Util
    SLS_SDK_IMPORT_ERROR = None
except ImportError:
    LogClient = LogException = Util = MachineGroupDetail = LogtailConfigGenerator = LogtailPipelineConfigDetail = None
    SLS_SDK_IMPORT_ERROR = traceback.format_exc()

ACCESS_KEY_ID_ENV = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY']
ACCESS_KEY_SECRET_ENV = ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY']
SECURITY_TOKEN_ENV = ['ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN']
REGION_ENV = ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION']
ENDPOINT_ENV = ['ALICLOUD_SLS_ENDPOINT']

# Codes that say "your credentials are wrong", with the hint a user needs (the raw message alone does not say
# which of the options to fix).
AUTH_HINTS = {
    'SignatureNotMatch': 'access_key_secret does not belong to access_key_id',
    'Unauthorized': 'check access_key_id, security_token and the RAM policy of this AccessKey',
    'InvalidAccessKeyId': 'access_key_id is unknown to Log Service',
    'SecurityTokenExpired': 'security_token has expired; fetch new STS credentials',
    'SecurityToken.Expired': 'security_token has expired; fetch new STS credentials',
    'RequestTimeTooSkewed': 'the controller clock is more than 15 minutes off',
}


def sls_argument_spec(**module_options):
    """The auth/endpoint options (documented in the alicloud_ops.logging.sls_auth doc fragment) plus the module's."""
    spec = dict(
        endpoint=dict(type='str', aliases=['sls_endpoint'], fallback=(env_fallback, ENDPOINT_ENV)),
        region=dict(type='str', fallback=(env_fallback, REGION_ENV)),
        access_key_id=dict(type='str', no_log=False, aliases=['access_key'],
                           fallback=(env_fallback, ACCESS_KEY_ID_ENV)),
        access_key_secret=dict(type='str', no_log=True, aliases=['secret_key'],
                               fallback=(env_fallback, ACCESS_KEY_SECRET_ENV)),
        security_token=dict(type='str', no_log=True, fallback=(env_fallback, SECURITY_TOKEN_ENV)),
        auth_version=dict(type='str', default='v1', choices=['v1', 'v4']),
        request_timeout=dict(type='int', default=30),
    )
    spec.update(module_options)
    return spec


def resolve_endpoint(endpoint, region):
    """The endpoint as given, or the region's public one; None when neither is known."""
    if endpoint:
        return endpoint.strip()
    if region:
        return 'https://%s.log.aliyuncs.com' % region.strip()
    return None


def connection_problems(params):
    """List of (field, message) for auth/endpoint options that cannot work; empty when usable."""
    problems = []
    if not resolve_endpoint(params.get('endpoint'), params.get('region')):
        problems.append(('endpoint', 'no Log Service endpoint: set endpoint (or ALICLOUD_SLS_ENDPOINT) or region'))
    if not params.get('access_key_id'):
        problems.append(('access_key_id', 'no AccessKey id: set access_key_id or %s' % ' / '.join(ACCESS_KEY_ID_ENV)))
    if not params.get('access_key_secret'):
        problems.append(('access_key_secret', 'no AccessKey secret: set access_key_secret or %s'
                         % ' / '.join(ACCESS_KEY_SECRET_ENV)))
    if params.get('auth_version') == 'v4' and not params.get('region'):
        problems.append(('region', 'auth_version v4 signs with the region: set region'))
    if params.get('request_timeout') is not None and params['request_timeout'] < 1:
        problems.append(('request_timeout', 'must be at least 1 second'))
    return problems


def build_client(module):
    """A LogClient for the module's options, or fail_json naming the option at fault."""
    if SLS_SDK_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('aliyun-log-python-sdk'), exception=SLS_SDK_IMPORT_ERROR)
    params = module.params
    problems = connection_problems(params)
    if problems:
        module.fail_json(msg='; '.join('%s: %s' % p for p in problems), invalid_options=[p[0] for p in problems])
    endpoint = resolve_endpoint(params['endpoint'], params['region'])
    # source is only used for put_logs; giving it avoids the SDK's UDP probe towards the endpoint.
    client = LogClient(endpoint, params['access_key_id'], params['access_key_secret'],
                       securityToken=params.get('security_token') or None, source='ansible',
                       auth_version=params['auth_version'], region=params.get('region') or '')
    client.timeout = params['request_timeout']
    # The SDK addresses "<project>.<endpoint>" unless the endpoint is a bare IPv4 address, and its check
    # fails on "IP:port", so a private-IP endpoint with a port would be resolved as a DNS name.
    if Util.is_row_ip(client._logHost):
        client._isRowIp = True
    return client


def scrub(text, secrets):
    text = '%s' % text
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, '********')
    return text


def describe_sls_error(err, action, secrets=()):
    """One line for a LogException: what failed, the service's code and message, a hint, the request id."""
    code, message = err.get_error_code(), err.get_error_message()
    text = '%s failed: %s: %s' % (action, code, message)
    hint = AUTH_HINTS.get(code)
    if hint:
        text += ' (%s)' % hint
    if err.get_request_id():
        text += ' [request id %s]' % err.get_request_id()
    return scrub(text, secrets)


class SlsCaller(object):
    """Runs SDK calls for a module: failures become fail_json with a scrubbed message."""

    def __init__(self, module, client=None):
        self.module = module
        self.client = client or build_client(module)
        self.secrets = [module.params.get('access_key_secret'), module.params.get('security_token')]
        self.calls = []

    def call(self, action, method, *args, **kwargs):
        self.calls.append(action)
        try:
            return getattr(self.client, method)(*args, **kwargs)
        except LogException as err:
            self.fail(err, action)

    def lookup(self, action, method, args, missing, parents=None):
        """The response, or None when the service answers one of the `missing` codes (not found).

        parents: {code: message} for a missing parent resource (ProjectNotExist, ...). Outside check mode that
        fails with the message; in check mode it warns and returns None, since an earlier task of the same run
        (which check mode did not really execute) would have created the parent."""
        self.calls.append(action)
        try:
            return getattr(self.client, method)(*args)
        except LogException as err:
            code = err.get_error_code()
            if code in missing:
                return None
            if parents and code in parents:
                if self.module.check_mode:
                    self.module.warn('%s; check mode assumes an earlier task creates it' % parents[code])
                    return None
                self.module.fail_json(msg=scrub(parents[code], self.secrets), error_code=code,
                                      request_id=err.get_request_id() or None)
            self.fail(err, action)

    def fail(self, err, action):
        self.module.fail_json(msg=describe_sls_error(err, action, self.secrets), error_code=err.get_error_code(),
                              request_id=err.get_request_id() or None, http_status=getattr(err, 'resp_status', None))
