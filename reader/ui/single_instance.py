"""One reader per data directory: a second `reader PATH` hands its file to the running window.

The first process holds a `QLockFile` in the data directory and listens on a `QLocalServer`
named after that directory; a later process that cannot take the lock sends its request over
a `QLocalSocket`, waits for the window's answer (the file is shown, or why it is not) and exits
with it. A lock left by a crashed process is taken over (Qt checks that its owner is gone), and
a stale server socket is removed before listening.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QLockFile, QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 1000
ANSWER_TIMEOUT_MS = 60_000
"""How long a forwarded request waits for the window to load the file: far longer than any
load; only a window that hangs makes it run out."""
LOCK_FILE = "reader.lock"

Reply = Callable[[str | None], None]
OpenRequest = Callable[[str | None, str | None, Reply], None]
"""Open this path with this encoding, and call the reply once: None if shown, else why not."""


@dataclass(frozen=True)
class Answer:
    """What the running window said about a forwarded file."""

    error: str | None
    """None: the file is shown; otherwise a message for the user."""


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

    def forward(self, path: str | None, encoding: str | None) -> Answer | None:
        """Ask the running instance to open `path` and wait for its answer; None if no
        running instance took the request (then this process may open its own window)."""
        socket = QLocalSocket()
        socket.connectToServer(self._name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return None
        payload = json.dumps({"path": path, "encoding": encoding}).encode() + b"\n"
        socket.write(payload)
        if not socket.waitForBytesWritten(CONNECT_TIMEOUT_MS):
            return None
        answer = _read_answer(socket)
        socket.disconnectFromServer()
        return answer

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
                self._on_request(
                    path,
                    encoding if isinstance(encoding, str) else None,
                    functools.partial(_send_answer, socket),
                )

    def release(self) -> None:
        """Stop serving and drop the lock."""
        if self._server is not None:
            self._server.close()
        if self._lock is not None and self._lock.isLocked():
            self._lock.unlock()


def _send_answer(socket: QLocalSocket, error: str | None) -> None:
    """Tell the forwarding process how its request ended, if it is still listening."""
    if shiboken6.isValid(socket) and socket.state() == QLocalSocket.LocalSocketState.ConnectedState:
        socket.write(json.dumps({"error": error}).encode() + b"\n")
        socket.flush()


def _read_answer(socket: QLocalSocket) -> Answer:
    """Wait for the window's one-line answer; a window that closes the connection or never
    answers is reported as such."""
    while not socket.canReadLine():
        if not socket.waitForReadyRead(ANSWER_TIMEOUT_MS):
            return Answer(
                "The running reader window did not say whether it opened the file; "
                "look at the window."
            )
    try:
        answer = json.loads(bytes(socket.readLine().data()))
        error = answer["error"]
    except (ValueError, TypeError, KeyError):
        return Answer("The running reader window gave an answer that cannot be read.")
    return Answer(error if isinstance(error, str) else None)
