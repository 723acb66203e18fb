"""A burst of calls against a rate-limited sandbox: nothing surfaces to the caller, no plan is exceeded.

The sandbox meters every operation with a token bucket (its usage plan). The request log carries
no timestamps, so the test records the instant of every rate decision the sandbox makes (its
limiter's ``now``) and checks the token-bucket bound over every stretch of calls:
``calls in [t_i, t_j] <= burst + rate * (t_j - t_i)``; and the log shows no 429 at all, so the
client paced itself instead of leaning on retries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from translator.api.client import SpApiClient
from translator.api.credentials import Credentials
from translator.api.endpoints import resolve_endpoint
from translator.api.operations import find_operation
from translator.errors import ThrottledError
from translator.sandbox import SandboxConfig, SandboxServer

CALLS = 40
CONFIGURED_PLAN = (15.0, 5)  # a configured (non-model) plan for the concurrent test
# Threads woken by the client's limiter reach the server with more jitter than one caller does; two
# spare tokens absorb up to 2/rate seconds of it, so a loaded test machine cannot fake a 429.
CONCURRENT_HEADROOM = 2


class Decisions:
    """Wraps the sandbox limiter to keep ``(operation key, now, allowed)`` for every decision."""

    def __init__(self, limiter: Any) -> None:
        self._allow = limiter.allow
        self._lock = threading.Lock()
        self.seen: list[tuple[str, float, bool]] = []
        limiter.allow = self.allow

    def allow(self, name: str, key: str, rate: float, burst: int, now: float) -> bool:
        allowed = self._allow(name, key, rate, burst, now)
        with self._lock:
            self.seen.append((key, now, allowed))
        return allowed

    def times(self, key: str) -> list[float]:
        return sorted(now for k, now, allowed in self.seen if k == key)


def worst_excess(times: list[float], rate: float, burst: int) -> float:
    """The largest ``calls - (burst + rate * span)`` over every stretch of consecutive calls (<= 0 is within plan)."""
    worst = float("-inf")
    for i, start in enumerate(times):
        for j in range(i, len(times)):
            worst = max(worst, (j - i + 1) - (burst + rate * (times[j] - start)))
    return worst


@pytest.fixture
def rate_limited() -> Iterator[tuple[SandboxServer, Decisions]]:
    config = SandboxConfig(orders=5, seed=7, rate_limits=True, rate_overrides={"getOrder@v1": CONFIGURED_PLAN})
    with SandboxServer(config) as server:
        yield server, Decisions(server.app.limiter)


def _log(server: SandboxServer, key: str) -> list[dict]:
    entries = requests.get(f"{server.url}/_sandbox/log", params={"operation": key}, timeout=5).json()["requests"]
    return entries


def _a_po(server: SandboxServer) -> str:
    return requests.get(f"{server.url}/_sandbox/orders", timeout=5).json()["orders"][0]["purchaseOrderNumber"]


def test_a_burst_at_the_model_plan_never_exceeds_it_nor_surfaces_an_error(rate_limited) -> None:
    server, decisions = rate_limited
    op = find_operation("getOrder", "2021-12-28")
    po = _a_po(server)
    with SpApiClient(resolve_endpoint(server.url), Credentials.sandbox()) as client:
        orders = [client.get_order(po) for _ in range(CALLS)]
    assert all(o["purchaseOrderNumber"] == po for o in orders)
    log = _log(server, op.key)
    assert len(log) == CALLS and {e["status"] for e in log} == {200}
    times = decisions.times(op.key)
    assert len(times) == CALLS
    assert worst_excess(times, op.rate, op.burst) <= 1e-6
    assert times[-1] - times[0] >= (CALLS - op.burst) / op.rate - 1e-6


def test_concurrent_callers_share_one_budget_at_the_configured_plan(rate_limited) -> None:
    server, decisions = rate_limited
    op = find_operation("getOrder", "v1")
    po = _a_po(server)
    rate, burst = CONFIGURED_PLAN
    with SpApiClient(resolve_endpoint(server.url), Credentials.sandbox(), versions={"orders": "v1"},
                     rate_overrides={"getOrder": CONFIGURED_PLAN}, rate_headroom=CONCURRENT_HEADROOM) as client, \
            ThreadPoolExecutor(max_workers=4) as pool:
        client.get_order(po)  # fetch the token and RDT before the race
        orders = list(pool.map(lambda _: client.get_order(po), range(CALLS - 1)))
    assert len(orders) == CALLS - 1 and all(o["purchaseOrderNumber"] == po for o in orders)
    assert {e["status"] for e in _log(server, op.key)} == {200}
    times = decisions.times(op.key)
    assert len(times) == CALLS
    assert worst_excess(times, rate, burst) <= 1e-6


def test_the_sandbox_does_throttle_a_client_that_ignores_the_plan() -> None:
    """Guard: the checks above mean something only if the sandbox really answers 429 past the plan.

    A slow plan (burst 2, one call per two seconds) so even a loaded machine sends faster than it.
    """
    config = SandboxConfig(orders=5, seed=7, rate_limits=True, rate_overrides={"getOrder": (0.5, 2)})
    with SandboxServer(config) as server, \
            SpApiClient(resolve_endpoint(server.url), Credentials.sandbox(), max_attempts=1,
                        rate_overrides={"getOrder": (1000.0, 1000)}) as client:
        po = _a_po(server)
        with pytest.raises(ThrottledError):
            for _ in range(6):
                client.get_order(po)
        assert 429 in {e["status"] for e in _log(server, find_operation("getOrder", "2021-12-28").key)}
