"""A file is picked up only when complete: renamed into place, or unchanged for the stability interval."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from translator.service.watcher import CompletenessTracker, InboxWatcher


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_file_is_ready_only_after_size_and_mtime_stop_changing(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = CompletenessTracker(tmp_path, stable_seconds=2.0, clock=clock)
    target = tmp_path / "acks.csv"
    target.write_bytes(b"po\n")
    tracker.observe(target)
    clock.now += 1.5
    target.write_bytes(b"po\n0001\n")          # the ERP is still writing
    tracker.observe(target)
    clock.now += 1.5
    assert tracker.ready() == []
    clock.now += 0.6
    assert tracker.ready() == [target]
    assert tracker.ready() == []                # returned once


def test_a_file_renamed_into_place_is_ready_at_once(tmp_path: Path) -> None:
    tracker = CompletenessTracker(tmp_path, stable_seconds=60.0, clock=FakeClock())
    target = tmp_path / "ship.csv"
    target.write_bytes(b"x")
    tracker.observe(target, renamed_in=True)
    assert tracker.ready() == [target]


@pytest.mark.parametrize("name", ["orders.csv.part", "orders.tmp", "~$book.xlsx", ".hidden"])
def test_temporary_names_are_never_ready(tmp_path: Path, name: str) -> None:
    clock = FakeClock()
    tracker = CompletenessTracker(tmp_path, stable_seconds=0.0, clock=clock)
    (tmp_path / name).write_bytes(b"x")
    tracker.rescan()
    clock.now += 10
    assert tracker.ready() == []


def test_a_deleted_candidate_is_forgotten(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = CompletenessTracker(tmp_path, stable_seconds=1.0, clock=clock)
    target = tmp_path / "gone.csv"
    target.write_bytes(b"x")
    tracker.observe(target)
    target.unlink()
    tracker.observe(target)
    clock.now += 5
    assert tracker.ready() == []


def _wait_ready(watcher: InboxWatcher, expected: int, timeout: float = 10.0) -> list[Path]:
    found: list[Path] = []
    deadline = time.monotonic() + timeout
    while len(found) < expected and time.monotonic() < deadline:
        watcher.wait(0.1)
        found.extend(watcher.ready())
    return found


@pytest.mark.parametrize("polling", [False, True])
def test_watcher_sees_files_renamed_in_and_files_written_in_place(tmp_path: Path, polling: bool) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = InboxWatcher(inbox, stable_seconds=0.3, rescan_seconds=0.5, polling=polling)
    watcher.start()
    try:
        staged = inbox / "inv.csv.part"
        staged.write_bytes(b"invoice\n")
        os.replace(staged, inbox / "inv.csv")
        (inbox / "direct.csv").write_bytes(b"direct\n")
        found = _wait_ready(watcher, 2)
    finally:
        watcher.stop()
    assert sorted(p.name for p in found) == ["direct.csv", "inv.csv"]


def test_watcher_picks_up_files_that_were_there_before_it_started(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "early.csv").write_bytes(b"x")
    watcher = InboxWatcher(inbox, stable_seconds=0.1, rescan_seconds=60)
    watcher.start()
    try:
        found = _wait_ready(watcher, 1)
    finally:
        watcher.stop()
    assert [p.name for p in found] == ["early.csv"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify move pairing is Linux-specific")
def test_a_file_moved_in_from_another_directory_counts_as_renamed_into_place(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    elsewhere = tmp_path / "erp-staging" / "acks.csv"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"po\n0001\n")
    watcher = InboxWatcher(inbox, stable_seconds=3600, rescan_seconds=3600)   # stability alone never fires
    watcher.start()
    try:
        os.rename(elsewhere, inbox / "acks.csv")
        found = _wait_ready(watcher, 1)
    finally:
        watcher.stop()
    assert [p.name for p in found] == ["acks.csv"]
