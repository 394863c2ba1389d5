"""tools/webhook_receiver.py: every POST recorded once, with its body parsed as the alarm senders send it."""
import json
import subprocess
import sys
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from tools.webhook_receiver import READY_LINE, WebhookReceiver, parse_body


def post(url, body, content_type):
    request = Request(url, data=body, method='POST', headers={'Content-Type': content_type})
    with urlopen(request, timeout=5) as answer:
        return answer.status, json.loads(answer.read().decode('utf-8'))


def get_json(url):
    with urlopen(url, timeout=5) as answer:
        return json.loads(answer.read().decode('utf-8'))


def test_parse_body_json_form_and_text():
    assert parse_body('application/json;charset=utf-8', b'{"status": "firing"}') == {'status': 'firing'}
    # CloudMonitor's callback is form-urlencoded; blank values are kept (an empty dimension is still a field).
    assert parse_body('application/x-www-form-urlencoded', b'alertState=ALERT&instanceName=web-1&expression=') == {
        'alertState': 'ALERT', 'instanceName': 'web-1', 'expression': ''}
    assert parse_body('text/plain', b'hello') == 'hello'
    # Broken JSON is kept as text, never dropped: a test must still see that something arrived.
    assert parse_body('application/json', b'{not json') == '{not json'


def test_records_each_post_in_order_and_lists_them(tmp_path):
    out = tmp_path / 'received.jsonl'
    with WebhookReceiver(out=str(out)) as receiver:
        assert receiver.url.startswith('http://127.0.0.1:')
        status, answer = post(receiver.url + '/oncall', json.dumps({'alert_id': 'a', 'status': 'firing'}).encode(),
                              'application/json;charset=utf-8')
        assert (status, answer) == (200, {'ok': True})
        post(receiver.url + '/cms', urlencode({'alertState': 'OK', 'ruleId': 'r1'}).encode(),
             'application/x-www-form-urlencoded')
        listed = get_json(receiver.url + '/received')
        records = receiver.received
    assert listed == records
    assert len(records) == 2
    assert [r['path'] for r in records] == ['/oncall', '/cms']
    assert records[0]['body'] == {'alert_id': 'a', 'status': 'firing'}
    assert records[0]['content_type'] == 'application/json;charset=utf-8'
    assert records[1]['body'] == {'alertState': 'OK', 'ruleId': 'r1'}
    assert records[0]['time'] <= records[1]['time']
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == records


def test_received_is_a_copy_and_unknown_get_is_404():
    with WebhookReceiver() as receiver:
        receiver.received.append('not kept')
        assert receiver.received == []
        with pytest.raises(HTTPError) as error:
            urlopen(receiver.url + '/other', timeout=5)
        assert error.value.code == 404
        assert receiver.received == []


def test_command_line_prints_its_url_and_serves():
    proc = subprocess.Popen([sys.executable, '-m', 'tools.webhook_receiver', '--port', '0'],
                            stdout=subprocess.PIPE, universal_newlines=True)
    try:
        line = proc.stdout.readline().strip()
        prefix = READY_LINE % ''
        assert line.startswith(prefix), line
        url = line[len(prefix):]
        post(url + '/x', b'{"n": 1}', 'application/json')
        assert [r['body'] for r in get_json(url + '/received')] == [{'n': 1}]
    finally:
        proc.terminate()
        proc.wait(10)
