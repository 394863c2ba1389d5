"""cms_client.py: CmsApiError's message and fields, the checks of a 200 body, endpoints, the SDK client's settings,
and CmsClient's calls (the SDK's own exception types, transport failures, paging) through a scripted SDK object.
(The first checks of body_error and pages are in test_cms_plan.py.)"""
import pytest
from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.models import Config as CredentialConfig
from alibabacloud_tea_openapi.exceptions import ClientException
from darabonba.exceptions import DaraException

from ansible_collections.alicloud_ops.logging.plugins.module_utils import cms_client
from ansible_collections.alicloud_ops.logging.plugins.module_utils.cms_client import (
    CmsApiError, CmsClient, body_error, split_endpoint)


def fields(err):
    return (err.action, err.code, err.message, err.request_id, err.http_status, err.kind, err.option)


def test_error_message_and_fields():
    err = CmsApiError('PutContact', 'InvalidParameter', 'bad channel', 'RID-1', 400, option='contacts')
    assert str(err) == 'contacts: PutContact failed: bad channel (InvalidParameter), request id RID-1'
    assert fields(err) == ('PutContact', 'InvalidParameter', 'bad channel', 'RID-1', 400, None, 'contacts')
    err = CmsApiError('X', 'RequestFailed', 'timeout', kind='transport')
    assert str(err) == 'X failed: timeout (RequestFailed)'
    assert fields(err) == ('X', 'RequestFailed', 'timeout', None, None, 'transport', None)


def test_a_message_that_already_names_the_option_is_not_prefixed_again():
    assert str(CmsApiError('A', 'C', 'period: too short', option='period')) == 'A failed: period: too short (C)'
    assert str(CmsApiError('A', 'C', 'periodic: x', option='period')) == 'period: A failed: periodic: x (C)'


def test_a_body_that_is_not_an_object():
    err = body_error('DescribeContactList', ['x'])
    assert str(err) == "DescribeContactList failed: the response body is not a JSON object: ['x'] (InvalidResponse)"
    assert fields(err) == ('DescribeContactList', 'InvalidResponse',
                           "the response body is not a JSON object: ['x']", None, None, None, None)


def test_success_false_without_message_or_code():
    err = body_error('PutContact', {'Success': False})
    assert fields(err) == ('PutContact', 'Failed', 'the service answered Success false', None, 200, None, None)
    assert body_error('PutContact', {'Success': 'False', 'Code': '', 'Message': ''}).code == 'Failed'


@pytest.mark.parametrize('body', [{'Success': True, 'Code': ''}, {'Code': None}, {'Success': 'true'}])
def test_an_empty_or_missing_code_is_not_a_failure(body):
    assert body_error('X', body) is None


@pytest.mark.parametrize('endpoint, expected', [
    ('HTTP://Metrics.Example:80/', ('Metrics.Example:80', 'http')),
    ('Https://metrics.example/pathX', ('metrics.example/pathX', 'https')),
    ('  http://h//  ', ('h', 'http')),
    ('//metrics.example/ ', ('//metrics.example', 'https')),
    ('metrics.example/pathX', ('metrics.example/pathX', 'https')),
    ('ftp://h', ('ftp://h', 'https')),
])
def test_split_endpoint(endpoint, expected):
    assert split_endpoint(endpoint) == expected


def key_credential():
    return CredentialClient(CredentialConfig(type='access_key', access_key_id='id', access_key_secret='secret'))


@pytest.mark.parametrize('region, region_id', [(None, 'cn-hangzhou'), ('', 'cn-hangzhou'), ('eu-west-1', 'eu-west-1')])
def test_sdk_client_settings(region, region_id):
    credential = key_credential()
    sdk = cms_client.make_sdk_client('http://127.0.0.1:8080/', credential, region, 7)
    assert isinstance(sdk, cms_client.CmsSdkClient) and sdk._credential is credential
    assert (sdk._endpoint, sdk._protocol, sdk._region_id) == ('127.0.0.1:8080', 'http', region_id)
    assert (sdk._read_timeout, sdk._connect_timeout) == (7000, 7000)
    assert cms_client.make_sdk_client('metrics.example', credential, None, 1)._protocol == 'https'


class Answer(object):
    """What an SDK *_with_options method returns: .body with to_map()."""

    def __init__(self, body):
        self.body = None if body is None else type('Body', (), {'to_map': lambda _self: body})()


