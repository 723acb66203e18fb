"""Is "within 2x of the floor" reachable for inbound mapping at all? A *checked* floor answers it.

Issue 3 asks the 856/810 -> API JSON and CSV shipment file -> API JSON jobs to run within 2x of the
bare hand-written floors of ``mapping_throughput.py`` (``floor_856``, ``floor_810``,
``floor_confirm_csv``): split + dicts + ``json.dumps``, no check at all. The engine cannot skip its
checks, so this script times, beside the bare floor and the engine, a **checked floor** per job: a
hand-written, straight-line mapper, as fast as plain CPython allows, that writes byte for byte what
the bare floor writes (sha256 compared after every run; any difference exits non-zero) but does every
check the shipped mapping implies, in the cheapest correct way:

* X12 (``shipment-confirmations.x12.yaml``, ``invoices.x12.yaml``): messages from our reader with
  envelope validation (``get_format('x12').reader(...).messages()``; a file problem or an incomplete
  message raises), ST01 checked; 856: HL tree by HL01/HL02 (no assumption about HL order; documents
  are the order loops depth first), first-of-tag scoping innermost loop first, ``seg('N1', 'SU')``
  qualifier scans, ``qualified(LIN, 'BP')`` pair scans, items grouped by LIN01 with SN102 added over
  the group (rows of a group must agree), containers per pack with their packed items (or the
  enclosing item, Amazon's Order/Item/Pack); 810: line loops from IT1 until TDS/CTT, REF*PO with the
  BIG04 fallback. Every element read is checked present, non-empty and not composite; integers are
  ASCII digits before ``int()``; decimals match the engine's canonical-form regexes (anything else goes
  through the engine's own filter); units go through ``mappings/codelists/units.csv``; dates through
  ``strptime``/``strftime`` cached per input text, as the engine's ``datetime`` filter is.
* CSV (``shipment-confirmations.csv.yaml``): ``csv.reader``, header resolved to columns by name
  (aliases from the mapping, case and spaces ignored; required columns must exist, no header twice),
  a ragged-row check per row, an empty PO refused, rows
  grouped by PO in first-seen order without assuming the file is sorted (two passes, as the engine:
  the first notes each PO's last row, so memory holds open documents, not the file), items grouped by
  line with quantities added, containers grouped by package (``when`` a package is given), the fields
  of each level checked equal on every row of its group (the raw cells first, as the engine's generated
  code does), dates/integers/decimals/units checked as above, optional columns the file lacks read as "".

On any failed check the checked floor simply raises (the inputs are clean): reporting a located problem
is the engine's rare path, and costs nothing on clean files. Left out, because they are not checks a
clean document pays for: where each value came from (the engine notes it lazily, for explaining a
rejection), the 997, schema and business-rule validation (``mapping_throughput``'s engine job does not run
``validate`` either). What the checked floor does *not* pay for is the engine's generality (a mapping
compiled from YAML, generated code, the interpreter fallback), so ``checked/bare`` is the cost of the
checks alone, the least any checking mapper pays in CPython, and ``engine/checked`` is what is left to win
in the engine. The checked floors were also compared with the engine on the golden 856 (S/O/P/I, S/O/I,
O/I/P, floor denial), 810 and CSV test files and on shuffled variants: same output.

Each job runs in a fresh subprocess (imports done before the clock, as in ``mapping_throughput``);
best of ``--repeat`` alternating runs; times are CPU seconds (``time.process_time``: the machine is
shared and noisy; the same table in wall seconds follows). "reader alone" is the part no checking
mapper can avoid before mapping anything: our X12 reader's messages with envelope validation (CSV: the
two ``csv.reader`` passes). Usage:
``python benchmarks/inbound_checked_floor.py [--orders 20000] [--repeat 2] [--only JOB ...] [--inputs DIR]``;
``--instructions --orders 2000`` counts executed instructions under valgrind instead (noise-free, slow).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import mapping_throughput as mt  # noqa: E402

ISO = "%Y-%m-%dT%H:%M:%SZ"


class Rejected(Exception):
    """A check failed: the engine would report a located problem here (the benchmark inputs are clean)."""


def _units() -> dict[str, str]:
    """``lookup('units', 'code', 'api')``: the code list as the engine loads it (code -> API value)."""
    with open(mt.MAPPINGS / "codelists" / "units.csv", encoding="utf-8", newline="") as handle:
        return {row["code"]: row["api"] for row in csv.DictReader(handle)}


def _runtime() -> tuple[Any, Any, Callable[..., str]]:
    """The engine's canonical-decimal regexes (text Decimal would give back unchanged) and its slow filter."""
    from translator.mapping.filters import to_decimal
    from translator.mapping.pyruntime import CANONICAL_DECIMAL, canonical_with
    return CANONICAL_DECIMAL.match, canonical_with(2).match, to_decimal


