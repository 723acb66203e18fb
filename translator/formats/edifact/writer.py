"""EDIFACT writer: UNA, UNB, UNH..UNT per message, UNZ; control numbers and counts filled here.

A record tagged ``UNH`` (``UNH02.1``..``UNH02.4`` e.g. ORDERS/D/96A/UN, optional ``UNH02.5``)
starts a message; the writer sets ``UNH01`` (unless given) and writes ``UNT`` itself, so records
tagged UNT, UNA, UNB, UNG, UNE or UNZ are ignored. Values are escaped with the release
character; keys follow the rule in :mod:`translator.formats.edifact.segments`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, BinaryIO, Protocol

from translator.errors import DocumentRejected, MappingError
from translator.formats.edifact.characters import WRITE_ENCODINGS
from translator.formats.edifact.options import EdifactOptions, parse_options
from translator.formats.edifact.segments import join_elements, parse_key
from translator.problems import Problem
from translator.records import Record

IGNORED_TAGS = frozenset({"UNT", "UNA", "UNB", "UNG", "UNE", "UNZ"})
FLUSH_BYTES = 1 << 16


class ControlNumbers(Protocol):
    """Source of interchange/group/message numbers; the engine supplies a persistent one."""

    def next(self, partner: str, level: str) -> int: ...


class InMemoryControlNumbers:
    """Counters per (partner, level) starting at ``start``; for tests and one-off translations."""

    def __init__(self, start: int = 1) -> None:
        self._start = start
        self._last: dict[tuple[str, str], int] = {}

    def next(self, partner: str, level: str) -> int:
        value = self._last.get((partner, level), self._start - 1) + 1
        self._last[(partner, level)] = value
        return value


class EdifactWriter:
    """Write records as one interchange to a binary stream (which :meth:`close` does not close)."""

    def __init__(self, target: BinaryIO, options: Mapping[str, Any] | EdifactOptions | None = None, *,
                 control_numbers: ControlNumbers | None = None,
                 now: Callable[[], datetime] | datetime | None = None) -> None:
        self._target = target
        self.options = parse_options(options)
        self._numbers = control_numbers or InMemoryControlNumbers()
        self._now = now
        chars = self.options.service_chars
        self._chars = chars
        self._table = chars.escape_table()
        self._end = chars.terminator + ("\n" if self.options.newline else "")
        self._encoding = WRITE_ENCODINGS[self.options.syntax_id]
        self._buf: list[bytes] = []
        self._size = 0
        self._keys: dict[str, tuple[int, int]] = {}
        self.control_ref: str | None = None     # UNB05 once the header is written
        self.message_refs: list[str] = []
        self._ref: str | None = None
        self._count = 0
        self._closed = False

    def write(self, record: Record) -> None:
        """Add one segment; a ``UNH`` record closes the previous message and opens a new one."""
        tag = record.tag
        if tag == "UNH":
            self._start_message(record.values)
        elif tag in IGNORED_TAGS:
            return
        elif self._ref is None:
            raise MappingError(f"EDIFACT segment {tag} written before any UNH record: "
                               "a message must start with a record tagged UNH", key=tag)
        else:
            self._count += 1
            self._emit(tag, record.values)

    def close(self) -> None:
        """Write UNT and UNZ and flush; an interchange with no message writes nothing at all."""
        if self._closed:
            return
        self._closed = True
        self._end_message()
        if self.control_ref is not None:
            self._emit("UNZ", {"UNZ01": str(len(self.message_refs)), "UNZ02": self.control_ref})
        self._flush()

    # -- messages ------------------------------------------------------------------------------

    def _start_message(self, values: Mapping[str, str]) -> None:
        self._end_message()
        if self.control_ref is None:
            self._write_header()
        missing = [k for k in ("UNH02.1", "UNH02.2", "UNH02.3", "UNH02.4") if not values.get(k)]
        if missing:
            raise MappingError(f"EDIFACT UNH record lacks {', '.join(missing)} (message type, version, "
                               "release, agency, e.g. ORDERS, D, 96A, UN)", key="UNH02")
        ref = values.get("UNH01") or str(self._numbers.next(self.options.control_partner, "message"))
        self._ref, self._count = ref, 1
        self._emit("UNH", {**values, "UNH01": ref})

    def _end_message(self) -> None:
        if self._ref is None:
            return
        self._emit("UNT", {"UNT01": str(self._count + 1), "UNT02": self._ref})
        self.message_refs.append(self._ref)
        self._ref = None
        if self._size >= FLUSH_BYTES:
            self._flush()

    def _write_header(self) -> None:
        opts = self.options
        if not opts.sender_id or not opts.recipient_id:
            raise MappingError("EDIFACT output needs the format options sender_id and recipient_id (UNB02/UNB03)",
                               key="sender_id" if not opts.sender_id else "recipient_id")
        self.control_ref = str(self._numbers.next(opts.control_partner, "interchange"))
        if opts.una:
            self._append(self._chars.una + ("\n" if opts.newline else ""), "UNA", {})
        self._emit("UNB", self._unb_values())

    def _unb_values(self) -> dict[str, str]:
        opts = self.options
        stamp = self._timestamp()
        date = stamp.strftime("%Y%m%d" if opts.syntax_version == "4" else "%y%m%d")
        values = {"UNB01.1": opts.syntax_id, "UNB01.2": opts.syntax_version,
                  "UNB02.1": opts.sender_id, "UNB02.2": opts.sender_qualifier,
                  "UNB03.1": opts.recipient_id, "UNB03.2": opts.recipient_qualifier,
                  "UNB04.1": date, "UNB04.2": stamp.strftime("%H%M"), "UNB05": self.control_ref or ""}
        if opts.application_reference:
            values["UNB07"] = opts.application_reference
        if opts.ack_request:
            values["UNB09"] = "1"
        if opts.test:
            values["UNB11"] = "1"
        return values

    def _timestamp(self) -> datetime:
        if isinstance(self._now, datetime):
            return self._now
        return self._now() if self._now is not None else datetime.now(UTC)

    # -- segments ------------------------------------------------------------------------------

    def _emit(self, tag: str, values: Mapping[str, str]) -> None:
        elements: dict[int, dict[int, str]] = {}
        for key, value in values.items():
            if not value:
                continue
            if not isinstance(value, str):
                raise MappingError(f"EDIFACT value {key} of segment {tag} must be text, got {type(value).__name__}",
                                   key=key)
            number, part = self._position(key, tag)
            elements.setdefault(number, {})[part] = value
        self._append(join_elements(tag, elements, self._chars, self._table) + self._end, tag, values)

    def _position(self, key: str, tag: str) -> tuple[int, int]:
        cached = self._keys.get(key)
        if cached is None:
            if len(tag) != 3 or not tag.isalnum():
                raise MappingError(f"EDIFACT segment tag {tag!r} must be three letters or digits", key=tag)
            try:
                cached = parse_key(key, tag)
            except ValueError as exc:
                raise MappingError(f"EDIFACT {exc}", key=key) from exc
            self._keys[key] = cached
        return cached

    def _append(self, text: str, tag: str, values: Mapping[str, str]) -> None:
        try:
            data = text.encode(self._encoding)
        except UnicodeEncodeError as exc:
            bad = text[exc.start]
            field = next((key for key, value in values.items() if bad in (value or "")), None)
            # Only the offending character is echoed: the value may be a customer's name.
            raise DocumentRejected([Problem(
                code="EDIFACT-UNENCODABLE", record=tag, field=field, value=bad,
                rule=f"character {bad!r} cannot be written in syntax {self.options.syntax_id} ({self._encoding})",
                hint="use syntax_id UNOW (UTF-8) for this partner, or remove the character in the mapping")]) from exc
        self._buf.append(data)
        self._size += len(data)

    def _flush(self) -> None:
        if self._buf:
            self._target.write(b"".join(self._buf))
            self._buf.clear()
            self._size = 0
        if hasattr(self._target, "flush"):
            self._target.flush()


def writer(target: BinaryIO, options: Mapping[str, Any] | None = None, **context: Any) -> EdifactWriter:
    """An :class:`EdifactWriter`; context keys used: ``control_numbers``, ``now`` (others are ignored)."""
    return EdifactWriter(target, options, control_numbers=context.get("control_numbers"), now=context.get("now"))