class ScriptedSdk(object):
    """Stands in for the SDK client: every <action>_with_options(request, runtime) takes the next answer (a body
    dict, None for no body, or an exception to raise) and records (method, request fields, runtime)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __getattr__(self, method):
        if not method.endswith('_with_options'):
            raise AttributeError(method)

        def call(request, runtime):
            self.calls.append((method, request.to_map(), runtime))
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return Answer(answer)
        return call


def test_call_sends_the_request_without_sdk_retries_and_returns_the_body():
    body = {'Success': True, 'Code': '200', 'ContactGroups': {'ContactGroup': ['ops']}}
    sdk = ScriptedSdk(body)
    assert CmsClient(sdk, timeout=7).call('DescribeContactGroupList', PageNumber=3) == body
    [(method, request, runtime)] = sdk.calls
    assert (method, request) == ('describe_contact_group_list_with_options', {'PageNumber': 3})
    assert (runtime.autoretry, runtime.read_timeout, runtime.connect_timeout) == (False, 7000, 7000)
    sdk = ScriptedSdk(None)
    client = CmsClient(sdk)
    assert client.timeout == 30 and client.call('DescribeContactList') == {}
    assert (sdk.calls[0][2].read_timeout, sdk.calls[0][2].connect_timeout) == (30000, 30000)


def test_call_raises_the_error_a_200_body_stands_for():
    sdk = ScriptedSdk({'Success': False, 'Code': 400, 'Message': 'The parameter Period is invalid', 'RequestId': 'R'})
    with pytest.raises(CmsApiError) as caught:
        CmsClient(sdk).call('PutGroupMetricRule', RuleId='r')
    assert fields(caught.value) == ('PutGroupMetricRule', '400', 'The parameter Period is invalid', 'R', 200, None,
                                    'period')


def test_an_sdk_refusal_keeps_code_message_request_id_status_and_the_option():
    refusal = ClientException(status_code=403, code='SignatureDoesNotMatch', message='code: 403, bad signature',
                              data={'RequestId': 'RID-9', 'Code': 'SignatureDoesNotMatch'})
    with pytest.raises(CmsApiError) as caught:
        CmsClient(ScriptedSdk(refusal)).call('DescribeContactList')
    assert fields(caught.value) == ('DescribeContactList', 'SignatureDoesNotMatch', 'code: 403, bad signature',
                                    'RID-9', 403, None, 'access_key_secret')
    assert str(caught.value) == ('access_key_secret: DescribeContactList failed: code: 403, bad signature '
                                 '(SignatureDoesNotMatch), request id RID-9')


@pytest.mark.parametrize('code, option', [('InvalidAccessKeyId.NotFound', 'access_key_id'),
                                          ('InvalidSecurityToken.Expired', 'security_token'),
                                          ('ResourceNotFound', None), (404, None)])
def test_an_sdk_refusal_names_the_option_only_for_the_gateway_codes(code, option):
    refusal = DaraException({'code': code, 'message': 'no', 'data': {'statusCode': 404}})
    with pytest.raises(CmsApiError) as caught:
        CmsClient(ScriptedSdk(refusal)).call('DescribeContactList')
    assert (caught.value.code, caught.value.option, caught.value.http_status) == (str(code), option, 404)


@pytest.mark.parametrize('data', [None, 'RID-in-text', ['RID']])
def test_an_sdk_refusal_without_a_message_or_a_data_object(data):
    refusal = DaraException({'code': 'Throttling', 'data': data})
    with pytest.raises(CmsApiError) as caught:
        CmsClient(ScriptedSdk(refusal)).call('DescribeContactList')
    assert fields(caught.value) == ('DescribeContactList', 'Throttling', str(refusal), None, None, None, None)
    assert str(caught.value) == 'DescribeContactList failed: %s (Throttling)' % refusal


class CodedError(Exception):
    """An SDK error type with a code and nothing else (the SDK's error types differ across versions)."""
    code = 'ServiceUnavailable'


def test_an_sdk_error_with_only_a_code():
    with pytest.raises(CmsApiError) as caught:
        CmsClient(ScriptedSdk(CodedError('try later'))).call('DescribeContactList')
    assert fields(caught.value) == ('DescribeContactList', 'ServiceUnavailable', 'try later', None, None, None, None)


def test_a_transport_failure_names_the_endpoint():
    with pytest.raises(CmsApiError) as caught:
        CmsClient(ScriptedSdk(ConnectionRefusedError(111, 'Connection refused'))).call('DescribeContactList')
    assert fields(caught.value) == ('DescribeContactList', 'RequestFailed',
                                    'ConnectionRefusedError: [Errno 111] Connection refused', None, None,
                                    'transport', 'endpoint')
    assert str(caught.value) == ('endpoint: DescribeContactList failed: ConnectionRefusedError: [Errno 111] '
                                 'Connection refused (RequestFailed)')


def page(names, total=None, **extra):
    body = dict(extra, Success=True, ContactGroupList={'ContactGroup': [{'Name': n} for n in names]})
    if total is not None:
        body['Total'] = total
    return body


def sent_pages(sdk):
    return [request for _method, request, _runtime in sdk.calls]


def test_pages_defaults_and_fields_sent_with_each_page():
    sdk = ScriptedSdk(page(['a']))
    items = CmsClient(sdk).pages('DescribeContactList', ('ContactGroupList', 'ContactGroup'), ContactName='c')
    assert items == [{'Name': 'a'}]
    assert sent_pages(sdk) == [{'PageNumber': 1, 'PageSize': 100, 'ContactName': 'c'}]


def test_pages_stop_at_a_short_page_without_total():
    sdk = ScriptedSdk(page(['a', 'b']), page(['c']))
    items = CmsClient(sdk).pages('DescribeContactGroupList', ('ContactGroupList', 'ContactGroup'), size=2)
    assert [i['Name'] for i in items] == ['a', 'b', 'c']
    assert [(r['PageNumber'], r['PageSize']) for r in sent_pages(sdk)] == [(1, 2), (2, 2)]


def test_pages_stop_at_total_even_when_the_page_is_full():
    sdk = ScriptedSdk(page(['a', 'b'], total='4'), page(['c', 'd'], total='4'))
    items = CmsClient(sdk).pages('DescribeContactGroupList', ('ContactGroupList', 'ContactGroup'), size=2)
    assert [i['Name'] for i in items] == ['a', 'b', 'c', 'd'] and len(sdk.calls) == 2


@pytest.mark.parametrize('body', [{'Success': True}, {'Success': True, 'ContactGroupList': None},
                                  {'Success': True, 'ContactGroupList': {'ContactGroup': {'Name': 'one'}}}])
def test_pages_of_a_missing_or_odd_list_give_no_items(body):
    sdk = ScriptedSdk(body)
    assert CmsClient(sdk).pages('DescribeContactGroupList', ('ContactGroupList', 'ContactGroup'), size=1) == []
