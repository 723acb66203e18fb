"""Invoice, inventory and label request rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.documents import factories
from tests.documents.conftest import NOW
from translator.documents.rules import AMAZON_ERROR_CODES, RULE_CODES, NoFacts, StaticFacts, check

ORDER = factories.order()
PO = ORDER["purchaseOrderNumber"]
FACTS = StaticFacts(orders={PO: ORDER}, accepted={PO: True}, shipped={PO: True},
                    used_invoice_numbers=frozenset({"INV-OLD"}), warehouses=frozenset({"ABCD"}))


def codes(kind, doc, facts=FACTS, **kw):
    return [p.code for p in check(kind, doc, facts, now=NOW, **kw)]


# ----------------------------------------------------------------- invoices

@pytest.mark.parametrize("tax_rate", [None, "0.10", "0.0725"])
def test_reconciling_invoice_passes(tax_rate):
    assert codes("invoices", factories.invoice(ORDER, tax_rate=tax_rate)) == []


def test_zero_total_is_rejected():
    doc = factories.invoice(ORDER)
    doc["invoiceTotal"]["amount"] = "0.00"
    assert codes("invoices", doc) == ["INVOICE-TOTAL-ZERO"]


def test_total_must_reconcile_to_the_cent():
    doc = factories.invoice(ORDER)
    doc["invoiceTotal"]["amount"] = str(Decimal(doc["invoiceTotal"]["amount"]) + Decimal("0.01"))
    [problem] = check("invoices", doc, NoFacts(), now=NOW)
    assert (problem.code, problem.field) == ("INVOICE-TOTAL-MISMATCH", "$.invoiceTotal.amount")
    assert "25.50" in problem.rule


def test_charges_count_towards_the_total():
    doc = factories.invoice(ORDER)
    doc["chargeDetails"] = [{"type": "GIFTWRAP", "chargeAmount": {"currencyCode": "USD", "amount": "2.00"}}]
    assert codes("invoices", doc) == ["INVOICE-TOTAL-MISMATCH"]
    doc["invoiceTotal"]["amount"] = "27.50"
    assert codes("invoices", doc) == []


def test_money_is_decimal_not_float():
    """0.1 + 0.2 style sums must reconcile exactly."""
    order = factories.order(lines=(("00001", "B1", "V1", 3, "0.10"), ("00002", "B2", "V2", 1, "0.20")))
    doc = factories.invoice(order)
    assert doc["invoiceTotal"]["amount"] == "0.50"
    assert codes("invoices", doc, NoFacts()) == []


def test_absurd_numbers_do_not_crash_the_arithmetic():
    doc = factories.invoice(ORDER)
    doc["items"][0]["invoicedQuantity"]["amount"] = 10**40
    doc["items"][1]["netCost"]["amount"] = "1e999"
    assert codes("invoices", doc, NoFacts()) == []


def test_line_tax_must_equal_header_tax():
    doc = factories.invoice(ORDER, tax_rate="0.10")
    doc["taxTotals"][0]["taxAmount"]["amount"] = "2.56"
    doc["invoiceTotal"]["amount"] = "28.06"
    assert codes("invoices", doc) == ["INVOICE-TAX-MISMATCH"]


def test_mixed_currencies_are_rejected():
    doc = factories.invoice(ORDER)
    doc["items"][0]["netCost"]["currencyCode"] = "EUR"
    assert codes("invoices", doc) == ["INVOICE-CURRENCY-MIXED"]


def test_reused_invoice_number_is_rejected():
    assert codes("invoices", factories.invoice(ORDER, number="INV-OLD")) == ["INVOICE-NUMBER-REUSED"]


def test_invoice_date_in_the_future_is_rejected():
    doc = factories.invoice(ORDER)
    doc["invoiceDate"] = "2030-01-01T00:00:00Z"
    assert codes("invoices", doc) == ["INVOICE-DATE-FUTURE"]


def test_invoice_before_shipment_is_rejected_once_per_po():
    facts = StaticFacts(orders={PO: ORDER}, shipped={PO: False})
    assert codes("invoices", factories.invoice(ORDER), facts) == ["INVOICE-PO-NOT-SHIPPED"]


@pytest.mark.parametrize(("amount", "code"), [(0, "INVOICE-QTY-NOT-POSITIVE"), (1.0, "INVOICE-QTY-NOT-WHOLE")])
def test_invoiced_quantity_must_be_whole_and_positive(amount, code):
    doc = factories.invoice(ORDER)
    doc["items"][1]["invoicedQuantity"]["amount"] = amount
    assert code in codes("invoices", doc)


def test_invoicing_more_than_ordered_is_rejected():
    doc = factories.invoice(ORDER)
    doc["items"][0]["invoicedQuantity"]["amount"] = 3
    doc["invoiceTotal"]["amount"] = "35.50"
    assert codes("invoices", doc) == ["INVOICE-QTY-ABOVE-ORDERED"]


def test_invoice_line_not_on_the_order_is_rejected():
    doc = factories.invoice(ORDER)
    doc["items"][0]["itemSequenceNumber"] = "7"
    assert codes("invoices", doc) == ["INVOICE-LINE-UNKNOWN"]


def test_bill_to_party_must_be_the_orders():
    doc = factories.invoice(ORDER)
    doc["billToParty"] = {"partyId": "AMZN"}
    assert codes("invoices", doc) == []
    doc["billToParty"] = {"partyId": "OTHER"}
    assert codes("invoices", doc) == ["INVOICE-BILL-TO-MISMATCH"]


def test_one_header_entry_per_tax_type():
    doc = factories.invoice(ORDER, tax_rate="0.10")
    half = {"taxType": "ST", "taxRate": "0.10", "taxAmount": {"currencyCode": "USD", "amount": "1.275"}}
    doc["taxTotals"] = [half, dict(half)]
    assert codes("invoices", doc) == ["INVOICE-TAX-TYPE-REPEATED"]


def test_domestic_vat_uses_the_vat_rate():
    doc = factories.invoice(ORDER)
    doc["taxTotals"] = [
        {"taxType": "VAT", "taxRate": "0.19", "taxAmount": {"currencyCode": "USD", "amount": "0"}},
        {"taxType": "DomesticVAT", "taxRate": "0.20", "taxAmount": {"currencyCode": "USD", "amount": "0"}}]
    assert codes("invoices", doc) == ["INVOICE-DOMESTIC-VAT-RATE"]
    doc["taxTotals"][1]["taxRate"] = "0.190"
    assert codes("invoices", doc) == []


def test_hsn_code_has_no_letters():
    doc = factories.invoice(ORDER)
    doc["items"][0]["hsnCode"] = "76.06.92.99.00"
    assert codes("invoices", doc) == []
    doc["items"][0]["hsnCode"] = "76A6"
    assert codes("invoices", doc) == ["INVOICE-HSN-LETTERS"]


# ----------------------------------------------------------------- inventory

def test_inventory_for_a_known_warehouse_passes():
    assert codes("inventory", factories.inventory(), path_params={"warehouseId": "ABCD"}) == []


def test_inventory_for_an_unknown_warehouse_is_rejected():
    assert codes("inventory", factories.inventory(), path_params={"warehouseId": "ZZZZ"}) == ["STOCK-WAREHOUSE-UNKNOWN"]


@pytest.mark.parametrize(("amount", "code"), [(-1, "STOCK-QTY-NEGATIVE"), ("5", "STOCK-QTY-NOT-WHOLE")])
def test_stock_must_be_whole_and_not_negative(amount, code):
    doc = factories.inventory()
    doc["items"][0]["availableQuantity"]["amount"] = amount
    assert codes("inventory", doc, NoFacts()) == [code]


def test_stock_line_needs_a_product_identifier():
    doc = factories.inventory()
    del doc["items"][0]["buyerProductIdentifier"]
    assert codes("inventory", doc, NoFacts()) == ["STOCK-PRODUCT-MISSING"]


# ----------------------------------------------------------------- label requests / createShippingLabels

def test_label_request_for_accepted_order_passes():
    assert codes("label-requests", factories.label_request(ORDER)) == []
    assert codes("shipping-labels", factories.shipping_labels(ORDER), path_params={"purchaseOrderNumber": PO}) == []


def test_label_request_before_acceptance_is_rejected():
    facts = StaticFacts(accepted={PO: False})
    assert codes("label-requests", factories.label_request(ORDER), facts) == ["LABEL-ORDER-NOT-ACCEPTED"]
    assert codes("shipping-labels", factories.shipping_labels(ORDER), facts,
                 path_params={"purchaseOrderNumber": PO}) == ["LABEL-ORDER-NOT-ACCEPTED"]


@pytest.mark.parametrize("value", ["0", "-2", "abc", None, 12])
def test_dimensions_must_be_positive_numbers(value):
    doc = factories.shipping_labels(ORDER)
    doc["containers"][0]["dimensions"]["height"] = value
    [problem] = check("shipping-labels", doc, NoFacts())
    assert (problem.code, problem.field) == ("LABEL-DIMENSION-INVALID", "$.containers[0].dimensions.height")
    assert AMAZON_ERROR_CODES[problem.code] == "INVALID_MESSAGE_PAYLOAD"


def test_missing_dimensions_and_weight_are_rejected():
    doc = factories.shipping_labels(ORDER)
    del doc["containers"][0]["dimensions"]
    del doc["containers"][0]["weight"]
    assert codes("shipping-labels", doc, NoFacts()) == ["LABEL-DIMENSIONS-MISSING", "LABEL-WEIGHT-MISSING"]


@pytest.mark.parametrize("value", ["0", "-1.5", "heavy"])
def test_weight_must_be_a_positive_number(value):
    doc = factories.shipping_labels(ORDER)
    doc["containers"][0]["weight"]["value"] = value
    assert codes("shipping-labels", doc, NoFacts()) == ["LABEL-WEIGHT-INVALID"]


def test_packed_quantities_must_add_up_to_ordered():
    doc = factories.shipping_labels(ORDER)
    doc["containers"][0]["packedItems"].pop()
    [problem] = check("shipping-labels", doc, FACTS, path_params={"purchaseOrderNumber": PO})
    assert problem.code == "LABEL-NOT-ALL-ITEMS-PRESENT"
    assert AMAZON_ERROR_CODES[problem.code] == "NOT_ALL_ITEMS_PRESENT"


def test_label_pieces_each_carry_the_total_quantity():
    one_line = factories.order(lines=(("00001", "B07DFVDRAB", "8806098286500", 2, "10.00"),))
    facts = StaticFacts(orders={PO: one_line}, accepted={PO: True})
    doc = factories.label_request(one_line)
    doc["containers"] = [factories.container(one_line, ident=f"BOX{n}") for n in (1, 2)]
    for number, box in enumerate(doc["containers"], start=1):
        box["packedItems"][0]["pieceNumber"] = number
    assert codes("label-requests", doc, facts) == []
    del doc["containers"][1]["packedItems"][0]["pieceNumber"]
    assert codes("label-requests", doc, facts) == ["LABEL-NOT-ALL-ITEMS-PRESENT"]


def test_label_request_without_containers_needs_no_packing():
    doc = factories.label_request(ORDER)
    del doc["containers"]
    assert codes("label-requests", doc) == []


# ----------------------------------------------------------------- the registry

def test_orders_and_container_labels_have_no_business_rules():
    assert check("orders", ORDER, FACTS) == []
    assert check("container-labels", factories.container_label(), FACTS) == []


def test_rule_codes_are_upper_kebab_and_name_a_kind():
    from translator.documents import KINDS
    assert all(code == code.upper() and " " not in code for code in RULE_CODES)
    assert set(RULE_CODES.values()) <= set(KINDS)
    assert set(AMAZON_ERROR_CODES) <= set(RULE_CODES)
