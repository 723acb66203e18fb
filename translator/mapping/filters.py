"""The transforms a mapping may use: small, named Jinja2 filters, each tested.

Mappings hold no code; whatever a mapping needs beyond Jinja's built-ins (``upper``, ``lower``,
``trim``, ``default``, ``replace``...) lives here. A filter that cannot do its job raises
:class:`ValueProblem`; the engine turns it into a located :class:`~translator.problems.Problem`
(row or segment, field, value). Nothing is ever repaired silently: a date that does not match its
declared format, a decimal with more places than its scale, an unknown code are all rejections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from jinja2 import Undefined

ISO_DATETIME = "%Y-%m-%dT%H:%M:%SZ"


class ValueProblem(Exception):
    """A value a filter refused; carries what a Problem needs."""

    def __init__(self, code: str, rule: str, hint: str, value: Any = None) -> None:
        super().__init__(rule)
        self.code, self.rule, self.hint = code, rule, hint
        self.value = None if value is None else str(value)


def _text(value: Any) -> str:
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises here: the missing value becomes a Problem upstream
    return "" if value is None else str(value)


def to_datetime(value: Any, fmt: str = "%Y-%m-%d", *more: str) -> str:
    """Parse ``value`` with the explicit strptime ``fmt`` (or one of the further formats listed);
    return ISO 8601 UTC (``2026-11-23T10:00:00Z``). A value without a zone is taken as UTC; one with
    ``%z`` is converted. Listing formats is explicit, never a guess: ``datetime('%Y-%m-%d', '%Y-%m-%dT%H:%M:%S')``.
    """
    text = _text(value).strip()
    if not text:
        return ""
    return _parse_datetime(text, (fmt, *more))


def make_datetime() -> Callable[..., str]:
    """:func:`to_datetime` with a cache owned by one mapping: a file repeats the same dates on thousands
    of rows and strptime is the slowest filter (a refused value raises, and exceptions are not cached)."""
    parse = lru_cache(maxsize=4096)(_parse_datetime)

    def cached_datetime(value: Any, fmt: str = "%Y-%m-%d", *more: str) -> str:
        text = _text(value).strip()
        return parse(text, (fmt, *more)) if text else ""

    return cached_datetime


def _parse_datetime(text: str, formats: tuple[str, ...]) -> str:
    fmt, *more = formats
    for candidate in formats:
        try:
            parsed = datetime.strptime(text, candidate)
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed.strftime(ISO_DATETIME)
    shown = " or ".join(repr(f) for f in (fmt, *more))
    examples = " or ".join(_example(f) for f in (fmt, *more))
    raise ValueProblem("MAP-BAD-DATE", f"the date does not match the format {shown}",
                       f"write the date as {examples}, or change the date format in the mapping", text)


def _example(fmt: str) -> str:
    return datetime(2026, 11, 23, 14, 30, 0).strftime(fmt)


def format_date(value: Any, fmt: str) -> str:
    """Outbound: an API ISO 8601 date-time (``2026-11-23T14:30:00Z``) written with strftime ``fmt``."""
    text = _text(value).strip()
    if not text:
        return ""
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueProblem("MAP-BAD-DATE", "the date is not an ISO 8601 date-time",
                           "check the order data", text) from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.strftime(fmt)


def to_decimal(value: Any, scale: int | None = None) -> str:
    """A decimal written as text (``"12.5"`` with scale 2 -> ``"12.50"``); never a float.

    More decimal places than ``scale`` is a rejection, not a rounding.
    """
    text = _text(value).strip()
    if not text:
        return ""
    number = _parse_decimal(text)
    if scale is None:
        return text if text == str(number) else str(number)
    quantum = Decimal(1).scaleb(-int(scale))
    if number != number.quantize(quantum):
        raise ValueProblem("MAP-DECIMAL-SCALE", f"the amount has more than {scale} decimal places",
                           "round the amount in the ERP before exporting", text)
    return str(number.quantize(quantum))


def _parse_decimal(text: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueProblem("MAP-BAD-DECIMAL", "the value is not a decimal number",
                           "write numbers with a dot as decimal mark and no thousands separators or currency signs",
                           text) from exc
    if not number.is_finite():
        raise ValueProblem("MAP-BAD-DECIMAL", "the value is not a finite number",
                           "write a plain number such as 12.50", text)
    return number


def implied_decimal(value: Any, places: int = 2) -> str:
    """X12 ``N2``-style numbers: ``"1250"`` with 2 implied places -> ``"12.50"``."""
    text = _text(value).strip()
    if not text:
        return ""
    if not text.lstrip("-").isdigit():
        raise ValueProblem("MAP-BAD-DECIMAL", f"the value is not a whole number with {places} implied decimals",
                           "send digits only, e.g. 1250 for 12.50", text)
    return str(Decimal(text).scaleb(-int(places)))


def to_implied(value: Any, places: int = 2) -> str:
    """Outbound inverse of :func:`implied_decimal`: ``"12.50"`` -> ``"1250"``."""
    text = _text(value).strip()
    if not text:
        return ""
    number = _parse_decimal(text).scaleb(int(places))
    if number != number.to_integral_value():
        raise ValueProblem("MAP-DECIMAL-SCALE", f"the amount has more than {places} decimal places",
                           "check the amount", text)
    return str(int(number))


def whole(value: Any) -> str:
    """A whole number as text (``"007"`` -> ``"7"``); anything else is a rejection."""
    text = _text(value).strip()
    if not text:
        return ""
    if not (text.isdigit() or (text.startswith("-") and text[1:].isdigit())):
        raise ValueProblem("MAP-NOT-WHOLE", "the quantity must be a whole number",
                           "write whole units without decimals or separators", text)
    return str(int(text))


def zfill(value: Any, width: int) -> str:
    """Left-pad with zeros to ``width`` (``"12"`` -> ``"00012"``); never truncates."""
    return _text(value).zfill(int(width))


def pad(value: Any, width: int, fill: str = " ", align: str = "left") -> str:
    """Pad to ``width`` (``align`` left or right); a longer value is a rejection, never cut."""
    text = _text(value)
    if len(text) > int(width):
        raise ValueProblem("MAP-TOO-LONG", f"the value is longer than {width} characters",
                           "shorten the value or widen the field in the mapping", text)
    return text.ljust(int(width), fill) if align == "left" else text.rjust(int(width), fill)


def total(values: Iterable[Any]) -> str:
    """Sum of decimal strings (``["1", "2"]`` -> ``"3"``), e.g. one line's quantity over several packages."""
    result = sum((_parse_decimal(_text(v).strip() or "0") for v in values), Decimal(0))
    return str(result)


