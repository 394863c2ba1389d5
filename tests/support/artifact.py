"""The collection as users get it: `ansible-galaxy collection build` of this repo, installed from the tarball into
a directory of its own, and commands run from another directory with only that install on the collection path.

What `run` keeps out: the repo's ansible.cfg (an empty one instead), its collections/ link, PYTHONPATH and every
ANSIBLE_/ALICLOUD_/ALIBABA_CLOUD_ variable of the caller; what it lets in: the venv's ansible-core and Python
packages (requirements.txt) and the collections pip installed beside them (community.docker, for the container
fleet's connection).
"""
import glob
import os
import subprocess

from tests.support.playbook_runner import REPO_ROOT, VENV_BIN


def tool(name):
    return os.path.join(VENV_BIN, name)


def build_and_install(base):
    """Build the artifact into ``base`` and install it into ``base``/collections; returns that path."""
    base = str(base)
    os.makedirs(base, exist_ok=True)
    build = subprocess.run([tool('ansible-galaxy'), 'collection', 'build', '--output-path', base, REPO_ROOT],
                           capture_output=True, text=True, timeout=600, cwd=base)
    assert build.returncode == 0, build.stdout + build.stderr
    tarball, = glob.glob(os.path.join(base, 'alicloud_ops-logging-*.tar.gz'))
    dest = os.path.join(base, 'collections')
    config = os.path.join(base, 'ansible.cfg')
    with open(config, 'w') as handle:
        handle.write('[defaults]\n')
    install = subprocess.run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '-p', dest, tarball],
                             capture_output=True, text=True, timeout=600, cwd=base,
                             env=dict(os.environ, ANSIBLE_CONFIG=config))
    assert install.returncode == 0, install.stdout + install.stderr
    root = os.path.join(dest, 'ansible_collections', 'alicloud_ops', 'logging')
    assert os.path.isfile(os.path.join(root, 'playbooks', 'site.yml')) and not os.path.exists(
        os.path.join(root, 'tests'))
    return dest


def workdir(path):
    """A project directory outside the repo: an empty ansible.cfg and an inventory/ directory."""
    os.makedirs(os.path.join(str(path), 'inventory'), exist_ok=True)
    with open(os.path.join(str(path), 'ansible.cfg'), 'w') as handle:
        handle.write('[defaults]\n')
    return path


def run(installed, cwd, args, env=None, timeout=900):
    """``ansible-playbook -i inventory/ ARGS`` in ``cwd`` with the installed artifact alone; ``env`` adds to it."""
    cwd = str(cwd)
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(('ANSIBLE_', 'ALIBABA_CLOUD_', 'ALICLOUD_', 'PYTHONPATH'))}
    clean.update({'ANSIBLE_CONFIG': os.path.join(cwd, 'ansible.cfg'), 'ANSIBLE_COLLECTIONS_PATH': installed,
                  'ANSIBLE_NOCOLOR': '1', 'HOME': cwd, 'ANSIBLE_LOCAL_TEMP': os.path.join(cwd, 'tmp'),
                  'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true', 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'})
    clean.update(env or {})
    return subprocess.run([tool('ansible-playbook'), '-i', os.path.join(cwd, 'inventory')] + list(args),
                          capture_output=True, text=True, timeout=timeout, cwd=cwd, env=clean)
