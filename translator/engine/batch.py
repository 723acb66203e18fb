"""``translator batch``: one pass of pull, push and polling under an exclusive lock, for cron.

``fcntl.flock`` on ``<dir>/.translator.lock`` keeps an overlapping cron run (or ``translator run``)
out; the lock dies with the process, so a killed run never leaves it stuck.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from translator.engine import poll, pull, push, results, status
from translator.engine.context import Engine
from translator.errors import RetriableError, TranslatorError

LOCK_NAME = ".translator.lock"


@contextmanager
def exclusive_lock(directory: Path) -> Iterator[None]:
    """Hold the working directory's lock or raise RetriableError saying who holds it."""
    path = directory / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise RetriableError(f"{directory} is busy: translator (pid {holder}) is already running there; "
                                 "this run stops without doing anything, try again when it finishes") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


@dataclass
class BatchSummary:
    pulled: pull.PullResult | None = None
    pushed: push.PushResult | None = None
    open_transactions: int = 0
    closed_files: list[tuple[str, str]] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    outbound_flags: list[dict[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        files_in_error = any(where == "errors" for _, where in self.closed_files)
        return bool(self.errors) or files_in_error


def run_pass(engine: Engine, *, do_pull: bool = True, do_push: bool = True) -> BatchSummary:
    """Pull, push, poll and close finished files; every step's failure is reported, not raised."""
    summary = BatchSummary()
    if do_pull:
        summary.pulled = _step(summary, lambda: pull.pull(engine))
        if summary.pulled:
            summary.errors.extend(summary.pulled.errors)
    if do_push:
        summary.pushed = _step(summary, lambda: push.push(engine))
        if summary.pushed:
            summary.errors.extend(summary.pushed.errors)
    summary.open_transactions = _step(summary, lambda: poll.poll(engine)) or 0
    if do_push:
        released = push.PushResult()
        _step(summary, lambda: push.advance(engine, released, submit=True))
        _step(summary, lambda: push.submit_ready(engine, released, poll_between=True))
        summary.errors.extend(released.errors)
        if summary.pushed:
            summary.pushed.submitted += released.submitted
        summary.closed_files = _step(summary, lambda: results.finalize(engine)) or []
    summary.states = status.counts(engine)
    summary.outbound_flags = status.outbound_flags(engine)
    return summary


def _step(summary: BatchSummary, action):  # type: ignore[no-untyped-def]
    try:
        return action()
    except TranslatorError as exc:
        summary.errors.append(str(exc))
        return None


def batch(engine: Engine) -> BatchSummary:
    """One locked pass; :attr:`BatchSummary.failed` decides the exit code."""
    with exclusive_lock(engine.config.base_dir):
        return run_pass(engine)


def render_summary(summary: BatchSummary) -> str:
    rows = []
    if summary.pulled:
        rows.append(("orders fetched / new", f"{summary.pulled.fetched} / {summary.pulled.new}"))
        rows.append(("outbound files", str(len(summary.pulled.files))))
        rows.append(("labels / slips", f"{len(summary.pulled.labels)} / {len(summary.pulled.slips)}"))
    if summary.pushed:
        rows.append(("inbound files claimed", str(summary.pushed.claimed)))
        rows.append(("documents submitted", str(summary.pushed.submitted)))
    rows.append(("transactions processing", str(summary.open_transactions)))
    archived = sum(1 for _, w in summary.closed_files if w == "archive")
    rows.append(("files archived / in errors", f"{archived} / {len(summary.closed_files) - archived}"))
    for state, n in sorted(summary.states.items()):
        rows.append((f"documents {state}", str(n)))
    for flag in summary.outbound_flags:
        rows.append(("OUTBOUND FILE", f"{flag['file']}: {flag['problem']}"))
    for error in summary.errors:
        rows.append(("ERROR", error))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)
