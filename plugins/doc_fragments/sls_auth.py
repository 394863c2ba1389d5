# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Auth and endpoint options of the sls_* modules (plugins/module_utils/sls_common.py), and the attributes
    # they all share. A module that documents an attribute itself (diff_mode, a check_mode of its own) wins.
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
    description: Seconds to wait for one API answer; a call that gets none fails the task (not retried). The SDK
      itself retries 5xx answers.
    type: int
    default: 30
attributes:
  check_mode:
    support: full
    description: Only reads from Log Service and reports what would change.
  platform:
    platforms: all
    description: Runs where the SDK is installed, usually the controller (a localhost play).
requirements:
  - aliyun-log-python-sdk (on the host that runs the module, usually the controller via C(delegate_to) or a
    C(localhost) play)
notes:
  - Credentials are resolved in this order - the module option, then the environment variables named above.
'''