def _date(cache: dict[str, str], text: str, *formats: str) -> str:
    """The ``datetime`` filter: the first format that parses, as ISO UTC; cached per input text."""
    found = cache.get(text)
    if found is None:
        for fmt in formats:
            try:
                found = datetime.strptime(text, fmt).strftime(ISO)
                break
            except ValueError:
                continue
        else:
            raise Rejected(f"bad date {text!r}")
        cache[text] = found
    return found


def _int(text: str) -> int:
    """``type: integer``: ASCII digits (after trimming), never ``int()``'s wider idea of a number."""
    if not (text.isascii() and text.isdigit()):
        text = text.strip()
        if not (text.isascii() and text.isdigit()):
            raise Rejected(f"not a whole number: {text!r}")
    return int(text)


# -- X12 -------------------------------------------------------------------------------------------
def _messages(src: Path, st01: str) -> Any:
    """Complete messages of type ``st01`` from our reader (envelope validated); anything else raises."""
    from translator.formats import get_format
    reader = get_format("x12").reader(src, {}, file_name=src.name)
    for message in reader.messages():
        segments = message.segments
        if not message.complete or not message.component or segments[0][0] != "ST" or segments[-1][0] != "SE":
            raise Rejected("incomplete message")
        head = segments[0]
        if len(head) < 2 or head[1] != st01:
            raise Rejected(f"not an {st01}: {head}")
        yield message
    if reader.problems:
        raise Rejected(f"file problems: {reader.problems[:3]}")


def _el(parts: list[str] | None, position: int, component: str) -> str:
    """A required element: the segment exists, the element is there, non-empty, not a composite."""
    if parts is not None and position < len(parts):
        value = parts[position]
        if value and component not in value:
            return value
    raise Rejected(f"missing element {position} of {parts}")


def _opt(parts: list[str] | None, position: int, component: str) -> str | None:
    """An optional element (None: absent, empty or composite, so the field is left out)."""
    if parts is not None and position < len(parts):
        value = parts[position]
        if value and component not in value:
            return value
    return None


def _qualified(parts: list[str] | None, qualifier: str, component: str) -> str | None:
    """``qualified(LIN, 'BP')``: the element after the first one equal to ``qualifier`` (a plain, non-empty one)."""
    if parts is None:
        return None
    start, last = 1, len(parts) - 1
    while True:
        try:
            position = parts.index(qualifier, start, last)
        except ValueError:
            return None
        following = parts[position + 1]
        if following and component not in following:
            return following
        start = position + 1


def _below(node: list[Any], nodes: list[list[Any]]) -> list[list[Any]]:
    """Every loop inside ``node``, depth first in document order."""
    out: list[list[Any]] = []
    stack = node[3][::-1]
    while stack:
        child = nodes[stack.pop()]
        out.append(child)
        if child[3]:
            stack.extend(child[3][::-1])
    return out


def _enclosing(node: list[Any], level: str) -> list[list[Any]]:
    """The nearest enclosing loop of ``level`` (as a list: none or one); ``loop:`` falls back to it when a loop
    has none inside (Amazon's Order/Item/Pack: a pack's packed item is the item it sits under)."""
    up = node[1]
    while up is not None:
        if up[2] == level:
            return [up]
        up = up[1]
    return []


def _hl_tree(segments: list[list[str]], component: str) -> list[list[Any]]:
    """The HL tree of one message, as its list of loops (the root first). A loop is ``[segments, parent,
    HL03, children, item values]``; ST and SE stay in the root; each HL opens a loop under the one its HL02
    names (or the root), whatever order HLs come in. Children are positions in the list, so the tree has no
    reference cycle and is freed as soon as the message is done (cycles would be left to the cyclic garbage
    collector, which then runs hundreds of times per 20,000 messages)."""
    root: list[Any] = [[segments[0], segments[-1]], None, "", [], None]
    nodes = [root]
    own = root[0]
    by_id: dict[str, list[Any]] = {}
    for parts in segments[1:-1]:
        if parts[0] != "HL":
            own.append(parts)
            continue
        if len(parts) < 4:
            parts = [*parts, "", "", ""]
        number, parent_number, level = parts[1], parts[2], parts[3]
        if component in number or component in parent_number or component in level:
            raise Rejected(f"composite HL element {parts}")
        parent = by_id.get(parent_number, root)
        node = [[parts], parent, level, [], None]
        parent[3].append(len(nodes))
        nodes.append(node)
        by_id[number] = node
        own = node[0]
    return nodes


def checked_856(src: Path, out: Path) -> None:
    units = _units()
    decimal, _, slow_decimal = _runtime()
    dates: dict[str, str] = {}
    with open(out, "w", encoding="utf-8") as target:
        write, dumps = target.write, json.dumps
        for message in _messages(src, "856"):
            c = message.component
            nodes = _hl_tree(message.segments, c)
            for order in _below(nodes[0], nodes):
                if order[2] == "O":
                    write(dumps(_confirmation(order, nodes, c, units, decimal, slow_decimal, dates)) + "\n")


