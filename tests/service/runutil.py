"""Running ``translator run`` inside a test: in a thread (same process) or as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translator.service.runner import read_health, run_service

REPO = Path(__file__).resolve().parents[2]


def wait_until(predicate: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it is truthy; fail the test with ``what`` on timeout (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Running:
    stop: threading.Event
    thread: threading.Thread
    box: dict[str, Any] = field(default_factory=dict)

    @property
    def health(self) -> Any:
        return self.box.get("health")


@contextmanager
def service_thread(config: Any, *, limit: float = 25.0) -> Iterator[Running]:
    """The service in a thread (its own engine and store connection), stopped on exit."""
    stop = threading.Event()
    running = Running(stop, threading.Thread(daemon=True))

    def target() -> None:
        try:
            running.box["health"] = run_service(config, stop=stop, duration=limit)
        except BaseException as exc:  # noqa: BLE001 - surfaced to the test below
            running.box["error"] = exc

    running.thread = threading.Thread(target=target, daemon=True)
    running.thread.start()
    wait_until(lambda: "error" in running.box or (read_health(config.database_path) or {}).get("state") == "running",
               what="the service to start")
    if "error" in running.box:
        raise running.box["error"]
    try:
        yield running
    finally:
        stop.set()
        running.thread.join(15)
    assert not running.thread.is_alive(), "the service did not stop"
    if "error" in running.box:
        raise running.box["error"]


def start_subprocess(base: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    """``translator run --dir base`` as a separate process, logging to ``log``."""
    code = "from translator.cli.main import main; main()"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(log, "ab") as stream:
        return subprocess.Popen([sys.executable, "-c", code, "run", "--dir", str(base), *extra],
                                stdout=stream, stderr=stream, env=env, cwd=REPO)
