"""Amazon DF code lists shipped as CSV beside this module.

The rules and the mapping engine read the same files, so a code Amazon adds is added in one place.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from translator.errors import ConfigError

NAMES = ("acknowledgement-codes", "shipment-status-reasons")


def load(name: str) -> list[dict[str, str]]:
    """Rows of code list ``name`` (file stem, e.g. ``acknowledgement-codes``) as dicts of strings."""
    return [dict(row) for row in _rows(name)]


@cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    if name not in NAMES:
        raise ConfigError(f"unknown code list {name!r}; known: {', '.join(NAMES)}")
    text = resources.files(__package__).joinpath(f"{name}.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def acknowledgement_codes() -> dict[str, str]:
    """Acknowledgement code -> description (``00`` accepts the order; the others cancel it)."""
    return {row["code"]: row["description"] for row in _rows("acknowledgement-codes")}


def status_reason_pairs() -> dict[tuple[str, str], str]:
    """(statusCode, reasonCode) -> event name, in both EDIFACT and X12 form."""
    pairs: dict[tuple[str, str], str] = {}
    for row in _rows("shipment-status-reasons"):
        pairs[(row["edifact_status"], row["edifact_reason"])] = row["event"]
        pairs[(row["x12_status"], row["x12_reason"])] = row["event"]
    return pairs