def _confirmation(order: list[Any], nodes: list[list[Any]], c: str, units: dict[str, str], decimal: Any, slow_decimal: Any,
                  dates: dict[str, str]) -> dict[str, Any]:
    """One shipmentConfirmation from an order (HL O) loop, as ``shipment-confirmations.x12.yaml`` maps it.

    One scan of the loop's scope (the order loop, then its enclosing loops) finds every segment the
    document level reads: the first BSN and PRF, the first N1*SU, N1*SF and REF*VN, innermost first."""
    bsn = prf = selling = ship_from = vendor_ref = None
    node = order
    while node is not None:
        for parts in node[0]:
            tag = parts[0]
            if tag == "BSN":
                bsn = bsn or parts
            elif tag == "PRF":
                prf = prf or parts
            elif (tag == "N1" or tag == "REF") and len(parts) > 1:
                qualifier = parts[1]
                if c in qualifier:
                    qualifier = qualifier.split(c, 1)[0]
                if tag == "N1":
                    if qualifier == "SU":
                        selling = selling or parts
                    elif qualifier == "SF":
                        ship_from = ship_from or parts
                elif qualifier == "VN":
                    vendor_ref = vendor_ref or parts
        node = node[1]
    details = {"shippedDate": _date(dates, _el(bsn, 3, c) + _el(bsn, 4, c)[:4], "%Y%m%d%H%M"),
               "shipmentStatus": "FLOOR_DENIAL" if (_opt(bsn, 6, c) == "72" and _opt(bsn, 7, c) == "REJ") else "SHIPPED"}
    if (vendor_order := _opt(vendor_ref, 2, c)) is not None:
        details["vendorOrderNumber"] = vendor_order
    doc: dict[str, Any] = {"purchaseOrderNumber": _el(prf, 1, c), "shipmentDetails": details,
                           "sellingParty": {"partyId": _el(selling, 4, c)},
                           "shipFromParty": {"partyId": _el(ship_from, 4, c)}}
    item_loops, packs = [], []
    for node in _below(order, nodes):
        if node[2] == "I":
            item_loops.append(node)
        elif node[2] == "P":
            packs.append(node)
    groups: dict[str, list[tuple[Any, ...]]] = {}
    for node in item_loops or _enclosing(order, "I"):
        values = node[4] or _item_values(node, c, units)
        if values[0] is not None:          # a loop without LIN01 is in no item group (it is not an item)
            group = groups.get(values[0])
            if group is None:
                groups[values[0]] = [values]
            else:
                group.append(values)
    items = []
    for group in groups.values():
        _, number, buyer, vendor, amount, unit = group[0]
        if len(group) > 1:                 # one line in several loops: quantities added, the rest must agree
            for other in group[1:]:
                if other[2:4] != (buyer, vendor) or other[5] != unit:
                    raise Rejected("item loops of one line disagree")
            amount = sum(other[4] for other in group)
        line: dict[str, Any] = {"itemSequenceNumber": number}
        if buyer is not None:
            line["buyerProductIdentifier"] = buyer
        if vendor is not None:
            line["vendorProductIdentifier"] = vendor
        line["shippedQuantity"] = {"amount": amount, "unitOfMeasure": unit}
        items.append(line)
    if items:
        doc["items"] = items
    containers = [_container(pack, nodes, c, units, decimal, slow_decimal) for pack in packs]
    if containers:
        doc["containers"] = containers
    return doc


def _item_values(node: list[Any], c: str, units: dict[str, str]) -> tuple[Any, ...]:
    """``(LIN01 text or None, line number, BP, VN, SN102, unit)`` of an item loop, worked out once per loop (the
    confirmation's items and its packs' packed items read the same loops); LIN and SN1 may come from
    enclosing loops. Kept in the node, as the engine keeps a loop's variables."""
    lin = sn1 = None
    scope = node
    while scope is not None and (lin is None or sn1 is None):
        for parts in scope[0]:
            tag = parts[0]
            if tag == "LIN":
                lin = lin or parts
            elif tag == "SN1":
                sn1 = sn1 or parts
        scope = scope[1]
    key = lin[1] if lin is not None and len(lin) > 1 else ""
    if not key or c in key:
        node[4] = values = (None, None, None, None, None, None)
        return values
    number = int(key) if key.isascii() and key.isdigit() else _int(key)
    if sn1 is None or len(sn1) < 4:
        raise Rejected(f"no SN102/SN103 for {lin}")
    quantity, unit = sn1[2], sn1[3]
    if not (quantity and unit) or c in quantity or c in unit:
        raise Rejected(f"SN102/SN103 missing: {sn1}")
    node[4] = values = (key, number, _qualified(lin, "BP", c), _qualified(lin, "VN", c),
                        int(quantity) if quantity.isascii() and quantity.isdigit() else _int(quantity),
                        units.get(unit) or units[unit.strip()])
    return values


