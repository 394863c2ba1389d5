"""Run a real playbook through ansible-runner with this repo's ansible.cfg and collection path."""
import os
import sys
import tempfile
import textwrap

import ansible_runner
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.dirname(sys.executable)


def ansible_env(extra=None):
    env = {
        'ANSIBLE_CONFIG': os.path.join(REPO_ROOT, 'ansible.cfg'),
        'ANSIBLE_COLLECTIONS_PATH': os.path.join(REPO_ROOT, 'collections'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'PATH': VENV_BIN + os.pathsep + os.environ.get('PATH', ''),
    }
    env.update(extra or {})
    return env


class PlaybookResult:
    def __init__(self, runner):
        self.runner = runner
        self.rc = runner.rc
        self.status = runner.status
        self.stats = runner.stats or {}
        self.stdout = runner.stdout.read() if runner.stdout else ''

    def count(self, key):
        return sum((self.stats.get(key) or {}).values())

    @property
    def changed(self):
        return self.count('changed')

    @property
    def failed(self):
        return self.count('failures') + self.count('dark')

    def task_results(self, event='runner_on_ok'):
        """Results of every task, in order, as (task name, result dict)."""
        out = []
        for ev in self.runner.events:
            if ev.get('event') == event:
                data = ev.get('event_data', {})
                out.append((data.get('task'), data.get('res', {})))
        return out


def run_playbook(tmp_path, playbook, check=False, diff=False, extravars=None, inventory=None,
                 envvars=None, cmdline=''):
    """``playbook``: a path, or a list of plays (dicts) / YAML text written to a temp file."""
    # A fresh private dir per run: ansible-runner persists flags (e.g. --check) in env/cmdline.
    private = tempfile.mkdtemp(prefix='runner-', dir=str(tmp_path))
    if not (isinstance(playbook, str) and os.path.exists(playbook)):
        path = os.path.join(private, 'play.yml')
        with open(path, 'w') as handle:
            if isinstance(playbook, str):
                handle.write(textwrap.dedent(playbook))
            else:
                yaml.safe_dump(playbook, handle, sort_keys=False)
        playbook = path
    args = []
    if check:
        args.append('--check')
    if diff:
        args.append('--diff')
    if cmdline:
        args.append(cmdline)
    if inventory is None:
        inventory = os.path.join(REPO_ROOT, 'inventories', 'local', 'hosts.yml')
    runner = ansible_runner.run(
        private_data_dir=private, playbook=playbook, inventory=inventory, extravars=extravars or {},
        envvars=ansible_env(envvars), cmdline=' '.join(args) or None, quiet=True,
        project_dir=REPO_ROOT)
    return PlaybookResult(runner)
