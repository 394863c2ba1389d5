# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Log Service (SLS) module base, as amazon.aws's AnsibleAWSModule: SLSModule owns the auth/endpoint options
(documented in the alicloud_ops.logging.sls_auth doc fragment), the aliyun-log-python-sdk client, the retries and
the one error path. A module calls the client directly (``client.create_logstore(project, name, ...)``); every
failure of a call is one SlsApiError that names the option at fault when there is one, and
``SLSModule.fail_json_sls`` turns it into fail_json with every secret masked. Credentials come from the
collection's one chain (alicloud_credentials.py), the same as the alicloud_ecs inventory's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import re
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CredentialsError, known_secrets, mask_secrets, resolve_credentials)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import guarded_spec
from ansible_collections.alicloud_ops.logging.plugins.module_utils.backoff import Backoff
from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import option_problems
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sdk_requirements import install_hint
from ansible_collections.alicloud_ops.logging.plugins.module_utils.transport_errors import (
    FAIL_FAST_KINDS, describe_transport_failure, transport_failure)

# The SDK classes the sls_* modules use are imported here, once, so one guard reports a missing SDK.
# pylint: disable=unused-import
try:
    from aliyun.log import IndexConfig, LogClient, LogException
    from aliyun.log.logtail_config_detail import LogtailConfigGenerator
    from aliyun.log.logtail_pipeline_config_detail import LogtailPipelineConfigDetail
    from aliyun.log.machine_group_detail import MachineGroupDetail
    from aliyun.log.util import Util
    SLS_SDK_IMPORT_ERROR = None
except ImportError:
    IndexConfig = LogClient = LogException = Util = MachineGroupDetail = None
    LogtailConfigGenerator = LogtailPipelineConfigDetail = None
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

# Answers that a later attempt can get past: throttling (Log Service's quota codes, 429) and the service's own
# failures (5xx, ServerBusy). The SDK's own loop retries 5xx ten times, 1 s apart; SLSModule retries instead,
# with backoff and jitter (RETRY), so concurrent hosts do not retry in step.
TRANSIENT_CODES = frozenset(['ServerBusy', 'InternalServerError', 'RequestTimeout', 'ExceedQuota',
                             'WriteQuotaExceed', 'ReadQuotaExceed', 'ShardWriteQuotaExceed', 'ShardReadQuotaExceed'])
RETRY = dict(base_delay=0.5, max_delay=5.0, deadline=30.0)