def _container(pack: list[Any], nodes: list[list[Any]], c: str, units: dict[str, str], decimal: Any, slow_decimal: Any) -> dict[str, Any]:
    """A container from a pack loop; one scan of its scope finds MAN*GM, REF*CN, TD5 and TD1."""
    man = ref = td5 = td1 = None
    node = pack
    while node is not None:
        for parts in node[0]:
            tag = parts[0]
            if tag == "TD1":
                td1 = td1 or parts
            elif tag == "TD5":
                td5 = td5 or parts
            elif (tag == "MAN" or tag == "REF") and len(parts) > 1:
                qualifier = parts[1]
                if c in qualifier:
                    qualifier = qualifier.split(c, 1)[0]
                if tag == "MAN":
                    if qualifier == "GM":
                        man = man or parts
                elif qualifier == "CN":
                    ref = ref or parts
        node = node[1]
    box: dict[str, Any] = {"containerIdentifier": _el(man, 2, c), "containerType": "Carton"}
    if (tracking := _opt(ref, 2, c)) is not None:
        box["trackingNumber"] = tracking
    if (scac := _opt(td5, 3, c)) is not None:
        box["scacCode"] = scac
    if (method := _opt(td5, 5, c)) is not None:
        box["shipMethod"] = method
    weight, unit = _el(td1, 7, c), _el(td1, 8, c)
    box["weight"] = {"value": weight if decimal(weight) else slow_decimal(weight),
                     "unitOfMeasure": units.get(unit) or units[unit.strip()]}
    packed = []
    for item in [n for n in _below(pack, nodes) if n[2] == "I"] or _enclosing(pack, "I"):
        key, number, buyer, vendor, amount, unit = item[4] or _item_values(item, c, units)
        if key is None:
            raise Rejected("a packed item without LIN01")
        line: dict[str, Any] = {"itemSequenceNumber": number}
        if buyer is not None:
            line["buyerProductIdentifier"] = buyer
        if vendor is not None:
            line["vendorProductIdentifier"] = vendor
        line["packedQuantity"] = {"amount": amount, "unitOfMeasure": unit}
        packed.append(line)
    if packed:
        box["packedItems"] = packed
    return box


def checked_810(src: Path, out: Path) -> None:
    units = _units()
    _, decimal2, slow_decimal = _runtime()
    from translator.mapping.filters import implied_decimal
    dates: dict[str, str] = {}
    with open(out, "w", encoding="utf-8") as target:
        write, dumps = target.write, json.dumps
        for message in _messages(src, "810"):
            write(dumps(_invoice(message.segments, message.component, units, decimal2, slow_decimal,
                                 implied_decimal, dates)) + "\n")


