"""The store's schema and transitions, control numbers, and the atomic file helpers."""

from __future__ import annotations

import os

import pytest

from translator.engine.store import MIGRATIONS, Store, StoreControlNumbers
from translator.fileio import atomic_open, atomic_write, claim, is_temporary_name


def test_schema_is_versioned_and_migration_is_idempotent(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.schema_version() == len(MIGRATIONS)
    with Store(tmp_path / "s.db") as store:
        assert store.schema_version() == len(MIGRATIONS)


def test_control_numbers_persist_per_partner_and_level(tmp_path):
    with Store(tmp_path / "s.db") as store:
        numbers = StoreControlNumbers(store)
        assert [numbers.next("erp", "interchange"), numbers.next("erp", "interchange")] == [1, 2]
        assert numbers.next("other", "interchange") == 1
    with Store(tmp_path / "s.db") as store:
        assert StoreControlNumbers(store).next("erp", "interchange") == 3


def test_a_failed_transaction_block_leaves_nothing_behind(tmp_path):
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError), store.transaction() as db:
            store.set_meta("k", "v", db)
            raise RuntimeError("crash")
        assert store.get_meta("k") is None


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.csv"
    atomic_write(target, "a,b\n")
    atomic_write(target, b"c,d\n")
    assert target.read_bytes() == b"c,d\n"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_atomic_open_keeps_old_content_when_writing_fails(tmp_path):
    target = tmp_path / "out.csv"
    atomic_write(target, "old")
    with pytest.raises(ValueError), atomic_open(target) as stream:
        stream.write(b"half")
        raise ValueError("disk full")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_claim_moves_once_and_a_second_claim_gets_nothing(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("x")
    work = tmp_path / "work"
    assert claim(source, work) == work / "in.csv"
    assert claim(source, work) is None


def test_temporary_names_are_recognised():
    assert all(is_temporary_name(n) for n in (".hidden", "~$book.xlsx", "a.csv.part", "b.tmp"))
    assert not is_temporary_name("acks.csv")
