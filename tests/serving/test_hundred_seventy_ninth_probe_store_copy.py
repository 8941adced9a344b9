"""The SQLite embedding store's file holds every ``put`` and ``delete`` once the call
returns: the store runs in WAL mode, and the file copied while the store was open (a
backup that takes ``store.sqlite`` and not ``store.sqlite-wal``) read as an empty or older
store, with no error. Each write now ends with a checkpoint."""

from __future__ import annotations

import shutil

import numpy as np

from recstack.serving.embedding_store import SQLiteEmbeddingStore


def _copy_of_the_file_alone(store, tmp_path, name):
    copy = tmp_path / name
    shutil.copyfile(store.path, copy)  # the -wal and -shm files are left behind
    return SQLiteEmbeddingStore(copy)


def test_the_file_copied_while_open_holds_every_put(tmp_path):
    store = SQLiteEmbeddingStore(tmp_path / "store.sqlite")
    try:
        store.put("item", ["a", "b"], np.array([[1, 2], [3, 4]], dtype=np.float32))
        store.put("user", [7], np.array([[0.5, -1.5, 2.0]], dtype=np.float32))
        store.put("item", ["b"], np.array([[9, 8]], dtype=np.float32))  # replaces b
        copy = _copy_of_the_file_alone(store, tmp_path, "copy.sqlite")
        try:
            assert copy.count("item") == 2 and copy.count("user") == 1
            vectors, found = copy.get("item", ["a", "b"])
            assert found.tolist() == [True, True]
            assert vectors.tolist() == [[1.0, 2.0], [9.0, 8.0]]
            users, _ = copy.get("user", [7])
            assert users.tolist() == [[0.5, -1.5, 2.0]]
        finally:
            copy.close()
    finally:
        store.close()


def test_the_file_copied_while_open_holds_a_delete(tmp_path):
    store = SQLiteEmbeddingStore(tmp_path / "store.sqlite")
    try:
        store.put("item", ["a", "b"], np.array([[1, 2], [3, 4]], dtype=np.float32))
        first = _copy_of_the_file_alone(store, tmp_path, "first.sqlite")
        first.close()
        store.delete("item", ["a"])
        copy = _copy_of_the_file_alone(store, tmp_path, "copy.sqlite")
        try:
            assert copy.count("item") == 1
            _, found = copy.get("item", ["a", "b"])
            assert found.tolist() == [False, True]
        finally:
            copy.close()
    finally:
        store.close()
