"""Regenerate the golden workbooks in this folder (run by hand; the tests only read them).

``accountant.xlsx`` holds what accountants do to a sheet: an extra sheet in front, blank rows above
and between, a header starting in column B, formulas with cached values, a date cell, a datetime
cell, Excel serial dates, a product identifier typed as a number, a title starting with ``=``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent
HEADER = ["PO", "UPC", "Qty", "Ship date", "Serial date", "Total", "Title"]


def make_accountant(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("Notes")
    notes.write_string(0, 0, "Shipments for week 47")
    sheet = book.add_worksheet("Shipments")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, name in enumerate(HEADER, start=1):
        sheet.write_string(2, col, name)
    sheet.write_string(3, 1, "2JK3S9VC")
    sheet.write_string(3, 2, "012345678905")
    sheet.write_number(3, 3, 2)
    sheet.write_datetime(3, 4, dt.datetime(2026, 11, 20), date_fmt)
    sheet.write_number(3, 5, 46346)
    sheet.write_formula(3, 6, "=D4*6.25", None, 12.5)
    sheet.write_string(3, 7, "=not a formula")
    sheet.write_string(5, 1, "2JK3S9VD")
    sheet.write_number(5, 2, 8806098286500)
    sheet.write_number(5, 3, 1.0)
    sheet.write_datetime(5, 4, dt.datetime(2026, 11, 21, 14, 30), stamp_fmt)
    sheet.write_number(5, 5, 46347.5)
    sheet.write_formula(5, 6, "=D6*6.25", None, 6.25)
    sheet.write_string(5, 7, '  Café ,"x"  ')
    book.close()


if __name__ == "__main__":
    make_accountant(HERE / "accountant.xlsx")
