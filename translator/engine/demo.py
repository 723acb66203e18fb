"""``translator demo [DIR]``: the whole Direct Fulfillment day, offline, in under a minute.

It creates a working directory, starts the built-in sandbox on a free loopback port, pulls the
orders (CSV, XLSX and X12 files in the outbox), plays the ERP (acknowledgements with rejections and
one typing mistake, label requests, multi-package shipment confirmations, tracking scans for
own-carrier parcels, invoices, inventory), pushes everything through the engine - deliberately out
of order, so prerequisites hold documents back - waits for the transactions and prints what
happened to every order. The run passes when every accepted order is invoiced and the only
rejections are the ones the ERP was scripted to make, each explained.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from translator.engine import batch, erp_files, erp_simulator, pull, status
from translator.engine.config import load_config
from translator.engine.context import Engine, open_engine
from translator.engine.init import init_directory
from translator.engine.store import OPEN_STATES
from translator.problems import Problem

PASS_PAUSE = 0.5
ROUND_TIMEOUT = 90.0


@dataclass
class DemoReport:
    directory: Path
    orders: int = 0
    accepted: int = 0
    invoiced: int = 0
    rejections: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    api_calls: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.unexpected and self.invoiced == self.accepted


def run_demo(directory: Path | None, *, orders: int = 12, seed: int = 7, echo: Callable[[str], None] = print,
             progress: Callable[[str], None] = lambda message: None, transaction_delay: float = 1.0) -> DemoReport:
    from translator.sandbox import SandboxConfig, SandboxServer

    workdir = directory or Path(tempfile.mkdtemp(prefix="translator-demo-"))
    config_path = init_directory(workdir, endpoint="http://127.0.0.1:8321", force=True)
    _tune_config(config_path)
    sandbox = SandboxConfig(orders=orders, seed=seed, transaction_delay=transaction_delay, port=0)
    with SandboxServer(sandbox) as server:
        echo(f"sandbox listening on {server.url}; working directory {workdir}")
        engine = open_engine(load_config(config_path), endpoint=server.url)
        engine.progress = progress
        with engine:
            return _play(engine, server.url, echo, pause=min(PASS_PAUSE, transaction_delay / 2 + 0.05))


def _tune_config(path: Path) -> None:
    """Demo timings: the sandbox settles in a second, so nothing needs to wait minutes."""
    text = path.read_text("utf-8").replace("reconcile_after = 300", "reconcile_after = 5")
    path.write_text(text.replace("poll_interval = 2", "poll_interval = 0.5"), "utf-8")


def _play(engine: Engine, url: str, echo: Callable[[str], None], pause: float = PASS_PAUSE) -> DemoReport:
    report = DemoReport(engine.config.base_dir)
    pulled = pull.pull(engine)
    echo(f"pulled {pulled.fetched} orders into {len(pulled.files)} outbox file(s): {', '.join(pulled.files)}")
    for name in pulled.files:
        if name.endswith(".x12"):
            echo(f"ERP answers {name} with {_answer_850(engine, name)}")
    orders = [json.loads(r["body"]) for r in engine.store.all("SELECT body FROM orders ORDER BY po")]
    plans = erp_simulator.plan_orders(orders, _voc_orders(engine, url))
    when = (engine.clock() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    first = erp_simulator.first_round(orders, plans, when, engine.config.vendor.selling_party)
    echo("ERP round 1: " + ", ".join(_drop(engine, first, "1")))
    _settle(engine, echo, pause)
    second = erp_simulator.second_round(orders, plans, when)
    echo("ERP round 2 (corrected acknowledgement): " + ", ".join(_drop(engine, second, "2")))
    _settle(engine, echo, pause)
    pull.pull(engine)
    _report(engine, plans, report, url)
    for line in _render(engine, report):
        echo(line)
    return report


def _answer_850(engine: Engine, name: str) -> str:
    """The ERP's 997 for our 850 file (it lands in the inbox; push matches it to what we sent)."""
    from translator.engine.store import StoreControlNumbers
    from translator.formats import get_format
    from translator.formats.x12 import ack997

    with open(engine.config.folders.outbox / name, "rb") as stream:
        reader = get_format("x12").reader(stream, None, file_name=name)
        for _ in reader:
            pass
    records = ack997.functional_acknowledgement(reader)
    options = {**ack997.acknowledgement_options(reader.interchanges[0]), "partner": "erp-sender"}
    target = engine.config.folders.inbox / (Path(name).stem + ".997")
    erp_files.write_x12(target, records, options, StoreControlNumbers(engine.store))
    return target.name


def _voc_orders(engine: Engine, url: str) -> set[str]:
    """The ERP knows which orders it ships with its own carrier (the sandbox's flag)."""
    answer = engine.client._session.get(f"{url}/_sandbox/orders", timeout=(5, 30)).json()
    return {o["purchaseOrderNumber"] for o in answer["orders"] if o.get("voc")}


KIND_FILES = (
    ("acknowledgements", "csv", erp_files.ack_rows),
    ("label_requests", "csv", erp_files.label_rows),
    ("confirmations", "csv", erp_files.confirmation_rows),
    ("invoices", "xlsx", erp_files.invoice_rows),
)
MAPPING_NAMES = {"acknowledgements": "acknowledgements", "label_requests": "label-requests",
                 "confirmations": "shipment-confirmations", "status_updates": "shipment-status-updates",
                 "invoices": "invoices", "inventory": "inventory"}


