"""The exceptions enrich raises.

::

    EnrichError                      root: every expected failure; the CLI prints it in one line
    ├── ConfigError                  a setting is malformed (enrich.yaml, environment, flags)
    │   └── EutilsRefused            E-utilities refuses the configuration: an invalid
    │                                API key, a redirect to another address
    ├── NoDocuments                  the paths given hold no document to read
    ├── OutputError                  a report or the cache cannot be written
    ├── WorkerDied                   a worker process ended without its task's result
    └── EutilsError                  talking to NCBI E-utilities failed
        ├── TransientError           worth retrying: the same request may succeed later
        │   ├── RateLimited          HTTP 429; ``retry_after`` seconds when the server said
        │   ├── ServerError          HTTP 5xx
        │   ├── NetworkError         connection refused/reset, DNS, timeouts
        │   ├── TruncatedReply       a reply cut short (also a BadResponse)
        │   │   └── EmptyReply       a reply holding none of the PMIDs asked
        │   └── LimiterUnavailable   the shared rate limiter's state (its folder, its Redis
        │                            server) cannot be used: no request is sent without it
        ├── BadResponse              a reply body that is not what was asked
        │   ├── TruncatedReply       cut short: the XML ends before its root element does
        │   └── ErrorReply           a complete reply that states an error or is refused:
        │       │                    ``<ERROR>``, a JSON error, an HTML page, a wrong root,
        │       │                    an entity bomb; asking again would get the same
        │       ├── SearchOverflow   an esearch listing fewer IDs than it counts
        │       └── ReplyTooLarge    a body over the size cap once decoded (a gzip bomb)
        ├── RequestRejected          any other 4xx: retrying would not help
        └── CircuitOpen              the host has been unreachable; requests fail fast

Retries are decided by exception type (``TransientError``), never by message text.
"""

from __future__ import annotations


class EnrichError(Exception):
    """Root of every expected enrich failure."""


class ConfigError(EnrichError):
    """A setting is malformed."""


class EutilsRefused(ConfigError):
    """E-utilities answered in a way that no retry will change: the configuration must."""


class NoDocuments(EnrichError):
    """The paths given hold no document to read."""


class OutputError(EnrichError):
    """A report or the cache cannot be written."""


class WorkerDied(EnrichError):
    """A worker process ended without returning its task's result (killed, out of memory)."""


class EutilsError(EnrichError):
    """Talking to NCBI E-utilities failed."""


class TransientError(EutilsError):
    """A failure that a later retry of the same request may not meet."""


class _RetryAfter(TransientError):
    """A reply that may say, in ``Retry-After``, how many seconds to wait."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(_RetryAfter):
    """HTTP 429 from E-utilities."""


class ServerError(_RetryAfter):
    """HTTP 5xx from E-utilities."""


class NetworkError(TransientError):
    """The request did not get a response: refused, reset, unreachable, timed out."""


class LimiterUnavailable(TransientError):
    """The shared rate limiter cannot be used: its state folder is not writable or its Redis
    server cannot be reached.  Raised before any request when the limiter is opened, and
    for a request whose turn it cannot take (retried like any transient failure)."""


class BadResponse(EutilsError):
    """A reply body that is not what was asked: :class:`TruncatedReply` or :class:`ErrorReply`."""


class TruncatedReply(BadResponse, TransientError):
    """A reply cut short (its XML ends before its root element does): asked again."""


class EmptyReply(TruncatedReply):
    """A reply that answers none of what it asked (none of a batch's PMIDs): NCBI's hiccup
    more likely than a batch of withdrawn papers, so asked again."""


class ErrorReply(BadResponse):
    """A complete reply that states an error or cannot be used: never asked again."""


class SearchOverflow(ErrorReply):
    """An esearch reply that lists fewer IDs than it counts: the one looked for may be
    among those left out."""


class ReplyTooLarge(ErrorReply):
    """A reply body over the size cap once decoded: abandoned, never asked again."""


class RequestRejected(EutilsError):
    """A 4xx other than 429: the request itself is wrong, so it is not retried."""


class CircuitOpen(EutilsError):
    """E-utilities has been unreachable; further requests fail at once."""
