"""Deterministic fault injection: the n-th API request meets the same fault for a given seed."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from translator.sandbox.config import FaultConfig


@dataclass(frozen=True)
class Fault:
    """The fault chosen for one request (kind None = none) and the latency to add."""
    kind: str | None  # None, "500", "429", "drop"
    delay: float = 0.0


class FaultPlan:
    """The seeded sequence of faults; request n gets the n-th decision."""
    def __init__(self, config: FaultConfig, seed: int) -> None:
        self._config = config
        self._seed = seed
        self._count = 0
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Restart the sequence (admin reset), so a rerun meets the same faults."""
        with self._lock:
            self._count = 0

    def next(self) -> Fault:
        """The fault for the next API request (counted in arrival order)."""
        cfg = self._config
        if not cfg.active:
            return Fault(None)
        with self._lock:
            self._count += 1
            rng = random.Random(f"fault:{self._seed}:{self._count}")
        delay = cfg.latency if rng.random() < cfg.latency_rate else 0.0
        roll = rng.random()
        for kind, rate in (("drop", cfg.drop), ("500", cfg.error_500), ("429", cfg.extra_429)):
            if roll < rate:
                return Fault(kind, delay)
            roll -= rate
        return Fault(None, delay)
