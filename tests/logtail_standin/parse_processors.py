"""TEST STAND-IN for LoongCollector's native parse processors: processor_parse_json_native,
processor_parse_regex_native, processor_parse_delimiter_native. Not the real agent.

Source (facts taken, code not copied): alibaba/loongcollector at f02d9808578e3ad50b5ee2bc7b9bbdcbac5407a1, files
under core/ (line numbers are that snapshot's).

- The file input puts each event's text under the key ``content`` (constants/Constants.cpp 25, DEFAULT_CONTENT_KEY).
- Common options (plugin/processor/CommonParserOptions.cpp ``Init`` 28-89, .h 30-34): KeepingSourceWhenParseFail
  (default false), KeepingSourceWhenParseSucceed (default false), RenamedSourceKey (default: SourceKey), and the
  raw-log copy option, which the vendor spells ``CopingRawLog`` (not "CopyingRawLog"; default false): on a failure
  with KeepingSourceWhenParseFail it also adds ``__raw_log__`` (26, 91-93). A wrongly typed optional value is a
  warning and the default is used (PARAM_WARNING_DEFAULT). On failure the source key is removed (regex 154-156, json
  130-132); the source text is added back under RenamedSourceKey when KeepingSourceWhenParseFail (or, on success,
  KeepingSourceWhenParseSucceed) says so (95-97); an event left empty by a failure without
  KeepingSourceWhenParseFail is discarded (ShouldEraseEvent 99-110). A parsed key never overwrites a key already in
  the event unless it is the source key (AddLog ``overwritten`` false for the source copy, regex 176-184).
- json (ProcessorParseJsonNative.cpp ``Init`` 44-61: SourceKey mandatory, else the config is refused;
  ``JsonLogLineParserRapidJson`` 405-470): the text must parse and be an object (an array, a number is a failure,
  432); every top-level member becomes a field: strings as they are, booleans ``true``/``false``, integers in
  decimal, null as "", objects and arrays as compact JSON (``RapidjsonValueToString`` 379-402). The stand-in writes
  doubles with Python's repr, which may differ from the vendor's ToString(double) (unconfirmed).
- regex (ProcessorParseRegexNative.cpp ``Init`` 29-105): SourceKey, Regex and Keys are mandatory and an invalid
  Regex refuses the config (44-60); a single key holding commas is split on them (86-88); Regex ``(.*)`` is the
  whole-line mode: the text goes to the first key (68, 170-174). Matching is boost::regex_match, the WHOLE text
  (``RegexLogLineParser`` 186-252, common/StringTools.cpp 183-190); a regex with fewer groups than keys is NOT
  refused at Init: every line fails with "parse key count not match" (229-241); extra groups are ignored (247-249).
  The stand-in refuses an option it does not know (the real agent ignores it: a misspelt option, e.g.
  "CopyingRawLog", would silently do nothing). The stand-in uses Python's ``re`` (Perl-like, as boost's default
  syntax) with fullmatch; a regex Python cannot compile refuses the config.
- delimiter (ProcessorParseDelimiterNative.cpp ``Init`` 30-175): SourceKey, Separator, Keys mandatory; a Separator
  of more than 4 characters is refused (56-65); ``\\t`` means a tab (67-69); Quote defaults to ``"`` and is used
  only with a one-character Separator; a Quote longer than one character is refused (72-100);
  AllowingShortenedFields default true (.h 48); OverflowedFieldsTreatment extend (default) / keep / discard (141-167):
  extend names the extra columns ``__column<i>__`` (336-342); keep makes them one column ``__column<len(Keys)>__``
  holding each extra column with the separator before it (",x,y"; 257-275, 392-402); discard drops them and also
  the columns whose key is ``_`` (28, 172, 328-330). The stand-in implements a one-character Separator with the
  quote rules of a CSV reader (a doubled quote inside a quoted field is one quote; the vendor's
  DelimiterModeFsmParser is not checked in detail); a longer Separator splits without quotes.
"""

import json
import re

