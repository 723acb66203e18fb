"""One sandbox server per module on a fake clock; each test starts from fresh orders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.integration.rig import FakeClock, Rig, make_client, sandbox_config
from translator.sandbox import SandboxServer


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def server(clock: FakeClock) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_config(clock)) as running:
        yield running


@pytest.fixture
def admin(server: SandboxServer) -> Callable[[str, str], Any]:
    def call(method: str, what: str) -> Any:
        reply = requests.request(method, f"{server.url}/_sandbox/{what}", timeout=5)
        assert reply.status_code == 200, reply.text
        return reply.json()
    return call


@pytest.fixture
def fresh(server: SandboxServer, clock: FakeClock, admin: Callable[[str, str], Any]) -> None:
    clock.reset()
    admin("POST", "reset")


@pytest.fixture
def make_rig(fresh: None, server: SandboxServer, clock: FakeClock,
             admin: Callable[[str, str], Any]) -> Iterator[Callable[[str], Rig]]:
    clients = []

    def build(version: str) -> Rig:
        client = make_client(server.url, version)
        clients.append(client)
        return Rig(client, admin, clock, version)

    yield build
    for client in clients:
        client.close()
