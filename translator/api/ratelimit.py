"""Client-side token buckets, one per operation, so we throttle ourselves before Amazon does.

Amazon meters each operation with a token bucket (rate per second, burst). Mirroring it locally
turns most 429s into short waits. A bucket *reserves* its token under a lock and sleeps outside
it, so concurrent callers queue fairly and each waits exactly as long as the plan demands.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping

from translator.api.operations import Operation

Clock = Callable[[], float]
Sleep = Callable[[float], None]

_NUMBER = re.compile(r"\d+(?:\.\d+)?")

RateOverrides = Mapping[str, "tuple[float, int] | float"]


class TokenBucket:
    """A thread-safe token bucket: ``rate`` tokens per second, at most ``burst`` stored."""

    def __init__(self, rate: float, burst: int, *, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1 (got {rate}, {burst})")
        self._rate = float(rate)
        self._burst = int(burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._stamp = clock()

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def burst(self) -> int:
        return self._burst

    def _refill(self, now: float) -> None:
        self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    def reserve(self) -> float:
        """Take one token now (possibly on credit) and return how long the caller must wait."""
        with self._lock:
            self._refill(self._clock())
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self._rate

    def acquire(self) -> float:
        """Block until a token is ours; returns the time waited (seconds)."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait

    def set_rate(self, rate: float, burst: int | None = None) -> None:
        """Change the plan (e.g. from ``x-amzn-RateLimit-Limit``); stored tokens are kept within burst."""
        if rate <= 0:
            return
        with self._lock:
            self._refill(self._clock())
            self._rate = float(rate)
            if burst is not None and burst >= 1:
                self._burst = int(burst)
            self._tokens = min(self._tokens, self._burst)

    def drain(self) -> None:
        """Empty the bucket: after a 429 the server's bucket is empty, so ours should be too."""
        with self._lock:
            self._refill(self._clock())
            self._tokens = min(self._tokens, 0.0)


def parse_rate_limit(header: str | None) -> float | None:
    """The rate in ``x-amzn-RateLimit-Limit`` (e.g. ``"10.0"``), or ``None`` when absent/garbled."""
    if not header:
        return None
    found = _NUMBER.search(header)
    if not found:
        return None
    rate = float(found.group())
    return rate if rate > 0 else None


class RateLimiter:
    """One bucket per operation (``name@version``), created on first use from the catalogue's plan.

    ``overrides`` maps an operation name or ``name@version`` to ``rate`` or ``(rate, burst)``,
    for vendors whose usage plan is higher than the default; ``default_plan`` replaces every
    catalogue plan (Amazon's sandbox hosts meter all operations alike).

    ``headroom`` tokens of the burst are left unused: our pacing equals the server's rate exactly,
    so without slack a request that arrives a few milliseconds early (network jitter) finds the
    server's bucket empty and earns a 429. One token absorbs up to ``1/rate`` seconds of jitter and
    costs one call of the initial burst, never sustained throughput.
    """

    def __init__(self, overrides: RateOverrides | None = None, *, headroom: int = 1,
                 default_plan: tuple[float, int] | None = None, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        self._overrides = dict(overrides or {})
        self._default_plan = default_plan
        self._headroom = max(0, headroom)
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def plan(self, op: Operation) -> tuple[float, int]:
        """The (rate, burst) in force for ``op`` before any server feedback."""
        override = self._overrides.get(op.key, self._overrides.get(op.name))
        if override is None:
            return self._default_plan or (op.rate, op.burst)
        if isinstance(override, int | float):
            return float(override), op.burst
        rate, burst = override
        return float(rate), int(burst)

    def bucket(self, op: Operation) -> TokenBucket:
        """The bucket for ``op`` (created on first use)."""
        with self._lock:
            found = self._buckets.get(op.key)
            if found is None:
                rate, burst = self.plan(op)
                burst = max(1, burst - self._headroom)
                found = TokenBucket(rate, burst, clock=self._clock, sleep=self._sleep)
                self._buckets[op.key] = found
            return found

    def acquire(self, op: Operation) -> float:
        """Wait for permission to call ``op``; returns seconds waited."""
        return self.bucket(op).acquire()

    def throttled(self, op: Operation, rate_limit_header: str | None) -> None:
        """Adapt after a 429: adopt a lower advertised rate and empty the bucket."""
        bucket = self.bucket(op)
        advertised = parse_rate_limit(rate_limit_header)
        if advertised is not None and advertised < bucket.rate:
            bucket.set_rate(advertised, min(bucket.burst, max(1, int(advertised))))
        bucket.drain()
