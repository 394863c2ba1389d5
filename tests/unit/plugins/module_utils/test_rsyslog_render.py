"""rsyslog_render: drop-in names, quoting, the ALI_LOG_FMT template and the omfwd action, on strings."""
import pytest

from ansible_collections.alicloud_ops.logging.plugins.module_utils import rsyslog_render as render
from ansible_collections.alicloud_ops.logging.plugins.module_utils.option_checks import text_problem


def test_dropin_filename_pads_weight():
    assert render.dropin_filename('logtail-forward', 5) == '05-logtail-forward.conf'
    assert render.dropin_filename('a_b.c', 99) == '99-a_b.c.conf'


@pytest.mark.parametrize('name,weight,field', [
    ('bad name', 50, 'name'), ('../x', 50, 'name'), ('x.conf', 50, 'name'), ('', 50, 'name'),
    ('ok', 100, 'weight'), ('ok', -1, 'weight'), ('ok', True, 'weight'),
])
def test_dropin_filename_rejects(name, weight, field):
    with pytest.raises(ValueError, match='^%s ' % field):
        render.dropin_filename(name, weight)


def test_ali_log_format_is_the_seed_with_sys_tag():
    assert render.ali_log_format('web') == (
        '0.1 web %timegenerated:::date-unixtimestamp% %fromhost-ip% %hostname% %pri-text% %protocol-version% '
        '%app-name% %procid% %msgid% %msg:::drop-last-lf%\n')
    with pytest.raises(ValueError, match='forward.sys_tag'):
        render.ali_log_format('two words')


def test_quote_value_escapes_backslash_and_quote():
    assert render.quote_value('a"b\\c', 'f') == '"a\\"b\\\\c"'
    assert render.quote_value(True, 'f') == '"on"'
    assert render.quote_value(11111, 'f') == '"11111"'
    with pytest.raises(ValueError, match='forward.target must be one line without control characters'):
        render.quote_value('a\nb', 'forward.target')


def test_quote_template_string_keeps_rsyslog_escapes_and_escapes_the_rest():
    assert render.quote_template_string('%msg%\n') == '"%msg%\\n"'
    assert render.quote_template_string('%msg%\\n') == '"%msg%\\n"'  # already rsyslog's escape
    assert render.quote_template_string('say "hi"\t') == '"say \\"hi\\"\\t"'
    assert render.quote_template_string('a \\" b') == '"a \\" b"'
    assert render.quote_template_string('tail\\') == '"tail\\\\"'


def test_default_forward_renders_the_seed():
    text = render.render_forward_dropin({})
    assert text.startswith(render.MANAGED_HEADER)
    assert ('template(name="ALI_LOG_FMT" type="string"\n         string="0.1 sys_tag '
            '%timegenerated:::date-unixtimestamp%') in text
    assert '%msg:::drop-last-lf%\\n")\n' in text
    assert 'if prifilt("*.*") then {\n    action(type="omfwd"\n' in text
    for line in ('target="127.0.0.1"', 'port="11111"', 'protocol="tcp"', 'template="ALI_LOG_FMT"',
                 'queue.type="LinkedList"', 'queue.filename="fwdRule1"',
                 'queue.spoolDirectory="/var/spool/rsyslog"', 'queue.maxDiskSpace="1g"',
                 'queue.saveOnShutdown="on"', 'queue.size="100000"', 'action.resumeRetryCount="-1")'):
        assert '\n           %s' % line in text, line
    # The default size is one the module does not warn about (the role's default too); rsyslog's 90 % watermark.
    assert 'resumeInterval' not in text and 'Watermark' not in text
    assert render.queue_warnings({}) == []
    assert text.endswith('}\n')


def test_forward_options_are_rendered():
    text = render.render_forward_dropin({
        'target': 'logs.example', 'port': 514, 'protocol': 'udp', 'selector': 'auth,authpriv.*',
        'sys_tag': 'app_tag', 'queue': {'size': 50000, 'max_disk_space': '512m', 'save_on_shutdown': False},
        'action': {'resume_interval': 10, 'resume_retry_count': 5, 'name': 'fwd.x'}})
    assert '0.1 app_tag ' in text
    assert 'if prifilt("auth,authpriv.*") then {' in text
    for line in ('target="logs.example"', 'port="514"', 'protocol="udp"', 'queue.size="50000"',
                 'queue.maxDiskSpace="512m"', 'queue.saveOnShutdown="off"', 'action.resumeInterval="10"',
                 'action.resumeRetryCount="5"', 'type="omfwd"\n           name="fwd.x"'):
        assert line in text, line


