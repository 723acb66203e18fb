"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's credentials and settings out of every test."""
    for key in list(os.environ):
        if key.startswith(("LWA_", "SP_API_", "TRANSLATOR_", "SPAPI_")):
            monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def spapi_models_dir() -> Path:
    """``../shared/spapi-models``; tests may skip without it, except under CI=true where it must exist."""
    path = SHARED_DIR / "spapi-models"
    if not path.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI must run with ../shared beside the checkout")
        pytest.skip("../shared/spapi-models is not beside this checkout")
    return path
