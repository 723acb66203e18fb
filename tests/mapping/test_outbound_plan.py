"""The generated outbound plan writes exactly what the reference loop writes, problems included.

Every test writes the same orders twice, once through the plan and once with the plan switched off
(``compile_plan`` returning None leaves the reference loop of :mod:`translator.mapping.outbound`), and
compares the bytes, the problems, and what reached the target before a rejection.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from tests.mapping.helpers import MAPPINGS
from translator.errors import DocumentRejected
from translator.formats import get_format
from translator.mapping import load_mapping, outbound_plan
from translator.mapping.jsonstream import iter_orders

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
SHIPPED = ["orders.csv.yaml", "orders.x12.yaml", "orders.xlsx.yaml", "orders.edifact.yaml", "orders.fixed.yaml"]


def order(n: int, **changes: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    items = [{"itemSequenceNumber": str(i), "buyerProductIdentifier": f"B0{n:07d}{i}",
              "vendorProductIdentifier": f"0{n:011d}{i}", "title": f"Widget {i}",
              "orderedQuantity": {"amount": i, "unitOfMeasure": "Each"},
              "netPrice": {"currencyCode": "USD", "amount": f"{i}9.99"}} for i in (1, 2)]
    made = {"purchaseOrderNumber": f"PO{n:05d}", "orderDetails": {
        "customerOrderNumber": f"123-{n:07d}", "orderDate": "2026-11-22T09:15:00Z", "orderStatus": "NEW",
        "shipmentDetails": {"isPriorityShipment": False, "isScheduledDeliveryShipment": False,
                            "isPslipRequired": True, "isGift": False, "shipMethod": "UPS_GROUND",
                            "shipmentDates": {"requiredShipDate": "2026-11-24T18:00:00Z",
                                              "promisedDeliveryDate": "2026-11-27T23:59:59Z"}},
        "sellingParty": {"partyId": "VENDOR1"}, "shipFromParty": {"partyId": "WH1"},
        "shipToParty": {"name": f"Customer {n}", "addressLine1": f"{n} Main St", "city": "Seattle",
                        "stateOrRegion": "WA", "postalCode": "98109", "countryCode": "US", "phone": "+1 206 555 0100"},
        "billToParty": {"partyId": "AMAZON"}, "items": items}}
    for change in changes.values():
        change(made)
    return made


def _details(o: dict[str, Any]) -> dict[str, Any]:
    return o["orderDetails"]


VARIED = [
    order(1),
    order(2, phone=lambda o: _details(o)["shipToParty"].pop("phone"),
          attention=lambda o: _details(o)["shipToParty"].update(attention="=SUM(A1)", addressLine2="-Apt 5")),
    order(3, gift=lambda o: _details(o)["items"][0].update(giftDetails={"giftMessage": "Happy @day", "giftWrapId": "W"}),
          title=lambda o: _details(o)["items"][1].pop("title")),
    order(4, number=lambda o: _details(o)["items"][0].update(title="-12.50"),
          promised=lambda o: _details(o)["shipmentDetails"]["shipmentDates"].pop("promisedDeliveryDate"),
          customer=lambda o: _details(o).pop("customerOrderNumber")),
    order(5, one=lambda o: _details(o).update(items=_details(o)["items"][:1]),
          gift=lambda o: _details(o)["shipmentDetails"].update(isGift=True)),
    order(6, party=lambda o: _details(o).update(shipToParty="not an object")),   # not a dict where one is read
    order(7, nothing=lambda o: _details(o).update(items=[])),
    order(8, amount=lambda o: _details(o)["items"][0]["netPrice"].update(amount=19.5)),   # a number, not text
]


def _write(mapping_path: Path, orders: list[dict[str, Any]], planned: bool, monkeypatch: pytest.MonkeyPatch,
           **options: Any) -> tuple[bytes, BaseException | None]:
    """(bytes that reached the target, the exception raised or None)."""
    with monkeypatch.context() as patch:
        if not planned:
            patch.setattr(outbound_plan, "compile_plan", lambda *_args: None)
        target = io.BytesIO()
        try:
            load_mapping(mapping_path).write(copy.deepcopy(orders), target,
                                             context={"now": NOW, "options": options or None})
        except (DocumentRejected, TypeError) as exc:  # TypeError: the reference's own, for items that are no list
            return target.getvalue(), exc
        return target.getvalue(), None


def _same(mapping_path: Path, orders: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, **options: Any) -> bytes:
    planned, planned_error = _write(mapping_path, orders, True, monkeypatch, **options)
    reference, reference_error = _write(mapping_path, orders, False, monkeypatch, **options)
    assert planned == reference
    assert repr(planned_error) == repr(reference_error)
    if isinstance(planned_error, DocumentRejected):
        assert planned_error.problems == reference_error.problems  # type: ignore[union-attr]
    return planned


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_orders_mapping_has_a_plan(name: str) -> None:
    mapping = load_mapping(MAPPINGS / name)
    options = {"sender_id": "A", "receiver_id": "B"} if mapping.format_name == "x12" else {}
    writer = get_format(mapping.format_name).writer(io.BytesIO(), {**mapping.compiled.format_raw, **options})
    assert outbound_plan.compile_plan(mapping.compiled, writer, {}, lambda _order: None) is not None


@pytest.mark.parametrize("name", [n for n in SHIPPED if not n.endswith("xlsx.yaml")])
def test_shipped_mappings_write_the_same_bytes_planned_or_not(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _same(MAPPINGS / name, VARIED, monkeypatch)


def test_the_workbook_has_the_same_cells_planned_or_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    orders = [order(n) for n in range(1, 130)] + VARIED  # past the width sample rows, into the hot path
    cells = []
    for planned in (True, False):
        data, error = _write(MAPPINGS / "orders.xlsx.yaml", orders, planned, monkeypatch)
        assert error is None
        path = tmp_path / f"{planned}.xlsx"
        path.write_bytes(data)
        book = CalamineWorkbook.from_path(str(path))
        cells.append([book.get_sheet_by_name(name).to_python() for name in book.sheet_names])
    assert cells[0] == cells[1]


def test_a_refused_date_is_the_same_located_problem_after_the_same_output(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = order(9, date=lambda o: _details(o).update(orderDate="22/11/2026"))
    _same(MAPPINGS / "orders.x12.yaml", [order(1), bad, order(2)], monkeypatch)
    planned, error = _write(MAPPINGS / "orders.x12.yaml", [order(1), bad], True, monkeypatch)
    assert error is not None and error.problems[0].code == "MAP-BAD-DATE"
    assert error.problems[0].document == "PO00009"


def test_an_unknown_unit_is_the_same_located_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = order(9, unit=lambda o: _details(o)["items"][1]["orderedQuantity"].update(unitOfMeasure="Crates"))
    _same(MAPPINGS / "orders.x12.yaml", [order(1), bad], monkeypatch)


@pytest.mark.parametrize("replace", [None, " "])
def test_a_delimiter_in_a_value_is_refused_or_replaced_as_before(replace: str | None,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    bad = order(9, name=lambda o: _details(o)["shipToParty"].update(name="Smith*Jones~Ltd"))
    options = {"replace_delimiters": replace} if replace else {}
    _same(MAPPINGS / "orders.x12.yaml", [order(1), bad, order(2)], monkeypatch, **options)


def test_orders_without_items_are_the_reference_s_business(monkeypatch: pytest.MonkeyPatch) -> None:
    no_items = order(9, drop=lambda o: _details(o).pop("items"))
    for name in SHIPPED[:2]:
        planned, planned_error = _write(MAPPINGS / name, [order(1), no_items], True, monkeypatch)
        reference, reference_error = _write(MAPPINGS / name, [order(1), no_items], False, monkeypatch)
        assert (planned, repr(planned_error)) == (reference, repr(reference_error))


def _custom(tmp_path: Path, records: str, fmt: str = "csv") -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(f"document: orders\ndirection: outbound\nformat: {{name: {fmt}}}\nrecords:\n" + records,
                    encoding="utf-8")
    return path


def test_a_template_field_leaves_the_whole_mapping_to_the_reference(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = _custom(tmp_path, "  - tag: row\n    values:\n      PO: \"{{ order.purchaseOrderNumber }}-x\"\n")
    compiled = load_mapping(path).compiled
    writer = get_format("csv").writer(io.BytesIO(), {})
    assert outbound_plan.compile_plan(compiled, writer, {}, lambda _order: None) is None
    assert _same(path, VARIED, monkeypatch).decode().splitlines()[1] == "PO00001-x"


def test_per_line_values_read_from_the_order_and_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _custom(tmp_path, "  - tag: row\n    each: order.orderDetails.items\n    as: line\n"
                             "    when: line_index != 2 or order.orderDetails.shipmentDetails.isGift\n"
                             "    values:\n      PO: order.purchaseOrderNumber | lower\n"
                             "      N: line_index\n      Sku: line.vendorProductIdentifier | zfill(15)\n"
                             "      Gift: order.orderDetails.shipmentDetails.isGift | yes_no\n"
                             "      Qty: \"line.orderedQuantity.amount | default('0')\"\n")
    text = _same(path, VARIED, monkeypatch).decode()
    assert text.splitlines()[1] == "po00001,1,000000000000011,N,1"


def test_a_context_value_reaches_the_expressions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _custom(tmp_path, "  - tag: row\n    values:\n      PO: order.purchaseOrderNumber\n"
                             "      Now: context.now | string\n")
    assert "2026-11-23 14:30:00+00:00" in _same(path, VARIED[:2], monkeypatch).decode()


def test_the_streamed_benchmark_shape_round_trips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "orders.json"
    source.write_text(json.dumps({"orders": VARIED[:5]}), encoding="utf-8")
    with source.open(encoding="utf-8") as handle:
        streamed = list(iter_orders(handle))
    assert _same(MAPPINGS / "orders.csv.yaml", streamed, monkeypatch)


@pytest.mark.parametrize("name", SHIPPED)
def test_ordinary_orders_never_need_the_reference(name: str) -> None:
    mapping = load_mapping(MAPPINGS / name)
    options = {"sender_id": "A", "receiver_id": "B"} if mapping.format_name == "x12" else {}
    writer = get_format(mapping.format_name).writer(io.BytesIO(), {**mapping.compiled.format_raw, **options}, now=NOW)

    def reference(one: dict[str, Any]) -> None:
        raise AssertionError(f"{one['purchaseOrderNumber']} went the reference way")

    emit = outbound_plan.compile_plan(mapping.compiled, writer, {"now": NOW}, reference)
    assert emit is not None
    for one in copy.deepcopy(VARIED):
        emit(one)


def test_a_filter_given_an_unhashable_value_is_judged_by_the_reference(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = _custom(tmp_path, "  - tag: row\n    values:\n      PO: order.purchaseOrderNumber\n"
                             "      Y: order.orderDetails.shipmentDetails.shipmentDates | format_date('%Y')\n")
    _, error = _write(path, VARIED[:1], True, monkeypatch)
    assert isinstance(error, DocumentRejected) and error.problems[0].code == "MAP-BAD-DATE"
    _same(path, VARIED[:1], monkeypatch)