DEFAULT_CONTENT_KEY = 'content'
RAW_LOG_KEY = '__raw_log__'
PARSERS = ('processor_parse_json_native', 'processor_parse_regex_native', 'processor_parse_delimiter_native')


class ConfigError(ValueError):
    """The real processor's Init would fail with this configuration."""


def _mandatory_str(plugin, key):
    value = plugin.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError('%s: mandatory string param %s is missing or not a string' % (plugin.get('Type'), key))
    return value


def _optional_bool(plugin, key, default):
    value = plugin.get(key, default)
    return value if isinstance(value, bool) else default  # PARAM_WARNING_DEFAULT


class _Parser(object):
    def __init__(self, plugin):
        self.type = plugin['Type']
        self.source_key = _mandatory_str(plugin, 'SourceKey')
        self.keep_on_fail = _optional_bool(plugin, 'KeepingSourceWhenParseFail', False)
        self.keep_on_success = _optional_bool(plugin, 'KeepingSourceWhenParseSucceed', False)
        renamed = plugin.get('RenamedSourceKey')
        self.renamed = renamed if isinstance(renamed, str) and renamed else self.source_key
        self.coping_raw_log = _optional_bool(plugin, 'CopingRawLog', False)

    def parse(self, text):
        """[(key, value)] or None when the text does not parse."""
        raise NotImplementedError

    def process(self, event):
        """The event (a dict) after this processor, or None when it is discarded."""
        if self.source_key not in event:
            return event  # mOutKeyNotFoundEventsTotal: passed on untouched
        raw = event[self.source_key]
        pairs = self.parse(raw)
        ok = pairs is not None
        out = dict(event)
        overwritten = ok and any(key == self.source_key for key, _ in pairs)
        if not ok or not overwritten:
            del out[self.source_key]
        for key, value in pairs or []:
            if key == self.source_key or key not in out:
                out[key] = value
        if (ok and self.keep_on_success) or (not ok and self.keep_on_fail):
            out.setdefault(self.renamed, raw)
        if not ok and self.keep_on_fail and self.coping_raw_log:
            out.setdefault(RAW_LOG_KEY, raw)
        if not ok and not self.keep_on_fail and not out:
            return None
        return out


def _json_value(value):
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if value is None:
        return ''
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, separators=(',', ':'), ensure_ascii=False)


class JsonParser(_Parser):
    def parse(self, text):
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        if not isinstance(doc, dict):
            return None
        return [(key, _json_value(value)) for key, value in doc.items()]


class RegexParser(_Parser):
    def __init__(self, plugin):
        _Parser.__init__(self, plugin)
        self.regex_text = _mandatory_str(plugin, 'Regex')
        try:
            self.regex = re.compile(self.regex_text)
        except re.error as exc:
            raise ConfigError('processor_parse_regex_native: mandatory string param Regex is not a valid regex (%s)'
                              % exc)
        keys = plugin.get('Keys')
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            raise ConfigError('processor_parse_regex_native: mandatory list param Keys is missing or not a list '
                              'of strings')
        if len(keys) == 1 and ',' in keys[0]:
            keys = keys[0].split(',')
        self.keys = keys
        self.whole_line = self.regex_text == '(.*)'

    def parse(self, text):
        if self.whole_line:
            return [(self.keys[0], text)]
        match = self.regex.fullmatch(text)
        if match is None or match.re.groups < len(self.keys):
            return None  # no full match, or "parse key count not match"
        return [(key, match.group(i + 1) or '') for i, key in enumerate(self.keys)]


