"""Benchmark the tabular formats against their plain-library floors (not a test; run by hand).

    python benchmarks/formats_tabular.py [--rows 200000]

Each job runs in a fresh Python process, so its peak RSS (``ru_maxrss``) is its own. Time covers
the work only (imports and interpreter start excluded). Both wall and CPU seconds are printed; the
ratio uses CPU seconds because on a shared machine wall time mostly measures the neighbours. Floors, measured in the same run:

Every floor starts from the same per-row dict the "ours" jobs get (the hand-written flatten), so
the ratio is the cost of the format layer itself. Each job runs ``--repeat`` times (median seconds,
largest peak RSS), because the machine is shared and single runs are noisy.

* CSV write: ``csv.writer`` on the same rows; CSV read: ``csv.reader`` + ``dict(zip(header, row))``.
* XLSX write: xlsxwriter ``constant_memory`` with ``write_string`` per cell.
* XLSX read: python-calamine ``iter_rows`` + ``dict(zip(...))``.

The "ours" jobs go through ``translator.formats`` with Records, exactly as the mapping engine does.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

COLUMNS = ("purchaseOrderNumber", "itemSequenceNumber", "vendorProductIdentifier", "quantity", "netCost",
           "title", "sku", "shipDate")


def rows(count: int) -> Iterator[tuple[str, ...]]:
    """Deterministic DF-like rows: leading-zero UPCs, money text, titles with commas and quotes."""
    for n in range(count):
        yield (f"PO{n // 2:08d}", f"{n % 2 + 1:05d}", f"0{n:011d}", str(n % 7 + 1), f"{n % 997}.{n % 100:02d}",
               f'Mug, "blue" no. {n} – café', f"SKU-{n:06d}", "2026-11-20")


def csv_write_floor(folder: Path, count: int) -> None:
    with open(folder / "floor.csv", "w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(COLUMNS)
        for row in rows(count):
            out.writerow(dict(zip(COLUMNS, row, strict=True)).values())


def csv_write_ours(folder: Path, count: int) -> None:
    from translator.formats import delimited
    from translator.records import Record

    with open(folder / "ours.csv", "wb") as stream:
        writer = delimited.writer(stream, {"columns": list(COLUMNS)})
        for row in rows(count):
            writer.write(Record("row", dict(zip(COLUMNS, row, strict=True))))
        writer.close()


def csv_read_floor(folder: Path, count: int) -> None:
    with open(folder / "floor.csv", encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        n = sum(1 for row in reader if dict(zip(header, row, strict=False)))
    assert n == count, n


def csv_read_ours(folder: Path, count: int) -> None:
    from translator.formats import delimited

    reader = delimited.reader(folder / "floor.csv")
    n = sum(1 for _ in reader)
    assert n == count and not reader.problems, (n, reader.problems[:3])


def xlsx_write_floor(folder: Path, count: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(folder / "floor.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet()
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name)
    for r, row in enumerate(rows(count), start=1):
        for col, value in enumerate(dict(zip(COLUMNS, row, strict=True)).values()):
            sheet.write_string(r, col, value)
    book.close()


def xlsx_write_ours(folder: Path, count: int) -> None:
    from translator.formats import xlsx
    from translator.records import Record

    with open(folder / "ours.xlsx", "wb") as stream:
        writer = xlsx.writer(stream, {"columns": list(COLUMNS), "identifier_columns": ["vendorProductIdentifier"]})
        for row in rows(count):
            writer.write(Record("row", dict(zip(COLUMNS, row, strict=True))))
        writer.close()


def xlsx_read_floor(folder: Path, count: int) -> None:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(folder / "floor.xlsx"))
    rows_ = book.get_sheet_by_index(0).iter_rows()
    header = next(rows_)
    n = sum(1 for row in rows_ if dict(zip(header, row, strict=False)))
    assert n == count, n


def xlsx_read_ours(folder: Path, count: int) -> None:
    from translator.formats import xlsx

    reader = xlsx.reader(folder / "floor.xlsx", {"identifier_columns": ["vendorProductIdentifier"]})
    n = sum(1 for _ in reader)
    assert n == count and not reader.problems, (n, reader.problems[:3])


JOBS: dict[str, Callable[[Path, int], None]] = {f.__name__: f for f in (
    csv_write_floor, csv_write_ours, csv_read_floor, csv_read_ours,
    xlsx_write_floor, xlsx_write_ours, xlsx_read_floor, xlsx_read_ours)}
PAIRS = (("CSV write", "csv_write"), ("CSV read", "csv_read"), ("XLSX write", "xlsx_write"),
         ("XLSX read", "xlsx_read"))


def run_job(name: str, folder: Path, count: int) -> None:
    """Child process: import what the job needs, time the job, print seconds and peak RSS."""
    import translator.formats  # noqa: F401  (imports are not part of the measurement)

    start, cpu_start = time.perf_counter(), time.process_time()
    JOBS[name](folder, count)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb}))


def spawn(name: str, folder: Path, count: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--job", name, "--dir", str(folder), "--rows", str(count)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def summarise(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median seconds and the largest peak RSS over repeated runs."""
    return {"seconds": statistics.median(r["seconds"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="comma-separated job prefixes, e.g. csv_write,csv_read")
    parser.add_argument("--job", choices=sorted(JOBS))
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    if args.job:
        run_job(args.job, args.dir, args.rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        prefixes = tuple(args.only.split(",")) if args.only else ("",)
        for fmt in ("csv", "xlsx"):  # a read job needs the file its format's write floor makes
            if f"{fmt}_read" in prefixes and f"{fmt}_write" not in prefixes:
                spawn(f"{fmt}_write_floor", Path(tmp), args.rows)
        results = {name: summarise([spawn(name, Path(tmp), args.rows) for _ in range(args.repeat)])
                   for name in JOBS if name.startswith(prefixes)}
        sizes = {p.name: p.stat().st_size for p in Path(tmp).iterdir()}
    print(f"{args.rows:,} rows x {len(COLUMNS)} columns, median of {args.repeat}; files: "
          + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(sizes.items())))
    print(f"{'job':<11} {'floor wall':>10} {'ours wall':>9} {'floor cpu':>9} {'ours cpu':>8} {'cpu ratio':>9}"
          f" {'floor MB':>8} {'ours MB':>7}")
    for label, stem in PAIRS:
        if f"{stem}_floor" not in results:
            continue
        floor, ours = results[f"{stem}_floor"], results[f"{stem}_ours"]
        print(f"{label:<11} {floor['seconds']:10.2f} {ours['seconds']:9.2f} {floor['cpu']:9.2f} {ours['cpu']:8.2f}"
              f" {ours['cpu'] / floor['cpu']:9.2f} {floor['peak_mb']:8.0f} {ours['peak_mb']:7.0f}")

if __name__ == "__main__":
    main()
