"""The rate limiter: one pace per API key, kept within a process, across the processes of a
machine (a locked state file) and across machines (Redis), with no stall after a kill."""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from enrich.entrez import EutilsSettings
from enrich.entrez.limiter import (
    FileSlots,
    LimiterSettings,
    RateLimiter,
    bucket_name,
    default_state_dir,
    open_limiter,
)
from enrich.errors import LimiterUnavailable
from enrich.testing import RedisServer

KEY = "limiter-test-key-0123456789"

# Grants ``count`` requests at ``rate`` from ``count`` coroutines, all starting at the
# monotonic time ``start`` (shared by every process of the machine), printing each grant's
# time.  Run as ``python -c GRANTS BACKEND STATE_DIR COUNT RATE START``.
GRANTS = """
import asyncio, sys, time
from pathlib import Path
from enrich.entrez.limiter import LimiterSettings, open_limiter
backend, state, count, rate, start = sys.argv[1:6]
settings = LimiterSettings(backend, Path(state))
limiter = open_limiter(settings, host="eutils.test", api_key="k", rate=float(rate))
async def grant():
    await limiter.wait()
    print(time.monotonic(), flush=True)
async def main():
    await asyncio.sleep(float(start) - time.monotonic())
    await asyncio.gather(*(grant() for _ in range(int(count))))
asyncio.run(main())
"""


def grant_in_processes(
    backends: Sequence[str], state_dirs: Sequence[Path], count: int, rate: float
) -> list[float]:
    """The grant times of one process per backend (and state folder), started together."""
    start = time.monotonic() + 1.0  # every process has imported enrich by then
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", GRANTS, backend, str(state), str(count), str(rate), str(start)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for backend, state in zip(backends, state_dirs, strict=True)
    ]
    times = []
    for process in processes:
        out, _ = process.communicate(timeout=60)
        assert process.returncode == 0
        times += [float(line) for line in out.split()]
    return sorted(times)


def full_pace(grants: int, processes: int, rate: float) -> float:
    """Seconds ``grants`` take when every slot is used: one interval each, and one more
    kept free after each process's first."""
    return (grants + processes) * RateLimiter(rate).interval


def busiest_second(times: Sequence[float]) -> int:
    """The most grants within any one second (the window NCBI counts)."""
    return max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))


def grants_now(limiter: RateLimiter, count: int) -> float:
    """Seconds ``count`` back-to-back grants of ``limiter`` take."""

    async def go() -> None:
        for _ in range(count):
            await limiter.wait()

    began = time.monotonic()
    asyncio.run(go())
    return time.monotonic() - began


def machine(state_dir: Path, api_key: str | None = KEY, rate: float = 10.0) -> RateLimiter:
    settings = LimiterSettings("machine", state_dir)
    return open_limiter(settings, host="eutils.test", api_key=api_key, rate=rate)


def test_grants_in_one_process_are_a_full_interval_apart() -> None:
    """Concurrent waiters of one process are granted one at a time, each a full interval
    after the last."""
    limiter = RateLimiter(50.0)
    times: list[float] = []

    async def grant() -> None:
        await limiter.wait()
        times.append(time.monotonic())

    async def go() -> None:
        await asyncio.gather(*(grant() for _ in range(20)))

    asyncio.run(go())
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= limiter.interval * 0.99


def test_processes_of_one_machine_share_one_pace(tmp_path: Path) -> None:
    """Four processes sharing a state folder never exceed the rate in any second, and
    together keep close to it."""
    rate, count = 40.0, 12
    times = grant_in_processes(["machine"] * 4, [tmp_path] * 4, count, rate)
    assert len(times) == 4 * count
    assert busiest_second(times) <= rate
    assert times[-1] - times[0] <= 1.2 * full_pace(len(times), 4, rate)


def test_per_process_limiters_do_not_share(tmp_path: Path) -> None:
    """The ``process`` limiter (the old behaviour) lets four processes send four times the
    rate: the check above can fail."""
    times = grant_in_processes(["process"] * 4, [tmp_path] * 4, 12, 40.0)
    assert busiest_second(times) > 40


