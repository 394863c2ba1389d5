"""The emulator driven by the unchanged official SDK (alibabacloud_ecs20140526 on alibabacloud_tea_openapi)."""
import json
import os
import re
import signal
import subprocess
import sys
import threading
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from alibabacloud_ecs20140526 import models
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException
from alibabacloud_tea_openapi.utils_models import OpenApiRequest, Params
from darabonba.runtime import RuntimeOptions

from tests.support.emulator import TEST_KEY_ID, TEST_KEY_SECRET, ecs_client, ecs_emulator  # noqa: F401

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
READY = re.compile(r'^alicloud-emulator ready at (http://127\.0\.0\.1:(\d+))\n$')


def all_by_token(client, region, **filters):
    found, token, pages = [], None, 0
    while True:
        body = client.describe_instances(models.DescribeInstancesRequest(
            region_id=region, max_results=100, next_token=token, **filters)).body
        found.extend(body.instances.instance)
        pages += 1
        token = body.next_token
        if not token:
            return found, pages


def sdk_error(call):
    with pytest.raises((ClientException, ServerException)) as err:
        call()
    return err.value.status_code, err.value.code


def test_describe_regions_and_instances_parse_into_sdk_models(ecs_emulator):
    emu = ecs_emulator(instances=30, regions=3, seed=4)
    client = ecs_client(emu)
    regions = client.describe_regions(models.DescribeRegionsRequest()).body.regions.region
    assert [r.region_id for r in regions] == ['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1']
    assert regions[0].region_endpoint == 'ecs.cn-hangzhou.aliyuncs.com'
    body = client.describe_instances(models.DescribeInstancesRequest(region_id='cn-shanghai', page_size=100)).body
    assert body.total_count == 10 and len(body.instances.instance) == 10 and body.request_id
    served = {i['InstanceId']: i for i, _ in emu.ecs.by_region['cn-shanghai']}
    for inst in body.instances.instance:
        raw = served[inst.instance_id]
        assert inst.instance_name == raw['InstanceName'] and inst.status == 'Running'
        assert inst.vpc_attributes.private_ip_address.ip_address == raw['VpcAttributes']['PrivateIpAddress']['IpAddress']
        assert inst.security_group_ids.security_group_id and inst.zone_id.startswith('cn-shanghai-')
        assert {t.tag_key: t.tag_value for t in inst.tags.tag} == \
            {t['TagKey']: t['TagValue'] for t in raw['Tags']['Tag']}
        assert inst.network_interfaces.network_interface[0].primary_ip_address == \
            raw['VpcAttributes']['PrivateIpAddress']['IpAddress'][0]
        assert inst.public_ip_address.ip_address is not None and inst.eip_address.ip_address is not None


def test_next_token_paging_through_the_sdk_returns_every_instance_once(ecs_emulator):
    emu = ecs_emulator(instances=1050, regions=3, seed=2)
    client = ecs_client(emu)
    found, pages = all_by_token(client, 'ap-southeast-1')
    assert pages == 4
    assert [i.instance_id for i in found] == [i['InstanceId'] for i, _ in emu.ecs.by_region['ap-southeast-1']]
    assert emu.stats()['calls'] == {'DescribeInstances': 4} and emu.stats()['by_region'] == {'ap-southeast-1': 4}


def test_max_results_outside_10_to_100_is_clamped_through_the_sdk(ecs_emulator):
    # DescribeInstances reference (the SDK model's own words): below 10 is 10, above 100 is 100; never an error.
    client = ecs_client(ecs_emulator(instances=250, regions=1))
    for asked, served in ((1, 10), (9, 10), (10, 10), (11, 11), (100, 100), (101, 100), (500, 100)):
        body = client.describe_instances(models.DescribeInstancesRequest(region_id='cn-hangzhou',
                                                                         max_results=asked)).body
        assert (body.page_size, len(body.instances.instance), body.total_count) == (served, served, 250), asked


def test_page_number_paging_through_the_sdk(ecs_emulator):
    emu = ecs_emulator(instances=90, regions=3)
    client = ecs_client(emu)
    seen = []
    for number in (1, 2, 3, 4):
        body = client.describe_instances(models.DescribeInstancesRequest(
            region_id='cn-hangzhou', page_size=8, page_number=number)).body
        assert body.total_count == 30 and body.page_number == number
        seen.extend(i.instance_id for i in body.instances.instance)
    assert seen == [i['InstanceId'] for i, _ in emu.ecs.by_region['cn-hangzhou']]


