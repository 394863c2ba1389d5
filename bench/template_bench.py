#!/usr/bin/env python3
"""What templating each task's options costs the controller, per host (issue 24: where an idempotent run's time goes).

A worker process runs Task.post_validate on its task before anything else: every `{{ }}` in the task's options and
keywords is compiled and rendered for that host (ansible-core 2.19 and later compile a template string again on
each call). This bench loads the playbook and the inventory the way ansible-playbook does, then for each task of
one play times that same call for one host, --repeat times on a copy of the task, and prints the fastest and the
first (the first also loads the filter plugins a task uses, as each forked worker does), plus the total over the
play. Tasks whose `when` is false are timed to the point where a worker stops (the condition).

Registered results are not there (the run does not execute the tasks): a task's `probe: "{{ _logtail_agent |
default(omit) }}"` is templated as omitted, which the real run pays about 10 ms more for (the registered result is
about 10 KB). --registered NAME=FILE loads a registered result from a JSON file (e.g. one host's result from the
ansible.posix.json callback) to time that too.

Usage (with the fleet bench's fleet up: .venv/bin/python bench/fleet_bench.py --sizes 3 --keep):
    set -a; . .cache/fleet/env; set +a
    .venv/bin/python bench/template_bench.py [--inventory inventories/demo] [--playbook playbooks/site.yml]
        [--play 'Ship host logs'] [--host HOST] [--repeat 5] [--registered _logtail_agent=FILE]
"""
import argparse
import json
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def engine_class():
    """The template engine Task.post_validate takes: ansible-core 2.19+'s internal TemplateEngine, else Templar."""
    try:
        from ansible._internal._templating._engine import TemplateEngine
        return TemplateEngine
    except ImportError:  # ansible-core 2.18
        from ansible.template import Templar
        return Templar


def leaf_tasks(blocks):
    for block in blocks:
        for part in ('block', 'rescue', 'always'):
            for item in getattr(block, part):
                if hasattr(item, 'block'):
                    yield from leaf_tasks([item])
                else:
                    yield item


def when_true(task, templar, task_vars):
    """The task's `when`, as TaskExecutor decides it before templating anything else."""
    if hasattr(task, '_resolve_conditional'):  # ansible-core 2.19+
        return task._resolve_conditional(task.when, task_vars)
    return task.evaluate_conditional(templar, task_vars)


def time_task(task, task_vars, loader, engine, repeat):
    """(fastest, first) seconds of the worker's templating of `task` for these variables."""
    times = []
    for _ in range(repeat):
        copy = task.copy()
        templar = engine(loader=loader, variables=task_vars)
        started = time.perf_counter()
        if when_true(copy, templar, task_vars):
            copy.post_validate(templar=templar)
        times.append(time.perf_counter() - started)
    return min(times), times[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--inventory', default=os.path.join(REPO, 'inventories', 'demo'))
    parser.add_argument('--playbook', default=os.path.join(REPO, 'playbooks', 'site.yml'))
    parser.add_argument('--play', default='Ship host logs', help='the play whose name starts with this')
    parser.add_argument('--host', help='default: the inventory\'s first host')
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--registered', action='append', default=[], metavar='NAME=FILE')
    args = parser.parse_args(argv)
    os.environ.setdefault('ANSIBLE_CONFIG', os.path.join(REPO, 'ansible.cfg'))

    from ansible import context
    from ansible.module_utils.common.collections import ImmutableDict
    context.CLIARGS = ImmutableDict(check=False, diff=False, verbosity=0, tags=['all'], skip_tags=[],
                                    start_at_task=None)
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook import Playbook
    from ansible.plugins.loader import init_plugin_loader
    from ansible.release import __version__
    from ansible.vars.manager import VariableManager
    init_plugin_loader()

    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[args.inventory])
    variables = VariableManager(loader=loader, inventory=inventory)
    plays = [p for p in Playbook.load(args.playbook, variable_manager=variables, loader=loader).get_plays()
             if p.get_name().startswith(args.play)]
    if not plays:
        sys.exit('template_bench: no play of %s starts with %r' % (args.playbook, args.play))
    play = plays[0]
    # the play's hosts are a template (alicloud_logging_hosts | default('all')): the first host of the inventory
    host = inventory.get_host(args.host) if args.host else next(iter(inventory.get_hosts('all')), None)
    if host is None:
        sys.exit('template_bench: no host %s in %s' % (args.host or '(the play has none)', args.inventory))
    registered = {}
    for item in args.registered:
        name, _, path = item.partition('=')
        with open(path) as handle:
            registered[name] = json.load(handle)

    engine = engine_class()
    print('template_bench: ansible-core %s, play %r, host %s, fastest of %d (first in brackets), ms' % (
        __version__, play.get_name(), host.get_name(), args.repeat))
    total = first_total = 0.0
    for task in leaf_tasks(play.compile()):
        if task.action in ('meta', 'ansible.builtin.meta'):
            continue  # the strategy runs these itself: no worker
        task_vars = variables.get_vars(play=play, host=host, task=task)
        task_vars.update(registered)
        fastest, first = time_task(task, task_vars, loader, engine, args.repeat)
        total += fastest
        first_total += first
        print('%8.1f (%8.1f)  %s' % (fastest * 1000, first * 1000, task.get_name()[:100]))
    print('%8.1f (%8.1f)  total' % (total * 1000, first_total * 1000))
    return 0


if __name__ == '__main__':
    sys.exit(main())
