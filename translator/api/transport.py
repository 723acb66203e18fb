"""One SP-API request, done properly: rate-limited, authorised, timed out, retried, mapped.

Every call of the client goes through :meth:`Transport.send`, which is the only place that talks
to ``requests``: it waits for the operation's token bucket, attaches the access token (LWA or RDT,
chosen by an :class:`Authorizer`), sends with explicit (connect, read) timeouts, renews the token
once on 401, backs off and retries 429/5xx/transport failures, and raises our own errors otherwise.
A submission whose request may have reached Amazon before the connection failed is not re-sent
(unless ``resend_uncertain``): a duplicate invoice is worse than a retry the caller decides on.
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import requests

from translator import __version__
from translator.api.envelope import normalise_errors, summarise_errors
from translator.api.operations import Operation
from translator.api.ratelimit import RateLimiter
from translator.api.retry import (
    DEFAULT_TIMEOUTS,
    RetryPolicy,
    SubmissionUncertain,
    TransportError,
    error_for_status,
    is_retriable_status,
    map_transport_errors,
    retry_after_seconds,
)
from translator.errors import ApiError

log = logging.getLogger("translator.api")

# Amazon asks for "AppId/AppVersionId (Language=...)" (DevGuide-2021)
DEFAULT_USER_AGENT = f"translator/{__version__} (Language=Python/{platform.python_version()})"


class Authorizer(Protocol):
    """Supplies the ``x-amz-access-token`` for an operation and forgets it after a 401."""

    def token_for(self, op: Operation) -> str: ...

    def unauthorized(self, op: Operation) -> None: ...


@dataclass(frozen=True)
class Reply:
    """A successful answer: HTTP status, parsed JSON body (``None`` if empty) and headers."""

    status: int
    body: Any
    headers: Mapping[str, str]


class Transport:
    """Sends requests for catalogue operations against one API base URL."""

    def __init__(self, session: requests.Session, api_base: str, *, limiter: RateLimiter,
                 policy: RetryPolicy, timeouts: tuple[float, float] = DEFAULT_TIMEOUTS,
                 user_agent: str = DEFAULT_USER_AGENT, resend_uncertain: bool = False,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._session = session
        self._resend_uncertain = resend_uncertain
        self._base = api_base.rstrip("/")
        self.limiter = limiter
        self._policy = policy
        self._timeouts = timeouts
        self._user_agent = user_agent
        self._clock = clock
        self._sleep = sleep

    def send(self, op: Operation, auth: Authorizer, *, path_params: Mapping[str, str] | None = None,
             query: Mapping[str, Any] | None = None, body: Any = None) -> Reply:
        """Send ``op`` until it succeeds, fails for good, or the retry budget is spent."""
        url = self._base + op.render_path(dict(path_params or {}))
        params = _query(query)
        attempt, renewed = 0, False
        while True:
            attempt += 1
            self.limiter.acquire(op)
            # The token is fetched outside the retry below: LWA and RDT requests have their own retry
            # budget, and nesting the two loops would multiply attempts against a dead endpoint.
            token = auth.token_for(op)
            try:
                response = self._exchange(op, token, url, params, body, attempt)
            except TransportError as exc:
                if exc.maybe_sent and not (op.idempotent or self._resend_uncertain):
                    raise SubmissionUncertain(f"{exc} - {op.name} may have reached Amazon; check the "
                                              f"transaction or order state before submitting again") from exc
                if self._policy.exhausted(attempt):
                    raise
                self._sleep(self._policy.delay(attempt))
                continue
            status = response.status_code
            if status == 401 and not renewed:
                renewed = True
                attempt -= 1  # a token renewal is not a retry of a transient failure
                auth.unauthorized(op)
                continue
            if 200 <= status < 300:
                return Reply(status, _json(op, response), response.headers)
            if status == 429:
                self.limiter.throttled(op, response.headers.get("x-amzn-RateLimit-Limit"))
            if not is_retriable_status(status) or self._policy.exhausted(attempt):
                raise self._failure(op, response, attempt)
            self._sleep(self._backoff(op, response, attempt))

    def _exchange(self, op: Operation, token: str, url: str, params: dict[str, str] | None,
                  body: Any, attempt: int) -> requests.Response:
        headers = {
            "x-amz-access-token": token,
            "x-amz-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
            "user-agent": self._user_agent,
            "accept": "application/json",
        }
        started = self._clock()
        with map_transport_errors(op.key):
            response = self._session.request(op.method, url, params=params, json=body,
                                             headers=headers, timeout=self._timeouts)
        # routine successes at DEBUG (10k calls a run); retries and failures at INFO
        level = logging.DEBUG if attempt == 1 and response.status_code < 400 else logging.INFO
        log.log(level, "operation=%s status=%s attempt=%d elapsed=%.3fs requestId=%s", op.key,
                response.status_code, attempt, self._clock() - started,
                response.headers.get("x-amzn-RequestId", "-"))
        return response

    def _backoff(self, op: Operation, response: requests.Response, attempt: int) -> float:
        floor = retry_after_seconds(response.headers) or 0.0
        if response.status_code == 429:
            floor = max(floor, 1.0 / self.limiter.bucket(op).rate)
        return self._policy.delay(attempt, at_least=floor)

    def _failure(self, op: Operation, response: requests.Response, attempt: int) -> Exception:
        status = response.status_code
        errors = normalise_errors(_json_or_none(response))
        detail = summarise_errors(errors) or response.reason or "no error details"
        tries = f" after {attempt} attempts" if attempt > 1 else ""
        message = f"{op.name} ({op.version}) answered HTTP {status}{tries}: {detail}"
        request_id = response.headers.get("x-amzn-RequestId")
        if request_id:  # what Amazon support asks for
            message += f" [x-amzn-RequestId {request_id}]"
        return error_for_status(status, message, operation=op.name, errors=errors,
                                retry_after=retry_after_seconds(response.headers))


def _query(query: Mapping[str, Any] | None) -> dict[str, str] | None:
    """Query parameters as strings; booleans as ``true``/``false`` (the models type them as strings)."""
    if not query:
        return None
    params: dict[str, str] = {}
    for key, value in query.items():
        if value is None:
            continue
        if isinstance(value, bool):
            params[key] = "true" if value else "false"
        elif isinstance(value, datetime):
            params[key] = format_datetime(value)
        else:
            params[key] = str(value)
    return params


def format_datetime(value: datetime) -> str:
    """ISO-8601 with an explicit offset (naive datetimes are taken as UTC, as the API assumes)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _json_or_none(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _json(op: Operation, response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise ApiError(f"{op.name} ({op.version}) answered HTTP {response.status_code} with a body "
                       f"that is not JSON", status=response.status_code, operation=op.name) from exc
