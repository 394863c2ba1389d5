"""TEST STAND-IN for the ``input_file`` input of LoongCollector (the file server that tails log files). Not the real
agent.

Source (facts taken, code not copied): alibaba/loongcollector at f02d9808578e3ad50b5ee2bc7b9bbdcbac5407a1, files
under core/ (line numbers are that snapshot's). What the stand-in does, and where the real agent does it:

- Configuration: FilePaths is a mandatory, non-empty list (at most 10 paths, flag max_file_paths_per_input_config)
  of paths whose file name may hold wildcards, else the config is refused (file_server/FileDiscoveryOptions.cpp
  35, 135-180); the stand-in refuses ``**`` directories and MaxDirSearchDepth > 0 (not implemented).
  FileEncoding utf8 (default) / gbk / utf16, anything else refused (file_server/reader/FileReaderOptions.cpp 55-81;
  the stand-in takes utf8 only). TailSizeKB default 1024 on Linux (25-31, 96-), FlushTimeoutSecs default 60 (33,
  122-). Multiline.Mode custom (default) with Multiline.StartPattern, Multiline.UnmatchedContentTreatment
  single_line (default) or discard (file_server/MultilineOptions.cpp 24-230; an invalid treatment is a warning and
  single_line is used); the stand-in refuses Mode JSON / whole_file and Continue/EndPattern (not implemented) and
  a StartPattern Python cannot compile (the real agent warns, ignores it and collects line by line, 100-120).
- Which file: a reader is per dev+inode (file_server/event_handler/EventHandler.cpp ``mDevInodeReaderMap``) with
  a signature: a hash of the file's first bytes, up to 1024 (reader/LogFileReader.cpp
  ``CheckFileSignatureAndOffset`` 1307-1450, common/HashUtil.cpp ``CheckAndUpdateSignature`` 352-372: a file now
  shorter than the signature, or whose first sig_size bytes hash differently, is another file).
- Where reading starts: a file that matches when the config is loaded is read from its last TailSizeKB
  (``SetFilePosBackwardToFixedPos`` 722-746: from 0 when the file is no larger, else from size - TailSizeKB*1024,
  moved on to the next line start, or the next start-pattern line, by ``FixLastFilePos`` 768-812); a file
  created later is read from its beginning (EventHandler.cpp ``ModifyHandler::Handle``, create event 956-969:
  ``CreateLogFileReaderPtr(..., true)`` -> ``SetReadFromBeginning`` 637-640); a file with a checkpoint resumes at
  its offset (``InitReader`` 331-392).
- Checkpoints (file_server/checkpoint/CheckPointManager.cpp): keyed by dev+inode and config name (50-68), holding
  file_name, offset, dev, inode, sig_hash, sig_size, config_name (``LoadCheckPoint`` 130-280,
  ``DumpCheckPointToLocal`` 337-); written every check_point_dump_interval, 15 minutes (40, ``NeedDump`` 97-102),
  and when the file server stops (FileServer.cpp 76, 134), loaded when it starts (FileServer.cpp 47). The real file
  is check_point_filename, default /tmp/logtail_check_point (app_config/AppConfig.cpp 150); the stand-in's is
  ``<home>/standin_checkpoint.json``. At load a checkpoint whose file is no longer at its path is looked for by
  dev+inode in the path's directory (EventDispatcher.cpp 595, CheckPointManager.cpp 507
  ``SearchFilePathByDevInodeInDirectory``, depth MaxCheckpointDirSearchDepth, default 0; its signature checked,
  590-606): a file rotated while the agent was down is read to its end, tagged with its old path. Lines are given to the shipper's on-disk spool before the offset moves,
  so a stopped (SIGTERM) and restarted stand-in ships every line once; after a crash, lines since the last dump
  are read again (at least once, as the real agent without EnableExactlyOnce).
- Rotation: a file renamed away keeps its reader (same dev+inode, open descriptor) and is read to its end; the
  new file at the path is a new inode, read from its beginning. Readers of one name are read oldest first (the
  rotator queue, logreader_max_rotate_queue_size 20, FileReaderOptions.cpp 38). A reader idle for
  reader_close_unused_file_time (60 s, FileReaderOptions.cpp 37) after its file was renamed away is closed.
- Truncation (copytruncate): checked when the size is below the offset (1411-1450): a changed signature (the new
  first bytes differ, or the file is now shorter than the signature) restarts at 0; the same signature with a
  smaller size moves the offset to the size (the vendor warns "signature is same but size decrease").
- Reading (``ReadUTF8`` 1647-1770): at most BUFFER_SIZE, 512 KiB (97), per read (the agent's config
  ``max_read_buffer_size`` / env ALIYUN_LOGTAIL_MAX_READ_BUFFER_SIZE changes it, 10 KiB to 1 GiB, else ignored:
  AppConfig.cpp 1143-1144, LogFileReader.cpp ``SetReadBufferSize`` 1479-1486); only up to the last complete
  line (LF) is taken, the rest is kept (``RemoveLastIncompleteLog``); with a start pattern up to the last start
  line, so an event ends when the next start line arrives. When nothing new arrives for FlushTimeoutSecs the kept
  part is read as it is (force read) and a LF that starts the next read is skipped (1715-1721). A full 512 KiB
  buffer without a LF is cut there: that part is one event, the rest of the line the next (1751-1757).
- Multi-line (plugin/processor/inner/ProcessorSplitMultilineLogStringNative.cpp 175-240): a line starts an event
  when StartPattern matches at its beginning (boost::regex_search with match_continuous, common/StringTools.cpp
  263-270: anchored at the start, not to the end); following lines join it with LF; lines before any start line
  are unmatched: each its own event (single_line) or dropped (discard).
- Tags: each event carries the file path as the tag ``__path__`` (the path the reader was opened as, also for
  the rest of a rotated file) (constants/TagConstants.cpp 65,
  file_server/FileTagOptions.cpp 73) and the host name as ``__hostname__`` (TagConstants.cpp 62,
  plugin/processor/inner/ProcessorTagNative.cpp 64, 97); Log Service shows them as ``__tag__:__path__``. The
  stand-in does not add __user_defined_id__ / __host_ip__ (ProcessorTagNative 107-109). Topic (GlobalConfig.cpp
  39-95, LogFileReader.cpp 161-): TopicType custom or machine_group_topic -> TopicFormat; none (default) -> no
  topic; filepath / default are not implemented by the stand-in (refused).
Python 3.5+ standard library only.
"""

