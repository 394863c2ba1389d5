# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudMonitor (cms 2019-01-01) calls through the official SDK alibabacloud-cms20190101, unchanged.

One error type, CmsApiError, for the three ways a call fails: the SDK raises (HTTP >= 400: DaraException with the
body's Code/Message, alibabacloud_tea_openapi client.py do_request), the transport fails (refused, timeout), or the
service answers HTTP 200 with ``"Success": false`` - which the SDK passes on silently (ALERTS.md section 4 [T1]),
so every body is checked here. ``Code`` is a string "200" in most bodies and an int in some [C1]: compared as text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import traceback

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError

try:
    from alibabacloud_cms20190101 import models as cms_models
    from alibabacloud_cms20190101.client import Client as CmsSdkClient
    from alibabacloud_tea_openapi.utils_models import Config
    from darabonba.runtime import RuntimeOptions
    CMS_SDK_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - the module reports the missing SDK
    cms_models = CmsSdkClient = Config = RuntimeOptions = None
    CMS_SDK_IMPORT_ERROR = traceback.format_exc()


# Gateway codes (the same for every Alibaba Cloud RPC API) -> the option to fix.
AUTH_OPTIONS = {'SignatureDoesNotMatch': 'access_key_secret', 'IncompleteSignature': 'access_key_secret',
                'InvalidAccessKeyId.NotFound': 'access_key_id', 'InvalidAccessKeyId': 'access_key_id',
                'InvalidSecurityToken.Expired': 'security_token', 'InvalidSecurityToken.Malformed': 'security_token',
                'InvalidSecurityToken.MismatchWithAccessKey': 'security_token'}


class CmsApiError(AlicloudOpsError):
    """A refused or failed CloudMonitor call: code, message, request id, HTTP status (or kind 'transport')."""

    def __init__(self, action, code, message, request_id=None, http_status=None, kind=None, option=None):
        text = '%s failed: %s (%s)' % (action, message, code)
        if option and not message.startswith(option + ':'):
            text = '%s: %s' % (option, text)
        if request_id:
            text += ', request id %s' % request_id
        super(CmsApiError, self).__init__(text, option)
        self.action = action
        self.code = code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        self.kind = kind


def _snake(action):
    return re.sub(r'(?<!^)(?=[A-Z])', '_', action).lower()


# Request parameters a refusal may name ("The parameter Period must be ...") -> the module option to fix.
PARAMETER_OPTIONS = {'Period': 'period', 'SilenceTime': 'silence_time', 'Webhook': 'webhook_url',
                     'MetricName': 'metric', 'Namespace': 'namespace', 'ContactGroups': 'contact_groups',
                     'NoDataPolicy': 'no_data_policy', 'RuleName': 'name', 'GroupName': 'name'}
_PARAMETER = re.compile(r'\b(?:parameter|Parameter)\s+"?([A-Z][A-Za-z]+)')


def _option_named(message):
    match = _PARAMETER.search(message or '')
    return PARAMETER_OPTIONS.get(match.group(1)) if match else None


def body_error(action, body):
    """The CmsApiError a 200 body stands for (Success false, or a Code other than 200), or None."""
    if not isinstance(body, dict):
        return CmsApiError(action, 'InvalidResponse', 'the response body is not a JSON object: %r' % (body,))
    success = body.get('Success')
    code = body.get('Code')
    failed = success is False or (isinstance(success, str) and success.lower() == 'false')
    if not failed and code not in (None, '') and str(code) != '200':
        failed = True
    if not failed:
        return None
    message = body.get('Message') or 'the service answered Success false'
    option = _option_named(message)
    return CmsApiError(action, str(code) if code not in (None, '') else 'Failed', message, body.get('RequestId'),
                       200, option=option)


def split_endpoint(endpoint):
    """(host[:port][/path], protocol) of an endpoint given with or without http(s)://; https when no scheme."""
    match = re.match(r'^(https?)://(.*)$', endpoint.strip(), re.IGNORECASE)
    if match:
        return match.group(2).rstrip('/'), match.group(1).lower()
    return endpoint.strip().rstrip('/'), 'https'


def make_sdk_client(endpoint, credential, region, timeout):
    host, protocol = split_endpoint(endpoint)
    config = Config(credential=credential, region_id=region or 'cn-hangzhou', protocol=protocol, endpoint=host,
                    connect_timeout=timeout * 1000, read_timeout=timeout * 1000)
    return CmsSdkClient(config)


class CmsClient(object):
    """call(Action, **request fields as the API names them) -> the response body as a dict, or CmsApiError."""

    def __init__(self, sdk, timeout=30):
        self.sdk = sdk
        self.timeout = timeout

    def call(self, action, **fields):
        request = getattr(cms_models, action + 'Request')().from_map(fields)
        runtime = RuntimeOptions(autoretry=False, read_timeout=self.timeout * 1000,
                                 connect_timeout=self.timeout * 1000)
        try:
            response = getattr(self.sdk, _snake(action) + '_with_options')(request, runtime)
        except Exception as exc:  # the SDK's error types differ across versions; one path for all
            code = getattr(exc, 'code', None)
            if code:
                data = getattr(exc, 'data', None) or {}
                raise CmsApiError(action, str(code), getattr(exc, 'message', None) or str(exc),
                                  data.get('RequestId') if isinstance(data, dict) else None,
                                  getattr(exc, 'statusCode', None), option=AUTH_OPTIONS.get(str(code)))
            raise CmsApiError(action, 'RequestFailed', '%s: %s' % (type(exc).__name__, exc), kind='transport',
                              option='endpoint')
        body = response.body.to_map() if response.body is not None else {}
        error = body_error(action, body)
        if error:
            raise error
        return body

    def pages(self, action, list_path, page_name='PageNumber', size=100, **fields):
        """Every item of a paged Describe* action; list_path: keys from the body to the list."""
        items, number = [], 1
        while True:
            body = self.call(action, **dict(fields, **{page_name: number, 'PageSize': size}))
            page = body
            for key in list_path:
                page = (page or {}).get(key) or {}
            page = page if isinstance(page, list) else []
            items.extend(page)
            total = body.get('Total')
            if len(page) < size or (total is not None and len(items) >= int(total)):
                return items
            number += 1
