"""When each E-utilities request may start: one pace per API key, shared by every process.

NCBI counts requests per API key (per address without one): 10/s with a key, 3
without, and blocks clients that keep exceeding it.  So the pace is kept for every
enrich process that uses the same key, not for one process only.

A :class:`RateLimiter` grants request starts at least ``1/rate`` apart in its
process, each grant a full interval after the last (taken when the caller may send,
so a stalled event loop never releases a burst).  Under it, a :class:`SlotStore`
shared by the processes holds the time of the last grant for the key; a process
takes the next free slot, ``max(now, last + interval)``, and sleeps until it:

* ``machine`` (the default): :class:`FileSlots`, a file of eight bytes per key in a
  per-user state folder, locked with ``fcntl.flock``: every process on the machine;
* ``redis://host:6379/0``: :class:`~enrich.entrez.redis_slots.RedisSlots`, one Redis
  key per API key, taken by an atomic Lua script on the server's clock: every
  process on every machine using that server;
* ``process``: no store, each process keeps its own pace (3 or 10/s each).

A process holds at most one reserved slot at a time (it reserves only when its own
spacing allows a grant), so one killed at any moment wastes at most that slot (and,
at its start, the one kept free after its first), and it holds nothing else: the
kernel drops a dead process's ``flock``, and a Lua script runs whole or not at all.
The store is keyed by a hash of the E-utilities host and the API key, never the key
itself; "no key" is a bucket of its own.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import hashlib
import math
import os
import pwd
import struct
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from enrich.errors import LimiterUnavailable
from enrich.folders import open_own

__all__ = [
    "LIMITER_BACKENDS",
    "MAX_LEAD",
    "FileSlots",
    "LimiterSettings",
    "RateLimiter",
    "SlotStore",
    "bucket_name",
    "default_state_dir",
    "open_limiter",
    "redact_url",
]

LIMITER_BACKENDS = ("machine", "process")  #: besides Redis URLs
REDIS_SCHEMES = ("redis", "rediss", "unix")
#: seconds: a stored slot further ahead than this is not a real queue (one slot per waiting
#: process: 600 processes of one key at 10/s) but a damaged file or a clock stepped back;
#: it is ignored instead of stalling every process
MAX_LEAD = 60.0


@dataclass(frozen=True, slots=True)
class LimiterSettings:
    """Which limiter: ``backend`` is ``machine``, ``process`` or a Redis URL; ``state_dir``
    is the machine limiter's folder (None: :func:`default_state_dir`)."""

    backend: str = "machine"
    state_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.backend not in LIMITER_BACKENDS and not self.is_redis:
            raise ValueError(
                "rate_limiter must be machine, process or a redis:// URL, "
                f"got {redact_url(self.backend)!r}"
            )

    @property
    def is_redis(self) -> bool:
        return urlsplit(self.backend).scheme in REDIS_SCHEMES

    def __repr__(self) -> str:  # a Redis URL may carry a password
        return f"LimiterSettings(backend={redact_url(self.backend)!r}, state_dir={self.state_dir})"


class SlotStore(Protocol):
    """The state the processes of one API key share: the time of the last slot taken."""

    kind: str  #: e.g. ``machine-wide``
    sharing: str  #: who shares the pace, e.g. ``every enrich process on this machine``
    where: str  #: where the state lives, for ``enrich config`` and error messages

    def reserve(self, interval: float, spare: float = 0.0) -> float:
        """Take the next free slot, ``interval`` after the last one taken (or now, if that
        has passed), keeping ``spare`` more seconds free after it; return the seconds from
        now until it.  Raises LimiterUnavailable."""
        ...


