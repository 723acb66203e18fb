"""Closing a file: its result beside the outbox, the input to archive/ or errors/ with a report.

A file is closed when every document in it has a final outcome. The result lists each document's
outcome (JSON and CSV in ``outbox/results/``); a file with any rejected or failed document goes to
``errors/`` with ``<file>.errors.json`` (and a marked-up copy when the format has a report writer).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from translator.engine.context import Engine
from translator.engine.store import FINAL_STATES
from translator.fileio import atomic_write, move_into
from translator.problems import Problem

BAD_STATES = frozenset({"failure", "rejected"})


def finalize(engine: Engine) -> list[tuple[str, str]]:
    """Close every file whose documents are all final; returns (name, "archive"|"errors")."""
    closed = []
    for row in engine.store.all("SELECT * FROM inbound_files WHERE status='parsed' ORDER BY id"):
        docs = engine.store.documents("file_id=?", row["id"])
        if any(d["state"] not in FINAL_STATES for d in docs):
            continue
        closed.append((row["name"], close_file(engine, row, docs)))
    return closed


def outcomes(row: Any, docs: list[Any]) -> list[dict[str, Any]]:
    result = []
    for doc in docs:
        tids = []
        if doc["batch_id"] is not None:
            tids = [] if doc["state"] == "duplicate" else [
                t for t in json.loads(_batch_ids(doc))]
        result.append({"document": doc["id"], "kind": doc["kind"], "key": doc["key"], "outcome": doc["state"],
                       "transactionIds": tids, "detail": doc["detail"], "problems": json.loads(doc["problems"])})
    return result


def _batch_ids(doc: Any) -> str:
    return doc["transaction_ids"] if "transaction_ids" in doc.keys() and doc["transaction_ids"] else "[]"


def close_file(engine: Engine, row: Any, docs: list[Any]) -> str:
    file_problems = json.loads(row["problems"] or "[]")
    docs = engine.store.all("SELECT d.*, b.transaction_ids FROM documents d LEFT JOIN batches b ON "
                            "b.id=d.batch_id WHERE d.file_id=? ORDER BY d.id", row["id"])
    listing = outcomes(row, docs)
    bad = any(d["state"] in BAD_STATES for d in docs) or (not docs and bool(file_problems))
    write_result(engine, row["name"], listing, file_problems)
    source = Path(row["path"])
    destination = engine.config.folders.errors if bad else engine.config.folders.archive
    final = move_into(source, destination, row["name"]) if source.exists() else destination / row["name"]
    if bad:
        problems = file_problems + [p for d in listing for p in d["problems"]]
        write_error_report(engine, final, problems, listing)
    with engine.store.transaction() as db:
        db.execute("UPDATE inbound_files SET status=?, path=?, finished=?, outcome=? WHERE id=?",
                   ("errors" if bad else "archived", str(final), engine.store.now(),
                    json.dumps(_counts(docs)), row["id"]))
    return "errors" if bad else "archive"


def _counts(docs: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for doc in docs:
        counts[doc["state"]] = counts.get(doc["state"], 0) + 1
    return counts


def write_result(engine: Engine, name: str, listing: list[dict[str, Any]], file_problems: list[dict]) -> None:
    folder = engine.config.folders.results
    atomic_write(folder / f"{name}.result.json",
                 json.dumps({"file": name, "problems": file_problems, "documents": listing}, indent=2))
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(["document", "kind", "key", "outcome", "transaction_ids", "problems"])
    for doc in listing:
        out.writerow([doc["document"], doc["kind"], doc["key"], doc["outcome"], " ".join(doc["transactionIds"]),
                      " | ".join(Problem(**p).render() for p in doc["problems"])])
    atomic_write(folder / f"{name}.result.csv", buffer.getvalue().encode("utf-8-sig"))


def write_error_report(engine: Engine, path: Path, problems: list[dict[str, Any]],
                       listing: list[dict[str, Any]]) -> None:
    """``<file>.errors.json`` always; the format's marked-up copy when ``formats.reports`` has one."""
    atomic_write(path.with_name(path.name + ".errors.json"),
                 json.dumps({"file": path.name, "problems": problems, "documents": listing}, indent=2))
    try:
        from translator.formats import reports
    except ImportError:
        return
    writer = _report_writer(reports, path.suffix.lower())
    if writer is None:
        return
    try:
        writer(path, [Problem(**p) for p in problems], path.with_name(f"{path.stem}.marked{path.suffix}"))
    except Exception as exc:  # noqa: BLE001 - a report is a courtesy; the JSON report is already written
        engine.store.event("report-error", path.name, str(exc))


def _report_writer(reports: Any, suffix: str) -> Any:
    names = {".csv": "write_csv_report", ".xlsx": "write_xlsx_report"}
    return getattr(reports, names.get(suffix, ""), None)
