"""Fixtures for the document schema and rule tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

# The clock the rules see in tests: after every date in the factories.
NOW = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def load_model(spapi_models_dir: Path):
    """Read an official model by file name (cached for the session)."""
    cache: dict[str, dict[str, Any]] = {}

    def load(name: str) -> dict[str, Any]:
        if name not in cache:
            cache[name] = json.loads((spapi_models_dir / name).read_text(encoding="utf-8"))
        return cache[name]

    return load