class RateLimiter:
    """Grants request starts at least ``1/rate`` seconds apart, measured on the clock.

    Each grant is taken at the moment the caller may send, and the next grant
    waits a full interval after it, so a stalled event loop never releases a
    burst.  With ``slots``, each grant also waits for a slot of that shared store,
    reserved one at a time.  What the limiter cannot see is how long each request
    takes from its grant to the server, and that differs between processes: the
    margin leaves about ``margin`` seconds to spare in every one-second window
    (NCBI's); and a process's first request, which leaves while the process is still
    starting and opens its connection (20-90 ms here when four processes start at
    once on two cores, against 2-5 ms later), gets a shared slot that keeps the next
    one free too.  Thread-safe; usable from any event loop.
    """

    def __init__(
        self,
        rate: float,
        slots: SlotStore | None = None,
        *,
        margin: float = 0.05,
        subject: str = "these requests",
    ) -> None:
        self.rate = rate
        self.subject = subject  #: whose pace this is, for :meth:`describe`
        self.interval = (1.0 / rate) * (1.0 + margin) + 0.002
        self.slots = slots
        self._last = -math.inf
        self._slot: float | None = None  #: this process's reserved shared slot, if any
        self._spare = self.interval  #: kept free after the next reservation: the first only
        self._lock = threading.Lock()

    async def wait(self) -> None:
        """Return when a request may start; record that start.

        Raises LimiterUnavailable when the shared store cannot be used.
        """
        while True:
            with self._lock:
                now = time.monotonic()
                earliest = self._last + self.interval
                if now >= earliest and self.slots is not None and self._slot is None:
                    # a blocking call, but short: a locked file's 8 bytes, or one Redis
                    # round trip, at most rate times a second
                    delay = self.slots.reserve(self.interval, self._spare)
                    self._spare = 0.0
                    now = time.monotonic()  # counted from the answer, a slot is never early
                    self._slot = now + delay
                if self._slot is not None:
                    earliest = max(earliest, self._slot)
                if now >= earliest:
                    self._last, self._slot = now, None
                    return
            await asyncio.sleep(earliest - now)

    def describe(self) -> str:
        """One line: the pace, who shares it and where its state lives."""
        pace = f"{self.rate:g} requests/s for {self.subject}"
        if self.slots is None:
            return f"per process: {pace} in each enrich process, not shared"
        shared = f"shared by {self.slots.sharing}; state in {self.slots.where}"
        return f"{self.slots.kind}: {pace}, {shared}"


_limiters: dict[tuple[str, str, float], RateLimiter] = {}
_limiters_lock = threading.Lock()


def open_limiter(
    settings: LimiterSettings, *, host: str, api_key: str | None, rate: float
) -> RateLimiter:
    """The process-wide limiter of ``settings`` for one E-utilities host and key at ``rate``.

    Made on first use, when its shared state is opened: a state folder that cannot
    be written or a Redis server that cannot be reached raises LimiterUnavailable
    here, before any request, never falling back to a limit of the process alone.
    """
    bucket = bucket_name(host, api_key)
    machine = settings.backend == "machine"
    state_dir = (settings.state_dir or default_state_dir()) if machine else None
    key = (str(state_dir or settings.backend), bucket, rate)
    with _limiters_lock:
        if key not in _limiters:
            slots = _open_slots(settings.backend, state_dir, bucket)
            subject = "this API key" if api_key else "requests without an API key"
            _limiters[key] = RateLimiter(rate, slots, subject=subject)
        return _limiters[key]


def _open_slots(backend: str, state_dir: Path | None, bucket: str) -> SlotStore | None:
    if backend == "process":
        return None
    if state_dir is not None:
        return FileSlots(state_dir, bucket)
    from enrich.entrez.redis_slots import RedisSlots  # redis is an optional dependency

    return RedisSlots(backend, bucket)


