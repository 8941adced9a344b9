"""An SQLite embedding store damaged on disk: cut short at any length (above 0 bytes: an
empty file is an empty SQLite database, which opens as a new store, as SQLite itself reads
it), or with text that is no longer UTF-8, is refused by name; a new path creates a store,
whoever opens it first, and leaves nothing beside it.

The store keeps everything in its one SQLite file (vectors, ids, their checksums and the
dimensions); its ``-wal`` and ``-shm`` files are SQLite's own, merged into it at every
``put`` and on closing.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.serving.embedding_store import (
    SQLiteEmbeddingStore,
    StoreUnavailableError,
    open_store,
)

VECTORS = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)


@pytest.fixture
def whole(tmp_path) -> bytes:
    """The bytes of a closed store holding the user vectors of "a" and "b"."""
    path = tmp_path / "whole.db"
    with open_store(str(path)) as store:
        store.put("user", ["a", "b"], VECTORS)
    return path.read_bytes()


def test_a_store_cut_short_at_any_length_is_refused_by_name(tmp_path, whole):
    page = int.from_bytes(whole[16:18], "big")
    for length in sorted({1, 15, 16, 50, 99, 100, page // 2, page - 1, len(whole) - 1}):
        path = tmp_path / f"cut-{length}.db"
        path.write_bytes(whole[:length])
        with pytest.raises(RecstackError, match=f"embedding store {path}: "):
            open_store(str(path)).get("user", ["a"])
        assert path.read_bytes() == whole[:length], length  # nothing written over


def test_a_new_path_still_creates_a_store_and_leaves_nothing_beside_it(tmp_path):
    path = tmp_path / "vectors.db"
    with open_store(str(path)) as store:
        assert store.count("user") == 0
        store.put("user", ["a", "b"], VECTORS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.db"]
    with open_store(str(path)) as store:
        found, present = store.get("user", ["a", "b", "c"])
    assert present.tolist() == [True, True, False]
    assert found[:2].tolist() == VECTORS.tolist()


def test_a_link_to_a_file_not_made_yet_creates_the_file_it_names(tmp_path):
    (tmp_path / "vectors.db").symlink_to(tmp_path / "real.db")
    with open_store(str(tmp_path / "vectors.db")) as store:
        store.put("item", [1], VECTORS[:1])
    assert (tmp_path / "vectors.db").is_symlink()
    with open_store(str(tmp_path / "real.db")) as store:
        assert store.get("item", [1])[1].tolist() == [True]


def test_openers_of_one_new_store_at_once_all_open_it(tmp_path):
    """Workers starting together on a store not made yet: none meets an empty file."""
    for round_number in range(10):
        path = tmp_path / f"new-{round_number}.db"
        start = threading.Barrier(6)
        failures: list[BaseException] = []

        def open_it(worker: int, path: Path = path, start: threading.Barrier = start,
                    failures: list[BaseException] = failures) -> None:
            start.wait()
            try:
                with SQLiteEmbeddingStore(path) as store:
                    store.put("user", [f"w{worker}"], VECTORS[:1])
            except BaseException as error:  # noqa: BLE001 (reported below)
                failures.append(error)

        workers = [threading.Thread(target=open_it, args=(n,)) for n in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert failures == []
        with SQLiteEmbeddingStore(path) as store:
            assert store.count("user") == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"new-{n}.db" for n in range(10)]


def test_a_store_whose_table_name_is_damaged_past_utf8_is_refused_by_name(tmp_path, whole):
    """A byte of a table's name in SQLite's own schema table turned into one that is no
    UTF-8 (the lead byte of three, with no continuation): sqlite3's bare UnicodeDecodeError
    came out of the opening, a traceback where the store is refused as damaged."""
    raw = bytearray(whole)
    at = raw.find(b"tabledimsdims")  # the schema's row: type, name, table name, ...
    assert at > 0
    raw[at + len(b"table")] = 0xE4
    path = tmp_path / "vectors.db"
    path.write_bytes(bytes(raw))
    with pytest.raises(StoreUnavailableError, match=f"embedding store {path}: damaged: it "
                                                    "holds text that is not UTF-8"):
        open_store(str(path)).get("user", ["a", "b"])
