"""``translator run``: the engine as a service over a watched inbox, a schedule and SFTP partners.

One loop in one thread owns the intake engine (its SQLite connection is not shared): it takes the
files the watcher judges complete, submits them at once, and runs pulls, the release of waiting
documents and reconciliation when they are due. Transaction polling and closing finished files run in
a second thread with its own engine (:mod:`translator.service.poller`; it never submits), SFTP in a
third (:mod:`translator.service.sync`; it only moves files in and out of the folders). Every step is guarded: a network drop or an API hiccup is logged and
retried on the next cycle, never fatal. Stopping (SIGTERM, Ctrl-C) lets the step in progress finish;
anything cut short is already recorded in the store as intent and is resumed on the next start.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from translator.engine import pull, status
from translator.engine.batch import exclusive_lock
from translator.engine.config import Config
from translator.engine.context import Engine, open_engine
from translator.errors import TranslatorError
from translator.service import steps
from translator.service.poller import PollWorker, api_retry
from translator.service.schedule import Every
from translator.service.sync import SftpSync
from translator.service.watcher import InboxWatcher

log = logging.getLogger("translator.service")
HEALTH_META = "service.health"
MAX_PAUSE = 1.0          # the loop looks at the stop flag and the schedule at least this often
STABILITY_TICK = 0.05    # while a file is settling, look again this soon


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Health:
    """What the one-line status says; also kept in the store (meta ``service.health``) for status readers."""

    pid: int = field(default_factory=os.getpid)
    started: str = field(default_factory=_now)
    files_seen: int = 0
    files_pushed: int = 0
    submitted: int = 0
    waiting: int = 0
    transactions_pending: int = 0
    pulls: int = 0
    last_pull: str | None = None
    sftp: dict[str, str] = field(default_factory=dict)
    errors: int = 0
    last_error: str | None = None
    state: str = "running"

    def line(self) -> str:
        sftp = "; ".join(f"{name} {state}" for name, state in sorted(self.sftp.items())) or "off"
        return (f"health: files seen {self.files_seen}, pushed {self.files_pushed}, documents submitted "
                f"{self.submitted}, waiting {self.waiting}, transactions pending {self.transactions_pending}, "
                f"last pull {self.last_pull or 'never'}, sftp {sftp}, errors {self.errors}"
                + (f" (last: {self.last_error})" if self.last_error else ""))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Service:
    """The scheduler loop; build it with :func:`run_service` (which takes the lock and opens the engine)."""

    def __init__(self, engine: Engine, *, stop: threading.Event | None = None,
                 clock: Callable[[], float] = time.monotonic, watcher: InboxWatcher | None = None,
                 endpoint: str | None = None, session: Any = None, config: Config | None = None) -> None:
        config = config or engine.config     # the real one: engine.config may be the intake view
        settings = config.service
        self.engine = engine
        self.clock = clock
        self.stop_event = stop or threading.Event()
        self.watcher = watcher or InboxWatcher(config.folders.inbox, stable_seconds=settings.stable_seconds,
                                               rescan_seconds=settings.rescan_seconds,
                                               polling=settings.polling_observer)
        self.sftp = SftpSync(config, self.stop_event, clock=clock)
        engine.load_mapping = steps.CachedMappings(engine.load_mapping)
        self.health = Health(sftp=dict(self.sftp.state))
        self._unrouted: set[str] = set()
        self._last_line = ""
        poll_every = settings.poll_every if settings.poll_every is not None else config.timing.poll_interval
        reconcile_every = max(1.0, min(config.timing.reconcile_after, 60.0))
        poll_every = max(poll_every, STABILITY_TICK)
        self.poller = PollWorker(config, self.stop_event, poll_every, endpoint=endpoint, session=session,
                                 on_error=lambda message: self._note_errors([message]))
        self.tasks = [
            Every("pull", settings.pull_every, self._guarded("pull", self.pull), clock, settings.pull_on_start),
            Every("release", poll_every, self._guarded("release", self.release), clock),
            Every("reconcile", reconcile_every, self._guarded("reconcile", self.reconcile), clock),
        ]
        self.status_task = Every("status", settings.status_every, self.report, clock, start_now=False)

    # -- life cycle --------------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask the loop to finish the step in progress and exit (safe from a signal handler)."""
        self.stop_event.set()
        self.watcher.wake.set()

    def run(self, duration: float | None = None) -> Health:
        """Loop until stopped (or ``duration`` seconds passed); returns the final health."""
        deadline = None if duration is None else self.clock() + duration
        self.start()
        try:
            while not self.stop_event.is_set() and (deadline is None or self.clock() < deadline):
                if self.cycle():
                    self.report(changed_only=True)
                self.status_task.run_if_due()
                self.watcher.wait(self._pause(deadline))
        finally:
            self.shutdown()
        return self.health

    def start(self) -> None:
        self.watcher.start()
        self.sftp.start()
        self.poller.start()
        folders = self.engine.config.folders
        log.info("translator run: watching %s (pid %d, stable after %.1fs), pull every %.0fs, %d SFTP partner(s)",
                 folders.inbox, os.getpid(), self.engine.config.service.stable_seconds,
                 self.engine.config.service.pull_every, len(self.engine.config.sftp))
        self.report()

    def shutdown(self) -> None:
        self.stop_event.set()
        self.watcher.stop()
        self.sftp.join()
        self.poller.join()
        self.health.state = "stopped"
        self.report()
        log.info("translator run: stopped cleanly; anything in flight resumes on the next start")

    # -- one cycle ---------------------------------------------------------------------------------
    def cycle(self) -> bool:
        """Take ready files, then run whatever is due; True when anything ran."""
        did = self.take_ready()
        for task in self.tasks:
            if self.stop_event.is_set():
                break
            did = task.run_if_due() or did
        return did

    def take_ready(self) -> bool:
        """Ready files in chunks of one API batch, so the first are submitted while the rest are read."""
        paths = self.watcher.ready()
        if not paths:
            return False
        self.health.files_seen += len(paths)
        size = self.engine.config.api.batch_size
        for start in range(0, len(paths), size):
            if self.stop_event.is_set():
                break                       # the rest stay in the inbox; the next start takes them
            self._take(paths[start:start + size])
        return True

    def _take(self, paths: list[Path]) -> None:
        taken = self._guarded("push", lambda: steps.take_files(self.engine, paths))()
        if taken is not None:
            self.health.files_pushed += taken.claimed + taken.acknowledgements
            self.health.submitted += taken.pushed.submitted
            self._note_errors(taken.pushed.errors)
            for name in set(taken.unrouted) - self._unrouted:
                log.warning("inbox file %s matches no [[inbound]] pattern; it stays in the inbox", name)
            self._unrouted.update(taken.unrouted)

    def pull(self) -> None:
        result = pull.pull(self.engine)
        self.health.pulls += 1
        self.health.last_pull = _now()
        self._note_errors(result.errors)

    def release(self) -> None:
        result = steps.release(self.engine)
        self.health.submitted += result.submitted
        self._note_errors(result.errors)

    def reconcile(self) -> None:
        steps.reconcile_stale(self.engine)

    def report(self, *, changed_only: bool = False) -> None:
        """Log the one-line status and store it, so ``translator status`` (another process) can read it.

        After a cycle it is written only when something changed; the status task forces a heartbeat.
        """
        self.health.sftp = dict(self.sftp.state)
        self.health.transactions_pending = self.poller.processing
        try:
            self.health.waiting = status.counts(self.engine).get("waiting", 0)
        except Exception as exc:  # noqa: BLE001 - a busy database must not stop the service
            log.warning("could not count waiting documents: %s", exc)
        line = self.health.line()
        if changed_only and line == self._last_line:
            return
        self._last_line = line
        log.info("%s", line)
        try:
            with self.engine.store.transaction() as db:
                self.engine.store.set_meta(HEALTH_META, json.dumps(self.health.to_dict()), db)
        except Exception as exc:  # noqa: BLE001 - a busy database must not stop the service
            log.warning("could not store the health status: %s", exc)

    # -- helpers -----------------------------------------------------------------------------------
    def _guarded(self, name: str, action: Callable[[], Any]) -> Callable[[], Any]:
        """``action`` with every failure logged and counted; the next cycle simply tries again."""

        def run() -> Any:
            try:
                return action()
            except TranslatorError as exc:
                self._note_errors([f"{name}: {exc}"])
            except Exception as exc:  # noqa: BLE001 - the service outlives any single failure
                log.exception("%s failed unexpectedly; retrying next cycle", name)
                self._note_errors([f"{name}: {type(exc).__name__}: {exc}"])
            return None

        return run

    def _note_errors(self, errors: list[str]) -> None:
        for error in errors:
            self.health.errors += 1
            self.health.last_error = error
            log.warning("%s (retried next cycle)", error)

    def _pause(self, deadline: float | None) -> float:
        waits = [MAX_PAUSE, self.status_task.seconds_left(), *(t.seconds_left() for t in self.tasks)]
        if self.watcher.tracker.pending():
            waits.append(STABILITY_TICK)
        if deadline is not None:
            waits.append(deadline - self.clock())
        return max(0.0, min(waits))


