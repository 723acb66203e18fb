"""Full cycle: N orders pulled, acknowledged, confirmed and invoiced against the sandbox at Amazon's
rate limits; API calls against the minimum and wall time against the rate-limit floor.

    python benchmarks/full_cycle.py --orders 10000

Minimum calls: getOrders pages of 100; one submission per batch of ``--batch`` documents per kind;
one getTransactionStatus per transaction; one LWA token and one RDT. The floor is the time the
token buckets alone impose (rate 10/s, burst 10 per operation), with the phases in sequence; ERP
file writing (the simulated ERP's own work) is timed separately and excluded.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from translator.engine import batch, erp_files, erp_simulator, pull
from translator.engine.config import load_config
from translator.engine.context import open_engine
from translator.engine.init import init_directory
from translator.sandbox import SandboxConfig, SandboxServer

RATE, BURST = 10.0, 10
KINDS = (("acknowledgements", erp_files.ack_rows), ("shipment-confirmations", erp_files.confirmation_rows),
         ("invoices", erp_files.invoice_rows))


def floor_seconds(calls: dict[str, int]) -> float:
    return sum(max(0, n - BURST) / RATE for n in calls.values())


def minimum_calls(orders: int, batch_size: int) -> dict[str, int]:
    per_kind = math.ceil(orders / batch_size)
    return {"getOrders": math.ceil(orders / 100), "submitAcknowledgement": per_kind,
            "submitShipmentConfirmations": per_kind, "submitInvoice": per_kind,
            "getTransactionStatus": 3 * per_kind}


def counters(url: str) -> dict[str, int]:
    raw = requests.get(f"{url}/_sandbox/counters", timeout=30).json().get("operations", {})
    out: dict[str, int] = {}
    for key, value in raw.items():
        name = key.split("@")[0]
        out[name] = out.get(name, 0) + int(value.get("count", 0))
        throttled = int(value.get("statuses", {}).get("429", 0))
        if throttled:
            out[f"{name} (429)"] = out.get(f"{name} (429)", 0) + throttled
    return out


def _only_csv_outbound(text: str) -> str:
    """One outbound file (CSV): the benchmark measures the API cycle, not three renderings."""
    return re.sub(r'\[\[outbound\]\]\ndocument = "orders"\nmapping = "mappings/orders\.(xlsx|x12)\.yaml"\n[^\[]*', "",
                  text)


def drop_round(engine, kind, build, items, mapping_dir: Path) -> float:
    started = time.monotonic()
    mapping = mapping_dir / f"{kind}.csv.yaml"
    rows = [row for item in items for row in build(item)]
    erp_files.write_table(engine.config.folders.inbox / f"{kind}-bench.csv", mapping, rows)
    return time.monotonic() - started


def settle(engine) -> int:
    passes = 0
    while True:
        batch.run_pass(engine, do_pull=False)
        passes += 1
        open_docs = engine.store.one("SELECT COUNT(*) AS n FROM documents WHERE state NOT IN "
                                     "('success','failure','rejected','duplicate','needs-reconcile')")["n"]
        if not open_docs and not list(engine.config.folders.inbox.glob("*.csv")):
            return passes
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the working directory (printed at the end)")
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats of the whole run to FILE "
                        "(read with python -m pstats FILE; wall times then grow by the profiler's overhead)")
    args = parser.parse_args()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        try:
            return profiler.runcall(run, args)
        finally:
            profiler.dump_stats(args.profile)
    return run(args)


def run(args: argparse.Namespace) -> int:
    """One benchmark run; prints the JSON report."""
    workdir = Path(tempfile.mkdtemp(prefix="translator-bench-"))
    config = SandboxConfig(orders=args.orders, seed=args.seed, transaction_delay=1.0, rate_limits=True,
                           history_hours=24)
    with SandboxServer(config) as server:
        path = init_directory(workdir, endpoint=server.url, force=True)
        text = path.read_text().replace("batch_size = 50", f"batch_size = {args.batch}")
        text = text.replace("poll_interval = 2", "poll_interval = 1.5").replace("fetch_packing_slips = true",
                                                                                "fetch_packing_slips = false")
        path.write_text(_only_csv_outbound(text))
        engine = open_engine(load_config(path))
        engine.progress = lambda message: print(message, file=sys.stderr)
        erp_seconds = 0.0
        started = time.monotonic()
        with engine:
            pull.pull(engine)
            orders = [json.loads(r["body"]) for r in engine.store.all("SELECT body FROM orders ORDER BY po")]
            voc = {o["purchaseOrderNumber"] for o in requests.get(f"{server.url}/_sandbox/orders", timeout=60)
                   .json()["orders"] if o["voc"]}
            when = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
            plans = {o["purchaseOrderNumber"]: o["purchaseOrderNumber"] in voc for o in orders}
            items = {
                "acknowledgements": [erp_simulator.acknowledgement(o, when) for o in orders],
                "shipment-confirmations": [erp_simulator.confirmation(o, plans[o["purchaseOrderNumber"]], when)
                                           for o in orders],
                "invoices": [erp_simulator.invoice(o, f"INV{o['purchaseOrderNumber']}", when) for o in orders],
            }
            passes = 0
            for kind, build in KINDS:
                erp_seconds += drop_round(engine, kind, build, items[kind], workdir / "mappings")
                passes += settle(engine)
            states = {r["state"]: r["n"] for r in engine.store.all(
                "SELECT state, COUNT(*) AS n FROM documents GROUP BY state")}
        wall = time.monotonic() - started - erp_seconds
        made = counters(server.url)
    minimum = minimum_calls(args.orders, args.batch)
    relevant = {k: made.get(k, 0) for k in minimum}
    report = {"orders": args.orders, "batch_size": args.batch, "document_states": states, "passes": passes,
              "calls": relevant, "minimum_calls": minimum, "other_calls": {k: v for k, v in made.items()
                                                                           if k not in minimum},
              "wasted_calls": sum(relevant.values()) - sum(minimum.values()),
              "wall_seconds_engine": round(wall, 1), "erp_file_seconds": round(erp_seconds, 1),
              "rate_limit_floor_seconds": round(floor_seconds(minimum), 1),
              "ratio_to_floor": round(wall / max(floor_seconds(minimum), 0.001), 2),
              "workdir": str(workdir) if args.keep else None}
    print(json.dumps(report, indent=2))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)   # 10,000 orders leave ~250 MB behind
    return 0


if __name__ == "__main__":
    sys.exit(main())
