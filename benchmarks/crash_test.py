"""Crash test: SIGKILL ``translator push`` at random moments while it pushes N acknowledgements.

A local sandbox (real HTTP, in this process) serves N orders. The engine pulls them once, the ERP
drops N acknowledgements in CSV files, then ``translator push --wait`` runs as a child process that
is killed with SIGKILL after a random delay, again and again, until a run finishes on its own.
Finally the sandbox's submission log must show every acknowledgement accepted exactly once (no
duplicate digests, none missing) and the store must hold every document as ``success``.

    python benchmarks/crash_test.py --documents 500 --seed 1
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
    config_path = init_directory(workdir, endpoint=url, force=True)
    text = config_path.read_text().replace("reconcile_after = 300", "reconcile_after = 2")
    config_path.write_text(text.replace("batch_size = 50", "batch_size = 25"))
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


def verify(workdir: Path, url: str, pos: list[str]) -> dict[str, object]:
    submissions = requests.get(f"{url}/_sandbox/submissions", timeout=30).json()
    rows = submissions.get("submissions", submissions) if isinstance(submissions, dict) else submissions
    acks = [r for r in rows if r["kind"] == "acknowledgements"]
    accepted = [r for r in acks if r["status"] == "Success"]
    per_po: dict[str, int] = {}
    for row in acks:
        per_po[row["document"]] = per_po.get(row["document"], 0) + 1
    duplicates = requests.get(f"{url}/_sandbox/duplicates", timeout=30).json()
    engine = open_engine(load_config(workdir / "translator.toml"))
    with engine:
        states = {r["state"]: r["n"] for r in engine.store.all(
            "SELECT state, COUNT(*) AS n FROM documents GROUP BY state")}
    return {"documents": len(pos), "submitted": len(acks), "accepted_transactions_rows": len(accepted),
            "missing": sorted(set(pos) - set(per_po)), "sent_twice": sorted(p for p, n in per_po.items() if n > 1),
            "sandbox_duplicates": duplicates.get("duplicates", duplicates), "store_states": states}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-kills", type=int, default=40)
    parser.add_argument("--min-delay", type=float, default=0.3)
    parser.add_argument("--max-delay", type=float, default=2.5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="translator-crash-"))
    config = SandboxConfig(orders=args.documents, seed=args.seed, transaction_delay=1.0, rate_limits=False,
                           history_hours=24)
    started = time.monotonic()
    with SandboxServer(config) as server:
        pos = prepare(workdir, server.url, args.documents)
        kills = 0
        while kills < args.max_kills and open_documents(workdir):
            if run_child(workdir, server.url, rng.uniform(args.min_delay, args.max_delay)):
                continue
            kills += 1
        while open_documents(workdir):
            run_child(workdir, server.url, None)
        report = verify(workdir, server.url, pos)
    report.update({"kills": kills, "seconds": round(time.monotonic() - started, 1), "workdir": str(workdir)})
    print(json.dumps(report, indent=2))
    ok = not report["missing"] and not report["sent_twice"] and not report["sandbox_duplicates"]
    print("PASS: every document accepted exactly once" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
