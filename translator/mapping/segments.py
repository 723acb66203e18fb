"""Inbound X12, EDIFACT and record-typed fixed-width files: messages, loops, documents.

Segments are split into messages at ``ST``/``UNH`` (a file without them is one message), and each
message into the loops the mapping declares: ``{start: PO1}`` loops run until the next loop start or a
tag in ``until``; X12 ``HL`` loops (``{hl_level: O}``) nest by HL02 -> HL01, so Shipment/Order/Pack/Item,
Shipment/Order/Item and Amazon's Order/Item/Pack hierarchies all become the same tree. A document is a
message, or each ``document_loop`` node. Inside a loop an expression sees the first segment of each tag
of that loop, then of its enclosing loops (``BSN.BSN02``, ``LIN.LIN03``), plus ``seg(tag, qualifier)``
and ``segs(tag)`` for repeated, qualified segments (``seg('REF', 'CN').REF02``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from translator.mapping.build import Unit
from translator.mapping.expressions import MissingValue
from translator.mapping.results import InboundResult, MappedDocument
from translator.mapping.spec import CompiledMapping, Loop
from translator.mapping.tabular import document_from_units
from translator.problems import Problem
from translator.records import RawMessage, Record, SourceRef

MESSAGE_START = ("ST", "UNH")
MESSAGE_END = ("SE", "UNT")


class Node:
    """One loop instance (or the message root) and its own segments (Records, or split element lists
    on the generated path: the tree is the same either way)."""

    __slots__ = ("name", "segments", "children", "parent", "variables", "_below")

    def __init__(self, name: str | None, segments: list[Any] | None = None, parent: Node | None = None) -> None:
        self.name, self.parent = name, parent
        self.segments: list[Any] = segments if segments is not None else []
        self.children: list[Node] = []
        self.variables: dict[str, Any] | None = None
        self._below: list[Node] | None = None

    def __repr__(self) -> str:
        return f"<Node {self.name} {len(self.segments)} segments {len(self.children)} children>"

    def chain(self) -> list[Node]:
        """This node and its ancestors, innermost first."""
        node: Node | None = self
        out = []
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def seg(self, tag: str, qualifier: str | None = None, at: str | None = None) -> Any:
        return _seg(self, tag, qualifier, at)

    def segs(self, tag: str) -> list[dict[str, str]]:
        return [r.values for n in self.chain() for r in n.segments if r.tag == tag]

    def every(self, tag: str) -> list[dict[str, str]]:
        return [r.values for n in [self, *self.descendants()] for r in n.segments if r.tag == tag]

    def walk(self) -> Iterator[Node]:
        return iter(self.descendants())

    def loop_nodes(self, name: str) -> list[Node]:
        """Loops ``name`` inside this node; when there are none, the nearest enclosing one.

        The fallback is what makes Amazon's Order/Item/Pack 856 work: a pack's packed item is its parent.
        """
        found = [n for n in self.descendants() if n.name == name]
        if not found:
            found = [n for n in self.chain()[1:] if n.name == name][:1]
        return found

    def loop_units(self, name: str) -> list[Unit]:
        """Units of :meth:`loop_nodes`."""
        return [unit_for(n) for n in self.loop_nodes(name)]

    def descendants(self) -> list[Node]:
        """Every node below this one, depth first in document order (a list: no recursive generators).

        Kept once asked for: a document asks it of the same nodes for each of its arrays."""
        if self._below is not None:
            return self._below
        out: list[Node] = []
        stack = self.children[::-1]
        while stack:
            node = stack.pop()
            out.append(node)
            if node.children:
                stack.extend(node.children[::-1])
        self._below = out
        return out


def messages(records: Iterable[Record]) -> Iterator[list[Record]]:
    """Split a segment stream into messages (ST..SE, UNH..UNT; the whole file when there are none)."""
    current: list[Record] = []
    for record in records:
        if record.tag in MESSAGE_START and current:
            yield current
            current = []
        current.append(record)
        if record.tag in MESSAGE_END:
            yield current
            current = []
    if current:
        yield current


def message_type(segments: list[Record]) -> str:
    head = segments[0]
    if head.tag == "ST":
        return head.get("ST01")
    if head.tag == "UNH":
        return head.get("UNH02.1")
    return ""


def build_tree(loops: tuple[Loop, ...], segments: list[Any], starts: LoopStarts | None = None,
               hl_ids: Callable[[Any], tuple[str, str, str]] | None = None) -> Node:
    """The loop tree of one message (``starts``: :func:`loop_starts` of ``loops``, built once per file).

    ``segments`` are Records, or split element lists (``["HL", "2", "1", "O"]``) when ``hl_ids`` reads
    HL01..HL03 of one (as the values dict has them: "" when absent); the tree is the same.
    """
    root = Node(None)
    current = root
    by_hl: dict[str, Node] = {}
    by_level, default, until = starts or loop_starts(loops)
    raw = hl_ids is not None
    ids = hl_ids or _record_hl_ids
    special = {"HL", *default, *MESSAGE_END, *(tag for tags in until.values() for tag in tags)}
    hl_names: dict[str, str] = {}  # HL03 -> the loop's name, worked out once per message
    own = root.segments
    for segment in segments:
        tag = segment[0] if raw else segment.tag
        if tag not in special:  # most segments: they belong to the current loop
            own.append(segment)
            continue
        if tag == "HL":
            number, parent_number, level = ids(segment)
            name = hl_names.get(level)
            if name is None:
                loop = (by_level.get((tag, level)) if by_level else None) or default.get(tag)
                name = hl_names[level] = loop.name if loop else f"HL:{level}"
            parent = by_hl.get(parent_number, root)
            current = Node(name, [segment], parent)
            parent.children.append(current)
            by_hl[number] = current
            own = current.segments
            continue
        loop = None
        if tag in default:
            loop = (by_level.get((tag, _element3(segment, raw, ids))) if by_level else None) or default[tag]
        if loop is not None:
            parent = _enclosing(current, loop.within) if loop.within else root
            current = Node(loop.name, [segment], parent)
            parent.children.append(current)
        else:
            if current.parent is not None and (tag in MESSAGE_END or (until and tag in until.get(current.name or "", ()))):
                current = _close(until, current, tag)
            current.segments.append(segment)
        own = current.segments
    return root


def _record_hl_ids(record: Record) -> tuple[str, str, str]:
    values = record.values
    return values.get("HL01", ""), values.get("HL02", ""), values.get("HL03", "")


def _element3(segment: Any, raw: bool, ids: Callable[[Any], tuple[str, str, str]]) -> str:
    """Element 3 of a non-HL loop start (a loop keyed by level on another tag: rare, but declared loops allow it)."""
    if not raw:
        return segment.values.get(f"{segment.tag}03", "")
    return ids(segment)[2]


LoopStarts = tuple[dict[tuple[str, str], Loop], dict[str, Loop | None], dict[str, tuple[str, ...]]]


def loop_starts(loops: tuple[Loop, ...]) -> LoopStarts:
    """Which loop a segment opens, as lookups: ``(tag, HL03) -> loop`` for the levels the loops name, and
    ``tag -> loop`` for any other HL03 (the first loop without a level, or None). Same answer as
    :func:`_starts` (the first declared loop that matches), without scanning the loops per segment.
    The third part is each loop's ``until`` tags, by loop name."""
    by_level: dict[tuple[str, str], Loop] = {}
    default: dict[str, Loop | None] = {}
    for loop in loops:
        default.setdefault(loop.start, None)
        if loop.hl_level is None:
            if default[loop.start] is None:
                default[loop.start] = loop
        elif (loop.start, loop.hl_level) not in by_level:
            by_level[(loop.start, loop.hl_level)] = loop
    for (tag, level), loop in list(by_level.items()):  # a level-less loop declared earlier wins
        first = default[tag]
        if first is not None and loops.index(first) < loops.index(loop):
            by_level[(tag, level)] = first
    return by_level, default, {loop.name: loop.until for loop in loops if loop.until}


