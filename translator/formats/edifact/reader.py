"""Streaming EDIFACT reader: records for UNH..UNT, envelopes checked, problems located.

Records are yielded from UNH to UNT inclusive (so a mapping sees message boundaries); UNA, UNB,
UNG, UNE and UNZ are consumed here and described in :attr:`EdifactReader.interchanges`. Every
defect becomes a :class:`~translator.problems.Problem` in :attr:`EdifactReader.problems` and, in
CONTRL terms (a 0085 code and a position), on the interchange, group or message it belongs to.
Bad data never raises: the file is read to its end so that one run reports everything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from sys import intern
from typing import Any, BinaryIO

from translator.formats import open_binary, source_name, stream_start
from translator.formats.edifact.characters import ASCII_ONLY, SYNTAX_ENCODINGS
from translator.formats.edifact.envelope import (
    GroupInfo,
    InterchangeInfo,
    MessageInfo,
    SyntaxError_,
)
from translator.formats.edifact.options import EdifactOptions, parse_options
from translator.formats.edifact.segments import KeyCache, record_factory, split_values
from translator.formats.edifact.tokenizer import Tokenizer
from translator.problems import Problem
from translator.records import Record, SourceRef

SERVICE_TAGS = frozenset({"UNB", "UNZ", "UNG", "UNE", "UNH", "UNT"})
SERVICE_BYTES = frozenset(tag.encode() for tag in SERVICE_TAGS)
MAX_PROBLEMS = 1000


class EdifactReader:
    """Iterate :class:`Record` objects of every message in every interchange of one file.

    Nothing is read until iteration starts. ``track_messages`` (default True) keeps a
    :class:`MessageInfo` for every message so a CONTRL can list each; set it False for huge
    files to keep only the rejected ones (memory then stays flat whatever the file size).
    """

    def __init__(self, source: str | os.PathLike[str] | BinaryIO, options: Mapping[str, Any] | None = None, *,
                 file_name: str | None = None, track_messages: bool = True) -> None:
        self._source = source
        self._start = stream_start(source)   # an open stream is rewound here on every iteration
        self.options: EdifactOptions = parse_options(options)
        self.file = source_name(source, file_name)
        self.track_messages = track_messages
        self.problems: list[Problem] = []
        self.interchanges: list[InterchangeInfo] = []
        self.message_count = 0
        self._keys = KeyCache()
        self._tags_ok: set[str] = set()
        self._reset_state()

    def _reset_state(self) -> None:
        self._ic: InterchangeInfo | None = None
        self._group: GroupInfo | None = None
        self._msg: MessageInfo | None = None
        self._refs: set[str] = set()
        self._seg = 0               # segment index in the current interchange (UNB = 1)
        self._encoding = "latin-1"  # codec of the current interchange
        self._slow = False          # UNOA/UNOB need the per-segment 7-bit check of `_decode`
        self._outside_reported = False

    def acknowledgement_records(self) -> list[Record] | None:
        """CONTRL records for everything read (call after iterating); None when no interchange was
        identified. Write them with :meth:`acknowledgement_options` (sender/recipient swapped)."""
        from translator.formats.edifact.contrl import Contrl

        records = Contrl(self).all_records()
        return records or None

    def acknowledgement_options(self, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Format options (dict over ``base``) for the CONTRL answering the first interchange:
        sender and recipient swapped, same syntax and test indicator."""
        from translator.formats.edifact.contrl import acknowledgement_options

        if not self.interchanges:
            return dict(base or {})
        return acknowledgement_options(self.interchanges[0], base)

    @property
    def messages(self) -> list[MessageInfo]:
        """Every tracked message of every interchange, in file order."""
        return [m for ic in self.interchanges for m in ic.messages]

    def __iter__(self) -> Iterator[Record]:
        # Iterating again starts from scratch (an open stream is rewound) rather than doubling what we know.
        self.problems, self.interchanges, self.message_count = [], [], 0
        self._reset_state()
        with open_binary(self._source, self._start) as stream:
            self._tok = Tokenizer(stream, self.options.chunk_size, self._tokenizer_problem)
            yield from self._records(self._tok)
            self._finish()

    def _records(self, tok: Tokenizer) -> Iterator[Record]:
        """The hot loop: data segments inside a message take the inlined path, the rest `_segment`."""
        make = record_factory(self.file)
        keys, tags_ok = self._keys, self._tags_ok
        encoding, slow = self._encoding, self._slow
        for raw in tok:
            msg = self._msg
            if msg is None or slow or raw[:3] in SERVICE_BYTES:
                record = self._segment(raw)
                encoding, slow = self._encoding, self._slow     # a UNB may have changed them
                if record is not None:
                    yield record
                continue
            self._seg += 1
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                self._encoding_error(raw, self._ic, exc)  # type: ignore[arg-type]
                text = raw.decode(encoding, errors="replace")
            tag, values = split_values(text, tok.chars, keys)
            msg.segment_count += 1
            if tag not in tags_ok:
                self._check_tag(tag, msg)
            yield make(tag, values, self._seg, msg.ref)

    # -- one segment ---------------------------------------------------------------------------

    def _segment(self, raw: bytes) -> Record | None:
        self._seg += 1
        if raw[:3] == b"UNB":
            return self._on_unb(self._values(raw.decode("latin-1"))[1])
        ic = self._ic
        if ic is None:
            return self._outside_interchange(raw)
        text = self._decode(raw, ic)
        tag, values = self._values(text)
        if tag in SERVICE_TAGS:
            return self._service(tag, values)
        msg = self._msg
        if msg is None:
            self._error(ic, "33", "EDIFACT-OUTSIDE-MESSAGE", f"segment {tag} is outside any UNH..UNT message",
                        "every data segment must sit between a UNH and its UNT", record=tag)
            return None
        msg.segment_count += 1
        if tag not in self._tags_ok:
            self._check_tag(tag, msg)
        return Record(tag, values, SourceRef(file=self.file, segment=self._seg, message=msg.ref))

    def _values(self, text: str) -> tuple[str, dict[str, str]]:
        return split_values(text, self._tok.chars, self._keys)

    def _decode(self, raw: bytes, ic: InterchangeInfo) -> str:
        try:
            text = raw.decode(ic.encoding)
        except UnicodeDecodeError as exc:
            self._encoding_error(raw, ic, exc)
            return raw.decode(ic.encoding, errors="replace")
        if ic.syntax_id in ASCII_ONLY and not raw.isascii() and not self.options.encoding:
            self._error(self._msg or ic, "21", "EDIFACT-ENCODING",
                        f"syntax identifier {ic.syntax_id} allows only 7-bit characters, but this segment has "
                        "others (read as latin-1)", "ask the sender to declare UNOC (latin-1) or UNOW (UTF-8)",
                        record=text[:3], value=_first_non_ascii(text), severity="warning")
        return text

    def _encoding_error(self, raw: bytes, ic: InterchangeInfo, exc: UnicodeDecodeError) -> None:
        bad = raw[exc.start:exc.end].hex(" ")
        self._error(self._msg or ic, "21", "EDIFACT-ENCODING",
                    f"byte(s) 0x{bad} are not valid {ic.encoding} text (syntax identifier {ic.syntax_id or '?'})",
                    "set the format option encoding to the file's real encoding, or ask the sender to fix UNB01",
                    record=raw[:3].decode("latin-1"), value=f"0x{bad}")

    def _check_tag(self, tag: str, msg: MessageInfo) -> None:
        if len(tag) == 3 and tag.isascii() and tag.isalnum() and tag == tag.upper():
            self._tags_ok.add(tag)
            return
        self._error(msg, "22", "EDIFACT-BAD-TAG", f"{tag!r} is not a valid segment tag (three capitals/digits)",
                    "check the separators (UNA) and that no value contains an unescaped terminator",
                    record=tag[:12], value=tag[:12])

    def _service(self, tag: str, values: dict[str, str]) -> Record | None:
        return getattr(self, f"_on_{tag.lower()}")(values)

    # -- envelopes -----------------------------------------------------------------------------

    def _on_unb(self, values: dict[str, str]) -> None:
        if self._ic is not None:
            self._close_interchange(eof=False)
        self._reset_state()
        self._seg = 1
        ic = InterchangeInfo(index=len(self.interchanges) + 1, chars=self._tok.chars, una=self._tok.una)
        _fill_unb(ic, values)
        self.interchanges.append(ic)
        self._ic = ic
        self._set_encoding(ic)
        if not ic.control_ref:
            self._error(ic, "13", "EDIFACT-UNB-BAD", "UNB05 (interchange control reference) is missing",
                        "the sender must number every interchange", record="UNB", field="UNB05")
        return None

    def _set_encoding(self, ic: InterchangeInfo) -> None:
        known = SYNTAX_ENCODINGS.get(ic.syntax_id)
        ic.encoding = self.options.encoding or known or "latin-1"
        self._encoding = ic.encoding
        self._slow = ic.syntax_id in ASCII_ONLY and not self.options.encoding
        if known is None:
            self._error(ic, "2", "EDIFACT-SYNTAX-ID", f"unknown syntax identifier {ic.syntax_id!r} in UNB01",
                        "use UNOA, UNOB, UNOC (latin-1) or UNOW/UNOY (UTF-8), or set the format option encoding",
                        record="UNB", field="UNB01.1", value=ic.syntax_id,
                        severity="warning" if self.options.encoding else "error")

    def _on_unz(self, values: dict[str, str]) -> None:
        ic = self._ic
        assert ic is not None
        self._close_open_levels("UNZ")
        declared = values.get("UNZ01", "")
        counted = len(ic.groups) if ic.groups else ic.message_total
        if declared != str(counted):
            level = "groups" if ic.groups else "messages"
            self._error(ic, "29", "EDIFACT-UNZ-COUNT", f"UNZ01 says {declared or 'nothing'} but the interchange "
                        f"holds {counted} {level}", "ask the sender to resend; the count must match",
                        record="UNZ", field="UNZ01", value=declared)
        if values.get("UNZ02", "") != ic.control_ref:
            self._error(ic, "28", "EDIFACT-UNZ-REF", f"UNZ02 does not repeat the UNB05 control reference "
                        f"{ic.control_ref!r}", "the interchange trailer must carry the header's reference",
                        record="UNZ", field="UNZ02", value=values.get("UNZ02", ""))
        ic.complete = True
        self._ic = None
        self._outside_reported = False

    def _on_ung(self, values: dict[str, str]) -> None:
        ic = self._ic
        assert ic is not None
        self._close_open_levels("UNG")
        if ic.message_total and not ic.groups:
            self._error(ic, "30", "EDIFACT-MIXED", "the interchange mixes groups (UNG) and ungrouped messages",
                        "put every message in a UNG..UNE group, or none", record="UNG")
        group = GroupInfo(ref=values.get("UNG05", ""), group_id=values.get("UNG01", ""),
                          sender_id=values.get("UNG02", ""), sender_qualifier=values.get("UNG02.2", ""),
                          recipient_id=values.get("UNG03", ""), recipient_qualifier=values.get("UNG03.2", ""))
        ic.groups.append(group)
        self._group = group

    def _on_une(self, values: dict[str, str]) -> None:
        group, ic = self._group, self._ic
        assert ic is not None
        if group is None:
            self._error(ic, "33", "EDIFACT-OUTSIDE-MESSAGE", "UNE without a UNG", "remove it or add the UNG",
                        record="UNE")
            return
        self._close_message("UNE")
        declared = values.get("UNE01", "")
        if declared != str(group.message_count):
            self._error(group, "29", "EDIFACT-UNE-COUNT", f"UNE01 says {declared or 'nothing'} but the group holds "
                        f"{group.message_count} messages", "ask the sender to resend; the count must match",
                        record="UNE", field="UNE01", value=declared)
        if values.get("UNE02", "") != group.ref:
            self._error(group, "28", "EDIFACT-UNE-REF", f"UNE02 does not repeat the UNG05 reference {group.ref!r}",
                        "the group trailer must carry the header's reference", record="UNE", field="UNE02",
                        value=values.get("UNE02", ""))
        group.complete = True
        self._group = None

    def _on_unh(self, values: dict[str, str]) -> Record:
        ic = self._ic
        assert ic is not None
        self._close_message("UNH")
        if ic.groups and self._group is None:
            self._error(ic, "30", "EDIFACT-MIXED", "a message outside any group in an interchange that uses groups",
                        "put every message in a UNG..UNE group, or none", record="UNH")
        # Interned: a million messages share a handful of type/version strings.
        msg = MessageInfo(ref=values.get("UNH01", ""), type=intern(values.get("UNH02", "")),
                          version=intern(values.get("UNH02.2", "")), release=intern(values.get("UNH02.3", "")),
                          agency=intern(values.get("UNH02.4", "")), association=intern(values.get("UNH02.5", "")),
                          first_segment=self._seg, segment_count=1,
                          group_ref=self._group.ref if self._group else None)
        self._msg = msg
        ic.message_total += 1
        self.message_count += 1
        self._check_unh(msg)
        if self.track_messages:
            ic.messages.append(msg)
        return Record("UNH", values, SourceRef(file=self.file, segment=self._seg, message=msg.ref))

    def _check_unh(self, msg: MessageInfo) -> None:
        if not msg.ref:
            self._error(msg, "13", "EDIFACT-UNH-BAD", "UNH01 (message reference number) is missing",
                        "the sender must number every message", record="UNH", field="UNH01")
        elif self.track_messages and msg.ref in self._refs:
            self._error(msg, "26", "EDIFACT-DUPLICATE-MESSAGE", f"message reference {msg.ref!r} occurs twice in "
                        "this interchange", "each message needs its own UNH01", record="UNH", field="UNH01",
                        value=msg.ref)
        if self.track_messages:
            self._refs.add(msg.ref)
        if not all(msg.identifier):
            self._error(msg, "13", "EDIFACT-UNH-BAD", "UNH02 must give message type, version, release and agency "
                        "(e.g. ORDERS:D:96A:UN)", "ask the sender to complete the message identifier",
                        record="UNH", field="UNH02", value=":".join(msg.identifier).rstrip(":"))

    def _on_unt(self, values: dict[str, str]) -> Record | None:
        msg, ic = self._msg, self._ic
        assert ic is not None
        if msg is None:
            self._error(ic, "33", "EDIFACT-OUTSIDE-MESSAGE", "UNT without a UNH", "remove it or add the UNH",
                        record="UNT")
            return None
        msg.segment_count += 1
        declared = values.get("UNT01", "")
        if declared != str(msg.segment_count):
            self._error(msg, "29", "EDIFACT-UNT-COUNT", f"UNT01 says {declared or 'nothing'} segments but the "
                        f"message has {msg.segment_count} (UNH and UNT included)",
                        "ask the sender to resend; the count must match", record="UNT", field="UNT01",
                        value=declared, position=msg.segment_count, element=1)
        if values.get("UNT02", "") != msg.ref:
            self._error(msg, "28", "EDIFACT-UNT-REF", f"UNT02 does not repeat the UNH01 reference {msg.ref!r}",
                        "the message trailer must carry the header's reference", record="UNT", field="UNT02",
                        value=values.get("UNT02", ""), position=msg.segment_count, element=2)
        self._end_message(msg)
        return Record("UNT", values, SourceRef(file=self.file, segment=self._seg, message=msg.ref))

    def _end_message(self, msg: MessageInfo) -> None:
        msg.complete = True
        if self._group is not None:
            self._group.message_count += 1
        if not self.track_messages and not msg.accepted and self._ic is not None:
            self._ic.messages.append(msg)
        self._msg = None

    # -- missing trailers ----------------------------------------------------------------------

    def _close_open_levels(self, seen: str) -> None:
        self._close_message(seen)
        if self._group is not None and self._ic is not None:
            self._error(self._group, "13", "EDIFACT-UNE-MISSING", f"group {self._group.ref!r} has no UNE before "
                        f"{seen}", "ask the sender to resend the complete interchange", record=seen)
            self._group = None

    def _close_message(self, seen: str, *, eof: bool = False) -> None:
        msg = self._msg
        if msg is None:
            return
        code = "EDIFACT-TRUNCATED" if eof else "EDIFACT-UNT-MISSING"
        where = "the file ends" if eof else f"{seen} arrives"
        self._error(msg, "13", code, f"message {msg.ref!r} has no UNT: {where} before it is closed",
                    "ask the sender to resend the complete interchange", record=seen)
        self._end_message(msg)
        msg.complete = False

    def _close_interchange(self, *, eof: bool) -> None:
        ic = self._ic
        assert ic is not None
        self._close_message("end of file" if eof else "UNB", eof=eof)
        self._close_open_levels("end of file" if eof else "UNB")
        code = "EDIFACT-TRUNCATED" if eof else "EDIFACT-UNZ-MISSING"
        where = "the file ends" if eof else "a new UNB starts"
        self._error(ic, "13", code, f"interchange {ic.control_ref!r} has no UNZ: {where} before it is closed",
                    "ask the sender to resend the complete interchange", record="UNZ")
        self._ic = None

    def _finish(self) -> None:
        if self._tok.stopped:
            return
        if self._ic is not None:
            self._close_interchange(eof=True)
        elif not self.interchanges:
            self._problem("EDIFACT-TRUNCATED", "the file ends before any complete UNB segment",
                          "ask the sender to resend the complete interchange", segment=None)

    def _outside_interchange(self, raw: bytes) -> None:
        if not self._outside_reported:
            self._outside_reported = True
            self._problem("EDIFACT-UNB-MISSING", "segments outside any UNB..UNZ interchange were skipped",
                          "every segment must follow a UNB (and the UNA, if any)",
                          record=raw[:3].decode("latin-1"), value=raw[:20].decode("latin-1"))
        return None

    # -- problems ------------------------------------------------------------------------------

    def _tokenizer_problem(self, code: str, rule: str, hint: str, *, value: str | None = None,
                           severity: str = "error") -> None:
        # Problems between interchanges (garbage, bad UNA) belong to no interchange we could acknowledge.
        self._problem(code, rule, hint, value=value, severity=severity, segment=None)

    def _error(self, level: InterchangeInfo | GroupInfo | MessageInfo, code0085: str, code: str, rule: str,
               hint: str, *, position: int | None = None, element: int | None = None,
               severity: str = "error", **where: Any) -> None:
        problem = self._problem(code, rule, hint, severity=severity, **where)
        if isinstance(level, MessageInfo) and position is None and code not in _MESSAGE_LEVEL:
            position = self._seg - level.first_segment + 1
        level.errors.append(SyntaxError_(code0085, position, where.get("record"), element, problem=problem))

    def _problem(self, code: str, rule: str, hint: str, *, severity: str = "error",
                 segment: int | None | bool = True, **where: Any) -> Problem:
        if self._msg is not None:
            where.setdefault("record", None)
            where["record"] = f"{where['record'] or ''} (message {self._msg.ref})".strip()
        problem = Problem(code=code, rule=rule, hint=hint, file=self.file, severity=severity,  # type: ignore[arg-type]
                          segment=self._seg if segment is True and self._seg else None, **where)
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(Problem(code="EDIFACT-TOO-MANY-PROBLEMS", file=self.file,
                                         rule=f"more than {MAX_PROBLEMS} problems; the rest are not listed",
                                         hint="fix the ones listed and read the file again"))
        return problem


