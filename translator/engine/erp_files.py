"""Writing the demo ERP's replies as files in the layouts of the shipped mappings.

The column headers come from each mapping's ``columns`` table (the first alias of each logical
column), so the files are exactly what an integrator would hand the shipped mappings. Rows are
built per document from the API items the simulator planned.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from translator.fileio import atomic_open

Row = dict[str, Any]
ERP_TIME = "%Y-%m-%d %H:%M:%S"


def erp_time(iso_text: str) -> str:
    return datetime.fromisoformat(iso_text.replace("Z", "+00:00")).strftime(ERP_TIME)


def headers(mapping_path: Path) -> dict[str, str]:
    """Logical column name -> the header the ERP writes (first alias)."""
    spec = yaml.safe_load(mapping_path.read_text("utf-8"))
    if "columns" not in spec and spec.get("extends"):
        return headers(mapping_path.parent / spec["extends"])
    out = {}
    for name, value in (spec.get("columns") or {}).items():
        aliases = value if isinstance(value, list) else (value.get("aliases") or [name])
        out[name] = str(aliases[0])
    return out


def _parties(item: dict[str, Any]) -> Row:
    return {"selling_party": item["sellingParty"]["partyId"], "ship_from": item["shipFromParty"]["partyId"]}


def ack_rows(item: dict[str, Any]) -> Iterator[Row]:
    for line in item["itemAcknowledgements"]:
        yield {"po": item["purchaseOrderNumber"], "vendor_order": item["vendorOrderNumber"],
               "ack_date": erp_time(item["acknowledgementDate"]), **_parties(item),
               "line": line["itemSequenceNumber"], "asin": line["buyerProductIdentifier"],
               "sku": line["vendorProductIdentifier"], "qty": str(line["acknowledgedQuantity"]["amount"]),
               "uom": "Each", "code": item["acknowledgementStatus"]["code"]}


def _box(box: dict[str, Any], seq: int) -> Row:
    return {"package": box["containerIdentifier"], "package_seq": str(seq), "container_type": "Carton",
            "tracking": box.get("trackingNumber", ""), "scac": box.get("scacCode", ""),
            "ship_method": box.get("shipMethod", ""), "weight": box["weight"]["value"], "weight_unit": "LB",
            "length": box["dimensions"]["length"], "width": box["dimensions"]["width"],
            "height": box["dimensions"]["height"], "dim_unit": "IN"}


def confirmation_rows(item: dict[str, Any]) -> Iterator[Row]:
    asins = {int(i["itemSequenceNumber"]): i.get("buyerProductIdentifier", "") for i in item["items"]}
    for seq, box in enumerate(item["containers"], start=1):
        for packed in box["packedItems"]:
            yield {"po": item["purchaseOrderNumber"], "shipped_date": erp_time(item["shipmentDetails"]["shippedDate"]),
                   "status": "SHIPPED", "vendor_order": item["shipmentDetails"].get("vendorOrderNumber", ""),
                   **_parties(item), "line": str(packed["itemSequenceNumber"]),
                   "asin": asins.get(int(packed["itemSequenceNumber"]), ""), "sku": packed["vendorProductIdentifier"],
                   "qty": str(packed["packedQuantity"]["amount"]), "uom": "Each", **_box(box, seq)}


def label_rows(item: dict[str, Any]) -> Iterator[Row]:
    for seq, box in enumerate(item["containers"], start=1):
        for packed in box["packedItems"]:
            yield {"po": item["purchaseOrderNumber"], **_parties(item), **_box(box, seq),
                   "line": str(packed["itemSequenceNumber"]), "sku": packed["vendorProductIdentifier"],
                   "qty": str(packed["packedQuantity"]["amount"]), "uom": "Each"}


def status_rows(item: dict[str, Any]) -> Iterator[Row]:
    details = item["statusUpdateDetails"]
    where = details["statusLocationAddress"]
    yield {"po": item["purchaseOrderNumber"], **_parties(item), "tracking": details["trackingNumber"],
           "status": details["statusCode"], "reason": details["reasonCode"],
           "status_date": erp_time(details["statusDateTime"]), "city": where["city"],
           "state": where["stateOrRegion"], "postal": where["postalCode"], "country": where["countryCode"]}


def invoice_rows(item: dict[str, Any]) -> Iterator[Row]:
    for line in item["items"]:
        yield {"invoice": item["invoiceNumber"], "invoice_date": erp_time(item["invoiceDate"]),
               "remit_to": item["remitToParty"]["partyId"], "ship_from": item["shipFromParty"]["partyId"],
               "currency": item["invoiceTotal"]["currencyCode"], "total": item["invoiceTotal"]["amount"],
               "po": line["purchaseOrderNumber"], "line": line["itemSequenceNumber"],
               "sku": line["vendorProductIdentifier"], "qty": str(line["invoicedQuantity"]["amount"]),
               "uom": "Each", "net_cost": line["netCost"]["amount"]}


def inventory_rows(warehouse: str, feed: dict[str, Any]) -> Iterator[Row]:
    for line in feed["items"]:
        yield {"warehouse": warehouse, "selling_party": feed["sellingParty"]["partyId"],
               "full_update": "false", "sku": line["vendorProductIdentifier"],
               "qty": str(line["availableQuantity"]["amount"]), "uom": "Each"}


def write_table(path: Path, mapping_path: Path, rows: list[Row]) -> Path:
    """A CSV or XLSX file (by suffix) with the mapping's headers; every cell is text."""
    names = headers(mapping_path)
    columns = [name for name in names if any(row.get(name) not in (None, "") for row in rows)]
    table = [[names[c] for c in columns]] + [[str(row.get(c, "")) for c in columns] for row in rows]
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, table)
    else:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(table)
        with atomic_open(path) as stream:
            stream.write(buffer.getvalue().encode("utf-8-sig"))
    return path


