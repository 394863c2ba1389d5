# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Auth and endpoint options of the sls_* modules (plugins/module_utils/sls_module.py); their attributes are
    # in attributes.API.
    DOCUMENTATION = r'''
options:
  endpoint:
    description:
      - Log Service endpoint, for example V(cn-hangzhou.log.aliyuncs.com),
        V(https://cn-hangzhou-intranet.log.aliyuncs.com) or V(http://127.0.0.1:8080) (an IP with a port is
        addressed directly; the project then travels only in the Host header).
      - Without a scheme the SDK uses HTTP.
      - When unset, the environment variable E(ALICLOUD_SLS_ENDPOINT) is used, else
        V(https://<region>.log.aliyuncs.com) from O(region).
      - The form is V([http://|https://]host[:port]); the SDK cannot address an IPv6 literal, so one fails
        naming this option.
      - A refused connection, a host that does not resolve, or no answer within O(request_timeout) fails the
        task after one attempt, naming the URL.
    type: str
    aliases: [sls_endpoint]
  region:
    description:
      - Region of the project, used to build the default O(endpoint) and to sign with O(auth_version=v4).
      - Falls back to E(ALIBABA_CLOUD_REGION_ID), then E(ALICLOUD_REGION).
    type: str
  access_key_id:
    description:
      - AccessKey id, with O(access_key_secret). The first credentials source of the chain described in the notes.
    type: str
    aliases: [access_key]
  access_key_secret:
    description:
      - AccessKey secret. Never logged or returned; error messages mask it, in any spelling (quoted, escaped,
        URL-encoded, without the blanks around it).
      - Keys and tokens are printable ASCII; a blank, a line break (a token pasted from a file keeps one) or any
        other character is refused naming the option or environment variable, without showing the value. The
        same holds for O(access_key_id) and O(security_token).
    type: str
    aliases: [secret_key]
  security_token:
    description:
      - STS security token, when O(access_key_id) and O(access_key_secret) are temporary (STS) credentials.
    type: str
    aliases: [sts_token]
  auth_version:
    description:
      - Request signature scheme. V(v1) is the SDK's default; V(v4) (SLS4-HMAC-SHA256) needs O(region).
    type: str
    choices: [v1, v4]
    default: v1
  request_timeout:
    description:
      - Seconds to wait for one API answer; a call that gets none fails the task (not retried).
      - Throttled answers (HTTP 429, C(ServerBusy), the C(*QuotaExceed) codes) and 5xx answers are retried with
        exponential backoff and jitter for up to 30 seconds per call; the failure then names the action, the code
        and the number of attempts.
    type: int
    default: 30
requirements:
  - aliyun-log-python-sdk (on the host that runs the module, usually the controller via C(delegate_to) or a
    C(localhost) play)
  - alibabacloud_credentials, for every credentials source except static AccessKeys
'''

    # The credential chain's options and order (plugins/module_utils/alicloud_credentials.py), shared by the sls_*
    # modules and the alicloud_ecs inventory. A plain string: ansible-test's doc checks read fragments as literals.
    CREDENTIAL_CHAIN = r'''
options:
  profile:
    description:
      - Profile of the Alibaba Cloud CLI config file (O(config_file)) to sign with; its mode may be AK, StsToken,
        RamRoleArn, EcsRamRole and the other modes the CLI writes.
    type: str
    aliases: [alicloud_profile]
  config_file:
    description:
      - Alibaba Cloud CLI config file holding the profiles. Default E(ALICLOUD_SHARED_CREDENTIALS_FILE), else
        C(~/.aliyun/config.json) of the user running Ansible.
    type: path
    aliases: [shared_credentials_file]
  ecs_role_name:
    description: RAM role attached to the ECS instance running Ansible; its credentials come from instance metadata.
    type: str
    aliases: [ram_role_name]
  role_arn:
    description:
      - RAM role to assume (STS AssumeRole) with whichever credentials source the chain picked.
      - Falls back to E(ALIBABA_CLOUD_ROLE_ARN), then E(ALICLOUD_ASSUME_ROLE_ARN).
    type: str
    aliases: [assume_role_arn]
  role_session_name:
    description:
      - Session name for O(role_arn). Falls back to E(ALIBABA_CLOUD_ROLE_SESSION_NAME), then
        E(ALICLOUD_ASSUME_ROLE_SESSION_NAME), then V(ansible-alicloud-ops-logging).
    type: str
  role_session_duration:
    description: Lifetime in seconds of the assumed role's credentials (900 or more).
    type: int
    default: 3600
  sts_endpoint:
    description: STS endpoint for O(role_arn) (default C(sts.aliyuncs.com)).
    type: str
notes:
  - "Credentials: the collection's one chain, of the alicloud_ecs inventory and the sls_* modules (docs/docsite/rst/guide_credentials.rst).
    First match wins: the AccessKey options (access_key_id and access_key_secret, or their aliases access_key and
    secret_key, with security_token), O(profile) or O(ecs_role_name); the environment (E(ALIBABA_CLOUD_ACCESS_KEY_ID), E(ALIBABA_CLOUD_ACCESS_KEY_SECRET),
    E(ALIBABA_CLOUD_SECURITY_TOKEN), then E(ALICLOUD_ACCESS_KEY), E(ALICLOUD_SECRET_KEY),
    E(ALICLOUD_SECURITY_TOKEN)); OIDC (E(ALIBABA_CLOUD_OIDC_TOKEN_FILE), E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN),
    E(ALIBABA_CLOUD_ROLE_ARN)); the profile named by E(ALIBABA_CLOUD_PROFILE) or E(ALICLOUD_PROFILE), else the
    current profile of O(config_file); E(ALIBABA_CLOUD_CREDENTIALS_URI); the ECS RAM role from the instance
    metadata service (E(ALIBABA_CLOUD_ECS_METADATA) names it; E(ALIBABA_CLOUD_ECS_METADATA_DISABLED=true) turns it
    off). O(role_arn) then assumes a role with whichever source won."
'''

    # Attributes of the read-only modules (sls_log_search, sls_machine_group_info): they run in check mode as in a
    # real run and have nothing to diff.
    READ_ONLY = r'''
attributes:
  check_mode:
    support: full
    description: Runs in check mode too; it only reads.
  diff_mode:
    support: N/A
    description: Read-only; it never changes anything, so there is nothing to diff.
'''