def bucket_name(host: str, api_key: str | None) -> str:
    """The name of one API key's pace at one E-utilities host: a hash, never the key.

    ``key-…`` with a key, ``nokey-…`` without (NCBI then counts per address).
    """
    digest = hashlib.sha256(f"{host}\n{api_key or ''}".encode()).hexdigest()[:16]
    return f"{'key' if api_key else 'nokey'}-{digest}"


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/enrich``, else ``~/.local/state/enrich`` (XDG's rule: a relative
    ``XDG_STATE_HOME`` is ignored).  An empty or relative ``HOME`` (a cron job's) is no
    home: the user's home from the password database is (Python would take ``/``)."""
    base = os.environ.get("XDG_STATE_HOME", "")
    if base and Path(base).is_absolute():
        return Path(base) / "enrich"
    home = os.environ.get("HOME", "")
    if not Path(home).is_absolute():
        try:
            home = pwd.getpwuid(os.getuid()).pw_dir
        except KeyError as exc:  # no entry in the password database
            raise LimiterUnavailable(
                "no home folder to keep the rate limiter's state in: "
                "set state_dir or ENRICH_STATE_DIR"
            ) from exc
    return Path(home) / ".local" / "state" / "enrich"


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``****``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:****@{host}"))


class FileSlots:
    """The machine-wide store: the last slot of one key, a double in a file of its own.

    Times are on ``CLOCK_MONOTONIC``, which every process of a machine shares and no
    wall-clock step moves; the file is named after the kernel's boot, so a reboot (whose
    clock starts again) or another machine sharing the folder over NFS uses a file of
    its own.  Each reservation is an ``flock``-ed read and write of those eight bytes:
    a standard primitive the kernel releases when its holder dies, with no server to run.
    """

    kind = "machine-wide"
    sharing = "every enrich process on this machine"
    _RECORD = struct.Struct("=d")

    def __init__(self, folder: Path, bucket: str) -> None:
        self.path = folder / f"ratelimit-{bucket}-boot-{_boot_id()}"
        self.where = str(self.path)
        self._fd = -1
        self._pid = -1
        self._descriptor()

    def reserve(self, interval: float, spare: float = 0.0) -> float:
        try:
            fd, carried = self._locked()
            try:
                now = time.monotonic()
                last = max(self._last(os.pread(fd, self._RECORD.size, 0), now), carried)
                slot = max(now, last + interval)
                os.pwrite(fd, self._RECORD.pack(slot + spare), 0)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError as exc:
            raise self._unusable(exc) from exc
        return slot - now

    def _locked(self) -> tuple[int, float]:
        """The state file, locked, and the last slot of any file this process held before
        that is no longer the one at :attr:`path` (-inf if none).

        A state folder deleted, moved or replaced while processes run would otherwise split
        them: those started before keep the old file open, those started after make a new
        one, and each group keeps the pace alone (20 requests/s for 10).  So a process whose
        file has left its name opens the one there (making it again if need be) and brings
        its old file's last slot along.  When none can be made there (a folder gone read-only),
        no process can start on it either, and those holding the old file still share it."""
        carried = -math.inf
        fd = self._descriptor()
        while True:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if self._is_at_path(fd):
                return fd, carried
            try:
                fresh = self._open()
            except LimiterUnavailable:
                return fd, carried
            carried = max(carried, self._last(os.pread(fd, self._RECORD.size, 0), time.monotonic()))
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            self._fd = fd = fresh

    def _is_at_path(self, fd: int) -> bool:
        """Whether the open file ``fd`` is the one named :attr:`path` now."""
        try:
            named = self.path.lstat()
        except (FileNotFoundError, NotADirectoryError):
            return False
        held = os.fstat(fd)
        return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)

    def _last(self, record: bytes, now: float) -> float:
        """The last slot taken, or -inf when none is (a new or damaged file)."""
        if len(record) != self._RECORD.size:
            return -math.inf
        (last,) = self._RECORD.unpack(record)
        return last if last <= now + MAX_LEAD else -math.inf  # false for NaN too

    def _descriptor(self) -> int:
        """The open state file, opened again in a forked child: ``flock`` locks belong to an
        open file, which a child would otherwise share with its parent."""
        if self._pid == os.getpid():
            return self._fd
        if self._fd >= 0:
            os.close(self._fd)
        self._fd, self._pid = self._open(), os.getpid()
        return self._fd

    def _open(self) -> int:
        """The file at :attr:`path`, opened (made, with its eight bytes, if need be)."""
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # never through a link, nor into anything but a file: in a folder other users
            # share, one could plant a link under the (predictable) name and have each
            # request write eight bytes over a file of the user running enrich
            fd = open_own(self.path, 0o666)
        except OSError as exc:
            raise self._unusable(exc) from exc
        try:
            self._fill(fd)
        except LimiterUnavailable:
            os.close(fd)
            raise
        return fd

    def _fill(self, fd: int) -> None:
        """Give a new file its eight bytes now, so that no reservation needs disk space."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if os.fstat(fd).st_size < self._RECORD.size:
                    os.pwrite(fd, self._RECORD.pack(-math.inf), 0)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError as exc:
            raise self._unusable(exc) from exc

    def _unusable(self, exc: OSError) -> LimiterUnavailable:
        reason = exc.strerror or str(exc)
        if exc.errno in (errno.EEXIST, errno.ENOTDIR):  # mkdir's word for a file in the way
            reason = "it, or a folder above it, is a file"
        return LimiterUnavailable(
            f"rate limiter state folder {self.path.parent} cannot be used: {reason} "
            "(set state_dir or ENRICH_STATE_DIR to a writable folder)"
        )


def _boot_id() -> str:
    """A name for this boot of the machine: Linux's boot_id, else the boot time to the second."""
    try:
        return uuid.UUID(Path("/proc/sys/kernel/random/boot_id").read_text().strip()).hex[:12]
    except (OSError, ValueError):
        booted = round(time.time() - time.monotonic())
        return hashlib.sha256(str(booted).encode()).hexdigest()[:12]