def test_memory_queue_leaves_out_disk_parameters():
    text = render.render_forward_action({'queue': {'filename': '', 'size': 100}})
    assert 'queue.size="100"' in text
    for param in ('queue.filename', 'queue.spoolDirectory', 'queue.maxDiskSpace', 'queue.saveOnShutdown'):
        assert param not in text
    assert not render.is_disk_assisted(render.normalize_forward({'queue': {'filename': ''}})['queue'])
    assert render.is_disk_assisted(render.normalize_forward({})['queue'])


def watermarks(queue):
    return render.effective_watermarks(render.normalize_forward({'queue': queue})['queue'])


def test_small_disk_assisted_queue_gets_watermarks_with_room_for_a_batch():
    # rsyslog's defaults (size 1000, high watermark 90 %) leave 100 messages, less than one dequeue batch (128):
    # rsyslogd 8.2302 then can stall instead of spilling, so the module writes half / a quarter of the size.
    assert watermarks({'size': 1000}) == (500, 250)
    assert watermarks({'size': 1000, 'low_watermark': 100}) == (500, 100)
    assert watermarks({'size': 200}) == (71, 35)
    text = render.render_forward_action({'queue': {'size': 1000}})
    assert 'queue.highWatermark="500"' in text and 'queue.lowWatermark="250"' in text
    assert 'queue.size="1000"' in text


def test_watermarks_left_to_rsyslog_when_its_default_leaves_room():
    assert watermarks({'size': 100000}) == (None, None)
    assert watermarks({'size': 2000}) == (None, None)
    assert watermarks({'size': 1000, 'dequeue_batch_size': 16}) == (None, None)
    assert watermarks({'size': 1000, 'high_watermark': 800}) == (800, None)
    # Memory-only and pure disk queues never spill from memory, so nothing is added.
    assert watermarks({'size': 1000, 'filename': ''}) == (None, None)
    assert watermarks({'type': 'Disk', 'size': 1000}) == (None, None)
    text = render.render_forward_action({'queue': {'size': 100000, 'dequeue_batch_size': 64}})
    assert 'Watermark' not in text and 'queue.dequeueBatchSize="64"' in text


def test_builtin_template_is_referenced_not_defined():
    text = render.render_forward_dropin({'template': {'name': 'RSYSLOG_SyslogProtocol23Format'}})
    assert 'template(name=' not in text
    assert 'template="RSYSLOG_SyslogProtocol23Format"' in text


def test_custom_format_replaces_the_seed():
    text = render.render_forward_dropin({'template': {'name': 'MINE', 'format': '%hostname% %msg%\n'}})
    assert 'template(name="MINE" type="string"\n         string="%hostname% %msg%\\n")' in text
    assert 'sys_tag' not in text


