"""XLSX: read with python-calamine, write with xlsxwriter in constant-memory mode.

Reading takes the sheet named (or 0-based index) by ``sheet``; by default the first sheet whose
first non-blank row is a header (naming one of ``columns`` when given) followed by data. It
tolerates what accountants do to a workbook: extra sheets, blank rows, a header that does
not start in A1, formulas (calamine hands us the cached value), dates as date cells or as Excel
serial numbers (in ``date_columns``). What it never does is guess: a product identifier that Excel
turned into a number is a Problem (``XLSX-IDENTIFIER-AS-NUMBER``), because its leading zeros may
already be gone. Numbers become exact decimal text (``5.0`` -> ``"5"``, ``12.5`` -> ``"12.5"``),
never scientific notation. Date and datetime cells become ISO text.

The workbook is checked as a zip before calamine sees it (total uncompressed size and
compression ratio), so a zip bomb disguised as .xlsx is refused up front; calamine itself refuses
XML entities. calamine parses one whole sheet into memory: XLSX input is the one format that is
not constant-memory (the benchmark reports what it uses).

Writing: text (identifiers included) always goes through ``write_string``, so a title starting with
``=`` stays text. Only ``number_columns`` / ``money_columns`` become numbers and only
``date_columns`` become date cells. The header is bold, frozen and filtered, and column widths come
from the header and the first rows.
"""

from __future__ import annotations

from translator.formats.xlsx.cells import cell_text, excel_display, iso_text, number_text, serial_to_iso
from translator.formats.xlsx.options import XlsxOptions, parse_options
from translator.formats.xlsx.reader import XlsxReader, reader, unreadable, zip_problem
from translator.formats.xlsx.writer import XlsxWriter, writer

__all__ = [
    "XlsxOptions", "XlsxReader", "XlsxWriter", "cell_text", "excel_display", "iso_text", "number_text",
    "parse_options", "reader", "serial_to_iso", "unreadable", "writer", "zip_problem",
]
