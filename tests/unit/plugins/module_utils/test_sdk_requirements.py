"""sdk_requirements: the pip command that installs a missing SDK into the Python that lacks it, which SDKs are
missing, and the sentence the modules give (the minimum versions' match with requirements.txt is checked in
tests/integration/test_execution_environment.py)."""
import sys

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import sdk_requirements
from ansible_collections.alicloud_ops.logging.plugins.module_utils.sdk_requirements import (
    CMS_SDKS, INVENTORY_SDKS, SDKS, install_command, install_hint, missing_sdks)


def test_the_install_command_pins_each_package_at_its_minimum_in_the_given_order():
    assert install_command(['aliyun-log-python-sdk', 'alibabacloud-credentials'], python='/opt/py/bin/python3') == (
        "/opt/py/bin/python3 -m pip install 'aliyun-log-python-sdk>=%s' 'alibabacloud-credentials>=%s'"
        % (SDKS['aliyun-log-python-sdk'][0], SDKS['alibabacloud-credentials'][0]))


def test_the_install_command_names_this_python_unless_told():
    assert install_command(['alibabacloud-ecs20140526']) == "%s -m pip install 'alibabacloud-ecs20140526>=%s'" % (
        sys.executable, SDKS['alibabacloud-ecs20140526'][0])


def test_the_modules_hint_is_a_reason_naming_the_command():
    assert install_hint(['aliyun-log-python-sdk']) == (
        'to talk to Alibaba Cloud; install it with: %s' % install_command(['aliyun-log-python-sdk']))


def test_missing_sdks_are_the_ones_whose_module_does_not_import_in_order(monkeypatch):
    monkeypatch.setitem(sys.modules, 'alibabacloud_credentials', None)  # as if not installed
    assert missing_sdks(['alibabacloud-ecs20140526', 'alibabacloud-credentials']) == ['alibabacloud-credentials']
    monkeypatch.setitem(SDKS, 'a-missing-sdk', ('1.0', 'no_such_module_for_this_test'))
    assert missing_sdks(['a-missing-sdk', 'alibabacloud-credentials', 'aliyun-log-python-sdk']) == [
        'a-missing-sdk', 'alibabacloud-credentials']
    assert missing_sdks([]) == []


def test_an_import_error_other_than_missing_still_counts_as_missing(monkeypatch):
    def broken(name):
        raise ImportError('cannot import name X from partially initialized module %s' % name)
    monkeypatch.setattr(sdk_requirements.importlib, 'import_module', broken)
    assert missing_sdks(list(INVENTORY_SDKS)) == list(INVENTORY_SDKS)


@pytest.mark.parametrize('group', [INVENTORY_SDKS, CMS_SDKS])
def test_each_group_names_known_sdks_with_a_version_and_a_module(group):
    for name in group:
        version, module = SDKS[name]
        assert [int(part) for part in version.split('.')] and module
    assert 'alibabacloud-credentials' in group
