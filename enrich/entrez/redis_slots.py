"""The shared limiter's store on a Redis server, for enrich processes on several machines.

Needs the optional ``redis`` package (``pip install 'enrich[redis]'``).  Each
reservation is one atomic Lua script that reads the server's clock (``TIME``), so
machines whose clocks disagree still share one spacing: the script answers how long
to wait, not when.
"""

from __future__ import annotations

from enrich.entrez.limiter import MAX_LEAD, redact_url
from enrich.errors import LimiterUnavailable

__all__ = ["RedisSlots"]

#: seconds to connect to or hear from the server; the limiter waits on it before a request
TIMEOUT = 2.0
#: a key unused this long after its last slot expires, so the server keeps nothing stale
IDLE_MS = 60_000

# KEYS[1]: the bucket's key; ARGV: the interval, the time kept free after the slot, the
# longest believable wait (all in microseconds) and the idle time (ms).  Returns the
# microseconds until the slot taken.
# A stored slot further ahead than a queue of waiting processes can be comes from a
# step back of the server's clock and is dropped.  The slot is written with %.0f: Lua's
# default number format keeps 14 digits, fewer than a time in microseconds has.
_RESERVE = """
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local last = tonumber(redis.call('GET', KEYS[1])) or 0
if last > now + tonumber(ARGV[3]) then last = 0 end
local slot = math.max(now, last + tonumber(ARGV[1]))
local taken = slot + tonumber(ARGV[2])
local ttl = math.floor((taken - now) / 1000) + tonumber(ARGV[4])
redis.call('SET', KEYS[1], string.format('%.0f', taken), 'PX', ttl)
return slot - now
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

    def reserve(self, interval: float, spare: float = 0.0) -> float:
        args = [round(interval * 1e6), round(spare * 1e6), round(MAX_LEAD * 1e6), IDLE_MS]
        try:
            micros = self._script(keys=[self.key], args=args)
        except self._errors as exc:
            raise self._unreachable(exc) from exc
        return int(micros) / 1e6

    def _unreachable(self, exc: Exception) -> LimiterUnavailable:
        return LimiterUnavailable(f"rate limiter {self._url} cannot be used: {exc}")
