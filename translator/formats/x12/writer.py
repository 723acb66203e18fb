"""X12 writer: records in, a complete interchange out (ISA/GS/ST..SE/GE/IEA with counts).

A record tagged ``ST`` (``{"ST01": "856"}``) starts a transaction set; the writer fills ST02 and writes
SE itself (records tagged SE are ignored). Consecutive sets with the same functional identifier
(derived from ST01) share a GS group. Control numbers come from the ``control_numbers`` object, so
the engine can persist them per partner. Values are written exactly as given; a value containing a
delimiter is refused with a located Problem unless ``replace_delimiters`` is configured.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, BinaryIO, Protocol

from translator.errors import DocumentRejected, MappingError
from translator.formats.x12.codes import FUNCTIONAL_IDS
from translator.formats.x12.delimiters import Delimiters
from translator.formats.x12.options import X12Options, parse_options
from translator.problems import Problem
from translator.records import Record

_ENVELOPE = frozenset({"ISA", "GS", "GE", "IEA"})
_FLUSH_EVERY = 2000      # segments buffered before a write to the target
_MAX_CONTROL = 999_999_999


class ControlNumbers(Protocol):
    def next(self, partner: str, level: str) -> int: ...


class CounterControlNumbers:
    """In-memory control numbers per (partner, level), starting at ``start``; wraps after 999,999,999.

    The engine supplies a persistent implementation; this one serves tests and one-off translations.
    """

    def __init__(self, start: int = 1) -> None:
        self._start = start
        self._last: dict[tuple[str, str], int] = {}

    def next(self, partner: str, level: str) -> int:
        value = self._last.get((partner, level), self._start - 1) + 1
        if value > _MAX_CONTROL:
            value = 1
        self._last[(partner, level)] = value
        return value


def _key_problem(record: Record, key: str, rule: str, hint: str) -> Problem:
    return Problem(code="X12-ELEMENT-KEY", rule=rule, hint=hint, record=record.tag, field=key,
                   segment=record.source.segment, line=record.source.line, file=record.source.file)


def _position(record: Record, key: str, cache: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """(element position, component position or 0) for a key like ``BSN02`` or ``DTM01.2``."""
    found = cache.get(key)
    if found is not None:
        return found
    tag = record.tag
    rest = key[len(tag):] if key.startswith(tag) else ""
    elem, _, comp = rest.partition(".")
    if not (len(elem) == 2 and elem.isdigit() and int(elem) > 0 and (not comp or comp.isdigit() and int(comp) > 0)):
        raise DocumentRejected([_key_problem(record, key, f"element key {key!r} is not {tag}NN or {tag}NN.N",
                                             "name elements by segment id and 2-digit position, e.g. BSN02 or DTM01.2")])
    found = (int(elem), int(comp or 0))
    cache[key] = found
    return found


def _elements(record: Record, component: str, cache: dict[str, tuple[int, int]]) -> list[str]:
    """Element texts in position order, composites joined, trailing empties dropped (tag first)."""
    slots: dict[int, Any] = {}
    for key, value in record.values.items():
        pos, comp = _position(record, key, cache)
        if comp:
            current = slots.setdefault(pos, {})
            if not isinstance(current, dict):
                raise DocumentRejected([_key_problem(record, key, f"{key} and {key.split('.')[0]} are both set",
                                                     "give a composite either whole or by components")])
            current[comp] = value
        elif pos in slots:
            raise DocumentRejected([_key_problem(record, key, f"{key} is also given by components",
                                                 "give a composite either whole or by components")])
        else:
            slots[pos] = value
    out = [record.tag] + [""] * (max(slots, default=0))
    for pos, value in slots.items():
        if isinstance(value, dict):
            value = component.join(value.get(i, "") for i in range(1, max(value) + 1)).rstrip(component)
        out[pos] = value
    while len(out) > 1 and not out[-1]:
        out.pop()
    return out


def segment_text(record: Record, delimiters: Delimiters) -> str:
    """The segment for ``record`` without its terminator; raises DocumentRejected on a delimiter in a value."""
    elements = _elements(record, delimiters.component, {})
    problems = _delimiter_problems(record, elements, _bad_chars(delimiters))
    if problems:
        raise DocumentRejected(problems)
    return delimiters.element.join(elements)


def _bad_chars(delimiters: Delimiters) -> re.Pattern[str]:
    return re.compile("[" + re.escape(delimiters.characters()) + "\r\n]")


def _delimiter_problems(record: Record, elements: list[str], bad: re.Pattern[str]) -> list[Problem]:
    problems = []
    for key, value in record.values.items():
        found = bad.search(value)
        if found:
            problems.append(Problem(
                code="X12-VALUE-DELIMITER", record=record.tag, field=key, value=repr(found.group()),
                segment=record.source.segment, line=record.source.line, file=record.source.file,
                rule=f"{key} contains the character {found.group()!r}, which is an X12 delimiter here",
                hint="remove it in the mapping, choose other delimiters, or set the x12 option "
                     "replace_delimiters (e.g. ' ') to replace delimiter characters explicitly"))
    return problems


class Writer:
    """Streams records into one interchange on ``target``; ``close()`` writes the trailers."""

    def __init__(self, target: BinaryIO, options: X12Options, control_numbers: ControlNumbers,
                 now: Callable[[], datetime]) -> None:
        self._target = target
        self.options = options
        self._numbers = control_numbers
        self._now = now
        rep = options.repetition_separator if options.repetition_separator != "U" else None
        self.delimiters = Delimiters(options.element_separator, options.component_separator,
                                     options.segment_terminator, rep)
        self._end = options.segment_terminator + ("\n" if options.newline_after_segment else "")
        self._bad = _bad_chars(self.delimiters)
        self._cache: dict[str, tuple[int, int]] = {}
        self._buffer: list[str] = []
        self._heads: dict[Callable[[Sequence[str]], None], str] = {}   # plain-segment sinks -> "TAG*"
        self.interchange_control: str | None = None   # ISA13 of the interchange written (kept after close)
        self.groups_written: list[tuple[str, str, int]] = []   # (GS01, GS06, sets) to match incoming 997s
        self._open = False
        self._group: list[Any] | None = None      # [functional id, control number, set count]
        self._group_count = 0
        self._set: list[Any] | None = None        # [control number, segment count]
        self.sets_written = 0

    def write(self, record: Record) -> None:
        tag = record.tag
        if tag == "ST":
            self._start_set(record)
        elif tag == "SE":
            return
        elif tag in _ENVELOPE:
            raise DocumentRejected([_key_problem(record, tag, f"{tag} is written by the x12 writer itself",
                                                 "map only the segments from ST to SE")])
        elif self._set is None:
            raise DocumentRejected([_key_problem(record, tag, f"segment {tag} comes before any ST",
                                                 "start every transaction set with a record tagged ST")])
        else:
            self._segment(record)
            self._set[1] += 1

    def values_writer(self, tag: str, keys: Sequence[str],
                      constants: Mapping[int, str] | None = None) -> Callable[[Sequence[str]], None] | None:
        """A faster :meth:`write` for many segments of one shape (the mapping engine's outbound path).

        ``sink(values)`` writes exactly what :meth:`write` writes for ``Record(tag, {key: value})``. The values
        are given one per element position, as ``sink.layout`` says (slot i holds the value of ``keys[layout[i]]``,
        or "" where it is None); ``constants`` (key index -> value, the same on every call) are checked once,
        here. For ``ST`` (no layout) the sink takes the values of the keys not in ``constants``, in key order.
        Per call the values are checked for delimiters in one scan; anything unusual (no open set, a delimiter
        in a value) goes through :meth:`write` itself, so problems and repairs are the same. None when the
        shape is not a plain segment (envelope, composites, a constant holding a delimiter).
        """
        keys, constants = tuple(keys), dict(constants or {})
        if tag == "ST" and keys == ("ST01",):
            return self._start_sink(constants.get(0))
        if tag in _ENVELOPE or tag in ("ST", "SE") or not keys or len(set(keys)) != len(keys):
            return None
        if any(type(v) is not str or self._bad.search(v) for v in constants.values()):
            return None
        try:
            found = [_position(Record(tag), key, self._cache) for key in keys]
        except DocumentRejected:
            return None
        if any(component for _, component in found):
            return None
        return self._sink(tag, keys, tuple(position for position, _ in found), constants)  # constants: in the slots

    def _start_sink(self, st01: str | None) -> Callable[[Sequence[str]], None]:
        """``ST`` with ST01 only, in an open group of its functional id: :meth:`_start_set` (and the previous
        set's :meth:`_end_set`) without the Records; anything else goes through :meth:`write`."""
        bad, numbers, partner = self._bad.search, self._numbers, self.options.partner

        def sink(values: Sequence[str]) -> None:
            code = st01 if st01 is not None else values[0]
            group = self._group
            if group is None or group[0] != FUNCTIONAL_IDS.get(code) or bad(code):
                self.write(Record("ST", {"ST01": code}))
                return
            self._end_set()
            number = f"{numbers.next(partner, 'message'):04d}"
            self._set = [number, 1]
            if bad(number):
                self._segment(Record("ST", {"ST01": code, "ST02": number}))
            else:
                self._emit(["ST", code, number])
            group[2] += 1

        return sink

    def _sink(self, tag: str, keys: tuple[str, ...], positions: tuple[int, ...],
              constants: dict[int, str]) -> Callable[[Sequence[str]], None]:
        """A sink taking one value per element position (its ``layout``): checked with one scan, joined once."""
        buffer, end, flush, bad = self._buffer, self._end, self._flush, self._bad.search
        join, head = self.delimiters.element.join, tag + self.delimiters.element
        width = max(positions)
        slot = {index: position - 1 for index, position in enumerate(positions)}
        layout = tuple(positions.index(p) if p in positions else None for p in range(1, width + 1))

        def slow(values: Sequence[str]) -> None:
            self.write(Record(tag, {key: values[slot[index]] for index, key in enumerate(keys)}))

        def sink(values: Sequence[str]) -> None:
            current = self._set
            if current is None or bad("".join(values)):
                slow(values)  # refused or replaced by write(), as ever
                return
            buffer.append(f"{head}{join(values)}{end}" if values[-1] else self._stripped(head, values))
            current[1] += 1
            if len(buffer) >= _FLUSH_EVERY:
                flush()

        sink.layout = layout  # type: ignore[attr-defined]
        self._heads[sink] = head
        return sink

    def _stripped(self, head: str, values: Sequence[str]) -> str:
        """The segment's text when its last elements are empty: they are left out."""
        last = len(values)
        while last and not values[last - 1]:
            last -= 1
        if not last:
            return head[:-len(self.delimiters.element)] + self._end
        return head + self.delimiters.element.join(values[:last]) + self._end

    def write_batch(self, batch: Sequence[tuple[Callable[[Sequence[str]], None], Sequence[str]]]) -> None:
        """``sink(values)`` for each pair in turn (one order's segments, from the mapping engine), with the
        same result: runs of segments are built unchecked and their values scanned for delimiters once;
        on a hit, or with no set open, that run goes through its sinks one by one after all."""
        heads, join, end = self._heads, self.delimiters.element.join, self._end
        texts: list[str] = []
        parts: list[str] = []
        start = index = 0
        for sink, values in batch:
            head = heads.get(sink)
            if head is None:  # not a plain segment (ST): whatever is pending first, then it
                if texts:
                    self._commit(batch, start, index, texts, parts)
                    texts, parts = [], []
                start = index + 1
                sink(values)
            else:
                texts.append(f"{head}{join(values)}{end}" if values[-1] else self._stripped(head, values))
                parts += values
            index += 1
        self._commit(batch, start, index, texts, parts)

    def _commit(self, batch: Sequence[tuple[Callable[[Sequence[str]], None], Sequence[str]]], start: int, stop: int,
                texts: list[str], parts: list[str]) -> None:
        current = self._set
        if not texts:
            return
        if current is None or self._bad.search("".join(parts)):
            for sink, values in batch[start:stop]:
                sink(values)
            return
        buffer = self._buffer
        room = _FLUSH_EVERY - len(buffer)
        while len(texts) >= room:  # flush where one-at-a-time appends would have
            buffer += texts[:room]
            self._flush()
            texts, room = texts[room:], _FLUSH_EVERY
        buffer += texts
        current[1] += stop - start

    def write_all(self, records: Iterable[Record]) -> None:
        for record in records:
            self.write(record)

    def close(self) -> None:
        """Write SE, GE and IEA for whatever is open and flush; does not close ``target``."""
        self._end_set()
        self._end_group()
        if self._open:
            self._emit(["IEA", str(self._group_count), self.interchange_control or ""])
            self._open = False
        self._flush()

    # -- envelopes --------------------------------------------------------------------------------
    def _start_set(self, record: Record) -> None:
        st01 = record.values.get("ST01", "")
        fid = FUNCTIONAL_IDS.get(st01)
        if fid is None:
            raise DocumentRejected([_key_problem(record, "ST01", f"unknown transaction set {st01!r}",
                                                 f"ST01 must be one of {', '.join(sorted(FUNCTIONAL_IDS))}")])
        self._end_set()
        if self._group is None or self._group[0] != fid:
            self._end_group()
            self._start_group(fid)
        number = f"{self._numbers.next(self.options.partner, 'message'):04d}"
        self._set = [number, 1]
        values = {k: v for k, v in record.values.items() if k not in ("ST01", "ST02")}
        self._segment(Record("ST", {"ST01": st01, "ST02": number, **values}, record.source))
        self._group[2] += 1  # type: ignore[index]

    def _end_set(self) -> None:
        if self._set is not None:
            self._emit(["SE", str(self._set[1] + 1), self._set[0]])
            self._set = None
            self.sets_written += 1

    def _start_group(self, fid: str) -> None:
        if not self._open:
            self._start_interchange()
        o = self.options
        now = self._now()
        number = str(self._numbers.next(o.partner, "group"))
        self._emit(["GS", fid, o.gs_sender or o.sender_id, o.gs_receiver or o.receiver_id,
                    now.strftime("%Y%m%d"), now.strftime("%H%M"), number, "X", o.group_version])
        self._group = [fid, number, 0]
        self._group_count += 1

    def _end_group(self) -> None:
        if self._group is not None:
            self._emit(["GE", str(self._group[2]), self._group[1]])
            self.groups_written.append((self._group[0], self._group[1], self._group[2]))
            self._group = None

    def _start_interchange(self) -> None:
        o = self.options
        now = self._now()
        self.interchange_control = f"{self._numbers.next(o.partner, 'interchange'):09d}"
        self._open = True
        self._emit(["ISA", "00", " " * 10, "00", " " * 10, o.sender_qualifier, o.sender_id.ljust(15),
                    o.receiver_qualifier, o.receiver_id.ljust(15), now.strftime("%y%m%d"), now.strftime("%H%M"),
                    o.repetition_separator, o.version, self.interchange_control,
                    "1" if o.acknowledgement_requested else "0", o.usage, o.component_separator])

    # -- output -----------------------------------------------------------------------------------
    def _segment(self, record: Record) -> None:
        elements = _elements(record, self.delimiters.component, self._cache)
        if self._bad.search("".join(record.values.values())):
            elements = self._repair(record, elements)
        self._emit(elements)

    def _repair(self, record: Record, elements: list[str]) -> list[str]:
        """Replace delimiter characters when configured to; otherwise reject the record."""
        problems = _delimiter_problems(record, elements, self._bad)
        if self.options.replace_delimiters is None:
            raise DocumentRejected(problems)
        fixed = {k: self._bad.sub(self.options.replace_delimiters, v) for k, v in record.values.items()}
        return _elements(Record(record.tag, fixed, record.source), self.delimiters.component, self._cache)

    def _emit(self, elements: list[str]) -> None:
        self._buffer.append(self.delimiters.element.join(elements) + self._end)
        if len(self._buffer) >= _FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._target.write("".join(self._buffer).encode(self.options.encoding))
            self._buffer.clear()


def _clock(context: Mapping[str, Any]) -> Callable[[], datetime]:
    now = context.get("now")
    if now is None:
        return lambda: datetime.now(UTC)
    return now if callable(now) else (lambda: now)


def require_ids(options: X12Options) -> None:
    """An interchange cannot be addressed without both ISA ids."""
    for key in ("sender_id", "receiver_id"):
        if not getattr(options, key).strip():
            raise MappingError(f"x12 option {key} is required to write an interchange (the ISA06/ISA08 id)",
                               key=key)


def writer(target: BinaryIO, options: Mapping[str, Any] | X12Options | None = None, **context: Any) -> Writer:
    """A writer for one interchange. Context: ``control_numbers`` (default in-memory), ``now`` (datetime)."""
    opts = options if isinstance(options, X12Options) else parse_options(options or {})
    require_ids(opts)
    numbers = context.get("control_numbers") or CounterControlNumbers()
    return Writer(target, opts, numbers, _clock(context))


def write(records: Iterable[Record], target: BinaryIO, options: Mapping[str, Any] | None = None,
          **context: Any) -> Writer:
    """Write ``records`` as one interchange and close it; returns the writer (for its control number)."""
    w = writer(target, options, **context)
    w.write_all(records)
    w.close()
    return w
