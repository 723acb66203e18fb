"""What the reader learned about each interchange, functional group and transaction set.

Plain data, filled in by :class:`.envelope.EnvelopeChecker` and read by :mod:`.ack997` and callers
(``reader.interchanges``). Kept compact on purpose: a 100,000-set file must not cost 100,000 objects.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from translator.formats.x12.delimiters import Delimiters


@dataclass(slots=True)
class SegmentError:
    """One AK3 (and optional AK4) entry: a bad segment, by its position inside the set."""

    tag: str
    position: int                      # AK302: 1-based position in the set (ST = 1)
    code: str                          # AK304 (codes.SEG_*)
    element: int | None = None         # AK401: element position
    component: int | None = None       # AK401-2: component position in a composite
    element_code: str | None = None    # AK403 (codes.ELEM_*)
    value: str | None = None           # AK404: copy of the bad data


@dataclass(slots=True)
class TransactionSet:
    """ST..SE as received: identity, where it starts, and what a 997 must say about it."""

    id: str                            # ST01, e.g. "856"
    control_number: str                # ST02
    first_segment: int                 # file index of the ST segment
    segment_count: int = 1
    errors: list[str] = field(default_factory=list)              # AK502.. codes (codes.SET_*)
    segment_errors: list[SegmentError] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.errors and not self.segment_errors


@dataclass(slots=True)
class FunctionalGroup:
    """GS..GE as received.

    Accepted sets are not kept as objects, so that memory stays flat for files with hundreds of
    thousands of sets: a run of accepted sets of one kind whose control numbers count up by one and
    that follow each other in the file is held as its first set and each set's segment count (4 bytes a
    set), and written to a compact text log when the run ends. Sets with errors are kept whole.
    :meth:`iter_sets` rebuilds them all in file order.
    """

    functional_id: str                 # GS01
    sender: str                        # GS02
    receiver: str                      # GS03
    date: str                          # GS04
    time: str                          # GS05
    control_number: str                # GS06
    version: str                       # GS08
    first_segment: int
    errors: list[str] = field(default_factory=list)              # AK905.. codes (codes.GROUP_*)
    set_count: int = 0
    _log: bytearray = field(default_factory=bytearray, repr=False)
    _kept: dict[int, TransactionSet] = field(default_factory=dict, repr=False)
    _run: _Run | None = field(default=None, repr=False)

    def add(self, st: TransactionSet) -> None:
        """Archive a closed transaction set."""
        self.set_count += 1
        if st.errors or st.segment_errors or "\x00" in st.control_number or "\n" in st.control_number:
            self._end_run()
            self._kept[st.first_segment] = st
            self._log += f"{st.first_segment}\n".encode()
            return
        run = self._run
        if run is not None and run.extend(st):
            return
        self._end_run()
        if st.segment_count <= _Run.MAX_COUNT:
            self._run = _Run(st)
        else:   # more segments than a run holds: a run of one, written out now
            self._log += _Run.line_of(st.id, st.control_number, st.first_segment, str(st.segment_count))

    def _end_run(self) -> None:
        if self._run is not None:
            self._log += self._run.line()
            self._run = None

    def iter_sets(self) -> Iterator[TransactionSet]:
        """The closed sets in file order."""
        self._end_run()
        for line in self._log.decode("utf-8", "surrogatepass").splitlines():
            fields = line.split("\x00")
            if len(fields) == 1:
                yield self._kept[int(line)]
            else:
                yield from _Run.sets(*fields)

    @property
    def sets(self) -> list[TransactionSet]:
        return list(self.iter_sets())


class _Run:
    """Accepted sets of one kind, one after the other in the file, with control numbers counting up by one
    (``0001``, ``0002``...: the same width). Its log line: ``id NUL first-number NUL first-segment NUL
    count,count...`` (accepted sets have a valid 3-digit ST01, so only ST02 needs checking for NUL and
    newline, which the caller does)."""

    __slots__ = ("id", "first", "first_segment", "counts", "next_number", "next_segment")
    MAX_COUNT = 0xFFFFFFFF     # what an array("I") item holds

    def __init__(self, st: TransactionSet) -> None:
        self.id, self.first, self.first_segment = st.id, st.control_number, st.first_segment
        self.counts = array("I", [st.segment_count])
        number = st.control_number
        self.next_number = int(number) + 1 if number.isascii() and number.isdigit() else None
        self.next_segment = st.first_segment + st.segment_count

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Run) and (self.id, self.first, self.first_segment, self.counts) == \
            (other.id, other.first, other.first_segment, other.counts)

    __hash__ = None   # type: ignore[assignment]  # mutable

    def extend(self, st: TransactionSet) -> bool:
        """Add ``st`` if it continues the run (False: it does not, nothing changed)."""
        number = st.control_number
        if (st.first_segment != self.next_segment or st.id != self.id or self.next_number is None
                or len(number) != len(self.first) or not (number.isascii() and number.isdigit())
                or int(number) != self.next_number or st.segment_count > self.MAX_COUNT):
            return False
        self.counts.append(st.segment_count)
        self.next_number += 1
        self.next_segment += st.segment_count
        return True

    def line(self) -> bytes:
        return self.line_of(self.id, self.first, self.first_segment, ",".join(map(str, self.counts)))

    @staticmethod
    def line_of(ident: str, first: str, first_segment: int, counts: str) -> bytes:
        return f"{ident}\x00{first}\x00{first_segment}\x00{counts}\n".encode("utf-8", "surrogatepass")

    @staticmethod
    def sets(ident: str, first: str, first_segment: str, counts: str) -> Iterator[TransactionSet]:
        segment, width = int(first_segment), len(first)
        for offset, count in enumerate(map(int, counts.split(","))):
            number = first if offset == 0 else f"{int(first) + offset:0{width}d}"
            yield TransactionSet(ident, number, segment, count)
            segment += count


class SeenNumbers:
    """Control numbers seen so far, in near-constant memory for the usual ascending sequences.

    Numeric numbers of the first width seen are kept as merged ranges; anything else in a set.
    """

    def __init__(self) -> None:
        self._width: int | None = None
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._other: set[str] = set()

    def add(self, number: str) -> bool:
        """Remember ``number``; False if it was seen before."""
        ends = self._ends
        if ends and len(number) == self._width and number.isdigit() and number.isascii() \
                and int(number) == ends[-1] + 1:
            ends[-1] += 1                    # the usual case: the next number of an ascending run
            return True
        if self._width is None and number.isdigit():
            self._width = len(number)
        if not (number.isdigit() and number.isascii() and len(number) == self._width):
            if number in self._other:
                return False
            self._other.add(number)
            return True
        return self._add_numeric(int(number))

    def _add_numeric(self, value: int) -> bool:
        starts, ends = self._starts, self._ends
        if ends and value == ends[-1] + 1:
            ends[-1] = value
            return True
        pos = bisect_right(starts, value) - 1
        if pos >= 0 and value <= ends[pos]:
            return False
        if pos >= 0 and value == ends[pos] + 1:
            ends[pos] = value
        else:
            starts.insert(pos + 1, value)
            ends.insert(pos + 1, value)
            pos += 1
        if pos + 1 < len(starts) and ends[pos] + 1 == starts[pos + 1]:
            ends[pos] = ends.pop(pos + 1)
            starts.pop(pos + 1)
        return True


@dataclass(slots=True)
class Interchange:
    """ISA..IEA as received: partner ids, control number, delimiters and groups."""

    sender_qualifier: str
    sender_id: str                     # ISA06 without padding
    receiver_qualifier: str
    receiver_id: str                   # ISA08 without padding
    date: str
    time: str
    control_number: str                # ISA13
    version: str                       # ISA12
    acknowledgement_requested: str     # ISA14
    usage: str                         # ISA15: P production, T test
    delimiters: Delimiters
    first_segment: int
    groups: list[FunctionalGroup] = field(default_factory=list)
    valid: bool = True                 # False when the ISA or IEA broke a rule