def order_code(codes: Iterable[Any], accepted: str = "00") -> str:
    """One order-level code from line codes: ``accepted`` when every line has it, else the first other code.

    X12 855 and most ERPs carry an acknowledgement code per line; the API has one per order.
    """
    first_other = ""
    for code in codes:
        text = _text(code).strip()
        if text != accepted and not first_other:
            first_other = text
    return first_other or accepted


def boolean(value: Any) -> bool | str:
    """``true/false``, ``yes/no``, ``y/n``, ``1/0`` (any case) -> bool; empty stays empty."""
    text = _text(value).strip().lower()
    if not text:
        return ""
    if text in ("true", "yes", "y", "1"):
        return True
    if text in ("false", "no", "n", "0"):
        return False
    raise ValueProblem("MAP-NOT-BOOLEAN", "the value must be true or false",
                       "write true/false, yes/no, Y/N or 1/0", text)


def yes_no(value: Any, yes: str = "Y", no: str = "N") -> str:
    """Outbound: a JSON boolean written as ``Y``/``N`` (or the given words)."""
    if isinstance(value, Undefined):
        _text(value)
    return yes if value is True or str(value).lower() == "true" else no


def make_lookup(tables: Mapping[str, list[dict[str, str]]]) -> Callable[..., str]:
    """The ``lookup(codelist, key_column, value_column)`` filter bound to one mapping's code lists."""

    indexes: dict[tuple[str, str], dict[str, dict[str, str]]] = {}  # per mapping, built on first use

    def lookup(value: Any, codelist: str, key_column: str = "code", value_column: str | None = None) -> str:
        text = _text(value).strip()
        index = indexes.get((codelist, key_column))
        if index is None:
            index = {}
            for entry in tables[codelist]:
                index.setdefault(entry.get(key_column), entry)  # the first row with a code wins, as in a scan
            indexes[(codelist, key_column)] = index
        row = index.get(text)
        if row is not None:
            return row.get(value_column or key_column, "")
        raise ValueProblem("MAP-UNKNOWN-CODE", f"the code is not in the code list {codelist!r} (column {key_column})",
                           f"use a code listed in mappings/codelists/{codelist}.csv or add it there", text)

    return lookup


