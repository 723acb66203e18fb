"""Delimiters of an interchange, read from its ISA header.

X12 has no separate delimiter segment: the ISA itself declares them. The element separator is
the character right after ``ISA``; ISA16 (the character after the 16th element separator) is the
component separator; the character after ISA16 is the segment terminator. ISA11 is the repetition
separator from version 00402 on; version 00401 puts the standards identifier ``U`` there, so ISA11 is
a separator only when it is punctuation. Positions are found by counting separators rather than by
fixed columns, so an ISA with badly padded fields still yields its delimiters (and a Problem).
"""

from __future__ import annotations

from dataclasses import dataclass

from translator.problems import Problem

ISA_LENGTH = 106   # fixed length of an ISA segment including its terminator
_NEWLINES = "\r\n"


@dataclass(frozen=True)
class Delimiters:
    """The separators of one interchange; ``suffix`` is what follows each terminator (``"\\r\\n"``)."""

    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str | None = None
    suffix: str = ""

    def characters(self) -> str:
        """Every character a value must not contain."""
        extra = self.repetition or ""
        return self.element + self.component + self.segment + extra


def _bad(rule: str, value: str, hint: str, field: str | None = "ISA") -> Problem:
    return Problem(code="X12-BAD-DELIMITERS", rule=rule, record="ISA", field=field, value=value, hint=hint)


def detect(text: str) -> Delimiters | Problem:
    """Delimiters declared by the ISA at the start of ``text`` (or a Problem saying why not).

    ``text`` must start with ``ISA`` and hold at least the whole header (about 110 characters).
    """
    if len(text) < 4:
        return _bad("the ISA header is cut short", text[:20], "the file is truncated; ask the sender to resend it")
    element = text[3]
    if element.isalnum() or element in " \t\r\n":
        return _bad("the element separator (the character after ISA) must be punctuation",
                    element, "check that the file really is X12 and that its ISA is intact")
    pos = -1
    for _ in range(16):
        pos = text.find(element, pos + 1)
        if pos < 0:
            return _bad("the ISA header does not have 16 elements", text[:ISA_LENGTH],
                        "the ISA must have 16 fields separated by the element separator")
    component, segment = text[pos + 1:pos + 2], text[pos + 2:pos + 3]
    return _validated(text, element, component, segment, pos)


def _validated(text: str, element: str, component: str, segment: str, pos: int) -> Delimiters | Problem:
    if not component or not segment:
        return _bad("the ISA header ends before ISA16 and the segment terminator", text[:ISA_LENGTH],
                    "the file is truncated; ask the sender to resend it")
    for name, char in (("component separator (ISA16)", component), ("segment terminator", segment)):
        if char.isalnum() or char == " ":
            return _bad(f"the {name} must not be a letter, digit or space", char,
                        "the ISA16 value and the character after it must be delimiters", "ISA16")
    if len({element, component, segment}) < 3:
        return _bad("the element separator, component separator and segment terminator must differ",
                    element + component + segment, "fix the ISA so each delimiter is a distinct character")
    if segment == "\r" and text[pos + 3:pos + 4] == "\n":
        segment = "\r\n"
    rest = text[pos + 2 + len(segment):pos + 4 + len(segment)]
    suffix = rest if rest == "\r\n" else rest[:1] if rest[:1] in _NEWLINES else ""
    isa11 = text.split(element, 12)[11:12]
    repetition = isa11[0] if isa11 and len(isa11[0]) == 1 and not isa11[0].isalnum() else None
    if repetition in (element, component, segment):
        return _bad("the repetition separator (ISA11) repeats another delimiter", repetition or "",
                    "use a distinct repetition separator or U", "ISA11")
    return Delimiters(element, component, segment, repetition, suffix if segment not in _NEWLINES else "")
