"""Periodic tasks for ``translator run``, driven by an injected monotonic clock.

The service is one loop that asks each task "are you due?"; a test hands in a fake clock and proves
the schedule without sleeping. A task's next run is counted from when its last run *ended*, so a slow
pull never queues up a backlog of pulls behind it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("translator.service")


@dataclass
class Every:
    """Run ``action`` every ``interval`` seconds; the first run is immediate unless ``start_now`` is false."""

    name: str
    interval: float
    action: Callable[[], Any]
    clock: Callable[[], float] = time.monotonic
    start_now: bool = True
    runs: int = 0
    next_at: float = field(init=False)

    def __post_init__(self) -> None:
        self.next_at = self.clock() if self.start_now else self.clock() + self.interval

    def due(self) -> bool:
        return self.clock() >= self.next_at

    def seconds_left(self) -> float:
        return max(0.0, self.next_at - self.clock())

    def run_if_due(self) -> bool:
        """Run once if due; failures are the action's business (the service wraps each one)."""
        if not self.due():
            return False
        try:
            self.action()
        finally:
            self.runs += 1
            self.next_at = self.clock() + self.interval
        return True
