"""Fixtures for the sandbox tests: an in-process app, a session on it, and a small API helper."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import requests

from translator.api.operations import find_operation, match_path
from translator.sandbox import SandboxAdapter, SandboxApp, SandboxConfig

BASE = "http://sandbox.test"
EVER = {"createdAfter": "2000-01-01T00:00:00Z", "createdBefore": "2100-01-01T00:00:00Z"}
START = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: float = START.timestamp()) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Api:
    """Thin test client: LWA token, RDTs per resource, and calls by operation name."""

    def __init__(self, session: requests.Session, base: str = BASE) -> None:
        self.session = session
        self.base = base
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            reply = self.session.post(f"{self.base}/auth/o2/token", data={
                "grant_type": "refresh_token", "client_id": "id", "client_secret": "secret", "refresh_token": "rt"})
            assert reply.status_code == 200, reply.text
            self._token = reply.json()["access_token"]
        return self._token

    def rdt(self, method: str, path: str) -> str:
        reply = self.session.post(f"{self.base}/tokens/2021-03-01/restrictedDataToken",
                                  json={"restrictedResources": [{"method": method, "path": path}]},
                                  headers={"x-amz-access-token": self.token()})
        assert reply.status_code == 200, reply.text
        return reply.json()["restrictedDataToken"]

    def raw(self, method: str, path: str, token: str | None, **kwargs) -> requests.Response:
        headers = {**kwargs.pop("headers", {}), **({"x-amz-access-token": token} if token else {})}
        return self.session.request(method, f"{self.base}{path}", headers=headers, **kwargs)

    def call(self, name: str, version: str = "2021-12-28", path_params: dict | None = None,
             **kwargs) -> requests.Response:
        op = find_operation(name, version)
        path = op.render_path(path_params or {})
        token = self.rdt(op.method, op.path) if op.restricted else self.token()
        return self.raw(op.method, path, token, **kwargs)

    def all_orders(self, version: str = "2021-12-28", **params) -> list[dict]:
        """Every order in the window, following nextToken."""
        query, found = {**EVER, "limit": "100", **params}, []
        while True:
            reply = self.call("getOrders", version, params=query)
            assert reply.status_code == 200, reply.text
            body = reply.json()["payload"] if version == "v1" else reply.json()
            found.extend(body["orders"])
            token = (body.get("pagination") or {}).get("nextToken")
            if not token:
                return found
            query = {**query, "nextToken": token}

    def pick(self, **flags) -> dict:
        """The first order whose sandbox flags match (``voc``, ``labelOnly``), as getOrder serves it."""
        query = "&".join(f"{k}={str(v).lower()}" for k, v in flags.items())
        po = self.admin("GET", f"orders?{query}")["orders"][0]["purchaseOrderNumber"]
        return self.call("getOrder", path_params={"purchaseOrderNumber": po}).json()

    def submit(self, name: str, body: dict, version: str = "2021-12-28", **path_params) -> str:
        reply = self.call(name, version, path_params=path_params or None, json=body)
        assert reply.status_code == 202, reply.text
        payload = reply.json()["payload"] if version == "v1" or name in ("submitInvoice", "submitInventoryUpdate") \
            else reply.json()
        return payload["transactionId"]

    def outcome(self, transaction_id: str, version: str = "2021-12-28") -> dict:
        reply = self.call("getTransactionStatus", version, path_params={"transactionId": transaction_id})
        assert reply.status_code == 200, reply.text
        body = reply.json()["payload"] if version == "v1" else reply.json()
        return body["transactionStatus"]

    def state(self, po: str) -> dict:
        return self.admin("GET", f"orders/{po}")

    def admin(self, method: str, what: str) -> dict:
        reply = self.session.request(method, f"{self.base}/_sandbox/{what}")
        assert reply.status_code == 200, reply.text
        return reply.json()


def make_config(**overrides) -> SandboxConfig:
    base = SandboxConfig(orders=40, transaction_delay=0, rate_limits=False, start_time=START)
    return dataclasses.replace(base, **overrides)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_api() -> Callable[..., Api]:
    def build(**overrides) -> Api:
        app = SandboxApp(make_config(**overrides))
        session = requests.Session()
        session.mount(BASE, SandboxAdapter(app))
        api = Api(session)
        api.app = app  # type: ignore[attr-defined]
        return api
    return build


@pytest.fixture
def api(make_api) -> Api:
    return make_api()


def op_for(method: str, path: str):
    return match_path(method, path)[0]
