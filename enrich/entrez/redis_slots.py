"""The shared limiter's store on a Redis server, for enrich processes on several machines.

Needs the optional ``redis`` package (``pip install 'enrich[redis]'``).  Each
reservation is one atomic Lua script that reads the server's clock (``TIME``), so
machines whose clocks disagree still share one spacing: the script answers how long
to wait, not when.

A Redis server that restarts empty (or is flushed, or fails over to a replica that had
not yet heard of the last slots) no longer knows the slots processes hold: granting from
"now" again would let them overlap the new ones (15 requests in a second for 10, with six
processes).  Each process tells the script the last slot end it was told of; a stored
slot older than that, while the key should still exist, is such a loss, and the script
then keeps :data:`LOST_GUARD` free before the next slot, time for the slots held to pass.
"""

from __future__ import annotations

from enrich.entrez.limiter import MAX_LEAD, redact_url
from enrich.errors import LimiterUnavailable

__all__ = ["RedisSlots"]

#: seconds to connect to or hear from the server; the limiter waits on it before a request
TIMEOUT = 2.0
#: a key unused this long after its last slot expires, so the server keeps nothing stale
IDLE_MS = 60_000
#: seconds kept free after a loss of the stored slot: NCBI's window, in which the slots
#: other processes still hold (one each: 10 processes at 10/s) pass
LOST_GUARD = 1.0

# KEYS[1]: the bucket's key; ARGV: the interval, the time kept free after the slot, the
# longest believable wait (all in microseconds), the idle time (ms), the last slot end
# this process was told of (server time in microseconds, 0: none) and the time kept free
# after a loss (microseconds).  Returns the microseconds until the slot taken and the end
# of the slot (server time), as integers.
# A stored slot further ahead than a queue of waiting processes can be comes from a
# step back of the server's clock and is dropped (and so is a slot end told of from that
# far ahead: another server's clock).  The key lives until IDLE after the last slot end
# stored, so one older than a slot end told of while that has not passed is a loss.  The
# slot is written with %.0f: Lua's default number format keeps 14 digits, fewer than a
# time in microseconds has.
_RESERVE = """
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval, lead = tonumber(ARGV[1]), tonumber(ARGV[3])
local idle, seen = tonumber(ARGV[4]), tonumber(ARGV[5])
local last = tonumber(redis.call('GET', KEYS[1])) or 0
if last > now + lead then last = 0 end
if seen > now + lead then seen = 0 end
if last < seen and now < seen + idle * 1000 then
  last = math.max(seen, now + tonumber(ARGV[6]) - interval)
end
local slot = math.max(now, last + interval)
local taken = slot + tonumber(ARGV[2])
local ttl = math.floor((taken - now) / 1000) + idle
redis.call('SET', KEYS[1], string.format('%.0f', taken), 'PX', ttl)
return {slot - now, taken}
"""


class RedisSlots:
    """The last slot of one key, as a Redis string ``enrich:ratelimit:<bucket>``.

    Opening it connects and pings the server: an unreachable server, a wrong URL or a
    missing ``redis`` package raises LimiterUnavailable naming the URL (its password
    redacted).
    """

    kind = "Redis"
    sharing = "every enrich process using this Redis server, on any machine"

    def __init__(self, url: str, bucket: str) -> None:
        self.key = f"enrich:ratelimit:{bucket}"
        self._url = redact_url(url)
        self.where = f"{self._url} key {self.key}"
        try:
            import redis
        except ImportError as exc:
            raise LimiterUnavailable(
                f"rate_limiter {self._url} needs the redis package: pip install 'enrich[redis]'"
            ) from exc
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, ValueError)
        try:
            client = redis.Redis.from_url(
                url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
            )
            client.ping()
        except self._errors as exc:
            raise self._unreachable(exc) from exc
        self._script = client.register_script(_RESERVE)
        self._seen = 0  #: the last slot end (server time, µs) a reservation was told of

    def reserve(self, interval: float, spare: float = 0.0) -> float:
        args = [
            round(interval * 1e6),
            round(spare * 1e6),
            round(MAX_LEAD * 1e6),
            IDLE_MS,
            self._seen,
            round(LOST_GUARD * 1e6),
        ]
        try:
            micros, taken = self._script(keys=[self.key], args=args)
            self._seen = max(self._seen, int(taken))
            return int(micros) / 1e6
        except self._errors as exc:
            raise self._unreachable(exc) from exc

    def _unreachable(self, exc: Exception) -> LimiterUnavailable:
        return LimiterUnavailable(f"rate limiter {self._url} cannot be used: {exc}")
