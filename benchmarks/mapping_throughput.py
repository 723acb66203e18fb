"""Mapping engine throughput: every job beside its plain-Python floor, measured in the same run.

Generates, for N orders (two lines each, so about 2N lines), a getOrders-style orders file, an 856
(Shipment/Order/Pack/Item), an 810, and CSV and XLSX shipment-confirmation files; then runs each job
and its floor in a fresh subprocess (so peak RSS, from ``resource.getrusage``, is per job):

* orders JSON -> CSV / X12 850 / XLSX with the shipped mappings, orders read through the streaming
  JSON reader (never ``json.load``); floors: the same reader + a hand-written flatten + ``csv.writer`` /
  ``str.join`` / xlsxwriter ``constant_memory`` with ``write_string``;
* 856 / 810 -> API JSON lines with the shipped mappings (X12 reader with envelope validation);
  floor: a hand-written streaming segment mapper (chunks, split, dicts, ``json.dumps``);
* CSV / XLSX shipment confirmations -> API JSON; floors: ``csv.reader`` / python-calamine + a
  hand-written mapping.

Each floor writes exactly what its engine job writes, which is checked after every job (sha256 of the
bytes; every cell value for XLSX) so a floor cannot quietly do less work; outbound jobs give the writers a
fixed clock (``NOW``) so the X12 envelope dates agree.

Usage: ``python benchmarks/mapping_throughput.py [--orders 100000] [--flat 10000] [--only JOB ...] [--repeat 3]``.
``--flat`` also runs the engine jobs at a second (smaller) size to show peak memory does not grow
with the file. Speed is measured here, never in the test suite.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MAPPINGS = REPO / "mappings"
CHUNK = 1 << 20
NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)   # the writers' clock in engine and floor jobs


# -- generated inputs ------------------------------------------------------------------------
def _order(n: int) -> dict[str, Any]:
    po = f"PO{n:08d}"
    items = [{"itemSequenceNumber": str(i), "buyerProductIdentifier": f"B0{n:07d}{i}",
              "vendorProductIdentifier": f"0{n:011d}{i}", "title": f"Widget {i} \"large\"",
              "orderedQuantity": {"amount": i, "unitOfMeasure": "Each"},
              "netPrice": {"currencyCode": "USD", "amount": f"{i}9.99"}} for i in (1, 2)]
    return {"purchaseOrderNumber": po, "orderDetails": {
        "customerOrderNumber": f"123-{n:07d}-1234567", "orderDate": "2026-11-22T09:15:00Z", "orderStatus": "NEW",
        "shipmentDetails": {"isPriorityShipment": False, "isScheduledDeliveryShipment": False, "isPslipRequired": True,
                            "isGift": False, "shipMethod": "UPS_GROUND",
                            "shipmentDates": {"requiredShipDate": "2026-11-24T18:00:00Z",
                                              "promisedDeliveryDate": "2026-11-27T23:59:59Z"}},
        "sellingParty": {"partyId": "VENDOR1"}, "shipFromParty": {"partyId": "WH1"},
        "shipToParty": {"name": f"Customer {n}", "addressLine1": f"{n} Main St", "city": "Seattle",
                        "stateOrRegion": "WA", "postalCode": "98109", "countryCode": "US", "phone": "+1 206 555 0100"},
        "billToParty": {"partyId": "AMAZON"}, "items": items}}


def write_orders(path: Path, orders: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"orders": [\n')
        for n in range(1, orders + 1):
            out.write(("," if n > 1 else "") + json.dumps(_order(n)) + "\n")
        out.write('], "pagination": {}}\n')


def _isa() -> str:
    return ("ISA*00*          *00*          *ZZ*ACMEVENDORDF   *ZZ*AMAZONDS       *261123*1430*U*00401*"
            "000000001*0*P*>~\n")


def _856(n: int) -> list[str]:
    po = f"PO{n:08d}"
    segs = [f"BSN*00*SHP{n:08d}*20261123*1415", "HL*1**S", "TD5**2*UPSN**UPS_GROUND", "HL*2*1*O", f"PRF*{po}",
            "N1*SU**92*VENDOR1", "N1*SF**92*WH1", "HL*3*2*P", f"MAN*GM*PKG{n:08d}", f"REF*CN*1Z{n:012d}",
            "TD1******G*2.5*LB"]
    for i in (1, 2):
        segs += [f"HL*{3 + i}*3*I", f"LIN*{i}*BP*B0{n:07d}{i}*VN*0{n:011d}{i}", f"SN1**{i}*EA"]
    return [*segs, "CTT*2"]


def _810(n: int) -> list[str]:
    return [f"BIG*20261124*INV{n:08d}**PO{n:08d}", "CUR*SE*USD", "N1*RI**92*VENDOR1", "N1*SF**92*WH1",
            f"IT1*1*1*EA*19.99**BP*B0{n:07d}1*VN*0{n:011d}1", f"IT1*2*2*EA*29.99**BP*B0{n:07d}2*VN*0{n:011d}2",
            "TDS*7997", "CTT*2"]


def write_x12(path: Path, st01: str, orders: int) -> int:
    """One interchange, one group of ``orders`` sets; returns the segment count."""
    body, fid = (_856, "SH") if st01 == "856" else (_810, "IN")
    count = 4
    with open(path, "w", encoding="ascii", newline="\n") as out:
        out.write(_isa() + f"GS*{fid}*ACMEVENDORDF*AMAZONDS*20261123*1430*1*X*004010~\n")
        for n in range(1, orders + 1):
            segs = body(n)
            out.write(f"ST*{st01}*{n:09d}~\n" + "~\n".join(segs) + f"~\nSE*{len(segs) + 2}*{n:09d}~\n")
            count += len(segs) + 2
        out.write(f"GE*{orders}*1~\nIEA*1*000000001~\n")
    return count


CONFIRM_HEADER = ["PO", "Shipped Date", "Selling Party", "Ship From", "Line", "ASIN", "SKU", "Qty", "Package ID",
                  "Package Seq", "Tracking", "SCAC", "Ship Method", "Weight", "Weight Unit"]


def _confirm_rows(orders: int) -> Iterator[list[str]]:
    for n in range(1, orders + 1):
        for i in (1, 2):
            yield [f"PO{n:08d}", "2026-11-23 10:00:00", "VENDOR1", "WH1", str(i), f"B0{n:07d}{i}", f"0{n:011d}{i}",
                   str(i), f"PKG{n:08d}", "1", f"1Z{n:012d}", "UPSN", "UPS_GROUND", "2.5", "LB"]


def write_confirm_csv(path: Path, orders: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(CONFIRM_HEADER)
        w.writerows(_confirm_rows(orders))


def write_confirm_xlsx(path: Path, orders: int) -> None:
    import xlsxwriter
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Shipments")
    for c, v in enumerate(CONFIRM_HEADER):
        sheet.write_string(0, c, v)
    for r, row in enumerate(_confirm_rows(orders), start=1):
        for c, v in enumerate(row):
            sheet.write_string(r, c, v)
    book.close()


def generate(directory: Path, orders: int, jobs: list[str]) -> dict[str, int]:
    """The inputs the selected jobs read, for ``orders`` orders; returns units per input kind."""
    wanted = {JOBS[job][0] for job in jobs}
    units = {"orders": orders, "confirm": 2 * orders}
    if "orders.json" in wanted:
        write_orders(directory / "orders.json", orders)
    for st01 in ("856", "810"):
        if f"in.{st01}" in wanted:
            units[st01] = write_x12(directory / f"in.{st01}", st01, orders)
    if "confirm.csv" in wanted:
        write_confirm_csv(directory / "confirm.csv", orders)
    if "confirm.xlsx" in wanted:
        write_confirm_xlsx(directory / "confirm.xlsx", orders)
    return units


# -- engine jobs ------------------------------------------------------------------------------
def _outbound(mapping: str, src: Path, out: Path) -> None:
    """The engine job; a fixed clock (``now``) so its ISA/GS dates equal the floor's, byte for byte."""
    from translator.mapping import load_mapping
    from translator.mapping.jsonstream import iter_orders
    with open(src, encoding="utf-8") as handle, open(out, "wb") as target:
        load_mapping(MAPPINGS / mapping).write(iter_orders(handle), target, context={"now": NOW})