class DelimiterParser(_Parser):
    def __init__(self, plugin):
        _Parser.__init__(self, plugin)
        separator = _mandatory_str(plugin, 'Separator')
        if len(separator) > 4:
            raise ConfigError('processor_parse_delimiter_native: mandatory string param Separator has more than 4 '
                              'chars')
        self.separator = '\t' if separator == '\\t' else separator
        quote = plugin.get('Quote', '"')
        if len(self.separator) == 1:
            if not isinstance(quote, str):
                quote = '"'
            if len(quote) > 1:
                raise ConfigError('processor_parse_delimiter_native: string param Quote is not a single char')
            self.quote = quote or '"'
        else:
            self.quote = None
        keys = plugin.get('Keys')
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            raise ConfigError('processor_parse_delimiter_native: mandatory list param Keys is missing or not a '
                              'list of strings')
        self.keys = keys
        self.allow_shortened = _optional_bool(plugin, 'AllowingShortenedFields', True)
        treatment = plugin.get('OverflowedFieldsTreatment', 'extend')
        self.overflow = treatment if treatment in ('extend', 'keep', 'discard') else 'extend'

    def _split(self, text):
        if self.quote is None or self.quote == self.separator:
            return text.split(self.separator)
        columns, field, quoted, i = [], [], False, 0
        while i < len(text):
            char = text[i]
            if quoted:
                if char == self.quote and text[i + 1:i + 2] == self.quote:
                    field.append(char)
                    i += 1
                elif char == self.quote:
                    quoted = False
                else:
                    field.append(char)
            elif char == self.quote and not field:
                quoted = True
            elif char == self.separator:
                columns.append(''.join(field))
                field = []
            else:
                field.append(char)
            i += 1
        if quoted:
            return None  # an unterminated quote: the FSM parser fails
        columns.append(''.join(field))
        return columns

    def parse(self, text):
        columns = self._split(text)
        if not columns or (not self.allow_shortened and len(columns) < len(self.keys)):
            return None
        pairs = list(zip(self.keys, columns))
        extra = columns[len(self.keys):]
        if extra and self.overflow == 'extend':
            pairs += [('__column%d__' % (len(self.keys) + n), value) for n, value in enumerate(extra)]
        elif extra and self.overflow == 'keep':
            # The extra columns become ONE column, each with the separator before it (249-275, 392-402).
            pairs.append(('__column%d__' % len(self.keys), ''.join(self.separator + value for value in extra)))
        if self.overflow == 'discard':
            pairs = [(key, value) for key, value in pairs if key != '_']  # "_" names a dropped column (28, 328)
        return pairs


COMMON_KEYS = {'Type', 'SourceKey', 'KeepingSourceWhenParseFail', 'KeepingSourceWhenParseSucceed', 'RenamedSourceKey',
               'CopingRawLog'}
KEYS = {'processor_parse_json_native': COMMON_KEYS,
        'processor_parse_regex_native': COMMON_KEYS | {'Regex', 'Keys'},
        'processor_parse_delimiter_native': COMMON_KEYS | {'Separator', 'Quote', 'Keys', 'AllowingShortenedFields',
                                                           'OverflowedFieldsTreatment'}}

_CLASSES = {'processor_parse_json_native': JsonParser, 'processor_parse_regex_native': RegexParser,
            'processor_parse_delimiter_native': DelimiterParser}


def make_processors(plugins):
    """The processors of a pipeline config's ``processors`` list; ConfigError for one the stand-in cannot run or
    the real agent would refuse."""
    chain = []
    for number, plugin in enumerate(plugins or []):
        kind = plugin.get('Type') if isinstance(plugin, dict) else None
        if kind not in _CLASSES:
            raise ConfigError('processors[%d]: the stand-in runs only %s, got %r' % (number, ', '.join(PARSERS), kind))
        unknown = sorted(set(plugin) - KEYS[kind])
        if unknown:  # e.g. "CopyingRawLog": the vendor spells it CopingRawLog and would ignore this one
            raise ConfigError('processors[%d] %s: options the stand-in does not know: %s'
                              % (number, kind, ', '.join(unknown)))
        chain.append(_CLASSES[kind](plugin))
    return chain


def run(chain, content):
    """The fields of one event with text ``content`` after the chain, or None when it is discarded."""
    event = {DEFAULT_CONTENT_KEY: content}
    for processor in chain:
        event = processor.process(event)
        if event is None:
            return None
    return event
