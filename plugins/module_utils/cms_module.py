# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CloudMonitor module base, the twin of SLSModule: the same credential options and chain
(alicloud_credentials.py), documented by the alicloud_ops.logging.cms_auth doc fragment; an endpoint option with
the ALICLOUD_CMS_ENDPOINT fallback; the SDK client (cms_client.py, which checks every body's Success/Code since the
SDK raises only on HTTP >= 400); and failures that never carry a secret.

The cms_* modules run where the SDK is (the controller, like the sls_* modules); alibabacloud-cms20190101 needs
Python 3.7+, this file stays Python 3.6 syntax like every module_utils.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import re

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CredentialsError, known_secrets, mask_secrets, resolve_credentials)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import guarded_spec
from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_client import (
    CMS_SDK_IMPORT_ERROR, CmsApiError, CmsClient, make_sdk_client)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import option_problems
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sdk_requirements import install_hint
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_module import CREDENTIAL_OPTIONS, REGION_ENV

ENDPOINT_ENV = ['ALICLOUD_CMS_ENDPOINT']
_ENDPOINT_RE = re.compile(r'^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>[A-Za-z0-9_.-]+)'
                          r'(?::(?P<port>[0-9]{1,5}))?/?$')


def cms_argument_spec(**module_options):
    """The auth/endpoint options (the cms_auth doc fragment) plus the module's."""
    spec = dict(
        endpoint=dict(type='str', aliases=['cms_endpoint'], fallback=(env_fallback, ENDPOINT_ENV)),
        region=dict(type='str', fallback=(env_fallback, REGION_ENV)),
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
        request_timeout=dict(type='int', default=30),
    )
    spec.update(module_options)
    return spec


def resolve_endpoint(endpoint, region):
    """The endpoint as given, or the region's public CloudMonitor one; None when neither is known."""
    if endpoint:
        return endpoint.strip()
    if region:
        return 'https://metrics.%s.aliyuncs.com' % region.strip()
    return None


def connection_problems(params):
    """List of (option, message) for endpoint/timeout options that cannot work."""
    problems = []
    endpoint = resolve_endpoint(params.get('endpoint'), params.get('region'))
    if not endpoint:
        problems.append(('endpoint', 'no CloudMonitor endpoint: set endpoint (or ALICLOUD_CMS_ENDPOINT) or region'))
    else:
        match = _ENDPOINT_RE.match(endpoint)
        field = 'endpoint' if params.get('endpoint') else 'region'
        if not match:
            problems.append((field, 'must be [http:// or https://]host[:port], got %r' % endpoint))
        elif match.group('scheme') and match.group('scheme').lower() not in ('http', 'https'):
            problems.append((field, 'scheme must be http or https, got %r' % endpoint))
        elif match.group('port') and not 1 <= int(match.group('port')) <= 65535:
            problems.append((field, 'port must be 1 to 65535, got %r' % endpoint))
    if params.get('request_timeout') is not None and params['request_timeout'] < 1:
        problems.append(('request_timeout', 'must be at least 1 second'))
    return problems


class CMSModule(object):
    """AnsibleModule for the cms_* modules: option checks first, client(), failures with secrets masked."""

    def __init__(self, argument_spec, multiline=(), **kwargs):
        self.module = AnsibleModule(argument_spec=guarded_spec(cms_argument_spec(**argument_spec)),
                                    supports_check_mode=True, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.secrets = known_secrets(self.params)
        self._client = None
        self.fail_on_problems(option_problems(self.module.argument_spec, self.params, multiline))

    def warn(self, msg):
        self.module.warn(mask_secrets(msg, self.secrets))

    def exit_json(self, **result):
        self.module.exit_json(**result)

    def fail_json(self, msg, **result):
        self.module.fail_json(msg=mask_secrets(msg, self.secrets), **result)

    def fail_on_problems(self, problems):
        problems = [p for p in problems if p[1]]
        if problems:
            self.fail_json('; '.join('%s: %s' % p for p in problems),
                           invalid_options=sorted(set(p[0] for p in problems)))

    def fail_json_cms(self, err):
        result = {'error_code': err.code}
        if err.kind:
            result['failure_kind'] = err.kind
        else:
            result.update(request_id=err.request_id, http_status=err.http_status)
        if err.option:
            result['invalid_options'] = err.option.split('/')
        self.fail_json(str(err), **result)

    @contextlib.contextmanager
    def cms_errors(self):
        """Fail the module with fail_json_cms on any CmsApiError raised inside the block."""
        try:
            yield
        except CmsApiError as err:
            self.fail_json_cms(err)

    def exit_resource(self, result_key, changes, shown, before, after, **extra):
        result = {'changed': bool(changes), 'changes': changes, result_key: shown,
                  'diff': {'before': before, 'after': after}}
        result.update(extra)
        self.exit_json(**result)

    def client(self):
        """The CmsClient for the module's options (built once), or fail_json naming the option at fault."""
        if self._client is None:
            if CMS_SDK_IMPORT_ERROR:
                self.module.fail_json(msg=missing_required_lib('alibabacloud-cms20190101',
                                                               reason=install_hint(['alibabacloud-cms20190101'])),
                                      exception=CMS_SDK_IMPORT_ERROR)
            params = self.params
            problems = connection_problems(params)
            try:
                credentials = resolve_credentials(dict((name, params.get(name)) for name in CREDENTIAL_OPTIONS))
            except CredentialsError as exc:
                credentials = None
                problems.append((exc.option, str(exc)))
            self.fail_on_problems(problems)
            try:
                credential = credentials.client()
            except CredentialsError as exc:
                self.fail_on_problems([(exc.option, str(exc))])
            sdk = make_sdk_client(resolve_endpoint(params['endpoint'], params['region']), credential,
                                  params.get('region'), params['request_timeout'])
            self._client = CmsClient(sdk, params['request_timeout'])
        return self._client