def _sorted(mapping: str, directory: Path) -> Path:
    """The shipped mapping with ``sorted_input: true`` (the generated files are sorted by PO)."""
    path = directory / f"sorted-{mapping}"
    path.write_text(f"extends: {MAPPINGS / mapping}\ncodelists_dir: {MAPPINGS / 'codelists'}\nsorted_input: true\n",
                    encoding="utf-8")
    return path


def _inbound(mapping: str | Path, src: Path, out: Path) -> None:
    from translator.mapping import load_mapping
    result = load_mapping(MAPPINGS / mapping).read(src)
    bad = 0
    with open(out, "w", encoding="utf-8") as target:
        for doc in result:
            bad += bool(doc.problems)
            target.write(json.dumps(doc.item) + "\n")
    if bad or result.problems:
        raise SystemExit(f"{mapping}: {bad} documents with problems, file problems {result.problems[:3]}")


# -- floors -----------------------------------------------------------------------------------
# The outbound floors write exactly what the engine writes with the shipped mappings on the generated
# orders (the benchmark checks it after each job), by hand: only the work that output needs.
CSV_HEADER = ["PO Number", "Customer Order Number", "Order Date", "Order Status", "Selling Party", "Ship From",
              "Ship Method", "Required Ship Date", "Promised Delivery Date", "Priority", "Scheduled Delivery",
              "Packing Slip Required", "Gift", "Ship To Name", "Ship To Attention", "Ship To Address 1",
              "Ship To Address 2", "Ship To Address 3", "Ship To City", "Ship To State", "Ship To Postal Code",
              "Ship To Country", "Ship To Phone", "Line", "ASIN", "SKU", "Title", "Qty", "UOM", "Net Price",
              "Currency", "Gift Message", "Gift Wrap ID"]
