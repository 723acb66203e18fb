"""Login with Amazon (LWA): exchange the vendor's refresh token for short-lived access tokens.

Access tokens live an hour; we keep one until ``REFRESH_MARGIN`` seconds (a tenth of its life, if
shorter) before it expires, so a request never leaves with a token that dies in flight, and drop it
when the API answers 401.
The request body carries the client secret and refresh token, so nothing here logs bodies or URLs
with query strings, and errors quote only LWA's error code and description.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from translator.api.credentials import Credentials
from translator.api.envelope import normalise_errors, summarise_errors
from translator.api.retry import (
    DEFAULT_TIMEOUTS,
    RetryPolicy,
    TransportError,
    error_for_status,
    is_retriable_status,
    map_transport_errors,
)
from translator.errors import ApiError, RetriableError

log = logging.getLogger("translator.api.auth")

REFRESH_MARGIN = 60.0
TOKEN_OPERATION = "lwaToken"


class LwaAuth:
    """Thread-safe cache of one LWA access token obtained with the refresh-token grant."""

    def __init__(self, session: requests.Session, token_url: str, credentials: Credentials, *,
                 timeouts: tuple[float, float] = DEFAULT_TIMEOUTS, policy: RetryPolicy | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._session = session
        self._token_url = token_url
        self._credentials = credentials
        self._timeouts = timeouts
        self._policy = policy or RetryPolicy()
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def access_token(self) -> str:
        """A valid access token, fetched only when none is cached or it is about to expire."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                self._token, lifetime = self._fetch()
                self._expires_at = self._clock() + lifetime - min(REFRESH_MARGIN, lifetime / 10)
            return self._token

    def invalidate(self) -> None:
        """Forget the cached token (the API said 401), so the next call fetches a fresh one."""
        with self._lock:
            self._token = None

    def _form(self) -> dict[str, str]:
        return {
            "grant_type": "refresh_token",
            "refresh_token": self._credentials.refresh_token,
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
        }

    def _fetch(self) -> tuple[str, float]:
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._fetch_once(attempt)
            except RetriableError as exc:
                if self._policy.exhausted(attempt):
                    raise
                self._sleep(self._policy.delay(attempt, at_least=exc.retry_after or 0.0))

    def _fetch_once(self, attempt: int) -> tuple[str, float]:
        started = self._clock()
        with map_transport_errors(TOKEN_OPERATION):
            response = self._session.post(
                self._token_url, data=self._form(), timeout=self._timeouts,
                headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"})
        log.info("operation=%s status=%s attempt=%d elapsed=%.3fs", TOKEN_OPERATION,
                 response.status_code, attempt, self._clock() - started)
        body = _json_or_none(response)
        if response.status_code != 200:
            raise self._failure(response.status_code, body)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise TransportError(f"{TOKEN_OPERATION}: answer without access_token")
        return token, float(body.get("expires_in") or 3600)

    def _failure(self, status: int, body: Any) -> Exception:
        errors = normalise_errors(body)
        detail = summarise_errors(errors) or f"HTTP {status}"
        if is_retriable_status(status):
            return error_for_status(status, f"LWA token endpoint: {detail}",
                                    operation=TOKEN_OPERATION, errors=errors)
        hint = " (check LWA_CLIENT_ID, LWA_CLIENT_SECRET and SP_API_REFRESH_TOKEN)"
        return ApiError(f"LWA refused the credentials: {detail}{hint}", status=status,
                        operation=TOKEN_OPERATION, errors=errors)


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
