"""Restricted Data Tokens: the access token Amazon demands for operations that return PII.

One RDT can cover up to 50 resources given as generic paths (``{purchaseOrderNumber}`` kept as a
placeholder), and it lives an hour, while the Tokens API allows only 1 request per second. So we
ask once for *every* restricted DF operation of the configured versions and reuse that token until
``EARLY_REFRESH`` seconds (a tenth of its life, if shorter) before it expires.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from translator.api.auth import LwaAuth
from translator.api.operations import Operation, find_operation
from translator.api.transport import Transport
from translator.errors import ApiError

MAX_RESOURCES = 50
EARLY_REFRESH = 300.0
TOKENS_OPERATION = find_operation("createRestrictedDataToken", "2021-03-01")

ResourceSet = tuple[tuple[str, str], ...]


def resource_set(ops: Iterable[Operation]) -> ResourceSet:
    """Sorted, de-duplicated ``(method, generic path)`` pairs for ``ops``."""
    return tuple(sorted({(op.method, op.path) for op in ops}))


class RdtProvider:
    """Fetches and caches RDTs; one cached token per resource set."""

    def __init__(self, transport: Transport, lwa: LwaAuth, restricted_ops: Iterable[Operation], *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._transport = transport
        self._lwa = lwa
        self._default = resource_set(restricted_ops)
        if len(self._default) > MAX_RESOURCES:
            raise ValueError(f"an RDT covers at most {MAX_RESOURCES} resources, got {len(self._default)}")
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[ResourceSet, tuple[str, float]] = {}

    def token_for(self, op: Operation) -> str:
        """An RDT valid for ``op``: the shared one if ``op`` is in the default set, else its own."""
        key = self._default if (op.method, op.path) in self._default else resource_set([op])
        with self._lock:
            cached = self._cache.get(key)
            if cached and self._clock() < cached[1]:
                return cached[0]
            token, lifetime = self._fetch(key)
            self._cache[key] = (token, self._clock() + lifetime - min(EARLY_REFRESH, lifetime / 10))
            return token

    def invalidate(self) -> None:
        """Forget every cached RDT (after a 401 on a restricted call)."""
        with self._lock:
            self._cache.clear()

    def _fetch(self, resources: ResourceSet) -> tuple[str, float]:
        body = {"restrictedResources": [{"method": m, "path": p} for m, p in resources]}
        reply = self._transport.send(TOKENS_OPERATION, _LwaOnly(self._lwa), body=body)
        data = reply.body if isinstance(reply.body, dict) else {}
        data = data.get("payload", data) if isinstance(data.get("payload"), dict) else data
        token = data.get("restrictedDataToken")
        if not isinstance(token, str) or not token:
            raise ApiError("createRestrictedDataToken answered without a restrictedDataToken",
                           status=reply.status, operation=TOKENS_OPERATION.name)
        return token, float(data.get("expiresIn") or 3600)


class _LwaOnly:
    """Authorizer for the Tokens API itself: always the LWA token."""

    def __init__(self, lwa: LwaAuth) -> None:
        self._lwa = lwa

    def token_for(self, op: Operation) -> str:
        return self._lwa.access_token()

    def unauthorized(self, op: Operation) -> None:
        self._lwa.invalidate()


class ClientAuthorizer:
    """RDT for restricted operations, LWA access token for the rest."""

    def __init__(self, lwa: LwaAuth, rdt: RdtProvider) -> None:
        self._lwa = lwa
        self._rdt = rdt

    def token_for(self, op: Operation) -> str:
        return self._rdt.token_for(op) if op.restricted else self._lwa.access_token()

    def unauthorized(self, op: Operation) -> None:
        self._lwa.invalidate()
        if op.restricted:
            self._rdt.invalidate()
