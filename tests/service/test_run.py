"""``translator run``: complete inbox files go straight through to Amazon, on one locked, stoppable loop."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.service.conftest import ServiceDir, make_service_dir
from tests.service.runutil import service_thread, start_subprocess, wait_until
from translator.errors import RetriableError
from translator.service.runner import read_health, run_service
from translator.service.schedule import Every


def write_slowly(target: Path, data: bytes, pieces: int = 4, pause: float = 0.08) -> None:
    """An ERP writing a file in place, in pieces, each pause shorter than the stability interval."""
    step = max(1, len(data) // pieces)
    with open(target, "wb") as stream:
        for start in range(0, len(data), step):
            stream.write(data[start:start + step])
            stream.flush()
            time.sleep(pause)


def test_renamed_and_slowly_written_files_are_submitted_and_reach_success(service_dir: ServiceDir) -> None:
    inbox = service_dir.base / "inbox"
    po_renamed = service_dir.orders[0]["purchaseOrderNumber"]
    po_slow = service_dir.orders[1]["purchaseOrderNumber"]
    slow_bytes = service_dir.ack_bytes(1)
    with service_thread(service_dir.config()) as running:
        service_dir.ack_file(0)                                    # written aside, renamed into place
        write_slowly(inbox / "acknowledgements-slow.csv", slow_bytes)
        (inbox / "acknowledgements-9.csv.part").write_bytes(b"half an upload")
        wait_until(lambda: service_dir.states().get(po_renamed) == "success"
                   and service_dir.states().get(po_slow) == "success", what="both acknowledgements to succeed")
        wait_until(lambda: len(list((service_dir.base / "archive").iterdir())) == 2, what="both files archived")
    assert sorted(p.name for p in (service_dir.base / "archive").iterdir()) == [
        "acknowledgements-0.csv", "acknowledgements-slow.csv"]
    assert list((service_dir.base / "errors").iterdir()) == []
    assert (inbox / "acknowledgements-9.csv.part").exists()      # a temporary name is never taken
    assert running.health.files_pushed == 2 and running.health.errors == 0


def test_status_reads_the_state_while_the_service_runs(service_dir: ServiceDir) -> None:
    from translator.cli.main import cli

    po = service_dir.orders[2]["purchaseOrderNumber"]
    with service_thread(service_dir.config()):
        service_dir.ack_file(2)
        wait_until(lambda: service_dir.states().get(po) == "success", what="the acknowledgement to succeed")
        result = CliRunner().invoke(cli, ["status", "--dir", str(service_dir.base)])
        health = read_health(service_dir.base / "state.db")
    assert result.exit_code == 0, result.output
    assert "success 1" in result.output
    assert health is not None and health["pid"] == os.getpid() and health["state"] == "running"


def test_a_second_instance_refuses_to_start_and_names_the_pid(service_dir: ServiceDir) -> None:
    with service_thread(service_dir.config()), pytest.raises(RetriableError) as refused:
        run_service(service_dir.config(), duration=1)
    assert f"pid {os.getpid()}" in str(refused.value)


def test_pulls_run_on_their_schedule(service_dir: ServiceDir) -> None:
    text = service_dir.config_path.read_text()
    text = text.replace('pull_every = "1h"', 'pull_every = "0.3s"').replace("pull_on_start = false",
                                                                               "pull_on_start = true")
    service_dir.config_path.write_text(text)
    with service_thread(service_dir.config()) as running:
        wait_until(lambda: (read_health(service_dir.base / "state.db") or {}).get("pulls", 0) >= 3,
                   what="three scheduled pulls")
    assert running.health.last_pull is not None and running.health.errors == 0


def test_a_task_runs_again_only_after_its_interval_from_the_end_of_its_last_run() -> None:
    now = [100.0]
    calls: list[float] = []

    def action() -> None:
        calls.append(now[0])
        now[0] += 5.0                       # the pull itself takes 5 s

    task = Every("pull", 3600.0, action, clock=lambda: now[0])
    assert task.run_if_due() and calls == [100.0]
    now[0] += 3599.0
    assert not task.run_if_due() and task.seconds_left() == pytest.approx(1.0)
    now[0] += 1.0
    assert task.run_if_due() and calls == [100.0, 3705.0]
    delayed = Every("pull", 60.0, action, clock=lambda: now[0], start_now=False)
    assert not delayed.due() and delayed.seconds_left() == 60.0


def test_sigterm_exits_zero_with_work_in_flight_and_a_restart_resumes(tmp_path: Path) -> None:
    from translator.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(orders=3, seed=9, transaction_delay=1.5, rate_limits=False, port=0)) as server:
        service = make_service_dir(tmp_path / "work", server.url)
        po = service.orders[0]["purchaseOrderNumber"]
        log = tmp_path / "run.log"
        first = start_subprocess(service.base, log)
        try:
            wait_until(lambda: (read_health(service.base / "state.db") or {}).get("pid") == first.pid,
                       what="the subprocess to start")
            service.ack_file(0)
            wait_until(lambda: service.states().get(po) == "submitted", what="the submission")
            first.send_signal(signal.SIGTERM)
            assert first.wait(15) == 0, log.read_text()
        finally:
            first.kill() if first.poll() is None else None
        assert service.states()[po] == "submitted"                  # Processing at Amazon when we stopped
        assert "stopped cleanly" in log.read_text()
        second = start_subprocess(service.base, log)
        try:
            wait_until(lambda: service.states().get(po) == "success", what="the restart to finish the document")
            second.send_signal(signal.SIGINT)                         # Ctrl-C
            assert second.wait(15) == 0, log.read_text()
        finally:
            second.kill() if second.poll() is None else None
    assert [p.name for p in (service.base / "archive").iterdir()] == ["acknowledgements-0.csv"]


def test_a_997_for_our_outbound_x12_is_matched_while_the_service_runs(service_dir: ServiceDir) -> None:
    import sqlite3

    from translator.engine.context import open_engine
    from translator.engine.demo import _answer_850

    sent = next(p.name for p in (service_dir.base / "outbox").iterdir() if p.suffix == ".x12")
    with open_engine(service_dir.config()) as engine:
        answer = _answer_850(engine, sent)                 # the ERP's 997, left in the inbox

    def acknowledged() -> bool:
        with sqlite3.connect(service_dir.base / "state.db", timeout=10) as db:
            row = db.execute("SELECT ack_status FROM outbound_files WHERE name=?", (sent,)).fetchone()
        return bool(row and row[0] == "A")

    with service_thread(service_dir.config()):
        wait_until(acknowledged, what="the 997 to be matched to the X12 file we sent")
    assert [p.name for p in (service_dir.base / "archive").iterdir()] == [answer]
