"""Every API call the sandbox answered: for tests and benchmarks that count calls and spot repeats.

Bodies are never stored, only their SHA-256, so the log holds no personal data or secrets.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, defaultdict


class RequestLog:
    """Append-only call log plus per-operation status counters; thread-safe."""
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[dict] = []
        self.counters: dict[str, Counter] = defaultdict(Counter)

    def reset(self) -> None:
        """Forget every entry and counter."""
        with self._lock:
            self.entries = []
            self.counters = defaultdict(Counter)

    def record(self, method: str, path: str, status: int, operation: str | None, body: bytes) -> None:
        """Log one answered (or dropped, status 0) request."""
        entry = {"method": method, "path": path, "status": status, "operation": operation,
                 "bodySha256": hashlib.sha256(body).hexdigest() if body else None}
        with self._lock:
            entry["seq"] = len(self.entries) + 1
            self.entries.append(entry)
            self.counters[operation or "unmatched"][str(status)] += 1

    def snapshot(self) -> list[dict]:
        """A copy of the log, oldest first."""
        with self._lock:
            return [dict(e) for e in self.entries]

    def counter_snapshot(self) -> dict[str, dict]:
        """``{operation: {count, statuses}}``."""
        with self._lock:
            return {op: {"count": sum(c.values()), "statuses": dict(c)} for op, c in self.counters.items()}
