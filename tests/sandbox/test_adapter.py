"""The in-process adapter behaves like the HTTP server, faults included."""

from __future__ import annotations

import pytest
import requests

from tests.sandbox.conftest import make_config
from translator.sandbox import FaultConfig, SandboxAdapter, SandboxApp


def test_adapter_builds_its_own_app_from_a_config():
    adapter = SandboxAdapter(make_config(orders=3))
    assert isinstance(adapter.app, SandboxApp) and len(adapter.app.state.orders) == 3


def test_adapter_turns_a_dropped_connection_into_connection_error():
    session = requests.Session()
    session.mount("http://sb", SandboxAdapter(make_config(faults=FaultConfig(drop=1.0))))
    with pytest.raises(requests.ConnectionError):
        session.get("http://sb/vendor/directFulfillment/transactions/v1/transactions/x")


def test_adapter_answers_carry_request_id_and_rate_headers():
    session = requests.Session()
    session.mount("http://sb", SandboxAdapter(make_config()))
    reply = session.get("http://sb/vendor/directFulfillment/transactions/v1/transactions/x")
    assert reply.status_code == 401
    assert reply.headers["x-amzn-RequestId"] and reply.headers["x-amzn-RateLimit-Limit"] == "10"
    assert reply.json()["errors"][0]["code"] == "Unauthorized"
