"""Inbound X12, EDIFACT and record-typed fixed-width files: messages and their loop trees.

Segments are split into messages at ``ST``/``UNH`` (a file without them is one message), and each
message into the loops the mapping declares: ``{start: PO1}`` loops run until the next loop start or a
tag in ``until``; X12 ``HL`` loops (``{hl_level: O}``) nest by HL02 -> HL01, so Shipment/Order/Pack/Item,
Shipment/Order/Item and Amazon's Order/Item/Pack hierarchies all become the same tree. A document is a
message, or each ``document_loop`` node. Inside a loop an expression sees the first segment of each tag
of that loop, then of its enclosing loops (``BSN.BSN02``, ``LIN.LIN03``), plus ``seg(tag, qualifier)``
and ``segs(tag)`` for repeated, qualified segments (``seg('REF', 'CN').REF02``). Documents are made
in :mod:`.messages`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from translator.mapping.build import Unit
from translator.mapping.expressions import MissingValue
from translator.mapping.spec import Loop
from translator.records import Record, SourceRef

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
        return enclosing(self)

    def seg(self, tag: str, qualifier: str | None = None, at: str | None = None) -> Any:
        return _seg(self, tag, qualifier, at)

    def segs(self, tag: str) -> list[dict[str, str]]:
        return [r.values for n in self.chain() for r in n.segments if r.tag == tag]

    def every(self, tag: str) -> list[dict[str, str]]:
        return [r.values for n in [self, *self.descendants()] for r in n.segments if r.tag == tag]

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


def enclosing(node: Any) -> list[Any]:
    """A loop (anything with a ``parent``) and the loops around it, innermost first."""
    out = []
    while node is not None:
        out.append(node)
        node = node.parent
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
    ``tag -> loop`` for any other HL03 (the first loop without a level, or None). The same answer as taking
    the first declared loop that matches, without scanning the loops per segment.
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
