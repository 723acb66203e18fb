"""Pull, push, poll against the in-process sandbox: exactly once, ordering, crash recovery."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.engine.conftest import drop, duplicates, sandbox_orders, voc_pos
from translator.engine import batch, erp_simulator, poll, pull, push, reconcile, results
from translator.errors import RetriableError

WHEN = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def states(engine, kind=None):
    rows = engine.store.documents("kind=?", kind) if kind else engine.store.documents()
    return [r["state"] for r in rows]


def cycle(engine, passes=4):
    for _ in range(passes):
        batch.run_pass(engine, do_pull=False)


def pulled(engine):
    pull.pull(engine)
    return sandbox_orders(engine)


def test_pull_stores_orders_writes_one_file_and_never_exports_twice(engine):
    first = pull.pull(engine)
    assert first.new == 8 and len(first.files) == 1
    lines = (engine.config.folders.outbox / first.files[0]).read_text().splitlines()
    assert len(lines) == 8
    second = pull.pull(engine)
    assert second.new == 0 and second.files == []


def test_accepted_acknowledgements_succeed_and_the_file_is_archived(engine):
    orders = pulled(engine)
    drop(engine, "acks.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(o, WHEN))
                                for po, o in orders.items()])
    cycle(engine, 2)
    assert set(states(engine)) == {"success"}
    assert (engine.config.folders.archive / "acks.jsonl").exists()
    result = json.loads((engine.config.folders.results / "acks.jsonl.result.json").read_text())
    assert {d["outcome"] for d in result["documents"]} == {"success"}


def test_byte_identical_redrop_is_reported_as_duplicate_and_not_resubmitted(engine):
    orders = pulled(engine)
    docs = [("acknowledgements", po, erp_simulator.acknowledgement(o, WHEN)) for po, o in orders.items()]
    drop(engine, "acks.jsonl", docs)
    cycle(engine, 2)
    drop(engine, "acks.jsonl", docs)
    cycle(engine, 2)
    assert states(engine).count("duplicate") == 8
    assert duplicates(engine) == []


def test_local_rule_violation_is_rejected_with_a_located_problem_and_file_goes_to_errors(engine):
    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    drop(engine, "bad.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(order, WHEN, typo=True))])
    cycle(engine, 2)
    row = engine.store.documents()[0]
    assert row["state"] == "rejected"
    codes = {p["code"] for p in json.loads(row["problems"])}
    assert "ACK-QTY-ABOVE-ORDERED" in codes
    assert (engine.config.folders.errors / "bad.jsonl").exists()
    assert (engine.config.folders.errors / "bad.jsonl.errors.json").exists()


def test_corrected_file_for_a_failed_document_is_a_new_attempt(engine):
    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    drop(engine, "bad.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(order, WHEN, typo=True))])
    cycle(engine, 2)
    drop(engine, "good.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(order, WHEN))])
    cycle(engine, 2)
    assert states(engine) == ["rejected", "success"]


def test_confirmation_and_invoice_dropped_first_wait_and_are_released_in_order(engine):
    orders = pulled(engine)
    voc = voc_pos(engine)
    po = sorted(voc)[0]
    order = orders[po]
    confirmation = erp_simulator.confirmation(order, True, WHEN)
    tracking = confirmation["containers"][0]["trackingNumber"]
    drop(engine, "1-invoice.jsonl", [("invoices", "INV1", erp_simulator.invoice(order, "INV1", WHEN))])
    drop(engine, "2-status.jsonl", [("shipment-status-updates", po,
                                     erp_simulator.status_update(order, tracking, WHEN))])
    drop(engine, "3-confirm.jsonl", [("shipment-confirmations", po, confirmation)])
    batch.run_pass(engine, do_pull=False)
    assert set(states(engine)) == {"waiting"}
    drop(engine, "4-ack.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(order, WHEN))])
    cycle(engine, 6)
    assert states(engine) == ["success"] * 4, [(r["kind"], r["state"], r["problems"]) for r in engine.store.documents()]
    assert sorted(p.name for p in engine.config.folders.archive.iterdir()) == [
        "1-invoice.jsonl", "2-status.jsonl", "3-confirm.jsonl", "4-ack.jsonl"]


def test_waiting_document_is_rejected_after_the_prerequisite_timeout(engine, clock):
    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    drop(engine, "inv.jsonl", [("invoices", "INV9", erp_simulator.invoice(order, "INV9", WHEN))])
    batch.run_pass(engine, do_pull=False)
    assert states(engine) == ["waiting"]
    clock.advance(hours=2)
    batch.run_pass(engine, do_pull=False)
    row = engine.store.documents()[0]
    assert row["state"] == "rejected"
    assert json.loads(row["problems"])[0]["code"] == "PREREQUISITE-TIMEOUT"


def test_label_request_for_a_rejected_order_is_rejected_because_its_prerequisite_failed(engine):
    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    drop(engine, "ack.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(order, WHEN, accept=False))])
    drop(engine, "label.jsonl", [("label-requests", po, erp_simulator.label_request(order))])
    cycle(engine, 4)
    rows = {r["kind"]: r for r in engine.store.documents()}
    assert rows["acknowledgements"]["state"] == "success"
    assert rows["label-requests"]["state"] == "rejected"
    assert json.loads(rows["label-requests"]["problems"])[0]["code"] == "PREREQUISITE-FAILED"


def _intent_only(engine, po, order):
    drop(engine, "ack.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(order, WHEN))])
    push.push(engine, submit=False)
    rows = engine.store.documents("state='validated'")
    push.record_intent(engine, "acknowledgements", rows)
    return rows


def test_crash_after_intent_before_request_resends_exactly_once(engine):
    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    _intent_only(engine, po, order)
    assert states(engine) == ["submitting"]
    cycle(engine, 3)
    assert states(engine) == ["success"]
    assert duplicates(engine) == []


def test_crash_after_request_before_transaction_id_is_not_resent(engine):
    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    rows = _intent_only(engine, po, order)
    push.send(engine, "acknowledgements", [json.loads(r["item"]) for r in rows], [po])  # then "crash"
    assert reconcile.reconcile(engine) == 1
    assert states(engine) == ["success"]
    cycle(engine, 2)
    assert duplicates(engine) == []


def test_invoice_with_unknown_fate_and_no_way_to_ask_waits_for_a_person(engine, monkeypatch):
    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    drop(engine, "inv.jsonl", [("invoices", "INV7", erp_simulator.invoice(order, "INV7", WHEN))])
    push.push(engine, submit=False)
    rows = engine.store.documents()
    engine.store.set_state([rows[0]["id"]], "validated")
    push.record_intent(engine, "invoices", engine.store.documents())
    monkeypatch.setattr(reconcile, "sandbox_digests", lambda engine: None)
    reconcile.reconcile(engine)
    assert states(engine) == ["needs-reconcile"]


def test_second_batch_run_is_kept_out_by_the_lock(engine):
    with batch.exclusive_lock(engine.config.base_dir):
        with pytest.raises(RetriableError, match="already running"):
            batch.batch(engine)


def test_failure_in_a_batch_is_attributed_to_the_document_it_names(engine):
    docs = [{"key": "A1", "pos": '["A1"]'}, {"key": "B2", "pos": '["B2"]'}]
    errors = [{"code": "X", "message": "bad", "details": "purchaseOrderNumber=B2"}]
    attributed = poll.attribute(docs, errors)
    assert [len(found) for _, found in attributed] == [0, 1]


def test_unfinished_file_stays_in_work_until_all_documents_are_final(engine):
    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    drop(engine, "inv.jsonl", [("invoices", "INV8", erp_simulator.invoice(order, "INV8", WHEN))])
    batch.run_pass(engine, do_pull=False)
    assert results.finalize(engine) == []
    assert (engine.config.folders.work / "inv.jsonl").exists()


def test_incoming_997_is_matched_to_the_outbound_file_it_acknowledges(engine):
    from translator.engine import status
    from translator.engine.store import StoreControlNumbers
    from translator.formats import get_format
    from translator.records import Record

    with engine.store.transaction() as db:
        db.execute("INSERT INTO outbound_files(name, kind, partner, group_number, sent_at) VALUES "
                   "('orders-1.x12','x12','erp','7',?)", (engine.store.now(),))
    options = {"sender_id": "ERP", "receiver_id": "US", "partner": "erp-in"}
    with open(engine.config.folders.inbox / "orders-1.997", "wb") as stream:
        writer = get_format("x12").writer(stream, options, control_numbers=StoreControlNumbers(engine.store))
        for tag, values in (("ST", {"ST01": "997"}), ("AK1", {"AK101": "PO", "AK102": "7"}),
                            ("AK9", {"AK901": "R", "AK902": "1", "AK903": "1", "AK904": "0"})):
            writer.write(Record(tag, values))
        writer.close()
    push.push(engine)
    assert engine.store.one("SELECT ack_status FROM outbound_files")["ack_status"] == "R"
    assert status.outbound_flags(engine)[0]["problem"].startswith("rejected")


def test_retry_puts_a_corrected_file_back_and_it_succeeds(engine):
    from translator.engine import retry

    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    drop(engine, "ack.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(order, WHEN, typo=True))])
    cycle(engine, 2)
    failed = engine.config.folders.errors / "ack.jsonl"
    assert failed.exists()
    failed.write_text(json.dumps({"kind": "acknowledgements", "key": po,
                                  "item": erp_simulator.acknowledgement(order, WHEN)}) + "\n")
    retry.retry_file(engine, failed)
    assert not (engine.config.folders.errors / "ack.jsonl.errors.json").exists()
    cycle(engine, 2)
    assert states(engine) == ["rejected", "success"]
    assert (engine.config.folders.archive / "ack.jsonl").exists()


def test_per_order_outbound_route_names_each_file_after_its_po(engine):
    from dataclasses import replace

    route = replace(engine.config.outbound[0], per="order", name="order-{po}.jsonl")
    engine.config = replace(engine.config, outbound=(route,))
    result = pull.pull(engine)
    assert len(result.files) == 8
    assert all(name.startswith("order-") for name in result.files)


def test_packing_slips_are_saved_as_pdf_for_orders_that_require_them(engine):
    result = pull.pull(engine)
    required = engine.store.one("SELECT COUNT(*) AS n FROM orders WHERE pslip_required=1")["n"]
    assert len(result.slips) == required
    for name in result.slips:
        assert (engine.config.folders.outbox / "packing-slips" / name).read_bytes().startswith(b"%PDF")


def test_create_label_mode_gets_labels_synchronously_and_saves_them(engine):
    from dataclasses import replace

    engine.config = replace(engine.config, vendor=replace(engine.config.vendor, label_api="create"))
    orders = pulled(engine)
    po = sorted(set(orders) - voc_pos(engine))[0]
    order = orders[po]
    drop(engine, "ack.jsonl", [("acknowledgements", po, erp_simulator.acknowledgement(order, WHEN))])
    drop(engine, "labels.jsonl", [("label-requests", po, erp_simulator.label_request(order))])
    cycle(engine, 4)
    assert states(engine, "label-requests") == ["success"]
    assert list((engine.config.folders.outbox / "labels").glob(f"{po}-*"))


def test_a_file_the_mapping_cannot_read_goes_to_errors_with_a_report(engine):
    def broken(path):
        raise ValueError("boom")

    engine.load_mapping = broken
    drop(engine, "broken.jsonl", [])
    cycle(engine, 1)
    report = json.loads((engine.config.folders.errors / "broken.jsonl.errors.json").read_text())
    assert report["problems"][0]["code"] == "FILE-INTERNAL-ERROR"


def test_crash_after_a_request_the_api_then_rejected_reconciles_to_failure(engine):
    orders = pulled(engine)
    po, order = next(iter(orders.items()))
    bad = erp_simulator.acknowledgement(order, WHEN, typo=True)
    drop(engine, "ack.jsonl", [("acknowledgements", po, bad)])
    push.push(engine, submit=False)
    row = engine.store.documents()[0]
    engine.store.set_state([row["id"]], "validated")  # as if validated before the order was known
    push.record_intent(engine, "acknowledgements", engine.store.documents())
    push.send(engine, "acknowledgements", [bad], [po])  # the request went out, then "crash"
    reconcile.reconcile(engine)
    assert states(engine) == ["failure"]
    assert duplicates(engine) == []