def _starts(loops: tuple[Loop, ...], record: Record) -> Loop | None:
    for loop in loops:
        if record.tag == loop.start and (loop.hl_level is None or record.get("HL03") == loop.hl_level):
            return loop
    return None


def _enclosing(node: Node, name: str) -> Node:
    for candidate in node.chain():
        if candidate.name == name:
            return candidate
    return node.chain()[-1]


def _close(until: dict[str, tuple[str, ...]], node: Node, tag: str) -> Node:
    """Leave every loop that ``tag`` closes (its ``until`` list, or the message trailer)."""
    while node.parent is not None and (tag in until.get(node.name or "", ()) or tag in MESSAGE_END):
        node = node.parent
    return node


def context(node: Node) -> dict[str, Any]:
    """Variables for expressions in ``node``: first segment per tag, innermost loop winning.

    Built once per node (a loop's items and packed items share their item nodes) and never mutated.
    """
    if node.variables is None:
        ctx = dict(context(node.parent)) if node.parent is not None else {}  # its functions are replaced below
        own: set[str] = set()
        for record in node.segments:
            if record.tag not in own:
                own.add(record.tag)
                ctx[record.tag] = record.values
        ctx["seg"], ctx["segs"], ctx["every"] = node.seg, node.segs, node.every
        node.variables = ctx
    return node.variables


def _seg(node: Node, tag: str, qualifier: str | None, at: str | None) -> Any:
    """First ``tag`` segment in scope (innermost first) whose qualifier element equals ``qualifier``."""
    for scope in node.chain():
        for record in scope.segments:
            if record.tag == tag and (qualifier is None or _qualifier(record, at) == qualifier):
                return record.values
    return MissingValue(name=f"{tag} segment" + (f" with qualifier {qualifier}" if qualifier else ""))


def _qualifier(record: Record, at: str | None) -> str:
    if at:
        return record.values.get(at, "")
    return record.values.get(f"{record.tag}01") or record.values.get(f"{record.tag}01.1", "")


