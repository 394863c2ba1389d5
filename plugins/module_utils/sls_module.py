# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Log Service (SLS) module base, as amazon.aws's AnsibleAWSModule: SLSModule owns the auth/endpoint options
(documented in the alicloud_ops.logging.sls_auth doc fragment), the client (sls_client.py: direct SDK calls,
retries), and the one error path: ``fail_json_sls`` turns an SlsApiError into fail_json naming the option at
fault, with every secret masked. Credentials come from the collection's one chain (alicloud_credentials.py), the
same as the alicloud_ecs inventory's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.basic import missing_required_lib
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_module import (
    AlicloudModule, cloud_argument_spec)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sdk_requirements import install_hint
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sls_client import (
    SLS_SDK_IMPORT_ERROR, SlsApiError, SlsClient, single_attempt_client)

ENDPOINT_ENV = ['ALICLOUD_SLS_ENDPOINT']


def sls_argument_spec(**module_options):
    """The auth/endpoint options (documented in the alicloud_ops.logging.sls_auth doc fragment) plus the module's."""
    return cloud_argument_spec('sls_endpoint', ENDPOINT_ENV,
                               auth_version=dict(type='str', default='v1', choices=['v1', 'v4']), **module_options)


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


class SLSModule(AlicloudModule):
    """AnsibleModule for the sls_* modules: the auth/endpoint options added to the module's own, option checks
    before anything else, client(), and failures that never carry a secret (alicloud_module.AlicloudModule)."""

    api_error = SlsApiError

    def __init__(self, argument_spec, multiline=(), backoff=None, **kwargs):
        """argument_spec: the module's own options. multiline: options whose text may hold line breaks
        (option_checks). kwargs go to AnsibleModule; every sls_* module supports check mode."""
        self._backoff = backoff
        super(SLSModule, self).__init__(sls_argument_spec(**argument_spec), multiline, **kwargs)

    # The names the sls_* modules call.
    fail_json_sls = AlicloudModule.fail_json_api
    sls_errors = AlicloudModule.api_errors

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
        credentials = self.credentials(connection_problems(params))
        return single_attempt_client(resolve_endpoint(params['endpoint'], params['region']), credentials,
                                     params['auth_version'], params.get('region'), params['request_timeout'])
