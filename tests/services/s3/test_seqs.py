"""Version order numbers (services/s3/seqs.py): reserved in committed blocks ahead of use, so
none is handed out twice, within a process or after a restart, whatever rolls back."""

from __future__ import annotations

from pathlib import Path

import pytest

from pocketcloud.services.s3.schema import SCHEMA
from pocketcloud.services.s3.seqs import SEQ_BLOCK, next_seq, reserve
from pocketcloud.store import Store


def _store(path: Path) -> Store:
    store = Store(path)
    store.ensure_schema("s3", SCHEMA)
    return store


def _stored(store: Store) -> int:
    return int(store.read_value("SELECT value FROM s3_seq WHERE id = 1"))


def test_numbers_grow_across_rollbacks_restarts_and_used_up_blocks(tmp_path: Path) -> None:
    store = _store(tmp_path / "a")
    handed: list[int] = []
    reserve(store)
    assert _stored(store) == SEQ_BLOCK  # committed before any number is used
    with pytest.raises(RuntimeError), store.write() as tx:
        handed.append(next_seq(store, tx))
        raise RuntimeError("rolled back: the number is simply skipped")
    for _ in range(SEQ_BLOCK + 5):  # past the block, inside transactions: counted in them
        with store.write() as tx:
            handed.append(next_seq(store, tx))
    with pytest.raises(RuntimeError), store.write() as tx:
        handed.append(next_seq(store, tx))  # a number counted in a rolled-back write
        raise RuntimeError("rolled back")
    with store.write() as tx:
        reserve(store)  # inside a transaction: no block is reserved (it would roll back)
        handed.append(next_seq(store, tx))
    store.close()  # as after kill -9: the block in memory is gone
    again = _store(tmp_path / "a")
    reserve(again)
    with again.write() as tx:
        first_after_restart = next_seq(again, tx)
    assert handed == sorted(handed)
    committed = handed[:-2] + handed[-1:]  # the rolled-back in-transaction number may repeat
    assert len(set(committed)) == len(committed)
    assert first_after_restart > max(handed)
    again.close()


def test_a_reset_store_never_hands_out_a_number_twice(tmp_path: Path) -> None:
    store = _store(tmp_path / "b")
    reserve(store)
    with store.write() as tx:
        before = next_seq(store, tx)
    store.wipe()  # `pocketcloud reset`: s3_seq starts again at 0, the block in memory does not
    numbers = []
    for _ in range(2 * SEQ_BLOCK):
        reserve(store)
        with store.write() as tx:
            numbers.append(next_seq(store, tx))
    assert numbers == sorted(set(numbers)) and numbers[0] > before
    assert _stored(store) >= numbers[-1]
    store.close()


def test_a_write_without_a_number_counts_one_past_every_block(tmp_path: Path) -> None:
    from pocketcloud.services.s3.rows import ObjectRow, write_version

    store = _store(tmp_path / "c")
    reserve(store)
    with store.write() as tx:
        handed = next_seq(store, tx)
        write_version(tx, "bucket", "", ObjectRow(key="k", seq=handed))
    row = ObjectRow(key="k")  # a caller that forgot seqs.next_seq still gets a fresh number
    with store.write() as tx:
        write_version(tx, "bucket", "", row)
    assert row.seq > SEQ_BLOCK >= handed
    store.close()