def _mapping(engine: Engine, kind: str, fmt: str) -> tuple[Path, str]:
    folder = engine.config.base_dir / "mappings"
    name = MAPPING_NAMES[kind]
    for candidate in (fmt, "csv"):
        if (folder / f"{name}.{candidate}.yaml").exists():
            return folder / f"{name}.{candidate}.yaml", candidate
    raise FileNotFoundError(f"no shipped mapping for {name}")


def _drop(engine: Engine, replies: erp_simulator.Replies, round_name: str) -> list[str]:
    """Write the replies into the inbox, dependants first (the ERP does not care about order)."""
    dropped = []
    for kind, fmt, build in reversed(KIND_FILES):
        items = getattr(replies, kind)
        if not items:
            continue
        mapping, used = _mapping(engine, kind, fmt)
        rows = [row for item in items for row in build(item)]
        name = f"{MAPPING_NAMES[kind]}-round{round_name}.{used}"
        dropped.append(erp_files.write_table(engine.config.folders.inbox / name, mapping, rows).name)
    if replies.status_updates:
        dropped.append(_drop_214(engine, replies.status_updates, round_name))
    if replies.inventory:
        mapping, used = _mapping(engine, "inventory", "csv")
        rows = [row for wh, feed in replies.inventory.items() for row in erp_files.inventory_rows(wh, feed)]
        name = f"inventory-round{round_name}.{used}"
        dropped.append(erp_files.write_table(engine.config.folders.inbox / name, mapping, rows).name)
    return dropped


ERP_ENVELOPE = {"sender_qualifier": "ZZ", "sender_id": "999USERP", "receiver_qualifier": "ZZ",
                "receiver_id": "AMAZONDF", "usage": "T", "partner": "erp-sender"}


def _drop_214(engine: Engine, items: list[dict[str, Any]], round_name: str) -> str:
    """Status updates as the carrier feed an ERP relays: an X12 214 interchange."""
    from translator.engine.store import StoreControlNumbers

    segments = [seg for item in items for seg in erp_files.status_214_segments(item)]
    path = engine.config.folders.inbox / f"shipment-status-updates-round{round_name}.x12"
    return erp_files.write_x12(path, segments, ERP_ENVELOPE, StoreControlNumbers(engine.store)).name


def _open_documents(engine: Engine) -> int:
    marks = ",".join("?" * len(OPEN_STATES))
    row = engine.store.one(f"SELECT COUNT(*) AS n FROM documents WHERE state IN ({marks}) AND state != "
                           "'needs-reconcile'", *OPEN_STATES)
    return int(row["n"])


def _settle(engine: Engine, echo: Callable[[str], None], pause: float) -> None:
    """Passes of push + poll until nothing is in flight (or the round times out)."""
    deadline = time.monotonic() + ROUND_TIMEOUT
    passes = 0
    while True:
        summary = batch.run_pass(engine, do_pull=False)
        passes += 1
        pending = _open_documents(engine) + len(list(engine.config.folders.inbox.glob("*.*")))
        waiting = summary.states.get("waiting", 0)
        echo(f"  pass {passes}: {summary.open_transactions} transaction(s) processing, {waiting} waiting, "
             f"states {dict(sorted(summary.states.items()))}")
        for error in summary.errors:
            echo(f"  error: {error}")
        if pending == 0 or time.monotonic() > deadline:
            return
        time.sleep(pause)


EXPECTED_REJECTIONS = frozenset({"ACK-QTY-ABOVE-ORDERED"})


def _report(engine: Engine, plans: list[erp_simulator.OrderPlan], report: DemoReport, url: str) -> None:
    report.orders = len(plans)
    accepted = {p.po for p in plans if p.accept}
    report.accepted = len(accepted)
    invoiced = {po for r in engine.store.documents("kind='invoices' AND state='success'")
                for po in json.loads(r["pos"])}
    report.invoiced = len(accepted & invoiced)
    for po in sorted(accepted - invoiced):
        report.unexpected.append(f"order {po} was accepted but not invoiced")
    for row in engine.store.documents("state IN ('rejected','failure','needs-reconcile')"):
        problems = json.loads(row["problems"])
        codes = {p.get("code") for p in problems}
        text = "; ".join(Problem(**p).render() for p in problems) or row["detail"] or "?"
        line = f"{row['kind']} {row['key']}: {row['state']} - {text}"
        (report.rejections if codes and codes <= EXPECTED_REJECTIONS else report.unexpected).append(line)
    try:
        report.api_calls = engine.client._session.get(f"{url}/_sandbox/counters", timeout=(5, 30)).json()
    except (OSError, ValueError):
        report.api_calls = {}


def _render(engine: Engine, report: DemoReport) -> list[str]:
    lines = ["", status.render_table(status.collect(engine)), ""]
    lines.append("Rejections (each explained):")
    lines += [f"  {r}" for r in report.rejections] or ["  none"]
    lines.append("Rejected acknowledgements (vendor said no) are successes: the order is cancelled at Amazon.")
    if report.unexpected:
        lines.append("UNEXPECTED:")
        lines += [f"  {u}" for u in report.unexpected]
    counts = status.counts(engine)
    lines.append(f"Summary: {report.orders} orders, {report.accepted} accepted, {report.invoiced} invoiced; "
                 f"documents {dict(sorted(counts.items()))}; unexpected {len(report.unexpected)}")
    lines.append(f"Files: outbox {engine.config.folders.outbox}, archive {engine.config.folders.archive}, "
                 f"errors {engine.config.folders.errors}")
    return lines
