"""Notice inbox files exactly when they are complete.

watchdog events are only a hint (libraries.md §4: ``closed`` fires for a truncated SFTP upload and never
for a file moved in from another directory; the polling observer has no close events at all). So a file
counts as complete only when

* it was renamed into place (a ``moved`` event whose destination is a non-temporary name), or
* its size and modification time have not changed for ``stable_seconds``.

Temporary names (``.part``, ``.tmp``, ``~$`` Excel lock files, dot files) are ignored. A periodic rescan
catches anything the events missed (inotify overflow, restarts, network shares where only the polling
observer works). The watcher never touches a file: the engine claims a ready file by atomic rename.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from translator.service.names import is_temporary_name

log = logging.getLogger(__name__)


@dataclass
class _Candidate:
    size: int
    mtime_ns: int
    unchanged_since: float
    renamed_in: bool = False


class CompletenessTracker:
    """Decides which files in a directory are complete; pure bookkeeping, clock injected for tests."""

    def __init__(self, directory: Path, stable_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.directory = directory
        self.stable_seconds = stable_seconds
        self._clock = clock
        self._candidates: dict[str, _Candidate] = {}
        self._lock = threading.Lock()

    def observe(self, path: Path, *, renamed_in: bool = False) -> None:
        """Note that ``path`` exists or changed (from an event or a rescan)."""
        if path.parent != self.directory or is_temporary_name(path.name):
            return
        try:
            info = path.stat()
        except FileNotFoundError:
            self.forget(path)
            return
        now = self._clock()
        with self._lock:
            old = self._candidates.get(path.name)
            if old is not None and (old.size, old.mtime_ns) == (info.st_size, info.st_mtime_ns):
                old.renamed_in = old.renamed_in or renamed_in
                return
            self._candidates[path.name] = _Candidate(info.st_size, info.st_mtime_ns, now, renamed_in)

    def forget(self, path: Path) -> None:
        with self._lock:
            self._candidates.pop(path.name, None)

    def rescan(self) -> None:
        """Observe every regular file in the directory (the safety net for missed events)."""
        with os.scandir(self.directory) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    self.observe(Path(entry.path))

    def ready(self) -> list[Path]:
        """Complete files, oldest first; each is returned once (until it changes again)."""
        now = self._clock()
        done: list[tuple[float, str]] = []
        with self._lock:
            for name, candidate in list(self._candidates.items()):
                if candidate.renamed_in or now - candidate.unchanged_since >= self.stable_seconds:
                    done.append((candidate.unchanged_since, name))
                    del self._candidates[name]
        return [self.directory / name for _, name in sorted(done)]

    def pending(self) -> int:
        with self._lock:
            return len(self._candidates)


class _Handler(FileSystemEventHandler):
    def __init__(self, tracker: CompletenessTracker, wake: threading.Event) -> None:
        self.tracker = tracker
        self.wake = wake

    def on_moved(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            if event.src_path:                      # empty: moved in from an unwatched directory
                self.tracker.forget(Path(os.fsdecode(event.src_path)))
            self.tracker.observe(Path(os.fsdecode(event.dest_path)), renamed_in=True)
            self.wake.set()

    def on_created(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.tracker.observe(Path(os.fsdecode(event.src_path)))
            self.wake.set()

    def on_modified(self, event: FileSystemEvent) -> None:
        self.on_created(event)

    def on_closed(self, event: FileSystemEvent) -> None:
        self.on_created(event)   # a hint only: completeness still needs the stability interval

    def on_deleted(self, event: FileSystemEvent) -> None:
        self.tracker.forget(Path(os.fsdecode(event.src_path)))


MOVE_PAIRING_SECONDS = 0.05
"""How long watchdog holds a "moved out" event to pair it with a "moved in" (its default, 0.5 s, is
head-of-line: every claim of ours - a rename out of the inbox - would delay the next file's event)."""


def _native_observer() -> BaseObserver:
    """inotify with full events on Linux, so a file ``mv``-ed in from another directory counts as renamed
    into place (plain inotify reports it as a create, which would wait out the stability interval)."""
    try:
        from watchdog.observers.inotify import InotifyFullEmitter, InotifyObserver
    except Exception:  # noqa: BLE001 - not Linux (or no inotify): the platform's default observer
        return Observer()

    class PromptEmitter(InotifyFullEmitter):
        def on_thread_start(self) -> None:
            super().on_thread_start()
            queue = getattr(getattr(getattr(self, "_inotify", None), "_move_event_grouper", None), "_queue", None)
            if queue is not None and hasattr(queue, "delay"):   # watchdog 7 internals; harmless if they move
                queue.delay = MOVE_PAIRING_SECONDS

    observer = InotifyObserver(generate_full_events=True)
    if hasattr(observer, "_emitter_class"):
        observer._emitter_class = PromptEmitter
    return observer


class InboxWatcher:
    """watchdog observer + completeness tracker + periodic rescan over one inbox directory."""

    def __init__(self, directory: Path, *, stable_seconds: float = 2.0, rescan_seconds: float = 30.0,
                 polling: bool = False) -> None:
        self.directory = directory.resolve()
        self.tracker = CompletenessTracker(self.directory, stable_seconds)
        self.rescan_seconds = rescan_seconds
        self.wake = threading.Event()
        self._observer = PollingObserver(timeout=1.0) if polling else _native_observer()
        self._observer.schedule(_Handler(self.tracker, self.wake), str(self.directory), recursive=False)
        self._last_rescan = 0.0

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._observer.start()
        self.tracker.rescan()   # files that arrived while we were not running
        self._last_rescan = time.monotonic()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)

    def ready(self) -> list[Path]:
        """Complete files now; rescans the directory when the rescan interval has passed."""
        if time.monotonic() - self._last_rescan >= self.rescan_seconds:
            self.tracker.rescan()
            self._last_rescan = time.monotonic()
        return self.tracker.ready()

    def wait(self, timeout: float) -> None:
        """Sleep until an event arrives or ``timeout`` passes (whichever is first)."""
        self.wake.wait(timeout)
        self.wake.clear()