import ctypes
import glob
import json
import os
import re
import socket
import threading
import time
import zlib

try:
    from . import parse_processors
except ImportError:  # run as a script beside its modules (the installed stand-in)
    import parse_processors

BUFFER_SIZE = 512 * 1024
SIGNATURE_BYTES = 1024
MAX_FILE_PATHS = 10
TAIL_SIZE_KB = 1024
FLUSH_TIMEOUT_SECS = 60
CLOSE_UNUSED_SECS = 60
CHECKPOINT_DUMP_SECS = 15 * 60
# The input_file options the stand-in implements; any other is refused rather than silently ignored.
INPUT_KEYS = {'Type', 'FilePaths', 'MaxDirSearchDepth', 'FileEncoding', 'TailSizeKB', 'FlushTimeoutSecs',
              'Multiline'}
MULTILINE_KEYS = {'Mode', 'StartPattern', 'UnmatchedContentTreatment'}


class ConfigError(ValueError):
    """The real input would refuse this configuration, or the stand-in cannot run it (the reason says which)."""


def signature(head):
    return zlib.crc32(head) & 0xffffffff, len(head)


def _read_head(handle):
    handle.seek(0)
    return handle.read(SIGNATURE_BYTES)


class FileConfig(object):
    """One input_file pipeline config: its input, processors and topic; ConfigError when it cannot run."""

    def __init__(self, name, detail):
        self.name = name
        inputs = detail.get('inputs') or []
        if len(inputs) != 1 or inputs[0].get('Type') != 'input_file':
            raise ConfigError('not one input_file input')
        plugin = inputs[0]
        unknown = sorted(set(plugin) - INPUT_KEYS)
        if unknown:  # the real input may act on them; the stand-in would silently not
            raise ConfigError('input_file options not implemented by the stand-in: %s' % ', '.join(unknown))
        paths = plugin.get('FilePaths')
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise ConfigError('mandatory list param FilePaths is missing, empty or not a list of strings')
        if len(paths) > MAX_FILE_PATHS:
            raise ConfigError('list param FilePaths has more than %d elements' % MAX_FILE_PATHS)
        for number, path in enumerate(paths):
            directory, filename = os.path.split(path)
            if not os.path.isabs(path) or not filename:
                raise ConfigError('string param FilePaths[%d] is invalid' % number)
            if '**' in directory:
                raise ConfigError('FilePaths[%d]: ** directories are not implemented by the stand-in' % number)
        if plugin.get('MaxDirSearchDepth', 0) not in (0, None):
            raise ConfigError('MaxDirSearchDepth > 0 is not implemented by the stand-in')
        self.paths = paths
        encoding = str(plugin.get('FileEncoding', 'utf8') or 'utf8').lower()
        if encoding not in ('utf8', 'gbk', 'utf16'):
            raise ConfigError('string param FileEncoding is not valid')
        if encoding != 'utf8':
            raise ConfigError('FileEncoding %s is not implemented by the stand-in' % encoding)
        self.tail_size_kb = _uint(plugin, 'TailSizeKB', TAIL_SIZE_KB)
        self.flush_timeout = _uint(plugin, 'FlushTimeoutSecs', FLUSH_TIMEOUT_SECS)
        multiline = plugin.get('Multiline') or {}
        unknown = sorted(set(multiline) - MULTILINE_KEYS - {'ContinuePattern', 'EndPattern'})
        if unknown:
            raise ConfigError('Multiline options not implemented by the stand-in: %s' % ', '.join(unknown))
        mode = multiline.get('Mode', 'custom')
        if mode in ('JSON', 'whole_file'):
            raise ConfigError('Multiline.Mode %s is not implemented by the stand-in' % mode)
        if multiline.get('ContinuePattern') or multiline.get('EndPattern'):
            raise ConfigError('Multiline.ContinuePattern / EndPattern are not implemented by the stand-in')
        self.start = None
        if multiline.get('StartPattern'):
            try:
                self.start = re.compile(multiline['StartPattern'])
            except re.error as exc:
                # The real agent warns and ignores it (MultilineOptions.cpp 100-120): every line is then an event.
                raise ConfigError('string param Multiline.StartPattern is not a valid regex (%s); the real agent '
                                  'ignores it with a warning and collects line by line' % exc)
        self.discard_unmatched = multiline.get('UnmatchedContentTreatment') == 'discard'
        try:
            self.processors = parse_processors.make_processors(detail.get('processors'))
        except parse_processors.ConfigError as exc:
            raise ConfigError(str(exc))
        glob_config = detail.get('global') or {}
        topic_type = glob_config.get('TopicType') or 'none'
        if topic_type in ('custom', 'machine_group_topic'):
            self.topic = glob_config.get('TopicFormat') if isinstance(glob_config.get('TopicFormat'), str) else ''
        elif topic_type == 'none':
            self.topic = ''
        elif topic_type in ('filepath', 'default'):
            raise ConfigError('TopicType %s is not implemented by the stand-in' % topic_type)
        else:
            self.topic = ''  # "string param TopicType is not valid": ignored (GlobalConfig.cpp 58-66)


