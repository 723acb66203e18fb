"""Date windows and ``nextToken`` pages: how the list operations must be walked.

Every DF list operation needs both ``createdAfter`` and ``createdBefore`` and accepts at most seven
days between them, and answers at most 100 items per page. A caller asking for a month gets it as
consecutive 7-day windows, each followed page by page, never as one oversized request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from translator.errors import ConfigError

MAX_WINDOW = timedelta(days=7)
MAX_PAGE = 100
ORDER_STATUSES = ("NEW", "SHIPPED", "ACCEPTED", "CANCELLED")
SORT_ORDERS = ("ASC", "DESC")

When = datetime | str


def parse_when(value: When, name: str) -> datetime:
    """A timezone-aware datetime from a datetime or an ISO-8601 string (naive means UTC)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError as exc:
            raise ConfigError(f"{name} {value!r} is not an ISO-8601 date-time "
                              f"(example: 2024-05-01T00:00:00Z)") from exc
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise ConfigError(f"{name} is required (a date-time); the API needs both created dates")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def date_windows(after: When, before: When, *, span: timedelta = MAX_WINDOW) -> Iterator[tuple[datetime, datetime]]:
    """Consecutive ``(start, end)`` windows no longer than ``span`` covering ``after``..``before``."""
    start = parse_when(after, "createdAfter")
    end = parse_when(before, "createdBefore")
    if start >= end:
        raise ConfigError(f"createdAfter ({start.isoformat()}) must be before createdBefore ({end.isoformat()})")
    while start < end:
        stop = min(end, start + span)
        yield start, stop
        start = stop


def check_limit(limit: int) -> int:
    """The page size, refused locally when outside the API's 1..100."""
    if not 1 <= int(limit) <= MAX_PAGE:
        raise ConfigError(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
    return int(limit)


def check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    """``value`` if it is one of the API's enum values (or ``None``); refused locally otherwise."""
    if value is not None and value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def follow_pages(fetch: Callable[[str | None], dict[str, Any]], items_key: str) -> Iterator[dict[str, Any]]:
    """Yield the items of every page, asking ``fetch(next_token)`` until no ``nextToken`` comes back."""
    token: str | None = None
    seen_tokens: set[str] = set()
    while True:
        page = fetch(token)
        yield from page.get(items_key) or []
        pagination = page.get("pagination") or {}
        token = pagination.get("nextToken") if isinstance(pagination, dict) else None
        if not token or token in seen_tokens:  # a repeated token would loop forever
            return
        seen_tokens.add(token)
