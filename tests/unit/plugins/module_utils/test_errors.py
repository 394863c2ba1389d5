"""errors.py: one base for every error class of the collection, carrying the option at fault. (Every class in
plugins/ derives from it: tests/unit/plugins/test_plugin_errors.py, in the controller context, which can import
the inventory plugin and plugin_utils.)"""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import (
    AlicloudOpsError, leading_option, option_at_fault)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_checks import FileError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.logtail_install import InstallError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_render import (
    UnitSpecError, validate_unit_name)


@pytest.mark.parametrize('message,option', [
    ('name: invalid project name', 'name'),
    ('machines[2]: not an IP address', 'machines[2]'),
    ('pipeline.inputs: exactly one input plugin is required', 'pipeline.inputs'),
    ('alicloud_logging_machine_groups[0].hosts: matches no host', 'alicloud_logging_machine_groups[0].hosts'),
    ('GetProject failed: ServerBusy: busy', None),
    ('no colon here', None),
    ('', None),
])
def test_leading_option(message, option):
    assert leading_option(message) == option


def test_option_given_or_read_from_the_message():
    assert AlicloudOpsError('boom', option='endpoint').option == 'endpoint'
    assert AlicloudOpsError('name: bad').option is None  # the base reads no message unless the class says so
    assert str(InstallError('region', 'bad')) == 'region: bad' and InstallError('region', 'bad').option == 'region'
    err = FileError('config_path', '/etc/x.json', 'is a directory, not a file')
    assert (str(err), err.option) == ('config_path: /etc/x.json: is a directory, not a file', 'config_path')


def test_option_at_fault_gives_the_fail_json_keys():
    assert option_at_fault(InstallError('installer_checksum', 'bad')) == {'invalid_options': ['installer_checksum']}
    assert option_at_fault(AlicloudOpsError('rsyslogd -N1 refused the config')) == {}
    assert option_at_fault(OSError('no such file')) == {}


def test_a_validation_error_from_real_code_carries_its_option():
    with pytest.raises(UnitSpecError) as err:
        validate_unit_name('-bad.service')
    assert err.value.option == 'name' and isinstance(err.value, ValueError)
