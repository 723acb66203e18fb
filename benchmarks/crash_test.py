"""Crash test: SIGKILL ``translator push`` at random moments while it pushes N documents.

A local sandbox (real HTTP, in this process) serves the orders. The engine pulls them once, the ERP
drops N documents in CSV files, then ``translator push --wait`` runs as a child process that is
killed with SIGKILL after a random delay, again and again, until a run finishes on its own.
Finally the sandbox's submission log must show every document accepted exactly once (no duplicate
digests, none missing, ``/_sandbox/duplicates`` empty) and the store must hold every one as ``success``.

``--mix`` makes the N documents every kind an ERP sends, all dropped at once (so the later ones wait
for their prerequisites while the kills happen): acknowledgements, shipment confirmations, status
updates for own-carrier parcels, invoices and inventory; without it they are all acknowledgements.

    python benchmarks/crash_test.py --documents 500 --seed 1
    python benchmarks/crash_test.py --documents 500 --seed 2 --mix
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from translator.engine import erp_files, erp_simulator
from translator.engine.config import load_config
from translator.engine.context import open_engine
from translator.engine.init import init_directory
from translator.engine.pull import pull
from translator.sandbox import SandboxConfig, SandboxServer

PER_FILE = 10


def prepare(workdir: Path, url: str, documents: int) -> list[str]:
    config_path = _configure(workdir, url)
    engine = open_engine(load_config(config_path))
    engine.progress = lambda message: None
    with engine:
        pull(engine)
        orders = [json.loads(r["body"]) for r in engine.store.all("SELECT body FROM orders ORDER BY po")]
    orders = orders[:documents]
    when = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    mapping = workdir / "mappings" / "acknowledgements.csv.yaml"
    for start in range(0, len(orders), PER_FILE):
        rows = [row for order in orders[start:start + PER_FILE]
                for row in erp_files.ack_rows(erp_simulator.acknowledgement(order, when))]
        erp_files.write_table(workdir / "inbox" / f"acknowledgements-{start:05d}.csv", mapping, rows)
    return [o["purchaseOrderNumber"] for o in orders]


MIX_FILES = (("acknowledgements", erp_files.ack_rows), ("shipment-confirmations", erp_files.confirmation_rows),
             ("shipment-status-updates", erp_files.status_rows), ("invoices", erp_files.invoice_rows))


def mixed_items(orders: list[dict], voc: set[str], documents: int, when: str) -> dict[str, list[dict]]:
    """Per kind, the API items of whole order lifecycles until ``documents`` are planned (inventory
    counts one per warehouse and is always included)."""
    items: dict[str, list[dict]] = {kind: [] for kind, _ in MIX_FILES}
    used: list[dict] = []
    planned = 0
    for order in orders:
        if planned >= documents - 2:
            break
        po, is_voc = order["purchaseOrderNumber"], order["purchaseOrderNumber"] in voc
        confirmation = erp_simulator.confirmation(order, is_voc, when)
        updates = [erp_simulator.status_update(order, box["trackingNumber"], when)
                   for box in confirmation["containers"]] if is_voc else []
        items["acknowledgements"].append(erp_simulator.acknowledgement(order, when))
        items["shipment-confirmations"].append(confirmation)
        items["shipment-status-updates"].extend(updates)
        items["invoices"].append(erp_simulator.invoice(order, f"INV{po}", when))
        used.append(order)
        planned += 3 + len(updates)
    return {**items, "inventory": [erp_simulator.inventory(used, "999US")]}


def prepare_mixed(workdir: Path, url: str, documents: int) -> int:
    """Drop every kind of document at once; returns how many orders they cover."""
    config_path = _configure(workdir, url)
    engine = open_engine(load_config(config_path))
    engine.progress = lambda message: None
    with engine:
        pull(engine)
        orders = [json.loads(r["body"]) for r in engine.store.all("SELECT body FROM orders ORDER BY po")]
    voc = {o["purchaseOrderNumber"] for o in requests.get(f"{url}/_sandbox/orders", timeout=30).json()["orders"]
           if o["voc"]}
    when = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    planned = mixed_items(orders, voc, documents, when)
    for kind, build in MIX_FILES:
        mapping = workdir / "mappings" / f"{kind}.csv.yaml"
        for start in range(0, len(planned[kind]), PER_FILE):
            rows = [row for item in planned[kind][start:start + PER_FILE] for row in build(item)]
            erp_files.write_table(workdir / "inbox" / f"{kind}-{start:05d}.csv", mapping, rows)
    (feeds,) = planned["inventory"]
    rows = [row for warehouse, feed in feeds.items() for row in erp_files.inventory_rows(warehouse, feed)]
    erp_files.write_table(workdir / "inbox" / "inventory-00000.csv", workdir / "mappings" / "inventory.csv.yaml", rows)
    return len(planned["acknowledgements"])


def _configure(workdir: Path, url: str) -> Path:
    config_path = init_directory(workdir, endpoint=url, force=True)
    text = config_path.read_text().replace("reconcile_after = 300", "reconcile_after = 2")
    config_path.write_text(text.replace("batch_size = 50", "batch_size = 25"))
    return config_path


def run_child(workdir: Path, url: str, kill_after: float | None) -> bool:
    """Run one push; True when it finished by itself."""
    command = [str(Path(sys.executable).parent / "translator"), "push", "--dir", str(workdir), "--endpoint", url,
               "--wait"]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        child.wait(timeout=kill_after)
        return True
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
        return False


def open_documents(workdir: Path) -> int:
    engine = open_engine(load_config(workdir / "translator.toml"))
    with engine:
        row = engine.store.one("SELECT COUNT(*) AS n FROM documents WHERE state NOT IN "
                               "('success','failure','rejected','duplicate')")
        files = len(list((workdir / "inbox").glob("*.csv"))) + len(list((workdir / "work").glob("*.csv")))
        return int(row["n"]) + files


def verify(workdir: Path, url: str) -> dict[str, object]:
    """Every stored document against the sandbox's submission log, by kind and content digest."""
    from translator.engine.docinfo import content_hash

    submissions = requests.get(f"{url}/_sandbox/submissions", timeout=30).json()
    rows = submissions.get("submissions", submissions) if isinstance(submissions, dict) else submissions
    seen: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        seen.setdefault((row["kind"], row["digest"]), []).append(row["status"])
    duplicates = requests.get(f"{url}/_sandbox/duplicates", timeout=30).json()
    engine = open_engine(load_config(workdir / "translator.toml"))
    with engine:
        docs = engine.store.all("SELECT kind, key, item, state FROM documents")
    states: dict[str, int] = {}
    kinds: dict[str, int] = {}
    missing, twice, not_accepted = [], [], []
    for doc in docs:
        states[doc["state"]] = states.get(doc["state"], 0) + 1
        kinds[doc["kind"]] = kinds.get(doc["kind"], 0) + 1
        sent = seen.get((doc["kind"], content_hash(json.loads(doc["item"]))), [])
        where = f"{doc['kind']} {doc['key']}"
        if not sent:
            missing.append(where)
        elif len(sent) > 1:
            twice.append(where)
        elif sent != ["Success"] or doc["state"] != "success":
            not_accepted.append(f"{where}: sandbox {sent}, store {doc['state']}")
    return {"documents": len(docs), "kinds": kinds, "submitted": len(rows), "missing": missing,
            "sent_twice": twice, "not_accepted": not_accepted,
            "sandbox_duplicates": duplicates.get("duplicates", duplicates), "store_states": states}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-kills", type=int, default=40)
    parser.add_argument("--min-delay", type=float, default=0.3)
    parser.add_argument("--max-delay", type=float, default=2.5)
    parser.add_argument("--mix", action="store_true", help="every document kind, not only acknowledgements")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="translator-crash-"))
    config = SandboxConfig(orders=args.documents, seed=args.seed, transaction_delay=1.0, rate_limits=False,
                           history_hours=24)
    started = time.monotonic()
    with SandboxServer(config) as server:
        if args.mix:
            prepare_mixed(workdir, server.url, args.documents)
        else:
            prepare(workdir, server.url, args.documents)
        kills = 0
        while kills < args.max_kills and open_documents(workdir):
            if run_child(workdir, server.url, rng.uniform(args.min_delay, args.max_delay)):
                continue
            kills += 1
        while open_documents(workdir):
            run_child(workdir, server.url, None)
        report = verify(workdir, server.url)
    report.update({"kills": kills, "seconds": round(time.monotonic() - started, 1), "workdir": str(workdir)})
    print(json.dumps(report, indent=2))
    ok = not any(report[k] for k in ("missing", "sent_twice", "not_accepted", "sandbox_duplicates"))
    print("PASS: every document accepted exactly once" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
