"""Every plugin's EXAMPLES is valid YAML (ansible-lint reads them too): task lists for modules, one inventory
source per YAML document for the inventory plugin."""
import ast
import glob
import os

import pytest
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PLUGINS = sorted(glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))
                 + glob.glob(os.path.join(REPO_ROOT, 'plugins', 'inventory', '*.py')))


class UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of duplicate keys silently; YAML forbids them, and ansible-lint reports them."""

    def construct_mapping(self, node, deep=False):
        # Merge keys (`<<: *anchor`, as converge_probe's examples use) first, as SafeLoader itself does; a key
        # both merged and given is then a duplicate too (an example should not rely on which one wins).
        self.flatten_mapping(node)
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicates = sorted(set(k for k in keys if keys.count(k) > 1))
        if duplicates:
            raise yaml.constructor.ConstructorError(None, None, 'duplicate keys %s' % duplicates, node.start_mark)
        return super().construct_mapping(node, deep=deep)


def examples_of(path):
    with open(path) as handle:
        tree = ast.parse(handle.read(), filename=path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ['EXAMPLES']:
            return node.value.value
    raise AssertionError('%s has no EXAMPLES' % path)


@pytest.mark.parametrize('path', PLUGINS, ids=lambda p: os.path.relpath(p, REPO_ROOT))
def test_examples_are_valid_yaml(path):
    # One document: ansible-test's yamllint (ansible-core 2.16-2.18) refuses EXAMPLES holding several.
    documents = [yaml.load(examples_of(path), Loader=UniqueKeyLoader)]
    assert documents[0] is not None
    if os.path.basename(os.path.dirname(path)) == 'inventory':
        for doc in documents:
            assert doc['plugin'] == 'alicloud_ops.logging.alicloud_ecs', doc
    else:
        for doc in documents:
            assert isinstance(doc, list) and all(isinstance(task, dict) and task.get('name') for task in doc)
