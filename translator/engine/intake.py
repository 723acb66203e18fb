"""Taking files in: claim by rename, parse through the route's mapping, record every document.

A file is first renamed into ``work/`` (so a second process, or the ERP still writing, can never
have it too), then parsed in one store transaction: either all of its documents are recorded, with
their identities, or none are and the next pass parses it again.
"""

from __future__ import annotations

import fnmatch
import json
import logging
from pathlib import Path
from typing import Any

from translator.engine import docinfo
from translator.engine.config import InboundRoute
from translator.engine.context import Engine
from translator.errors import TranslatorError
from translator.fileio import atomic_open, claim, file_sha256, is_temporary_name
from translator.mapping.results import MappedDocument
from translator.problems import Problem
from translator.records import SourceRef

RETRY_META = "retry:"
log = logging.getLogger("translator.engine.intake")


def route_for(engine: Engine, name: str) -> InboundRoute | None:
    return next((r for r in engine.config.inbound if fnmatch.fnmatch(name, r.pattern)), None)


def claim_inbox(engine: Engine) -> int:
    """Claim every complete inbox file some route matches; files matching no route stay put."""
    folders = engine.config.folders
    count = 0
    for path in sorted(folders.inbox.iterdir()):
        if not path.is_file() or is_temporary_name(path.name) or route_for(engine, path.name) is None:
            continue
        if claim(path, folders.work) is not None:
            count += 1
    register_work(engine)
    return count


def register_work(engine: Engine) -> None:
    """Record claimed files the store does not know yet (also after a crash right after a claim)."""
    known = {r["path"] for r in engine.store.all("SELECT path FROM inbound_files WHERE status IN "
                                                 "('claimed','parsed')")}
    for path in sorted(engine.config.folders.work.iterdir()):
        if path.is_file() and str(path) not in known and not is_temporary_name(path.name):
            name = _original_name(path)
            route = route_for(engine, name)
            with engine.store.transaction() as db:
                db.execute("INSERT INTO inbound_files(name, path, sha256, route, status, received) VALUES "
                           "(?,?,?,?,?,?)", (name, str(path), file_sha256(path), route.pattern if route else None,
                                             "claimed", engine.store.now()))


def _original_name(path: Path) -> str:
    """``orders.csv.1`` (renamed to avoid a clash in work/) is still ``orders.csv`` for routing."""
    stem, dot, suffix = path.name.rpartition(".")
    return stem if dot and suffix.isdigit() else path.name


SOURCE_FIELDS = ("file", "line", "sheet", "segment", "message")


def source_dict(ref: SourceRef) -> dict[str, Any]:
    """Where a value came from, without the header list (which every row of a file shares)."""
    return {k: v for k in SOURCE_FIELDS if (v := getattr(ref, k)) is not None}


def source_ref(data: dict[str, Any]) -> SourceRef:
    return SourceRef(**{**data, "columns": tuple(data.get("columns", ()))})


def problem_from(data: dict[str, Any]) -> Problem:
    return Problem(**data)


def parse_claimed(engine: Engine) -> int:
    """Parse every claimed file; returns how many documents were recorded."""
    total = 0
    for row in engine.store.all("SELECT * FROM inbound_files WHERE status='claimed' ORDER BY id"):
        total += parse_file(engine, row)
    return total


def parse_file(engine: Engine, row: Any) -> int:
    route = route_for(engine, row["name"])
    path = Path(row["path"])
    try:
        if route is None:
            raise TranslatorError(f"{row['name']}: no [[inbound]] route matches this name any more")
        documents, problems = read_documents(engine, route, path, row["name"])
    except TranslatorError as exc:
        documents, problems = [], [Problem(code="FILE-UNREADABLE", rule=str(exc), file=row["name"],
                                           hint="fix the file or the mapping and drop it again")]
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop every later pass
        log.exception("reading %s failed", row["name"])
        documents, problems = [], [Problem(code="FILE-INTERNAL-ERROR", rule=f"translator could not read this file "
                                           f"({type(exc).__name__}: {exc})", file=row["name"],
                                           hint="report this with the file to the translator maintainers")]
    retry = engine.store.get_meta(RETRY_META + (row["sha256"] or "")) is not None
    with engine.store.transaction() as db:
        received = {record_document(engine, db, row["id"], doc, problems, retry): doc for doc in documents}
        db.execute("UPDATE inbound_files SET status='parsed', problems=? WHERE id=?",
                   (json.dumps([p.to_dict() for p in problems]), row["id"]))
    engine.fresh.update((doc_id, doc) for doc_id, doc in received.items() if doc_id is not None)
    return len(documents)


