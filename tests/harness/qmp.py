"""A minimal QMP client: greeting, qmp_capabilities, one command at a time, async events set aside.

Written here rather than using python3-qemu.qmp: Debian 12 has no such package (apt-cache search
finds none), and the protocol needs only JSON lines over the socket.
"""
import json

from .linesock import connect_unix


class QMPError(RuntimeError):
    """QEMU answered a command with an error object."""

    def __init__(self, command, error):
        self.error_class = error.get("class", "")
        self.desc = error.get("desc", "")
        super().__init__(f"QMP {command}: {self.error_class}: {self.desc}")


class QMPClient:
    def __init__(self, path, timeout=10.0, alive=lambda: True):
        self.timeout = timeout
        self.events = []
        self._conn = connect_unix(path, timeout, alive)
        greeting = json.loads(self._conn.readline(timeout))
        if "QMP" not in greeting:
            raise RuntimeError(f"not a QMP greeting: {greeting}")
        self.version = greeting["QMP"]["version"]["qemu"]
        self.command("qmp_capabilities")

    def command(self, name, timeout=None, **arguments):
        """Run one command and return its "return" value; events that arrive meanwhile are kept."""
        request = {"execute": name}
        if arguments:
            request["arguments"] = arguments
        self._conn.send(json.dumps(request).encode() + b"\n")
        while True:
            message = json.loads(self._conn.readline(timeout or self.timeout))
            if "event" in message:
                self.events.append(message)
            elif "error" in message:
                raise QMPError(name, message["error"])
            elif "return" in message:
                return message["return"]

    def close(self):
        self._conn.close()