def test_processes_without_a_common_folder_share_one_pace_through_redis(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """Four processes with state folders of their own share one pace through Redis."""
    rate, count = 40.0, 12
    folders = [tmp_path / f"home-{n}" for n in range(4)]
    times = grant_in_processes([redis_server.url] * 4, folders, count, rate)
    assert len(times) == 4 * count
    assert busiest_second(times) <= rate
    assert times[-1] - times[0] <= 1.2 * full_pace(len(times), 4, rate)
    assert not any(folder.exists() for folder in folders)


def test_each_key_and_host_has_its_own_pace(tmp_path: Path) -> None:
    """Requests of another key (or without one, or to another host) do not wait for this
    key's: NCBI counts each key, and each address, apart."""
    limiters = [
        machine(tmp_path, KEY),
        machine(tmp_path, "another-key"),
        machine(tmp_path, None),
        open_limiter(
            LimiterSettings("machine", tmp_path), host="other.test", api_key=KEY, rate=10.0
        ),
    ]
    assert len({id(limiter) for limiter in limiters}) == 4
    assert sum(grants_now(limiter, 1) for limiter in limiters) < 0.05


def test_state_is_named_by_a_hash_never_by_the_key(tmp_path: Path) -> None:
    """Neither the state file's name nor its content holds the API key."""
    grants_now(machine(tmp_path), 2)
    names = [path.name for path in tmp_path.iterdir()]
    assert names and all(KEY not in name for name in names)
    assert all(KEY.encode() not in path.read_bytes() for path in tmp_path.iterdir())
    assert bucket_name("h", KEY).startswith("key-") and bucket_name("h", None).startswith("nokey")
    assert bucket_name("h", KEY) != bucket_name("h", "other") != bucket_name("g", "other")


@pytest.mark.parametrize("api_key", [KEY, None], ids=["key", "no key"])
def test_a_state_file_planted_as_a_link_is_never_written_through(
    tmp_path: Path, api_key: str | None
) -> None:
    """In a state folder shared by several users (as the README allows), the state file's
    name is predictable (a hash of the host and the lab's key, or of the host alone, and
    the boot ID anyone can read), so another user can plant a link there under it.  It is
    refused: before, it was opened read-write through the link and every request wrote
    eight bytes over the start of whatever file it pointed to."""
    state, victim = tmp_path / "shared", tmp_path / "victim.txt"
    state.mkdir()
    victim.write_text("the victim's own text", encoding="utf-8")
    first = machine(tmp_path / "probe", api_key)  # learns the name the file will have
    name = next((tmp_path / "probe").iterdir()).name
    del first
    (state / name).symlink_to(victim)
    with pytest.raises(LimiterUnavailable, match="cannot be used"):
        grants_now(machine(state, api_key), 2)
    assert victim.read_text(encoding="utf-8") == "the victim's own text"


def test_a_process_killed_holding_the_state_lock_holds_nothing(tmp_path: Path) -> None:
    """kill -9 of a process holding the state file's lock frees it at once for the others."""
    limiter = machine(tmp_path)
    assert limiter.slots is not None
    state = Path(limiter.slots.where)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(state)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with state.open("rb") as probe, pytest.raises(BlockingIOError):
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert grants_now(limiter, 1) < 0.1


HOLD_LOCK = """
import fcntl, sys, time
handle = open(sys.argv[1], "rb")
fcntl.flock(handle, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize(
    "content",
    [b"", b"\x01\x02\x03", b"\xff" * 8, struct.pack("=d", 1e300), struct.pack("=d", float("inf"))],
    ids=["empty", "short", "nan", "far-future", "infinite"],
)
def test_a_damaged_state_file_never_stalls(tmp_path: Path, content: bytes) -> None:
    """A state file emptied, cut short or holding a slot no queue could reach is ignored."""
    limiter = machine(tmp_path)
    next(tmp_path.iterdir()).write_bytes(content)
    assert grants_now(limiter, 2) < 2.5 * limiter.interval


@pytest.mark.parametrize("change", ["deleted", "moved away"])
def test_a_state_folder_deleted_mid_run_keeps_one_pace(tmp_path: Path, change: str) -> None:
    """A process started before the state folder was deleted (or moved away) and one started
    after share one pace: before, the first kept its deleted file open and the second made a
    new one, and each kept the rate alone (20 requests/s for 10, 340 429s of 390 requests
    with eight processes)."""
    state, interval = tmp_path / "state", 10.0  # long, so that the waits are plain to read
    before = FileSlots(state, "bucket")
    assert [round(before.reserve(interval)) for _ in range(3)] == [0, 10, 20]
    if change == "deleted":
        shutil.rmtree(state)
    else:
        state.rename(tmp_path / "elsewhere")
    after = FileSlots(state, "bucket")
    assert round(after.reserve(interval)) == 0  # it cannot know of the old file yet
    assert round(before.reserve(interval)) == 30  # brings its old file's last slot along
    assert round(after.reserve(interval)) == 40
    assert len(list(state.iterdir())) == 1


def test_a_state_folder_that_cannot_be_made_again_keeps_the_old_pace(tmp_path: Path) -> None:
    """When the deleted state folder cannot be made again (a file in its place, a volume
    gone read-only), no process can start on it, so the processes holding the old file go
    on sharing it rather than failing every request."""
    state, interval = tmp_path / "state", 10.0
    first, second = FileSlots(state, "bucket"), FileSlots(state, "bucket")
    assert [round(first.reserve(interval)) for _ in range(2)] == [0, 10]
    shutil.rmtree(state)
    state.write_text("in the way")
    assert round(second.reserve(interval)) == 20
    assert round(first.reserve(interval)) == 30


def test_an_unwritable_state_folder_is_refused_before_any_request(tmp_path: Path) -> None:
    """A state folder that cannot be made fails when the limiter is opened, naming it."""
    (tmp_path / "file").write_text("in the way")
    settings = EutilsSettings(
        base_url="http://eutils.test/", limiter=LimiterSettings("machine", tmp_path / "file" / "x")
    )
    with pytest.raises(LimiterUnavailable, match=r"state folder .*file/x cannot be used"):
        settings.open_limiter()


def test_a_state_folder_that_is_a_file_is_called_one(tmp_path: Path) -> None:
    """ENRICH_STATE_DIR naming a file (or a path under one) says a file is in the way, not
    mkdir's "File exists", which reads as if all were well."""
    (tmp_path / "file").write_text("in the way")
    for state in (tmp_path / "file", tmp_path / "file" / "x"):
        settings = EutilsSettings(
            base_url="http://eutils.test/", limiter=LimiterSettings("machine", state)
        )
        with pytest.raises(
            LimiterUnavailable, match=r"cannot be used: it, or a folder above it, is a file \("
        ):
            settings.open_limiter()


def test_an_unreachable_redis_is_refused_with_its_password_redacted() -> None:
    """A Redis server that does not answer fails when the limiter is opened, naming the URL
    without its password."""
    url = f"redis://:hunter2@127.0.0.1:{_closed_port()}/0"
    began = time.monotonic()
    with pytest.raises(LimiterUnavailable) as caught:
        open_limiter(LimiterSettings(url), host="eutils.test", api_key=KEY, rate=10.0)
    assert time.monotonic() - began < 5
    assert "redis://:****@127.0.0.1" in str(caught.value) and "hunter2" not in str(caught.value)
    assert "hunter2" not in repr(LimiterSettings(url))


def test_a_redis_lost_mid_run_refuses_the_request(redis_server: RedisServer) -> None:
    """When Redis stops answering, a request's turn is refused (LimiterUnavailable), never
    taken without it."""
    limiter = open_limiter(
        LimiterSettings(redis_server.url), host="lost.test", api_key=KEY, rate=10.0
    )
    grants_now(limiter, 1)
    redis_server.stop()
    with pytest.raises(LimiterUnavailable, match=r"redis://127\.0\.0\.1"):
        grants_now(limiter, 1)


def flush(redis_server: RedisServer) -> None:
    """Empty the Redis server, as a restart without persistence does."""
    subprocess.run(["redis-cli", "-p", str(redis_server.port), "FLUSHALL"], check=True)


def test_a_redis_restarted_empty_keeps_the_slots_held_free(redis_server: RedisServer) -> None:
    """After Redis loses the stored slot (a restart without persistence, a flush), the next
    reservation of a process that was told of later slots waits a second for the slots other
    processes still hold to pass: before, it was granted at once, beside them (six
    ``enrich resolve`` processes sent 15 requests in one second for 10, 17 429s)."""
    pytest.importorskip("redis")
    from enrich.entrez.redis_slots import RedisSlots

    interval = 0.1
    first, other = RedisSlots(redis_server.url, "lost"), RedisSlots(redis_server.url, "lost")
    assert [round(first.reserve(interval), 1) for _ in range(3)] == [0.0, 0.1, 0.2]
    held = other.reserve(interval)  # the other process holds the slot 0.3 s ahead
    flush(redis_server)
    after = first.reserve(interval)
    assert after >= held + interval  # past the slot still held, not beside it
    assert other.reserve(interval) >= after + interval - 0.01  # and the queue goes on
    newcomer = RedisSlots(redis_server.url, "another bucket")
    assert newcomer.reserve(interval) == 0  # a key never used is no loss


def test_a_redis_key_gone_idle_is_no_loss(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key that expired because no process used it for the idle time grants at once."""
    pytest.importorskip("redis")
    from enrich.entrez import redis_slots

    monkeypatch.setattr(redis_slots, "IDLE_MS", 200)
    slots = redis_slots.RedisSlots(redis_server.url, "idle")
    assert slots.reserve(0.1) == 0
    time.sleep(0.5)
    assert slots.reserve(0.1) == 0


def test_backends_are_machine_process_or_a_redis_url() -> None:
    """Any other rate_limiter value is refused, with its password redacted."""
    for backend in ("machine", "process", "redis://h:6379/0", "rediss://h/1", "unix:///s"):
        LimiterSettings(backend)
    with pytest.raises(ValueError, match="machine, process or a redis:// URL"):
        LimiterSettings("memcached://h")
    with pytest.raises(ValueError) as caught:
        LimiterSettings("http://:pw@h")
    assert "pw" not in str(caught.value)


def test_the_default_state_folder_follows_xdg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """State lives in $XDG_STATE_HOME/enrich, else ~/.local/state/enrich (a relative
    XDG_STATE_HOME is ignored), not in the cache folder."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert default_state_dir() == tmp_path / "xdg" / "enrich"
    monkeypatch.setenv("XDG_STATE_HOME", "relative")
    assert default_state_dir() == tmp_path / ".local" / "state" / "enrich"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert default_state_dir() == tmp_path / ".local" / "state" / "enrich"


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_an_empty_or_relative_home_is_no_home(monkeypatch: pytest.MonkeyPatch, home: str) -> None:
    """A cron job's empty HOME would make Python's home "/": the user's home from the
    password database is taken instead."""
    monkeypatch.setenv("HOME", home)
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    expected = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".local" / "state" / "enrich"
    assert default_state_dir() == expected


def test_without_a_home_folder_the_state_folder_must_be_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where no home folder can be found (no $HOME, no password entry), the machine limiter
    asks for state_dir in one line instead of failing with a traceback."""

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with pytest.raises(LimiterUnavailable, match="set state_dir or ENRICH_STATE_DIR"):
        open_limiter(LimiterSettings(), host="home.test", api_key=KEY, rate=10.0)


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_redis_without_its_package_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the optional redis package, a Redis limiter is refused with the extra to
    install, not an ImportError."""
    monkeypatch.setitem(sys.modules, "redis", None)  # what `import redis` meets when absent
    with pytest.raises(LimiterUnavailable, match=r"pip install 'enrich\[redis\]'"):
        open_limiter(
            LimiterSettings("redis://127.0.0.1:1/0"), host="pkg.test", api_key=KEY, rate=10.0
        )
