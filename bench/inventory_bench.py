#!/usr/bin/env python
"""Benchmark the alicloud_ecs inventory plugin against the ECS emulator and against two floors.

    .venv/bin/python bench/inventory_bench.py [--instances 10000] [--regions 10] [--latency-ms 20] [--repeat 3]

Prints medians over --repeat whole `ansible-inventory` processes, for `--graph` and `--list`:
  floor (in-process)  bench/inventory_plugins/floor_json.py, a trivial inventory plugin adding the same hosts,
                      hostvars and groups from a JSON file: what any inventory plugin costs at the least;
  floor (script)      the same inventory printed by a static JSON script inventory;
  cold                the plugin with no cache (DescribeRegions + every page, concurrently per region), the API
                      read in a child process (fetch_process: always, what `auto` picks on more than one CPU);
  cold (threads)      the same, read in threads of the ansible process (fetch_process: never);
  cached              the plugin served from the jsonfile cache;
plus `--graph --flush-cache` (cold, plus writing the cache), the client layer alone (fetch), the SDK import
and the API calls of one cold run. The plugin runs with keyed_groups, groups and compose (CONSTRUCTED).
Variants run round-robin, one of each per repeat, so load from other processes spreads over all of them;
on a shared machine compare the ratios, not the absolute times. Goals (issue 13): cold --graph <= 1.5x and
cached <= 1.2x the in-process floor. The figures also go to bench/results/inventory-<time>.json.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.request import Request, urlopen

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO_ROOT, os.path.join(REPO_ROOT, 'collections')]

from tests.support.inventory_json import plain  # noqa: E402
from tests.support.playbook_runner import VENV_BIN, ansible_env  # noqa: E402

KEY_ID, KEY_SECRET = 'LTAI5tBenchKey', 'bench-secret'


class EmulatorProcess(object):
    """The emulator in its own process, so its CPU work never shares a GIL with what is measured."""

    def __init__(self, instances, regions, latency_ms):
        self.proc = subprocess.Popen(
            [sys.executable, '-m', 'tools.alicloud_emulator', '--access-key-id', KEY_ID, '--access-key-secret',
             KEY_SECRET, '--instances', str(instances), '--regions', str(regions), '--latency-ms', str(latency_ms),
             '--seed', '1'], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith('alicloud-emulator ready at '):
            self.stop()
            raise SystemExit('emulator did not start: %r' % line)
        self.url = line.rsplit(' ', 1)[-1]

    def stats(self):
        with urlopen(self.url + '/_emulator/stats', timeout=10) as resp:
            return json.loads(resp.read().decode('utf-8'))

    def reset_stats(self):
        urlopen(Request(self.url + '/_emulator/reset-stats', data=b'', method='POST'), timeout=10).close()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def run_inventory(source, *args, env):
    cmd = [os.path.join(VENV_BIN, 'ansible-inventory'), '-i', source] + list(args)
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or 'WARNING' in result.stderr:
        raise SystemExit('ansible-inventory %s failed:\n%s' % (' '.join(args), result.stderr[-3000:]))
    return elapsed, result.stdout


def write_floors(workdir, listing):
    """Both floors for the same inventory: a script printing the listing, and a floor_json plugin source."""
    data_path = os.path.join(workdir, 'floor.json')
    with open(data_path, 'w') as handle:
        json.dump(listing, handle)
    script = os.path.join(workdir, 'floor_inventory.py')
    with open(script, 'w') as handle:
        handle.write('#!%s\nimport sys\nsys.stdout.write(open(%r).read())\n' % (sys.executable, data_path))
    os.chmod(script, 0o755)
    plugin_source = os.path.join(workdir, 'floor.yml')
    with open(plugin_source, 'w') as handle:
        json.dump({'plugin': 'floor_json', 'listing': data_path}, handle)
    return plugin_source, script


def round_robin(repeat, variants, env):
    """{name: median seconds}; variants are (name, source, args, before) and run one of each per repeat."""
    times = dict((name, []) for name, _, _, _ in variants)
    for _ in range(repeat):
        for name, source, args, before in variants:
            if before:
                before()
            times[name].append(run_inventory(source, *args, env=env)[0])
    return dict((name, statistics.median(values)) for name, values in times.items())


def import_sdk():
    """The SDK's import cost (paid once per ansible-inventory run), kept out of the fetch figure."""
    started = time.perf_counter()
    from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_sdk import ecs_sdk
    ecs_sdk()
    import alibabacloud_credentials.client  # noqa: F401
    import alibabacloud_tea_openapi.utils  # noqa: F401
    return time.perf_counter() - started