@pytest.mark.parametrize('forward,field', [
    ({'port': 0}, 'forward.port'), ({'port': 65536}, 'forward.port'), ({'protocol': 'relp'}, 'forward.protocol'),
    ({'target': ' '}, 'forward.target'), ({'selector': ''}, 'forward.selector'),
    ({'sys_tag': 'a b'}, 'forward.sys_tag'), ({'template': {'name': 'a b'}}, 'forward.template.name'),
    ({'template': {'format': ' '}}, 'forward.template.format'),
    ({'template': {'name': 'RSYSLOG_X', 'format': '%msg%'}}, 'forward.template.format'),
    ({'queue': {'type': 'Ring'}}, 'forward.queue.type'),
    ({'queue': {'type': 'Disk', 'filename': ''}}, 'forward.queue.filename'),
    ({'queue': {'filename': 'a/b'}}, 'forward.queue.filename'),
    ({'queue': {'spool_directory': 'rel'}}, 'forward.queue.spool_directory'),
    ({'queue': {'max_disk_space': 'lots'}}, 'forward.queue.max_disk_space'),
    ({'queue': {'size': 0}}, 'forward.queue.size'),
    ({'queue': {'size': 100}}, 'forward.queue.size'),
    ({'queue': {'dequeue_batch_size': 0}}, 'forward.queue.dequeue_batch_size'),
    ({'queue': {'size': 1000, 'high_watermark': 1000}}, 'forward.queue.high_watermark'),
    ({'queue': {'size': 1000, 'high_watermark': 900}}, 'forward.queue.high_watermark'),
    ({'queue': {'size': 2000, 'high_watermark': 1950, 'dequeue_batch_size': 64}}, 'forward.queue.high_watermark'),
    ({'queue': {'size': 1000, 'low_watermark': 500}}, 'forward.queue.low_watermark'),
    ({'queue': {'size': 1000, 'high_watermark': 500, 'low_watermark': 600}}, 'forward.queue.low_watermark'),
    ({'action': {'resume_retry_count': -2}}, 'forward.action.resume_retry_count'),
    ({'action': {'resume_interval': 0}}, 'forward.action.resume_interval'),
    ({'extra_params': {'bad key': 'x'}}, 'forward.extra_params'),
    # The action's name is an option (the queue statistics find the forward by it), not an extra parameter.
    ({'extra_params': {'Name': 'x'}}, 'forward.extra_params.Name: set it with forward.action.name'),
])
def test_bad_forward_names_the_field(forward, field):
    with pytest.raises(ValueError, match='^%s' % field.replace('.', r'\.')):
        render.normalize_forward(forward)


def test_render_dropin_takes_exactly_one_source():
    assert render.render_dropin(content='raw\n') == 'raw\n'
    assert render.render_dropin(forward={}) == render.render_forward_dropin({})
    with pytest.raises(ValueError):
        render.render_dropin()
    with pytest.raises(ValueError):
        render.render_dropin(content='x', forward={})


def test_octet_counted_rfc5424_forward_for_service_syslog():
    text = render.render_forward_dropin({'port': 9999, 'framing': 'octet-counted',
                                     'template': {'name': render.RFC5424_TEMPLATE}})
    assert 'protocol="tcp"\n           TCP_Framing="octet-counted"\n           template="RSYSLOG_SyslogProtocol23Format"' in text
    assert 'template(name=' not in text  # built-in: referenced, not defined
    assert 'queue.filename="fwdRule1"' in text and 'action.resumeRetryCount="-1"' in text
    assert 'TCP_Framing' not in render.render_forward_dropin({})  # the seed's streamlog path is unchanged


@pytest.mark.parametrize('forward, message', [
    ({'framing': 'octet'}, 'forward.framing must be one of traditional, octet-counted'),
    ({'framing': 'octet-counted', 'protocol': 'udp'}, 'forward.framing octet-counted needs forward.protocol tcp'),
])
def test_bad_framing_names_the_field(forward, message):
    with pytest.raises(ValueError, match=message):
        render.normalize_forward(forward)


@pytest.mark.parametrize('queue, warned', [
    ({'size': 1000}, True),
    ({}, False),                                    # the module's default size, 100000
    ({'size': 99999}, True),
    ({'size': 100000}, False),
    ({'size': 1000, 'save_on_shutdown': False}, True),    # the loss is in the spill, restarts or not
    ({'size': 1000, 'filename': ''}, False),              # a pure memory queue has no spill to lose from
    ({'size': 1000, 'type': 'Disk'}, False),
])
def test_small_disk_assisted_queues_are_warned_about(queue, warned):
    warnings = render.queue_warnings({'queue': queue})
    assert bool(warnings) == warned
    if warned:
        assert warnings[0].startswith('forward.queue.size ') and '100000' in warnings[0]


def test_action_name_is_written_for_impstats():
    text = render.render_forward_action({'action': {'name': 'logtail'}})
    # First after the type, where a reader of the drop-in looks for it; impstats reports "logtail queue".
    assert text.startswith('    action(type="omfwd"\n           name="logtail"\n           target="127.0.0.1"')
    assert ' name=' not in render.render_forward_action({})
    for bad in ('two words', 'a"b', ''):
        with pytest.raises(ValueError, match='forward.action.name must match'):
            render.normalize_forward({'action': {'name': bad}})


