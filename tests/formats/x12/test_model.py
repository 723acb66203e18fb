"""A functional group keeps accepted transaction sets as compact runs, and gives every set back as received."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from translator.formats.x12.model import FunctionalGroup, TransactionSet


def _group() -> FunctionalGroup:
    return FunctionalGroup("SH", "ACME", "AMAZON", "20261123", "1430", "1", "004010", 2)


@st.composite
def _sets(draw: st.DrawFn) -> list[TransactionSet]:
    """Sets one after another in the file, mostly counting up from 0001, with the ways a run can break:
    a gap in the numbers or segments, another kind or width, letters, a set with errors, a NUL or newline."""
    out: list[TransactionSet] = []
    segment, number = 3, draw(st.integers(0, 12))
    for _ in range(draw(st.integers(0, 25))):
        how = draw(st.sampled_from(["next"] * 6 + ["gap", "skip-segments", "kind", "wide", "letters", "error",
                                                   "odd", "big"]))
        number += 2 if how == "gap" else 1
        segment += 5 if how == "skip-segments" else 0
        text = {"wide": f"{number:05d}", "letters": f"A{number:03d}", "odd": f"0\x00{number}\n"}.get(how, f"{number:04d}")
        count = 2 ** 33 if how == "big" else draw(st.integers(2, 40))
        ts = TransactionSet("810" if how == "kind" else "856", text, segment, count)
        if how == "error":
            ts.errors.append("5")
        out.append(ts)
        segment += count
    return out


@given(_sets())
def test_every_set_comes_back_in_file_order_as_received(sets: list[TransactionSet]) -> None:
    group = _group()
    for ts in sets:
        group.add(ts)
    assert group.sets == sets
    assert group.set_count == len(sets)


@given(_sets(), st.integers(0, 25))
def test_asking_for_the_sets_midway_changes_nothing(sets: list[TransactionSet], cut: int) -> None:
    group = _group()
    for ts in sets[:cut]:
        group.add(ts)
    assert group.sets == sets[:cut]
    for ts in sets[cut:]:
        group.add(ts)
    assert group.sets == sets


def test_a_hundred_thousand_counting_sets_cost_a_few_bytes_each() -> None:
    group = _group()
    segment = 3
    for number in range(1, 100_001):
        group.add(TransactionSet("856", f"{number:09d}", segment, 36))
        segment += 36
    assert group._run is not None and len(group._run.counts) == 100_000
    first, last = group.sets[0], group.sets[-1]
    assert (first.control_number, first.first_segment) == ("000000001", 3)
    assert (last.control_number, last.first_segment, last.segment_count) == ("000100000", 3 + 36 * 99_999, 36)
    assert len(group._log) < 400_000   # "856 NUL 000000001 NUL 3 NUL 36,36,..." : about 3 bytes a set
