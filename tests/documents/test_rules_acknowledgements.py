"""Acknowledgement rules: known code, complete, fill or kill, identifiers as on the PO."""

from __future__ import annotations

import pytest

from tests.documents import factories
from tests.documents.conftest import NOW
from translator.documents.rules import NoFacts, StaticFacts, check

ORDER = factories.order()
FACTS = StaticFacts(orders={ORDER["purchaseOrderNumber"]: ORDER})


def codes(doc, facts=FACTS):
    return [p.code for p in check("acknowledgements", doc, facts, now=NOW)]


def ack(code="00"):
    return factories.acknowledgement(ORDER, code)


@pytest.mark.parametrize("code", ["00", "02", "03", "71"])
def test_complete_acknowledgement_passes(code):
    assert codes(ack(code)) == []


def test_missing_code_is_rejected():
    doc = ack()
    del doc["acknowledgementStatus"]["code"]
    [problem] = check("acknowledgements", doc, NoFacts())
    assert (problem.code, problem.field, problem.document) == ("ACK-CODE-MISSING", "$.acknowledgementStatus.code", "2JK3S9VC")


def test_unknown_code_is_rejected():
    assert codes(ack("99")) == ["ACK-CODE-UNKNOWN"]


def test_missing_line_is_a_partial_acknowledgement():
    doc = ack()
    del doc["itemAcknowledgements"][1]
    [problem] = check("acknowledgements", doc, FACTS)
    assert (problem.code, problem.value) == ("ACK-LINE-MISSING", "00002")


def test_missing_line_needs_the_order_so_is_skipped_without_facts():
    doc = ack()
    del doc["itemAcknowledgements"][1]
    assert codes(doc, NoFacts()) == []


def test_line_not_on_the_order_is_rejected():
    doc = ack()
    doc["itemAcknowledgements"].append({**doc["itemAcknowledgements"][0], "itemSequenceNumber": "00009"})
    assert codes(doc) == ["ACK-LINE-UNKNOWN"]


def test_line_number_must_be_written_as_on_the_order():
    doc = ack()
    doc["itemAcknowledgements"][0]["itemSequenceNumber"] = "1"
    [problem] = check("acknowledgements", doc, FACTS)
    assert (problem.code, problem.value) == ("ACK-LINE-NUMBER-FORMAT", "1")


def test_line_acknowledged_twice_is_rejected_from_the_file_alone():
    doc = ack()
    doc["itemAcknowledgements"].append(dict(doc["itemAcknowledgements"][0]))
    assert codes(doc, NoFacts()) == ["ACK-LINE-DUPLICATE"]


def test_quantity_must_be_whole():
    doc = ack()
    doc["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] = "2"
    assert codes(doc, NoFacts()) == ["ACK-QTY-NOT-WHOLE"]


def test_accepted_line_needs_a_positive_quantity():
    doc = ack()
    doc["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] = 0
    assert codes(doc, NoFacts()) == ["ACK-QTY-NOT-POSITIVE"]
    assert codes(doc) == ["ACK-QTY-NOT-POSITIVE"]


def test_cancelled_line_may_acknowledge_zero():
    doc = ack("03")
    doc["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] = 0
    assert codes(doc) == []


def test_quantity_above_ordered_is_rejected():
    doc = ack()
    doc["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] = 3
    [problem] = check("acknowledgements", doc, FACTS)
    assert (problem.code, problem.field, problem.value) == (
        "ACK-QTY-ABOVE-ORDERED", "$.itemAcknowledgements[0].acknowledgedQuantity.amount", "3")


def test_accepting_less_than_ordered_breaks_fill_or_kill():
    doc = ack()
    doc["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] = 1
    assert codes(doc) == ["ACK-FILL-OR-KILL"]


def test_product_identifier_must_equal_the_orders():
    doc = ack()
    doc["itemAcknowledgements"][1]["vendorProductIdentifier"] = "12345678905"  # leading zeros lost
    [problem] = check("acknowledgements", doc, FACTS)
    assert (problem.code, problem.field) == ("ACK-PRODUCT-MISMATCH", "$.itemAcknowledgements[1].vendorProductIdentifier")


def test_product_identifier_must_be_present():
    doc = ack()
    del doc["itemAcknowledgements"][0]["buyerProductIdentifier"]
    del doc["itemAcknowledgements"][0]["vendorProductIdentifier"]
    assert codes(doc) == ["ACK-PRODUCT-MISSING"]


def test_rules_survive_a_malformed_document():
    doc = {"purchaseOrderNumber": 7, "itemAcknowledgements": ["x", {"acknowledgedQuantity": None}]}
    assert codes(doc) == ["ACK-CODE-MISSING", "ACK-QTY-NOT-WHOLE"]
    assert check("acknowledgements", "not a document", FACTS) == []
