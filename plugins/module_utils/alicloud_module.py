# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every cloud-API module base of the collection shares (SLSModule for Log Service, CMSModule for
CloudMonitor), as amazon.aws's AnsibleAWSModule: option checks before anything else, the one credential chain
(alicloud_credentials.py) read from the options of the same names, and the one way to fail - every secret the
module knows masked, the option at fault named in ``invalid_options``.

A subclass sets ``api_error`` (the exception class of its client: code, message, request_id, http_status, kind,
option) and builds its own client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

from ansible.module_utils.basic import AnsibleModule, env_fallback
from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import (
    CredentialsError, known_secrets, mask_secrets, resolve_credentials)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.argument_guard import guarded_spec
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import option_problems

REGION_ENV = ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION']
# The credential chain's settings, as the module options of the same names.
CREDENTIAL_OPTIONS = ('access_key_id', 'access_key_secret', 'security_token', 'profile', 'config_file',
                      'ecs_role_name', 'role_arn', 'role_session_name', 'role_session_duration', 'sts_endpoint')


def cloud_argument_spec(endpoint_alias, endpoint_env, **options):
    """The endpoint, region, credential and timeout options every cloud-API module has (documented by its family's
    doc fragment and sls_auth's credential_chain), plus `options`."""
    spec = dict(
        endpoint=dict(type='str', aliases=[endpoint_alias], fallback=(env_fallback, endpoint_env)),
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
        request_timeout=dict(type='int', default=30),
    )
    spec.update(options)
    return spec


class AlicloudModule(object):
    """AnsibleModule plus the checks, credentials and failure path every cloud-API module shares."""

    api_error = None

    def __init__(self, full_spec, multiline=(), **kwargs):
        """full_spec: the module's options with its family's auth/endpoint ones. multiline: options whose text may
        hold line breaks (option_checks). kwargs go to AnsibleModule; every such module supports check mode."""
        self.module = AnsibleModule(argument_spec=guarded_spec(full_spec), supports_check_mode=True, **kwargs)
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
        """fail_json with every secret the module knows (its options and the credential variables) masked, in
        any spelling: the one way these modules fail."""
        self.module.fail_json(msg=mask_secrets(msg, self.secrets), **result)

    def fail_on_problems(self, problems):
        """Fail naming every (option, problem) pair; nothing when the list is empty."""
        problems = [p for p in problems if p[1]]
        if problems:
            self.fail_json('; '.join('%s: %s' % p for p in problems),
                           invalid_options=sorted(set(p[0] for p in problems)))

    def fail_json_api(self, err):
        """fail_json for the client's error: its message, code, request id and the option at fault."""
        result = {'error_code': err.code}
        if err.kind:
            result['failure_kind'] = err.kind
        else:
            result.update(request_id=err.request_id, http_status=err.http_status)
        if err.option:
            result['invalid_options'] = err.option.split('/')
        self.fail_json(str(err), **result)

    @contextlib.contextmanager
    def api_errors(self):
        """Fail the module with fail_json_api on any of the client's errors raised inside the block."""
        try:
            yield
        except self.api_error as err:  # pylint: disable=catching-non-exception
            self.fail_json_api(err)

    def exit_resource(self, result_key, changes, shown, before, after, **extra):
        """exit_json for a resource module: changed, changes, the resource under result_key and the diff."""
        result = {'changed': bool(changes), 'changes': changes, result_key: shown,
                  'diff': {'before': before, 'after': after}}
        result.update(extra)
        self.exit_json(**result)

    def credentials(self, problems):
        """The resolved credential chain; a problem with it joins `problems` (connection ones), and the module
        fails naming every option at fault."""
        try:
            credentials = resolve_credentials(dict((name, self.params.get(name)) for name in CREDENTIAL_OPTIONS))
        except CredentialsError as exc:
            credentials = None
            problems = list(problems) + [(exc.option, str(exc))]
        self.fail_on_problems(problems)
        return credentials
