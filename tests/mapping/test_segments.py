"""Segment inbound: messages, loops, the 856 hierarchies, floor denial, message types."""

from __future__ import annotations

from tests.mapping.helpers import DATA, MAPPINGS
from translator.mapping import load_mapping
from translator.mapping.segments import build_tree
from translator.mapping.spec import Loop
from translator.records import Record


def read(mapping: str, data: str):
    result = load_mapping(MAPPINGS / mapping).read(DATA / data)
    return list(result), result


def test_the_three_856_hierarchies_give_the_same_items() -> None:
    items = []
    for layout in ("sopi", "oip"):
        docs, _ = read("shipment-confirmations.x12.yaml", f"x12/shipment-confirmations.{layout}.856.x12")
        items.append([(i["itemSequenceNumber"], i["shippedQuantity"]["amount"]) for i in docs[0].item["items"]])
    soi, _ = read("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.soi.856.x12")
    items.append([(i["itemSequenceNumber"], i["shippedQuantity"]["amount"]) for i in soi[0].item["items"]])
    assert items == [[(1, 2), (2, 1)]] * 3


def test_packs_become_containers_with_their_items() -> None:
    docs, _ = read("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.sopi.856.x12")
    containers = docs[0].item["containers"]
    assert [(c["containerIdentifier"], [p["itemSequenceNumber"] for p in c["packedItems"]]) for c in containers] == [
        ("PKG1", [1]), ("PKG2", [1, 2])]


def test_order_item_pack_takes_the_pack_s_parent_item() -> None:
    docs, _ = read("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.oip.856.x12")
    packed = [[p["itemSequenceNumber"] for p in c["packedItems"]] for c in docs[0].item["containers"]]
    assert packed == [[1], [2]]


def test_one_856_with_two_order_loops_gives_two_confirmations() -> None:
    docs, _ = read("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.soi.856.x12")
    assert [d.key for d in docs] == ["2JK3S9VC", "7HQ2MM3X"]
    assert all(s.segment for d in docs for s in d.sources)


def test_bsn06_72_rej_is_a_floor_denial() -> None:
    docs, _ = read("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.floor-denial.856.x12")
    assert docs[0].item["shipmentDetails"]["shipmentStatus"] == "FLOOR_DENIAL"


def test_855_line_codes_make_one_order_code() -> None:
    docs, _ = read("acknowledgements.x12.yaml", "x12/acknowledgements.855.x12")
    assert [d.item["acknowledgementStatus"]["code"] for d in docs] == ["03", "00"]
    assert [i["acknowledgedQuantity"]["amount"] for i in docs[0].item["itemAcknowledgements"]] == [2, 1]


def test_a_message_of_another_type_is_a_problem_not_a_document() -> None:
    docs, result = read("invoices.x12.yaml", "x12/acknowledgements.855.x12")
    assert docs == []
    assert [(p.code, p.value) for p in result.problems] == [("MAP-WRONG-MESSAGE", "855")] * 2


def test_x12_input_offers_a_997() -> None:
    _, result = read("acknowledgements.x12.yaml", "x12/acknowledgements.855.x12")
    records = result.acknowledgement_records()
    assert records is not None and any(r.tag == "AK1" for r in records)


def test_edifact_input_offers_a_contrl() -> None:
    _, result = read("invoices.edifact.yaml", "edifact/invoices.invoic.edi")
    records = result.acknowledgement_records()
    assert records is not None and any(r.tag == "UCI" for r in records)


def test_non_hl_loops_nest_with_within() -> None:
    loops = (Loop("pack", "CPS"), Loop("item", "LIN", within="pack"))
    tree = build_tree(loops, [Record("UNH"), Record("CPS"), Record("LIN"), Record("LIN"), Record("CPS"), Record("LIN")])
    assert [(n.name, [c.name for c in n.children]) for n in tree.children] == [
        ("pack", ["item", "item"]), ("pack", ["item"])]


def test_a_truncated_message_is_not_mapped(tmp_path) -> None:
    source = DATA / "x12" / "invoices.810.x12"
    truncated = tmp_path / "truncated.x12"
    truncated.write_bytes(source.read_bytes()[:300])
    result = load_mapping(MAPPINGS / "invoices.x12.yaml").read(truncated)
    assert list(result) == []
    codes = [p.code for p in result.problems]
    assert "MAP-MESSAGE-INCOMPLETE" in codes and "X12-SE-MISSING" in codes


def test_an_empty_file_is_a_problem_not_a_crash(tmp_path) -> None:
    empty = tmp_path / "empty.x12"
    empty.write_bytes(b"")
    result = load_mapping(MAPPINGS / "acknowledgements.x12.yaml").read(empty)
    assert list(result) == [] and result.problems
