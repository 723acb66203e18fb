"""The format registry: names map to modules lazily, unknown names are configuration errors."""

from __future__ import annotations

import pytest

from translator import formats
from translator.errors import ConfigError
from translator.formats import FORMAT_MODULES, get_format

TABULAR = ["csv", "xlsx", "fixed"]


@pytest.mark.parametrize("name", TABULAR)
def test_tabular_formats_expose_the_format_interface(name: str) -> None:
    module = get_format(name)
    for attribute in ("reader", "writer", "parse_options"):
        assert callable(getattr(module, attribute)), f"{name} lacks {attribute}"


def test_every_documented_format_name_is_registered() -> None:
    assert set(FORMAT_MODULES) == {"csv", "xlsx", "fixed", "x12", "edifact"}


def test_unknown_format_is_a_config_error_listing_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="known formats are: csv, xlsx, fixed, x12, edifact"):
        get_format("json")


def test_segment_formats_resolve_or_say_they_are_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "FORMAT_MODULES", {**FORMAT_MODULES, "x12": "no_such_module_here"})
    with pytest.raises(ConfigError, match="not available"):
        get_format("x12")
