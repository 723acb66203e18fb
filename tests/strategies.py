"""Hypothesis strategies shared by the format and mapping tests.

``df_rows()`` draws DF-ish flat rows whose values are the ones that break naive translators:
EAN/UPC with leading zeros, money as decimal strings, and free text with EDI delimiters, CSV
quoting characters, line breaks and non-ASCII. Import it from any test package::

    from tests.strategies import df_rows, free_text
"""

from __future__ import annotations

from hypothesis import strategies as st

DF_COLUMNS = ("purchaseOrderNumber", "itemSequenceNumber", "vendorProductIdentifier", "quantity",
              "netCost", "title")

# The characters that are syntax somewhere: X12/EDIFACT delimiters and release, CSV quoting, newline.
TRICKY = "+:'?*~,\"\n"
FREE_TEXT_ALPHABET = st.one_of(
    st.sampled_from(TRICKY),
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="_\r\x85"),
)

po_numbers = st.from_regex(r"[A-Z0-9]{8}", fullmatch=True)
sequence_numbers = st.integers(1, 99).map(lambda n: f"{n:05d}")
product_ids = st.from_regex(r"0[0-9]{11,13}", fullmatch=True)
quantities = st.integers(0, 9999).map(str)
money = st.decimals(min_value=0, max_value=999999, places=2, allow_nan=False,
                    allow_infinity=False).map(lambda d: f"{d:.2f}")


def free_text(max_size: int = 40, newlines: bool = True) -> st.SearchStrategy[str]:
    """Text with EDI/CSV syntax characters and non-ASCII (no line breaks when ``newlines`` is False)."""
    text = st.text(FREE_TEXT_ALPHABET, max_size=max_size)
    if not newlines:
        text = text.map(lambda s: s.replace("\n", " "))
    return text


def df_rows(newlines: bool = True, trailing_spaces: bool = True) -> st.SearchStrategy[dict[str, str]]:
    """One flat DF line as ``{column: text}`` (columns in :data:`DF_COLUMNS` order)."""
    title = free_text(newlines=newlines)
    if not trailing_spaces:
        title = title.map(lambda s: s.rstrip(" "))
    return st.fixed_dictionaries({
        "purchaseOrderNumber": po_numbers,
        "itemSequenceNumber": sequence_numbers,
        "vendorProductIdentifier": product_ids,
        "quantity": quantities,
        "netCost": money,
        "title": title,
    })


# --- DF line records for the all-format round trip (tests/formats/test_roundtrip_all_formats.py) ---------

LINE_COLUMNS = ("purchaseOrderNumber", "itemSequenceNumber", "productIdQualifier", "vendorProductIdentifier",
                "quantity", "netCost", "currencyCode", "title")
# GTIN family with the leading zeros a spreadsheet or a float loses: UPC-A (12), EAN-13, GTIN-14, EAN-8.
upcs = st.from_regex(r"0{1,3}[0-9]{9,11}", fullmatch=True).filter(lambda s: len(s) == 12)
eans = st.from_regex(r"00[0-9]{11}", fullmatch=True)
gtins = st.one_of(upcs, eans, st.from_regex(r"0[0-9]{13}", fullmatch=True), st.from_regex(r"0[0-9]{7}", fullmatch=True))
# Money as decimal text: negative credits, whole amounts, 2 to 4 places, and values floats get wrong.
decimal_money = st.one_of(
    money,
    st.decimals(min_value=-9999, max_value=9999, places=4, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0.10", "0.30", "1.005", "-0.01", "100", "9999999999.99", "0.00"]),
)


def df_line_records(newlines: bool = True, trailing_spaces: bool = True) -> st.SearchStrategy[dict[str, str]]:
    """One DF line as ``{column: text}`` (columns in :data:`LINE_COLUMNS` order).

    Identifiers are GTINs with leading zeros; ``netCost`` is decimal text (never a float);
    ``title`` holds EDI delimiters, the release character, CSV quoting and non-ASCII.
    """
    title = free_text(newlines=newlines)
    if not trailing_spaces:
        title = title.map(lambda s: s.rstrip(" "))
    return st.fixed_dictionaries({
        "purchaseOrderNumber": po_numbers,
        "itemSequenceNumber": sequence_numbers,
        "productIdQualifier": st.sampled_from(["UP", "EN", "UK"]),
        "vendorProductIdentifier": gtins,
        "quantity": quantities,
        "netCost": decimal_money,
        "currencyCode": st.sampled_from(["EUR", "USD", "GBP"]),
        "title": title,
    })
