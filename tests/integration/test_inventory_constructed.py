"""compose / groups / keyed_groups: the plugin's fast path against ansible-core's Constructable as it ships.

Every configuration in CASES runs three ways against the same emulator, and the whole `ansible-inventory
--list` output (trust markers included) must be identical:
  reference  the plugin with FAST_CONSTRUCTED = False: ansible-core's own methods, compiled per host;
  cold       the plugin as shipped (plain paths read directly, expressions compiled once, pure ones
             evaluated once per distinct input), writing its cache;
  cached     the plugin as shipped, replaying what the cache stored.
With strict: true and a missing key, all three must fail with the same message. Each runs twice: the shipped
plugin reading the API in a child process (fetch_process: always) and the reference in threads, then the other
way round.
"""
import copy
import json
import os
import re
import subprocess

import pytest
import yaml

from tests.integration.test_inventory_emulator import FIXTURE, clean_env
from tests.support.constructed_cases import CASES, EXTRA_INSTANCES, FAILING_CASES
from tests.support.emulator import TEST_KEY_ID, TEST_KEY_SECRET, ecs_emulator  # noqa: F401 (fixture)
from tests.support.playbook_runner import REPO_ROOT, VENV_BIN

PLUGIN_SOURCE = os.path.join(REPO_ROOT, 'plugins', 'inventory', 'alicloud_ecs.py')


def reference_plugin(plugin_dir):
    """The shipped plugin with FAST_CONSTRUCTED = False, under its own name (its docs are read from its file)."""
    source = open(PLUGIN_SOURCE).read()
    documentation = re.search(r"DOCUMENTATION = r'''.*?'''", source, re.S).group(0)
    documentation = documentation.replace('name: alicloud_ecs\n', 'name: alicloud_ecs_reference\n').replace(
        'choices: [alicloud_ops.logging.alicloud_ecs]', 'choices: [alicloud_ecs_reference]')
    plugin_dir.mkdir()
    (plugin_dir / 'alicloud_ecs_reference.py').write_text(documentation + '''

from ansible_collections.alicloud_ops.logging.plugins.inventory.alicloud_ecs import InventoryModule as Shipped


class InventoryModule(Shipped):
    NAME = 'alicloud_ecs_reference'
    FAST_CONSTRUCTED = False
''')
    return str(plugin_dir)


def run_list(tmp_path, path, options, enabled, plugin_dir, *extra):
    path.write_text(yaml.safe_dump(options))
    env = clean_env(tmp_path, {'ANSIBLE_INVENTORY_PLUGINS': plugin_dir, 'ANSIBLE_INVENTORY_ENABLED': enabled})
    cmd = [os.path.join(VENV_BIN, 'ansible-inventory'), '-i', str(path), '--list'] + list(extra)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=300)


@pytest.fixture(scope='module')
def fixture_doc():
    doc = copy.deepcopy(FIXTURE)
    doc['instances'].extend(copy.deepcopy(EXTRA_INSTANCES))
    return doc


# Where the shipped plugin reads the API; the reference reads it the other way, so each test also checks that
# the two ways give the same inventory.
OTHER_WAY = {'always': 'never', 'never': 'always'}


def three_ways(tmp_path, emu, case, fetch):
    base = {'endpoint_url': emu.url, 'access_key': TEST_KEY_ID, 'secret_key': TEST_KEY_SECRET,
            'retry_base_delay': 0.02}
    base.update(case)
    plugin_dir = reference_plugin(tmp_path / 'plugins')
    reference = run_list(tmp_path, tmp_path / 'alicloud_ecs.yml',
                         dict(base, plugin='alicloud_ecs_reference', fetch_process=OTHER_WAY[fetch]),
                         'alicloud_ecs_reference', plugin_dir)
    cached = dict(base, plugin='alicloud_ops.logging.alicloud_ecs', fetch_process=fetch, cache=True,
                  cache_plugin='ansible.builtin.jsonfile', cache_connection=str(tmp_path / 'cache'))
    shipped = 'alicloud_ops.logging.alicloud_ecs'
    (tmp_path / 'fast').mkdir()
    cold = run_list(tmp_path, tmp_path / 'fast' / 'alicloud_ecs.yml', cached, shipped, plugin_dir, '--flush-cache')
    replayed = run_list(tmp_path, tmp_path / 'fast' / 'alicloud_ecs.yml', cached, shipped, plugin_dir)
    return reference, cold, replayed


@pytest.mark.parametrize('fetch', sorted(OTHER_WAY))
@pytest.mark.parametrize('name', sorted(CASES))
def test_fast_constructed_equals_ansible_core(tmp_path, ecs_emulator, fixture_doc, name, fetch):
    emu = ecs_emulator(fixture=fixture_doc)
    reference, cold, replayed = three_ways(tmp_path, emu, CASES[name], fetch)
    for result in (reference, cold, replayed):
        assert result.returncode == 0, result.stderr
        assert '[WARNING]' not in result.stderr, result.stderr
    expected = json.loads(reference.stdout)
    assert len(expected['_meta']['hostvars']) == 5
    assert json.loads(cold.stdout) == expected
    assert json.loads(replayed.stdout) == expected
    cache_files = list((tmp_path / 'cache').iterdir())
    assert len(cache_files) == 1 and TEST_KEY_SECRET not in cache_files[0].read_text()


@pytest.mark.parametrize('fetch', sorted(OTHER_WAY))
@pytest.mark.parametrize('name', sorted(FAILING_CASES))
def test_strict_failures_are_ansible_cores(tmp_path, ecs_emulator, fixture_doc, name, fetch):
    emu = ecs_emulator(fixture=fixture_doc)
    results = three_ways(tmp_path, emu, FAILING_CASES[name], fetch)
    messages = []
    for result in results:
        assert result.returncode != 0
        found = re.findall(r'(Could not [^\n]*|No key or key resulted empty[^\n]*)', result.stderr)
        assert found, result.stderr
        # The config files differ in place and length: compare the messages without the origin position, and
        # without the source path the plugin names when it ends the run (unparsed_is_failed alone would not).
        message = found[0].split(' (inventory source ')[0]
        messages.append(re.sub(r"'[^']*alicloud_ecs\.yml:\d+:\d+'", 'ORIGIN', message))
    assert messages[1] == messages[0] and messages[2] == messages[0]
