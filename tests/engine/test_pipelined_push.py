"""Submitting while judging: full batches go out as soon as they are ready, no call is wasted,
and every document is still recorded as an intent before its request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.engine.conftest import CONFIG, SANDBOX_URL, drop, sandbox_orders
from translator.engine import batch, erp_simulator, intake, pull, push

WHEN = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "translator.toml").write_text(CONFIG.replace("batch_size = 10", "batch_size = 3"))
    return tmp_path


def _drop_acknowledgements(engine) -> int:
    pull.pull(engine)
    orders = sandbox_orders(engine)
    drop(engine, "acks.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(order, WHEN))
                                for po, order in sorted(orders.items())])
    return len(orders)


def _calls(engine, operation: str) -> int:
    counters = engine.client._session.get(f"{SANDBOX_URL}/_sandbox/counters").json()["operations"]
    return sum(v["count"] for k, v in counters.items() if k.split("@")[0] == operation)


def test_full_batches_are_submitted_while_judging_and_the_remainder_is_left_ready(engine):
    count = _drop_acknowledgements(engine)
    intake.claim_inbox(engine)
    intake.parse_claimed(engine)
    result = push.PushResult()
    push.advance(engine, result, submit=True)
    full = count // 3 * 3
    assert result.submitted == full
    assert [r["state"] for r in engine.store.documents("state='validated'")] == ["validated"] * (count - full)
    assert all(r["batch_id"] is not None for r in engine.store.documents("state NOT IN ('validated')"))


def test_a_push_makes_the_minimum_number_of_submissions(engine):
    count = _drop_acknowledgements(engine)
    for _ in range(3):
        batch.run_pass(engine, do_pull=False)
    assert {r["state"] for r in engine.store.documents()} == {"success"}
    assert _calls(engine, "submitAcknowledgement") == -(-count // 3)
    assert _calls(engine, "getTransactionStatus") == -(-count // 3)


def test_documents_mapped_in_this_pass_are_validated_without_rebuilding_them(engine, monkeypatch):
    _drop_acknowledgements(engine)
    monkeypatch.setattr(intake, "mapped_document", lambda row: pytest.fail("rebuilt from the store"))
    push.push(engine)
    assert engine.fresh == {}
    assert "validated" not in {r["state"] for r in engine.store.documents()}
