"""Logtail pipeline (v2) config rules (tools/alicloud_emulator/sls_pipeline.py), one refusal per rule."""
import pytest

from tools.alicloud_emulator.sls_pipeline import NATIVE_PARSERS, validate_pipeline
from tools.alicloud_emulator.sls_signing import SlsError

SYSLOG = {'Type': 'service_syslog', 'Address': 'tcp://127.0.0.1:9999'}
FILES = {'Type': 'input_file', 'FilePaths': ['/var/log/*.log']}
SLS = {'Type': 'flusher_sls', 'Logstore': 'syslog'}


def body(inputs=(FILES,), processors=None, aggregators=None, flushers=(SLS,)):
    doc = {'configName': 'cfg', 'inputs': list(inputs), 'flushers': list(flushers)}
    if processors is not None:
        doc['processors'] = [{'Type': p} for p in processors]
    if aggregators is not None:
        doc['aggregators'] = [{'Type': a} for a in aggregators]
    return doc


def refused(doc):
    with pytest.raises(SlsError) as err:
        validate_pipeline(doc)
    assert (err.value.status, err.value.code) == (400, 'ParameterInvalid')
    return err.value.message


@pytest.mark.parametrize('processors, aggregators', [
    (None, None), ([], None),
    (['processor_parse_regex_native'], None),
    (['processor_parse_json_native', 'processor_parse_timestamp_native', 'processor_filter_regex_native'], None),
    (['processor_parse_delimiter_native', 'processor_desensitize_native'], None),
    (['processor_parse_apsara_native'], None),
    (['processor_regex'], None), (['processor_json', 'processor_add_fields'], ['aggregator_context']),
])
def test_configs_the_reference_allows(processors, aggregators):
    assert validate_pipeline(body(processors=processors, aggregators=aggregators)) == SLS
    assert validate_pipeline(body(inputs=[SYSLOG], processors=processors, aggregators=aggregators)) == SLS


def test_exactly_one_input_and_exactly_one_flusher_sls():
    assert 'exactly one input' in refused(body(inputs=[]))
    assert 'exactly one input plugin, got 2' in refused(body(inputs=[FILES, SYSLOG]))
    assert 'flusher_sls' in refused(body(flushers=[]))
    assert 'flusher_sls' in refused(body(flushers=[SLS, dict(SLS, Logstore='other')]))
    assert "['flusher_kafka']" in refused(body(flushers=[{'Type': 'flusher_kafka'}]))
    assert 'inputs[0] needs a Type' in refused(body(inputs=[{'FilePaths': ['/x']}]))
    assert 'processors must be a list' in refused(dict(body(), processors={'Type': 'processor_regex'}))


def test_native_and_extended_processors_are_not_mixed():
    for processors in (['processor_parse_regex_native', 'processor_regex'],
                       ['processor_regex', 'processor_parse_regex_native']):
        assert 'cannot be mixed' in refused(body(processors=processors))


def test_the_first_native_processor_is_a_parser():
    assert len(NATIVE_PARSERS) == 4
    for first in ('processor_parse_timestamp_native', 'processor_filter_regex_native', 'processor_desensitize_native'):
        message = refused(body(processors=[first, 'processor_parse_regex_native']))
        assert 'first native processor must be a parser' in message and first in message


def test_at_most_one_aggregator_and_only_with_extended_processors():
    assert 'at most one aggregator is allowed, got 2' in refused(
        body(processors=['processor_regex'], aggregators=['aggregator_context', 'aggregator_shardhash']))
    assert 'only together with extended processors' in refused(
        body(processors=['processor_parse_regex_native'], aggregators=['aggregator_context']))
    assert 'only together with extended processors' in refused(body(aggregators=['aggregator_context']))
