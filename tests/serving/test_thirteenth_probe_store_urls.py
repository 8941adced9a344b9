"""Thirteenth bad-input probe of the embedding store: a store URL with its slashes left out
or misspelt ("sqlite:vectors.db", "redis:localhost:6379") was opened as an SQLite file of
that literal name in the working folder, and a service started on it served from an empty
store as if all were well."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.serving.embedding_store import SQLiteEmbeddingStore, open_store


@pytest.mark.parametrize(("location", "form"), [
    ("sqlite:vectors.db", "sqlite:///PATH"),
    ("sqlite:", "sqlite:///PATH"),
    ("sqlite:/vectors.db", "sqlite:///PATH"),
    ("SQLite:vectors.db", "sqlite:///PATH"),
    ("redis:localhost:6379", "redis://HOST:PORT/DB"),
    ("rediss:cache.example.com", "rediss://HOST:PORT/DB"),
])
def test_a_url_without_its_slashes_is_refused_not_made_a_file(location, form, tmp_path,
                                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        open_store(location)
    message = str(caught.value)
    assert repr(location) in message
    assert form in message
    assert list(tmp_path.iterdir()) == []  # before: a file named after the whole text


def test_plain_paths_still_open_an_sqlite_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # a name that only contains a colon later on is a file name, as before
    for location in ("vectors.sqlite", "data:v1.sqlite", f"sqlite:///{tmp_path}/v.sqlite"):
        with open_store(location) as store:
            assert isinstance(store, SQLiteEmbeddingStore)


def test_the_service_refuses_to_start_on_such_a_store(tmp_path, als, train, monkeypatch):
    pytest.importorskip("fastapi", reason="the service tests need the serving extra")
    from tests.serving.service_helpers import client, publish, settings

    registry = publish(tmp_path / "registry", als, train)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"embedding store 'sqlite:vectors\.db': a sqlite "
                                          r"URL is written sqlite:///PATH"):
        with client(settings(registry, store="sqlite:vectors.db")):
            pass
    assert not (tmp_path / "sqlite:vectors.db").exists()
