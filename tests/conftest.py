import os
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Import plugins as ansible_collections.alicloud_ops.logging.* (the repo links itself under collections/). The link
# is not committed (ansible.cfg says why); tools/setup-venv.sh makes it, and so does this for a checkout whose venv
# came from elsewhere. Only in the repo (tools/ is not in the collection tree ansible-test units runs in).
_LINK = os.path.join(REPO_ROOT, 'collections', 'ansible_collections', 'alicloud_ops', 'logging')
if os.path.isfile(os.path.join(REPO_ROOT, 'tools', 'setup-venv.sh')) and not os.path.lexists(_LINK):
    os.makedirs(os.path.dirname(_LINK), exist_ok=True)
    try:
        os.symlink(os.path.join('..', '..', '..'), _LINK)
    except FileExistsError:  # another pytest-xdist worker made it first
        pass
sys.path.insert(0, os.path.join(REPO_ROOT, 'collections'))
# Test code imports tests.* and tools.* from here. Under `ansible-test units` (tools/sanity/units.sh) this file is
# the copy in the collection tree, so the collection root takes the repo root's place; there is no collections/
# entry and the collection loader finds the plugins instead.
sys.path.insert(0, REPO_ROOT)


def pytest_configure(config):
    """`timeout` is pytest-timeout's mark (requirements-dev.txt): a test that would hang on a mutant (an endless
    loop) fails instead. ansible-test units runs with --strict-markers and without that plugin: registered here,
    the mark is known there and does nothing."""
    if not config.pluginmanager.hasplugin('timeout'):
        config.addinivalue_line('markers', 'timeout(seconds): fail the test after this long (pytest-timeout)')


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook, which reads the marks into the node ids
def pytest_collection_modifyitems(config, items):
    """Scheduling under pytest-xdist (`make test` runs `-n 2 --dist loadgroup`): a test module runs whole on one
    worker (its module-scoped fixtures, emulators and beds are built once), and every test marked `docker` runs on
    ONE worker, one after the other: the Molecule scenarios, the demo and the image bake each start systemd
    containers and dockerd images and must not overlap (container names, the bed's images, two cores)."""
    if not config.pluginmanager.hasplugin('xdist'):
        return
    for item in items:
        group = 'docker' if item.get_closest_marker('docker') else item.nodeid.split('::', 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
