"""Store locations of an unknown URL scheme, NUL in stored ids, and a read-only store that
needs its untrimmed keys renamed (eightieth probe)."""
from __future__ import annotations

import os
import sqlite3

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving import embedding_store
from recstack.serving.embedding_store import SQLiteEmbeddingStore, open_store


@pytest.mark.parametrize("location", ["file:x.db", "postgresql:x.db", "s3:bucket/x.db",
                                      "HTTP:x.db"])
def test_a_location_of_an_unknown_url_scheme_is_refused_naming_the_schemes(
        tmp_path, monkeypatch, location):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"is not a store URL scheme.*sqlite:///PATH.*"
                                          r"redis://HOST:PORT/DB"):
        open_store(location)
    assert os.listdir(tmp_path) == []  # no file of any name was created


def test_an_existing_file_whose_name_has_a_colon_still_opens(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    SQLiteEmbeddingStore(tmp_path / "v1:x.db").close()
    open_store("v1:x.db").close()


def test_sqlite_url_of_a_name_starting_file_colon_creates_that_very_name(tmp_path,
                                                                         monkeypatch):
    # SQLite reads a name starting "file:" as its own URI: "file:x.db" opened "x.db"
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///file:x.db")
    store.put("item", [1], np.ones((1, 2)))
    store.close()
    assert sorted(name for name in os.listdir(tmp_path) if name.endswith(".db")) == \
        ["file:x.db"]


@pytest.mark.parametrize("ids", [["a\0b"], ["ok", "\0"], ["x\0"]])
def test_an_id_holding_nul_is_refused_by_put_naming_its_position(tmp_path, ids):
    store = open_store(tmp_path / "v.db")
    with pytest.raises(ConfigError, match=rf"user ids: the id at position {len(ids) - 1} "
                                          r".*NUL character"):
        store.put("user", ids, np.ones((len(ids), 2)))
    assert store.count("user") == 0
    store.close()


def test_a_lookup_of_an_id_holding_nul_finds_nothing(tmp_path):
    with open_store(tmp_path / "v.db") as store:
        store.put("user", ["ab"], np.ones((1, 2)))
        assert store.get("user", ["a\0b"])[1].tolist() == [False]


def test_untrimmed_keys_in_a_read_only_store_say_write_access_is_needed_once(
        tmp_path, monkeypatch):
    path = tmp_path / "v.db"
    with open_store(path) as store:
        store.put("user", ["a"], np.ones((1, 2)))
    db = sqlite3.connect(path)
    db.execute("UPDATE vectors SET id = 's: a'")
    db.commit()
    db.close()
    real = sqlite3.connect

    def read_only(name, **options):  # as a user without write access opens it
        return real(f"file:{os.path.abspath(name)}?mode=ro", uri=True, **options)

    monkeypatch.setattr(embedding_store.sqlite3, "connect", read_only)
    with pytest.raises(ConfigError, match=r"untrimmed text ids .*'s: a'.* opened with write "
                                          r"access; it is read-only here"):
        open_store(path)
    monkeypatch.undo()
    db = sqlite3.connect(path)
    assert db.execute("SELECT id FROM vectors").fetchall() == [("s: a",)]  # untouched
    db.close()
    with open_store(path) as store:  # with write access: renamed, and found
        assert store.get("user", ["a"])[1].tolist() == [True]


@pytest.mark.parametrize("location", [" vectors.db", "vectors.db ", "\tvectors.sqlite\n"])
def test_a_new_location_with_surrounding_whitespace_names_the_trimmed_one(
        tmp_path, monkeypatch, location):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"surrounding whitespace; did you mean "
                                          rf"'{location.strip()}'\?"):
        open_store(location)
    assert os.listdir(tmp_path) == []
