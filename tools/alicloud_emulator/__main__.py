"""CLI: python -m tools.alicloud_emulator [options]; prints the ready line on stdout when serving."""
import argparse
import signal
import sys

from . import (DEFAULT_ACCESS_KEYS, DEFAULT_ACCOUNT_ALIUID, DEFAULT_ALARM_MIN_INTERVAL, READY_LINE, RunningEmulator,
               create_server, start_background, stop_background)
from .sls_logs import DEFAULT_INDEX_DELAY
from .dataset import FixtureError


def _rate(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError('must be a fraction between 0 and 1')
    return value


def _count(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError('must be 0 or more')
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='python -m tools.alicloud_emulator',
                                     description='Alibaba Cloud API emulator: ECS (DescribeRegions, '
                                                 'DescribeInstances) and Log Service.')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port (default)')
    parser.add_argument('--access-key-id', action='append', default=[],
                        help='repeatable; paired in order with --access-key-secret')
    parser.add_argument('--access-key-secret', action='append', default=[])
    parser.add_argument('--sts-token', help='SecurityToken that requests signed with the STS key pair must carry')
    parser.add_argument('--instances', type=int, help='seeded instances (default 20, or 0 with --fixture)')
    parser.add_argument('--regions', type=int,
                        help="regions of the seeded dataset (default 3; with only --fixture, the fixture's)")
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--stopped-rate', type=_rate, default=0.0, help='fraction of seeded instances Stopped')
    parser.add_argument('--latency-ms', type=float, default=0.0, help='added to every API call')
    parser.add_argument('--throttle-rate', type=_rate, default=0.0, help='fraction of calls answered Throttling.User')
    parser.add_argument('--error-rate', type=_rate, default=0.0, help='fraction of calls answered 500/503')
    parser.add_argument('--forbidden-regions', default='', help='comma-separated; DescribeInstances answers 403')
    parser.add_argument('--fixture', help='JSON file: {"regions": [...], "instances": [...]}')
    parser.add_argument('--index-delay', type=_count, default=DEFAULT_INDEX_DELAY, metavar='SECONDS',
                        help='Log Service: an index takes effect this long after it is written (default %(default)s)')
    parser.add_argument('--incomplete-first', type=_count, default=1, metavar='N',
                        help='Log Service: the first N GetLogs calls of a search answer Incomplete (default 1; 0: off)')
    parser.add_argument('--account-aliuid', default=DEFAULT_ACCOUNT_ALIUID,
                        help='the AliUid of the account the emulator is (default %(default)s)')
    parser.add_argument('--alarm-min-interval', type=int, default=DEFAULT_ALARM_MIN_INTERVAL, metavar='SECONDS',
                        help='shortest alert schedule / metric rule period accepted (EMULATOR ONLY; the services '
                             'take 60 s; tests and the alarm demo lower it)')
    parser.add_argument('--verbose', action='store_true', help='log every request on stderr')
    args = parser.parse_args(argv)
    if len(args.access_key_id) != len(args.access_key_secret):
        parser.error('give as many --access-key-secret as --access-key-id')
    if (args.instances is not None and args.instances < 0) or (args.regions is not None and args.regions < 1) or args.latency_ms < 0:
        parser.error('--instances and --latency-ms must be >= 0 and --regions >= 1')
    if args.throttle_rate + args.error_rate > 1.0:
        parser.error('--throttle-rate plus --error-rate must not exceed 1')
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        server = create_server(
            access_keys=dict(zip(args.access_key_id, args.access_key_secret)) or None,
            instances=args.instances, regions=args.regions, seed=args.seed, latency_ms=args.latency_ms,
            throttle_rate=args.throttle_rate, error_rate=args.error_rate, stopped_rate=args.stopped_rate,
            forbidden_regions=[r.strip() for r in args.forbidden_regions.split(',') if r.strip()],
            fixture=args.fixture, sts_token=args.sts_token, host=args.host, port=args.port, verbose=args.verbose,
            index_delay=args.index_delay, incomplete_first=args.incomplete_first,
            account_aliuid=args.account_aliuid, alarm_min_interval=args.alarm_min_interval)
    except (FixtureError, ValueError, OSError) as err:
        sys.stderr.write('alicloud-emulator: %s\n' % err)
        return 2
    emulator = RunningEmulator(server)
    if not args.access_key_id:
        sys.stderr.write('alicloud-emulator: no --access-key-id given; accepting the default pair %s / %s\n'
                         % next(iter(DEFAULT_ACCESS_KEYS.items())))

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    sys.stdout.write(READY_LINE % emulator.url + '\n')
    sys.stdout.flush()
    start_background(server.state)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop_background(server.state)
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
