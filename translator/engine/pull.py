"""``translator pull``: new orders from Amazon into the ERP's outbox, plus labels and packing slips.

Orders are fetched from the stored watermark minus an overlap window (orders created just before the
last run's end can appear late), de-duplicated by purchase order number against the store, stored,
and only then rendered. Each outbox file is written under a temporary name and renamed into place,
so the ERP never reads half a file.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from translator.engine.config import OutboundRoute
from translator.engine.context import Engine
from translator.engine.store import StoreControlNumbers, iso, parse_iso
from translator.errors import FatalError, TranslatorError
from translator.fileio import atomic_open, fsync_dir, temp_path_for, unique_target

WATERMARK = "orders_watermark"


@dataclass
class PullResult:
    fetched: int = 0
    new: int = 0
    files: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    slips: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def pull(engine: Engine) -> PullResult:
    """One pull: orders, outbound files, then labels and packing slips."""
    result = PullResult()
    now = engine.clock()
    start = window_start(engine, now)
    new_pos = fetch_orders(engine, start, now, result)
    export_orders(engine, new_pos, now, result)
    fetch_documents(engine, start, now, result)
    engine.progress(f"pull: {result.fetched} order(s) fetched, {result.new} new, {len(result.files)} file(s)")
    return result


def window_start(engine: Engine, now: datetime) -> datetime:
    mark = parse_iso(engine.store.get_meta(WATERMARK))
    if mark is None:
        return now - timedelta(hours=engine.config.api.initial_lookback_hours)
    return mark - timedelta(seconds=engine.config.timing.overlap_window)


def fetch_orders(engine: Engine, start: datetime, now: datetime, result: PullResult) -> list[str]:
    """Store every order of the window; return the POs that were never exported."""
    page: list[dict[str, Any]] = []
    for order in engine.client.iter_orders(start, now):
        result.fetched += 1
        page.append(order)
        if len(page) == ORDERS_PER_COMMIT:
            _store_orders(engine, page, result)
    _store_orders(engine, page, result)
    with engine.store.transaction() as db:
        engine.store.set_meta(WATERMARK, iso(now), db)
    rows = engine.store.all("SELECT po FROM orders WHERE exported_at IS NULL ORDER BY order_date, po")
    return [r["po"] for r in rows]


ORDERS_PER_COMMIT = 100   # one getOrders page; a crash re-fetches it (the watermark moves only at the end)


def _store_orders(engine: Engine, page: list[dict[str, Any]], result: PullResult) -> None:
    """Store a page of orders in one transaction and empty ``page``."""
    if not page:
        return
    label_mode = engine.config.vendor.label_mode
    with engine.store.transaction() as db:
        result.new += sum(engine.store.upsert_order(order, label_mode, db) for order in page)
    page.clear()


def render_context(engine: Engine, route: OutboundRoute, numbers: StoreControlNumbers, run: str) -> dict[str, Any]:
    """Writer context: persistent control numbers, and the partner's envelope settings as options."""
    if route.partner is None:
        return {"control_numbers": numbers}
    options = {**engine.config.partners.get(route.partner, {}), "partner": route.partner}
    return {"control_numbers": numbers, "options": options}


def file_name(route: OutboundRoute, now: datetime, run: str, po: str, control: int | None) -> str:
    values = {"date": now.strftime("%Y%m%d-%H%M%S"), "run": run, "po": po,
              "control_number": f"{control:09d}" if control is not None else run}
    try:
        return route.name.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise TranslatorError(f"[[outbound]] name {route.name!r}: unknown placeholder {exc}; use "
                              "{date}, {po}, {control_number} or {run}") from None


def write_outbound(engine: Engine, route: OutboundRoute, orders: list[dict[str, Any]], now: datetime,
                   run: str, po: str) -> str:
    """Render ``orders`` through ``route`` into the outbox; returns the file name."""
    mapping = engine.load_mapping(route.mapping)
    numbers = StoreControlNumbers(engine.store)
    outbox = engine.config.folders.outbox
    tmp = temp_path_for(outbox / "orders")
    with open(tmp, "wb") as stream:
        mapping.write(orders, stream, context=render_context(engine, route, numbers, run))
        stream.flush()
        os.fsync(stream.fileno())
    control = numbers.first("interchange")
    target = unique_target(outbox, file_name(route, now, run, po, control))
    tmp.replace(target)
    fsync_dir(outbox)
    with engine.store.transaction() as db:
        group = numbers.first("group")
        db.execute("INSERT INTO outbound_files(name, kind, partner, control_number, group_number, sent_at) "
                   "VALUES (?,?,?,?,?,?)", (target.name, mapping.format_name, route.partner,
                                            str(control) if control is not None else None,
                                            str(group) if group is not None else None, engine.store.now()))
    return target.name


