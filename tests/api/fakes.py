"""An in-process fake of Amazon's LWA, Tokens and DF endpoints, mounted as a requests adapter.

No sockets: ``FakeAmazon`` is a ``requests`` transport adapter, so the client's whole stack
(session, headers, timeouts, JSON) runs for real while each test scripts what "Amazon" answers.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import BaseAdapter

from translator.api.credentials import Credentials
from translator.api.endpoints import Endpoint
from translator.api.operations import Operation, match_path

BASE = "https://df.test"
ENDPOINT = Endpoint(BASE, f"{BASE}/auth/o2/token")
CREDS = Credentials("amzn1.application-oa2-client.CLIENTID", "SECRET-client-secret-value",
                    "Atzr|REFRESH-token-value")


@dataclass
class Answer:
    """What the fake answers: status, JSON body (or raw bytes), headers; or an exception to raise."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raise_: BaseException | None = None


@dataclass
class Seen:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    timeout: Any
    op: Operation | None = None
    path_params: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Seen], Answer]


class FakeAmazon(BaseAdapter):
    """Scripted SP-API. ``script(name, *answers)`` queues answers; ``handle(name, fn)`` computes them."""

    def __init__(self, *, token_lifetime: int = 3600, rdt_lifetime: int = 3600) -> None:
        super().__init__()
        self.requests: list[Seen] = []
        self.token_lifetime = token_lifetime
        self.rdt_lifetime = rdt_lifetime
        self.tokens_issued = 0
        self.rdts_issued = 0
        self.rdt_bodies: list[Any] = []
        self._queues: dict[str, deque[Answer]] = {}
        self._handlers: dict[str, Handler] = {}
        self.token_answers: deque[Answer] = deque()

    # -- scripting
    def script(self, name: str, *answers: Answer) -> None:
        self._queues.setdefault(name, deque()).extend(answers)

    def handle(self, name: str, handler: Handler) -> None:
        self._handlers[name] = handler

    def calls(self, name: str) -> list[Seen]:
        return [s for s in self.requests if s.op is not None and s.op.name == name]

    # -- adapter
    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url)
        body: Any = request.body
        if isinstance(body, bytes):
            body = body.decode()
        ctype = request.headers.get("Content-Type", "")
        if body and "json" in ctype:
            body = json.loads(body)
        elif body and "x-www-form-urlencoded" in ctype:
            body = dict(parse_qsl(body))
        seen = Seen(request.method, parts.path, dict(parse_qsl(parts.query)), dict(request.headers), body,
                    kwargs.get("timeout"))
        found = match_path(request.method, parts.path)
        if found:
            seen.op, seen.path_params = found
        self.requests.append(seen)
        answer = self._answer(seen)
        if answer.raise_ is not None:
            raise answer.raise_
        return _response(request, answer)

    def close(self) -> None:
        pass

    def _answer(self, seen: Seen) -> Answer:
        if seen.path == "/auth/o2/token":
            if self.token_answers:
                return self.token_answers.popleft()
            self.tokens_issued += 1
            return Answer(200, {"access_token": f"Atza|lwa-{self.tokens_issued}", "token_type": "bearer",
                                "expires_in": self.token_lifetime})
        name = seen.op.name if seen.op else seen.path
        queue = self._queues.get(name)
        if queue:
            return queue.popleft()
        if name in self._handlers:
            return self._handlers[name](seen)
        if name == "createRestrictedDataToken":
            self.rdts_issued += 1
            self.rdt_bodies.append(seen.body)
            return Answer(200, {"restrictedDataToken": f"Atz.sprdt|rdt-{self.rdts_issued}",
                                "expiresIn": self.rdt_lifetime})
        return Answer(404, {"errors": [{"code": "NotFound", "message": f"no script for {name}"}]})


def _response(request: requests.PreparedRequest, answer: Answer) -> requests.Response:
    response = requests.Response()
    response.status_code = answer.status
    response.request = request
    response.url = request.url
    response.reason = "Fake"
    if isinstance(answer.body, bytes):
        response._content = answer.body
    elif answer.body is None:
        response._content = b""
    else:
        response._content = json.dumps(answer.body).encode()
        response.headers["Content-Type"] = "application/json"
    response.headers.update(answer.headers)
    return response


class FakeTime:
    """A clock that only moves when someone sleeps (or the test advances it)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def session_with(fake: FakeAmazon) -> requests.Session:
    session = requests.Session()
    session.mount("https://", fake)
    session.mount("http://", fake)
    return session
