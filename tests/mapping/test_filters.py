"""The named transforms: explicit formats, Decimal money, no silent repair."""

from __future__ import annotations

import pytest

from translator.mapping import filters
from translator.mapping.filters import ValueProblem


def test_datetime_parses_with_the_declared_format_into_iso_utc() -> None:
    assert filters.to_datetime("20261123", "%Y%m%d") == "2026-11-23T00:00:00Z"
    assert filters.to_datetime("2026-11-23 14:30:00+0100", "%Y-%m-%d %H:%M:%S%z") == "2026-11-23T13:30:00Z"


def test_datetime_rejects_a_date_in_another_format_with_an_example() -> None:
    with pytest.raises(ValueProblem) as caught:
        filters.to_datetime("23/11/2026", "%Y-%m-%d")
    assert caught.value.code == "MAP-BAD-DATE"
    assert "2026-11-23" in caught.value.hint


def test_format_date_writes_api_dates_for_files() -> None:
    assert filters.format_date("2026-11-24T18:00:00Z", "%Y%m%d%H%M") == "202611241800"


def test_decimal_keeps_scale_and_never_rounds() -> None:
    assert filters.to_decimal("12.5", 2) == "12.50"
    assert filters.to_decimal("0.10") == "0.10"
    with pytest.raises(ValueProblem) as caught:
        filters.to_decimal("12.345", 2)
    assert caught.value.code == "MAP-DECIMAL-SCALE"


@pytest.mark.parametrize("text", ["1,000.00", "$12", "NaN", "abc"])
def test_decimal_rejects_what_is_not_a_plain_number(text: str) -> None:
    with pytest.raises(ValueProblem):
        filters.to_decimal(text, 2)


def test_implied_decimals_both_ways() -> None:
    assert filters.implied_decimal("3200", 2) == "32.00"
    assert filters.to_implied("32.00", 2) == "3200"


def test_whole_numbers_only() -> None:
    assert filters.whole("007") == "7"
    with pytest.raises(ValueProblem):
        filters.whole("1.5")


def test_zfill_and_pad_never_truncate() -> None:
    assert filters.zfill("12", 5) == "00012"
    assert filters.pad("AB", 4, align="right") == "  AB"
    with pytest.raises(ValueProblem):
        filters.pad("ABCDE", 4)


def test_order_code_is_00_when_every_line_is_00_else_the_first_rejection() -> None:
    assert filters.order_code(["00", "00"]) == "00"
    assert filters.order_code(["00", "03", "02"]) == "03"
    assert filters.order_code(["02", "00"]) == "02"


def test_total_adds_decimal_strings() -> None:
    assert filters.total(["1", "2", "0.5"]) == "3.5"


def test_boolean_words() -> None:
    assert filters.boolean("Yes") is True and filters.boolean("0") is False and filters.boolean("") == ""
    with pytest.raises(ValueProblem):
        filters.boolean("maybe")


def test_lookup_refuses_unknown_codes() -> None:
    lookup = filters.make_lookup({"units": [{"code": "EA", "api": "Each"}]})
    assert lookup("EA", "units", "code", "api") == "Each"
    with pytest.raises(ValueProblem) as caught:
        lookup("XX", "units", "code", "api")
    assert caught.value.code == "MAP-UNKNOWN-CODE" and caught.value.value == "XX"


def test_qualified_finds_the_value_after_its_qualifier() -> None:
    po1 = {"PO101": "1", "PO106": "BP", "PO107": "B00X", "PO108": "VN", "PO109": "0012"}
    assert filters.qualified(po1, "VN") == "0012"
    assert filters.qualified(po1, "BP") == "B00X"


def test_pluck_reads_keys_with_dots() -> None:
    assert filters.pluck([{"QTY": {"QTY01.2": "3"}}], "QTY", "QTY01.2") == ["3"]
