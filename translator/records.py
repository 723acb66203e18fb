"""Records: what every format reader yields and every format writer takes.

Formats know nothing about Amazon: a record is a tag plus string values plus where it came from.

* Tabular formats (CSV, XLSX, fixed width): one record per data row. ``tag`` is the record type
  (fixed width: the record-type value; CSV/XLSX: ``"row"``), ``values`` maps column name -> cell text.
* Segment formats (X12, EDIFACT): one record per segment. ``tag`` is the segment id (``BSN``, ``DTM``),
  ``values`` maps element ids to text: ``"BSN02"`` for simple elements, ``"DTM01.2"`` for component 2 of
  composite element 1 (X12 and EDIFACT alike; positions are 1-based and zero-padded to 2 digits).
  Envelope segments (ISA/GS/GE/IEA, UNA/UNB/UNZ) are not yielded as records; readers expose them separately.

All values are ``str``. Nothing is ever converted to a number by a format: identifiers and money stay text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class SourceRef:
    """Where a record came from, carried all the way to reports and the state store."""

    file: str | None = None
    line: int | None = None          # 1-based physical line (CSV/fixed) or row (XLSX)
    sheet: str | None = None         # XLSX sheet name
    segment: int | None = None       # 1-based segment index within the interchange (X12/EDIFACT)
    message: str | None = None       # transaction-set / message control number (ST02, UNH01)
    columns: tuple[str, ...] = ()    # tabular: header names in file order (for column indexes in reports)


@dataclass(frozen=True)
class Record:
    """One row or segment: a tag, its string values, and its source."""

    tag: str
    values: dict[str, str] = field(default_factory=dict)
    source: SourceRef = field(default_factory=SourceRef)

    def get(self, key: str, default: str = "") -> str:
        """Value for ``key`` or ``default`` (empty string) when absent."""
        return self.values.get(key, default)


class RawMessage:
    """One X12 transaction set (ST..SE) as split element lists: the cheap form a mapper can read.

    Building a :class:`Record` (a values dict and a SourceRef) per segment costs more than mapping the
    segment, so a segment reader can hand over whole messages in this form instead, and the mapper
    asks for :meth:`records` only when it needs them (to explain a rejection). ``segments[i]`` is the
    segment split on the element separator (``["BSN", "00", "SHP1", "20261123"]``): the tag first,
    empty elements kept as ``""``, composite elements left joined with :attr:`component`.
    ``positions[i]`` is its 1-based segment number in the file (``SourceRef.segment``).
    ``complete`` is False when no trailer (SE) closed the message (a truncated file).
    """

    __slots__ = ("file", "control", "segments", "positions", "component", "complete")

    def __init__(self, file: str | None, control: str | None, segments: list[list[str]], positions: list[int],
                 component: str, complete: bool = True) -> None:
        self.file, self.control, self.component, self.complete = file, control, component, complete
        self.segments, self.positions = segments, positions

    def __repr__(self) -> str:
        head = self.segments[0][0] if self.segments else "-"
        return f"<RawMessage {head} {self.control} {len(self.segments)} segments>"

    def records(self) -> list[Record]:
        """The same Records a segment reader yields for these segments (empty elements left out,
        composites as ``TAGnn.k``)."""
        base = {"file": self.file, "line": None, "sheet": None, "segment": None, "message": self.control,
                "columns": ()}
        # one C-speed look over the whole message decides whether any segment holds a composite
        component = self.component if self.component and self.component in "".join(map("".join, self.segments)) else ""
        return [build_frozen(Record, {"tag": parts[0], "values": element_values(parts, component),
                                      "source": build_frozen(SourceRef, {**base, "segment": index})})
                for parts, index in zip(self.segments, self.positions, strict=True)]


def build_frozen(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of the frozen dataclass ``cls`` from a complete field dict, skipping ``__init__``.

    Readers build a Record and a SourceRef per row or segment; the generated frozen ``__init__`` costs
    more than the rest of a CSV row's parsing. ``fields`` must name every field (callers start from
    ``vars()`` of a normally built template, or list them all), so the result equals a normally built
    instance, which a test checks.
    """
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", fields)
    return instance


@lru_cache(maxsize=4096)
def _element_keys(tag: str) -> tuple[str, ...]:
    """``(tag, "TAG01", ..., "TAG99")``: lines up with a split segment, so ``zip`` pairs keys with parts
    (and, as X12 positions are two digits, stops after element 99)."""
    return (tag, *(f"{tag}{i:02d}" for i in range(1, 100)))


def element_values(parts: list[str], component: str) -> dict[str, str]:
    """``["N1", "SU", "", "92", "V1"]`` -> ``{"N101": "SU", "N103": "92", "N104": "V1"}``; an element holding
    the component separator becomes ``N101.1``, ``N101.2``... (empty components left out too).

    Element positions stop at 99 (``N199``), as the X12 reader's keys always have: X12 element
    positions have two digits.
    """
    tag = parts[0]
    keys = _element_keys(tag)
    if component and component in "".join(parts):
        values: dict[str, str] = {}
        for key, value in zip(keys[1:], parts[1:], strict=False):
            if component in value:
                for sub, piece in enumerate(value.split(component), 1):
                    if piece:
                        values[f"{key}.{sub}"] = piece
            elif value:
                values[key] = value
        return values
    if "" in parts:
        values = {key: value for key, value in zip(keys, parts, strict=False) if value}
    else:
        values = dict(zip(keys, parts, strict=False))
    values.pop(tag, None)
    return values
