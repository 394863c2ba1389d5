#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: alicloud_ops.logging contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: rsyslog_dropin
short_description: Write an rsyslog drop-in, validated with rsyslogd -N1 before it replaces anything
description:
  - Writes C(<dropin_dir>/<weight>-<name>.conf) from raw O(content), or renders a structured O(forward)
    into a RainerScript C(action(type="omfwd" ...)) with a template (by default the Logtail
    C(ALI_LOG_FMT) line) and a disk-assisted queue, so that no log line is lost while the receiver is down
    or rsyslog restarts.
  - Before the file is replaced or removed, the whole resulting configuration (the main config and every
    drop-in, with the candidate standing in for the old file) is checked with C(rsyslogd -N1) in a temp
    directory. An invalid candidate fails with rsyslogd's own message and the old file stays byte-identical.
  - The module never restarts rsyslog. It returns RV(restart_required) so that a handler restarts it once.
  - When the forward queue keeps messages on disk, the module creates its spool directory (mode 0700).
version_added: 0.1.0
author: alicloud_ops maintainers (@alicloud-ops)
options:
  name:
    description: Drop-in name; the file is C(<weight>-<name>.conf). Letters, digits, C(_), C(.) and C(-).
    type: str
    required: true
  weight:
    description: Load order, 0 to 99, written zero-padded (C(05-name.conf)). rsyslog loads drop-ins in file name order.
    type: int
    default: 50
  state:
    description: Whether the drop-in should exist. V(absent) is validated too (something may use what it defines).
    type: str
    choices: [present, absent]
    default: present
  content:
    description: Raw drop-in text (multi-line), written exactly as given. Mutually exclusive with O(forward).
    type: str
  forward:
    description:
      - Forward messages to a TCP or UDP receiver (by default Logtail's syslog input on 127.0.0.1:11111).
        Mutually exclusive with O(content). Every sub-option has a default, so V({}) renders the seed's setup.
    type: dict
    suboptions:
      target:
        description: Receiver host name or IP address.
        type: str
        default: 127.0.0.1
      port:
        description: Receiver port, 1 to 65535.
        type: int
        default: 11111
      protocol:
        description: Transport.
        type: str
        choices: [tcp, udp]
        default: tcp
      framing:
        description:
          - TCP framing (RFC 6587). V(traditional) ends each message with a line feed (what Logtail's
            streamlog input reads). V(octet-counted) prefixes each message with its length
            (C(TCP_Framing="octet-counted")), for syslog receivers such as the C(service_syslog) input; use it
            with O(forward.template.name=RSYSLOG_SyslogProtocol23Format) (RFC 5424). Needs O(forward.protocol=tcp).
        type: str
        choices: [traditional, octet-counted]
        default: traditional
      selector:
        description: Classic syslog selector for the messages to forward, used as C(if prifilt("<selector>")).
        type: str
        default: '*.*'
      sys_tag:
        description:
          - Second field of the default C(ALI_LOG_FMT) line. It must equal the tag of the Log Service
            syslog config. No whitespace. Ignored when O(forward.template.format) is set.
        type: str
        default: sys_tag
      template:
        description: The line format sent to the receiver.
        type: dict
        suboptions:
          name:
            description:
              - Template name. Names starting with C(RSYSLOG_) are rsyslog's built-in templates; they are
                referenced, not defined.
            type: str
            default: ALI_LOG_FMT
          format:
            description:
              - rsyslog template string (multi-line). Backslash escapes are rsyslog's own (C(\n)); real newlines
                are written as C(\n) and double quotes are escaped. Default is the seed's line,
                C(0.1 <sys_tag> %timegenerated:::date-unixtimestamp% %fromhost-ip% %hostname% %pri-text%
                %protocol-version% %app-name% %procid% %msgid% %msg:::drop-last-lf%\n).
            type: str
      queue:
        description: The action queue. With a O(forward.queue.filename) a LinkedList or FixedArray queue spills to disk.
        type: dict
        suboptions:
          type:
            description: rsyslog queue type.
            type: str
            choices: [LinkedList, FixedArray, Direct, Disk]
            default: LinkedList
          filename:
            description: Spool file prefix (C(queue.filename)); V('') makes an in-memory queue.
            type: str
            default: fwdRule1
          spool_directory:
            description: Where the queue files live (C(queue.spoolDirectory)); created when missing.
            type: path
            default: /var/spool/rsyslog
          max_disk_space:
            description: C(queue.maxDiskSpace), a size such as V(1g), V(512m) or a byte count.
            type: str
            default: 1g
          save_on_shutdown:
            description: C(queue.saveOnShutdown), keep queued messages across an rsyslog restart.
            type: bool
            default: true
          size:
            description:
              - C(queue.size), the queue's capacity in messages. The default is the smallest size the module does
                not warn about, and the C(alicloud_ops.logging.rsyslog_forward) role's default; rsyslog's own
                (1000) only when set explicitly.
              - Below 100000 on a disk-assisted queue the module warns. While such a queue spills to disk,
                rsyslogd 8.2302 now and then drops a line (about 1 run in 10 of a 200,000-line outage at 1000,
                none at 10000 or 100000; C(bench/zero_loss_soak.py)).
            type: int
            default: 100000
          high_watermark:
            description:
              - C(queue.highWatermark), in messages; above it a disk-assisted queue writes to disk.
              - On a disk-assisted LinkedList or FixedArray queue it must leave more than one dequeue batch
                (O(forward.queue.dequeue_batch_size), rsyslog's default 128) below O(forward.queue.size). With
                less, rsyslogd 8.2302 intermittently stops accepting messages while the receiver is down instead
                of spilling them to disk, and loses about one message per C(queue.timeoutEnqueue).
              - When unset and rsyslog's own default (90% of the size) would leave too little room, as it does for
                the default size of 1000, the module writes half the size (and a low watermark of a quarter,
                unless O(forward.queue.low_watermark) is set).
            type: int
          low_watermark:
            description: C(queue.lowWatermark), in messages; must be below the high watermark.
            type: int
          dequeue_batch_size:
            description: C(queue.dequeueBatchSize), the most messages the action takes from its queue at once
              (rsyslog's default, 128, when unset).
            type: int
          checkpoint_interval:
            description: C(queue.checkpointInterval), write queue bookkeeping every N messages.
            type: int
          timeout_enqueue:
            description: C(queue.timeoutEnqueue) in milliseconds.
            type: int
      action:
        description: The action's name and retry behaviour.
        type: dict
        suboptions:
          name:
            description:
              - The action's C(name=). rsyslog's statistics (impstats) report the action and its queue under it
                (C(<name> queue), and C(<name> queue[DA]) for the disk part), which
                M(alicloud_ops.logging.rsyslog_queue_info) reads. Letters, digits, C(_), C(.) and C(-); unique
                among the configuration's actions.
              - Unset, rsyslog names it C(action-<n>-builtin:omfwd) by its place in the whole configuration.
            type: str
          resume_retry_count:
            description: C(action.resumeRetryCount); V(-1) retries forever so nothing is discarded.
            type: int
            default: -1
          resume_interval:
            description: C(action.resumeInterval) in seconds (rsyslog's default, 30, when unset).
            type: int
      extra_params:
        description:
          - More C(omfwd) parameters, written quoted as given (for example C(StreamDriver=gtls)).
          - A parameter one of the options above writes (C(queue.size), C(queue.highWatermark), any other
            C(queue.*) of O(forward.queue), C(action.resumeRetryCount), C(action.resumeInterval), C(target),
            C(port), C(protocol), C(TCP_Framing), C(template), C(type)) is refused, in any letter case, naming the
            option to use, so it cannot slip past that option's checks. Values are a string, a boolean or an
            integer that fits 32 bits.
        type: dict
  dropin_dir:
    description: The directory the main config includes.
    type: path
    default: /etc/rsyslog.d
  main_config:
    description: rsyslog's main config, validated together with the drop-ins.
    type: path
    default: /etc/rsyslog.conf
  validate:
    description: Check the resulting configuration with C(rsyslogd -N1) before any change. Leave it on.
    type: bool
    default: true
  rsyslogd_path:
    description: The rsyslogd binary used for validation; found on the PATH and in C(/usr/sbin) when unset.
    type: path
  mode:
    description:
      - File mode, octal or symbolic. When unset a new file gets V('0644') whatever the umask, and an existing
        file keeps its mode.
      - A bad mode, an unknown O(owner) or O(group), or a directory in the file's place fails before the drop-in
        or the spool directory is touched.
      - A mode with the setuid, setgid or sticky bit, or that lets others write (for example V('07777'),
        V('4755'), V('o+w')), is refused, because rsyslogd, running as root, reads the file.
    type: raw
  owner:
    description: File owner.
    type: str
  group:
    description: File group.
    type: str
requirements:
  - C(rsyslogd) on the target (Debian package C(rsyslog)), to check the configuration with C(rsyslogd -N1)
    unless O(validate=false).
extends_documentation_fragment:
  - alicloud_ops.logging.converge_probe
  - alicloud_ops.logging.attributes
  - alicloud_ops.logging.attributes.posix
  - alicloud_ops.logging.input_checks
attributes:
  check_mode:
    description: Validation runs in check mode too; nothing is written.
    support: full
seealso:
  - name: rsyslog omfwd
    description: The forwarding output module's parameters.
    link: https://www.rsyslog.com/doc/configuration/modules/omfwd.html
notes:
  - Pair it with a handler that restarts rsyslog when RV(restart_required) is true.
'''

EXAMPLES = r'''
- name: Forward all syslog to Logtail with the seed's template and a disk-assisted queue
  alicloud_ops.logging.rsyslog_dropin:
    name: logtail-forward
    weight: 60
    forward:
      sys_tag: web_syslog
  notify: Restart rsyslog

- name: Forward only auth messages to a remote collector over UDP, memory queue
  alicloud_ops.logging.rsyslog_dropin:
    name: auth-remote
    forward:
      target: logs.example.internal
      port: 514
      protocol: udp
      selector: auth,authpriv.*
      template: {name: RSYSLOG_SyslogProtocol23Format}
      queue: {filename: ''}

- name: Raw drop-in
  alicloud_ops.logging.rsyslog_dropin:
    name: drop-noise
    weight: 10
    content: |
      :programname, isequal, "noisy-daemon" stop

- name: Remove the forward (validated first)
  alicloud_ops.logging.rsyslog_dropin:
    name: logtail-forward
    weight: 60
    state: absent
'''

RETURN = r'''
path:
  description: The drop-in file.
  returned: always
  type: str
  sample: /etc/rsyslog.d/60-logtail-forward.conf
validated:
  description: Whether rsyslogd -N1 checked the change (false when nothing changed or O(validate=false)).
  returned: always
  type: bool
restart_required:
  description: The drop-in's content changed (or would, in check mode); rsyslog must restart to load it.
  returned: always
  type: bool
content:
  description: The drop-in text the module wants on disk.
  returned: when O(state=present)
  type: str
spool_directory:
  description: The queue spool directory the module made sure exists, if the queue is disk-assisted.
  returned: when O(forward) uses a disk-assisted queue
  type: str
  sample: /var/spool/rsyslog
'''

from ansible_collections.alicloud_ops.logging.plugins.module_utils._modules.rsyslog_dropin import main


if __name__ == '__main__':
    main()
