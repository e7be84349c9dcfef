"""Object rows' `seq` numbers, handed out from blocks reserved ahead.

`seq` orders a key's versions and identifies one (ACLs, tags and lifecycle's compare-and-delete
find a version by it), so a number is never handed out twice, even across a restart. Counting
up `s3_seq` in every write's transaction cost a statement and a dirty page per PUT; instead a
block of SEQ_BLOCK numbers is reserved in a transaction of its own, committed before any of
them is used: after a crash the stored value is past every number handed out (gaps are fine).

A reservation needs its own transaction, so it happens only where none is open (`reserve`,
called before a write begins); a write that finds the block used up counts up `s3_seq` in its
own transaction, as before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from pocketcloud.store import Store, Tx

SEQ_BLOCK = 1024
# max(): the stored value never falls behind a number handed out (even after `reset`)
_TAKE_SQL = "UPDATE s3_seq SET value = max(value, ?) + ? WHERE id = 1 RETURNING value"


@dataclass
class _Block:
    next: int = 1
    end: int = 0  # the last number reserved; the block is used up when next > end
    lock: threading.Lock = field(default_factory=threading.Lock)


_blocks: dict[int, _Block] = {}  # by id(store): stores live as long as the process


def _block(store: Store) -> _Block:
    found = _blocks.get(id(store))
    if found is None:
        found = _blocks.setdefault(id(store), _Block())
    return found


def reserve(store: Store) -> None:
    """Reserve a block if this store's is used up and no transaction is open on this thread."""
    block = _block(store)
    if block.next <= block.end or store.in_transaction:
        return
    with block.lock:
        if block.next > block.end:
            with store.write() as tx:
                end = int(tx.fetchvalue(_TAKE_SQL, (block.end, SEQ_BLOCK)))
            block.next, block.end = end - SEQ_BLOCK + 1, end


def next_seq(store: Store, tx: Tx) -> int:
    """A number larger than any handed out before, for a row written in `tx`."""
    block = _block(store)
    with block.lock:
        if block.next <= block.end:
            block.next += 1
            return block.next - 1
        # used up: counted in this transaction, so a rollback undoes the number with the row
        return int(tx.fetchvalue(_TAKE_SQL, (block.end, 1)))