X12_UNITS = {"Each": "EA"}


def _orders_floor_rows(src: Path, safe: Callable[[str], str] = str) -> Iterator[list[str]]:
    """The 33 columns of ``mappings/orders.csv.yaml``, flattened by hand; ``safe`` for free-text cells."""
    from translator.mapping.jsonstream import iter_orders
    with open(src, encoding="utf-8") as handle:
        for order in iter_orders(handle):
            d = order["orderDetails"]
            s, t = d["shipmentDetails"], d["shipToParty"]
            dates = s["shipmentDates"]
            head = [order["purchaseOrderNumber"], d.get("customerOrderNumber", ""), d["orderDate"], d["orderStatus"],
                    d["sellingParty"]["partyId"], d["shipFromParty"]["partyId"], s["shipMethod"],
                    dates["requiredShipDate"], dates.get("promisedDeliveryDate", ""),
                    _flag(s["isPriorityShipment"]), _flag(s["isScheduledDeliveryShipment"]),
                    _flag(s["isPslipRequired"]), _flag(s["isGift"]), safe(t["name"]), safe(t.get("attention", "")),
                    safe(t["addressLine1"]), safe(t.get("addressLine2", "")), safe(t.get("addressLine3", "")),
                    safe(t["city"]), t.get("stateOrRegion", ""), t.get("postalCode", ""), t["countryCode"],
                    safe(t.get("phone", ""))]
            for item in d["items"]:
                gift = item.get("giftDetails", {})
                yield [*head, item["itemSequenceNumber"], item.get("buyerProductIdentifier", ""),
                       item.get("vendorProductIdentifier", ""), safe(item.get("title", "")),
                       str(item["orderedQuantity"]["amount"]), item["orderedQuantity"]["unitOfMeasure"],
                       item["netPrice"]["amount"], item["netPrice"]["currencyCode"],
                       safe(gift.get("giftMessage", "")), gift.get("giftWrapId", "")]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _no_formula(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a ``'`` prefix (plain numbers excepted)."""
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?\Z")


def floor_csv(src: Path, out: Path) -> None:
    with open(out, "w", encoding="utf-8", newline="") as target:
        w = csv.writer(target)
        w.writerow(CSV_HEADER)
        w.writerows(_orders_floor_rows(src, _no_formula))


def floor_850(src: Path, out: Path) -> None:
    from translator.mapping.jsonstream import iter_orders
    with open(src, encoding="utf-8") as handle, open(out, "w", encoding="ascii", newline="") as target:
        target.write("ISA*00*          *00*          *ZZ*AMAZONDS       *ZZ*VENDOR         *"
                     f"{NOW:%y%m%d*%H%M}*U*00401*000000001*0*T*>~\nGS*PO*AMAZONDS*VENDOR*{NOW:%Y%m%d*%H%M}*1*X*004010~\n")
        n = 0
        for n, order in enumerate(iter_orders(handle), start=1):
            target.write("~\n".join(_850_segments(order, f"{n:04d}")) + "~\n")
        target.write(f"GE*{n}*1~\nIEA*1*000000001~\n")


def _850_segments(order: dict[str, Any], number: str) -> list[str]:
    d = order["orderDetails"]
    s, t = d["shipmentDetails"], d["shipToParty"]
    dates, when = s["shipmentDates"], d["orderDate"]
    ship, promised = dates["requiredShipDate"], dates.get("promisedDeliveryDate")
    segs = [f"ST*850*{number}", f"BEG*00*DS*{order['purchaseOrderNumber']}**{when[:4]}{when[5:7]}{when[8:10]}"]
    if con := d.get("customerOrderNumber"):
        segs.append("REF*CO*" + con)
    segs.append(f"DTM*010*{ship[:4]}{ship[5:7]}{ship[8:10]}*{ship[11:13]}{ship[14:16]}")
    if promised:
        segs.append(f"DTM*002*{promised[:4]}{promised[5:7]}{promised[8:10]}")
    segs += ["TD5*O****" + s["shipMethod"], "N1*ST*" + t["name"],
             "N3*" + t["addressLine1"] + ("*" + t["addressLine2"] if t.get("addressLine2") else ""),
             "*".join(("N4", t["city"], t["stateOrRegion"], t["postalCode"], t["countryCode"]))]
    if phone := t.get("phone"):
        segs.append("PER*IC**TE*" + phone)
    segs += ["N1*SF**92*" + d["shipFromParty"]["partyId"], "N1*SU**92*" + d["sellingParty"]["partyId"]]
    for item in d["items"]:
        qty, price = item["orderedQuantity"], item["netPrice"]
        segs.append("*".join(("PO1", item["itemSequenceNumber"], str(qty["amount"]), X12_UNITS[qty["unitOfMeasure"]],
                              price["amount"], "", "BP", item["buyerProductIdentifier"],
                              "VN", item["vendorProductIdentifier"])))
        if title := item.get("title"):
            segs.append("PID*F****" + title)
        if gift := item.get("giftDetails", {}).get("giftMessage"):
            segs.append("MSG*" + gift)
    segs += [f"CTT*{len(d['items'])}", f"SE*{len(segs) + 2}*{number}"]
    return segs


def floor_xlsx(src: Path, out: Path) -> None:
    import xlsxwriter
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    for c, v in enumerate(CSV_HEADER):
        sheet.write_string(0, c, v, bold)
    sheet.freeze_panes(1, 0)
    r = 0
    for r, row in enumerate(_orders_floor_rows(src), start=1):
        for c, v in enumerate(row):
            if v:
                sheet.write_string(r, c, v)
    sheet.autofilter(0, 0, r, len(CSV_HEADER) - 1)
    book.close()


def _segments(src: Path) -> Iterator[list[str]]:
    """Chunks split on ``~`` then ``*``: the least a streaming X12 reader can do."""
    rest = ""
    with open(src, encoding="ascii") as handle:
        while chunk := handle.read(CHUNK):
            parts = (rest + chunk).split("~")
            rest = parts.pop()
            for part in parts:
                yield part.strip().split("*")


# The inbound floors write exactly the JSON lines the engine writes with the shipped mappings on the
# generated files (checked after each job), by hand: the units the generated files use, dates by slicing.
API_UNITS = {"EA": "Each", "LB": "LB"}


def floor_856(src: Path, out: Path) -> None:
    with open(out, "w", encoding="utf-8") as target:
        for e in _segments(src):
            tag = e[0]
            if tag == "BSN":
                day, time_ = e[3], e[4]
                shipped = f"{day[:4]}-{day[4:6]}-{day[6:8]}T{time_[:2]}:{time_[2:4]}:00Z"
                items: list[dict[str, Any]] = []
                containers: list[dict[str, Any]] = []
            elif tag == "PRF":
                po = e[1]
            elif tag == "N1":
                if e[1] == "SU":
                    selling = e[4]
                else:
                    ship_from = e[4]
            elif tag == "TD5":
                scac, method = e[3], e[5]
            elif tag == "MAN":
                box: dict[str, Any] = {"containerIdentifier": e[2], "containerType": "Carton"}
                packed: list[dict[str, Any]] = []
            elif tag == "REF" and e[1] == "CN":
                box["trackingNumber"] = e[2]
            elif tag == "TD1":
                box.update(scacCode=scac, shipMethod=method, weight={"value": e[7], "unitOfMeasure": API_UNITS[e[8]]},
                           packedItems=packed)
                containers.append(box)
            elif tag == "LIN":
                line = {"itemSequenceNumber": int(e[1]), "buyerProductIdentifier": e[3], "vendorProductIdentifier": e[5]}
            elif tag == "SN1":
                quantity = {"amount": int(e[2]), "unitOfMeasure": API_UNITS[e[3]]}
                items.append({**line, "shippedQuantity": quantity})
                packed.append({**line, "packedQuantity": quantity})
            elif tag == "SE":
                target.write(json.dumps({
                    "purchaseOrderNumber": po, "shipmentDetails": {"shippedDate": shipped, "shipmentStatus": "SHIPPED"},
                    "sellingParty": {"partyId": selling}, "shipFromParty": {"partyId": ship_from}, "items": items,
                    "containers": containers}) + "\n")


def floor_810(src: Path, out: Path) -> None:
    with open(out, "w", encoding="utf-8") as target:
        for e in _segments(src):
            tag = e[0]
            if tag == "BIG":
                day, number, po = e[1], e[2], e[4]
                items: list[dict[str, Any]] = []
            elif tag == "CUR":
                currency = e[2]
            elif tag == "N1":
                if e[1] == "RI":
                    remit = e[4]
                else:
                    ship_from = e[4]
            elif tag == "IT1":
                items.append({"itemSequenceNumber": e[1], "purchaseOrderNumber": po, "buyerProductIdentifier": e[7],
                              "vendorProductIdentifier": e[9],
                              "invoicedQuantity": {"amount": int(e[2]), "unitOfMeasure": API_UNITS[e[3]]},
                              "netCost": {"currencyCode": currency, "amount": e[4]}})
            elif tag == "TDS":
                total = e[1][:-2] + "." + e[1][-2:]
            elif tag == "SE":
                target.write(json.dumps({
                    "invoiceNumber": number, "invoiceDate": f"{day[:4]}-{day[4:6]}-{day[6:8]}T00:00:00Z",
                    "referenceNumber": po, "remitToParty": {"partyId": remit}, "shipFromParty": {"partyId": ship_from},
                    "invoiceTotal": {"currencyCode": currency, "amount": total}, "items": items}) + "\n")


def _confirm_floor(rows: Iterator[list[str]], out: Path) -> None:
    """Rows of one PO are adjacent in the generated file: one confirmation per run of rows."""
    with open(out, "w", encoding="utf-8") as target:
        doc: dict[str, Any] | None = None
        for row in rows:
            po, shipped, party, ship_from, line, asin, sku, qty, pkg, seq, trk, scac, method, weight, wunit = row
            if doc is None or doc["purchaseOrderNumber"] != po:
                if doc is not None:
                    target.write(json.dumps(doc) + "\n")
                doc = {"purchaseOrderNumber": po, "shipmentDetails": {"shippedDate": shipped.replace(" ", "T") + "Z",
                                                                       "shipmentStatus": "SHIPPED"},
                       "sellingParty": {"partyId": party}, "shipFromParty": {"partyId": ship_from},
                       "items": [], "containers": []}
            number = int(line)
            doc["items"].append({"itemSequenceNumber": number, "buyerProductIdentifier": asin,
                                 "vendorProductIdentifier": sku,
                                 "shippedQuantity": {"amount": int(qty), "unitOfMeasure": "Each"}})
            if not doc["containers"] or doc["containers"][-1]["containerIdentifier"] != pkg:
                doc["containers"].append({"containerIdentifier": pkg, "containerType": "Carton",
                                          "containerSequenceNumber": int(seq), "trackingNumber": trk, "scacCode": scac,
                                          "shipMethod": method, "weight": {"value": weight, "unitOfMeasure": wunit},
                                          "packedItems": []})
            doc["containers"][-1]["packedItems"].append({
                "itemSequenceNumber": number, "buyerProductIdentifier": asin, "vendorProductIdentifier": sku,
                "packedQuantity": {"amount": int(qty), "unitOfMeasure": "Each"}})
        if doc is not None:
            target.write(json.dumps(doc) + "\n")


def floor_confirm_csv(src: Path, out: Path) -> None:
    with open(src, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        _confirm_floor(rows, out)


def floor_confirm_xlsx(src: Path, out: Path) -> None:
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(str(src))
    rows = iter(book.get_sheet_by_name(book.sheet_names[0]).iter_rows())
    next(rows)
    _confirm_floor(([str(v) for v in row] for row in rows), out)


# name: (input file, unit key, engine job, floor job)
JOBS: dict[str, tuple[str, str, Callable[[Path, Path], None], Callable[[Path, Path], None]]] = {
    "orders-to-csv": ("orders.json", "orders", lambda s, o: _outbound("orders.csv.yaml", s, o), floor_csv),
    "orders-to-x12-850": ("orders.json", "orders", lambda s, o: _outbound("orders.x12.yaml", s, o), floor_850),
    "orders-to-xlsx": ("orders.json", "orders", lambda s, o: _outbound("orders.xlsx.yaml", s, o), floor_xlsx),
    "856-to-json": ("in.856", "856", lambda s, o: _inbound("shipment-confirmations.x12.yaml", s, o), floor_856),
    "810-to-json": ("in.810", "810", lambda s, o: _inbound("invoices.x12.yaml", s, o), floor_810),
    "confirm-csv-to-json": ("confirm.csv", "confirm", lambda s, o: _inbound("shipment-confirmations.csv.yaml", s, o),
                          floor_confirm_csv),
    "confirm-xlsx-to-json": ("confirm.xlsx", "confirm", lambda s, o: _inbound("shipment-confirmations.xlsx.yaml", s, o),
                           floor_confirm_xlsx),
    "confirm-csv-sorted-to-json": ("confirm.csv", "confirm", lambda s, o: _inbound(
        _sorted("shipment-confirmations.csv.yaml", s.parent), s, o), floor_confirm_csv),
    "confirm-xlsx-sorted-to-json": ("confirm.xlsx", "confirm", lambda s, o: _inbound(
        _sorted("shipment-confirmations.xlsx.yaml", s.parent), s, o), floor_confirm_xlsx),
}


def run_child(job: str, which: str, directory: Path) -> None:
    """In the subprocess: run one job, print seconds and peak RSS as JSON."""
    source, _, engine, floor = JOBS[job]
    func = engine if which == "engine" else floor
    _preload()
    started = time.perf_counter()
    func(directory / source, directory / f"out.{which}.{job}")
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """This process's own peak RSS. ``ru_maxrss`` is not: Linux carries the parent's RSS at fork over
    exec into it, so every job would report at least the size the benchmark's main process had."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _preload() -> None:
    """Import what engines and floors use before the clock starts, for every job: start-up is not part of a
    job (the service imports once), and the outbound floors read orders with the engine's streaming parser,
    whose package import (Jinja, the formats) would otherwise be charged to them. Loading (compiling) the
    mapping stays timed."""
    import python_calamine  # noqa: F401
    import xlsxwriter  # noqa: F401

    import translator.formats.delimited  # noqa: F401
    import translator.formats.x12  # noqa: F401
    import translator.formats.xlsx  # noqa: F401
    import translator.mapping  # noqa: F401


def measure(job: str, which: str, directory: Path) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", job, which, str(directory)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(REPO)})
    if done.returncode:
        raise SystemExit(f"{job} {which} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _output_digest(path: Path) -> str:
    """SHA-256 of the bytes (CSV, X12) or of every cell value of every sheet (XLSX: zips carry timestamps)."""
    import hashlib
    digest = hashlib.sha256()
    if path.name.endswith("xlsx"):
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            for row in book.get_sheet_by_name(name).iter_rows():
                digest.update(repr(row).encode())
    else:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def check_same_output(job: str, directory: Path) -> None:
    """The floor must write exactly what the engine writes, or the comparison means nothing. Checked in a
    subprocess: a child's peak RSS on Linux starts from its parent's, so the parent must stay small."""
    cmd = [sys.executable, __file__, "--check-output", job, str(directory)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(REPO)})
    if done.returncode:
        raise SystemExit(f"{job}: {done.stdout.strip()} {done.stderr[-3000:]}")


def _compare_outputs(job: str, directory: Path) -> None:
    engine, floor = (_output_digest(directory / f"out.{which}.{job}") for which in ("engine", "floor"))
    if engine != floor:
        raise SystemExit(f"the floor's output differs from the engine's (sha256 {floor[:12]} != {engine[:12]})")


def _rate(units: int, key: str, seconds: float) -> str:
    what = {"orders": "orders/s", "856": "segments/s", "810": "segments/s", "confirm": "rows/s"}[key]
    return f"{units / seconds:,.0f} {what}"


def _best(job: str, directory: Path, repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    """(floor, engine): the fastest of ``repeat`` alternating runs each (on a shared machine the fastest is
    the least disturbed), with the highest peak memory of any run."""
    runs = [(measure(job, "floor", directory), measure(job, "engine", directory)) for _ in range(repeat)]
    out = []
    for which in (0, 1):
        fastest = min((run[which] for run in runs), key=lambda r: r["seconds"])
        out.append({**fastest, "peak_mb": max(run[which]["peak_mb"] for run in runs)})
    return out[0], out[1]


def table(directory: Path, units: dict[str, int], jobs: list[str], repeat: int = 1) -> list[dict[str, Any]]:
    rows = []
    for job in jobs:
        key = JOBS[job][1]
        floor, engine = _best(job, directory, repeat)
        check_same_output(job, directory)
        rows.append({"job": job, "engine_s": engine["seconds"], "floor_s": floor["seconds"],
                     "ratio": engine["seconds"] / floor["seconds"], "engine_rate": _rate(units[key], key, engine["seconds"]),
                     "floor_rate": _rate(units[key], key, floor["seconds"]),
                     "engine_mb": engine["peak_mb"], "floor_mb": floor["peak_mb"]})
        print(render(rows[-1:], units["orders"]).strip().splitlines()[-1], file=sys.stderr, flush=True)  # progress
    return rows


def render(rows: list[dict[str, Any]], orders: int) -> str:
    out = io.StringIO()
    out.write(f"\n{orders:,} orders\n| job | engine s | floor s | ratio | engine rate | floor rate | engine MB | floor MB |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|\n")
    for r in rows:
        out.write(f"| {r['job']} | {r['engine_s']:.2f} | {r['floor_s']:.2f} | {r['ratio']:.2f}x | {r['engine_rate']} | "
                  f"{r['floor_rate']} | {r['engine_mb']:.0f} | {r['floor_mb']:.0f} |\n")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--flat", type=int, default=0, help="second, smaller size for the memory-flatness check")
    parser.add_argument("--only", nargs="*", default=list(JOBS), choices=list(JOBS))
    parser.add_argument("--repeat", type=int, default=1, help="runs per job and floor; the fastest of each counts")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--check-output", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child[0], args.child[1], Path(args.child[2]))
        return
    if args.check_output:
        _compare_outputs(args.check_output[0], Path(args.check_output[1]))
        return
    sizes = [args.orders] + ([args.flat] if args.flat else [])
    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="mapbench-") as tmp:
            units = generate(Path(tmp), size, args.only)
            results[size] = table(Path(tmp), units, args.only, args.repeat)
            print(render(results[size], size), flush=True)
    if args.flat:
        print("memory flatness (engine peak MB): " + ", ".join(
            f"{big['job']}: {small['engine_mb']:.0f} -> {big['engine_mb']:.0f}"
            for big, small in zip(results[args.orders], results[args.flat], strict=True)))


if __name__ == "__main__":
    main()
