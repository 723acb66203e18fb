"""Benchmark: EDIFACT inbound (DESADV) reader against a naive streaming split floor.

Usage: ``python benchmarks/edifact_inbound.py [--messages 5000 50000] [--dir DIR]``

For each size it writes a DESADV interchange (one message per shipment, ~22 segments each) to a
temporary file, then runs, each in a fresh subprocess so peak RSS is per job:

* ``floor``: chunked read + ``split("'")`` + ``split("+")`` (what any hand-written reader does,
  with no escaping, envelope checks or records);
* ``floor+dict``: the same plus a dict of ``TAGnn``/``TAGnn.m`` values per segment (no records,
  no escaping, no checks): the least any record-producing reader does;
* ``reader``: :class:`translator.formats.edifact.EdifactReader` with full envelope validation,
  ``track_messages=False`` (memory independent of size);
* ``reader+track``: the same keeping every message's status for a per-message CONTRL.

It prints wall and CPU seconds, segments per CPU second (CPU time, because the benchmark
machine is shared and wall time swings with other load), peak RSS (MB) and the ratio to the
floor's CPU time. This is a script, never a timed test.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHUNK = 1 << 20


def desadv_message(n: int) -> list[str]:
    """Segments of one DESADV (without UNH/UNT), two cartons, realistic values incl. escapes."""
    po = f"PO{n:08d}"
    return [f"BGM+351+ASN{n:09d}+9", "DTM+137:20241106:102", "DTM+11:202411061530:203", f"RFF+ON:{po}",
            "NAD+SF+WH-SEA1::92", "TDT+20++30+31+UPSN::ZZZ", "CPS+1", "CPS+2+1", "PAC+1++CT",
            "MEA+PD+AAB+KGM:1.25", f"GIN+BJ+1Z999AA1{n:010d}", "LIN+1++00012345678905:EN", "QTY+12:2:EA",
            "CPS+3+1", "PAC+1++CT", f"GIN+BJ+1Z999AB1{n:010d}", "LIN+2++04006381333931:EN", "QTY+12:1:EA",
            "FTX+AAI+++Fragile?: keep dry ?+ upright", "CNT+2:2"]


def generate(path: Path, messages: int) -> int:
    """Write the interchange; return its segment count (UNB..UNZ)."""
    segments = 2
    with open(path, "w", encoding="latin-1", newline="") as out:
        out.write("UNA:+.? 'UNB+UNOC:3+5412345000013:14+AMAZON-DF:ZZZ+241106:1600+BENCH1'\n")
        for n in range(1, messages + 1):
            body = desadv_message(n)
            ref = str(n)
            lines = [f"UNH+{ref}+DESADV:D:96A:UN:EAN005", *body, f"UNT+{len(body) + 2}+{ref}"]
            out.write("'\n".join(lines) + "'\n")
            segments += len(lines)
        out.write(f"UNZ+{messages}+BENCH1'\n")
    return segments


def run_floor(path: Path) -> int:
    count = 0
    tail = b""
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            pieces = (tail + chunk).split(b"'")
            tail = pieces.pop()
            for piece in pieces:
                elements = piece.decode("latin-1").strip().split("+")
                count += 1 if elements[0] else 0
    return count


def run_floor_dict(path: Path) -> int:
    """The naive floor plus what every reader must do: a dict of keyed values per segment."""
    count = 0
    tail = b""
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            pieces = (tail + chunk).split(b"'")
            tail = pieces.pop()
            for piece in pieces:
                elements = piece.decode("latin-1").strip().split("+")
                tag = elements[0]
                values = {}
                for n, element in enumerate(elements[1:], 1):
                    if ":" in element:
                        for m, comp in enumerate(element.split(":"), 1):
                            values[f"{tag}{n:02d}.{m}"] = comp
                    else:
                        values[f"{tag}{n:02d}"] = element
                count += 1 if tag else 0
    return count


def run_reader(path: Path, track: bool) -> int:
    from translator.formats.edifact import EdifactReader

    r = EdifactReader(path, track_messages=track)
    count = sum(1 for _ in r)
    if r.problems:
        raise SystemExit(f"unexpected problems: {r.problems[:3]}")
    return count + 3   # UNA is not a segment; UNB and UNZ are consumed by the reader


def child(job: str, path: Path) -> None:
    start, cpu_start = time.perf_counter(), time.process_time()
    if job == "floor":
        count = run_floor(path)
    elif job == "floor+dict":
        count = run_floor_dict(path)
    else:
        count = run_reader(path, track=job == "reader+track")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"job": job, "segments": count, "seconds": seconds, "cpu": cpu, "peak_mb": rss}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--child", nargs=2, metavar=("JOB", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        print(f"{'messages':>9} {'segments':>10} {'MB':>6}  {'job':<13} {'wall s':>7} {'cpu s':>7} "
              f"{'seg/cpu-s':>10} {'peak RSS MB':>11} {'x floor':>7}")
        for messages in args.messages:
            path = Path(tmp) / f"desadv_{messages}.edi"
            segments = generate(path, messages)
            size = path.stat().st_size / 1e6
            floor = None
            for job in ("floor", "floor+dict", "reader", "reader+track"):
                out = subprocess.run([sys.executable, __file__, "--child", job, str(path)], check=True,
                                     capture_output=True, text=True).stdout
                result = json.loads(out)
                floor = floor or result["cpu"]
                print(f"{messages:>9} {segments:>10} {size:>6.1f}  {job:<13} {result['seconds']:>7.2f} "
                      f"{result['cpu']:>7.2f} {segments / result['cpu']:>10,.0f} {result['peak_mb']:>11.1f} "
                      f"{result['cpu'] / floor:>7.2f}")


if __name__ == "__main__":
    main()
