"""Per-operation token buckets with each operation's usage plan (rate per second, burst)."""

from __future__ import annotations

import threading


class TokenBucket:
    """Refills ``rate`` tokens per second up to ``burst``; one token per call."""
    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.updated = now

    def take(self, now: float) -> bool:
        """Take a token if one is available at ``now``."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = max(self.updated, now)
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class RateLimiter:
    """One bucket per operation (``name@version``), created on first use."""

    def __init__(self, overrides: dict[str, tuple[float, int]] | None = None) -> None:
        self._overrides = dict(overrides or {})
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def plan(self, name: str, key: str, rate: float, burst: int) -> tuple[float, int]:
        """The (rate, burst) in force: an override by key or name, else the model's."""
        return self._overrides.get(key) or self._overrides.get(name) or (rate, burst)

    def allow(self, name: str, key: str, rate: float, burst: int, now: float) -> bool:
        """Whether a call to this operation at ``now`` is within its usage plan."""
        rate, burst = self.plan(name, key, rate, burst)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(rate, burst, now)
            return bucket.take(now)

    def reset(self) -> None:
        """Full buckets again (admin reset)."""
        with self._lock:
            self._buckets.clear()