# Problems that belong to the message as a whole (UCM), not to one segment (UCS).
_MESSAGE_LEVEL = frozenset({"EDIFACT-UNT-MISSING", "EDIFACT-TRUNCATED"})


def _first_non_ascii(text: str) -> str:
    """The first 8-bit character of a segment (not the whole value: it may be personal data)."""
    return next((ch for ch in text if not ch.isascii()), "")


def _fill_unb(ic: InterchangeInfo, values: dict[str, str]) -> None:
    ic.syntax_id = values.get("UNB01", "")
    ic.syntax_version = values.get("UNB01.2", "")
    ic.sender_id, ic.sender_qualifier = values.get("UNB02", ""), values.get("UNB02.2", "")
    ic.recipient_id, ic.recipient_qualifier = values.get("UNB03", ""), values.get("UNB03.2", "")
    ic.date, ic.time = values.get("UNB04", ""), values.get("UNB04.2", "")
    ic.control_ref = values.get("UNB05", "")
    ic.application_ref = values.get("UNB07", "")
    ic.ack_request = values.get("UNB09", "")
    ic.test = values.get("UNB11", "") == "1"


def reader(source: str | os.PathLike[str] | BinaryIO, options: Mapping[str, Any] | None = None, *,
           file_name: str | None = None) -> EdifactReader:
    """Streaming reader over ``source`` (a path or a binary stream); see :class:`EdifactReader`."""
    return EdifactReader(source, options, file_name=file_name)
