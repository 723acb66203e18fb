"""How close does the client get to an operation's usage plan without exceeding it?

Fires a burst of N getTransactionStatus calls (usage plan: 10 requests/s, burst 10) through the
real client stack (LWA token, headers, JSON, token bucket) against a minimal in-process fake
mounted as a requests adapter (no sockets, answers instantly), in real time. Prints the achieved
rate overall and after the initial burst, and the most calls seen in any one-second window.

    python benchmarks/ratelimit_bench.py [N]             (default N=100, about 9 s)
    python benchmarks/ratelimit_bench.py [N] --sandbox   (also over HTTP against translator.sandbox,
                                                          counting the 429s it answered)
"""

from __future__ import annotations

import json
import sys
import time

import requests
from requests.adapters import BaseAdapter

from translator.api.client import SpApiClient
from translator.api.credentials import Credentials
from translator.api.endpoints import resolve_endpoint
from translator.api.operations import find_operation

TOKEN = {"access_token": "Atza|bench", "token_type": "bearer", "expires_in": 3600}
STATUS = {"transactionStatus": {"transactionId": "t", "status": "Success"}}


class InstantAmazon(BaseAdapter):
    """Answers every request at once; records when each getTransactionStatus arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[float] = []

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        is_token = request.path_url.startswith("/auth/o2/token")
        if not is_token:
            self.arrivals.append(time.monotonic())
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(TOKEN if is_token else STATUS).encode()
        response.headers["Content-Type"] = "application/json"
        response.request = request
        return response

    def close(self) -> None:
        pass


def max_in_window(stamps: list[float], width: float) -> int:
    best, lo = 0, 0
    for hi, t in enumerate(stamps):
        while stamps[lo] < t - width + 1e-9:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def report(label: str, op_rate: float, op_burst: int, burst: int, arrivals: list[float], elapsed: float) -> None:
    n = len(arrivals)
    steady = arrivals[burst:]
    steady_rate = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else float("nan")
    floor = (n - op_burst) / op_rate
    print(f"[{label}] {n} calls in {elapsed:.3f} s: {n / elapsed:.2f} calls/s overall; "
          f"{steady_rate:.3f} calls/s after the initial burst of {burst} (limit {op_rate:g}); "
          f"max {max_in_window(arrivals, 1.0)} calls in any 1 s window (ceiling {op_burst + op_rate:g}); "
          f"{elapsed / floor:.3f}x the rate-limit floor of {floor:.2f} s")


def against_sandbox(n: int) -> None:
    """getOrder N times against the local sandbox over HTTP; the sandbox enforces 10/s burst 10."""
    from datetime import UTC, datetime, timedelta

    from translator.sandbox import SandboxConfig, SandboxServer

    op = find_operation("getOrder", "2021-12-28")
    with SandboxServer(SandboxConfig(orders=5)) as server, \
            SpApiClient(resolve_endpoint(server.url), Credentials.sandbox()) as client:
        now = datetime.now(UTC)
        po = next(client.iter_orders(now - timedelta(days=2), now + timedelta(minutes=1), limit=1))
        arrivals: list[float] = []
        started = time.monotonic()
        for _ in range(n):
            client.get_order(po["purchaseOrderNumber"])
            arrivals.append(time.monotonic())
        elapsed = time.monotonic() - started
        log = requests.get(f"{server.url}/_sandbox/log", timeout=5).json()["requests"]
    throttled = sum(1 for r in log if r.get("status") == 429)
    report("sandbox/HTTP getOrder", op.rate, op.burst, client.limiter.bucket(op).burst, arrivals, elapsed)
    print(f"[sandbox/HTTP getOrder] 429 answers from the sandbox: {throttled}")


def main(n: int) -> None:
    op = find_operation("getTransactionStatus", "2021-12-28")
    fake = InstantAmazon()
    session = requests.Session()
    session.mount("http://", fake)
    client = SpApiClient(resolve_endpoint("http://bench.invalid"), Credentials.sandbox(), session=session)
    started = time.monotonic()
    for _ in range(n):
        client.get_transaction_status("t")
    elapsed = time.monotonic() - started
    print(f"usage plan: {op.rate:g} req/s, burst {op.burst}; the client keeps "
          f"{op.burst - client.limiter.bucket(op).burst} token of headroom against jitter")
    report("in-process getTransactionStatus", op.rate, op.burst, client.limiter.bucket(op).burst,
           fake.arrivals, elapsed)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 100
    main(count)
    if "--sandbox" in sys.argv:
        against_sandbox(count)
