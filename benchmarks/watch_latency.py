"""Watch latency of ``translator run``: from "file complete" to "submission accepted".

Against the local sandbox (HTTP on loopback, Amazon's rate limits on), the service runs in a thread
with the default stability interval. Acknowledgement CSV files (shipped mapping) are prepared aside and
renamed into the inbox - the moment of the rename is "file complete" - first 200 at once, then 200 one at
a time (one every ``--spacing`` seconds). "Submission accepted" is the moment the transaction id was
stored (``transactions.submitted_at``). A third, smaller phase writes files in place (no rename), which
the service can only trust after the stability interval; its latency is reported with and without it.

    python benchmarks/watch_latency.py [--files 200] [--spacing 0.2] [--stable 2.0]
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.service.conftest import make_service_dir  # noqa: E402
from translator.sandbox import SandboxConfig, SandboxServer  # noqa: E402
from translator.service.runner import read_health, run_service  # noqa: E402


def accepted_times(db_path: Path) -> dict[str, float]:
    """File name -> epoch seconds when its submission's transaction id was stored."""
    with sqlite3.connect(db_path, timeout=30) as db:
        rows = db.execute("SELECT f.name, MIN(t.submitted_at) FROM inbound_files f JOIN documents d ON "
                          "d.file_id=f.id JOIN transactions t ON t.batch_id=d.batch_id GROUP BY f.name").fetchall()
    return {name: datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() for name, at in rows}


def wait_for(db_path: Path, names: set[str], timeout: float = 300.0) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = accepted_times(db_path)
        if names <= done.keys():
            return done
        time.sleep(0.05)
    raise SystemExit(f"timed out: {len(names - accepted_times(db_path).keys())} file(s) never accepted")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(label: str, latencies: list[float]) -> str:
    return (f"{label:<34} n={len(latencies):>3}  p50 {percentile(latencies, 50):6.3f}s  "
            f"p95 {percentile(latencies, 95):6.3f}s  max {max(latencies):6.3f}s")


def prepare(service, indexes: range, scratch: Path, prefix: str) -> list[Path]:  # type: ignore[no-untyped-def]
    return [service.ack_file(i, f"acknowledgements-{prefix}{i}.csv", directory=scratch) for i in indexes]


def drop(paths: list[Path], inbox: Path, spacing: float) -> dict[str, float]:
    """Rename each prepared file into the inbox; returns name -> epoch of the rename (file complete)."""
    complete = {}
    for path in paths:
        os.rename(path, inbox / path.name)
        complete[path.name] = time.time()
        if spacing:
            time.sleep(spacing)
    return complete


def write_in_place(paths: list[Path], inbox: Path, spacing: float) -> dict[str, float]:
    """Write each file directly in the inbox (no rename): complete when the last byte is written."""
    complete = {}
    for path in paths:
        (inbox / path.name).write_bytes(path.read_bytes())
        complete[path.name] = time.time()
        time.sleep(spacing)
    return complete


@contextmanager
def sandbox_url(orders: int, in_process: bool) -> Iterator[str]:
    """The sandbox in its own process (like the real API, it does not share our interpreter), or in-process."""
    if in_process:
        config = SandboxConfig(orders=orders, seed=11, transaction_delay=1.0, rate_limits=True, port=0)
        with SandboxServer(config) as server:
            yield server.url
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = "from translator.cli.main import main; main()"
    process = subprocess.Popen([sys.executable, "-c", code, "sandbox", "--port", str(port), "--orders", str(orders),
                                "--seed", "11", "--transaction-delay", "1"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--in-place", type=int, default=20)
    parser.add_argument("--spacing", type=float, default=0.2)
    parser.add_argument("--stable", type=float, default=2.0)
    parser.add_argument("--poll", type=float, default=2.0, help="transaction polling interval (default as shipped)")
    parser.add_argument("--in-process-sandbox", action="store_true", help="share the interpreter with the sandbox")
    args = parser.parse_args()
    total = 2 * args.files + args.in_place
    with sandbox_url(total + 5, args.in_process_sandbox) as url, tempfile.TemporaryDirectory() as tmp:
        service = make_service_dir(Path(tmp) / "work", url)
        text = service.config_path.read_text().replace("stable_seconds = 0.3", f"stable_seconds = {args.stable}")
        text = text.replace("poll_every = 0.1", f"poll_every = {args.poll}").replace(
            "poll_interval = 0.1", f"poll_interval = {args.poll}")
        service.config_path.write_text(text.replace("rescan_seconds = 1", "rescan_seconds = 30"))
        scratch, inbox, db = service.base / "scratch", service.base / "inbox", service.base / "state.db"
        scratch.mkdir()
        burst = prepare(service, range(args.files), scratch, "burst-")
        single = prepare(service, range(args.files, 2 * args.files), scratch, "single-")
        in_place = prepare(service, range(2 * args.files, total), scratch, "inplace-")
        stop = threading.Event()
        thread = threading.Thread(target=run_service, args=(service.config(),), kwargs={"stop": stop}, daemon=True)
        thread.start()
        while (read_health(db) or {}).get("state") != "running":
            time.sleep(0.05)
        where = "in-process" if args.in_process_sandbox else "separate process"
        print(f"stability interval {args.stable:.1f}s (applies only to files written in place); sandbox "
              f"({where}) with rate limits on; batch_size 50; polling every {args.poll}s; {os.cpu_count()} CPUs")
        started = time.monotonic()
        complete = drop(burst, inbox, 0.0)
        done = wait_for(db, set(complete))
        print(summary(f"{args.files} files at once (rename)", [done[n] - complete[n] for n in complete]),
              f" wall {time.monotonic() - started:.1f}s")
        complete = drop(single, inbox, args.spacing)
        done = wait_for(db, set(complete))
        print(summary(f"{args.files} one at a time, every {args.spacing}s", [done[n] - complete[n] for n in complete]))
        if in_place:
            complete = write_in_place(in_place, inbox, args.spacing)
            done = wait_for(db, set(complete))
            latencies = [done[n] - complete[n] for n in complete]
            print(summary(f"{args.in_place} written in place", latencies))
            print(summary("  same, minus the stability interval", [x - args.stable for x in latencies]))
        stop.set()
        thread.join(30)


if __name__ == "__main__":
    main()