def _write_xlsx(path: Path, table: list[list[str]]) -> None:
    import xlsxwriter

    with atomic_open(path) as stream:
        book = xlsxwriter.Workbook(stream, {"in_memory": True})
        sheet = book.add_worksheet("Data")
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
        book.close()


def _segment(tag: str, *values: str) -> Any:
    from translator.records import Record

    return Record(tag, {f"{tag}{i:02d}": v for i, v in enumerate(values, start=1) if v != ""})


def status_214_segments(item: dict[str, Any]) -> Iterator[Any]:
    """One X12 214 per status update: B10 tracking, L11 PO, N1 parties, LX/AT7/MS1 the scan."""
    details = item["statusUpdateDetails"]
    when = datetime.fromisoformat(details["statusDateTime"].replace("Z", "+00:00"))
    where = details["statusLocationAddress"]
    yield _segment("ST", "214")
    yield _segment("B10", details["trackingNumber"], item["purchaseOrderNumber"], "UPSN")
    yield _segment("L11", item["purchaseOrderNumber"], "PO")
    yield _segment("N1", "SU", "", "92", item["sellingParty"]["partyId"])
    yield _segment("N1", "SF", "", "92", item["shipFromParty"]["partyId"])
    yield _segment("LX", "1")
    yield _segment("AT7", details["statusCode"], details["reasonCode"], "", "", when.strftime("%Y%m%d"),
                   when.strftime("%H%M"))
    yield _segment("MS1", where["city"], where["stateOrRegion"], where["countryCode"])


def write_x12(path: Path, segments: list[Any], options: dict[str, Any], control_numbers: Any) -> Path:
    """An X12 interchange written by the x12 format writer (envelope, counts, control numbers)."""
    from translator.formats import get_format

    fmt = get_format("x12")
    with atomic_open(path) as stream:
        writer = fmt.writer(stream, options, control_numbers=control_numbers)
        for segment in segments:
            writer.write(segment)
        writer.close()
    return path
