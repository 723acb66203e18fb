"""Logging set-up for the engine's commands: plain lines for people, JSON lines for collectors."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the exception text if any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(json_logs: bool = False, verbose: bool = False, level: int = logging.INFO) -> None:
    """Attach one stderr handler to the ``translator`` logger (idempotent)."""
    logger = logging.getLogger("translator")
    for handler in list(logger.handlers):
        if getattr(handler, "_translator", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._translator = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if json_logs else logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else level)
