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

import re

from ansible.module_utils.basic import missing_required_lib
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import CredentialsError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_module import (
    AlicloudModule, cloud_argument_spec)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_client import (
    CMS_SDK_IMPORT_ERROR, CmsApiError, CmsClient, make_sdk_client)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sdk_requirements import install_hint

ENDPOINT_ENV = ['ALICLOUD_CMS_ENDPOINT']
_ENDPOINT_RE = re.compile(r'^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>[A-Za-z0-9_.-]+)'
                          r'(?::(?P<port>[0-9]{1,5}))?/?$')


def cms_argument_spec(**module_options):
    """The auth/endpoint options (the cms_auth doc fragment) plus the module's."""
    return cloud_argument_spec('cms_endpoint', ENDPOINT_ENV, **module_options)


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


class CMSModule(AlicloudModule):
    """AnsibleModule for the cms_* modules: option checks first, client(), failures with secrets masked
    (alicloud_module.AlicloudModule)."""

    api_error = CmsApiError

    def __init__(self, argument_spec, multiline=(), **kwargs):
        super(CMSModule, self).__init__(cms_argument_spec(**argument_spec), multiline, **kwargs)

    # The names the cms_* modules call.
    fail_json_cms = AlicloudModule.fail_json_api
    cms_errors = AlicloudModule.api_errors

    def require_contact_groups(self, client, names):
        """Fail naming contact_groups before any write when one of `names` does not exist (the service refuses only
        the write itself); in check mode, warn: an earlier task of the run may create it."""
        if not names:
            return
        listed = client.pages('DescribeContactGroupList', ('ContactGroupList', 'ContactGroup'))
        known = set(g.get('Name') for g in listed)
        missing = sorted(set(names) - known)
        if not missing:
            return
        text = ('contact_groups: no CloudMonitor contact group %s; create it first '
                '(alicloud_ops.logging.cms_contact_group)' % ', '.join(missing))
        if self.check_mode:
            self.warn(text + '; check mode assumes an earlier task creates it')
        else:
            self.fail_json(text, invalid_options=['contact_groups'])

    def client(self):
        """The CmsClient for the module's options (built once), or fail_json naming the option at fault."""
        if self._client is None:
            if CMS_SDK_IMPORT_ERROR:
                self.module.fail_json(msg=missing_required_lib('alibabacloud-cms20190101',
                                                               reason=install_hint(['alibabacloud-cms20190101'])),
                                      exception=CMS_SDK_IMPORT_ERROR)
            params = self.params
            credentials = self.credentials(connection_problems(params))
            try:
                credential = credentials.client()
            except CredentialsError as exc:
                self.fail_on_problems([(exc.option, str(exc))])
            sdk = make_sdk_client(resolve_endpoint(params['endpoint'], params['region']), credential,
                                  params.get('region'), params['request_timeout'])
            self._client = CmsClient(sdk, params['request_timeout'])
        return self._client
