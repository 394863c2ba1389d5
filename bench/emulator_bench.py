#!/usr/bin/env python3
"""Benchmark the ECS API emulator as the inventory benchmark uses it (prints figures; not a test).

    .venv/bin/python bench/emulator_bench.py [--instances 10000] [--regions 10] [--latency-ms 20]

Starts the emulator CLI, then reads every instance of every region through the official SDK with
MaxResults=100 + NextToken, once region after region and once with one worker per region.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time
from urllib.request import urlopen

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

from alibabacloud_ecs20140526 import models  # noqa: E402
from alibabacloud_ecs20140526.client import Client  # noqa: E402
from alibabacloud_tea_openapi.models import Config  # noqa: E402


def read_region(endpoint, region):
    client = Client(Config(access_key_id='bench-id', access_key_secret='bench-secret', endpoint=endpoint,
                           protocol='HTTP', region_id=region))
    count, token = 0, None
    while True:
        body = client.describe_instances(models.DescribeInstancesRequest(
            region_id=region, max_results=100, next_token=token)).body
        count += len(body.instances.instance)
        token = body.next_token
        if not token:
            return count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--instances', type=int, default=10000)
    parser.add_argument('--regions', type=int, default=10)
    parser.add_argument('--latency-ms', type=float, default=20)
    args = parser.parse_args()
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, '-m', 'tools.alicloud_emulator', '--access-key-id', 'bench-id',
                             '--access-key-secret', 'bench-secret', '--instances', str(args.instances),
                             '--regions', str(args.regions), '--latency-ms', str(args.latency_ms)],
                            cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip().rsplit(' ', 1)[-1]
        ready = time.monotonic() - started
        endpoint = url[len('http://'):]
        regions = [r.region_id for r in Client(Config(
            access_key_id='bench-id', access_key_secret='bench-secret', endpoint=endpoint, protocol='HTTP',
            region_id='cn-hangzhou')).describe_regions(models.DescribeRegionsRequest()).body.regions.region]
        print('emulator: %d instances over %d regions, %.0f ms latency per call; ready in %.2f s'
              % (args.instances, len(regions), args.latency_ms, ready))
        for label, workers in (('one region after another', 1), ('one worker per region', len(regions))):
            urlopen(url + '/_emulator/reset-stats', data=b'').read()
            t0 = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(workers) as pool:
                total = sum(pool.map(lambda r: read_region(endpoint, r), regions))
            elapsed = time.monotonic() - t0
            stats = json.loads(urlopen(url + '/_emulator/stats').read().decode('utf-8'))
            print('%-26s %6d instances in %.2f s, %d API calls, up to %d calls in flight'
                  % (label + ':', total, elapsed, sum(stats['calls'].values()), stats['max_in_flight']))
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == '__main__':
    main()
