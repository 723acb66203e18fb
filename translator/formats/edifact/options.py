"""The ``format.options`` block of an EDIFACT mapping, validated in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from translator.errors import MappingError
from translator.formats import check_encoding, check_option_keys
from translator.formats.edifact.characters import DEFAULT_CHARS, SYNTAX_ENCODINGS, ServiceChars

FORMAT = "edifact"
DEFAULT_CHUNK = 1 << 20
_STRINGS = ("syntax_id", "syntax_version", "sender_id", "sender_qualifier", "recipient_id",
            "recipient_qualifier", "application_reference", "partner")
_BOOLS = ("una", "test", "ack_request", "newline")


@dataclass(frozen=True)
class EdifactOptions:
    """Reader and writer settings.

    Reading uses ``encoding`` (overrides the UNB syntax identifier) and ``chunk_size``; the rest
    shapes what the writer puts in UNA/UNB. ``service_chars`` is the six-character UNA advice
    (component, element, decimal, release, repetition, terminator).
    """

    encoding: str | None = None
    chunk_size: int = DEFAULT_CHUNK
    una: bool = True
    service_chars: ServiceChars = field(default=DEFAULT_CHARS)
    syntax_id: str = "UNOC"
    syntax_version: str = "3"
    sender_id: str = ""
    sender_qualifier: str = ""
    recipient_id: str = ""
    recipient_qualifier: str = ""
    application_reference: str = ""
    ack_request: bool = False
    test: bool = False
    newline: bool = False
    partner: str = ""

    @property
    def control_partner(self) -> str:
        """Key for control numbers: the configured partner, else the recipient id."""
        return self.partner or self.recipient_id or "default"


def parse_options(raw: Mapping[str, Any] | None) -> EdifactOptions:
    """Validated options; MappingError names the bad key (unknown keys are refused, not ignored)."""
    if isinstance(raw, EdifactOptions):
        return raw
    allowed = {"encoding", "chunk_size", "service_chars", *_STRINGS, *_BOOLS}
    data = check_option_keys(raw, allowed, FORMAT)
    kwargs: dict[str, Any] = {}
    for key in _STRINGS:
        if key in data:
            kwargs[key] = _string(data[key], key)
    for key in _BOOLS:
        if key in data:
            kwargs[key] = _bool(data[key], key)
    if data.get("encoding") is not None:
        kwargs["encoding"] = check_encoding(_string(data["encoding"], "encoding"), FORMAT)
    if "chunk_size" in data:
        kwargs["chunk_size"] = _chunk(data["chunk_size"])
    if "service_chars" in data:
        kwargs["service_chars"] = _chars(data["service_chars"])
    if kwargs.get("syntax_id", "UNOC") not in SYNTAX_ENCODINGS:
        raise MappingError(f"edifact option syntax_id: unknown syntax identifier {kwargs['syntax_id']!r}; "
                           f"known: {', '.join(SYNTAX_ENCODINGS)}", key="syntax_id")
    return EdifactOptions(**kwargs)


def _string(value: Any, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MappingError(f"edifact option {key} must be text", key=key)
    return str(value)


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise MappingError(f"edifact option {key} must be true or false", key=key)
    return value


def _chunk(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 16:
        raise MappingError("edifact option chunk_size must be a whole number of bytes >= 16", key="chunk_size")
    return value


def _chars(value: Any) -> ServiceChars:
    try:
        return ServiceChars.from_una(_string(value, "service_chars"))
    except ValueError as exc:
        raise MappingError(f"edifact option service_chars: {exc}", key="service_chars") from exc
