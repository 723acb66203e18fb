"""Helpers shared by the rule modules: safe field access, quantities, order lines, problems.

Rules run on documents that may also have failed the schema, so every accessor tolerates a wrong
shape (returns ``None``) instead of raising: the schema reports the shape, the rules the meaning.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from translator.problems import Problem, redact

# Decimal strings beyond 10**15 (or below 10**-15) are treated as unreadable rather than computed with.
MAX_EXPONENT = 15


@dataclass(frozen=True)
class Context:
    """What one ``check`` call knows besides the document: facts, path parameters and the clock."""

    facts: Any
    path_params: Mapping[str, str]
    now: datetime


def get(node: Any, *keys: str) -> Any:
    """``node[k1][k2]...`` or ``None`` when any step is missing or not an object."""
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def items_of(node: Any, key: str) -> list[tuple[int, Mapping[str, Any]]]:
    """(index, item) for the objects in list ``node[key]``; anything else is skipped (schema's job)."""
    value = get(node, key)
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, Mapping)]


def whole(value: Any) -> int | None:
    """``value`` when it is a whole number (not a bool, not 1.0), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def decimal(value: Any) -> Decimal | None:
    """A Decimal from a Decimal string; ``None`` for anything else (floats included: never money)."""
    if not isinstance(value, str):
        return None
    try:
        result = Decimal(value)
    except InvalidOperation:
        return None
    if not result.is_finite() or (result and abs(result.adjusted()) > MAX_EXPONENT):
        return None  # "1e999" is no amount or size; the arithmetic below would only overflow
    return result


def line_key(seq: Any) -> int | str | None:
    """Order line identity: ``"00001"``, ``"1"`` and ``1`` are the same line."""
    if isinstance(seq, bool):
        return None
    if isinstance(seq, int):
        return seq
    if isinstance(seq, str) and seq.strip().isdigit():
        return int(seq)
    return seq if isinstance(seq, str) else None


def order_lines(order: Mapping[str, Any] | None) -> dict[int | str, Mapping[str, Any]] | None:
    """The order's lines by :func:`line_key`, or ``None`` when the order is unknown."""
    if order is None:
        return None
    lines = {}
    for _, line in items_of(get(order, "orderDetails"), "items"):
        key = line_key(line.get("itemSequenceNumber"))
        if key is not None:
            lines[key] = line
    return lines


def ordered_quantity(line: Mapping[str, Any]) -> int | None:
    return whole(get(line, "orderedQuantity", "amount"))


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime (UTC assumed without a zone), or ``None`` when unparseable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def path(*parts: str | int) -> str:
    """JSON path in the same form as the schema problems: ``$.items[0].shippedQuantity.amount``."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def problem(code: str, rule: str, hint: str, field: str, value: Any = None,
            document: str | None = None) -> Problem:
    text = None if value is None else (value if isinstance(value, str) else str(value))
    return Problem(code=code, rule=rule, field=field, value=redact(field, text), hint=hint,
                   document=document if isinstance(document, str) else None)


def duplicates(keys: list[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """(index, key) of every repeat of a key already seen."""
    seen: set[Any] = set()
    for index, key in keys:
        if key in seen:
            yield index, key
        seen.add(key)


def packed_units(item: Mapping[str, Any]) -> dict[int | str, int | None]:
    """Units of each order line in the document's containers.

    Without ``pieceNumber`` the containers' ``packedQuantity`` values add up. With ``pieceNumber`` (one
    item split across packages) Amazon's guide says each entry carries the line's *total* quantity, so
    the entries must agree; ``None`` marks a line whose entries disagree or mix both conventions.
    """
    sums: dict[int | str, int] = {}
    counts: dict[int | str, int] = {}
    pieces: dict[int | str, list[int]] = {}
    for _, box in items_of(item, "containers"):
        for _, unit in items_of(box, "packedItems"):
            key, amount = line_key(unit.get("itemSequenceNumber")), whole(get(unit, "packedQuantity", "amount"))
            if key is None or amount is None:
                continue
            sums[key] = sums.get(key, 0) + amount
            counts[key] = counts.get(key, 0) + 1
            if unit.get("pieceNumber") is not None:
                pieces.setdefault(key, []).append(amount)
    units: dict[int | str, int | None] = dict(sums)
    for key, amounts in pieces.items():
        consistent = len(set(amounts)) == 1 and len(amounts) == counts[key]
        units[key] = amounts[0] if consistent else None
    return units