def make_pair_lookup(tables: Mapping[str, list[dict[str, str]]]) -> Callable[..., str]:
    """``lookup2(second, codelist, col1, col2, value_column)``: look a code *pair* up (status + reason)."""

    def lookup2(first: Any, second: Any, codelist: str, col1: str, col2: str, value_column: str) -> str:
        a, b = _text(first).strip(), _text(second).strip()
        for row in tables[codelist]:
            if row.get(col1) == a and row.get(col2) == b:
                return row.get(value_column, "")
        raise ValueProblem("MAP-UNKNOWN-CODE", f"the pair {a}/{b} is not in the code list {codelist!r}",
                           f"use a {col1}/{col2} pair listed in mappings/codelists/{codelist}.csv", f"{a}/{b}")

    return lookup2


def qualified(values: Any, qualifier: str) -> Any:
    """The element after the one equal to ``qualifier``: ``qualified(PO1, 'VN')`` finds the vendor part number
    in X12 qualifier/value pairs (``PO106=BP PO107=B00X PO108=VN PO109=SKU``) wherever the pair sits."""
    if isinstance(values, Undefined):
        return values
    for key in sorted(values):
        if values[key] == qualifier and key[-2:].isdigit():
            following = values.get(f"{key[:-2]}{int(key[-2:]) + 1:02d}")
            if following is not None:
                return following
    from translator.mapping.expressions import MissingValue
    return MissingValue(name=f"identifier qualified {qualifier}")


def pluck(rows: Iterable[Any], *keys: str) -> list[Any]:
    """``rows | pluck('QTY', 'QTY01.2')``: the value at exactly these keys in each row (keys may contain dots,
    unlike ``map(attribute=...)``, so EDIFACT components work)."""
    out = []
    for row in rows:
        value = row
        for key in keys:
            value = value[key]
        out.append(value)
    return out


def text_filters(builtin: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """``trim``, ``upper`` and ``lower`` for text without Jinja's markup-safe conversion (the hot path
    of every tabular mapping); anything else (a missing value, a number) goes to Jinja's own filter."""
    trim, upper, lower = builtin["trim"], builtin["upper"], builtin["lower"]

    def fast_trim(value: Any, chars: str | None = None) -> Any:
        return value.strip(chars) if type(value) is str else trim(value, chars)

    def fast_upper(value: Any) -> Any:
        return value.upper() if type(value) is str else upper(value)

    def fast_lower(value: Any) -> Any:
        return value.lower() if type(value) is str else lower(value)

    return {"trim": fast_trim, "upper": fast_upper, "lower": fast_lower}


FILTERS: Mapping[str, Callable[..., Any]] = {
    "datetime": to_datetime,
    "format_date": format_date,
    "decimal": to_decimal,
    "implied_decimal": implied_decimal,
    "to_implied": to_implied,
    "whole": whole,
    "zfill": zfill,
    "pad": pad,
    "total": total,
    "order_code": order_code,
    "boolean": boolean,
    "yes_no": yes_no,
    "pluck": pluck,
}
