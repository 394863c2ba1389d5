# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Log Service (SLS) glue shared by the sls_* modules: auth options, client construction on
aliyun-log-python-sdk, and error messages that name the cause and never carry the secret. Credentials come
from the collection's one chain (alicloud_credentials.py), the same as the alicloud_ecs inventory's."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import traceback

from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import option_problems
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sdk_requirements import install_hint
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CredentialsError, known_secrets, mask_secrets, resolve_credentials)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.transport_errors import (
    FAIL_FAST_KINDS, describe_transport_failure, transport_failure)

# The SDK classes the sls_* modules use are imported here, once, so one guard reports a missing SDK.
# pylint: disable=unused-import
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
# pylint: enable=unused-import

# The credential chain's settings, as the module options of the same names.
CREDENTIAL_OPTIONS = ('access_key_id', 'access_key_secret', 'security_token', 'profile', 'config_file',
                      'ecs_role_name', 'role_arn', 'role_session_name', 'role_session_duration', 'sts_endpoint')
REGION_ENV = ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION']
ENDPOINT_ENV = ['ALICLOUD_SLS_ENDPOINT']

# Codes that say "your credentials are wrong": the option(s) the message starts with, and the hint a user needs
# (the raw message alone does not say which of the options to fix).
AUTH_HINTS = {
    'SignatureNotMatch': ('access_key_secret', 'access_key_secret does not belong to access_key_id'),
    'Unauthorized': ('access_key_id/security_token',
                     'check access_key_id, security_token and the RAM policy of this AccessKey'),
    'InvalidAccessKeyId': ('access_key_id', 'access_key_id is unknown to Log Service'),
    'SecurityTokenExpired': ('security_token', 'security_token has expired; fetch new STS credentials'),
    'SecurityToken.Expired': ('security_token', 'security_token has expired; fetch new STS credentials'),
    # Log Service's code for a Date more than 15 minutes off (its error-code reference; LoongCollector's
    # SLSConstant.cpp); RequestTimeTooSkewed is another vendor's spelling, kept for compatible endpoints.
    'RequestTimeExpired': (None, 'the controller clock is more than 15 minutes off'),
    'RequestTimeTooSkewed': (None, 'the controller clock is more than 15 minutes off'),
}


def sls_argument_spec(**module_options):
    """The auth/endpoint options (documented in the alicloud_ops.logging.sls_auth doc fragment) plus the module's."""
    spec = dict(
        endpoint=dict(type='str', aliases=['sls_endpoint'], fallback=(env_fallback, ENDPOINT_ENV)),
        region=dict(type='str', fallback=(env_fallback, REGION_ENV)),
        # No env fallback: every option ranks above every variable, so the chain reads the environment itself.
        access_key_id=dict(type='str', no_log=False, aliases=['access_key']),
        access_key_secret=dict(type='str', no_log=True, aliases=['secret_key']),
        security_token=dict(type='str', no_log=True, aliases=['sts_token']),
        profile=dict(type='str', aliases=['alicloud_profile']),
        config_file=dict(type='path', aliases=['shared_credentials_file']),
        ecs_role_name=dict(type='str', aliases=['ram_role_name']),
        role_arn=dict(type='str', aliases=['assume_role_arn']),
        role_session_name=dict(type='str'),
        role_session_duration=dict(type='int', default=3600),
        sts_endpoint=dict(type='str'),
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


# What LogClient can address: optional http(s)://, a host name or IPv4 address, an optional port, an
# optional path (ignored). The SDK splits host and port at the first ':', so an IPv6 literal cannot work.
_ENDPOINT_RE = re.compile(r'^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>[A-Za-z0-9_.-]+)'
                          r'(?::(?P<port>[0-9]{1,5}))?(?:/.*)?$')


def endpoint_problem(endpoint):
    """Why LogClient cannot use ``endpoint`` (a message), or None when it can."""
    match = _ENDPOINT_RE.match(endpoint)
    if '[' in endpoint or ']' in endpoint:
        return 'IPv6 literal addresses are not supported by aliyun-log-python-sdk; use a host name (got %r)' % endpoint
    if not match:
        return 'must be [http:// or https://]host[:port], got %r' % endpoint
    if match.group('scheme') and match.group('scheme').lower() not in ('http', 'https'):
        return 'scheme must be http or https, got %r' % endpoint
    if match.group('port') and not 1 <= int(match.group('port')) <= 65535:
        return 'port must be 1 to 65535, got %r' % endpoint
    return None


def connection_problems(params):
    """List of (field, message) for auth/endpoint options that cannot work; empty when usable."""
    problems = []
    endpoint = resolve_endpoint(params.get('endpoint'), params.get('region'))
    if not endpoint:
        problems.append(('endpoint', 'no Log Service endpoint: set endpoint (or ALICLOUD_SLS_ENDPOINT) or region'))
    elif endpoint_problem(endpoint):
        field = 'endpoint' if params.get('endpoint') else 'region'
        problems.append((field, endpoint_problem(endpoint)))
    if params.get('auth_version') == 'v4' and not params.get('region'):
        problems.append(('region', 'auth_version v4 signs with the region: set region'))
    if params.get('request_timeout') is not None and params['request_timeout'] < 1:
        problems.append(('request_timeout', 'must be at least 1 second'))
    return problems


def fail_masked(module, msg, **result):
    """fail_json with every secret the module knows (its options and the credential variables) masked, in any
    spelling: the one way an sls_* module fails."""
    module.fail_json(msg=mask_secrets(msg, known_secrets(module.params)), **result)


def fail_on_problems(module, problems):
    """Fail naming every (option, problem) pair; nothing when the list is empty."""
    problems = [p for p in problems if p[1]]
    if problems:
        fail_masked(module, '; '.join('%s: %s' % p for p in problems),
                    invalid_options=sorted(set(p[0] for p in problems)))


def refuse_bad_sls_options(module, multiline=()):
    """option_checks' rules on every option, before any call; the message masked like every other."""
    fail_on_problems(module, option_problems(module.argument_spec, module.params, multiline))


def build_client(module):
    """A LogClient for the module's options, or fail_json naming the option at fault."""
    if SLS_SDK_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('aliyun-log-python-sdk', reason=install_hint(['aliyun-log-python-sdk'])),
                         exception=SLS_SDK_IMPORT_ERROR)
    params = module.params
    problems = connection_problems(params)
    try:
        credentials = resolve_credentials(dict((name, params.get(name)) for name in CREDENTIAL_OPTIONS))
    except CredentialsError as exc:
        credentials = None
        problems.append((exc.field, str(exc)))
    fail_on_problems(module, problems)
    endpoint = resolve_endpoint(params['endpoint'], params['region'])
    # Static keys sign directly; every other source is an alibabacloud_credentials provider, which has the
    # get_credentials() interface the Log Service SDK asks for before each request.
    keys = credentials.static or (None, None, None)
    provider = None if credentials.static else credentials.provider
    # source is only used for put_logs; giving it avoids the SDK's UDP probe towards the endpoint.
    client = FailFastLogClient(endpoint, keys[0], keys[1], securityToken=keys[2], source='ansible',
                               auth_version=params['auth_version'], region=params.get('region') or '',
                               credentials_provider=provider)
    client.timeout = params['request_timeout']
    # The SDK addresses "<project>.<endpoint>" unless the endpoint is a bare IPv4 address, and its check
    # fails on "IP:port", so a private-IP endpoint with a port would be resolved as a DNS name.
    if Util.is_row_ip(client._logHost):
        client._isRowIp = True
    return client


