"""QEMU trace events ("log" backend) read from the trace file, parsed into name + fields.

A line looks like `virtio_gpu_cmd_res_flush res 0x1, w 320, h 200, x 0, y 0`
(or with a `PID@SECONDS:` prefix in some builds): the event name, then `key value` pairs separated by
commas; a lone word (e.g. `update`/`move` in virtio_gpu_update_cursor) is stored under its own name
with the value True.
"""
import re
import time
from dataclasses import dataclass

_PREFIX = re.compile(r"^(?:\d+@[\d.]+:)?(?P<name>[a-z0-9_]+)\s*(?P<rest>.*)$")


@dataclass
class TraceEvent:
    name: str
    fields: dict
    line: str

    def __getitem__(self, key):
        return self.fields[key]


def _value(text):
    try:
        return int(text, 0)
    except ValueError:
        return text


def parse_line(line):
    match = _PREFIX.match(line.strip())
    if not match:
        return None
    fields = {}
    for part in match.group("rest").split(","):
        words = part.split()
        if len(words) == 1:
            fields[words[0]] = True
        elif len(words) >= 2:
            fields[words[0]] = _value(" ".join(words[1:]))
    return TraceEvent(match.group("name"), fields, line.rstrip("\n"))


class TraceLog:
    """The trace file of one QEMU run; `mark()` then `since(mark)` gives the events of one step."""

    def __init__(self, path):
        self.path = path

    def _text(self):
        try:
            return self.path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def mark(self):
        return len(self._text())

    def since(self, mark=0, names=None):
        events = (parse_line(line) for line in self._text()[mark:].splitlines())
        return [e for e in events if e is not None and (names is None or e.name in names)]

    def wait_for(self, mark, name, count=1, timeout=5.0):
        """Events `name` since mark once at least `count` have been written (QEMU flushes per line)."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.since(mark, {name})
            if len(events) >= count or time.monotonic() > deadline:
                return events
            time.sleep(0.02)
