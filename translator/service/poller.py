"""Transaction polling for ``translator run``, in its own thread with its own engine.

getTransactionStatus is rate-limited; with hundreds of open transactions a polling pass takes many
seconds, and closing finished files fsyncs every move. Neither may hold up a file that has just been
dropped into the inbox, so polling runs beside the intake loop. It only moves submitted work towards
its outcome (transaction status, document outcome, result file, archive/errors) and never submits,
so the two threads can never send the same document twice; SQLite (WAL, ``BEGIN IMMEDIATE``)
serialises their writes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from translator.engine.config import Config
from translator.engine.context import open_engine
from translator.errors import TranslatorError
from translator.service import steps

log = logging.getLogger("translator.service")


def api_retry(config: Config) -> dict[str, Any]:
    """Retry bounds for the service's API clients: a down API must cost a cycle seconds, not minutes,
    so a stop request is honoured quickly; the schedule retries on the next cycle anyway."""
    return {"max_attempts": config.service.api_max_attempts, "max_delay": config.service.api_max_delay}


class PollWorker:
    """Polls every ``interval`` seconds until ``stop`` is set; ``processing`` feeds the health line."""

    def __init__(self, config: Config, stop: threading.Event, interval: float, *, endpoint: str | None = None,
                 session: Any = None, on_error: Callable[[str], None] = lambda message: None) -> None:
        self.config = config
        self.stop = stop
        self.interval = interval
        self.endpoint = endpoint
        self.session = session
        self.on_error = on_error
        self.processing = 0
        self.passes = 0
        self.wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="translator-poll", daemon=True)
        self._thread.start()

    def join(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self.wake.set()
            self._thread.join(timeout)

    def _loop(self) -> None:
        with open_engine(self.config, endpoint=self.endpoint, session=self.session,
                         **api_retry(self.config)) as engine:
            engine.progress = lambda message: log.debug("%s", message)
            while not self.stop.is_set():
                self.poll_once(engine)
                self.wake.wait(self.interval)
                self.wake.clear()

    def poll_once(self, engine: Any) -> None:
        try:
            result = steps.poll_and_close(engine)
        except TranslatorError as exc:
            self.on_error(f"poll: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - polling outlives any single failure
            log.exception("transaction polling failed unexpectedly; retrying next round")
            self.on_error(f"poll: {type(exc).__name__}: {exc}")
            return
        self.processing = result.processing
        self.passes += 1
        for name, where in result.closed:
            log.info("file %s finished: moved to %s", name, "errors/" if where == "errors" else "archive/")
