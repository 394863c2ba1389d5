"""Logtail pipeline (v2) config rules (API reference CreateLogtailPipelineConfig / UpdateLogtailPipelineConfig).

- exactly one input; exactly one flusher, and it is flusher_sls;
- native processors (their Type ends in `_native`, e.g. processor_parse_regex_native) and extended ones (any other
  processor, e.g. processor_regex) are not mixed in one config;
- with native processors the first one is a parser: processor_parse_<regex|json|delimiter|apsara>_native;
- at most one aggregator, and only together with extended processors.
Every refusal is 400 ParameterInvalid naming the rule. The type lists are alibaba/loongcollector's
(core/collection_pipeline/plugin/PluginRegistry.cpp, core/plugin/processor/*Native.cpp).
"""
from .sls_signing import SlsError

NATIVE_PARSERS = ('processor_parse_regex_native', 'processor_parse_json_native', 'processor_parse_delimiter_native',
                  'processor_parse_apsara_native')
PLUGIN_LISTS = ('inputs', 'processors', 'aggregators', 'flushers')


def _invalid(message):
    return SlsError(400, 'ParameterInvalid', message)


def is_native(plugin_type):
    return plugin_type.endswith('_native')


def _plugins(body, key):
    plugins = body.get(key)
    if plugins is None and key in ('processors', 'aggregators'):
        return []
    if not isinstance(plugins, list):
        raise _invalid('%s must be a list of plugins' % key)
    for number, plugin in enumerate(plugins):
        if not isinstance(plugin, dict) or not isinstance(plugin.get('Type'), str) or not plugin['Type']:
            raise _invalid('%s[%d] needs a Type' % (key, number))
    return plugins


def validate_pipeline(body):
    """Raise ParameterInvalid for the first rule the body breaks; return the flusher_sls plugin."""
    lists = {key: _plugins(body, key) for key in PLUGIN_LISTS}
    if len(lists['inputs']) != 1:
        raise _invalid('inputs must hold exactly one input plugin, got %d' % len(lists['inputs']))
    if len(lists['flushers']) != 1 or lists['flushers'][0]['Type'] != 'flusher_sls':
        raise _invalid('flushers must hold exactly one plugin, flusher_sls, got %s'
                       % [p['Type'] for p in lists['flushers']])
    kinds = [is_native(p['Type']) for p in lists['processors']]
    if any(kinds) and not all(kinds):
        raise _invalid('native and extended processors cannot be mixed: %s' % [p['Type'] for p in lists['processors']])
    native = bool(kinds) and kinds[0]
    if native and lists['processors'][0]['Type'] not in NATIVE_PARSERS:
        raise _invalid('the first native processor must be a parser (%s), got %s'
                       % (', '.join(NATIVE_PARSERS), lists['processors'][0]['Type']))
    if len(lists['aggregators']) > 1:
        raise _invalid('at most one aggregator is allowed, got %d' % len(lists['aggregators']))
    if lists['aggregators'] and (not lists['processors'] or native):
        raise _invalid('an aggregator is allowed only together with extended processors')
    return lists['flushers'][0]
