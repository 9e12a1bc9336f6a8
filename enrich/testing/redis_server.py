"""A throwaway Redis server for tests and benchmarks: ``redis-server`` on a free loopback port.

It runs in a temporary folder with persistence off and is gone when stopped.  Nothing
here needs the ``redis`` Python package: readiness is one ``PING`` over a socket.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["RedisServer", "RedisUnavailable"]

_START_TIMEOUT = 10.0


class RedisUnavailable(RuntimeError):
    """``redis-server`` is not installed or did not start."""


class RedisServer:
    """``redis-server`` on 127.0.0.1 at a free port; use as a context manager.

    ``url`` is ``redis://127.0.0.1:PORT/0``.  :meth:`start` raises RedisUnavailable
    when the binary is absent (Debian's package ``redis-server``) or does not answer.
    """

    def __init__(self, executable: str = "redis-server") -> None:
        self.executable = executable
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start the server and wait until it answers PING; returns self."""
        binary = shutil.which(self.executable)
        if binary is None:
            raise RedisUnavailable(f"{self.executable} is not installed (Debian: redis-server)")
        self._folder = Path(tempfile.mkdtemp(prefix="enrich-redis-"))
        for _ in range(3):  # a free port may be taken before the server binds it
            self.port = _free_port()
            persistence_off = ["--save", "", "--appendonly", "no", "--dir", str(self._folder)]
            self._process = subprocess.Popen(
                [binary, "--bind", "127.0.0.1", "--port", str(self.port), *persistence_off],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._wait_ready():
                return self
            self._end()
        self.stop()
        raise RedisUnavailable(f"{binary} did not start")

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        self._end()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _wait_ready(self) -> bool:
        assert self._process is not None
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline and self._process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return True
            except OSError:
                pass  # not listening yet
            time.sleep(0.02)
        return False

    def _end(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