class SlsEndpointError(Exception):
    """No answer from the endpoint, of a kind retrying cannot fix (transport_errors.FAIL_FAST_KINDS)."""

    def __init__(self, message, kind):
        super(SlsEndpointError, self).__init__(message)
        self.kind = kind


if LogClient is not None:
    class FailFastLogClient(LogClient):
        """LogClient whose calls fail at once on a refused connection, an unresolvable host or a timeout.

        LogClient._send retries every transport error ten times with a 1 s pause (with request_timeout 3
        a silent endpoint took 42 s, a refused one about 10 s). Throttling and 5xx answers are LogExceptions
        with a status and keep that retry loop; the failures here leave it because they are not
        LogExceptions."""

        def _getHttpResponse(self, method, url, params, body, headers):
            try:
                return super(FailFastLogClient, self)._getHttpResponse(method, url, params, body, headers)
            except LogException as err:
                # The SDK raises its LogRequestError while handling the requests error: __context__.
                failure = transport_failure(err.__context__)
                if failure is None or failure[0] not in FAIL_FAST_KINDS:
                    raise
                kind, _where, detail = failure
                # The URL's host, which is "<project>.<endpoint>" for most calls: that is what failed.
                endpoint = '/'.join(url.split('/')[:3])
                raise SlsEndpointError(describe_transport_failure(kind, endpoint, detail, self.timeout,
                                                                  'endpoint or region'), kind)
else:
    FailFastLogClient = None


def describe_sls_error(err, action, secrets=()):
    """One line for a LogException: what failed, the service's code and message, a hint, the request id (secrets
    masked; fail_masked masks again with everything the module knows)."""
    code, message = err.get_error_code(), err.get_error_message()
    text = '%s failed: %s: %s' % (action, code, message)
    field, hint = AUTH_HINTS.get(code, (None, None))
    if field:
        text = '%s: %s' % (field, text)
    if hint:
        text += ' (%s)' % hint
    if err.get_request_id():
        text += ' [request id %s]' % err.get_request_id()
    return mask_secrets(text, secrets)


