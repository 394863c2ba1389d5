"""Every error class of every plugin type derives from module_utils/errors.py's base (the controller context: the
inventory plugin and plugin_utils import controller-only ansible modules, which the module_utils context lacks)."""
import ast
import importlib
import pathlib

from ansible_collections.alicloud_ops.logging.plugins.module_utils.errors import AlicloudOpsError
from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_options import InventoryOptionError

PLUGINS = pathlib.Path(__file__).resolve().parents[3] / 'plugins'


def test_an_inventory_option_error_reads_its_option_from_the_message():
    assert InventoryOptionError('regions[1]: unknown region').option == 'regions[1]'
    assert isinstance(InventoryOptionError('x'), AlicloudOpsError)


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
