"""A loopback listener that notes every connection and closes it at once, to see whether a
query made the server call out (and so that a client that does call out fails fast)."""

from __future__ import annotations

import socket
import threading


class Trap:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.calls = 0
        self.called = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            self.calls += 1
            self.called.set()
            conn.close()

    def close(self) -> None:
        self.sock.close()
