"""The engine steps ``translator run`` drives, composed from the engine's own functions.

``translator push`` claims *everything* in the inbox; the service must claim only the files the
watcher has judged complete (a half-written file sitting beside them is not ready yet), so this module
claims a given list of paths and then hands over to the engine exactly as a push pass does: register,
parse, advance (prerequisites and validation), submit. Polling, releasing waiting documents and
closing finished files run on their own schedule.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translator.engine import edi_acks, intake, poll, push, reconcile, results
from translator.engine.context import Engine
from translator.fileio import claim, fsync_dir, move_into, unique_target

log = logging.getLogger("translator.service")


@dataclass
class TakeResult:
    claimed: int = 0
    acknowledgements: int = 0
    unrouted: list[str] = field(default_factory=list)
    pushed: push.PushResult = field(default_factory=push.PushResult)


def take_files(engine: Engine, paths: list[Path]) -> TakeResult:
    """Claim ``paths`` (complete inbox files) by atomic rename, then parse, validate and submit them.

    The claims' directory entries are synced once for the whole list, not per file: a claim lost to a
    power cut only puts the file back in the inbox, where the next start claims it again.
    """
    result = TakeResult()
    for path in paths:
        _claim_one(engine, path, result)
    fsync_dir(engine.config.folders.work)
    fsync_dir(engine.config.folders.inbox)
    intake.register_work(engine)
    result.pushed.claimed = result.claimed
    result.pushed.documents = intake.parse_claimed(engine)
    push.advance(engine, result.pushed)
    push.submit_ready(engine, result.pushed)
    return result


def _claim_one(engine: Engine, path: Path, result: TakeResult) -> None:
    folders = engine.config.folders
    if edi_acks.is_acknowledgement(path.name):
        claimed = claim(path, folders.work)
        if claimed is not None:
            apply = edi_acks.apply_997 if path.name.lower().endswith(".997") else edi_acks.apply_contrl
            apply(engine, claimed)
            move_into(claimed, folders.archive, path.name)
            result.acknowledgements += 1
    elif intake.route_for(engine, path.name) is None:
        result.unrouted.append(path.name)
    elif _rename_claim(path, folders.work):
        result.claimed += 1


def _rename_claim(path: Path, work: Path) -> bool:
    """:func:`translator.fileio.claim` without its per-file fsyncs; False when someone else won."""
    try:
        os.rename(path, unique_target(work, path.name))
    except FileNotFoundError:
        return False
    return True


@dataclass
class PollResult:
    processing: int = 0
    closed: list[tuple[str, str]] = field(default_factory=list)


def poll_and_close(engine: Engine) -> PollResult:
    """Check open transactions, settle their documents, close files whose documents are all final.

    Runs in the poll thread with its own engine: it never submits, so it cannot race the intake
    loop into a double submission; it only moves batches and files forward to their outcome.
    """
    return PollResult(processing=poll.poll(engine), closed=results.finalize(engine))


def release(engine: Engine) -> push.PushResult:
    """Documents whose prerequisite has now succeeded (or timed out): judge and submit them."""
    released = push.PushResult()
    push.advance(engine, released)
    push.submit_ready(engine, released)
    return released


def reconcile_stale(engine: Engine) -> int:
    """Intents a killed run left without a transaction id (checked, never blindly resent)."""
    return reconcile.reconcile(engine)


class CachedMappings:
    """``engine.load_mapping`` that compiles each mapping file once (again only when the file changes).

    Compiling a mapping costs tens of milliseconds; a service taking files one by one must not pay it
    per file.
    """

    def __init__(self, load: Callable[[Any], Any]) -> None:
        self._load = load
        self._cache: dict[Path, tuple[tuple[int, int], Any]] = {}

    def __call__(self, path: Any) -> Any:
        key = Path(path)
        try:
            info = key.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            return self._load(path)
        cached = self._cache.get(key)
        if cached is None or cached[0] != stamp:
            cached = (stamp, self._load(path))
            self._cache[key] = cached
        return cached[1]