def test_dropin_filename_boundaries():
    # Issue 25: the edges were never tested. The file name "NN-<name>.conf" may be 255 bytes (NAME_MAX), so the
    # name itself at most 255 - 8 = 247.
    assert render.NAME_MAX == 247
    longest = render.dropin_filename('n' * 247, 0)
    assert longest == '00-' + 'n' * 247 + '.conf' and len(longest.encode('utf-8')) == 255
    with pytest.raises(ValueError, match=r'^name must be at most 247 characters .*, got 248$'):
        render.dropin_filename('n' * 248, 0)
    assert render.dropin_filename('x', 0) == '00-x.conf'
    assert render.dropin_filename('x', 9) == '09-x.conf'
    assert render.dropin_filename('x', 99) == '99-x.conf'
    for weight in (-1, 100, 5.0, '5', None):
        with pytest.raises(ValueError, match='^weight must be an integer from 0 to 99'):
            render.dropin_filename('x', weight)


@pytest.mark.parametrize('port', [1, 2, 65534, 65535])
def test_ports_at_the_edges_are_rendered(port):
    assert '\n           port="%d"\n' % port in render.render_forward_action({'port': port})


@pytest.mark.parametrize('port', [0, -1, 65536, 2 ** 31, True, '514', 514.0])
def test_ports_past_the_edges_are_refused(port):
    with pytest.raises(ValueError, match=r'^forward\.port must be an integer from 1 to 65535, got '):
        render.normalize_forward({'port': port})


@pytest.mark.parametrize('queue', [{'size': 1, 'filename': ''}, {'size': 1, 'type': 'Disk'},
                                   {'size': 1, 'type': 'Direct'}, {'size': 1, 'type': 'FixedArray', 'filename': ''}])
def test_queue_size_1_is_accepted_where_no_memory_spill_needs_room(queue):
    assert 'queue.size="1"' in render.render_forward_action({'queue': queue})


@pytest.mark.parametrize('queue, params', [
    ({'dequeue_batch_size': 1, 'size': 1000}, ['queue.size="1000"', 'queue.dequeueBatchSize="1"']),
    ({'checkpoint_interval': 1}, ['queue.checkpointInterval="1"']),
    ({'timeout_enqueue': 0}, ['queue.timeoutEnqueue="0"']),
    ({'size': 1000, 'high_watermark': 1, 'low_watermark': None, 'filename': ''}, ['queue.highWatermark="1"']),
    ({'size': 1000, 'high_watermark': 2, 'low_watermark': 1, 'filename': ''},
     ['queue.highWatermark="2"', 'queue.lowWatermark="1"']),
    ({'size': 1000, 'high_watermark': 999, 'filename': ''}, ['queue.highWatermark="999"']),
    ({'size': 1000, 'high_watermark': 871}, ['queue.highWatermark="871"']),   # 1000 - 871 = 129 > one batch
])
def test_smallest_and_largest_queue_values_are_written(queue, params):
    text = render.render_forward_action({'queue': queue})
    for param in params:
        assert '\n           %s\n' % param in text, param


@pytest.mark.parametrize('queue, field', [
    ({'size': 1000, 'high_watermark': 872}, 'forward.queue.high_watermark'),   # leaves exactly one batch: 128
    ({'dequeue_batch_size': 0}, 'forward.queue.dequeue_batch_size'),
    ({'checkpoint_interval': 0}, 'forward.queue.checkpoint_interval'),
    ({'high_watermark': 0, 'filename': ''}, 'forward.queue.high_watermark'),
    ({'size': 1, 'filename': ''}, None),
    ({'size': 0, 'filename': ''}, 'forward.queue.size'),
    # Disk-assisted without a high watermark: the module writes high = size - batch - 1 and low = 1, so the size
    # must be more than batch (128) + 2; 130 used to fail naming low_watermark, which nobody had set.
    ({'size': 130}, 'forward.queue.size'),
    ({'size': 131}, None),
    ({'size': 129, 'high_watermark': 1}, 'forward.queue.high_watermark'),
    ({'size': 130, 'high_watermark': 1}, None),     # a given high watermark needs only batch + 1
    ({'size': 130, 'low_watermark': 1}, 'forward.queue.size'),
    ({'timeout_enqueue': -1}, 'forward.queue.timeout_enqueue'),
])
def test_queue_value_edges(queue, field):
    if field is None:
        assert render.normalize_forward({'queue': queue})['queue']['size'] == queue['size']
    else:
        with pytest.raises(ValueError, match='^%s ' % field.replace('.', r'\.')):
            render.normalize_forward({'queue': queue})


