"""An SQLite embedding store cut inside its pages (a copy that stopped part-way, a disk
that filled): SQLite reads a database shorter than a page, or than the pages its header
counts, as an empty one. The store opened without a word, every id read as missing (the
service answered from the model's vectors, or as for a cold user, while the vectors were
in the file) and the next ``put`` wrote a new database over what was left. Now the
opening is a ``StoreUnavailableError`` saying the file is cut short and why (its size
against its page size, or the pages its header counts), and the file is left as it was;
a whole store still opens and reads as before."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.serving.embedding_store import (
    SQLiteEmbeddingStore,
    StoreUnavailableError,
    open_store,
)

VECTORS = np.arange(6, dtype=np.float32).reshape(2, 3)


@pytest.fixture
def whole(tmp_path):
    """The bytes of a closed store holding the user vectors of "a" and "b"."""
    path = tmp_path / "whole.db"
    store = open_store(str(path))
    store.put("user", ["a", "b"], VECTORS)
    store.close()  # the write-ahead log merged into the file
    data = path.read_bytes()
    page = int.from_bytes(data[16:18], "big")
    assert len(data) % page == 0 and len(data) >= page
    return data


def _refused(path, content: bytes) -> str:
    path.write_bytes(content)
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(str(path)).get("user", ["a"])
    assert path.read_bytes() == content  # nothing written over
    return str(caught.value)


def test_a_store_cut_inside_a_page_is_refused_not_read_as_empty(tmp_path, whole):
    page = int.from_bytes(whole[16:18], "big")
    path = tmp_path / "vectors.db"
    message = _refused(path, whole[:page // 2])
    assert message == (
        f"embedding store {path}: database disk image is malformed (the SQLite file cannot "
        "be opened, is locked or damaged: it begins with SQLite's header but its "
        f"{page // 2:,} bytes are not a whole database: its pages are {page:,} bytes each, "
        f"and {page // 2:,} is not a multiple of that; a copy cut short?); restore it, or "
        "give a new path for an empty store")


def test_a_store_cut_inside_its_header_says_so(tmp_path, whole):
    message = _refused(tmp_path / "vectors.db", whole[:50])
    assert "its 50 bytes are not a whole database: its header is 100 bytes" in message


def test_a_store_missing_pages_its_header_counts_is_refused(tmp_path, whole):
    page = int.from_bytes(whole[16:18], "big")
    counted = int.from_bytes(whole[28:32], "big")
    assert counted * page == len(whole)
    # one page longer than the file, as a header whose pages were not all copied says
    header = bytearray(whole[:page])
    header[28:32] = (counted + 3).to_bytes(4, "big")
    message = _refused(tmp_path / "vectors.db", bytes(header) + whole[page:])
    assert (f"its {len(whole):,} bytes are not a whole database: its header counts "
            f"{counted + 3:,} pages of {page:,} bytes") in message


def test_a_whole_store_and_an_empty_file_still_open(tmp_path, whole):
    path = tmp_path / "vectors.db"
    path.write_bytes(whole)
    vectors, found = open_store(str(path)).get("user", ["a", "b", "c"])
    assert found.tolist() == [True, True, False]
    assert vectors[:2].tolist() == VECTORS.tolist()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    store = SQLiteEmbeddingStore(empty)  # an empty file is a new store
    assert store.count("user") == 0
