"""The XLSX format options, checked once when a mapping is loaded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from translator.errors import MappingError
from translator.formats import check_option_keys, string_list

OPTION_KEYS = {"sheet", "columns", "identifier_columns", "number_columns", "money_columns",
               "date_columns", "max_uncompressed_bytes", "max_compression_ratio", "width_sample_rows",
               "max_column_width"}


@dataclass(frozen=True)
class XlsxOptions:
    """Validated XLSX options."""

    sheet: str | int | None = None
    columns: tuple[str, ...] = ()
    identifier_columns: tuple[str, ...] = ()
    number_columns: tuple[str, ...] = ()
    money_columns: tuple[str, ...] = ()
    date_columns: tuple[str, ...] = ()
    max_uncompressed_bytes: int = 2 << 30
    max_compression_ratio: int = 200
    width_sample_rows: int = 100
    max_column_width: int = 60


def parse_options(raw: Mapping[str, Any] | None) -> XlsxOptions:
    """Validate the mapping's XLSX options; MappingError names the bad key."""
    raw = check_option_keys(raw, OPTION_KEYS, "xlsx")
    for key in ("columns", "identifier_columns", "number_columns", "money_columns", "date_columns"):
        raw[key] = string_list(raw, key, "xlsx")
    sheet = raw.get("sheet")
    if sheet is not None and not isinstance(sheet, str | int):
        raise MappingError("xlsx option sheet must be a sheet name or a 0-based index", key="sheet")
    for key in ("max_uncompressed_bytes", "max_compression_ratio", "width_sample_rows", "max_column_width"):
        if key in raw and (not isinstance(raw[key], int) or raw[key] <= 0):
            raise MappingError(f"xlsx option {key} must be a positive whole number", key=key)
    return XlsxOptions(**raw)
