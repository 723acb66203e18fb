"""Inbound X12, EDIFACT and record-typed fixed-width files: one document per message or ``document_loop``.

The loops and scopes are :mod:`.segments`' (the interpreter). When the mapping has a generated form
(:mod:`.generated`) and the reader hands over whole messages (X12 ``messages()``), documents are built
by the generated code straight from the split segments, with the loops worked out once per message
layout (:mod:`.shapes`), and only a message or document it cannot build goes through the
interpreter, which reports what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from translator.mapping.pyruntime import element
from translator.mapping.results import InboundResult, MappedDocument
from translator.mapping.segments import (
    MESSAGE_END,
    MESSAGE_START,
    LoopStarts,
    build_tree,
    loop_starts,
    message_type,
    messages,
    unit_for,
)
from translator.mapping.shapes import Scope, Shapes
from translator.mapping.spec import CompiledMapping
from translator.mapping.tabular import document_from_units
from translator.problems import Problem
from translator.records import RawMessage, Record, SourceRef


def map_segments(mapping: CompiledMapping, reader: Iterable[Record], result: InboundResult) -> Iterator[MappedDocument]:
    """One document per message, or per ``document_loop`` node.

    When the mapping has a generated form and the reader hands over whole messages (X12), documents are
    built by the generated code and only a document it cannot build goes through the interpreter.
    """
    starts = loop_starts(mapping.loops)
    raw_messages = getattr(reader, "messages", None)
    if mapping.generated is not None and raw_messages is not None:
        shapes: dict[str, Shapes] = {}   # per component separator (it decides how HL ids read)
        for message in raw_messages():
            yield from _generated_message(mapping, message, result, starts, shapes)
        return
    for segments in messages(reader):
        yield from interpreted_message(mapping, segments, result, starts)


def interpreted_message(mapping: CompiledMapping, segments: list[Record], result: InboundResult,
                         starts: LoopStarts) -> Iterator[MappedDocument]:
    kind = message_type(segments)
    if segments[0].tag in MESSAGE_START and segments[-1].tag not in MESSAGE_END:
        result.add_problem(_incomplete(segments[0], kind))
        return
    if mapping.messages and kind not in mapping.messages:
        result.add_problem(_wrong_message(mapping, segments[0], kind))
        return
    root = build_tree(mapping.loops, segments, starts)
    nodes = [n for n in root.descendants() if n.name == mapping.document_loop] if mapping.document_loop else [root]
    for node in nodes:
        unit = unit_for(node)
        doc = document_from_units(mapping, "", [unit])
        doc.sources = [r.source for n in [node, *node.descendants()] for r in n.segments]
        if not doc.key:
            doc.key = default_key(doc.item)
            doc.problems = [p.located(document=doc.key) for p in doc.problems]
        yield doc


def _generated_message(mapping: CompiledMapping, message: RawMessage, result: InboundResult,
                       starts: LoopStarts, shapes: dict[str, Shapes]) -> Iterator[MappedDocument]:
    """The documents of one X12 message, built by the mapping's generated code.

    A message that is truncated or of the wrong type, and any document whose build raises, goes to
    the interpreter, which reports it. A document built here says where its parts came from when asked
    (:class:`_RawSources`), from the loops the generated code noted while building it.
    """
    generated = mapping.generated
    assert generated is not None
    component = message.component
    head = message.segments[0] if message.segments else None
    if not message.complete or not component or head is None or head[0] != "ST" or (
            mapping.messages and element(head, 1, component, "") not in mapping.messages):
        yield from interpreted_message(mapping, message.records(), result, starts)
        return
    known = shapes.get(component)
    if known is None:
        known = shapes[component] = Shapes(mapping.loops, starts, mapping.document_loop, _raw_hl_ids(component),
                                           generated.tags)
    scopes = known.of(message.segments)
    segments = [*message.segments, None]   # position -1: "no such segment" for the generated code
    sources = _RawSources(mapping, message, result, starts)
    document, doc_key = generated.document, generated.key
    for index, scope in enumerate(scopes):
        units: list[Scope] = []
        try:
            item = document(scope, [scope], component, units, segments)
            key = doc_key(scope, [scope], component, segments) if doc_key is not None else None
        except Exception:  # noqa: BLE001 - any failure: the interpreter builds it and says what is wrong
            yield sources.interpret(index)
            continue
        yield MappedDocument(mapping.document, key or default_key(item), item,
                             explain=lambda i=index, s=scope, u=units, it=item: sources.explain(i, s, u, it))


class _RawSources:
    """Where the parts of a generated document came from, as the interpreter would have recorded it:
    every segment of the document's loop, and per element the first segment of the loop it was built
    from (``field_sources``). The message's documents as the interpreter builds them, when one is needed."""

    def __init__(self, mapping: CompiledMapping, message: RawMessage, result: InboundResult,
                 starts: LoopStarts) -> None:
        self.mapping, self.message, self.result, self.starts = mapping, message, result, starts
        self._interpreted: list[MappedDocument] | None = None

    def interpret(self, index: int) -> MappedDocument:
        """Document ``index`` of the message, built by the interpreter (all of them built once)."""
        if self._interpreted is None:
            self._interpreted = list(interpreted_message(self.mapping, self.message.records(), self.result,
                                                         self.starts))
        return self._interpreted[index]

    def source(self, position: int | None) -> SourceRef:
        if position is None:
            return SourceRef()
        return SourceRef(self.message.file, segment=self.message.positions[position], message=self.message.control)

    def explain(self, index: int, scope: Scope, units: list[Scope],
                item: dict[str, Any]) -> tuple[list[SourceRef], dict[str, SourceRef]]:
        generated = self.mapping.generated
        assert generated is not None
        paths = generated.element_paths(item)
        if len(paths) != len(units):  # two arrays writing one path: only the interpreter can say
            doc = self.interpret(index)
            return doc.sources, doc.field_sources
        every = [self.source(position) for position in scope.positions()]
        fields: dict[str, SourceRef] = {}
        for path, unit in zip(paths, units, strict=True):
            if path not in fields:
                fields[path] = self.source(unit.first_position())   # as unit_for: its loop's first segment
        return every, fields


