"""``translator demo`` end to end against the real sandbox over HTTP with the shipped mappings.

This is the README's main command, so it is tested as a user runs it: every accepted order ends
invoiced, the scripted rejection is explained, and nothing unexpected happens.
"""

from __future__ import annotations

import json
import sqlite3

from translator.engine.demo import run_demo


def test_demo_invoices_every_accepted_order_and_explains_every_rejection(tmp_path):
    lines: list[str] = []
    report = run_demo(tmp_path / "demo", orders=8, seed=11, echo=lines.append, transaction_delay=0.2)
    assert report.unexpected == []
    assert report.ok and report.accepted == report.invoiced > 0
    assert any("ACK-QTY-ABOVE-ORDERED" in r for r in report.rejections)
    outbox = tmp_path / "demo" / "outbox"
    assert {p.suffix for p in outbox.iterdir() if p.is_file()} == {".csv", ".xlsx", ".x12"}
    assert list((outbox / "results").glob("*.x12.997")), "a 997 answers the ERP's X12 file"
    assert list((outbox / "labels").iterdir()), "Amazon labels were downloaded"
    errors = tmp_path / "demo" / "errors"
    report_json = json.loads(next(errors.glob("*.errors.json")).read_text())
    assert report_json["problems"][0]["code"] == "ACK-QTY-ABOVE-ORDERED"
    assert any(line.startswith("Summary:") for line in lines)
    db = sqlite3.connect(tmp_path / "demo" / "state.db")
    accepted_kinds = {kind for (kind,) in db.execute("SELECT DISTINCT kind FROM documents WHERE state='success'")}
    assert accepted_kinds == {"acknowledgements", "label-requests", "shipment-confirmations",
                              "shipment-status-updates", "invoices", "inventory"}
    assert db.execute("SELECT ack_status FROM outbound_files WHERE kind='x12'").fetchone() == ("A",)