# SDK method -> the API action that failure messages name (Log Service's API reference spells them so).
ACTIONS = {
    'get_project': 'GetProject', 'create_project': 'CreateProject', 'update_project': 'UpdateProject',
    'delete_project': 'DeleteProject', 'list_logstore': 'ListLogStores',
    'get_logstore': 'GetLogStore', 'create_logstore': 'CreateLogStore', 'update_logstore': 'UpdateLogStore',
    'delete_logstore': 'DeleteLogStore',
    'get_index_config': 'GetIndex', 'create_index': 'CreateIndex', 'update_index': 'UpdateIndex',
    'delete_index': 'DeleteIndex',
    'get_machine_group': 'GetMachineGroup', 'create_machine_group': 'CreateMachineGroup',
    'update_machine_group': 'UpdateMachineGroup', 'delete_machine_group': 'DeleteMachineGroup',
    'list_machines': 'ListMachines', 'get_machine_group_applied_configs': 'GetAppliedConfigs',
    'get_logtail_config': 'GetConfig', 'create_logtail_config': 'CreateConfig',
    'update_logtail_config': 'UpdateConfig', 'delete_logtail_config': 'DeleteConfig',
    'get_logtail_pipeline_config': 'GetLogtailPipelineConfig',
    'create_logtail_pipeline_config': 'CreateLogtailPipelineConfig',
    'update_logtail_pipeline_config': 'UpdateLogtailPipelineConfig',
    'delete_logtail_pipeline_config': 'DeleteLogtailPipelineConfig',
    'get_config_applied_machine_groups': 'GetAppliedMachineGroups',
    'apply_config_to_machine_group': 'ApplyConfigToMachineGroup',
    'remove_config_to_machine_group': 'RemoveConfigFromMachineGroup',
    'get_log': 'GetLogs',
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


def resource_options(name_alias):
    """The options every resource inside a project has: project, name (also called name_alias) and state."""
    return dict(project=dict(type='str', required=True),
                name=dict(type='str', required=True, aliases=[name_alias]),
                state=dict(type='str', default='present', choices=['present', 'absent']))


def project_parent(project):
    """absent_on()'s `parents` for a resource inside a project: a missing project names the module that creates it."""
    return {'ProjectNotExist': 'project: project %s does not exist; create it first '
                               '(alicloud_ops.logging.sls_project)' % project}


def logstore_parents(project, logstore, option, create_hint=True):
    """absent_on()'s `parents` for a resource inside a logstore; option is the one that names the logstore."""
    msg = '%s: logstore %s does not exist in project %s' % (option, logstore, project)
    if create_hint:
        msg += '; create it first (alicloud_ops.logging.sls_logstore)'
    return dict(project_parent(project), LogStoreNotExist=msg)


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


class SlsApiError(AlicloudOpsError):
    """A Log Service call that failed for good (after retries when it was transient). The message names the action,
    the service's code and message, a hint and the request id; option is the option to fix when the code says
    (AUTH_HINTS, an endpoint that does not answer). Never carries a secret."""

    def __init__(self, message, option=None, code=None, request_id=None, http_status=None, kind=None):
        super(SlsApiError, self).__init__(message, option)
        self.code, self.request_id, self.http_status, self.kind = code, request_id, http_status, kind


class _Unanswered(AlicloudOpsError):
    """No answer from the endpoint, of a kind retrying cannot fix (transport_errors.FAIL_FAST_KINDS)."""

    def __init__(self, message, kind):
        super(_Unanswered, self).__init__(message, 'endpoint')
        self.kind = kind


class _Transient(AlicloudOpsError):
    """A LogException a later attempt may get past. Not a LogException itself, so it leaves the SDK's own retry
    loop at once and SLSModule's backoff decides."""

    def __init__(self, error):
        super(_Transient, self).__init__(str(error))
        self.error = error


def is_transient(err):
    """True for a throttled or 5xx answer, or a connection that broke in a way that is not FAIL_FAST_KINDS."""
    if err.get_error_code() == 'LogRequestError':
        failure = transport_failure(err.__context__)
        return failure is not None and failure[0] not in FAIL_FAST_KINDS
    status = getattr(err, 'resp_status', None) or 0
    return err.get_error_code() in TRANSIENT_CODES or status == 429 or status >= 500


if LogClient is not None:
    class _SingleAttemptLogClient(LogClient):
        """LogClient whose every request is sent once: the SDK's _send loop (10 attempts, 1 s apart, for every
        transport error and 5xx; with request_timeout 3 a silent endpoint took 42 s) never sees a failure it
        would retry, since those leave here as _Unanswered or _Transient."""

        def _sendRequest(self, method, url, params, body, headers, respons_body_type='json'):
            try:
                return super(_SingleAttemptLogClient, self)._sendRequest(method, url, params, body, headers,
                                                                         respons_body_type)
            except LogException as err:
                # The SDK raises its LogRequestError while handling the requests error: __context__.
                failure = transport_failure(err.__context__) if err.get_error_code() == 'LogRequestError' else None
                if failure is not None and failure[0] in FAIL_FAST_KINDS:
                    kind, _where, detail = failure
                    # The URL's host, which is "<project>.<endpoint>" for most calls: that is what failed.
                    endpoint = '/'.join(url.split('/')[:3])
                    raise _Unanswered(describe_transport_failure(kind, endpoint, detail, self.timeout,
                                                                 'endpoint or region'), kind)
                if is_transient(err):
                    raise _Transient(err)
                raise
else:
    _SingleAttemptLogClient = None


def describe_sls_error(err, action, secrets=()):
    """One line for a LogException: what failed, the service's code and message, a hint, the request id (secrets
    masked; fail_json_sls masks again with everything the module knows)."""
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


def sls_api_error(err, action, attempts=1, seconds=None):
    """The SlsApiError for what a call raised (a LogException, _Unanswered or _Transient); anything else as is.
    seconds: set when retries gave up on a transient failure, after that long."""
    if isinstance(err, _Unanswered):
        return SlsApiError('%s failed: %s' % (action, err), option='endpoint', code='EndpointUnreachable',
                           kind=err.kind)
    if isinstance(err, _Transient):
        err = err.error
    if LogException is None or not isinstance(err, LogException):
        return err
    message = describe_sls_error(err, action)
    if seconds is not None:
        message += ' (still failing after %d attempts in %.1f s, retried with backoff)' % (attempts, seconds)
    elif attempts > 1:
        message += ' (after %d attempts)' % attempts
    return SlsApiError(message, option=AUTH_HINTS.get(err.get_error_code(), (None, None))[0],
                       code=err.get_error_code(), request_id=err.get_request_id() or None,
                       http_status=getattr(err, 'resp_status', None))


class SlsClient(object):
    """The LogClient a module calls, method for method: each call is retried on transient failures with backoff
    and fails as one SlsApiError naming its API action. ``calls`` lists the actions called, once per call."""

    def __init__(self, client, backoff=None):
        self._client = client
        self._backoff = backoff or Backoff(**RETRY)
        self.calls = []

    def __getattr__(self, name):
        method = getattr(self._client, name)
        if not callable(method):
            return method
        action = ACTIONS.get(name, name)

        def call(*args, **kwargs):
            self.calls.append(action)
            return self._backoff.retry(
                lambda: method(*args, **kwargs), lambda err: isinstance(err, _Transient),
                lambda err, attempts: sls_api_error(err, action, attempts),
                lambda err, attempts, seconds: sls_api_error(err, action, attempts, seconds))
        return call


class SLSModule(object):
    """AnsibleModule for the sls_* modules: the auth/endpoint options added to the module's own, option checks
    before anything else, client(), and failures that never carry a secret."""

    def __init__(self, argument_spec, multiline=(), backoff=None, **kwargs):
        """argument_spec: the module's own options. multiline: options whose text may hold line breaks
        (option_checks). kwargs go to AnsibleModule; every sls_* module supports check mode."""
        self.module = AnsibleModule(argument_spec=guarded_spec(sls_argument_spec(**argument_spec)),
                                    supports_check_mode=True, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.secrets = known_secrets(self.params)
        self._backoff = backoff
        self._client = None
        self.fail_on_problems(option_problems(self.module.argument_spec, self.params, multiline))

    def warn(self, msg):
        self.module.warn(mask_secrets(msg, self.secrets))

    def exit_json(self, **result):
        self.module.exit_json(**result)

    def fail_json(self, msg, **result):
        """fail_json with every secret the module knows (its options and the credential variables) masked, in
        any spelling: the one way an sls_* module fails."""
        self.module.fail_json(msg=mask_secrets(msg, self.secrets), **result)

    def fail_on_problems(self, problems):
        """Fail naming every (option, problem) pair; nothing when the list is empty."""
        problems = [p for p in problems if p[1]]
        if problems:
            self.fail_json('; '.join('%s: %s' % p for p in problems),
                           invalid_options=sorted(set(p[0] for p in problems)))

    def fail_json_sls(self, err):
        """fail_json for an SlsApiError: its message, code, request id and the option at fault."""
        result = {'error_code': err.code}
        if err.kind:
            result['failure_kind'] = err.kind
        else:
            result.update(request_id=err.request_id, http_status=err.http_status)
        if err.option:
            result['invalid_options'] = err.option.split('/')
        self.fail_json(str(err), **result)

    @contextlib.contextmanager
    def sls_errors(self):
        """Fail the module with fail_json_sls on any SlsApiError raised inside the block."""
        try:
            yield
        except SlsApiError as err:
            self.fail_json_sls(err)

    def absent_on(self, err, missing, parents=None):
        """None when err says the resource does not exist (a code in `missing`); re-raises anything else.

        parents: {code: message} for a missing parent resource (ProjectNotExist, ...). Outside check mode that
        fails with the message; in check mode it warns and returns None, since an earlier task of the same run
        (which check mode did not really execute) would have created the parent. With state=absent a missing
        parent means the resource is already gone, so a teardown run twice changes nothing the second time."""
        parents = parents or {}
        if err.code in missing or (err.code in parents and self.params.get('state') == 'absent'):
            return None
        if err.code not in parents:
            raise err
        if self.check_mode:
            self.warn('%s; check mode assumes an earlier task creates it' % parents[err.code])
            return None
        self.fail_json(parents[err.code], error_code=err.code, request_id=err.request_id,
                       invalid_options=[parents[err.code].split(':')[0]])

    def exit_if_absent(self, result_key, current, delete):
        """With state=absent, exit: after delete() (the SDK call that deletes the resource) unless check mode or
        the resource is already gone (current None). With state=present, nothing."""
        if self.params['state'] != 'absent':
            return
        if current and not self.check_mode:
            delete()
        self.exit_resource(result_key, ['deleted'] if current else [], current or {}, current or {}, {})

    def exit_resource(self, result_key, changes, shown, before, after):
        """exit_json for a resource module: changed, changes, the resource under result_key and the diff."""
        self.exit_json(**{'changed': bool(changes), 'changes': changes, result_key: shown,
                          'diff': {'before': before, 'after': after}})

    def client(self):
        """The SlsClient for the module's options (built once), or fail_json naming the option at fault."""
        if self._client is None:
            self._client = SlsClient(self._log_client(), self._backoff)
        return self._client

    def _log_client(self):
        if SLS_SDK_IMPORT_ERROR:
            self.module.fail_json(msg=missing_required_lib('aliyun-log-python-sdk',
                                                           reason=install_hint(['aliyun-log-python-sdk'])),
                                  exception=SLS_SDK_IMPORT_ERROR)
        params = self.params
        problems = connection_problems(params)
        try:
            credentials = resolve_credentials(dict((name, params.get(name)) for name in CREDENTIAL_OPTIONS))
        except CredentialsError as exc:
            credentials = None
            problems.append((exc.option, str(exc)))
        self.fail_on_problems(problems)
        # Static keys sign directly; every other source is an alibabacloud_credentials provider, which has the
        # get_credentials() interface the Log Service SDK asks for before each request.
        keys = credentials.static or (None, None, None)
        provider = None if credentials.static else credentials.provider
        # source is only used for put_logs; giving it avoids the SDK's UDP probe towards the endpoint.
        client = _SingleAttemptLogClient(resolve_endpoint(params['endpoint'], params['region']), keys[0], keys[1],
                                         securityToken=keys[2], source='ansible', auth_version=params['auth_version'],
                                         region=params.get('region') or '', credentials_provider=provider)
        client.timeout = params['request_timeout']
        # The SDK addresses "<project>.<endpoint>" unless the endpoint is a bare IPv4 address, and its check
        # fails on "IP:port", so a private-IP endpoint with a port would be resolved as a DNS name.
        if Util.is_row_ip(client._logHost):
            client._isRowIp = True
        return client