def _uint(plugin, key, default):
    value = plugin.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default


def read_buffer_size(agent_config):
    """BUFFER_SIZE for the agent's main config (a dict): its max_read_buffer_size when valid."""
    size = agent_config.get('max_read_buffer_size')
    if isinstance(size, int) and not isinstance(size, bool) and 10 * 1024 <= size <= 1024 * 1024 * 1024:
        return size
    return BUFFER_SIZE


class Checkpoints(object):
    """The checkpoint file: {"check_point": {"<config>\\t<dev>\\t<inode>": {file_name, offset, dev, inode,
    sig_hash, sig_size, config_name, update_time}}}; one file for all configs, as the real one."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.entries = {}
        if path and os.path.exists(path):
            with open(path) as handle:
                self.entries = json.load(handle).get('check_point', {})

    @staticmethod
    def key(config_name, dev, inode):
        return '%s\t%d\t%d' % (config_name, dev, inode)

    def of_config(self, config_name):
        with self.lock:
            return [dict(e) for e in self.entries.values() if e['config_name'] == config_name]

    def update(self, config_name, entries):
        with self.lock:
            for key in [k for k, e in self.entries.items() if e['config_name'] == config_name]:
                del self.entries[key]
            for entry in entries:
                self.entries[self.key(config_name, entry['dev'], entry['inode'])] = entry
            self._dump()

    def _dump(self):
        if not self.path:
            return
        directory = os.path.dirname(self.path)
        if directory and not os.path.isdir(directory):  # /tmp of a test root, data/ of a fresh install
            os.makedirs(directory)
        with open(self.path + '.tmp', 'w') as handle:
            json.dump({'check_point': self.entries}, handle, sort_keys=True)
        os.rename(self.path + '.tmp', self.path)


class FileReader(object):
    """One file (dev+inode) being read."""

    def __init__(self, path, handle, stat, offset):
        self.path, self.handle = path, handle
        self.dev, self.inode = stat.st_dev, stat.st_ino
        self.offset = offset
        self.sig_hash, self.sig_size = signature(_read_head(handle))
        self.cache = b''
        self.last_force_read = False
        self.last_data = time.monotonic()  # when the file last grew
        self.seen = offset  # how far the file has been seen
        self.rotated = False
        self.mtime = stat.st_mtime

    def checkpoint(self, config_name):
        return {'file_name': self.path, 'offset': self.offset, 'dev': self.dev, 'inode': self.inode,
                'sig_hash': self.sig_hash, 'sig_size': self.sig_size, 'config_name': config_name,
                'update_time': int(time.time())}

    def check_signature_and_offset(self):
        """CheckFileSignatureAndOffset: a rewritten or truncated file."""
        size = os.fstat(self.handle.fileno()).st_size
        if size < self.offset:
            head = _read_head(self.handle)
            if len(head) < self.sig_size or signature(head[:self.sig_size])[0] != self.sig_hash:
                self.sig_hash, self.sig_size = signature(head)
                self.offset, self.seen, self.cache, self.last_force_read = 0, 0, b'', False
                return 'truncated: signature changed, read from 0'
            self.offset, self.seen, self.cache = size, size, b''
            return 'signature is same but size decrease, read from now fileSize'
        if self.sig_size < SIGNATURE_BYTES and size > self.sig_size:
            self.sig_hash, self.sig_size = signature(_read_head(self.handle))
        return None


def fix_to_line_start(handle, offset, start=None):
    """FixLastFilePos (LogFileReader.cpp 768-812), within 128 KiB (max_fix_pos_bytes): without a start pattern
    move on past the next LF; with one, to the beginning of the first LF-terminated line it matches; else stay."""
    if offset == 0:
        return 0
    handle.seek(offset)
    data = handle.read(128 * 1024)[:-1]
    if start is None:
        newline = data.find(b'\n')
        return offset + newline + 1 if newline >= 0 else offset
    begin = 0
    while True:
        newline = data.find(b'\n', begin)
        if newline < 0:
            return offset
        if start.match(data[begin:newline].decode('utf-8', 'replace')):
            return offset + begin
        begin = newline + 1


# The C library's fnmatch(3), from the symbols this process already has (dlopen(NULL): no library search, no
# subprocess), loaded once: the tailer matches on every poll.
_FNMATCH = ctypes.CDLL(None).fnmatch
_FNMATCH.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]


def c_fnmatch(pattern, name):
    """Whether the C library's fnmatch(3), flags 0 as the agent calls it, matches ``name`` against ``pattern``."""
    return _FNMATCH(pattern.encode(), name.encode(), 0) == 0