def export_orders(engine: Engine, pos: list[str], now: datetime, result: PullResult) -> None:
    """Write the outbound files for ``pos``; orders are marked exported once every route wrote them."""
    if not pos or not engine.config.outbound:
        return
    run = now.strftime("%Y%m%d%H%M%S")
    orders = {po: engine.store.order(po) for po in pos}
    for route in engine.config.outbound:
        groups = [(po, [orders[po]]) for po in pos] if route.per == "order" else [(pos[0], list(orders.values()))]
        for po, batch in groups:
            result.files.append(write_outbound(engine, route, batch, now, run, po))
    with engine.store.transaction() as db:
        now_text = engine.store.now()
        db.executemany("UPDATE orders SET exported_at=? WHERE po=?", [(now_text, po) for po in pos])


LABEL_SUFFIX = {"PNG": ".png", "ZPL": ".zpl"}


def decode(content: str, what: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise FatalError(f"{what}: the API sent content that is not valid base64") from None


def save_labels(engine: Engine, po: str, label: dict[str, Any] | None = None) -> list[str]:
    """Write an order's shipping label(s), one file per package (fetched unless given)."""
    label = engine.client.get_shipping_label(po) if label is None else label
    suffix = LABEL_SUFFIX.get(str(label.get("labelFormat", "PNG")).upper(), ".bin")
    folder = engine.config.folders.outbox / "labels"
    names = []
    for index, data in enumerate(label.get("labelData") or [], start=1):
        target = folder / f"{po}-{index}{suffix}"
        with atomic_open(target) as stream:
            stream.write(decode(str(data.get("content", "")), f"label {po} #{index}"))
        names.append(target.name)
    return names


def save_pdf(engine: Engine, po: str, getter: str, folder_name: str) -> str | None:
    document = getattr(engine.client, getter)(po)
    content = document.get("content")
    if not content:
        return None
    target = engine.config.folders.outbox / folder_name / f"{po}.pdf"
    with atomic_open(target) as stream:
        stream.write(decode(str(content), f"{folder_name} {po}"))
    return target.name


def fetch_documents(engine: Engine, start: datetime, now: datetime, result: PullResult) -> None:
    """Labels for accepted label requests, packing slips where required, customer invoices if configured.

    Packing slips come from the list operation over the pull's window (one call per 100 slips),
    labels per order once its label request succeeded.
    """
    vendor = engine.config.vendor
    if vendor.fetch_labels:
        for row in engine.store.all(
                "SELECT DISTINCT o.po FROM orders o JOIN documents d ON d.kind='label-requests' AND d.state="
                "'success' AND d.id IN (SELECT document_id FROM document_pos WHERE po=o.po) WHERE o.label_file IS NULL"):
            _try(engine, result, lambda po=row["po"]: _labels(engine, po, result))
    if vendor.fetch_packing_slips:
        _try(engine, result, lambda: _slips(engine, start, now, result))
    if vendor.fetch_customer_invoices:
        for row in engine.store.all("SELECT po FROM orders WHERE invoice_file IS NULL AND status='SHIPPED'"):
            _try(engine, result, lambda po=row["po"]: _slip(engine, po, result, "get_customer_invoice",
                                                             "customer-invoices", "invoice_file"))


def _labels(engine: Engine, po: str, result: PullResult, label: dict[str, Any] | None = None) -> None:
    names = save_labels(engine, po, label)
    if names:
        result.labels.extend(names)
        with engine.store.transaction() as db:
            db.execute("UPDATE orders SET label_file=? WHERE po=?", (json.dumps(names), po))


def _slip(engine: Engine, po: str, result: PullResult, getter: str, folder: str, column: str) -> None:
    name = save_pdf(engine, po, getter, folder)
    if name:
        result.slips.append(name)
        with engine.store.transaction() as db:
            db.execute(f"UPDATE orders SET {column}=? WHERE po=?", (name, po))


def _slips(engine: Engine, start: datetime, now: datetime, result: PullResult) -> None:
    wanted = {r["po"] for r in engine.store.all("SELECT po FROM orders WHERE pslip_required=1 AND slip_file IS NULL")}
    if not wanted:
        return
    for slip in engine.client.iter_packing_slips(start, now):
        po = slip.get("purchaseOrderNumber")
        if po not in wanted or not slip.get("content"):
            continue
        target = engine.config.folders.outbox / "packing-slips" / f"{po}.pdf"
        with atomic_open(target) as stream:
            stream.write(decode(str(slip["content"]), f"packing slip {po}"))
        result.slips.append(target.name)
        with engine.store.transaction() as db:
            db.execute("UPDATE orders SET slip_file=? WHERE po=?", (target.name, po))


def _try(engine: Engine, result: PullResult, action: Any) -> None:
    """A missing label or slip is reported and retried next pull; it never stops the others."""
    try:
        action()
    except TranslatorError as exc:
        result.errors.append(str(exc))
        engine.store.event("pull-error", None, str(exc))


def order_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if p.is_file())