def _invoice(segments: list[list[str]], c: str, units: dict[str, str], decimal2: Any, slow_decimal: Any,
             implied: Any, dates: dict[str, str]) -> dict[str, Any]:
    """One invoice from one 810, as ``invoices.x12.yaml`` maps it: lines are IT1 loops until TDS or CTT; one scan
    of the message level finds the first BIG, CUR, TDS, N1*RI, N1*SF, N1*BT and REF*PO."""
    big = cur = tds = remit = ship_from = bill_to = ref_po = None
    lines: list[list[list[str]]] = []
    own: list[list[str]] | None = None          # the open line loop's segments (None: the message level)
    for parts in segments:
        tag = parts[0]
        if tag == "IT1":
            own = [parts]
            lines.append(own)
            continue
        if tag == "TDS" or tag == "CTT" or tag == "SE":
            own = None
        if own is not None:
            own.append(parts)
        elif tag == "BIG":
            big = big or parts
        elif tag == "CUR":
            cur = cur or parts
        elif tag == "TDS":
            tds = tds or parts
        elif (tag == "N1" or tag == "REF") and len(parts) > 1:
            qualifier = parts[1]
            if c in qualifier:
                qualifier = qualifier.split(c, 1)[0]
            if tag == "REF":
                if qualifier == "PO":
                    ref_po = ref_po or parts
            elif qualifier == "RI":
                remit = remit or parts
            elif qualifier == "SF":
                ship_from = ship_from or parts
            elif qualifier == "BT":
                bill_to = bill_to or parts
    currency, po = _el(cur, 2, c), _opt(big, 4, c)
    invoice: dict[str, Any] = {"invoiceNumber": _el(big, 2, c), "invoiceDate": _date(dates, _el(big, 1, c), "%Y%m%d")}
    if po is not None:
        invoice["referenceNumber"] = po
    invoice["remitToParty"] = {"partyId": _el(remit, 4, c)}
    invoice["shipFromParty"] = {"partyId": _el(ship_from, 4, c)}
    if (bill_to_id := _opt(bill_to, 4, c)) is not None:
        invoice["billToParty"] = {"partyId": bill_to_id}
    cents = _el(tds, 1, c)
    if cents.isascii() and cents.isdigit() and len(cents) <= 20:
        whole, fraction = divmod(int(cents), 100)
        total = f"{whole}.{fraction:02d}"
    else:
        total = implied(cents, 2)
    invoice["invoiceTotal"] = {"currencyCode": currency, "amount": total}
    items = []
    for segs in lines:
        it1 = segs[0]
        ref = ref_po                           # seg('REF', 'PO'): the line's own first, else the message's
        for parts in segs:
            if parts[0] == "REF" and len(parts) > 1 and (parts[1] == "PO" or parts[1].split(c, 1)[0] == "PO"):
                ref = parts
                break
        line_po = _opt(ref, 2, c) or po        # | default(BIG.BIG04)
        if line_po is None:
            raise Rejected("no PO for the line")
        if len(it1) < 5:
            raise Rejected(f"short IT1 {it1}")
        number, quantity, unit, price = it1[1], it1[2], it1[3], it1[4]
        if not (number and quantity and unit and price) or c in number or c in unit or c in price:
            raise Rejected(f"IT1 elements missing {it1}")
        item = {"itemSequenceNumber": number, "purchaseOrderNumber": line_po}
        if (buyer := _qualified(it1, "BP", c)) is not None:
            item["buyerProductIdentifier"] = buyer
        if (vendor := _qualified(it1, "VN", c)) is not None:
            item["vendorProductIdentifier"] = vendor
        item["invoicedQuantity"] = {"amount": int(quantity) if quantity.isascii() and quantity.isdigit() else _int(quantity),
                                    "unitOfMeasure": units.get(unit) or units[unit.strip()]}
        item["netCost"] = {"currencyCode": currency, "amount": price if decimal2(price) else slow_decimal(price, 2)}
        items.append(item)
    if items:
        invoice["items"] = items
    return invoice


# -- CSV -------------------------------------------------------------------------------------------
def _confirm_columns() -> dict[str, tuple[list[str], bool]]:
    """The CSV mapping's logical columns: name -> (aliases, required), read from the shipped mapping."""
    import yaml
    spec = yaml.safe_load((mt.MAPPINGS / "shipment-confirmations.csv.yaml").read_text(encoding="utf-8"))
    out = {}
    for name, value in spec["columns"].items():
        aliases, optional = (value, False) if isinstance(value, list) else (value["aliases"], value.get("optional", False))
        out[name] = ([name, *aliases], not optional)
    return out


def _resolve(header: list[str]) -> tuple[dict[str, int | None], int]:
    """Logical column -> cell index by header name (case, spaces, ``_-.`` ignored), and the header's width
    (trailing empty header cells name no column); a required column missing raises."""
    def norm(text: str) -> str:
        return re.sub(r"[\s_\-.]+", "", text).casefold()
    width = len(header)
    while width > 1 and header[width - 1] == "":
        width -= 1
    if len(set(header[:width])) != width:
        raise Rejected(f"a header names a column twice: {header}")
    by_norm: dict[str, int] = {}
    for index in range(width):
        by_norm.setdefault(norm(header[index]), index)
    where: dict[str, int | None] = {}
    for name, (names, required) in _confirm_columns().items():
        where[name] = next((by_norm[norm(n)] for n in names if norm(n) in by_norm), None)
        if where[name] is None and required:
            raise Rejected(f"no column for {name}")
    return where, width


def checked_confirm_csv(src: Path, out: Path) -> None:
    """Two passes, as the engine: the first notes each PO's last row, the second builds each confirmation
    when its last row has been read, in first-seen order (memory: the open documents, not the file)."""
    units = _units()
    decimal, _, slow_decimal = _runtime()
    with open(src, encoding="utf-8-sig", newline="") as handle, open(out, "w", encoding="utf-8") as target:
        rows = csv.reader(handle)
        col, width = _resolve(next(rows))
        po_at = col["po"]
        last: dict[str, int] = {}
        index = 0
        for row in rows:
            if row:
                last[row[po_at].strip()] = index
                index += 1
        handle.seek(0)
        rows = csv.reader(handle)
        next(rows)
        build = _confirm_builder(col, width, units, decimal, slow_decimal)
        write, dumps = target.write, json.dumps
        open_docs: dict[str, list[list[str]]] = {}
        closed: set[str] = set()
        index = 0
        for row in rows:
            if not row:
                continue
            if len(row) == width:
                row.append("")                     # the cell every column the file lacks reads
            elif len(row) < width or any(row[width:]):
                raise Rejected(f"ragged row {row}")
            else:
                row = [*row[:width], ""]
            po = row[po_at].strip()
            if not po:
                raise Rejected("row without a PO")
            group = open_docs.get(po)
            if group is None:
                open_docs[po] = [row]
            else:
                group.append(row)
            if last[po] == index:
                closed.add(po)
                while open_docs:
                    first = next(iter(open_docs))
                    if first not in closed:
                        break
                    closed.discard(first)
                    write(dumps(build(open_docs.pop(first))) + "\n")
            index += 1
        if open_docs:
            raise Rejected("the file changed between the passes")