def _paths_matching(pattern):
    """The files a path pattern names, each wildcard component (a directory's or the file name's) matched by the C
    library's fnmatch(3) itself, flags 0: the agent matches names with fnmatch on Linux (LoongCollector
    core/file_server/FileDiscoveryOptions.cpp includes <fnmatch.h>), which reads '[^v]' as "not v", where Python's
    glob reads '^' as a member. A name starting with '.' only for a component starting with '.' (as Python's glob;
    the agent's fnmatch without FNM_PERIOD would take more: stricter here)."""
    parts = [part for part in pattern.split('/') if part]
    found = ['/']
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        taken = []
        for parent in found:
            if any(c in part for c in '*?['):
                try:
                    entries = os.listdir(parent)
                except OSError:
                    continue
                names = [entry for entry in entries
                         if (part.startswith('.') or not entry.startswith('.')) and c_fnmatch(part, entry)]
            else:
                names = [part]
            taken.extend(path for path in (os.path.join(parent, name) for name in names)
                         if (os.path.exists(path) if last else os.path.isdir(path)))
        found = taken
    return sorted(found)


class FileTailer(object):
    """Tails the files of one input_file config; ``emit(event)`` gets each event: {'contents', 'path', 'time'}."""

    def __init__(self, config, emit, checkpoints, poll_interval=0.2, close_unused=CLOSE_UNUSED_SECS,
                 checkpoint_interval=CHECKPOINT_DUMP_SECS, log=None, buffer_size=BUFFER_SIZE):
        self.config, self.emit, self.checkpoints = config, emit, checkpoints
        self.poll_interval, self.close_unused = poll_interval, close_unused
        self.checkpoint_interval = checkpoint_interval
        self.buffer_size = buffer_size
        self.log = log or (lambda message: None)
        self.readers = []  # oldest first
        self._stop = threading.Event()
        self._thread = None
        self._last_dump = time.monotonic()
        self._restore()
        self._first_scan = True

    # ---- discovery ------------------------------------------------------------------------------------------

    def _matches(self):
        found = {}
        for pattern in self.config.paths:
            for path in _paths_matching(pattern):
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                if os.path.isfile(path):
                    found[(stat.st_dev, stat.st_ino)] = (path, stat)
        return found

    def _restore(self):
        """Readers from the checkpoints, a rotated file found by dev+inode in its directory."""
        for entry in self.checkpoints.of_config(self.config.name):
            path = entry['file_name']
            candidates = [path] + sorted(glob.glob(os.path.join(os.path.dirname(path), '*')))
            for candidate in candidates:
                try:
                    stat = os.stat(candidate)
                except OSError:
                    continue
                if (stat.st_dev, stat.st_ino) != (entry['dev'], entry['inode']) or not os.path.isfile(candidate):
                    continue
                handle = open(candidate, 'rb')
                head = _read_head(handle)
                if len(head) < entry['sig_size'] or signature(head[:entry['sig_size']])[0] != entry['sig_hash']:
                    handle.close()  # same inode, another file: the checkpoint is stale
                    break
                # The reader keeps the checkpoint's path; only mRealFileName becomes the found one, and a
                # modify event on the old path/name restores it (EventDispatcher.cpp 590-606, kRotate): its
                # events are tagged with the path the file had. A checkpoint whose file is not found is dropped
                # (607-) - here at the next save.
                reader = FileReader(path, handle, stat, entry['offset'])
                reader.sig_hash, reader.sig_size = entry['sig_hash'], entry['sig_size']
                self.readers.append(reader)
                break

    def scan(self):
        """New files; readers whose file was renamed away are marked rotated."""
        matches = self._matches()
        known = {(r.dev, r.inode): r for r in self.readers}
        for key, reader in known.items():
            if key in matches:
                reader.path = matches[key][0]
            else:
                reader.rotated = True
        for key, (path, stat) in sorted(matches.items(), key=lambda item: item[1][1].st_ctime):
            if key in known:
                continue
            try:
                handle = open(path, 'rb')
            except OSError:
                continue
            if self._first_scan:
                size = os.fstat(handle.fileno()).st_size
                start = 0 if size <= self.config.tail_size_kb * 1024 else size - self.config.tail_size_kb * 1024
                offset = fix_to_line_start(handle, start, self.config.start)
                if offset:
                    self.log('%s: file size %d KB > TailSizeKB %d when discovered, skipped %d bytes'
                             % (path, size // 1024, self.config.tail_size_kb, offset))
            else:
                offset = 0
            self.readers.append(FileReader(path, handle, stat, offset))
        self._first_scan = False

    # ---- reading --------------------------------------------------------------------------------------------

    def _split_complete(self, data):
        """(length of the complete part of data, as RemoveLastIncompleteLog keeps the rest)."""
        last_lf = data.rfind(b'\n')
        if last_lf < 0:
            return 0
        if self.config.start is None:
            return last_lf + 1
        # Up to the last start line among the complete lines: the event it starts may go on.
        lines_end = last_lf + 1
        position = lines_end
        while position > 0:
            begin = data.rfind(b'\n', 0, position - 1) + 1
            line = data[begin:position - 1]
            if self.config.start.match(line.decode('utf-8', 'replace')):
                return begin
            position = begin
        return 0

    def _events(self, text):
        """Events of a chunk of complete text (the LF after its last line removed)."""
        lines = text.split('\n')
        if self.config.start is None:
            return lines
        events, current = [], None
        for line in lines:
            if self.config.start.match(line):
                if current is not None:
                    events.append('\n'.join(current))
                current = [line]
            elif current is not None:
                current.append(line)
            elif not self.config.discard_unmatched:
                events.append(line)
        if current is not None:
            events.append('\n'.join(current))
        return events

    def _read(self, reader, force):
        """Read what is new in the file; True when something was read."""
        note = reader.check_signature_and_offset()
        if note:
            self.log('%s: %s' % (reader.path, note))
        reader.handle.seek(reader.offset)
        data = reader.handle.read(self.buffer_size)
        if not data:
            return False
        if reader.offset + len(data) > reader.seen:
            reader.seen = reader.offset + len(data)
            reader.last_data = time.monotonic()
        skip = 0
        if reader.last_force_read and data.startswith(b'\n'):
            skip = 1  # "Ignore \n if last is force read"
        body = data[skip:]
        if not body:  # only the LF after a forced line
            reader.offset += skip
            reader.last_force_read = False
            return True
        complete = self._split_complete(body)
        more = len(data) == self.buffer_size
        if complete == 0:
            if more:
                complete = len(body)  # a line longer than the buffer: cut at 512 KiB
            elif force:
                complete = len(body)  # flush timeout: read the kept part as it is
            else:
                if skip:
                    reader.offset += skip
                    reader.last_force_read = False
                return bool(skip)
        chunk = body[:complete]
        forced = force and not more and not chunk.endswith(b'\n')
        text = chunk[:-1] if chunk.endswith(b'\n') else chunk
        now = int(time.time())
        for content in self._events(text.decode('utf-8', 'replace')):
            contents = parse_processors.run(self.config.processors, content)
            if contents is not None:
                self.emit({'contents': contents, 'path': reader.path, 'time': now})
        reader.offset += skip + complete
        reader.last_force_read = forced
        return True

    def poll(self, now=None):
        """One round: discover, then read every reader (oldest first) until nothing is new."""
        self.scan()
        now = time.monotonic() if now is None else now
        for reader in list(self.readers):
            for _ in range(64):  # bounded, so a file that never stops growing does not starve the others
                if self._stop.is_set() or not self._read(reader, False):
                    break
            pending = os.fstat(reader.handle.fileno()).st_size > reader.offset
            if pending and now - reader.last_data >= self.config.flush_timeout:
                self._read(reader, True)
            if reader.rotated and not pending and now - reader.last_data >= self.close_unused:
                reader.handle.close()
                self.readers.remove(reader)
        if time.monotonic() - self._last_dump >= self.checkpoint_interval:
            self.save()

    def save(self):
        self.checkpoints.update(self.config.name, [r.checkpoint(self.config.name) for r in self.readers])
        self._last_dump = time.monotonic()

    # ---- thread ---------------------------------------------------------------------------------------------

    def start(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            try:
                self.poll()
            except OSError as exc:
                self.log('%s: %s' % (self.config.name, exc))
            self._stop.wait(self.poll_interval)

    def stop(self):
        """Stop reading and write the checkpoints, as the file server does when it stops."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
        self.save()
        for reader in self.readers:
            reader.handle.close()
        self.readers = []


class FileInputs(object):
    """The input_file configs applied to this machine: a tailer per config, started and stopped as the applied
    configs change; ``sink(record)`` gets each event as a record for the shipper."""

    def __init__(self, checkpoint_path, sink, reject, hostname=None, **tailer_options):
        self.checkpoints = Checkpoints(checkpoint_path)
        self.sink, self.reject = sink, reject
        self.hostname = hostname or socket.gethostname()
        self.tailer_options = tailer_options
        self.tailers = {}  # (project, configName, detail JSON) -> FileTailer
        self._lock = threading.Lock()
        self._closed = False

    def apply(self, configs):
        wanted = {}
        for config in configs or []:
            detail = config.get('detail') or {}
            if config.get('kind') != 'pipelineconfigs':
                continue
            if not any(p.get('Type') == 'input_file' for p in detail.get('inputs') or []):
                continue
            key = (config['project'], config['configName'], json.dumps(detail, sort_keys=True))
            wanted[key] = config
        with self._lock:
            if self._closed:  # the agent is stopping: a late heartbeat starts nothing
                return
            for key in [k for k in self.tailers if k not in wanted]:
                self.tailers.pop(key).stop()
            for key, config in sorted(wanted.items()):
                if key in self.tailers:
                    continue
                try:
                    file_config = FileConfig(config['configName'], config['detail'])
                except ConfigError as exc:
                    self.reject('pipeline %s: input_file not started: %s' % (config['configName'], exc))
                    self.tailers[key] = _Refused()
                    continue
                self.tailers[key] = FileTailer(file_config, self._emitter(config, file_config), self.checkpoints,
                                               log=lambda message: self.reject('input_file: %s' % message),
                                               **self.tailer_options).start()

    def _emitter(self, config, file_config):
        def emit(event):
            self.sink({'input': 'input_file', 'tag': '%s/%s' % (config['project'], config['configName']),
                       'time': event['time'], 'contents': event['contents'], 'topic': file_config.topic,
                       'tags': {'__path__': event['path'], '__hostname__': self.hostname},
                       'raw': event['contents'].get(parse_processors.DEFAULT_CONTENT_KEY, json.dumps(
                           event['contents'], sort_keys=True))})
        return emit

    def stop(self):
        with self._lock:
            self._closed = True
            for tailer in self.tailers.values():
                tailer.stop()
            self.tailers = {}


class _Refused(object):
    def stop(self):
        pass
