"""What the reader learns about envelopes: interchanges, groups and messages, with their status.

These objects are filled while the file streams past. They are what a CONTRL is built from and
what the engine shows a user asking "which interchange was this, from whom, and was it whole?".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from translator.formats.edifact.characters import ServiceChars
from translator.problems import Problem


@dataclass(frozen=True)
class SyntaxError_:
    """One error in CONTRL terms: a 0085 code and, when known, where inside the message it sits."""

    code: str                               # UN/EDIFACT 0085 syntax error code ("12", "29", ...)
    segment_position: int | None = None     # 0096: position of the segment in the message (UNH = 1)
    segment_tag: str | None = None
    element: int | None = None              # 0098: element position in the segment
    component: int | None = None            # 0104: component position in the element
    problem: Problem | None = None


@dataclass(slots=True)
class MessageInfo:
    """One UNH..UNT message as received."""

    ref: str                                # UNH01 message reference number
    type: str = ""                          # UNH02.1 e.g. ORDERS
    version: str = ""                       # UNH02.2 e.g. D
    release: str = ""                       # UNH02.3 e.g. 96A
    agency: str = ""                        # UNH02.4 e.g. UN
    association: str = ""                   # UNH02.5 e.g. EAN008
    first_segment: int = 0                  # segment index of UNH in the interchange
    segment_count: int = 0                  # segments counted, UNH and UNT included
    group_ref: str | None = None
    complete: bool = False                  # a matching UNT was seen
    errors: list[SyntaxError_] = field(default_factory=list)

    @property
    def identifier(self) -> tuple[str, str, str, str]:
        return (self.type, self.version, self.release, self.agency)

    @property
    def accepted(self) -> bool:
        """No error-severity problem was found in this message."""
        return not any(e.problem is None or e.problem.severity == "error" for e in self.errors)


@dataclass
class GroupInfo:
    """One UNG..UNE functional group."""

    ref: str                                # UNG05 group reference number
    group_id: str = ""                      # UNG01
    sender_id: str = ""
    sender_qualifier: str = ""
    recipient_id: str = ""
    recipient_qualifier: str = ""
    message_count: int = 0
    complete: bool = False
    errors: list[SyntaxError_] = field(default_factory=list)


@dataclass
class InterchangeInfo:
    """One UNB..UNZ interchange: who sent it to whom, its control reference and what it held."""

    index: int                              # 1-based position in the file
    chars: ServiceChars
    una: bool
    encoding: str = "latin-1"
    syntax_id: str = ""                     # UNB01.1 e.g. UNOC
    syntax_version: str = ""                # UNB01.2 e.g. 3
    sender_id: str = ""                     # UNB02.1
    sender_qualifier: str = ""              # UNB02.2
    recipient_id: str = ""                  # UNB03.1
    recipient_qualifier: str = ""           # UNB03.2
    date: str = ""                          # UNB04.1
    time: str = ""                          # UNB04.2
    control_ref: str = ""                   # UNB05
    application_ref: str = ""               # UNB07
    ack_request: str = ""                   # UNB09 ("1" = acknowledgement requested)
    test: bool = False                      # UNB11 == "1"
    complete: bool = False                  # a UNZ was seen
    message_total: int = 0                  # messages seen (tracked or not)
    groups: list[GroupInfo] = field(default_factory=list)
    messages: list[MessageInfo] = field(default_factory=list)
    errors: list[SyntaxError_] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """The interchange as a whole is acceptable (its messages may still be rejected one by one)."""
        return not any(e.problem is None or e.problem.severity == "error" for e in self.errors)
