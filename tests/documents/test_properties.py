"""Property tests: documents built correctly from any order pass; breaking one line is always caught."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.documents import factories
from tests.documents.conftest import NOW
from translator.documents.codelists import acknowledgement_codes
from translator.documents.rules import StaticFacts, check
from translator.documents.schema import validate

ALNUM = string.ascii_uppercase + string.digits


@st.composite
def orders(draw):
    count = draw(st.integers(min_value=1, max_value=6))
    lines = tuple(
        (f"{n:05d}",
         "B0" + draw(st.text(ALNUM, min_size=8, max_size=8)),
         draw(st.text(string.digits, min_size=12, max_size=14)),       # may start with zeros
         draw(st.integers(min_value=1, max_value=50)),
         f"{draw(st.integers(min_value=0, max_value=99999))}.{draw(st.integers(0, 99)):02d}")
        for n in range(1, count + 1))
    po = draw(st.text(ALNUM, min_size=8, max_size=9))
    return factories.order(po=po, lines=lines)


@st.composite
def acknowledgements(draw, an_order):
    """A correct acknowledgement: accept everything in full, or cancel with any cancellation code."""
    code = draw(st.sampled_from(sorted(acknowledgement_codes())))
    doc = factories.acknowledgement(an_order, code)
    if code != "00":
        for line, ordered in zip(doc["itemAcknowledgements"], factories.lines_of(an_order), strict=True):
            line["acknowledgedQuantity"]["amount"] = draw(st.integers(0, ordered["orderedQuantity"]["amount"]))
    doc["itemAcknowledgements"] = draw(st.permutations(doc["itemAcknowledgements"]))
    return doc


def _facts(an_order):
    return StaticFacts(orders={an_order["purchaseOrderNumber"]: an_order})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), an_order=orders())
def test_valid_acknowledgements_for_any_order_pass(data, an_order):
    doc = data.draw(acknowledgements(an_order))
    assert validate("orders", an_order) == []
    assert validate("acknowledgements", doc) == []
    assert check("acknowledgements", doc, _facts(an_order), now=NOW) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), an_order=orders())
def test_dropping_any_line_is_always_a_partial_acknowledgement(data, an_order):
    doc = factories.acknowledgement(an_order)
    index = data.draw(st.integers(0, len(doc["itemAcknowledgements"]) - 1))
    dropped = doc["itemAcknowledgements"].pop(index)
    problems = check("acknowledgements", doc, _facts(an_order), now=NOW)
    assert [(p.code, p.value) for p in problems] == [("ACK-LINE-MISSING", dropped["itemSequenceNumber"])]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(an_order=orders(), tax=st.sampled_from([None, "0.05", "0.19", "0.0725"]))
def test_invoices_for_any_order_reconcile(an_order, tax):
    doc = factories.invoice(an_order, tax_rate=tax)
    facts = StaticFacts(orders={an_order["purchaseOrderNumber"]: an_order})
    assert validate("invoices", doc) == []
    problems = [p.code for p in check("invoices", doc, facts, now=NOW)]
    assert problems == (["INVOICE-TOTAL-ZERO"] if doc["invoiceTotal"]["amount"] in ("0", "0.00") else [])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(an_order=orders())
def test_confirmations_and_label_requests_for_any_order_pass(an_order):
    po = an_order["purchaseOrderNumber"]
    facts = StaticFacts(orders={po: an_order}, accepted={po: True}, vendor_own_carrier={po: True})
    for kind, doc in (("shipment-confirmations", factories.confirmation(an_order)),
                      ("label-requests", factories.label_request(an_order))):
        assert validate(kind, doc) == []
        assert check(kind, doc, facts, now=NOW) == []