@pytest.mark.parametrize('action, written', [
    ({'resume_interval': 1}, 'action.resumeInterval="1"'),
    ({'resume_retry_count': -1}, 'action.resumeRetryCount="-1")'),
    ({'resume_retry_count': 0}, 'action.resumeRetryCount="0")'),
])
def test_action_values_at_the_edges_are_written(action, written):
    assert written in render.render_forward_action({'action': action})


@pytest.mark.parametrize('queue_type, disk', [('FixedArray', True), ('Direct', False), ('LinkedList', True),
                                              ('Disk', True)])
def test_every_queue_type_is_accepted_and_rendered(queue_type, disk):
    # Issue 25: FixedArray and Direct were never rendered in a test.
    text = render.render_forward_action({'queue': {'type': queue_type, 'size': 1000}})
    assert '\n           queue.type="%s"\n' % queue_type in text
    assert ('queue.filename="fwdRule1"' in text) == disk
    assert ('queue.spoolDirectory="/var/spool/rsyslog"' in text) == disk
    queue = render.normalize_forward({'queue': {'type': queue_type, 'size': 1000}})['queue']
    assert render.is_disk_assisted(queue) == disk
    # Only a memory queue that spills (LinkedList, FixedArray) needs the safe watermarks at size 1000.
    spills = queue_type in ('FixedArray', 'LinkedList')
    assert render.effective_watermarks(queue) == ((500, 250) if spills else (None, None))
    assert bool(render.queue_warnings({'queue': {'type': queue_type, 'size': 1000}})) == spills


def test_fixed_array_and_direct_memory_queues_write_no_disk_parameters():
    for queue_type in ('FixedArray', 'Direct'):
        text = render.render_forward_action({'queue': {'type': queue_type, 'filename': '', 'size': 500}})
        assert 'queue.type="%s"' % queue_type in text and 'queue.size="500"' in text
        assert 'queue.filename' not in text and 'Watermark' not in text and 'queue.saveOnShutdown' not in text


def refusal(call, *args):
    with pytest.raises(ValueError) as err:
        call(*args)
    return str(err.value)


@pytest.mark.parametrize('name, weight, message', [
    ('bad name', 5, "name must match [A-Za-z0-9_.-]+ (it becomes a file name), got 'bad name'"),
    (5, 5, 'name must match [A-Za-z0-9_.-]+ (it becomes a file name), got 5'),
    ('x.conf', 5, "name must not end in .conf; the module adds it (got 'x.conf')"),
    ('n' * 248, 5, 'name must be at most 247 characters (the file name limit is 255 bytes), got 248'),
    ('x', 100, 'weight must be an integer from 0 to 99, got 100'),
    ('x', True, 'weight must be an integer from 0 to 99, got True'),
])
def test_dropin_filename_refusals_say_exactly_why(name, weight, message):
    assert refusal(render.dropin_filename, name, weight) == message


SYS_TAG = 'forward.sys_tag must be a non-empty string without whitespace or control characters, got %s'


