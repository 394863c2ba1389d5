"""DEMO ONLY: sample application logs on the demo's web containers, so that the file sources of
inventories/demo/group_vars/role_web.yml have something to collect. Not part of the collection.

tools/demo.sh installs it in each web container as alicloud-demo-sample-logs.service. Every few seconds it appends
to the three files the sources name:

- /var/log/nginx/access.log: an access line in nginx's `combined` format;
- /var/log/todo/app.log: a Java (logback-style) line; every third tick an ERROR with a multi-line stack trace;
- /var/log/todo/events.json: a JSON event.

Each event is one write() to a file opened with O_APPEND and closed again, as a logger with logrotate's default
(rename, then create) sees its file: a rotated file is left alone and the new one created on the next write, and
lines written by another process (tests/integration/test_demo.py writes its own) never interleave with these.
Python 3 standard library only (it runs on the containers' python3).
"""
import itertools
import os
import sys
import time

ACCESS_LOG = '/var/log/nginx/access.log'
APP_LOG = '/var/log/todo/app.log'
EVENTS_LOG = '/var/log/todo/events.json'
REQUESTS = (('GET', '/api/todos', 200, 512), ('POST', '/api/todos', 201, 87), ('GET', '/api/todos/7', 404, 153),
            ('DELETE', '/api/todos/3', 204, 0), ('GET', '/healthz', 200, 2))


def append(path, text):
    """One event, one write()."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, text.encode('utf-8'))
    finally:
        os.close(fd)


def access_line(tick, now):
    method, path, status, size = REQUESTS[tick % len(REQUESTS)]
    stamp = time.strftime('%d/%b/%Y:%H:%M:%S +0000', time.gmtime(now))
    return '172.16.1.%d - - [%s] "%s %s HTTP/1.1" %d %d "-" "todo-web/1.0"\n' % (
        100 + tick % 50, stamp, method, path, status, size)


def java_event(tick, now):
    stamp = time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(now)) + ',%03d' % (int(now * 1000) % 1000)
    thread = 'http-nio-8080-exec-%d' % (1 + tick % 4)
    if tick % 3 == 2:
        return ('%s ERROR [%s] com.example.todo.TodoService - could not save todo %d\n'
                'java.lang.IllegalStateException: todo %d is locked\n'
                '\tat com.example.todo.TodoService.save(TodoService.java:42)\n'
                '\tat com.example.todo.TodoController.update(TodoController.java:27)\n'
                % (stamp, thread, tick, tick))
    return '%s INFO [%s] com.example.todo.TodoController - listed todos (tick %d)\n' % (stamp, thread, tick)


def json_event(tick, now):
    return '{"time": %d, "level": "INFO", "event": "todo.listed", "tick": %d}\n' % (int(now), tick)


def main(argv):
    interval = float(argv[1]) if len(argv) > 1 else 5.0
    for tick in itertools.count():
        now = time.time()
        append(ACCESS_LOG, access_line(tick, now))
        append(APP_LOG, java_event(tick, now))
        append(EVENTS_LOG, json_event(tick, now))
        time.sleep(interval)


if __name__ == '__main__':
    main(sys.argv)