def _confirm_builder(col: dict[str, int | None], width: int, units: dict[str, str], decimal: Any,
                     slow_decimal: Any) -> Callable[[list[list[str]]], dict[str, Any]]:
    """A confirmation from one PO's rows, as ``shipment-confirmations.csv.yaml`` maps it: straight-line code
    over the cell indexes the header gave (a column the file lacks reads the blank cell at ``width``)."""
    at = {name: width if index is None else index for name, index in col.items()}
    po, when, status, vendor_order, party, ship_from = (at[n] for n in ("po", "shipped_date", "status", "vendor_order",
                                                                        "selling_party", "ship_from"))
    line, asin, sku, qty, uom = (at[n] for n in ("line", "asin", "sku", "qty", "uom"))
    package, seq, tracking, scac, method = (at[n] for n in ("package", "package_seq", "tracking", "scac", "ship_method"))
    weight, weight_unit, length, wide, height, dim_unit = (at[n] for n in ("weight", "weight_unit", "length", "width",
                                                                           "height", "dim_unit"))
    dates: dict[str, str] = {}
    head_cells = itemgetter(po, when, party, ship_from, status, vendor_order)
    line_cells = itemgetter(asin, line, sku, uom)
    box_cells = itemgetter(dim_unit, height, length, package, seq, scac, method, tracking, weight, weight_unit, wide)

    def head(row: list[str]) -> dict[str, Any]:
        details: dict[str, str] = {}
        if day := row[when].strip():
            details["shippedDate"] = dates.get(day) or _date(dates, day, "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                                                             "%Y-%m-%d")
        details["shipmentStatus"] = row[status].strip().upper() or "SHIPPED"
        if text := row[vendor_order].strip():
            details["vendorOrderNumber"] = text
        doc: dict[str, Any] = {"purchaseOrderNumber": row[po].strip(), "shipmentDetails": details}
        if text := row[party].strip():
            doc["sellingParty"] = {"partyId": text}
        if text := row[ship_from].strip():
            doc["shipFromParty"] = {"partyId": text}
        return doc

    def item(row: list[str], amount: int, name: str) -> dict[str, Any]:
        number = row[line]
        out: dict[str, Any] = {"itemSequenceNumber": int(number) if number.isascii() and number.isdigit() else _int(number)}
        if text := row[asin].strip():
            out["buyerProductIdentifier"] = text
        if text := row[sku].strip():
            out["vendorProductIdentifier"] = text
        out[name] = {"amount": amount, "unitOfMeasure": units[row[uom].strip() or "Each"]}
        return out

    def amount_of(text: str) -> str:
        text = text.strip()
        return (text if decimal(text) else slow_decimal(text)) if text else ""

    def container(row: list[str]) -> dict[str, Any]:
        box: dict[str, Any] = {"containerIdentifier": row[package].strip(), "containerType": "Carton"}
        if number := row[seq]:
            box["containerSequenceNumber"] = int(number) if number.isascii() and number.isdigit() else _int(number)
        if text := row[tracking].strip():
            box["trackingNumber"] = text
        if text := row[scac].strip().upper():
            box["scacCode"] = text
        if text := row[method].strip():
            box["shipMethod"] = text
        box["weight"] = {"value": value} if (value := amount_of(row[weight])) else {}
        box["weight"]["unitOfMeasure"] = units[row[weight_unit].strip() or "LB"]   # set even without a weight
        dims = {k: v for k, v in (("length", amount_of(row[length])), ("width", amount_of(row[wide])),
                                  ("height", amount_of(row[height]))) if v}
        if row[length].strip():
            dims["unitOfMeasure"] = units[row[dim_unit].strip() or "IN"]
        if dims:
            box["dimensions"] = dims
        return box

    def quantity(row: list[str]) -> int:
        text = row[qty]
        return int(text) if text.isascii() and text.isdigit() else _int(text)

    def build(rows: list[list[str]]) -> dict[str, Any]:
        first = rows[0]
        doc = head(first)
        cells = head_cells(first)
        lines: dict[str, list[list[str]]] = {}
        boxes: dict[str, list[list[str]]] = {}
        for row in rows:
            if row is not first and head_cells(row) != cells and head(row) != doc:
                raise Rejected("rows of one PO disagree")
            if number := row[line].strip():
                group = lines.get(number)
                if group is None:
                    lines[number] = [row]
                else:
                    group.append(row)
            if box := row[package].strip():
                group = boxes.get(box)
                if group is None:
                    boxes[box] = [row]
                else:
                    group.append(row)
        items = []
        for group in lines.values():
            row = group[0]
            if len(group) == 1:
                text = row[qty]
                items.append(item(row, int(text) if text.isascii() and text.isdigit() else _int(text), "shippedQuantity"))
                continue
            total = sum(quantity(other) for other in group)
            element = item(row, total, "shippedQuantity")
            cells = line_cells(row)
            for other in group[1:]:
                if line_cells(other) != cells and item(other, total, "shippedQuantity") != element:
                    raise Rejected("rows of one line disagree")
            items.append(element)
        if items:
            doc["items"] = items
        containers = []
        for group in boxes.values():
            row = group[0]
            element = container(row)
            cells = box_cells(row)
            for other in group[1:]:
                if box_cells(other) != cells and container(other) != element:
                    raise Rejected("rows of one package disagree")
            element["packedItems"] = [item(other, quantity(other), "packedQuantity") for other in group]
            containers.append(element)
        if containers:
            doc["containers"] = containers
        return doc

    return build


# -- the jobs ----------------------------------------------------------------------------------------
def _engine(mapping: str) -> Callable[[Path, Path], None]:
    return lambda src, out: mt._inbound(mapping, src, out)


def _read_x12(st01: str) -> Callable[[Path, Path], None]:
    """Only our reader's messages (envelope validated, ST01 checked): the part of the checked floor and the
    engine that is the reader's, for the breakdown column."""
    def run(src: Path, out: Path) -> None:
        for _ in _messages(src, st01):
            pass
        out.write_bytes(b"")
    return run


def _read_csv(src: Path, out: Path) -> None:
    """Only the two ``csv.reader`` passes the checked floor makes."""
    for _ in range(2):
        with open(src, encoding="utf-8-sig", newline="") as handle:
            for _ in csv.reader(handle):
                pass
    out.write_bytes(b"")


Job = Callable[[Path, Path], None]
# name (as in mapping_throughput): (input file, unit key, {which: job})
JOBS: dict[str, tuple[str, str, dict[str, Job]]] = {
    "856-to-json": ("in.856", "856", {"bare": mt.floor_856, "checked": checked_856,
                                      "engine": _engine("shipment-confirmations.x12.yaml"), "reader": _read_x12("856")}),
    "810-to-json": ("in.810", "810", {"bare": mt.floor_810, "checked": checked_810,
                                      "engine": _engine("invoices.x12.yaml"), "reader": _read_x12("810")}),
    "confirm-csv-to-json": ("confirm.csv", "confirm", {"bare": mt.floor_confirm_csv, "checked": checked_confirm_csv,
                                                       "engine": _engine("shipment-confirmations.csv.yaml"),
                                                       "reader": _read_csv}),
}
WHICH = ("bare", "checked", "engine", "reader")   # the reader alone writes nothing: its output is not compared


def run_child(job: str, which: str, directory: Path, out_dir: Path) -> None:
    """In the subprocess: one run, imports before the clock; prints CPU and wall seconds and the output's sha256."""
    source, _, funcs = JOBS[job]
    func = funcs.get(which, lambda src, out: out.write_bytes(b""))   # "none": start-up only (--instructions)
    mt._preload()
    import yaml  # noqa: F401  (the checked CSV floor reads the mapping's column aliases with it)
    out = out_dir / f"out.{which}.{job}"
    cpu, wall = time.process_time(), time.perf_counter()
    func(directory / source, out)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = mt.peak_mb()                     # before hashing, which reads the output in chunks anyway
    digest = hashlib.sha256()
    with open(out, "rb") as handle:
        while chunk := handle.read(mt.CHUNK):
            digest.update(chunk)
    out.unlink()
    print(json.dumps({"cpu": cpu, "wall": wall, "sha256": digest.hexdigest(), "peak_mb": peak}))


def measure(job: str, which: str, directory: Path, out_dir: Path, valgrind: bool = False) -> dict[str, Any]:
    """One run in a fresh subprocess; with ``valgrind``, under callgrind, adding the instructions it executed."""
    cmd = [sys.executable, __file__, "--child", job, which, str(directory), str(out_dir)]
    if valgrind:
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(mt.REPO)})
    if done.returncode:
        raise SystemExit(f"{job} {which} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if valgrind:
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            raise SystemExit(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")
        result["instructions"] = int(found.group(1))
    return result


def instructions(jobs: list[str], directory: Path, out_dir: Path) -> str:
    """Executed instructions per job and variant (valgrind callgrind, start-up subtracted): exact and
    repeatable where times on a shared machine are not, though blind to cache and allocation costs, so
    read them beside the times. The engine's figure includes loading (compiling) its mapping."""
    lines = ["\ninstructions (millions; valgrind callgrind, start-up subtracted; outputs identical)",
             "| job | bare | checked | engine | checked/bare | engine/checked | engine/bare |", "|---|---:|---:|---:|---:|---:|---:|"]
    for job in jobs:
        counts = {w: measure(job, w, directory, out_dir, valgrind=True) for w in ("none", *WHICH[:3])}
        if len({counts[w]["sha256"] for w in WHICH[:3]}) != 1:
            print(f"{job}: outputs differ", file=sys.stderr)
            raise SystemExit(1)
        b, c, e = (counts[w]["instructions"] - counts["none"]["instructions"] for w in WHICH[:3])
        lines.append(f"| {job} | {b / 1e6:,.0f} | {c / 1e6:,.0f} | {e / 1e6:,.0f} | {c / b:.2f}x | {e / c:.2f}x | {e / b:.2f}x |")
    return "\n".join(lines) + "\n"


def runs_of(job: str, directory: Path, out_dir: Path, repeat: int) -> dict[str, list[dict[str, Any]]]:
    """``repeat`` alternating runs of each; every run's output must equal the bare floor's."""
    runs: dict[str, list[dict[str, Any]]] = {w: [] for w in WHICH}
    for _ in range(repeat):
        for which in WHICH:
            result = measure(job, which, directory, out_dir)
            runs[which].append(result)
            if which != "reader" and result["sha256"] != runs["bare"][0]["sha256"]:
                print(f"{job}: {which} output differs from the bare floor's "
                      f"({result['sha256'][:12]} != {runs['bare'][0]['sha256'][:12]})", file=sys.stderr)
                raise SystemExit(1)
    return runs


def render(rows: list[tuple[str, dict[str, list[dict[str, Any]]], int, str]], orders: int, clock: str) -> str:
    """The table for one clock: per job and variant the fastest run on that clock, the highest peak memory."""
    what = {"856": "segments/s", "810": "segments/s", "confirm": "rows/s"}
    lines = [f"\n{orders:,} orders, {'CPU' if clock == 'cpu' else 'wall'} seconds, best of runs; outputs identical (sha256)",
             "| job | bare s | checked s | engine s | checked/bare | engine/checked | engine/bare | bare rate | checked rate "
             "| engine rate | reader alone s | checked MB | engine MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for job, runs, units, key in rows:
        b, c, e, r = (min(run[clock] for run in runs[w]) for w in WHICH)
        rates = " | ".join(f"{units / s:,.0f} {what[key]}" for s in (b, c, e))
        lines.append(f"| {job} | {b:.2f} | {c:.2f} | {e:.2f} | {c / b:.2f}x | {e / c:.2f}x | {e / b:.2f}x | {rates} | {r:.2f} "
                     f"| {max(run['peak_mb'] for run in runs['checked']):.0f} | {max(run['peak_mb'] for run in runs['engine']):.0f} |")
    return "\n".join(lines) + "\n"


def _count_units(directory: Path) -> dict[str, int]:
    """Segments per X12 file, data rows in the CSV file."""
    units = {}
    for st01 in ("856", "810"):
        path = directory / f"in.{st01}"
        if path.exists():
            units[st01] = path.read_bytes().count(b"~")
    path = directory / "confirm.csv"
    if path.exists():
        units["confirm"] = path.read_bytes().count(b"\n") - 1
    return units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the fastest counts")
    parser.add_argument("--only", nargs="*", default=list(JOBS), choices=list(JOBS))
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    parser.add_argument("--inputs", type=Path, help="a directory with in.856, in.810, confirm.csv for --orders "
                                                    "(as mapping_throughput.generate writes them); default: generate")
    parser.add_argument("--instructions", action="store_true",
                        help="count executed instructions under valgrind instead of timing (use a small --orders: ~50x slower)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job, which, directory, out_dir = args.child
        run_child(job, which, Path(directory), Path(out_dir))
        return
    with tempfile.TemporaryDirectory(prefix="checkedfloor-") as tmp:
        directory = args.inputs or Path(tmp)
        if args.inputs is None:
            mt.generate(directory, args.orders, args.only)
        units = _count_units(directory)
        if args.instructions:
            print(f"\n{args.orders:,} orders" + instructions(args.only, directory, Path(tmp)))
            return
        rows = []
        for job in args.only:
            runs = runs_of(job, directory, Path(tmp), args.repeat)
            rows.append((job, runs, units[JOBS[job][1]], JOBS[job][1]))
            print(render(rows[-1:], args.orders, args.clock).strip().splitlines()[-1], file=sys.stderr, flush=True)
        print(render(rows, args.orders, args.clock))
        other = "wall" if args.clock == "cpu" else "cpu"
        print(render(rows, args.orders, other))


if __name__ == "__main__":
    main()
