"""The engine's working set: configuration, store, API client and clock, built once per command.

Nothing here is global: tests build an :class:`Engine` with their own clock and a client whose
session has the in-process sandbox mounted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from translator.engine.config import Config
from translator.engine.facts import StoreFacts
from translator.engine.store import Store, utcnow

log = logging.getLogger("translator.engine")

API_VERSION_KEYS = {"orders": "orders_version", "shipping": "shipping_version",
                    "transactions": "transactions_version"}


def default_load_mapping(path: Any) -> Any:
    from translator.mapping import load_mapping

    return load_mapping(path)


def default_validate(doc: Any, facts: Any) -> list[Any]:
    from translator.mapping.validation import validate

    return validate(doc, facts)


@dataclass
class Engine:
    """Everything one pass of pull/push/poll needs."""

    config: Config
    store: Store
    client_factory: Callable[[], Any]
    clock: Callable[[], datetime] = utcnow
    progress: Callable[[str], None] = field(default=lambda message: log.info("%s", message))
    load_mapping: Callable[[Any], Any] = default_load_mapping
    validate: Callable[[Any, Any], list[Any]] = default_validate
    _client: Any = None
    fresh: dict[int, Any] = field(default_factory=dict)
    """Documents mapped by this process, by document id: validation uses them as they are instead
    of rebuilding them from their stored JSON (emptied after each judging pass)."""

    @property
    def client(self) -> Any:
        """The API client, created on first use (``status`` never needs one)."""
        if self._client is None:
            self._client = self.client_factory()
        return self._client

    @property
    def facts(self) -> StoreFacts:
        return StoreFacts(self.store, self.config.vendor.warehouses)

    def close(self) -> None:
        if self._client is not None and hasattr(self._client, "close"):
            self._client.close()
        self.store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def client_factory(config: Config, endpoint: str | None = None, session: Any = None, *,
                   max_attempts: int | None = None, max_delay: float | None = None) -> Callable[[], Any]:
    """A function building the SP-API client for ``config`` (``endpoint`` overrides ``[api]``).

    ``max_attempts``/``max_delay`` bound the client's retries (None: the client's defaults); the
    service passes small values so an unreachable API costs one cycle seconds, not minutes.
    """
    retry = {k: v for k, v in (("max_attempts", max_attempts), ("max_delay", max_delay)) if v is not None}

    def build() -> Any:
        from translator.api.client import SpApiClient
        from translator.api.endpoints import resolve_endpoint
        from translator.engine.config import load_credentials

        # like translator.api.config.endpoint_from: --endpoint wins, and then [api] token_url does not apply
        resolved = resolve_endpoint(endpoint or config.api.endpoint, token_url=None if endpoint else config.api.token_url)
        credentials = load_credentials(config, resolved)
        versions = {api: getattr(config.api, attr) for api, attr in API_VERSION_KEYS.items()}
        return SpApiClient(resolved, credentials, session=session, versions=versions,
                           rate_overrides=config.api.rates or None, batch_size=config.api.batch_size, **retry)

    return build


def open_engine(config: Config, *, endpoint: str | None = None, session: Any = None,
                clock: Callable[[], datetime] = utcnow, max_attempts: int | None = None,
                max_delay: float | None = None) -> Engine:
    """Open the store of ``config`` and prepare (lazily) the API client (retry bounds: see client_factory)."""
    for folder in config.folders.all():
        folder.mkdir(parents=True, exist_ok=True)
    store = Store(config.database_path, clock=clock)
    factory = client_factory(config, endpoint, session, max_attempts=max_attempts, max_delay=max_delay)
    return Engine(config, store, factory, clock)
