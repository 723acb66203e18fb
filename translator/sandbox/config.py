"""Settings of one sandbox instance.

Everything that makes a run reproducible (seed, order count, clock) or changes what the sandbox
enforces (credentials, rate limits, faults) is here, so tests and the CLI build one object and
the rest of the package reads it without globals.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FaultConfig:
    """Deterministic fault injection (decided per API request from the seed, in arrival order).

    Rates are probabilities in 0..1. ``latency`` seconds are added to a ``latency_rate`` share of
    requests. Admin (``/_sandbox/``) and LWA token requests are never faulted.
    """

    error_500: float = 0.0
    extra_429: float = 0.0
    drop: float = 0.0
    latency_rate: float = 0.0
    latency: float = 0.0

    @property
    def active(self) -> bool:
        return any((self.error_500, self.extra_429, self.drop, self.latency_rate))


@dataclass(frozen=True)
class SandboxConfig:
    """How the sandbox behaves; every field has a default that mirrors Amazon where Amazon is known."""

    orders: int = 200
    """Orders created over ``history_hours`` before start."""
    seed: int = 7
    history_hours: float = 24.0
    arrival_rate: float = 0.0
    """New orders per minute while running (0 = none)."""
    transaction_delay: float = 3.0
    """Seconds a submission stays ``Processing`` before it settles to Success or Failure."""
    token_ttl: int = 3600
    rdt_ttl: int = 3600
    client_id: str | None = None
    client_secret: str | None = None
    refresh_token: str | None = None
    """When set, only these LWA credentials are accepted; when ``None``, anything is."""
    rate_limits: bool = True
    """Token bucket per operation with the model's rate/burst; switch off for fast tests."""
    rate_overrides: Mapping[str, tuple[float, int]] = field(default_factory=dict)
    """``{"getOrders": (rate, burst)}`` or ``{"getOrders@v1": ...}`` overrides the model's usage plan."""
    max_body_bytes: int | None = None
    """Answer 413 to larger request bodies (Amazon's limit is not published; off by default)."""
    default_limit: int = 50
    """Page size when a list call sends no ``limit``."""
    faults: FaultConfig = field(default_factory=FaultConfig)
    selling_party: str = "999US"
    warehouses: tuple[str, ...] = ("ABCD", "EFGH")
    currency: str = "USD"
    host: str = "127.0.0.1"
    port: int = 0
    start_time: datetime | None = None
    """Anchor for generated order dates (default: now)."""
    clock: Callable[[], float] = time.time
    """Wall clock in epoch seconds; tests inject a fake one to test expiry and delays."""
