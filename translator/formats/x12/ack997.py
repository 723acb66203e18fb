"""997 functional acknowledgements for what the reader received.

One 997 transaction set per functional group received: AK1 names the group, one AK2..AK5 loop per
transaction set (AK3/AK4 for bad segments and elements, AK5 accepting or rejecting it), and AK9 sums
the group up. Envelope errors come from the reader; the mapping engine adds business rejections with
:meth:`Acknowledger.reject_set`. Writing the 997 goes through the ordinary writer, with sender and
receiver swapped from the received ISA (:func:`acknowledgement_options`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO

from translator.errors import DocumentRejected, FatalError, MappingError
from translator.formats.x12 import codes
from translator.formats.x12.model import FunctionalGroup, Interchange, SegmentError, TransactionSet
from translator.formats.x12.options import X12Options, parse_options
from translator.formats.x12.writer import require_ids, writer
from translator.problems import Problem
from translator.records import Record

_MAX_SET_CODES = 5      # AK502..AK506
_MAX_GROUP_CODES = 5    # AK905..AK909


class Acknowledger:
    """Builds 997 records for the interchanges a reader parsed (read the file to the end first)."""

    def __init__(self, source: Any) -> None:
        interchanges = getattr(source, "interchanges", source)
        self.interchanges: list[Interchange] = list(interchanges)
        self._extra_codes: dict[int, list[str]] = {}
        self._extra_errors: dict[int, list[SegmentError]] = {}
        self._index: dict[str, list[tuple[str, TransactionSet]]] | None = None   # built on first rejection

    def find_set(self, control_number: str, group: str | None = None) -> TransactionSet:
        """The received set with ST02 ``control_number`` (and GS06 ``group`` when ST02 is not unique)."""
        if self._index is None:
            self._index = {}
            for ic in self.interchanges:
                for g in ic.groups:
                    for st in g.iter_sets():
                        self._index.setdefault(st.control_number, []).append((g.control_number, st))
        found = [st for gs06, st in self._index.get(control_number, []) if group is None or gs06 == group]
        if len(found) != 1:
            what = "no" if not found else "more than one"
            raise FatalError(f"{what} transaction set with control number {control_number!r}"
                             + (f" in group {group!r}" if group else "") + " was received")
        return found[0]

    def reject_set(self, control_number: str, code: str = codes.ELEM_INVALID_CODE, *,
                   segment: int | None = None, element: str | None = None, tag: str | None = None,
                   value: str | None = None, segment_code: str | None = None,
                   set_code: str = codes.SET_SEGMENTS_IN_ERROR, group: str | None = None) -> None:
        """Reject a received set for a business reason.

        ``segment`` is the file index (``SourceRef.segment``) of the offending segment and ``element``
        its key (``BSN02``, ``DTM01.2``); ``code`` is the AK403 element error code (used when ``element``
        is given), ``segment_code`` the AK304 code (default 8 with an element, 2 without), ``set_code``
        the AK5 code. ``value`` (AK404) is a copy of the bad data (kept to letters, digits, space, ``.`` and ``-``).
        """
        st = self.find_set(control_number, group)
        codes_list = self._extra_codes.setdefault(st.first_segment, [])
        if set_code not in codes_list:
            codes_list.append(set_code)
        if segment is None:
            return
        seg_tag, pos, comp = _element_position(element, tag)
        seg_code = segment_code or (codes.SEG_HAS_ELEMENT_ERRORS if pos else codes.SEG_UNEXPECTED)
        error = SegmentError(seg_tag, segment - st.first_segment + 1, seg_code, pos, comp,
                             code if pos else None, value)
        self._extra_errors.setdefault(st.first_segment, []).append(error)

    def accepted(self, st: TransactionSet) -> bool:
        return st.accepted and st.first_segment not in self._extra_codes

    def records(self, interchange: Interchange | None = None) -> list[Record]:
        """997 records (ST, AK1, AK2..AK5 per set, AK9, SE) for every group received."""
        return list(self.iter_records(interchange))

    def iter_records(self, interchange: Interchange | None = None) -> Iterator[Record]:
        """Like :meth:`records`, one at a time (a 997 for 100,000 sets has 200,000 records)."""
        chosen = [interchange] if interchange is not None else self.interchanges
        for ic in chosen:
            for group in ic.groups:
                yield from self._group_records(group)

    def write(self, target: BinaryIO, options: Mapping[str, Any] | None = None, **context: Any) -> int:
        """Write one 997 interchange per received interchange to ``target``; returns how many."""
        written = 0
        for ic in self.interchanges:
            if ic.groups:
                w = writer(target, _checked(ic, acknowledgement_options(ic, options)), **context)
                w.write_all(self.iter_records(ic))
                w.close()
                written += 1
        return written

    def _group_records(self, group: FunctionalGroup) -> Iterator[Record]:
        yield Record("ST", {"ST01": "997"})
        yield Record("AK1", {"AK101": group.functional_id, "AK102": group.control_number})
        accepted = 0
        for st in group.iter_sets():
            yield from self._set_records(st)
            accepted += self.accepted(st)
        yield _ak9(group, accepted)
        yield Record("SE", {})

    def _set_records(self, st: TransactionSet) -> list[Record]:
        out = [Record("AK2", {"AK201": st.id, "AK202": st.control_number})]
        extra = self._extra_errors.get(st.first_segment, [])
        for error in st.segment_errors + extra:
            out.extend(_ak3_ak4(error))
        set_codes = list(dict.fromkeys(st.errors + self._extra_codes.get(st.first_segment, [])))
        if (st.segment_errors or extra) and codes.SET_SEGMENTS_IN_ERROR not in set_codes:
            set_codes.append(codes.SET_SEGMENTS_IN_ERROR)
        status = codes.ACCEPTED if not set_codes else codes.REJECTED
        out.append(Record("AK5", _numbered("AK5", [status] + set_codes[:_MAX_SET_CODES])))
        return out


def _ak9(group: FunctionalGroup, accepted: int) -> Record:
    received = group.set_count
    if group.errors or accepted == 0:
        status = codes.REJECTED
    elif accepted < received:
        status = codes.PARTIALLY_ACCEPTED
    else:
        status = codes.ACCEPTED
    values = [status, str(received), str(received), str(accepted)] + group.errors[:_MAX_GROUP_CODES]
    return Record("AK9", _numbered("AK9", values))


def _safe(text: str, limit: int) -> str:
    """Received garbage must not smuggle our delimiters into the 997: keep letters, digits, space, . and -."""
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c in " .-"))[:limit]


def _ak3_ak4(error: SegmentError) -> list[Record]:
    tag = _safe(error.tag, 3) or "XXX"
    out = [Record("AK3", {"AK301": tag, "AK302": str(error.position), "AK304": error.code})]
    if error.element:
        ak4 = {"AK401.1": str(error.element), "AK403": error.element_code or codes.ELEM_INVALID_CODE}
        if error.component:
            ak4["AK401.2"] = str(error.component)
        if error.value and _safe(error.value, 99):
            ak4["AK404"] = _safe(error.value, 99)
        out.append(Record("AK4", ak4))
    return out


def _numbered(tag: str, values: Iterable[str]) -> dict[str, str]:
    return {f"{tag}{i:02d}": v for i, v in enumerate(values, 1) if v}


def _element_position(element: str | None, tag: str | None) -> tuple[str, int | None, int | None]:
    """(segment tag, element position, component position) from a key like ``DTM01.2``."""
    if not element:
        if not tag:
            raise FatalError("reject_set needs the segment tag or an element key such as BSN02")
        return tag, None, None
    base, _, comp = element.partition(".")
    seg_tag, digits = base[:-2], base[-2:]
    if not digits.isdigit() or (tag and tag != seg_tag) or (comp and not comp.isdigit()):
        raise FatalError(f"element key {element!r} is not SEGNN or SEGNN.N")
    return seg_tag, int(digits), int(comp) if comp else None


def acknowledgement_options(interchange: Interchange, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Writer options for answering ``interchange``: our ids are its receiver ids, and vice versa."""
    options = dict(base or {})
    first = interchange.groups[0] if interchange.groups else None
    options.update(
        sender_qualifier=interchange.receiver_qualifier, sender_id=interchange.receiver_id,
        receiver_qualifier=interchange.sender_qualifier, receiver_id=interchange.sender_id,
        gs_sender=first.receiver if first else interchange.receiver_id,
        gs_receiver=first.sender if first else interchange.sender_id,
        usage=interchange.usage if interchange.usage in ("P", "T", "I") else "P",
    )
    if len(interchange.version) == 5 and interchange.version.isdigit():
        options["version"] = interchange.version
        if first and first.version:
            options["gs_version"] = first.version
    return options


def _checked(interchange: Interchange, options: dict[str, Any]) -> X12Options:
    """Options for the reply, or DocumentRejected when the received ISA cannot be answered."""
    try:
        checked = parse_options(options)
        require_ids(checked)
        return checked
    except MappingError as exc:
        raise DocumentRejected([Problem(
            code="X12-ACK-ADDRESS", segment=interchange.first_segment, record="ISA", field=exc.key,
            rule=f"the interchange cannot be acknowledged: its sender or receiver is invalid ({exc.detail})",
            hint="ask the sender to fix their ISA/GS identifiers; no 997 can be addressed to them")]) from exc


def functional_acknowledgement(reader: Any) -> list[Record]:
    """997 records for everything ``reader`` received (iterate the reader to the end first)."""
    return Acknowledger(reader).records()
