"""Fixtures for the API client tests: a fake Amazon, fake time, and a client wired to both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.fakes import CREDS, ENDPOINT, FakeAmazon, FakeTime, session_with
from translator.api.client import SpApiClient


def accept_everything(kind: str, item: Any, **_: Any) -> list:
    return []


@pytest.fixture
def fake() -> FakeAmazon:
    return FakeAmazon()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(fake: FakeAmazon, fake_time: FakeTime) -> Callable[..., SpApiClient]:
    """Build a client on the fake with fake time (no real sleeping) and a permissive validator."""

    def build(**options: Any) -> SpApiClient:
        options.setdefault("validator", accept_everything)
        options.setdefault("rng", lambda: 0.5)
        return SpApiClient(ENDPOINT, CREDS, session=session_with(fake), clock=fake_time.clock,
                           sleep=fake_time.sleep, **options)

    return build


@pytest.fixture
def client(make_client: Callable[..., SpApiClient]) -> SpApiClient:
    return make_client()
