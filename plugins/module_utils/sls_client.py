# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Log Service client the sls_* modules call, on aliyun-log-python-sdk: SlsClient wraps a LogClient method for
method, so a module calls ``client.create_logstore(project, name, ...)`` directly. Each call is retried on
throttling and 5xx with jittered backoff (backoff.py) and fails as one SlsApiError that names the API action, the
service's code and message, the request id and, when the code says, the option at fault. SLSModule
(sls_module.py) builds the client and turns an SlsApiError into fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import mask_secrets
from ansible_collections.alicloud_ops.logging.plugins.module_utils.backoff import Backoff
from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.transport_errors import (
    FAIL_FAST_KINDS, describe_transport_failure, transport_failure)

# The SDK classes the sls_* modules use are imported here, once, so one guard reports a missing SDK.
# pylint: disable=unused-import
try:
    from aliyun.log import IndexConfig, LogClient, LogException
    from aliyun.log.logtail_config_detail import LogtailConfigGenerator
    from aliyun.log.logtail_pipeline_config_detail import LogtailPipelineConfigDetail
    from aliyun.log.machine_group_detail import MachineGroupDetail
    from aliyun.log.resource_params import ResourceRecord
    from aliyun.log.util import Util
    SLS_SDK_IMPORT_ERROR = None
except ImportError:
    IndexConfig = LogClient = LogException = Util = MachineGroupDetail = ResourceRecord = None
    LogtailConfigGenerator = LogtailPipelineConfigDetail = None
    SLS_SDK_IMPORT_ERROR = traceback.format_exc()
# pylint: enable=unused-import

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
# failures (5xx, ServerBusy). The SDK's own loop retries 5xx ten times, 1 s apart; SlsClient retries instead,
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
    'list_logtail_config': 'ListConfig', 'list_logtail_pipeline_config': 'ListLogtailPipelineConfig',
    'get_logtail_pipeline_config': 'GetLogtailPipelineConfig',
    'create_logtail_pipeline_config': 'CreateLogtailPipelineConfig',
    'update_logtail_pipeline_config': 'UpdateLogtailPipelineConfig',
    'delete_logtail_pipeline_config': 'DeleteLogtailPipelineConfig',
    'get_config_applied_machine_groups': 'GetAppliedMachineGroups',
    'apply_config_to_machine_group': 'ApplyConfigToMachineGroup',
    'remove_config_to_machine_group': 'RemoveConfigFromMachineGroup',
    'get_log': 'GetLogs',
    'get_alert': 'GetAlert', 'create_alert': 'CreateAlert', 'update_alert': 'UpdateAlert',
    'delete_alert': 'DeleteAlert', 'enable_alert': 'EnableAlert', 'disable_alert': 'DisableAlert',
    'get_resource_record': 'GetResourceRecord', 'create_resource_record': 'CreateResourceRecord',
    'update_resource_record': 'UpdateResourceRecord', 'delete_resource_record': 'DeleteResourceRecord',
}


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
    loop at once and SlsClient's backoff decides."""

    def __init__(self, error):
        super(_Transient, self).__init__(str(error))
        self.error = error


def is_transient(err):
    """True for a throttled or 5xx answer, or a connection that broke in a way that is not FAIL_FAST_KINDS."""
    if err.get_error_code() == 'LogRequestError':
        # The SDK's code both for a failed connection (the requests error is its __context__) and for an answer
        # without a Log Service error body, such as a gateway's 502 or 503: that one is judged by its status.
        failure = transport_failure(err.__context__)
        if failure is not None:
            return failure[0] not in FAIL_FAST_KINDS
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


def single_attempt_client(endpoint, credentials, auth_version, region, timeout):
    """The LogClient for these settings (credentials: alicloud_credentials.resolve_credentials's answer)."""
    # Static keys sign directly; every other source is an alibabacloud_credentials provider, which has the
    # get_credentials() interface the Log Service SDK asks for before each request.
    keys = credentials.static or (None, None, None)
    provider = None if credentials.static else credentials.provider
    # source is only used for put_logs; giving it avoids the SDK's UDP probe towards the endpoint.
    client = _SingleAttemptLogClient(endpoint, keys[0], keys[1], securityToken=keys[2], source='ansible',
                                     auth_version=auth_version, region=region or '', credentials_provider=provider)
    client.timeout = timeout
    # The SDK addresses "<project>.<endpoint>" unless the endpoint is a bare IPv4 address, and its check
    # fails on "IP:port", so a private-IP endpoint with a port would be resolved as a DNS name.
    if Util.is_row_ip(client._logHost):
        client._isRowIp = True
    return client
