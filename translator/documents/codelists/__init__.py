"""Amazon DF code lists shipped as CSV beside this module.

The rules and the mapping engine read the same files, so a code Amazon adds is added in one place.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from translator.errors import ConfigError

NAMES = ("acknowledgement-codes", "shipment-status-reasons")


def load(name: str) -> list[dict[str, str]]:
    """Rows of code list ``name`` (file stem, e.g. ``acknowledgement-codes``) as dicts of strings."""
    return [dict(row) for row in _rows(name)]


def location(name: str) -> Traversable:
    """Where code list ``name`` is stored (to copy it beside a user's mappings, for instance)."""
    if name not in NAMES:
        raise ConfigError(f"unknown code list {name!r}; known: {', '.join(NAMES)}")
    return resources.files(__package__).joinpath(f"{name}.csv")


@cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    text = location(name).read_text(encoding="utf-8")
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