@pytest.mark.parametrize('forward, message', [
    ({'target': '-x'}, "forward.target must be a host name or IP address, got '-x'"),
    ({'target': 5}, 'forward.target must be a host name or IP address, got 5'),
    ({'target': 'a b'}, "forward.target must be a host name or IP address, got 'a b'"),
    ({'target': 'a\x00b'}, "forward.target must be a host name or IP address, got 'a\\x00b'"),
    ({'protocol': 'sctp'}, "forward.protocol must be one of tcp, udp, got 'sctp'"),
    ({'framing': 'x'}, "forward.framing must be one of traditional, octet-counted, got 'x'"),
    ({'framing': 'octet-counted', 'protocol': 'udp'}, "forward.framing octet-counted needs forward.protocol tcp, "
                                                      "got 'udp'"),
    ({'selector': ' '}, 'forward.selector must be a non-empty syslog selector such as "*.*"'),
    ({'selector': 5}, 'forward.selector must be a non-empty syslog selector such as "*.*"'),
    ({'sys_tag': ''}, SYS_TAG % "''"),
    ({'sys_tag': 5}, SYS_TAG % '5'),
    ({'sys_tag': 'a\x01'}, SYS_TAG % "'a\\x01'"),
    ({'template': {'name': 'a b'}}, "forward.template.name must match [A-Za-z0-9_.-]+, got 'a b'"),
    ({'template': {'name': 'RSYSLOG_ForwardFormat', 'format': '%msg%'}},
     'forward.template.format cannot be set for the built-in template RSYSLOG_ForwardFormat'),
    ({'template': {'format': ' \n'}}, 'forward.template.format must not be empty'),
    ({'queue': {'type': 'Ring'}}, "forward.queue.type must be one of LinkedList, FixedArray, Direct, Disk, got 'Ring'"),
    ({'queue': {'type': 'Disk', 'filename': ''}}, 'forward.queue.filename is required when forward.queue.type is Disk'),
    ({'queue': {'filename': 'a/b'}}, "forward.queue.filename must be a plain file name, got 'a/b'"),
    ({'queue': {'spool_directory': 'rel'}}, "forward.queue.spool_directory must be an absolute path, got 'rel'"),
    ({'queue': {'max_disk_space': '1x'}},
     "forward.queue.max_disk_space must be a size such as 1g, 512m or 1048576, got '1x'"),
    ({'queue': {'size': True}}, 'forward.queue.size must be a positive integer, got True'),
    ({'queue': {'checkpoint_interval': 0}}, 'forward.queue.checkpoint_interval must be a positive integer, got 0'),
    ({'queue': {'timeout_enqueue': -1}}, 'forward.queue.timeout_enqueue must be 0 or more milliseconds'),
    ({'queue': {'size': 1000, 'high_watermark': 1000, 'filename': ''}},
     'forward.queue.high_watermark (1000) must be below forward.queue.size (1000)'),
    ({'queue': {'size': 1000, 'high_watermark': 872}},
     'forward.queue.high_watermark (872) must leave more than forward.queue.dequeue_batch_size (128) messages below '
     'forward.queue.size (1000): with less, rsyslogd can stop accepting messages while the receiver is down instead '
     'of spilling them to disk'),
    ({'queue': {'size': 130}},
     'forward.queue.size (130) of a disk-assisted queue must be more than forward.queue.dequeue_batch_size (128) + 2'),
    ({'queue': {'size': 129, 'high_watermark': 1}},
     'forward.queue.high_watermark (1) must leave more than forward.queue.dequeue_batch_size (128) messages below '
     'forward.queue.size (129): with less, rsyslogd can stop accepting messages while the receiver is down instead '
     'of spilling them to disk'),
    ({'queue': {'size': 1000, 'high_watermark': 500, 'low_watermark': 500}},
     'forward.queue.low_watermark (500) must be below the high watermark (500)'),
    ({'action': {'name': 'a b'}}, "forward.action.name must match [A-Za-z0-9_.-]+, got 'a b'"),
    ({'action': {'resume_retry_count': -2}},
     'forward.action.resume_retry_count must be -1 (retry forever) or more, got -2'),
    ({'action': {'resume_interval': 0}}, 'forward.action.resume_interval must be 1 second or more, got 0'),
    ({'extra_params': ['x']}, "forward.extra_params must be a mapping of omfwd parameter names to values, got ['x']"),
    ({'extra_params': {'1a': 'x'}}, "forward.extra_params key '1a' is not an rsyslog parameter name"),
    ({'extra_params': {5: 'x'}}, 'forward.extra_params key 5 is not an rsyslog parameter name'),
    ({'extra_params': {'Queue.Size': 5}},
     'forward.extra_params.Queue.Size: set it with forward.queue.size, which checks it (the module writes Queue.Size '
     'itself)'),
    ({'extra_params': {'z': 1, 'b': None, 'c': [1]}}, 'forward.extra_params.b must be a string, number or boolean, '
                                                      'got None'),
    ({'extra_params': {'c': {}}}, 'forward.extra_params.c must be a string, number or boolean, got {}'),
    ({'extra_params': {'c': float('nan')}}, 'forward.extra_params.c must be a finite number, got nan'),
    ({'extra_params': {'c': float('-inf')}}, 'forward.extra_params.c must be a finite number, got -inf'),
    ({'extra_params': {'c': 2 ** 31}}, "forward.extra_params.c must fit rsyslog's 32-bit integers (-2147483648 to "
                                       "2147483647), got 2147483648"),
    ({'extra_params': {'c': -2 ** 31 - 1}}, "forward.extra_params.c must fit rsyslog's 32-bit integers (-2147483648 "
                                            "to 2147483647), got -2147483649"),
])
def test_bad_forwards_refused_saying_exactly_why(forward, message):
    assert refusal(render.normalize_forward, forward) == message


