"""One reader per data directory: a second `reader PATH` hands its file to the running window.

The first process holds a `QLockFile` in the data directory and listens on a `QLocalServer`
named after that directory; a later process that cannot take the lock sends its request over
a `QLocalSocket` and exits. A lock left by a crashed process is taken over (Qt checks that its
owner is gone), and a stale server socket is removed before listening.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 1000
LOCK_FILE = "reader.lock"

OpenRequest = Callable[[str | None, str | None], None]


def server_name(data_dir: Path) -> str:
    """A socket name unique to the data directory (two users or two XDG homes never meet)."""
    digest = hashlib.sha256(os.fsencode(data_dir.resolve())).hexdigest()[:16]
    return f"reader-{digest}"


class SingleInstance(QObject):
    """Holds the lock and serves open requests, or forwards one to the running instance."""

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = server_name(data_dir)
        self._lock: QLockFile | None = None
        self._server: QLocalServer | None = None
        self._on_request: OpenRequest | None = None
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            self._lock = QLockFile(str(data_dir / LOCK_FILE))
            self._lock.setStaleLockTime(0)  # stale only when its process is gone
        except OSError:
            self._lock = None

    def acquire(self) -> bool:
        """True if this process is the primary one (or no lock can be had at all)."""
        if self._lock is None:
            return True
        if self._lock.tryLock(100):
            return True
        return self._lock.error() == QLockFile.LockError.PermissionError  # read-only home

    def forward(self, path: str | None, encoding: str | None) -> bool:
        """Ask the running instance to open `path`; True if it took the request."""
        socket = QLocalSocket()
        socket.connectToServer(self._name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        payload = json.dumps({"path": path, "encoding": encoding}).encode() + b"\n"
        socket.write(payload)
        sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        return sent

    def serve(self, on_request: OpenRequest) -> None:
        """Listen for requests from later processes."""
        self._on_request = on_request
        QLocalServer.removeServer(self._name)  # a socket left behind by a crash
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._accept)
        self._server.listen(self._name)

    def _accept(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        socket.readyRead.connect(lambda: self._read(socket))
        socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).strip()
            try:
                request = json.loads(line)
                path, encoding = request.get("path"), request.get("encoding")
            except (ValueError, AttributeError):
                continue  # not ours: ignore
            if self._on_request is not None and isinstance(path, str | None):
                self._on_request(path, encoding if isinstance(encoding, str) else None)

    def release(self) -> None:
        """Stop serving and drop the lock."""
        if self._server is not None:
            self._server.close()
        if self._lock is not None and self._lock.isLocked():
            self._lock.unlock()
