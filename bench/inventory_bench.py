#!/usr/bin/env python
"""Benchmark the alicloud_ecs inventory plugin against the ECS emulator and against its floor.

    .venv/bin/python bench/inventory_bench.py [--instances 10000] [--regions 10] [--latency-ms 20] [--repeat 3]

Prints, as medians over --repeat runs of `ansible-inventory --graph`:
  cold      the plugin with no cache (DescribeRegions + every page, concurrently per region);
  cold+w    the plugin with --flush-cache (cold, plus writing the jsonfile cache);
  cached    the plugin served from the jsonfile cache;
  floor     the same hosts, hostvars and groups served by a static JSON script inventory;
  fetch     the client layer alone (credentials, DescribeRegions, all pages), in-process;
and the API calls one cold run made. ansible-core's own inventory work dominates at this size, so the
ratios to the floor are the figures that matter (goal: cold <= 1.3x, cached <= 1.1x).
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


def write_floor_script(workdir, listing):
    """A script inventory printing exactly what the plugin produced: the floor for the same inventory."""
    data_path = os.path.join(workdir, 'floor.json')
    with open(data_path, 'w') as handle:
        json.dump(listing, handle)
    script = os.path.join(workdir, 'floor_inventory.py')
    with open(script, 'w') as handle:
        handle.write('#!%s\nimport sys\nsys.stdout.write(open(%r).read())\n' % (sys.executable, data_path))
    os.chmod(script, 0o755)
    return script


def median_time(repeat, source, args, env, before=None):
    times = []
    for _ in range(repeat):
        if before:
            before()
        times.append(run_inventory(source, *args, env=env)[0])
    return statistics.median(times)


def import_sdk():
    """The SDK's import cost (paid once per ansible-inventory run), kept out of the fetch figure."""
    started = time.perf_counter()
    import alibabacloud_ecs20140526.client  # noqa: F401
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--instances', type=int, default=10000)
    parser.add_argument('--regions', type=int, default=10)
    parser.add_argument('--latency-ms', type=float, default=20)
    parser.add_argument('--repeat', type=int, default=3)
    opts = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='inventory-bench-')
    emu = EmulatorProcess(opts.instances, opts.regions, opts.latency_ms)
    env = dict(os.environ)
    env.update(ansible_env({'HOME': workdir, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}))
    base = {'plugin': 'alicloud_ops.logging.alicloud_ecs', 'endpoint_url': emu.url, 'access_key': KEY_ID,
            'secret_key': KEY_SECRET}
    plain_dir, cached_dir = os.path.join(workdir, 'plain'), os.path.join(workdir, 'cached')
    os.makedirs(plain_dir)
    os.makedirs(cached_dir)
    plain_source = os.path.join(plain_dir, 'alicloud_ecs.yml')
    cached_source = os.path.join(cached_dir, 'alicloud_ecs.yml')
    with open(plain_source, 'w') as handle:
        json.dump(base, handle)
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
        floor_source = write_floor_script(workdir, listing)
        # The floor must be the same inventory: compare the graphs before timing anything.
        if run_inventory(floor_source, '--graph', env=env)[1] != run_inventory(plain_source, '--graph', env=env)[1]:
            raise SystemExit('the floor script inventory differs from the plugin inventory')

        floor = median_time(opts.repeat, floor_source, ['--graph'], env)
        cold = median_time(opts.repeat, plain_source, ['--graph'], env)
        cold_write = median_time(opts.repeat, cached_source, ['--graph', '--flush-cache'], env)
        emu.reset_stats()
        cached = median_time(opts.repeat, cached_source, ['--graph'], env)
        cached_calls = sum(emu.stats()['calls'].values())
    finally:
        emu.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print('alicloud_ecs inventory benchmark: %d instances over %d regions, emulator latency %g ms, median of %d'
          % (opts.instances, opts.regions, opts.latency_ms, opts.repeat))
    print('  %d CPUs, load average at the end %.2f %.2f %.2f' % ((os.cpu_count(),) + os.getloadavg()))
    print('  hosts %d, groups %d' % (hosts, groups))
    pages = -(-opts.instances // opts.regions // 100)
    print('  fetch (client layer only)  %6.2f s  %d instances, API calls %s, client CPU %.2f s; latency bound '
          '%.2f s (DescribeRegions + %d sequential pages per region)'
          % (fetch_time, fetched, fetch_calls, fetch_cpu, (1 + pages) * opts.latency_ms / 1000.0, pages))
    print('  SDK import (once per run)  %6.2f s' % sdk_import)
    print('  API calls, one cold run    %s' % calls)
    print('  floor (static JSON script) %6.2f s' % floor)
    print('  cold                       %6.2f s  %.2fx floor' % (cold, cold / floor))
    print('  cold + cache write         %6.2f s  %.2fx floor' % (cold_write, cold_write / floor))
    print('  cached                     %6.2f s  %.2fx floor  (API calls: %d)' % (cached, cached / floor,
                                                                                  cached_calls))


if __name__ == '__main__':
    main()
