"""CONTRL (syntax and service report) for what an :class:`EdifactReader` received.

Built per ISO 9735 syntax 3 rules: one CONTRL message per received interchange, ``UCI`` with
action code 0083 ``7`` (acknowledged, lower levels too unless explicitly rejected), ``4``
(rejected) or ``8`` (received only); ``UCF`` per functional group; ``UCM`` per message with its
action, then ``UCS`` (segment position, 0085 error) and ``UCD`` (element position) for located
errors. Business rejections can be added per message reference before the records are built.
The CONTRL goes back through :class:`EdifactWriter` with sender and recipient swapped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, BinaryIO

from translator.formats.edifact.characters import SYNTAX_ENCODINGS
from translator.formats.edifact.envelope import GroupInfo, InterchangeInfo, MessageInfo, SyntaxError_
from translator.formats.edifact.options import EdifactOptions, parse_options
from translator.formats.edifact.reader import EdifactReader
from translator.formats.edifact.segments import parse_key
from translator.formats.edifact.writer import ControlNumbers, EdifactWriter
from translator.records import Record

ACCEPTED, REJECTED, RECEIVED = "7", "4", "8"
CONTRL_UNH = {"UNH02.1": "CONTRL", "UNH02.2": "D", "UNH02.3": "3", "UNH02.4": "UN"}

Element = int | str | tuple[int, int] | None


class Contrl:
    """CONTRL builder for one read file. Iterate the reader fully before building."""

    def __init__(self, reader: EdifactReader, *, received_only: bool = False) -> None:
        self._reader = reader
        self._received_only = received_only
        self._business: dict[tuple[int, str], list[SyntaxError_]] = {}

    def reject_message(self, unh01: str, code: str, *, segment: int | None = None, element: Element = None,
                       interchange: str | None = None) -> None:
        """Reject message ``unh01`` (0085 ``code``; ``segment`` = position in the message, UNH = 1;
        ``element`` = position, ``(element, component)`` or a key like ``"DTM01.2"``).
        ``interchange`` (UNB05) picks the interchange when several hold the same reference."""
        ic, msg = self._find(unh01, interchange)
        number, part = _element_position(element)
        self._business.setdefault((ic.index, msg.ref), []).append(
            SyntaxError_(code, segment, None, number, part))

    def _find(self, unh01: str, interchange: str | None) -> tuple[InterchangeInfo, MessageInfo]:
        for ic in self._reader.interchanges:
            if interchange is not None and ic.control_ref != interchange:
                continue
            for msg in ic.messages:
                if msg.ref == unh01:
                    return ic, msg
        raise ValueError(f"no received message with reference {unh01!r}"
                         + (f" in interchange {interchange!r}" if interchange else ""))

    # -- records -------------------------------------------------------------------------------

    def records(self, ic: InterchangeInfo) -> list[Record]:
        """The CONTRL message (UNH, UCI, UCF/UCM/UCS/UCD; UNT is the writer's) for one interchange."""
        out = [Record("UNH", dict(CONTRL_UNH)), Record("UCI", self._uci(ic))]
        if self._received_only:
            return out
        groups = {g.ref: g for g in ic.groups}
        current: str | None = None
        for msg in ic.messages:
            group = groups.get(msg.group_ref or "")
            if group is not None and msg.group_ref != current:
                current = msg.group_ref
                out.append(Record("UCF", self._ucf(group)))
            # A rejected interchange or group rejects every message in it (action 4 covers lower levels).
            parent_rejected = not ic.accepted or (group is not None and bool(_errors(group.errors)))
            out.extend(self._ucm(ic, msg, parent_rejected))
        return out

    def all_records(self) -> list[Record]:
        """CONTRL messages for every received interchange, for one outgoing interchange."""
        return [r for ic in self._acknowledgeable() for r in self.records(ic)]

    def _acknowledgeable(self) -> list[InterchangeInfo]:
        return [ic for ic in self._reader.interchanges if ic.sender_id and ic.control_ref]

    def _uci(self, ic: InterchangeInfo) -> dict[str, str]:
        values = {"UCI01": ic.control_ref, "UCI02.1": ic.sender_id, "UCI02.2": ic.sender_qualifier,
                  "UCI03.1": ic.recipient_id, "UCI03.2": ic.recipient_qualifier}
        if not ic.accepted:
            values["UCI04"] = REJECTED
            first = _first_error(ic.errors)
            values["UCI05"] = first.code
            if first.segment_tag in ("UNA", "UNB", "UNZ", "UNG", "UNE"):
                values["UCI06"] = first.segment_tag
        else:
            values["UCI04"] = RECEIVED if self._received_only else ACCEPTED
        return values

    def _ucf(self, group: GroupInfo) -> dict[str, str]:
        values = {"UCF01": group.ref, "UCF02.1": group.sender_id, "UCF02.2": group.sender_qualifier,
                  "UCF03.1": group.recipient_id, "UCF03.2": group.recipient_qualifier,
                  "UCF04": ACCEPTED if not _errors(group.errors) else REJECTED}
        if _errors(group.errors):
            values["UCF05"] = group.errors[0].code
        return values

    def _ucm(self, ic: InterchangeInfo, msg: MessageInfo, parent_rejected: bool) -> list[Record]:
        errors = _errors(msg.errors) + self._business.get((ic.index, msg.ref), [])
        values = {"UCM01": msg.ref, "UCM02.1": msg.type, "UCM02.2": msg.version, "UCM02.3": msg.release,
                  "UCM02.4": msg.agency, "UCM02.5": msg.association,
                  "UCM03": REJECTED if errors or parent_rejected else ACCEPTED}
        whole = [e for e in errors if e.segment_position is None]
        if whole:
            values["UCM04"] = whole[0].code
        out = [Record("UCM", values)]
        for error in errors:
            if error.segment_position is not None:
                out.extend(_ucs(error))
        return out

    # -- writing -------------------------------------------------------------------------------

    def options_for(self, ic: InterchangeInfo, base: Mapping[str, Any] | EdifactOptions | None = None
                    ) -> EdifactOptions:
        """Writer options answering ``ic``: sender and recipient swapped, same syntax and test flag."""
        opts = parse_options(base)
        envelope = acknowledgement_options(ic)
        envelope["partner"] = opts.partner or envelope["partner"]
        if ic.syntax_id not in SYNTAX_ENCODINGS:
            envelope["syntax_id"] = opts.syntax_id
        return replace(opts, **envelope)

    def write(self, target: BinaryIO, *, options: Mapping[str, Any] | EdifactOptions | None = None,
              control_numbers: ControlNumbers | None = None,
              now: Callable[[], datetime] | datetime | None = None) -> list[str]:
        """Write one CONTRL interchange per received interchange; return their UNB05 references."""
        refs = []
        for ic in self._acknowledgeable():
            out = EdifactWriter(target, self.options_for(ic, options), control_numbers=control_numbers, now=now)
            for record in self.records(ic):
                out.write(record)
            out.close()
            refs.append(out.control_ref or "")
        return refs


def acknowledgement_options(ic: InterchangeInfo, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Format options (a plain dict, over ``base``) for answering ``ic``: sender and recipient
    swapped, same syntax identifier/version and test indicator; ``partner`` = the original sender."""
    envelope: dict[str, Any] = {
        "sender_id": ic.recipient_id, "sender_qualifier": ic.recipient_qualifier,
        "recipient_id": ic.sender_id, "recipient_qualifier": ic.sender_qualifier,
        "syntax_version": ic.syntax_version or "3", "test": ic.test, "partner": ic.sender_id}
    if ic.syntax_id in SYNTAX_ENCODINGS:
        envelope["syntax_id"] = ic.syntax_id
    return {**(base or {}), **envelope}


def _errors(errors: list[SyntaxError_]) -> list[SyntaxError_]:
    """Errors that reject (warnings are reported to the user but do not reject)."""
    return [e for e in errors if e.problem is None or e.problem.severity == "error"]


def _first_error(errors: list[SyntaxError_]) -> SyntaxError_:
    return _errors(errors)[0]


def _ucs(error: SyntaxError_) -> list[Record]:
    if error.element is None:
        return [Record("UCS", {"UCS01": str(error.segment_position), "UCS02": error.code})]
    ucd = {"UCD01": error.code, "UCD02.1": str(error.element)}
    if error.component:
        ucd["UCD02.2"] = str(error.component)
    return [Record("UCS", {"UCS01": str(error.segment_position)}), Record("UCD", ucd)]


def _element_position(element: Element) -> tuple[int | None, int | None]:
    if element is None or isinstance(element, int):
        return element, None
    if isinstance(element, tuple):
        return element
    tag = element[:3]
    number, part = parse_key(element, tag)
    return number, part or None


@dataclass
class ContrlOutcome:
    """What a partner's CONTRL says about one interchange *we* sent (matched by its UNB05)."""

    interchange_ref: str                     # UCI01: our UNB05
    action: str                              # UCI04: 7 acknowledged, 4 rejected, 8 received
    error: str = ""                          # UCI05: 0085 code when rejected
    messages: dict[str, str] = field(default_factory=dict)   # UCM01 (our UNH01) -> UCM03 action

    @property
    def accepted(self) -> bool:
        """Interchange acknowledged or received, and no message explicitly rejected."""
        return self.action in (ACCEPTED, RECEIVED) and REJECTED not in self.messages.values()

    @property
    def rejected_messages(self) -> list[str]:
        return [ref for ref, action in self.messages.items() if action == REJECTED]


def read_contrl(records: Iterable[Record]) -> list[ContrlOutcome]:
    """Outcomes from the records of a received CONTRL (other message types are skipped)."""
    outcomes: list[ContrlOutcome] = []
    in_contrl = False
    for record in records:
        if record.tag == "UNH":
            in_contrl = record.get("UNH02") == "CONTRL"
        elif in_contrl and record.tag == "UCI":
            outcomes.append(ContrlOutcome(record.get("UCI01"), record.get("UCI04"), record.get("UCI05")))
        elif in_contrl and record.tag == "UCM" and outcomes:
            outcomes[-1].messages[record.get("UCM01")] = record.get("UCM03")
    return outcomes


def contrl(reader: EdifactReader, *, received_only: bool = False) -> Contrl:
    """A :class:`Contrl` builder for a fully iterated reader."""
    return Contrl(reader, received_only=received_only)