class SlsCaller(object):
    """Runs SDK calls for a module: failures become fail_json with a scrubbed message."""

    def __init__(self, module, client=None):
        self.module = module
        self.client = client or build_client(module)
        self.secrets = known_secrets(module.params)
        self.calls = []

    def call(self, action, method, *args, **kwargs):
        self.calls.append(action)
        try:
            return getattr(self.client, method)(*args, **kwargs)
        except LogException as err:
            self.fail(err, action)
        except SlsEndpointError as err:
            self.fail_unreachable(err, action)

    def lookup(self, action, method, args, missing, parents=None):
        """The response, or None when the service answers one of the `missing` codes (not found).

        parents: {code: message} for a missing parent resource (ProjectNotExist, ...). Outside check mode that
        fails with the message; in check mode it warns and returns None, since an earlier task of the same run
        (which check mode did not really execute) would have created the parent. With state=absent a missing
        parent means the resource is already gone, so a teardown run twice changes nothing the second time."""
        self.calls.append(action)
        try:
            return getattr(self.client, method)(*args)
        except SlsEndpointError as err:
            self.fail_unreachable(err, action)
        except LogException as err:
            code = err.get_error_code()
            if code in missing or (parents and code in parents and self.module.params.get('state') == 'absent'):
                return None
            if parents and code in parents:
                if self.module.check_mode:
                    self.module.warn(mask_secrets('%s; check mode assumes an earlier task creates it' % parents[code],
                                                  self.secrets))
                    return None
                fail_masked(self.module, parents[code], error_code=code, request_id=err.get_request_id() or None)
            self.fail(err, action)

    def fail_unreachable(self, err, action):
        fail_masked(self.module, '%s failed: %s' % (action, err), error_code='EndpointUnreachable',
                    failure_kind=err.kind)

    def fail(self, err, action):
        fail_masked(self.module, describe_sls_error(err, action), error_code=err.get_error_code(),
                    request_id=err.get_request_id() or None, http_status=getattr(err, 'resp_status', None))


def project_resource_spec(name_alias, **module_options):
    """sls_argument_spec plus the options every resource inside a project has: project, name (also called
    name_alias) and state, then the module's own."""
    return sls_argument_spec(
        project=dict(type='str', required=True),
        name=dict(type='str', required=True, aliases=[name_alias]),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        **module_options)


def project_parent(project):
    """lookup()'s `parents` for a resource inside a project: a missing project names the module that creates it."""
    return {'ProjectNotExist': 'project: project %s does not exist; create it first '
                               '(alicloud_ops.logging.sls_project)' % project}


class SlsResource(object):
    """The state flow of a resource the API gets, creates, updates and deletes by its key (project, logstore,
    machine group): look it up, then delete it (state=absent) or write the planned view and read it back
    (state=present). Check mode only reads. Both exits return changed, changes, the view under `result_key`
    and the diff."""

    def __init__(self, module, result_key, api_name, method_name, key_args, view, missing, parents=None):
        """api_name/method_name: 'LogStore'/'logstore' stand for GetLogStore/get_logstore and the other verbs;
        key_args address the resource in get and delete, the last one is its name; view turns a get body into
        the returned dict; missing and parents as for SlsCaller.lookup."""
        self.module, self.caller = module, SlsCaller(module)
        self.result_key, self.api_name, self.method_name = result_key, api_name, method_name
        self.key_args, self.view = tuple(key_args), view
        self.missing, self.parents = missing, parents

    @classmethod
    def in_project(cls, module, result_key, api_name, method_name, view, missing):
        """The resource named by the project and name options (project_resource_spec)."""
        project = module.params['project']
        return cls(module, result_key, api_name, method_name, (project, module.params['name']), view,
                   missing=missing, parents=project_parent(project))

    def _call(self, verb, *args, **kwargs):
        return self.caller.call(verb.capitalize() + self.api_name, '%s_%s' % (verb, self.method_name),
                                *args, **kwargs)

    def read_or_exit_absent(self):
        """The current view, or None when the resource does not exist. With state=absent the module exits
        here, after deleting the resource (unless check mode)."""
        response = self.caller.lookup('Get' + self.api_name, 'get_' + self.method_name, self.key_args,
                                      missing=self.missing, parents=self.parents)
        current = self.view(response.get_body()) if response is not None else None
        if self.module.params['state'] != 'absent':
            return current
        changes = ['deleted'] if current else []
        if current and not self.module.check_mode:
            self._call('delete', *self.key_args)
        self._exit(changes, current or {}, current or {}, {})

    def exit_present(self, current, after, changes, write_args, write_kwargs=None, create_kwargs=None):
        """after: the planned view (it gets the resource's name). When anything changes, creates (current None)
        or updates with write_args and write_kwargs, then reports what the service holds. create_kwargs are
        settings the API takes on creation only."""
        after['name'] = self.key_args[-1]
        if changes and not self.module.check_mode:
            kwargs = dict(write_kwargs or {})
            if current is None:
                kwargs.update(create_kwargs or {})
            self._call('create' if current is None else 'update', *write_args, **kwargs)
            after = self.view(self._call('get', *self.key_args).get_body())
        self._exit(changes, after, current or {}, after)

    def _exit(self, changes, shown, before, after):
        result = {'changed': bool(changes), 'changes': changes, self.result_key: shown,
                  'diff': {'before': before, 'after': after}}
        self.module.exit_json(**result)
