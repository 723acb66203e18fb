"""SFTP sync for ``translator run``: each partner's remote outbox into the inbox, our outbox to them.

It runs in its own thread so a slow or unreachable server (timeouts, the stability wait, reconnect
backoff) never delays the inbox: a downloaded file is renamed into the inbox, the watcher sees the
rename and the engine takes it from there. The thread has its own ledger connection; it never touches
the engine's store. A network drop is logged and retried next round; a refused host key is logged
every round (it needs a person), and neither stops the service.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from translator.engine.config import Config, SftpSettings
from translator.errors import ConfigError, TranslatorError

log = logging.getLogger("translator.service.sftp")


class Stopping(Exception):
    """Raised from the stability wait when the service stops (the listing is then not trusted)."""


def _secret(env_name: str | None, partner: str, key: str) -> str | None:
    if not env_name:
        return None
    value = os.environ.get(env_name)
    if not value:
        raise ConfigError(f"[[sftp]] {partner}: {key} names the environment variable {env_name}, "
                          "which is not set; export it before starting translator run")
    return value


def partner_from(settings: SftpSettings) -> object:
    """The :class:`~translator.service.sftp.SftpPartner` for one ``[[sftp]]`` table (secrets from env)."""
    from translator.service.sftp import SftpPartner

    return SftpPartner(
        name=settings.name, host=settings.host, username=settings.username, known_hosts=settings.known_hosts,
        port=settings.port, password=_secret(settings.password_env, settings.name, "password_env"),
        key_file=settings.key_file,
        key_passphrase=_secret(settings.key_passphrase_env, settings.name, "key_passphrase_env"),
        remote_inbox=settings.remote_inbox, remote_outbox=settings.remote_outbox,
        after_download=settings.after_download, stable_seconds=settings.stable_seconds,
        connect_timeout=settings.connect_timeout, io_timeout=settings.io_timeout,
        max_attempts=settings.max_attempts, backoff_seconds=settings.backoff_seconds)


class SftpSync:
    """One thread syncing every configured partner on its own interval; ``state`` feeds the health line."""

    def __init__(self, config: Config, stop: threading.Event, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.stop = stop
        self.clock = clock
        self.partners = [(s, partner_from(s)) for s in config.sftp]   # ConfigError now, not at 3 a.m.
        self.state: dict[str, str] = {s.name: "not yet synced" for s in config.sftp}
        self.rounds = 0
        self._next: dict[str, float] = {s.name: clock() for s in config.sftp}
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.partners:
            self._thread = threading.Thread(target=self._loop, name="translator-sftp", daemon=True)
            self._thread.start()

    def join(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        from translator.service.ledger import TransferLedger

        ledger = TransferLedger(self.config.database_path)
        try:
            while not self.stop.is_set():
                self.sync_due(ledger)
                self.stop.wait(self._seconds_to_next())
        finally:
            ledger.close()

    def _seconds_to_next(self) -> float:
        return max(0.05, min(self._next.values(), default=self.clock() + 60) - self.clock())

    def sync_due(self, ledger: object) -> None:
        """Sync every partner whose interval has passed (also callable directly from tests)."""
        for settings, partner in self.partners:
            if self.stop.is_set() or self.clock() < self._next[settings.name]:
                continue
            self.sync_one(settings, partner, ledger)
            self._next[settings.name] = self.clock() + (settings.every or self.config.service.sftp_every)
        self.rounds += 1

    def sync_one(self, settings: SftpSettings, partner: object, ledger: object) -> None:
        from translator.service import sftp

        folders = self.config.folders
        stamp = datetime.now(UTC).strftime("%H:%M:%SZ")
        try:
            got = sftp.pull(partner, folders.inbox, ledger, sleep=self._sleep) if settings.remote_inbox else None
            sent = sftp.push(partner, folders.outbox, ledger, sleep=self._sleep)
        except Stopping:
            self.state[settings.name] = f"stopped mid-sync {stamp}"
            return
        except TranslatorError as exc:
            self.state[settings.name] = f"error {stamp}"
            log.warning("sftp %s: %s (will retry next round)", settings.name, exc)
            return
        except Exception as exc:  # noqa: BLE001 - a partner's odd server must never stop the service
            self.state[settings.name] = f"error {stamp}"
            log.exception("sftp %s: unexpected %s (will retry next round)", settings.name, type(exc).__name__)
            return
        down = len(got.downloaded) if got else 0
        self.state[settings.name] = f"ok {stamp} {down} in/{len(sent.uploaded)} out"

    def _sleep(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Stopping()

