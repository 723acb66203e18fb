"""Message shapes: a message's loop tree, worked out once for all the messages laid out the same way.

The generated code (:mod:`.generated`) reads a message's split segments by position. What it needs of
the loop tree (per loop instance: the first segment of each tag in scope, innermost loop first; every
segment of a tag in scope, for ``seg()``/``segs()``; the loops below it) depends only on the message's
*shape*: its segment tags, and for an HL which earlier HL is its parent and its level (what
:func:`.segments.build_tree` reads). A file's messages come in a few shapes (one per number of lines
and packs), so each shape is worked out once, from the ordinary loop tree of its first message, and
every later message of that shape only computes its key. The interpreter keeps building its own trees.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from translator.mapping.segments import LoopStarts, build_tree, enclosing
from translator.mapping.spec import Loop

_TAG = itemgetter(0)
MAX_SHAPES = 256            # shapes kept per file; a file with more works the rest out per message
MAX_SHAPE_SEGMENTS = 500    # a bigger message is worked out on its own (its shape is not kept)


class Scope:
    """One loop instance of a shape (or the message root); its segments are positions in the message.

    ``f``: tag -> position of the first segment of that tag in scope (this loop's, else the nearest
    enclosing loop's), for the tags the mapping names; ``tagged``: tag -> positions of this loop's own
    segments of that tag, in message order (``seg()`` and ``segs()`` walk them up the enclosing loops)."""

    __slots__ = ("name", "parent", "own", "children", "f", "tagged", "_tags", "_loops", "_every", "_below")

    def __init__(self, name: str | None, own: tuple[int, ...], parent: Scope | None, tags: list[str],
                 named: frozenset[str]) -> None:
        self.name, self.own, self.parent, self._tags = name, own, parent, tags
        self.children: list[Scope] = []
        tagged: dict[str, list[int]] = {}
        for position in own:
            tagged.setdefault(tags[position], []).append(position)
        self.tagged = {tag: tuple(positions) for tag, positions in tagged.items()}
        first = dict(parent.f) if parent is not None else {}
        first.update({tag: positions[0] for tag, positions in tagged.items() if tag in named})
        self.f = first
        self._loops: dict[str, list[Scope]] = {}
        self._every: dict[str, tuple[int, ...]] = {}
        self._below: list[Scope] | None = None

    def loops(self, name: str) -> list[Scope]:
        """As :meth:`.segments.Node.loop_nodes`: loops ``name`` below, else the nearest enclosing one."""
        found = self._loops.get(name)
        if found is None:
            found = [s for s in self.below() if s.name == name]
            if not found:
                found = [s for s in self.chain()[1:] if s.name == name][:1]
            self._loops[name] = found
        return found

    def every(self, tag: str) -> tuple[int, ...]:
        """Positions of every ``tag`` segment in this loop and the loops below it, in message order."""
        found = self._every.get(tag)
        if found is None:
            tags = self._tags
            found = self._every[tag] = tuple(p for s in [self, *self.below()] for p in s.own if tags[p] == tag)
        return found

    def below(self) -> list[Scope]:
        """Every scope below this one, depth first in message order (as :meth:`.segments.Node.descendants`)."""
        if self._below is None:
            out: list[Scope] = []
            stack = self.children[::-1]
            while stack:
                scope = stack.pop()
                out.append(scope)
                stack.extend(scope.children[::-1])
            self._below = out
        return self._below

    def chain(self) -> list[Scope]:
        """This scope and the scopes around it, innermost first."""
        return enclosing(self)

    def positions(self) -> list[int]:
        """Positions of the segments of this loop and of the loops below it (a document's sources)."""
        return [p for s in [self, *self.below()] for p in s.own]

    def first_position(self) -> int | None:
        """Where this loop's parts come from: its first segment, else the nearest enclosing loop's."""
        for scope in self.chain():
            if scope.own:
                return scope.own[0]
        return None


class Shapes:
    """The shapes met in one file, by key (no state outside the file being read). Only small messages'
    shapes are kept (:data:`MAX_SHAPE_SEGMENTS`, :data:`MAX_SHAPES`), so what is kept stays small; a big
    message is worked out on its own, which costs little beside the message itself."""

    def __init__(self, loops: tuple[Loop, ...], starts: LoopStarts, document_loop: str | None,
                 hl_ids: Callable[[list[str]], tuple[str, str, str]], named: frozenset[str]) -> None:
        self.loops, self.starts, self.document_loop, self.ids, self.named = loops, starts, document_loop, hl_ids, named
        by_level = starts[0]
        self.keyed = frozenset(tag for tag, _level in by_level if tag != "HL")   # loop starts read by level
        self.known: dict[tuple[Any, ...], list[Scope]] = {}

    def of(self, segments: list[list[str]]) -> list[Scope]:
        """The document scopes of ``segments``' layout: its document loops (or the message root)."""
        if len(segments) > MAX_SHAPE_SEGMENTS:
            return self.work_out(segments)
        key = self.key(segments)
        shape = self.known.get(key)
        if shape is None:
            shape = self.work_out(segments)
            if len(self.known) < MAX_SHAPES:
                self.known[key] = shape
        return shape

    def key(self, segments: list[list[str]]) -> tuple[Any, ...]:
        """Everything :func:`.segments.build_tree` reads: the tags; per HL its level and which earlier HL (by
        position) its HL02 names, as ``by_hl`` resolves it; for a loop start read by level, that level."""
        tags = tuple(map(_TAG, segments))
        if self.keyed:
            return tags, tuple((p, self.ids(segments[p])[2]) for p, tag in enumerate(tags) if tag in self.keyed), \
                self._hl(segments, tags)
        return tags, self._hl(segments, tags)

    def _hl(self, segments: list[list[str]], tags: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        if "HL" not in tags:
            return ()
        out = []
        seen: dict[str, int] = {}
        ids = self.ids
        position = -1
        for _ in range(tags.count("HL")):
            position = tags.index("HL", position + 1)
            number, parent, level = ids(segments[position])
            out.append((level, seen.get(parent, -1)))   # the parent is looked up before this HL counts
            seen[number] = position
        return tuple(out)

    def work_out(self, segments: list[list[str]]) -> list[Scope]:
        """The scopes of ``segments``' loop tree (parents before children, so each inherits ``f``)."""
        root = build_tree(self.loops, segments, self.starts, self.ids)
        position = {id(parts): n for n, parts in enumerate(segments)}
        tags = [parts[0] for parts in segments]
        made: dict[int, Scope] = {}
        for node in [root, *root.descendants()]:
            parent = made[id(node.parent)] if node.parent is not None else None
            scope = made[id(node)] = Scope(node.name, tuple(position[id(p)] for p in node.segments), parent, tags,
                                           self.named)
            if parent is not None:
                parent.children.append(scope)
        if self.document_loop:
            return [made[id(n)] for n in root.descendants() if n.name == self.document_loop]
        return [made[id(root)]]
