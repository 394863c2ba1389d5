"""The Makefile's default goal is help: bare `make` lists every target with its one-line description and runs
nothing else (it used to run setup, i.e. apt-get install as root)."""
import os
import re
import subprocess

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make(*args):
    return subprocess.run(['make', '--no-print-directory'] + list(args), cwd=REPO_ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)


def targets():
    with open(os.path.join(REPO_ROOT, 'Makefile')) as handle:
        return [m.group(1) for m in re.finditer(r'^([a-z][a-z-]*):', handle.read(), re.M)]


def test_bare_make_is_help_and_runs_nothing():
    dry = make('-n')
    assert dry.returncode == 0, dry.stdout
    # The only command the default goal runs is the awk that prints the list.
    assert 'apt-get' not in dry.stdout and 'setup-host' not in dry.stdout and dry.stdout.startswith('awk ')
    assert make().stdout == make('help').stdout


def test_help_lists_every_target_with_a_description():
    listed = {}
    for line in make('help').stdout.splitlines():
        name, _, description = line.strip().partition(' ')
        listed[name] = description.strip()
    assert sorted(listed) == sorted(targets())
    assert all(listed.values()), listed


def test_make_mutation_judges_the_total_against_a_floor_of_95_unless_told():
    # issue 25's goal: the run fails when the total kill rate is under it
    assert '--floor 95 ' in make('-n', 'mutation').stdout
    assert '--floor 90 ' in make('-n', 'mutation', 'MUTATION_FLOOR=90').stdout
