"""What to do with a failed HTTP exchange: retry it, split it, or give up with a clear error.

429, 5xx, connection errors and timeouts are transient and retried with jittered exponential
backoff up to a bound; every other 4xx is the caller's fault and raised at once as ApiError
(413 as PayloadTooLarge, which the batching layer answers by halving the batch). ``requests``
exceptions never escape this module's callers: :func:`map_transport_errors` translates them.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

from translator.errors import ApiError, ConfigError, RetriableError, ThrottledError

DEFAULT_TIMEOUTS: tuple[float, float] = (5.0, 30.0)


class PayloadTooLarge(ApiError):
    """HTTP 413: the request body is over Amazon's (unpublished) size limit; send fewer items."""


class TransportError(RetriableError):
    """The request never got an HTTP answer (connection refused or dropped, DNS, timeout).

    ``maybe_sent`` is False only when the connection was never established, so the server cannot
    have seen the request; after a read timeout or a dropped connection it may have.
    """

    def __init__(self, message: str, *, maybe_sent: bool = True) -> None:
        self.maybe_sent = maybe_sent
        super().__init__(message)


class SubmissionUncertain(TransportError):
    """A submission (POST) got no answer after it may have reached Amazon.

    Re-sending could submit the documents twice (a duplicate invoice), so the client does not
    retry it by default; the caller must check the order's state before submitting again.
    """


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry transient failures.

    Delay before retry ``n`` (1-based) is ``min(max_delay, base_delay * 2**(n-1))`` scaled by a
    random factor in [0.5, 1.0] ("equal jitter"), so a herd of clients spreads out but still waits.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    rng: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def delay(self, attempt: int, *, at_least: float = 0.0) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        jittered = ceiling * (0.5 + 0.5 * self.rng())
        return min(self.max_delay, max(jittered, at_least))

    def exhausted(self, attempt: int) -> bool:
        """True when ``attempt`` was the last one allowed."""
        return attempt >= self.max_attempts


def is_retriable_status(status: int) -> bool:
    """429 and every 5xx are worth retrying; nothing else is."""
    return status == 429 or 500 <= status <= 599


def retry_after_seconds(headers: Any) -> float | None:
    """A numeric ``Retry-After`` header in seconds, when the server sent one."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def error_for_status(status: int, message: str, *, operation: str,
                     errors: list[dict[str, Any]], retry_after: float | None = None) -> Exception:
    """The exception class a final failed answer maps to."""
    if status == 429:
        return ThrottledError(message, retry_after=retry_after)
    if 500 <= status <= 599:
        return RetriableError(message, retry_after=retry_after)
    if status == 413:
        return PayloadTooLarge(message, status=status, operation=operation, errors=errors)
    return ApiError(message, status=status, operation=operation, errors=errors)


@contextlib.contextmanager
def map_transport_errors(operation: str) -> Iterator[None]:
    """Translate ``requests`` failures into :class:`TransportError` (never echoing URLs with secrets)."""
    try:
        yield
    except requests.ConnectTimeout as exc:
        raise TransportError(f"{operation}: timed out connecting ({type(exc).__name__})",
                             maybe_sent=False) from exc
    except requests.Timeout as exc:
        raise TransportError(f"{operation}: timed out waiting for the answer ({type(exc).__name__})") from exc
    except requests.ConnectionError as exc:
        never_connected = _never_connected(exc)
        what = "connection failed" if never_connected else "connection dropped"
        raise TransportError(f"{operation}: {what} ({type(exc).__name__})",
                             maybe_sent=not never_connected) from exc
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema) as exc:
        raise ConfigError(f"{operation}: the endpoint URL is not usable ({type(exc).__name__})") from exc
    except requests.RequestException as exc:
        raise TransportError(f"{operation}: request failed ({type(exc).__name__})") from exc


def _never_connected(exc: requests.ConnectionError) -> bool:
    """True when urllib3 failed to open the connection (refused, DNS), so nothing was sent."""
    for arg in exc.args:
        reason = getattr(arg, "reason", arg)
        if isinstance(reason, NewConnectionError | NameResolutionError):
            return True
    return False
