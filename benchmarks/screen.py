"""A virtual screen to watch programs start on: Xvfb, and frames grabbed from it through Xlib.

The frames are taken with `XGetImage` on the root window through ctypes (no extra package),
from the measuring process, so the program under test runs exactly as a user starts it. Only
frames that differ from the one before are kept: a start-up shows a handful of distinct
pictures, so the memory stays small however fine the sampling.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from dataclasses import dataclass

ZPIXMAP = 2
ALL_PLANES = 0xFFFFFFFF
WIDTH, HEIGHT = 1280, 800


class _XImage(ctypes.Structure):
    """The head of Xlib's `XImage`: the fields needed to read the pixels."""

    _fields_ = (
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int),
        ("data", ctypes.POINTER(ctypes.c_char)),
        ("byte_order", ctypes.c_int),
        ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int),
        ("bitmap_pad", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int),
        ("bits_per_pixel", ctypes.c_int),
    )


@dataclass(frozen=True)
class Frame:
    """One distinct picture of the screen and when it was seen."""

    seconds: float
    """Seconds from the start of the run to the moment the grab returned (an upper bound)."""
    pixels: bytes
    bytes_per_line: int

    def region(self, x: int, y: int, width: int, height: int) -> bytes:
        """The pixels of a rectangle, row after row (4 bytes a pixel)."""
        rows = (
            self.pixels[
                row * self.bytes_per_line + x * 4 : row * self.bytes_per_line + (x + width) * 4
            ]
            for row in range(y, y + height)
        )
        return b"".join(rows)


class VirtualScreen:
    """An Xvfb server on a free display number, and a grabber for its root window."""

    def __init__(self) -> None:
        if shutil.which("Xvfb") is None:
            raise SystemExit("Xvfb is needed: apt-get install xvfb")
        self.display = f":{100 + os.getpid() % 800}"
        self._server = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", f"{WIDTH}x{HEIGHT}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._xlib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self._xlib.XOpenDisplay.restype = ctypes.c_void_p
        self._xlib.XOpenDisplay.argtypes = (ctypes.c_char_p,)
        self._xlib.XDefaultRootWindow.restype = ctypes.c_ulong
        self._xlib.XDefaultRootWindow.argtypes = (ctypes.c_void_p,)
        self._xlib.XGetImage.restype = ctypes.POINTER(_XImage)
        self._xlib.XGetImage.argtypes = (
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_ulong,
            ctypes.c_int,
        )
        self._xlib.XDestroyImage.argtypes = (ctypes.POINTER(_XImage),)
        self._xlib.XCloseDisplay.argtypes = (ctypes.c_void_p,)
        self._connection = self._connect()
        self._root = self._xlib.XDefaultRootWindow(self._connection)

    def _connect(self) -> int:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            connection = self._xlib.XOpenDisplay(self.display.encode())
            if connection:
                return int(connection)
            time.sleep(0.05)  # the server is starting: nothing to wait on but its socket
        raise SystemExit(f"Xvfb did not start on {self.display}")

    def grab(self) -> tuple[bytes, int]:
        """The whole screen now: its pixels (BGRX) and the length of a row in bytes."""
        image = self._xlib.XGetImage(
            self._connection, self._root, 0, 0, WIDTH, HEIGHT, ALL_PLANES, ZPIXMAP
        )
        try:
            head = image.contents
            size = head.bytes_per_line * head.height
            return ctypes.string_at(head.data, size), head.bytes_per_line
        finally:
            self._xlib.XDestroyImage(image)

    def close(self) -> None:
        """Disconnect and stop the server."""
        self._xlib.XCloseDisplay(self._connection)
        self._server.terminate()
        self._server.wait(timeout=10)