def test_filters_survive_the_sdk_encoding(ecs_emulator):
    fixture = {'instances': [
        {'InstanceId': 'i-a', 'InstanceName': 'web a*1', 'Tags': {'env': 'prod', 'role': 'web'}},
        {'InstanceId': 'i-b', 'InstanceName': 'web-b', 'Tags': {'env': 'dev', 'role': 'web'}},
        {'InstanceId': 'i-c', 'InstanceName': 'db', 'Status': 'Stopped', 'Tags': {'env': 'prod'}}]}
    client = ecs_client(ecs_emulator(fixture=fixture))

    def names(**filters):
        return [i.instance_id for i in all_by_token(client, 'cn-hangzhou', **filters)[0]]
    assert names(instance_name='web*') == ['i-a', 'i-b']
    assert names(instance_name='web a*1') == ['i-a']
    assert names(instance_ids=json.dumps(['i-c', 'i-b'])) == ['i-b', 'i-c']
    assert names(status='Running', tag=[models.DescribeInstancesRequestTag(key='env', value='prod')]) == ['i-a']
    assert names(tag=[models.DescribeInstancesRequestTag(key='env'),
                      models.DescribeInstancesRequestTag(key='role', value='web')]) == ['i-a', 'i-b']


def test_v1_hmac_sha1_signature_through_the_sdk(ecs_emulator):
    emu = ecs_emulator(instances=6, regions=2)
    client = ecs_client(emu, signature_algorithm='v2')
    assert len(all_by_token(client, 'cn-hangzhou')[0]) == 3
    assert sdk_error(lambda: ecs_client(emu, secret='wrong', signature_algorithm='v2').describe_regions(
        models.DescribeRegionsRequest())) == (400, 'SignatureDoesNotMatch')


def test_wrong_secret_and_wrong_key_id(ecs_emulator):
    emu = ecs_emulator(instances=3, regions=1)
    request = models.DescribeInstancesRequest(region_id='cn-hangzhou')
    assert sdk_error(lambda: ecs_client(emu, secret='not-the-secret').describe_instances(request)) \
        == (400, 'SignatureDoesNotMatch')
    assert sdk_error(lambda: ecs_client(emu, key_id='LTAI-nobody').describe_instances(request)) \
        == (404, 'InvalidAccessKeyId.NotFound')
    stats = emu.stats()
    assert stats['signature_failures'] == 2 and stats['ok'] == 0 and stats['calls'] == {'DescribeInstances': 2}


def test_sts_token_is_required_and_checked(ecs_emulator):
    emu = ecs_emulator(access_keys={'STS.NUx9temp': 'temp-secret', TEST_KEY_ID: TEST_KEY_SECRET}, instances=4,
                       regions=1, sts_token='CAIS-the-token')
    request = models.DescribeRegionsRequest()
    ok = ecs_client(emu, 'STS.NUx9temp', 'temp-secret', security_token='CAIS-the-token').describe_regions(request)
    assert ok.body.regions.region[0].region_id == 'cn-hangzhou'
    assert sdk_error(lambda: ecs_client(emu, 'STS.NUx9temp', 'temp-secret').describe_regions(request)) \
        == (400, 'InvalidSecurityToken.Missing')
    assert sdk_error(lambda: ecs_client(emu, 'STS.NUx9temp', 'temp-secret', security_token='CAIS-other')
                     .describe_regions(request)) == (400, 'InvalidSecurityToken.Malformed')
    assert sdk_error(lambda: ecs_client(emu, security_token='CAIS-the-token').describe_regions(request)) \
        == (400, 'InvalidSecurityToken.MismatchWithAccessKey')
    assert ecs_client(emu).describe_regions(request).body.regions.region
    assert emu.stats()['signature_failures'] == 3


def test_throttling_and_5xx_at_the_configured_rate(ecs_emulator):
    emu = ecs_emulator(instances=3, regions=1, throttle_rate=0.2, error_rate=0.1, seed=11)
    client = ecs_client(emu)
    outcomes = []
    for _ in range(300):
        try:
            client.describe_regions(models.DescribeRegionsRequest())
            outcomes.append((200, 'ok'))
        except (ClientException, ServerException) as err:
            outcomes.append((err.status_code, err.code))
    stats = emu.stats()
    throttled = outcomes.count((400, 'Throttling.User'))
    failed = sum(1 for status, _ in outcomes if status >= 500)
    assert {o for o in outcomes if o[0] >= 500} == {(503, 'ServiceUnavailable'), (500, 'InternalError')}
    assert stats['throttled'] == throttled and stats['errors'] == failed
    assert stats['ok'] == outcomes.count((200, 'ok')) == 300 - throttled - failed
    assert stats['calls'] == {'DescribeRegions': 300}
    # Binomial bounds (about 4 standard deviations) around 60 throttled and 30 failed calls.
    assert 32 <= throttled <= 88 and 10 <= failed <= 50


def test_forbidden_region_answers_403_and_others_still_work(ecs_emulator):
    emu = ecs_emulator(instances=9, regions=3, forbidden_regions=['cn-shanghai'])
    client = ecs_client(emu)
    assert 'cn-shanghai' in [r.region_id for r in client.describe_regions(models.DescribeRegionsRequest())
                             .body.regions.region]
    status, code = sdk_error(lambda: client.describe_instances(models.DescribeInstancesRequest(
        region_id='cn-shanghai')))
    assert (status, code) == (403, 'Forbidden.RAM')
    assert len(all_by_token(client, 'cn-hangzhou')[0]) == 3
    assert emu.stats()['forbidden'] == 1


