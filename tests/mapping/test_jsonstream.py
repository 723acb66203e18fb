"""Orders are streamed one at a time from a getOrders body or a JSON array."""

from __future__ import annotations

import io
import json

import pytest

from translator.errors import DocumentRejected
from translator.mapping import jsonstream

ORDERS = [{"purchaseOrderNumber": f"PO{i}", "note": "x" * 50, "n": i * 1.5} for i in range(20)]


@pytest.mark.parametrize("body", [ORDERS, {"orders": ORDERS, "pagination": {"nextToken": "t"}},
                                  {"pagination": {}, "payload": {"orders": ORDERS}}])
def test_every_accepted_shape_yields_the_orders(body: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", 7)  # values straddle chunk boundaries
    assert list(jsonstream.iter_orders(io.StringIO(json.dumps(body)))) == ORDERS


def test_orders_come_out_before_the_file_is_read_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", 100)
    stream = io.StringIO(json.dumps(ORDERS))
    first = next(jsonstream.iter_orders(stream))
    assert first["purchaseOrderNumber"] == "PO0" and stream.tell() < len(stream.getvalue())


def test_an_empty_array_yields_nothing() -> None:
    assert list(jsonstream.iter_orders(io.StringIO(" [ ] "))) == []


@pytest.mark.parametrize("text", ['{"orders": [{"a": 1}', "42", '{"other": []}', '[{"a": 1}, 3]'])
def test_malformed_bodies_are_a_located_problem(text: str) -> None:
    with pytest.raises(DocumentRejected) as caught:
        list(jsonstream.iter_orders(io.StringIO(text), "orders.json"))
    [problem] = caught.value.problems
    assert problem.code == "MAP-BAD-ORDERS-JSON" and problem.file == "orders.json"
