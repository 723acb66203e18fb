"""Cell values as text and back: exact numbers, ISO dates, Excel serial dates (both directions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def number_text(value: float | int) -> str:
    """Exact, non-scientific text for a numeric cell: ``5.0`` -> ``5``, ``12.5`` -> ``12.5``."""
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return format(Decimal(str(value)).normalize(), "f")


def excel_display(value: float | int) -> str:
    """How Excel's General format shows a long number (``8.8061E+12``), for messages."""
    text = number_text(value)
    return f"{value:.4E}" if len(text.lstrip("-").replace(".", "")) > 11 else text


def iso_text(value: dt.date | dt.datetime) -> str:
    """ISO date, or date-time when the cell carries a time of day."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def serial_to_iso(value: float) -> str:
    """An Excel serial date (1900 date system) as ISO text."""
    return iso_text(EXCEL_EPOCH + dt.timedelta(days=value))


def cell_text(value: Any, is_date_column: bool) -> str:
    """Text for one calamine cell value (identifier handling is the caller's job)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return serial_to_iso(value) if is_date_column else number_text(value)
    if isinstance(value, dt.date):
        return iso_text(value)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    return str(value)