def test_extra_params_at_the_edges_are_written_in_name_order():
    text = render.render_forward_action({'extra_params': {'zMax': 2 ** 31 - 1, 'aMin': -2 ** 31, 'flag': True,
                                                          'ratio': 1.5, 'x.y_z': 'v'}})
    assert text.endswith('\n           action.resumeRetryCount="-1"\n           aMin="-2147483648"\n'
                         '           flag="on"\n           ratio="1.5"\n           x.y_z="v"\n'
                         '           zMax="2147483647")\n')


def test_a_template_name_that_cannot_be_quoted_is_refused_naming_the_option():
    assert refusal(render.render_template, 'a\nb', '%msg%').startswith('forward.template.name ')


def test_render_dropin_refuses_both_or_neither_source_saying_so():
    assert refusal(render.render_dropin) == 'exactly one of content or forward is required'
    assert refusal(render.render_dropin, 'x', {}) == 'exactly one of content or forward is required'


def test_a_carriage_return_in_a_template_format_is_written_as_rsyslog_s_escape():
    assert render.quote_template_string('a\rb\r') == '"a\\rb\\r"'


def test_extra_params_keys_of_mixed_types_are_checked_in_text_order():
    assert refusal(render.normalize_forward, {'extra_params': {'b': 1, 5: 'x'}}) == (
        'forward.extra_params key 5 is not an rsyslog parameter name')


@pytest.mark.parametrize('queue, expected', [
    ({'size': 1280}, (640, 320)),                                # rsyslog's 90 % leaves 128: exactly one batch
    ({'size': 1281}, (None, None)),                              # leaves 129
    ({'size': 1000, 'dequeue_batch_size': 100}, (500, 250)),     # leaves 100: one batch
    ({'size': 1000, 'dequeue_batch_size': 99}, (None, None)),
])
def test_safe_watermarks_only_when_rsyslog_s_default_leaves_one_batch_or_less(queue, expected):
    assert watermarks(queue) == expected


def test_the_small_queue_warning_says_what_is_lost_and_what_to_use():
    assert render.queue_warnings({'queue': {'size': 1000}}) == [
        'forward.queue.size 1000: a disk-assisted queue this small can drop a line now and then while it spills to '
        'disk (rsyslogd 8.2302, measured: about 1 run in 10 of a 200,000-line outage at 1000, none at 100000); use '
        '100000 or more where every line counts']


def test_an_empty_spool_directory_is_left_to_rsyslog():
    text = render.render_forward_action({'queue': {'spool_directory': ''}})
    assert 'queue.spoolDirectory' not in text and 'queue.filename="fwdRule1"' in text


def test_a_selector_that_cannot_be_quoted_is_refused_naming_the_option():
    assert refusal(render.render_forward_dropin, {'selector': '*.*\nx'}).startswith('forward.selector ')


@pytest.mark.parametrize('fmt', ['%msg%\x00', '\x00'])
def test_a_template_format_with_a_nul_byte_is_refused_with_its_problem(fmt):
    # The problem's wording is option_checks' (tested there); a format may hold line breaks and tabs.
    assert refusal(render.normalize_forward, {'template': {'format': fmt}}) == (
        'forward.template.format %s' % text_problem(fmt, multiline=True))
    assert render.normalize_forward({'template': {'format': 'a\nb\tc'}})['template']['format'] == 'a\nb\tc'
