"""Helpers for the Logtail playbook tests: run each play in its own ansible-runner dir."""
import os

from tests.support import playbook_runner

# These plays target localhost from the yaml inventory only; do not load the ECS inventory plugin.
ISOLATED = {'ANSIBLE_INVENTORY_ENABLED': 'yaml'}


def run_playbook(tmp_path, play, **kwargs):
    # A fresh private dir per run: ansible-runner keeps env/cmdline there, so a run without
    # --check after a --check run in the same dir would silently run in check mode again.
    runs = len([n for n in os.listdir(str(tmp_path)) if n.startswith('run-')]) if tmp_path.exists() else 0
    private = tmp_path / ('run-%d' % runs)
    private.mkdir(parents=True)
    return playbook_runner.run_playbook(private, play, envvars=ISOLATED, **kwargs)


def task_result(run, task, event='runner_on_ok'):
    results = [res for name, res in run.task_results(event) if name == task]
    assert len(results) == 1, run.stdout
    return results[0]
