"""Hundred-eighty-ninth probe: an SQLite embedding store used after ``close()`` (or after
the ``with`` block that opened it) answered every call with "Cannot operate on a closed
database. (the SQLite file cannot be opened, is locked or damaged)": an outage of a file
that is sound. It now says that the store is closed and how to open it again; the file
opens again with what was written."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.serving.embedding_store import StoreUnavailableError, open_store


@pytest.mark.parametrize("call", ["get", "put", "dim", "count", "delete"])
def test_a_closed_store_says_it_is_closed(tmp_path, call):
    path = tmp_path / "vectors.sqlite"
    with open_store(path) as store:
        store.put("user", ["u1", "u2"], np.array([[1.0, 2.0], [3.0, 4.0]]))
    arguments = {"get": ("user", ["u1"]), "put": ("user", ["u3"], np.ones((1, 2))),
                 "dim": ("user",), "count": ("user",), "delete": ("user", ["u1"])}[call]
    expected = (f"embedding store {path} is closed (its close() was called, or the with "
                f"block that opened it ended); open it again with open_store('{path}')")
    with pytest.raises(StoreUnavailableError, match=f"^{re.escape(expected)}$"):
        getattr(store, call)(*arguments)
    with open_store(path) as again:  # nothing was lost: the file is sound
        vectors, found = again.get("user", ["u1", "u2"])
    assert found.tolist() == [True, True]
    np.testing.assert_array_equal(vectors, [[1.0, 2.0], [3.0, 4.0]])


def test_a_store_closed_twice_is_no_error(tmp_path):
    store = open_store(tmp_path / "vectors.sqlite")
    store.close()
    store.close()