def test_latency_sleeps_do_not_serialise_concurrent_calls(ecs_emulator):
    emu = ecs_emulator(instances=8, regions=8, latency_ms=400)
    regions = [r['RegionId'] for r in emu.ecs.regions]
    barrier = threading.Barrier(len(regions))
    results = {}

    def fetch(region):
        client = ecs_client(emu, region_id=region)
        barrier.wait()
        results[region] = len(all_by_token(client, region)[0])
    threads = [threading.Thread(target=fetch, args=(r,)) for r in regions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {r: 1 for r in regions}
    # All eight started together and each held its thread for 400 ms: they must have overlapped.
    assert emu.stats()['max_in_flight'] >= 4


def test_unknown_action_version_and_unsigned_requests_get_real_error_bodies(ecs_emulator):
    emu = ecs_emulator(instances=2, regions=1)
    client = ecs_client(emu)

    def call(action, version):
        params = Params(action=action, version=version, protocol='HTTP', pathname='/', method='POST',
                        auth_type='AK', style='RPC', req_body_type='formData', body_type='json')
        return client.call_api(params, OpenApiRequest(query={'RegionId': 'cn-hangzhou'}), RuntimeOptions())
    assert call('DescribeRegions', '2014-05-26')['body']['Regions']['Region'][0]['RegionId'] == 'cn-hangzhou'
    assert sdk_error(lambda: call('DescribeNothing', '2014-05-26')) == (404, 'InvalidAction.NotFound')
    assert sdk_error(lambda: call('DescribeRegions', '2016-01-01')) == (400, 'InvalidVersion')
    with pytest.raises(HTTPError) as err:
        urlopen(Request(emu.url + '/?Action=DescribeRegions&Version=2014-05-26', data=b''), timeout=10)
    body = json.loads(err.value.read().decode('utf-8'))
    assert err.value.code == 400 and body['Code'] == 'IncompleteSignature'
    assert sorted(body) == ['Code', 'HostId', 'Message', 'Recommend', 'RequestId']
    assert err.value.headers['x-acs-request-id'] == body['RequestId']
    assert emu.stats()['signature_failures'] == 1 and emu.stats()['client_errors'] == 2


def _http_json(url, method='GET'):
    with urlopen(Request(url, method=method, data=b'' if method == 'POST' else None), timeout=10) as resp:
        return json.loads(resp.read().decode('utf-8'))


@pytest.fixture
def emulator_process():
    """Start the CLI as a subprocess; returns (process, url); the process is stopped at teardown."""
    started = []

    def start(*args):
        proc = subprocess.Popen([sys.executable, '-m', 'tools.alicloud_emulator'] + list(args), cwd=REPO_ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(proc)
        line = proc.stdout.readline()
        match = READY.match(line)
        assert match, 'no ready line; got %r, stderr %r' % (line, proc.stderr.read() if proc.poll() else '')
        return proc, match.group(1)

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


def test_cli_prints_ready_line_serves_the_sdk_and_stops_on_sigterm(emulator_process, tmp_path):
    fixture = tmp_path / 'fixture.json'
    fixture.write_text(json.dumps({'regions': [{'RegionId': 'cn-beijing', 'LocalName': 'China (Beijing)'}],
                                   'instances': [{'InstanceId': 'i-cli1', 'InstanceName': 'cli-host',
                                                  'RegionId': 'cn-beijing'}]}))
    proc, url = emulator_process('--access-key-id', 'K1', '--access-key-secret', 'S1', '--access-key-id', 'K2',
                                 '--access-key-secret', 'S2', '--fixture', str(fixture), '--instances', '4',
                                 '--regions', '2', '--seed', '3')

    class Endpoint(object):
        endpoint = url[len('http://'):]
    for key, secret in (('K1', 'S1'), ('K2', 'S2')):
        regions = ecs_client(Endpoint, key, secret).describe_regions(models.DescribeRegionsRequest())
        assert [r.region_id for r in regions.body.regions.region] == ['cn-hangzhou', 'cn-shanghai', 'cn-beijing']
    body = ecs_client(Endpoint, 'K1', 'S1').describe_instances(models.DescribeInstancesRequest(
        region_id='cn-beijing')).body
    assert [(i.instance_id, i.host_name, i.status) for i in body.instances.instance] == \
        [('i-cli1', 'cli-host', 'Running')]
    assert _http_json(url + '/_emulator/stats')['calls'] == {'DescribeRegions': 2, 'DescribeInstances': 1}
    _http_json(url + '/_emulator/reset-stats', 'POST')
    assert _http_json(url + '/_emulator/stats')['calls'] == {}
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    assert proc.stdout.read() == ''


def test_cli_rejects_a_bad_fixture_with_a_clear_message(tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"instances": [{"InstanceId": "i-x"}, {"InstanceId": "i-x"}]}')
    proc = subprocess.run([sys.executable, '-m', 'tools.alicloud_emulator', '--fixture', str(bad)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and 'duplicate InstanceId i-x' in proc.stderr and proc.stdout == ''