def read_documents(engine: Engine, route: InboundRoute, path: Path, name: str) -> tuple[list[Any], list[Problem]]:
    """Map the file; write the 997/CONTRL for EDI input; return documents and file-level problems."""
    mapping = engine.load_mapping(route.mapping)
    with open(path, "rb") as stream:
        result = mapping.read(stream, file_name=name)
        documents = list(result)
        problems = list(result.problems)
        ack, options = acknowledgement_of(result, mapping)
    if ack:
        write_acknowledgement(engine, mapping, route, ack, name, options)
    return documents, problems


def acknowledgement_of(result: Any, mapping: Any) -> tuple[list[Any] | None, dict[str, Any]]:
    """The 997/CONTRL records for an EDI file and the envelope to answer with.

    Both format readers address the answer themselves (``acknowledgement_options``: the received
    interchange's sender becomes the recipient), so an acknowledgement reaches whoever sent the file
    even when no partner settings are configured for it.
    """
    records = result.acknowledgement_records()
    if not records:
        return None, {}
    address = getattr(getattr(result, "reader", None), "acknowledgement_options", None)
    return records, (address() if callable(address) else {})


def write_acknowledgement(engine: Engine, mapping: Any, route: InboundRoute, records: list[Any], name: str,
                          envelope: dict[str, Any]) -> None:
    """The 997/CONTRL for an EDI file, in the format it came in, with our persistent control numbers.

    Partner settings fill in what the received envelope does not say; the envelope's addresses win.
    """
    from translator.engine.store import StoreControlNumbers
    from translator.formats import get_format

    fmt = get_format(mapping.format_name)
    partner = route.partner or envelope.get("partner") or "default"
    suffix = ".997" if mapping.format_name == "x12" else ".contrl"
    options = {**_settings_for(fmt, engine.config.partners.get(partner, {})), **envelope, "partner": partner}
    with atomic_open(engine.config.folders.results / f"{name}{suffix}") as stream:
        writer = fmt.writer(stream, options, control_numbers=StoreControlNumbers(engine.store))
        for record in records:
            writer.write(record)
        writer.close()


def _settings_for(fmt: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """The partner settings this format understands (a partner's X12 envelope says nothing to EDIFACT)."""
    import dataclasses

    known = {f.name for f in dataclasses.fields(fmt.parse_options({}))}
    return {k: v for k, v in settings.items() if k in known}


def record_document(engine: Engine, db: Any, file_id: int, doc: Any, file_problems: list[Problem],
                    retry: bool) -> int | None:
    """Insert one mapped document as received, rejected (mapping problems) or duplicate; returns its
    id when it is received (to be judged)."""
    ident = docinfo.identity(doc.kind, doc.key, doc.item)
    problems = [p for p in [*file_problems, *doc.problems] if p.severity == "error"]
    state, detail = ("rejected", None) if problems else ("received", None)
    if state == "received":
        earlier = db.execute("SELECT d.id, d.state, f.name FROM documents d LEFT JOIN inbound_files f ON "
                             "f.id=d.file_id WHERE d.identity=? AND d.state NOT IN ('rejected','duplicate')"
                             " ORDER BY d.id LIMIT 1", (ident,)).fetchone()
        if earlier and not (retry and earlier["state"] == "failure"):
            state, detail = "duplicate", (f"identical to document #{earlier['id']} from {earlier['name']} "
                                          f"({earlier['state']})")
    now = engine.store.now()
    cursor = db.execute(
        "INSERT INTO documents(file_id, kind, key, content_hash, identity, item, pos, tracking, state, problems,"
        " sources, created, updated, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (file_id, doc.kind, doc.key, docinfo.content_hash(doc.item), ident, json.dumps(doc.item),
         json.dumps(docinfo.purchase_orders(doc.kind, doc.item)),
         json.dumps(docinfo.tracking_numbers(doc.kind, doc.item)), state,
         json.dumps([p.to_dict() for p in problems]), json.dumps(_sources(doc)), now, now, detail))
    doc_id = int(cursor.lastrowid)
    db.executemany("INSERT OR IGNORE INTO document_pos(document_id, po) VALUES (?,?)",
                   [(doc_id, po) for po in docinfo.purchase_orders(doc.kind, doc.item)])
    return doc_id if state == "received" else None


def _sources(doc: Any) -> dict[str, Any]:
    fields = getattr(doc, "field_sources", {}) or {}
    return {"sources": [source_dict(s) for s in doc.sources],
            "fields": {k: source_dict(v) for k, v in fields.items()}}


def mapped_document(row: Any) -> MappedDocument:
    """Rebuild the MappedDocument of a stored row (for validation with located problems)."""
    sources = json.loads(row["sources"])
    return MappedDocument(kind=row["kind"], key=row["key"], item=json.loads(row["item"]),
                          sources=[source_ref(s) for s in sources.get("sources", [])],
                          field_sources={k: source_ref(v) for k, v in sources.get("fields", {}).items()})
