"""Engine fixtures: a working directory, the in-process sandbox, and a JSON-lines stand-in mapping.

The stand-in mapping (one ``{"kind", "key", "item"}`` per line in, one order per line out) keeps the
engine's own tests independent of the mapping language; the end-to-end tests use the shipped ones.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from translator.engine.config import load_config
from translator.engine.context import open_engine
from translator.mapping.results import MappedDocument
from translator.problems import Problem
from translator.records import SourceRef

SANDBOX_URL = "http://sandbox.test"

CONFIG = """
[api]
endpoint = "http://sandbox.test"
batch_size = 10
[vendor]
selling_party = "999US"
warehouses = ["ABCD", "EFGH"]
[timing]
reconcile_after = 0
poll_interval = 0
prerequisite_timeout = 3600
[[outbound]]
document = "orders"
mapping = "mappings/orders.jsonl.yaml"
name = "orders-{run}.jsonl"
[[inbound]]
pattern = "*.jsonl"
mapping = "mappings/any.jsonl.yaml"
"""


class FakeResult:
    def __init__(self, documents: list[MappedDocument]) -> None:
        self.documents = documents
        self.problems: list[Problem] = []

    def __iter__(self):
        return iter(self.documents)

    def acknowledgement_records(self) -> None:
        return None


class JsonLinesMapping:
    format_name = "jsonl"

    def read(self, source, *, file_name=None) -> FakeResult:
        docs = []
        for number, line in enumerate(source.read().decode().splitlines(), start=1):
            data = json.loads(line)
            docs.append(MappedDocument(data["kind"], data["key"], data["item"], [SourceRef(file=file_name, line=number)]))
        return FakeResult(docs)

    def write(self, orders, target, *, context=None) -> int:
        count = 0
        for order in orders:
            target.write((json.dumps(order) + "\n").encode())
            count += 1
        return count


def rules_validate(doc: Any, facts: Any) -> list[Problem]:
    from translator.documents import rules, schema

    return [*schema.validate(doc.kind, doc.item), *rules.check(doc.kind, doc.item, facts)]


class Clock:
    """A settable clock injected into the engine (no global patching)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def sandbox_session() -> requests.Session:
    from translator.sandbox import SandboxAdapter, SandboxConfig

    session = requests.Session()
    session.mount(SANDBOX_URL, SandboxAdapter(SandboxConfig(orders=8, seed=3, transaction_delay=0,
                                                            rate_limits=False)))
    return session


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "translator.toml").write_text(CONFIG)
    return tmp_path


@pytest.fixture
def engine(workdir: Path, sandbox_session: requests.Session, clock: Clock):
    config = load_config(workdir / "translator.toml")
    eng = open_engine(config, session=sandbox_session, clock=clock)
    eng.load_mapping = lambda path: JsonLinesMapping()
    eng.validate = rules_validate
    eng.progress = lambda message: None
    yield eng
    eng.close()


def drop(engine: Any, name: str, docs: list[tuple[str, str, dict[str, Any]]]) -> Path:
    """Write an inbox file of (kind, key, item) documents."""
    path = engine.config.folders.inbox / name
    path.write_text("".join(json.dumps({"kind": k, "key": key, "item": item}) + "\n" for k, key, item in docs))
    return path


def sandbox_orders(engine: Any) -> dict[str, dict[str, Any]]:
    return {r["po"]: json.loads(r["body"]) for r in engine.store.all("SELECT po, body FROM orders")}


def voc_pos(engine: Any) -> set[str]:
    answer = engine.client._session.get(f"{SANDBOX_URL}/_sandbox/orders").json()
    return {o["purchaseOrderNumber"] for o in answer["orders"] if o["voc"]}


def duplicates(engine: Any) -> list[Any]:
    return engine.client._session.get(f"{SANDBOX_URL}/_sandbox/duplicates").json()["duplicates"]
