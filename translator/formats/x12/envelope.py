"""Envelope checks for the X12 reader (the data it fills in lives in :mod:`.model`).

:class:`EnvelopeChecker` is fed the envelope segments (ISA, GS, ST, SE, GE, IEA) as the reader meets
them, plus the segments in between that are wrong (a bad segment id, a segment outside any set); it
learns how many segments a set holds from segment numbers (:meth:`EnvelopeChecker.reached`), so the
reader's hot loop never calls it. It checks counts and control numbers, turns every deviation into a
located :class:`~translator.problems.Problem`, and records on each :class:`TransactionSet` and
:class:`FunctionalGroup` the X12 error codes a 997 needs (see :mod:`.codes`). It knows nothing about
what a transaction set means.
"""

from __future__ import annotations

from translator.formats.x12 import codes
from translator.formats.x12.delimiters import ISA_LENGTH, Delimiters
from translator.formats.x12.model import (
    FunctionalGroup,
    Interchange,
    SeenNumbers,
    SegmentError,
    TransactionSet,
)
from translator.problems import Problem

_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)   # ISA01..ISA16


class EnvelopeChecker:
    """State machine over the envelope segments of one file."""

    def __init__(self, problems: list[Problem], interchanges: list[Interchange], file: str | None) -> None:
        self.problems = problems
        self.interchanges = interchanges
        self.file = file
        self.interchange: Interchange | None = None
        self.group: FunctionalGroup | None = None
        self.open_set: TransactionSet | None = None
        self._group_numbers: set[str] = set()
        self._set_numbers = SeenNumbers()

    # -- problems ---------------------------------------------------------------------------------
    def problem(self, code: str, rule: str, hint: str, index: int | None, tag: str | None = None,
                element: str | None = None, value: str | None = None, severity: str = "error") -> None:
        doc = f"ST02 {self.open_set.control_number}" if self.open_set else None
        self.problems.append(Problem(code=code, rule=rule, hint=hint, file=self.file, segment=index,
                                     record=tag, field=element, value=value, severity=severity,  # type: ignore[arg-type]
                                     document=doc))

    def segment_error(self, tag: str, index: int, code: str, element: int | None = None,
                      element_code: str | None = None, value: str | None = None) -> None:
        """Record an AK3/AK4 entry on the open set (the Problem is reported by the caller)."""
        st = self.open_set
        if st is not None:
            st.segment_errors.append(SegmentError(tag, index - st.first_segment + 1, code, element,
                                                  None, element_code, value))

    def reached(self, index: int) -> None:
        """The reader is at segment number ``index``: the open set holds every segment since its ST.

        Every envelope segment but SE closes an open set, so its segment count follows from segment
        numbers alone; the reader calls this before each envelope segment (and at the end of input)
        instead of counting the data segments one by one on its hot path.
        """
        st = self.open_set
        if st is not None:
            st.segment_count = index - st.first_segment

    # -- dispatch ---------------------------------------------------------------------------------
    def envelope(self, tag: str, parts: list[str], index: int, text: str, delimiters: Delimiters) -> None:
        if tag == "ST":
            self.start_set(parts, index)
        elif tag == "SE":
            self.end_set(parts, index)
        elif tag == "GS":
            self.start_group(parts, index)
        elif tag == "GE":
            self.end_group(parts, index)
        elif tag == "ISA":
            self.start_interchange(parts, index, text, delimiters)
        else:
            self.end_interchange(parts, index)

    # -- interchange ------------------------------------------------------------------------------
    def start_interchange(self, parts: list[str], index: int, text: str, delimiters: Delimiters) -> None:
        if self.interchange is not None:
            self.missing_iea(index)
        fields = parts[1:] + [""] * (16 - len(parts) + 1)
        ic = Interchange(fields[4], fields[5].strip(), fields[6], fields[7].strip(), fields[8], fields[9],
                         fields[12], fields[11], fields[13], fields[14], delimiters, index)
        self.interchange = ic
        self.interchanges.append(ic)
        self._group_numbers = set()
        self.check_isa(ic, parts, index, len(text) + 1)

    def check_isa(self, ic: Interchange, parts: list[str], index: int, length: int) -> None:
        if len(parts) != 17:
            self.isa_problem(ic, index, None, f"has {len(parts) - 1} elements", "ISA has exactly 16 elements")
            return
        for pos, width in enumerate(_ISA_WIDTHS, 1):
            if len(parts[pos]) != width:
                self.isa_problem(ic, index, pos, parts[pos], f"ISA{pos:02d} is exactly {width} characters")
        if length != ISA_LENGTH and all(len(p) == w for p, w in zip(parts[1:], _ISA_WIDTHS, strict=True)):
            self.isa_problem(ic, index, None, str(length), f"the ISA segment is {ISA_LENGTH} characters long")
        rules = ((9, str.isdigit, "a date YYMMDD"), (10, str.isdigit, "a time HHMM"),
                 (13, str.isdigit, "a 9-digit number"), (14, lambda v: v in ("0", "1"), "0 or 1"),
                 (15, lambda v: v in ("P", "T", "I"), "P (production), T (test) or I (information)"))
        for pos, ok, what in rules:
            if not ok(parts[pos]):
                self.isa_problem(ic, index, pos, parts[pos], f"ISA{pos:02d} is {what}")

    def isa_problem(self, ic: Interchange, index: int, pos: int | None, value: str, rule: str) -> None:
        ic.valid = False
        self.problem("X12-ISA-FIELD", f"{rule}", "the ISA is fixed-width: pad ids with spaces, "
                     "numbers with leading zeros; ask the sender to fix their envelope settings",
                     index, "ISA", f"ISA{pos:02d}" if pos else None, value)

    def end_interchange(self, parts: list[str], index: int) -> None:
        ic = self.interchange
        if ic is None:
            self.problem("X12-IEA-UNEXPECTED", "IEA closes an interchange that was never opened by an ISA",
                         "remove the stray IEA or restore the missing ISA", index, "IEA")
            return
        if self.group is not None:
            self.missing_ge(index)
        count, control = _get(parts, 1), _get(parts, 2)
        if count != str(len(ic.groups)):
            ic.valid = False
            self.problem("X12-IEA-COUNT", f"IEA01 must count the functional groups ({len(ic.groups)} found)",
                         "a group was lost or added after the envelope was built; ask for the file again",
                         index, "IEA", "IEA01", count)
        if control != ic.control_number:
            ic.valid = False
            self.problem("X12-IEA-CONTROL", f"IEA02 must repeat the ISA13 control number {ic.control_number}",
                         "the trailer belongs to another interchange; the file was probably spliced",
                         index, "IEA", "IEA02", control)
        self.interchange = None

    def missing_iea(self, index: int) -> None:
        ic = self.interchange
        assert ic is not None
        if self.group is not None:
            self.missing_ge(index)
        ic.valid = False
        self.problem("X12-IEA-MISSING", f"interchange {ic.control_number} has no IEA trailer",
                     "the file is truncated or two files were joined; ask the sender to resend it", index, "IEA")
        self.interchange = None

    # -- functional group -------------------------------------------------------------------------
    def start_group(self, parts: list[str], index: int) -> None:
        if self.interchange is None:
            self.outside_envelope("GS", index, "ISA")
            return
        if self.group is not None:
            self.missing_ge(index)
        f = parts + [""] * (9 - len(parts))
        group = FunctionalGroup(f[1], f[2], f[3], f[4], f[5], f[6], f[8], index)
        if not group.control_number.isdigit():
            group.errors.append(codes.GROUP_BAD_CONTROL_NUMBER)
            self.problem("X12-GS-CONTROL", "GS06 (group control number) must be a number of 1 to 9 digits",
                         "ask the sender to fix the group control number", index, "GS", "GS06", group.control_number)
        elif group.control_number in self._group_numbers:
            group.errors.append(codes.GROUP_CONTROL_NOT_UNIQUE)
            self.problem("X12-GS-DUPLICATE", "a group control number (GS06) is used twice in one interchange",
                         "each group needs its own control number", index, "GS", "GS06", group.control_number)
        self._group_numbers.add(group.control_number)
        self._set_numbers = SeenNumbers()
        self.interchange.groups.append(group)
        self.group = group

    def end_group(self, parts: list[str], index: int) -> None:
        group = self.group
        if group is None:
            self.problem("X12-GE-UNEXPECTED", "GE closes a functional group that was never opened by a GS",
                         "remove the stray GE or restore the missing GS", index, "GE")
            return
        if self.open_set is not None:
            self.missing_se(index)
        count, control = _get(parts, 1), _get(parts, 2)
        if count != str(group.set_count):
            group.errors.append(codes.GROUP_COUNT_MISMATCH)
            self.problem("X12-GE-COUNT", f"GE01 must count the transaction sets in the group ({group.set_count} found)",
                         "a transaction set was lost or added; ask for the file again", index, "GE", "GE01", count)
        if control != group.control_number:
            group.errors.append(codes.GROUP_CONTROL_MISMATCH)
            self.problem("X12-GE-CONTROL", f"GE02 must repeat the GS06 control number {group.control_number}",
                         "the trailer belongs to another group; the file was probably spliced",
                         index, "GE", "GE02", control)
        self.group = None

    def missing_ge(self, index: int) -> None:
        group = self.group
        assert group is not None
        if self.open_set is not None:
            self.missing_se(index)
        group.errors.append(codes.GROUP_TRAILER_MISSING)
        self.problem("X12-GE-MISSING", f"functional group {group.control_number} has no GE trailer",
                     "the file is truncated; ask the sender to resend it", index, "GE")
        self.group = None

    # -- transaction set --------------------------------------------------------------------------
    def start_set(self, parts: list[str], index: int) -> TransactionSet | None:
        if self.group is None:
            self.outside_envelope("ST", index, "GS")
            return None
        if self.open_set is not None:
            self.missing_se(index)
        st = TransactionSet(parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "", index)
        self.open_set = st
        ident, number = st.id, st.control_number
        if not (len(ident) == 3 and ident.isdigit() and 4 <= len(number) <= 9 and self._set_numbers.add(number)):
            self.check_st(st, index)
        if codes.FUNCTIONAL_IDS.get(ident, self.group.functional_id) != self.group.functional_id:
            st.errors.append(codes.SET_NOT_SUPPORTED)
            self.problem("X12-ST-GROUP", f"a {ident} transaction set belongs in a "
                         f"{codes.FUNCTIONAL_IDS[ident]} functional group, not {self.group.functional_id}",
                         "the sender must put each transaction set in a GS group of its own kind (GS01)",
                         index, "ST", "ST01", ident)
        return st

    def check_st(self, st: TransactionSet, index: int) -> None:
        if not (len(st.id) == 3 and st.id.isdigit()):
            st.errors.append(codes.SET_BAD_IDENTIFIER)
            self.problem("X12-ST-ID", "ST01 must be a 3-digit transaction set identifier (e.g. 856)",
                         "ask the sender to fix the ST segment", index, "ST", "ST01", st.id)
        if not 4 <= len(st.control_number) <= 9:
            st.errors.append(codes.SET_BAD_CONTROL_NUMBER)
            self.problem("X12-ST-CONTROL", "ST02 (transaction set control number) must be 4 to 9 characters",
                         "ask the sender to fix the ST segment", index, "ST", "ST02", st.control_number)
        elif not self._set_numbers.add(st.control_number):
            st.errors.append(codes.SET_CONTROL_NOT_UNIQUE)
            self.problem("X12-ST-DUPLICATE", "a transaction set control number (ST02) is used twice in one group",
                         "each transaction set in a group needs its own control number",
                         index, "ST", "ST02", st.control_number)

    def end_set(self, parts: list[str], index: int) -> None:
        st = self.open_set
        if st is None:
            self.problem("X12-SE-UNEXPECTED", "SE closes a transaction set that was never opened by an ST",
                         "remove the stray SE or restore the missing ST", index, "SE")
            return
        st.segment_count += 1
        count, control = _get(parts, 1), _get(parts, 2)
        if count != str(st.segment_count):
            st.errors.append(codes.SET_COUNT_MISMATCH)
            self.problem("X12-SE-COUNT", f"SE01 must count the segments from ST to SE ({st.segment_count} found)",
                         "a segment was lost or added after the set was built; ask for the file again",
                         index, "SE", "SE01", count)
        if control != st.control_number:
            st.errors.append(codes.SET_CONTROL_MISMATCH)
            self.problem("X12-SE-CONTROL", f"SE02 must repeat the ST02 control number {st.control_number}",
                         "the trailer belongs to another transaction set; the file was probably spliced",
                         index, "SE", "SE02", control)
        self.open_set = None
        self.group.add(st)  # type: ignore[union-attr]

    def missing_se(self, index: int) -> None:
        st = self.open_set
        assert st is not None
        st.errors.append(codes.SET_TRAILER_MISSING)
        self.problem("X12-SE-MISSING", f"transaction set {st.id} {st.control_number} has no SE trailer",
                     "the file is truncated or segments were lost; ask the sender to resend it", index, "SE")
        self.open_set = None
        self.group.add(st)  # type: ignore[union-attr]

    # -- everything else --------------------------------------------------------------------------
    def outside_envelope(self, tag: str, index: int, needs: str) -> None:
        self.problem("X12-OUTSIDE-ENVELOPE", f"{tag} must follow an open {needs} envelope segment",
                     "the file is out of order or its header was lost; ask the sender to resend it", index, tag)

    def outside_set(self, tag: str, index: int) -> None:
        self.problem("X12-OUTSIDE-SET", f"segment {tag or '(empty)'} is outside any ST..SE transaction set",
                     "data segments must sit between ST and SE; the file is damaged or has stray text",
                     index, tag or None)

    def bad_tag(self, tag: str, index: int) -> None:
        """An unrecognizable segment id inside a set (AK3 code 1)."""
        self.segment_error(tag, index, codes.SEG_UNRECOGNIZED)
        self.problem("X12-SEGMENT-ID", "a segment id is 2 or 3 capital letters or digits",
                     "the file contains garbage or a wrong delimiter; ask the sender to resend it",
                     index, None, None, tag[:20])

    def finish(self, index: int) -> None:
        """End of input: anything still open was truncated."""
        if self.interchange is not None:
            self.missing_iea(index)
        elif self.group is not None:
            self.missing_ge(index)


def _get(parts: list[str], pos: int) -> str:
    return parts[pos] if pos < len(parts) else ""


def is_segment_id(tag: str) -> bool:
    """2-3 characters, capital letters and digits, starting with a letter."""
    return 2 <= len(tag) <= 3 and tag.isascii() and tag.isalnum() and tag[0].isalpha() and tag == tag.upper()
