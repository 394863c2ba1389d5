"""errors.py: one base for every error class of the collection, carrying the option at fault."""
import ast
import importlib
import pathlib

import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import (
    AlicloudOpsError, leading_option, option_at_fault)
from ansible_collections.alicloud_ops.logging.plugins.module_utils.file_checks import FileError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.logtail_install import InstallError
from ansible_collections.alicloud_ops.logging.plugins.module_utils.systemd_render import (
    UnitSpecError, validate_unit_name)
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_options import InventoryOptionError

PLUGINS = pathlib.Path(__file__).resolve().parents[4] / 'plugins'


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
    assert InventoryOptionError('regions[1]: unknown region').option == 'regions[1]'
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


def _error_classes():
    for path in sorted(PLUGINS.rglob('*.py')):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            names = [node.name] + [getattr(base, 'id', getattr(base, 'attr', '')) for base in node.bases]
            if any('Error' in name or 'Exception' in name for name in names):
                yield path, node


def test_every_error_class_in_plugins_derives_from_the_base():
    found = []
    for path, node in _error_classes():
        parts = path.relative_to(PLUGINS.parent).with_suffix('').parts
        dotted = 'ansible_collections.alicloud_ops.logging.' + '.'.join(parts)
        module = importlib.import_module(dotted)
        cls = getattr(module, node.name, None)
        if cls is None:  # defined only when an SDK is importable, as the SDK classes it extends
            continue
        found.append(node.name)
        assert issubclass(cls, AlicloudOpsError), '%s:%s' % (path, node.name)
    assert {'SlsApiError', 'CredentialsError', 'EcsApiError', 'InstallError', 'NotThisPlugin'} <= set(found)
