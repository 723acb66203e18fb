"""Records: what every format reader yields and every format writer takes.

Formats know nothing about Amazon: a record is a tag plus string values plus where it came from.

* Tabular formats (CSV, XLSX, fixed width): one record per data row. ``tag`` is the record type
  (fixed width: the record-type value; CSV/XLSX: ``"row"``), ``values`` maps column name -> cell text.
* Segment formats (X12, EDIFACT): one record per segment. ``tag`` is the segment id (``BSN``, ``DTM``),
  ``values`` maps element ids to text: ``"BSN02"`` for simple elements, ``"DTM01.2"`` for component 2 of
  composite element 1 (X12 and EDIFACT alike; positions are 1-based and zero-padded to 2 digits).
  Envelope segments (ISA/GS/GE/IEA, UNA/UNB/UNZ) are not yielded as records; readers expose them separately.

All values are ``str``. Nothing is ever converted to a number by a format: identifiers and money stay text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceRef:
    """Where a record came from, carried all the way to reports and the state store."""

    file: str | None = None
    line: int | None = None          # 1-based physical line (CSV/fixed) or row (XLSX)
    sheet: str | None = None         # XLSX sheet name
    segment: int | None = None       # 1-based segment index within the interchange (X12/EDIFACT)
    message: str | None = None       # transaction-set / message control number (ST02, UNH01)
    columns: tuple[str, ...] = ()    # tabular: header names in file order (for column indexes in reports)


@dataclass(frozen=True)
class Record:
    """One row or segment: a tag, its string values, and its source."""

    tag: str
    values: dict[str, str] = field(default_factory=dict)
    source: SourceRef = field(default_factory=SourceRef)

    def get(self, key: str, default: str = "") -> str:
        """Value for ``key`` or ``default`` (empty string) when absent."""
        return self.values.get(key, default)
