# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Auth and endpoint options of the sls_* modules (plugins/module_utils/sls_common.py); their attributes are
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
    type: str
    aliases: [sls_endpoint]
  region:
    description:
      - Region of the project, used to build the default O(endpoint) and to sign with O(auth_version=v4).
      - Falls back to E(ALIBABA_CLOUD_REGION_ID), then E(ALICLOUD_REGION).
    type: str
  access_key_id:
    description:
      - AccessKey id. Falls back to E(ALIBABA_CLOUD_ACCESS_KEY_ID), then E(ALICLOUD_ACCESS_KEY).
    type: str
    aliases: [access_key]
  access_key_secret:
    description:
      - AccessKey secret. Never logged or returned; error messages mask it.
      - Falls back to E(ALIBABA_CLOUD_ACCESS_KEY_SECRET), then E(ALICLOUD_SECRET_KEY).
    type: str
    aliases: [secret_key]
  security_token:
    description:
      - STS security token, when O(access_key_id) and O(access_key_secret) are temporary (STS) credentials.
      - Falls back to E(ALIBABA_CLOUD_SECURITY_TOKEN), then E(ALICLOUD_SECURITY_TOKEN).
    type: str
  auth_version:
    description:
      - Request signature scheme. V(v1) is the SDK's default; V(v4) (SLS4-HMAC-SHA256) needs O(region).
    type: str
    choices: [v1, v4]
    default: v1
  request_timeout:
    description: Seconds to wait for one API answer. The SDK itself retries 5xx answers.
    type: int
    default: 30
requirements:
  - aliyun-log-python-sdk (on the host that runs the module, usually the controller via C(delegate_to) or a
    C(localhost) play)
notes:
  - Credentials are resolved in this order - the module option, then the environment variables named above.
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
