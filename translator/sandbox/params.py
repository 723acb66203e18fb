"""Query parameters of the list operations, checked the way Amazon checks them.

Both ``createdAfter`` and ``createdBefore`` are required ISO-8601 date-times; ``limit`` is 1..100;
shipping lists (labels, packing slips, customer invoices) accept at most a 7-day window
(model descriptions, DIGEST §1). ``nextToken`` is opaque: it encodes the offset and a digest of
the query it belongs to, so it cannot be replayed against another query.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from translator.sandbox.errors import invalid

MAX_WINDOW = timedelta(days=7)
PAGING_KEYS = ("nextToken", "limit")


def one(query: Mapping[str, list[str]], name: str) -> str | None:
    """The last value of query parameter ``name`` (``None`` when absent)."""
    values = query.get(name)
    return values[-1] if values else None


def parse_datetime(value: str, name: str) -> datetime:
    """ISO-8601 with a time; no zone means UTC (models: orderDate)."""
    text = value.strip()
    if "T" not in text:
        raise invalid(f"Invalid value for {name}.", f"{name} must be an ISO-8601 date-time, got {value!r}")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise invalid(f"Invalid value for {name}.", f"{name} must be an ISO-8601 date-time, got {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def window(query: Mapping[str, list[str]], max_window: timedelta | None) -> tuple[datetime, datetime]:
    """``(createdAfter, createdBefore)`` or a 400 naming what is wrong."""
    bounds = []
    for name in ("createdAfter", "createdBefore"):
        raw = one(query, name)
        if raw is None or raw == "":
            raise invalid(f"Missing required parameter {name}.", "createdAfter and createdBefore are both required")
        bounds.append(parse_datetime(raw, name))
    after, before = bounds
    if after >= before:
        raise invalid("createdAfter must be before createdBefore.")
    if max_window is not None and before - after > max_window:
        raise invalid("The date range must not be more than 7 days.", f"{after.isoformat()} to {before.isoformat()}")
    return after, before


def limit(query: Mapping[str, list[str]], default: int) -> int:
    """The page size: ``default`` when absent, else an integer from 1 to 100."""
    raw = one(query, "limit")
    if raw is None:
        return default
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 100:
        raise invalid("Invalid value for limit.", f"limit must be an integer from 1 to 100, got {raw!r}")
    return int(raw)


def choice(query: Mapping[str, list[str]], name: str, allowed: Sequence[str], default: str | None) -> str | None:
    """An enum-valued parameter: one of ``allowed`` (case-sensitive, as in the models)."""
    raw = one(query, name)
    if raw is None:
        return default
    if raw not in allowed:
        raise invalid(f"Invalid value for {name}.", f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


def _query_digest(query: Mapping[str, list[str]]) -> str:
    kept = sorted((k, v) for k, vs in query.items() if k not in PAGING_KEYS for v in vs)
    return hashlib.sha256(json.dumps(kept).encode()).hexdigest()[:12]


def offset(query: Mapping[str, list[str]]) -> int:
    """Where this page starts; a token from another query is refused."""
    token = one(query, "nextToken")
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        start, digest = int(data["o"]), str(data["q"])
    except (ValueError, KeyError, TypeError, UnicodeEncodeError):
        raise invalid("Invalid value for nextToken.") from None
    if digest != _query_digest(query):
        raise invalid("Invalid value for nextToken.", "nextToken belongs to a different query")
    return start


def page(query: Mapping[str, list[str]], rows: Sequence[Any], default_limit: int) -> tuple[list[Any], str | None]:
    """Slice ``rows`` for this request; the nextToken for the rest, if any."""
    size = limit(query, default_limit)
    start = offset(query)
    chunk = list(rows[start:start + size])
    if start + size >= len(rows):
        return chunk, None
    raw = json.dumps({"o": start + size, "q": _query_digest(query)}).encode()
    return chunk, base64.urlsafe_b64encode(raw).decode("ascii")