def _raw_hl_ids(component: str) -> Callable[[list[str]], tuple[str, str, str]]:
    """Elements 1-3 of a split segment as the values dict has them ("" when absent, empty or composite)."""
    def ids(parts: list[str]) -> tuple[str, str, str]:
        count = len(parts)
        first = parts[1] if count > 1 else ""
        second = parts[2] if count > 2 else ""
        third = parts[3] if count > 3 else ""
        if component in first or component in second or component in third:
            return element(parts, 1, component, ""), element(parts, 2, component, ""), element(parts, 3, component, "")
        return first, second, third
    return ids


def default_key(item: dict[str, Any]) -> str:
    """PO number, invoice number or selling party: what identifies a document for people."""
    for name in ("purchaseOrderNumber", "invoiceNumber"):
        if isinstance(item.get(name), str):
            return item[name]
    party = item.get("sellingParty")
    return str(party.get("partyId", "")) if isinstance(party, dict) else ""


def _incomplete(head: Record, kind: str) -> Problem:
    source = head.source
    return Problem(code="MAP-MESSAGE-INCOMPLETE", rule=f"the {kind} message has no trailer (SE/UNT), so it was not mapped",
                   file=source.file, segment=source.segment, record=head.tag, value=kind,
                   hint="the file is truncated; ask the sender to send it again")


def _wrong_message(mapping: CompiledMapping, head: Record, kind: str) -> Problem:
    source = head.source
    return Problem(code="MAP-WRONG-MESSAGE", rule=f"this mapping reads {', '.join(mapping.messages)} messages, not {kind!r}",
                   file=source.file, segment=source.segment, record=head.tag, value=kind,
                   hint="send this message through the mapping made for it")