def run_service(config: Config, *, endpoint: str | None = None, session: Any = None, duration: float | None = None,
                stop: threading.Event | None = None, on_start: Callable[[Service], None] | None = None) -> Health:
    """Hold the working directory's lock, open the engine and run until stopped.

    A second instance on the same directory fails here with the PID of the one that holds the lock.
    """
    with exclusive_lock(config.base_dir):
        engine = open_engine(intake_config(config), endpoint=endpoint, session=session, **api_retry(config))
        with engine:
            service = Service(engine, stop=stop, endpoint=endpoint, session=session, config=config)
            if on_start is not None:
                on_start(service)
            return service.run(duration)


def intake_config(config: Config) -> Config:
    """The intake loop's view of the config: it never polls transactions itself.

    The engine's submit path polls due transactions between batches (good for ``translator push``);
    in the service the poll thread does that, and a rate-limited status call must not delay a file
    that was just dropped. With an infinite ``poll_interval`` no transaction is ever due here.
    """
    return replace(config, timing=replace(config.timing, poll_interval=math.inf))


def read_health(store_path: Path) -> dict[str, Any] | None:
    """The last health status a running (or stopped) service stored, read without taking the lock."""
    import sqlite3
    from contextlib import closing

    if not store_path.exists():
        return None
    with closing(sqlite3.connect(f"file:{store_path}?mode=ro", uri=True, timeout=5)) as db:
        try:
            row = db.execute("SELECT value FROM meta WHERE key=?", (HEALTH_META,)).fetchone()
        except sqlite3.OperationalError:
            return None
    return json.loads(row[0]) if row else None
