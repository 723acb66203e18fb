"""Invoice rules: a total that reconciles to the cent, a fresh number, only shipped goods."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from translator.documents.rules._common import (
    Context,
    decimal,
    get,
    items_of,
    line_key,
    order_lines,
    ordered_quantity,
    parse_datetime,
    path,
    problem,
    whole,
)
from translator.problems import Problem

CENT = Decimal("0.01")


def check(item: Mapping[str, Any], ctx: Context) -> Iterator[Problem]:
    number = get(item, "invoiceNumber")
    yield from _date(item, ctx, number)
    yield from _quantities(item, number)
    yield from _totals(item, number)
    if isinstance(number, str) and ctx.facts.invoice_number_used(number):
        yield problem("INVOICE-NUMBER-REUSED", "an invoice number may never be used twice",
                      "Give this invoice a new number (resend under the same number only to correct a "
                      "rejected invoice).", path("invoiceNumber"), number, number)
    yield from _against_orders(item, ctx, number)
    yield from _bill_to(item, ctx, number)
    yield from _tax_lines(item, number)
    yield from _hsn_codes(item, number)


def _bill_to(item: Mapping[str, Any], ctx: Context, number: Any) -> Iterator[Problem]:
    """The bill-to party must be exactly the one on each invoiced order."""
    given = get(item, "billToParty", "partyId")
    if not isinstance(given, str):
        return
    pos = {po for _, line in items_of(item, "items") if isinstance(po := line.get("purchaseOrderNumber"), str)}
    for po in sorted(pos):
        expected = get(ctx.facts.order(po), "orderDetails", "billToParty", "partyId")
        if isinstance(expected, str) and expected != given:
            yield problem("INVOICE-BILL-TO-MISMATCH", f"billToParty must be exactly the order's bill-to party "
                          f"({expected} on order {po})", "Copy the bill-to party from the order.",
                          path("billToParty", "partyId"), given, number)


def _date(item: Mapping[str, Any], ctx: Context, number: Any) -> Iterator[Problem]:
    raw = item.get("invoiceDate")
    when = parse_datetime(raw)
    if when is not None and when > ctx.now:
        yield problem("INVOICE-DATE-FUTURE", "the invoice date must be now or earlier",
                      "Date the invoice when it is issued, not in advance.", path("invoiceDate"), raw, number)


def _quantities(item: Mapping[str, Any], number: Any) -> Iterator[Problem]:
    for i, line in items_of(item, "items"):
        raw = get(line, "invoicedQuantity", "amount")
        amount, field = whole(raw), path("items", i, "invoicedQuantity", "amount")
        if amount is None:
            yield problem("INVOICE-QTY-NOT-WHOLE", "invoicedQuantity.amount must be a whole number",
                          "Write the quantity as a whole number of units.", field, raw, number)
        elif amount <= 0:
            yield problem("INVOICE-QTY-NOT-POSITIVE", "an invoiced line must invoice at least one unit",
                          "Remove lines with nothing to invoice.", field, amount, number)


def _money(node: Any, *keys: str) -> Decimal | None:
    return decimal(get(node, *keys, "amount"))


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """Sum, or ``None`` when any value is unreadable (the schema reports it; we do not guess)."""
    total = Decimal(0)
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _cents(value: Decimal | None) -> Decimal | None:
    """``value`` rounded to the cent; ``None`` when unknown or too large to round (an absurd quantity)."""
    if value is None:
        return None
    try:
        return value.quantize(CENT)
    except InvalidOperation:
        return None


def _taxes(node: Any, key: str) -> list[Decimal | None]:
    return [_money(tax, "taxAmount") for _, tax in items_of(node, key)]


def _totals(item: Mapping[str, Any], number: Any) -> Iterator[Problem]:
    total = _money(item, "invoiceTotal")
    if total is None:
        return
    if total == 0:
        yield problem("INVOICE-TOTAL-ZERO", "an invoice whose total is zero is not accepted",
                      "Do not send invoices for nothing.", path("invoiceTotal", "amount"),
                      get(item, "invoiceTotal", "amount"), number)
        return
    yield from _currencies(item, number)
    yield from _tax_reconciles(item, number)
    expected = _cents(_expected_total(item))
    if expected is not None and expected != _cents(total):
        yield problem("INVOICE-TOTAL-MISMATCH", f"the invoice total must equal the lines (net cost x quantity) "
                      f"plus charges plus tax, which is {expected}", "Correct the total or the "
                      "lines so they agree to the cent.", path("invoiceTotal", "amount"),
                      get(item, "invoiceTotal", "amount"), number)


def _expected_total(item: Mapping[str, Any]) -> Decimal | None:
    lines = [(_money(line, "netCost"), whole(get(line, "invoicedQuantity", "amount")))
             for _, line in items_of(item, "items")]
    goods = _sum(None if cost is None or qty is None else cost * qty for cost, qty in lines)
    charges = _sum(_money(c, "chargeAmount") for c in _all_charges(item))
    if items_of(item, "taxTotals"):
        tax = _sum(_taxes(item, "taxTotals"))
    else:
        tax = _line_tax(item)
    if goods is None or charges is None or tax is None:
        return None
    return goods + charges + tax


def _all_charges(item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    charges = [c for _, c in items_of(item, "chargeDetails")]
    for _, line in items_of(item, "items"):
        charges += [c for _, c in items_of(line, "chargeDetails")]
    return charges


def _line_tax(item: Mapping[str, Any]) -> Decimal | None:
    taxes: list[Decimal | None] = []
    for _, line in items_of(item, "items"):
        taxes += _taxes(line, "taxDetails")
    for charge in _all_charges(item):
        taxes += _taxes(charge, "taxDetails")
    return _sum(taxes)


def _tax_reconciles(item: Mapping[str, Any], number: Any) -> Iterator[Problem]:
    has_line_tax = any(items_of(line, "taxDetails") for _, line in items_of(item, "items"))
    if not items_of(item, "taxTotals") or not has_line_tax:
        return
    header, lines = _cents(_sum(_taxes(item, "taxTotals"))), _cents(_line_tax(item))
    if header is not None and lines is not None and header != lines:
        yield problem("INVOICE-TAX-MISMATCH", f"the header tax must equal the sum of line taxes ({lines})",
                      "Correct taxTotals or the line taxDetails so they agree to the cent.",
                      path("taxTotals"), str(header), number)


def _currencies(item: Mapping[str, Any], number: Any) -> Iterator[Problem]:
    codes = {c for c in _currency_codes(item) if isinstance(c, str)}
    if len(codes) > 1:
        yield problem("INVOICE-CURRENCY-MIXED", "all amounts of an invoice must be in one currency",
                      "Invoice each currency separately.", path("invoiceTotal", "currencyCode"),
                      ", ".join(sorted(codes)), number)


def _currency_codes(item: Mapping[str, Any]) -> Iterator[Any]:
    yield get(item, "invoiceTotal", "currencyCode")
    for _, line in items_of(item, "items"):
        yield get(line, "netCost", "currencyCode")
    for charge in _all_charges(item):
        yield get(charge, "chargeAmount", "currencyCode")


def _against_orders(item: Mapping[str, Any], ctx: Context, number: Any) -> Iterator[Problem]:
    invoiced: Counter = Counter()
    unshipped: set[str] = set()
    for i, line in items_of(item, "items"):
        po = line.get("purchaseOrderNumber")
        if not isinstance(po, str):
            continue
        amount = whole(get(line, "invoicedQuantity", "amount"))
        key = line_key(line.get("itemSequenceNumber"))
        if amount is not None and key is not None:
            invoiced[(po, key)] += amount
        if po not in unshipped and ctx.facts.is_shipped(po) is False:
            unshipped.add(po)
            yield problem("INVOICE-PO-NOT-SHIPPED", "goods may be invoiced only after their shipment was confirmed",
                          "Send the shipment confirmation first and wait for it to succeed.",
                          path("items", i, "purchaseOrderNumber"), po, number)
        yield from _line_against_order(line, i, ctx, invoiced[(po, key)], number)


def _line_against_order(line: Mapping[str, Any], i: int, ctx: Context, so_far: int, number: Any) -> Iterator[Problem]:
    po = line["purchaseOrderNumber"]
    lines = order_lines(ctx.facts.order(po))
    if lines is None:
        return
    ordered = lines.get(line_key(line.get("itemSequenceNumber")))
    if ordered is None:
        yield problem("INVOICE-LINE-UNKNOWN", f"order {po} has no line with this itemSequenceNumber",
                      "Use the line numbers of the order being invoiced.",
                      path("items", i, "itemSequenceNumber"), line.get("itemSequenceNumber"), number)
        return
    limit = ordered_quantity(ordered)
    if limit is not None and so_far > limit:
        yield problem("INVOICE-QTY-ABOVE-ORDERED", f"more units are invoiced than the {limit} ordered",
                      "Invoice at most the quantity ordered and shipped.",
                      path("items", i, "invoicedQuantity", "amount"), so_far, number)


def _tax_lines(item: Mapping[str, Any], number: Any) -> Iterator[Problem]:
    """One header tax entry per tax type; DomesticVAT uses the same rate as VAT."""
    rates: dict[Any, Any] = {}
    for i, tax in items_of(item, "taxTotals"):
        kind = tax.get("taxType")
        if not isinstance(kind, str):
            continue
        if kind in rates:
            yield problem("INVOICE-TAX-TYPE-REPEATED", f"the header lists tax type {kind} more than once",
                          "Give one taxTotals entry per tax type, with the summed amount.",
                          path("taxTotals", i, "taxType"), kind, number)
        rates.setdefault(kind, decimal(tax.get("taxRate")))
    vat, domestic = rates.get("VAT"), rates.get("DomesticVAT")
    if vat is not None and domestic is not None and vat != domestic:
        yield problem("INVOICE-DOMESTIC-VAT-RATE", f"DomesticVAT must use the same taxRate as VAT ({vat})",
                      "Use the VAT rate for the DomesticVAT entry; only the currency differs.",
                      path("taxTotals"), str(domestic), number)


def _hsn_codes(item: Mapping[str, Any], number: Any) -> Iterator[Problem]:
    for i, line in items_of(item, "items"):
        code = line.get("hsnCode")
        if isinstance(code, str) and any(ch.isalpha() for ch in code):
            yield problem("INVOICE-HSN-LETTERS", "hsnCode cannot contain letters",
                          "Give the Harmonised System code in digits (dots allowed).",
                          path("items", i, "hsnCode"), code, number)
