"""Token buckets: a burst never exceeds the usage plan, and nobody waits longer than needed."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.api.fakes import Answer, FakeAmazon, FakeTime
from translator.api.client import SpApiClient
from translator.api.operations import find_operation
from translator.api.ratelimit import RateLimiter, TokenBucket, parse_rate_limit


def _max_in_any_window(stamps: list[float], width: float) -> int:
    stamps = sorted(stamps)
    best, lo = 0, 0
    for hi, t in enumerate(stamps):
        while stamps[lo] < t - width + 1e-9:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def test_burst_is_free_then_calls_are_spaced_by_one_over_rate() -> None:
    time = FakeTime()
    bucket = TokenBucket(10, 10, clock=time.clock, sleep=time.sleep)
    waits = [bucket.acquire() for _ in range(13)]
    assert waits[:10] == [0.0] * 10
    assert waits[10:] == pytest.approx([0.1, 0.1, 0.1])


def test_a_rested_bucket_refills_up_to_its_burst_only() -> None:
    time = FakeTime()
    bucket = TokenBucket(1, 3, clock=time.clock, sleep=time.sleep)
    for _ in range(3):
        bucket.acquire()
    time.advance(100)
    assert [bucket.acquire() for _ in range(4)] == pytest.approx([0, 0, 0, 1.0])


@settings(max_examples=40, deadline=None)
@given(rate=st.sampled_from([1.0, 2.0, 5.0, 10.0]), burst=st.integers(1, 15),
       gaps=st.lists(st.floats(0, 0.5), min_size=1, max_size=60))
def test_any_call_pattern_stays_within_rate_and_burst(rate: float, burst: int, gaps: list[float]) -> None:
    time = FakeTime()
    bucket = TokenBucket(rate, burst, clock=time.clock, sleep=time.sleep)
    stamps = []
    for gap in gaps:
        time.advance(gap)
        bucket.acquire()
        stamps.append(time.now)
    for width in (0.5, 1.0, 2.0, 5.0):
        assert _max_in_any_window(stamps, width) <= burst + rate * width + 1e-6


def test_threads_share_one_bucket_without_exceeding_it() -> None:
    """Each reservation gets its own slot: the clock stands still, so slot = start + wait."""
    lock = threading.Lock()
    time = FakeTime()
    granted: list[float] = []
    start = time.now
    bucket = TokenBucket(10, 10, clock=time.clock, sleep=time.sleep)
    waits: list[float] = []

    def worker() -> None:
        for _ in range(10):
            wait = bucket.reserve()
            with lock:
                waits.append(wait)
                granted.append(start + wait)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 50
    assert sorted(waits) == pytest.approx([0.0] * 10 + [0.1 * n for n in range(1, 41)])
    assert _max_in_any_window(granted, 1.0) <= 10 + 10


def test_parse_rate_limit_header() -> None:
    assert parse_rate_limit("10.0") == 10.0
    assert parse_rate_limit(" 0.5 ") == 0.5
    assert parse_rate_limit("") is None and parse_rate_limit(None) is None and parse_rate_limit("x") is None


def test_overrides_by_name_or_key_replace_the_plan() -> None:
    op = find_operation("getOrders", "2021-12-28")
    assert RateLimiter().plan(op) == (10.0, 10)
    assert RateLimiter({"getOrders": 20}).plan(op) == (20.0, 10)
    assert RateLimiter({"getOrders@2021-12-28": (5, 15)}).plan(op) == (5.0, 15)


def test_a_burst_of_client_calls_never_exceeds_the_plan(fake: FakeAmazon, fake_time: FakeTime,
                                                        client: SpApiClient) -> None:
    stamps: list[float] = []

    def answer(seen: object) -> Answer:
        stamps.append(fake_time.now)
        return Answer(200, {"transactionStatus": {"transactionId": "t", "status": "Success"}})

    fake.handle("getTransactionStatus", answer)
    for _ in range(60):
        client.get_transaction_status("t")
    assert len(stamps) == 60
    for width in (0.5, 1.0, 3.0):
        assert _max_in_any_window(stamps, width) <= 10 + 10 * width + 1e-6
    # 9 free (one token of headroom against jitter), then 51 at exactly 10/s: no wasted time
    assert stamps[-1] - stamps[0] == pytest.approx(5.1)


def test_headroom_keeps_one_token_of_the_burst_in_reserve() -> None:
    op = find_operation("getOrders", "2021-12-28")
    assert RateLimiter().bucket(op).burst == 9
    assert RateLimiter(headroom=0).bucket(op).burst == 10
    assert RateLimiter({"getOrders": (1, 1)}).bucket(op).burst == 1


def test_rate_overrides_apply_to_the_client(fake: FakeAmazon, fake_time: FakeTime, make_client) -> None:
    client = make_client(rate_overrides={"getTransactionStatus": (2, 1)})
    fake.handle("getTransactionStatus",
                lambda s: Answer(200, {"transactionStatus": {"transactionId": "t", "status": "Success"}}))
    start = fake_time.now
    for _ in range(5):
        client.get_transaction_status("t")
    assert fake_time.now - start == pytest.approx(2.0)


def test_amazons_sandbox_hosts_get_their_own_plan() -> None:
    from translator.api.credentials import Credentials
    from translator.api.endpoints import resolve_endpoint

    op = find_operation("getOrders", "2021-12-28")
    with SpApiClient(resolve_endpoint("sandbox-eu"), Credentials.sandbox()) as sandboxed:
        assert sandboxed.limiter.plan(op) == (5.0, 15)
    with SpApiClient(resolve_endpoint("eu"), Credentials.sandbox()) as production:
        assert production.limiter.plan(op) == (10.0, 10)


def test_concurrent_callers_share_one_lwa_token_and_one_rdt(fake: FakeAmazon, make_client) -> None:
    client = make_client(rate_overrides={"getOrder": (1000, 1000)})
    fake.handle("getOrder", lambda s: Answer(200, {"purchaseOrderNumber": s.path_params["purchaseOrderNumber"]}))
    results: list[str] = []

    def worker(n: int) -> None:
        for i in range(5):
            results.append(client.get_order(f"PO{n}{i}")["purchaseOrderNumber"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 40
    assert fake.tokens_issued == 1 and fake.rdts_issued == 1
