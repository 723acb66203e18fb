"""What the reader learned about each interchange, functional group and transaction set.

Plain data, filled in by :class:`.envelope.EnvelopeChecker` and read by :mod:`.ack997` and callers
(``reader.interchanges``). Kept compact on purpose: a 100,000-set file must not cost 100,000 objects.
"""

from __future__ import annotations

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

    Accepted sets are kept as one compact text line each (not as objects) so that memory stays flat
    for files with hundreds of thousands of sets; :attr:`sets` rebuilds them on demand. Sets with
    errors are kept whole.
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

    def add(self, st: TransactionSet) -> None:
        """Archive a closed transaction set."""
        self.set_count += 1
        number = st.control_number
        if not st.errors and not st.segment_errors and "\x00" not in number and "\n" not in number:
            # accepted sets have a valid 3-digit ST01, so only ST02 needs checking for the separators
            self._log += f"{st.id}\x00{number}\x00{st.first_segment}\x00{st.segment_count}\n".encode(
                "utf-8", "surrogatepass")
        else:
            self._kept[st.first_segment] = st
            self._log += f"{st.first_segment}\n".encode()

    def iter_sets(self) -> Iterator[TransactionSet]:
        """The closed sets in file order."""
        for line in self._log.decode("utf-8", "surrogatepass").splitlines():
            fields = line.split("\x00")
            if len(fields) == 1:
                yield self._kept[int(line)]
            else:
                yield TransactionSet(fields[0], fields[1], int(fields[2]), int(fields[3]))

    @property
    def sets(self) -> list[TransactionSet]:
        return list(self.iter_sets())


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
