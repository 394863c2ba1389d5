# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Auth and endpoint options of the cms_* modules (plugins/module_utils/cms_module.py). The credential chain's
    # other options and its order are the sls_* modules' fragment alicloud_ops.logging.sls_auth.credential_chain.
    DOCUMENTATION = r'''
options:
  endpoint:
    description:
      - CloudMonitor API endpoint, for example V(metrics.cn-hangzhou.aliyuncs.com) or V(http://127.0.0.1:8080).
      - Without a scheme the SDK uses HTTPS.
      - When unset, the environment variable E(ALICLOUD_CMS_ENDPOINT) is used, else
        V(https://metrics.<region>.aliyuncs.com) from O(region).
    type: str
    aliases: [cms_endpoint]
  region:
    description:
      - Region of the CloudMonitor API, used to build the default O(endpoint).
      - Falls back to E(ALIBABA_CLOUD_REGION_ID), then E(ALICLOUD_REGION).
    type: str
  access_key_id:
    description:
      - AccessKey id, with O(access_key_secret). The first credentials source of the chain described in the notes.
    type: str
    aliases: [access_key]
  access_key_secret:
    description:
      - AccessKey secret. Never logged or returned; error messages mask it.
    type: str
    aliases: [secret_key]
  security_token:
    description:
      - STS security token, when O(access_key_id) and O(access_key_secret) are temporary (STS) credentials.
    type: str
    aliases: [sts_token]
  request_timeout:
    description:
      - Seconds to wait to connect and for one API answer; a call that gets none fails the task (not retried).
    type: int
    default: 30
notes:
  - The SDK raises only on HTTP errors; an answer with C(Success=false) fails the task too, with the answer's
    C(Code) and C(Message) (returned as C(error_code)).
requirements:
  - alibabacloud-cms20190101 >= 4.0.10 and alibabacloud_credentials (on the host that runs the module, usually
    the controller via C(delegate_to) or a C(localhost) play; Python 3.7 or later)
'''
