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


@pytest.mark.parametrize('message,option', [
    (None, None),
    ('Field2: x', 'Field2'),
    ('_x[12].Y_1.z: bad', '_x[12].Y_1.z'),
    (' name: leading blank', None),
    ('name:no blank', None),
    ('2name: digit first', None),
    ('name[a]: not an index', None),
    ('name[]: empty index', None),
    ('a.2b: digit after the dot', None),
    ('name.: nothing after the dot', None),
    ('two words: x', None),
])
def test_leading_option_boundaries(message, option):
    assert leading_option(message) == option


class FromMessage(AlicloudOpsError):
    option_from_message = True


def test_a_class_that_reads_the_option_from_its_message():
    assert (str(FromMessage('port: bad')), FromMessage('port: bad').option) == ('port: bad', 'port')
    assert FromMessage('port: bad', option='forward.port').option == 'forward.port'
    assert FromMessage(ValueError('queue.size: too big')).option == 'queue.size'
    assert FromMessage('no option here').option is None and FromMessage().option is None
    assert FromMessage(None).option is None


def test_the_base_without_arguments():
    err = AlicloudOpsError()
    assert (str(err), err.args, err.option) == ('', ('',), None)
    assert AlicloudOpsError('x', 'name').option == 'name' and str(AlicloudOpsError('x', 'name')) == 'x'


def test_option_at_fault_reads_any_object_with_an_option():
    assert option_at_fault(FromMessage('machines[0]: bad')) == {'invalid_options': ['machines[0]']}
    assert option_at_fault(type('E', (Exception,), {'option': ''})()) == {}