def fetch_only(emu, regions_expected):
    from ansible_collections.alicloud_ops.logging.plugins.plugin_utils.ecs_client import EcsInventoryClient
    from ansible_collections.alicloud_ops.logging.plugins.module_utils.alicloud_credentials import resolve_credentials
    started, cpu_started = time.perf_counter(), time.process_time()
    creds = resolve_credentials({'access_key_id': KEY_ID, 'access_key_secret': KEY_SECRET}, environ={})
    client = EcsInventoryClient(creds.client(), endpoint_url=emu.url, max_workers=8, environ={})
    regions = client.describe_regions()
    instances = client.fetch(regions, {'status': 'Running'})
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert len(regions) == regions_expected
    return elapsed, len(instances), dict(client.counter.calls), cpu


# What the plugin is asked to build besides its own groups: keyed groups on tags (ecs_tags.team is missing
# on a fifth of the hosts, so `strict: false` skips them), a conditional group, and a composed var.
CONSTRUCTED = {
    'keyed_groups': [{'key': 'ecs_tags.env', 'prefix': 'env'}, {'key': 'ecs_tags.role', 'prefix': 'role'},
                     {'key': 'ecs_tags.team', 'prefix': 'team'}, {'key': 'instance_type', 'prefix': 'type'}],
    'groups': {'debian': "os_name is search('Debian')"},
    'compose': {'ansible_host': 'private_ip'},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--instances', type=int, default=10000)
    parser.add_argument('--regions', type=int, default=10)
    parser.add_argument('--latency-ms', type=float, default=20)
    parser.add_argument('--repeat', type=int, default=3)
    opts = parser.parse_args()

    started_utc, load_at_start = time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()), os.getloadavg()
    workdir = tempfile.mkdtemp(prefix='inventory-bench-')
    emu = EmulatorProcess(opts.instances, opts.regions, opts.latency_ms)
    env = dict(os.environ)
    env.update(ansible_env({'HOME': workdir, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true',
                            'ANSIBLE_INVENTORY_PLUGINS': os.path.join(REPO_ROOT, 'bench', 'inventory_plugins'),
                            # ansible.cfg's list plus the floor (ansible.cfg leaves `auto` out on purpose).
                            'ANSIBLE_INVENTORY_ENABLED': 'alicloud_ops.logging.alicloud_ecs, floor_json, host_list, '
                                                         'script, yaml, ini, constructed'}))
    base = dict(CONSTRUCTED, plugin='alicloud_ops.logging.alicloud_ecs', endpoint_url=emu.url, access_key=KEY_ID,
                secret_key=KEY_SECRET)
    plain_dir, cached_dir = os.path.join(workdir, 'plain'), os.path.join(workdir, 'cached')
    threads_dir = os.path.join(workdir, 'threads')
    for directory in (plain_dir, cached_dir, threads_dir):
        os.makedirs(directory)
    plain_source = os.path.join(plain_dir, 'alicloud_ecs.yml')
    cached_source = os.path.join(cached_dir, 'alicloud_ecs.yml')
    threads_source = os.path.join(threads_dir, 'alicloud_ecs.yml')
    with open(plain_source, 'w') as handle:
        json.dump(dict(base, fetch_process='always'), handle)
    with open(threads_source, 'w') as handle:
        json.dump(dict(base, fetch_process='never'), handle)
    with open(cached_source, 'w') as handle:
        json.dump(dict(base, cache=True, cache_plugin='ansible.builtin.jsonfile', cache_timeout=3600,
                       cache_connection=os.path.join(workdir, 'cache')), handle)
    try:
        sdk_import = import_sdk()
        fetches = [fetch_only(emu, opts.regions) for _ in range(opts.repeat)]
        fetch_time = statistics.median(f[0] for f in fetches)
        fetched, fetch_calls = fetches[0][1], fetches[0][2]
        fetch_cpu = statistics.median(f[3] for f in fetches)
        emu.reset_stats()
        listing = plain(json.loads(run_inventory(plain_source, '--list', env=env)[1]))
        calls = emu.stats()['calls']
        hosts = len(listing['_meta']['hostvars'])
        groups = len([g for g in listing if g != '_meta'])
        floor_plugin, floor_script = write_floors(workdir, listing)
        # The floors must be the same inventory: compare the graphs and listings before timing anything.
        run_inventory(cached_source, '--graph', '--flush-cache', env=env)
        for args in (['--graph'], ['--list']):
            outputs = [run_inventory(source, *args, env=env)[1]
                       for source in (plain_source, threads_source, cached_source, floor_plugin, floor_script)]
            if args == ['--list']:
                outputs = [plain(json.loads(out)) for out in outputs]
            if any(out != outputs[0] for out in outputs[1:]):
                raise SystemExit('%s differs between the plugin (cold, threads, cached) and the floors' % args[0])
        figures = {}
        for mode in ('--graph', '--list'):
            figures[mode] = round_robin(opts.repeat, [
                ('floor_plugin', floor_plugin, [mode], None),
                ('floor_script', floor_script, [mode], None),
                ('cold', plain_source, [mode], None),
                ('cold_threads', threads_source, [mode], None),
                ('cached', cached_source, [mode], None),
            ], env)
        figures['--graph']['cold_write'] = round_robin(
            opts.repeat, [('cold_write', cached_source, ['--graph', '--flush-cache'], None)], env)['cold_write']
        emu.reset_stats()
        run_inventory(cached_source, '--graph', env=env)
        cached_calls = sum(emu.stats()['calls'].values())
    finally:
        emu.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    load = os.getloadavg()
    lines = ['alicloud_ecs inventory benchmark: %d instances over %d regions, emulator latency %g ms, median of %d'
             % (opts.instances, opts.regions, opts.latency_ms, opts.repeat),
             '  %d CPUs; started %s, load average %.2f %.2f %.2f; ended %s, load average %.2f %.2f %.2f'
             % ((os.cpu_count(), started_utc) + load_at_start + (time.strftime('%H:%M:%S UTC', time.gmtime()),) + load),
             '  hosts %d, groups %d; constructed: %s' % (hosts, groups, json.dumps(CONSTRUCTED, sort_keys=True))]
    pages = -(-opts.instances // opts.regions // 100)
    lines.append('  fetch (client layer only)  %6.2f s  %d instances, API calls %s, client CPU %.2f s; latency '
                 'bound %.2f s (DescribeRegions + %d sequential pages per region)'
                 % (fetch_time, fetched, fetch_calls, fetch_cpu, (1 + pages) * opts.latency_ms / 1000.0, pages))
    lines.append('  SDK import (once per run)  %6.2f s' % sdk_import)
    lines.append('  API calls: one cold run %s; one cached run %d' % (calls, cached_calls))
    lines.append('  %-30s %9s %9s' % ('', '--graph', '--list'))
    for name, label in (('floor_plugin', 'floor (in-process plugin)'), ('floor_script', 'floor (JSON script)'),
                        ('cold', 'cold (child process)'), ('cold_threads', 'cold (threads)'), ('cached', 'cached')):
        lines.append('  %-30s %8.2fs %8.2fs' % (label, figures['--graph'][name], figures['--list'][name]))
    lines.append('  %-30s %8.2fs' % ('cold + cache write', figures['--graph']['cold_write']))
    for name in ('cold', 'cold_threads', 'cached', 'cold_write'):
        for floor, label in (('floor_plugin', 'in-process floor'), ('floor_script', 'script floor')):
            ratios = ['%5.2fx' % (figures[mode][name] / figures[mode][floor])
                      for mode in ('--graph', '--list') if name in figures[mode]]
            lines.append('  %-12s / %-16s  %s' % (name, label, '   '.join(ratios)))
    print('\n'.join(lines))
    results_dir = os.path.join(REPO_ROOT, 'bench', 'results')
    os.makedirs(results_dir, exist_ok=True)
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    with open(os.path.join(results_dir, 'inventory-%s.json' % stamp), 'w') as handle:
        json.dump({'instances': opts.instances, 'regions': opts.regions, 'latency_ms': opts.latency_ms,
                   'repeat': opts.repeat, 'started': started_utc, 'load_average_at_start': load_at_start,
                   'load_average': load, 'hosts': hosts, 'groups': groups,
                   'api_calls_cold': calls, 'api_calls_cached': cached_calls, 'seconds': figures,
                   'report': lines}, handle, indent=1)


if __name__ == '__main__':
    main()
