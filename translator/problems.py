"""Problems: every rejection as located, machine-readable data.

A :class:`Problem` says *where* (file, sheet, line or segment, record, field), *what* (the value)
and *why* (a stable code and the rule in plain words), plus a hint saying what to do next.
Renderers elsewhere turn the same list into a CSV/XLSX report, a log line, a 997 or a CONTRL.
Values of personal-data fields must be redacted by the producer (use :func:`redact`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

Severity = Literal["error", "warning"]

# Fields whose values are customer personal data; never echoed into reports or logs.
PERSONAL_FIELDS = frozenset({
    "name", "attention", "addressLine1", "addressLine2", "addressLine3", "city", "county",
    "district", "phone", "email", "giftMessage",
})


def redact(field: str | None, value: str | None) -> str | None:
    """Return ``value`` unless ``field`` names personal data, in which case mask it."""
    if value is None or field is None:
        return value
    leaf = field.rsplit(".", 1)[-1].split("[", 1)[0]
    return "<redacted>" if leaf in PERSONAL_FIELDS else value


@dataclass(frozen=True)
class Problem:
    """One located problem.

    ``code`` is stable and documented (e.g. ``ACK-QTY-ABOVE-ORDERED``); ``rule`` is the rule in words
    an accountant or EDI analyst understands; ``hint`` says what to do about it.
    """

    code: str
    rule: str
    file: str | None = None
    sheet: str | None = None
    line: int | None = None          # 1-based row/line in the file
    segment: int | None = None       # 1-based segment position in an EDI interchange
    record: str | None = None        # segment tag / record type / "PO 2JK3S9VC line 00001"
    field: str | None = None         # column name, element id (BSN02) or JSON path ($.items[0].x)
    column: int | None = None        # 1-based column index for spreadsheets, when known
    value: str | None = None
    hint: str | None = None
    severity: Severity = "error"
    document: str | None = None      # document identity (e.g. PO number) when known

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict without empty keys."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def located(self, **where: Any) -> Problem:
        """Copy with location fields filled in (only those not already set)."""
        fill = {k: v for k, v in where.items() if getattr(self, k) is None}
        return replace(self, **fill)

    def render(self) -> str:
        """One human line: ``file row 3, column qty (value '0'): rule. hint``."""
        where = []
        if self.file:
            where.append(self.file)
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.segment is not None:
            where.append(f"segment {self.segment}")
        if self.record:
            where.append(self.record)
        if self.field:
            where.append(f"field {self.field}")
        head = ", ".join(where)
        value = f" (value {self.value!r})" if self.value is not None else ""
        text = f"{head}{value}: {self.rule}" if head else f"{self.rule}{value}"
        if self.hint:
            text += f" - {self.hint}"
        return f"[{self.code}] {text}"
