"""X12 inbound benchmark: our streaming reader (with envelope validation) against a plain-Python floor.

Generates 856 and 810 files for N orders into a temporary directory (by default the very files
``mapping_throughput.py`` maps: 856 Shipment/Order/Pack/Item and its 810; ``--layout oip`` gives the
older Order/Item/Pack 856 and 810 of this script), then runs, each in a fresh subprocess so peak RSS
is per job:

* ``floor``: read 1 MiB chunks, split on the segment terminator, split each segment on ``*`` (no
  records, no validation): the least any Python X12 reader can do;
* ``records``: the floor plus one Record (tag + values dict) per segment, no validation, no SourceRef;
* ``messages``: ``Reader.messages()`` to the end: one RawMessage (split segments) per transaction
  set with every envelope check, the form the mapping engine reads;
* ``reader``: the reader iterated to the end: Records (values dicts and SourceRefs) + envelope checks.

Usage: ``python benchmarks/x12_inbound.py [--orders 10000 100000] [--repeat 3] [--layout mapping|oip]
[--keep DIR]``. Two sizes show whether peak memory stays flat. Speed is measured here, never in the
test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHUNK = 1 << 20


def _isa(control: int) -> str:
    return (f"ISA*00*          *00*          *ZZ*ACMEVENDORDF   *ZZ*AMAZONDS       *261123*1430*U*00401*"
            f"{control:09d}*0*P*>~\n")


def _856(n: int) -> list[str]:
    po = f"PO{n:08d}"
    return [
        f"BSN*00*SHP{n:08d}*20261123*1415*ZZZZ", "DTM*011*20261123*1415*UT", "HL*1**O", f"PRF*{po}",
        "HL*2*1*I", f"LIN*1*SK*B0{n:08d}*UP*0{n:011d}", "SN1*1*2*EA", "HL*3*2*P", f"MAN*SM*PKG{n:08d}",
        "TD5**2*AMZL", f"REF*CN*TBA{n:012d}", "CTT*3",
    ]


def _810(n: int) -> list[str]:
    return [
        f"BIG*20261124*INV{n:08d}**PO{n:08d}", "CUR*SE*USD", "N1*SF**92*SDF4", "ITD*05*3*****30",
        f"IT1*1*2*EA*19.99**UP*0{n:011d}*VP*VND-{n}*PO*PO{n:08d}", "TDS*3998", "CTT*1",
    ]


def generate(path: Path, st01: str, orders: int) -> int:
    """Write one interchange with one group of ``orders`` sets; returns the segment count."""
    body = _856 if st01 == "856" else _810
    fid = "SH" if st01 == "856" else "IN"
    count = 4
    with open(path, "w", encoding="ascii", newline="\n") as out:
        out.write(_isa(1) + f"GS*{fid}*ACMEVENDORDF*AMAZONDS*20261123*1430*1*X*004010~\n")
        for n in range(1, orders + 1):
            segs = body(n)
            ctl = f"{n:09d}"
            text = "~\n".join([f"ST*{st01}*{ctl}", *segs, f"SE*{len(segs) + 2}*{ctl}"]) + "~\n"
            out.write(text)
            count += len(segs) + 2
        out.write(f"GE*{orders}*1~\nIEA*1*000000001~\n")
    return count


def run_floor(path: str) -> int:
    segments = 0
    rest = ""
    with open(path, encoding="utf-8") as f:
        while chunk := f.read(CHUNK):
            pieces = (rest + chunk).split("~\n")
            rest = pieces.pop()
            for seg in pieces:
                seg.split("*")
            segments += len(pieces)
    return segments


def run_records_floor(path: str) -> int:
    """The floor plus a Record per segment built the cheapest way (no validation, no SourceRef)."""
    from translator.records import Record

    new = object.__new__
    keytab: dict[str, list[str]] = {}
    segments = 0
    rest = ""
    with open(path, encoding="utf-8") as f:
        while chunk := f.read(CHUNK):
            pieces = (rest + chunk).split("~\n")
            rest = pieces.pop()
            for seg in pieces:
                parts = seg.split("*")
                tag = parts[0]
                keys = keytab.get(tag) or keytab.setdefault(tag, [tag] + [f"{tag}{i:02d}" for i in range(1, 100)])
                values = dict(zip(keys, parts, strict=False))
                del values[tag]
                rec = new(Record)
                rec.__dict__.update(tag=tag, values=values)
            segments += len(pieces)
    return segments


def run_messages(path: str) -> int:
    from translator.formats.x12 import reader

    r = reader(path)
    segments = 0
    for message in r.messages():
        segments += len(message.segments)
    assert not r.problems, r.problems[:3]
    assert segments == r.segment_count - 4, (segments, r.segment_count)   # all but ISA, GS, GE, IEA
    return r.segment_count


def run_reader(path: str) -> int:
    from translator.formats.x12 import reader

    r = reader(path)
    records = 0
    for _ in r:
        records += 1
    assert not r.problems, r.problems[:3]
    return r.segment_count


JOBS = {"floor": run_floor, "records": run_records_floor, "messages": run_messages, "reader": run_reader}


def child(job: str, path: str, repeat: int) -> None:
    """Best of ``repeat`` runs in CPU seconds (the machine is shared; wall time is printed too)."""
    if job != "floor":
        import translator.formats.x12  # noqa: F401  (import time is not parse time)
        import translator.records  # noqa: F401
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        segments = JOBS[job](path)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"segments": segments, "seconds": best_cpu, "wall": best_wall, "peak_mb": peak_mb}))


def measure(job: str, path: Path, repeat: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", job, str(path), str(repeat)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def _generate(layout: str, path: Path, st01: str, orders: int) -> None:
    if layout == "oip":
        generate(path, st01, orders)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from mapping_throughput import write_x12

    write_x12(path, st01, orders)


def _row(st01: str, orders: int, size: float, results: dict[str, dict]) -> str:
    floor = results["floor"]
    cells = [st01, f"{orders:,}", f"{floor['segments']:,}", f"{size:.0f}"]
    cells += [f"{r['segments'] / r['seconds']:,.0f}" for r in results.values()]
    cells += [f"{results[job]['seconds'] / floor['seconds']:.2f}x" for job in ("messages", "reader")]
    cells += [f"{r['peak_mb']:.0f}" for r in results.values()]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="write the generated files here and keep them")
    parser.add_argument("--repeat", type=int, default=3, help="runs per job; the best is reported")
    parser.add_argument("--layout", choices=("mapping", "oip"), default="mapping",
                        help="mapping: the files mapping_throughput.py maps; oip: Order/Item/Pack 856")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared); seg/s from best-of-{args.repeat} "
              f"CPU time; layout {args.layout}")
        print("| set | orders | segments | MB | floor seg/s | records floor seg/s | messages() seg/s | Records seg/s "
              "| messages/floor | Records/floor | floor peak MB | records floor peak MB | messages() peak MB "
              "| Records peak MB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for st01 in ("856", "810"):
            for orders in args.orders:
                path = folder / f"{st01}_{orders}.x12"
                _generate(args.layout, path, st01, orders)
                results = {job: measure(job, path, args.repeat) for job in JOBS}
                print(_row(st01, orders, os.path.getsize(path) / 1e6, results), flush=True)


if __name__ == "__main__":
    main()