def unit_for(node: Node) -> Unit:
    return Unit(context(node), node.segments[0].source if node.segments else _any_source(node), node=node)


def _any_source(node: Node) -> Any:
    for scope in node.chain():
        if scope.segments:
            return scope.segments[0].source
    return SourceRef()


def map_segments(mapping: CompiledMapping, reader: Iterable[Record], result: InboundResult) -> Iterator[MappedDocument]:
    """One document per message, or per ``document_loop`` node.

    When the mapping has a generated form and the reader hands over whole messages (X12), documents are
    built by the generated code and only a document it cannot build goes through the interpreter.
    """
    starts = loop_starts(mapping.loops)
    raw_messages = getattr(reader, "messages", None)
    if mapping.generated is not None and raw_messages is not None:
        for message in raw_messages():
            yield from _generated_message(mapping, message, result, starts)
        return
    for segments in messages(reader):
        yield from _interpreted_message(mapping, segments, result, starts)


def _interpreted_message(mapping: CompiledMapping, segments: list[Record], result: InboundResult,
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
                       starts: LoopStarts) -> Iterator[MappedDocument]:
    """The documents of one X12 message, built by the mapping's generated code.

    A message that is truncated or of the wrong type, and any document whose build raises, goes to
    the interpreter, which reports it. A document built here says where its parts came from when asked
    (:class:`_RawSources`), from the units the generated code noted while building it.
    """
    generated = mapping.generated
    assert generated is not None
    component = message.component
    head = message.segments[0] if message.segments else None
    if not message.complete or not component or head is None or head[0] != "ST" or (
            mapping.messages and _plain(head, 1, component) not in mapping.messages):
        yield from _interpreted_message(mapping, message.records(), result, starts)
        return
    root = build_tree(mapping.loops, message.segments, starts, _raw_hl_ids(component))
    nodes = [n for n in root.descendants() if n.name == mapping.document_loop] if mapping.document_loop else [root]
    interpreted: list[MappedDocument] = []

    def interpret(index: int) -> MappedDocument:
        if not interpreted:
            interpreted.extend(_interpreted_message(mapping, message.records(), result, starts))
        return interpreted[index]

    sources = _RawSources(message, generated, interpret)
    for index, node in enumerate(nodes):
        units: list[Node] = []
        try:
            item = generated.document(node, [node], component, units)
            key = generated.key(node, [node], component) if generated.key is not None else None
        except Exception:  # noqa: BLE001 - any failure: the interpreter builds it and says what is wrong
            yield interpret(index)
            continue
        yield MappedDocument(mapping.document, key or default_key(item), item,
                             explain=lambda i=index, n=node, u=units, it=item: sources.explain(i, n, u, it))


class _RawSources:
    """Where the parts of a generated document came from, as the interpreter would have recorded it:
    every segment of the document's loop, and per element the first segment of the loop it was built
    from (``field_sources``)."""

    def __init__(self, message: RawMessage, generated: Any, interpret: Callable[[int], MappedDocument]) -> None:
        self.message, self.generated, self.interpret = message, generated, interpret
        self._positions: dict[int, int] | None = None

    def source(self, parts: list[str]) -> SourceRef:
        if self._positions is None:
            self._positions = {id(p): n for p, n in zip(self.message.segments, self.message.positions, strict=True)}
        return SourceRef(self.message.file, segment=self._positions[id(parts)], message=self.message.control)

    def explain(self, index: int, node: Node, units: list[Node],
                item: dict[str, Any]) -> tuple[list[SourceRef], dict[str, SourceRef]]:
        paths = self.generated.element_paths(item)
        if len(paths) != len(units):  # two arrays writing one path: only the interpreter can say
            doc = self.interpret(index)
            return doc.sources, doc.field_sources
        every = [self.source(parts) for n in [node, *node.descendants()] for parts in n.segments]
        fields: dict[str, SourceRef] = {}
        for path, unit in zip(paths, units, strict=True):
            if path not in fields:
                fields[path] = self._unit_source(unit)
        return every, fields

    def _unit_source(self, node: Node) -> SourceRef:
        """The source :func:`unit_for` gives a loop: its first segment, else the nearest enclosing one's."""
        for scope in node.chain():
            if scope.segments:
                return self.source(scope.segments[0])
        return SourceRef()


def _raw_hl_ids(component: str) -> Callable[[list[str]], tuple[str, str, str]]:
    """Elements 1-3 of a split segment as the values dict has them ("" when absent, empty or composite)."""
    def ids(parts: list[str]) -> tuple[str, str, str]:
        count = len(parts)
        first = parts[1] if count > 1 else ""
        second = parts[2] if count > 2 else ""
        third = parts[3] if count > 3 else ""
        if component in first or component in second or component in third:
            return _plain(parts, 1, component), _plain(parts, 2, component), _plain(parts, 3, component)
        return first, second, third
    return ids


def _plain(parts: list[str], position: int, component: str) -> str:
    """Element ``position`` as the values dict has it: "" when absent, empty or composite."""
    if position >= len(parts) or position > 99:
        return ""
    value = parts[position]
    return "" if component and component in value else value


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
