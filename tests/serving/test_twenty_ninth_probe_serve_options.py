"""Twenty-ninth bad-input probe of ``recstack serve``'s options and ``/health``.

``--store x.txt`` (a plain path named like another kind of file, or with no extension)
created an SQLite database of that name and served from the empty store without a word;
``--config FILE`` with an unknown key said "field 'max_kk': Extra inputs are not
permitted", naming neither the file nor the near key; and ``/health`` said the store was
"unavailable" without saying why (the reason was only in the server's log)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.cli import main  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.embedding_store import SQLiteEmbeddingStore, open_store  # noqa: E402
from recstack.serving.settings import ServiceSettings, settings_from_options  # noqa: E402
from tests.serving.service_helpers import client, free_port, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def registry(tmp_path_factory, popular, train):
    return publish(tmp_path_factory.mktemp("twenty_ninth_serve") / "registry", popular, train,
                   name="pop")


@pytest.fixture
def not_started(monkeypatch):
    def started(*_args, **_kwargs):
        raise AssertionError("the server started")  # rather than block the test run

    monkeypatch.setattr("recstack.serving.app.serve", started)


def _serve(registry, *options):
    """``recstack serve`` with ``options``, on a free port (another test may hold 8000)."""
    return main(["serve", "--registry", registry.root, "--port", str(free_port()), *options])


# --------------------------------------------------------------------------- --store
@pytest.mark.parametrize(("name", "words"), [
    ("x.txt", "'.txt' is not an SQLite file's extension"),
    ("vectors.parquet", "'.parquet' is not an SQLite file's extension"),
    ("vectors", "it has no file extension"),
])
def test_a_new_store_named_like_another_kind_of_file_is_refused(tmp_path, name, words):
    location = str(tmp_path / name)
    with pytest.raises(ConfigError) as raised:
        open_store(location)
    assert str(raised.value) == (
        f"embedding store {location!r}: no such file, and {words}; give a new store a name "
        f"ending in .sqlite, .sqlite3 or .db (or write sqlite:///{location} to create an "
        "SQLite file of that name; redis://HOST:PORT/DB for Redis)")
    assert not (tmp_path / name).exists()


def test_recstack_serve_with_a_store_named_x_txt_exits_2_and_creates_nothing(
        tmp_path, registry, capsys, not_started):
    location = tmp_path / "x.txt"
    code = _serve(registry, "--store", str(location))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1, err
    assert f"embedding store {str(location)!r}: no such file, and '.txt' is not an SQLite " \
           "file's extension" in err
    assert not location.exists()


@pytest.mark.parametrize("name", ["vectors.sqlite", "vectors.SQLITE3", "vectors.db"])
def test_a_new_store_with_an_sqlite_name_is_still_created(tmp_path, name):
    open_store(tmp_path / name).close()
    assert (tmp_path / name).is_file()


def test_an_existing_store_and_an_sqlite_url_open_whatever_the_name(tmp_path):
    existing = tmp_path / "vectors.bin"
    SQLiteEmbeddingStore(existing).close()  # the class itself takes any name
    open_store(existing).close()
    open_store(f"sqlite:///{tmp_path / 'other.txt'}").close()
    assert (tmp_path / "other.txt").is_file()


# --------------------------------------------------------------------------- --config
def test_an_unknown_key_of_the_config_file_names_the_file_and_the_near_key(
        tmp_path, registry, capsys, not_started):
    config = tmp_path / "serve.json"
    config.write_text(json.dumps({"max_kk": 50}), encoding="utf-8")
    code = _serve(registry, "--config", str(config))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1, err
    assert err.strip() == (f"recstack: error: serve settings: --config {config}: field "
                           "'max_kk': not a setting of recstack serve (did you mean 'max_k'?)")


def test_an_unknown_key_of_a_variant_gets_the_near_variant_key(tmp_path):
    config = tmp_path / "serve.json"
    config.write_text(json.dumps({"variants": [{"name": "a", "model": "pop", "shar": 1}]}))
    with pytest.raises(ConfigError) as raised:
        settings_from_options(config, registry="models")
    assert (f"--config {config}: field 'variants.0.shar': not a setting of a variant (did "
            "you mean 'share'?)") in str(raised.value)


def test_an_unknown_key_with_no_near_one_lists_the_settings():
    with pytest.raises(ConfigError) as raised:
        ServiceSettings.create(registry="models", colour="blue")
    message = str(raised.value)
    assert message.startswith("serve settings: field 'colour': not a setting of recstack "
                              "serve; its settings are: registry, model, variants, ")
    assert "max_k" in message and "store" in message


def test_a_value_from_a_flag_is_not_blamed_on_the_config_file(tmp_path):
    config = tmp_path / "serve.json"
    config.write_text(json.dumps({"poll_seconds": 5, "max_k": 0}))
    with pytest.raises(ConfigError) as raised:
        settings_from_options(config, registry="models", poll_seconds=-1.0)
    message = str(raised.value)
    assert f"--config {config}: field 'max_k': Input should be greater than or equal to 1" \
        in message
    assert "; field 'poll_seconds': Input should be greater than 0" in message


# --------------------------------------------------------------------------- /health
def test_health_says_why_the_store_is_unavailable(tmp_path, registry):
    damaged = tmp_path / "vectors.db"
    damaged.write_text("user,vector\n" * 50)  # not an SQLite database
    with client(settings(registry, store=str(damaged))) as http:
        health = http.get("/health").json()
    assert health["status"] == "degraded" and health["store"] == "unavailable"
    assert health["store_error"] == (f"embedding store {damaged}: file is not a database "
                                     "(the SQLite file cannot be opened, is locked or "
                                     "damaged): it holds text beginning 'user,vector', not "
                                     "an SQLite database; give the path of an SQLite store "
                                     "(a new one is created where no file is)")


def test_health_has_no_store_error_when_the_store_is_ok_or_none(tmp_path, registry):
    with client(settings(registry, store=str(tmp_path / "vectors.sqlite"))) as http:
        working = http.get("/health").json()
    with client(settings(registry)) as http:
        none = http.get("/health").json()
    assert (working["store"], working["store_error"]) == ("ok", None)
    assert (none["store"], none["store_error"]) == ("none", None)
    assert working["status"] == none["status"] == "ok"


def test_a_store_file_removed_while_serving_is_an_outage_not_a_refused_request(
        tmp_path, als, train):
    # "vectors.bin" exists (damaged) at the start, so its name is taken: the store is down
    registry = publish(tmp_path / "registry", als, train)  # a model with user vectors
    damaged = tmp_path / "vectors.bin"
    damaged.write_text("not a database\n" * 50)
    user = str(als.users_.external_ids[0])
    with client(settings(registry, store=str(damaged), store_retry_seconds=0)) as http:
        damaged.unlink()  # the retry now finds no file, under a name SQLite does not use
        answer = http.get(f"/users/{user}/recommendations?k=3")
        health = http.get("/health").json()
    assert answer.status_code == 200, answer.text
    assert health["store"] == "unavailable"
    assert health["store_error"].startswith(f"embedding store {str(damaged)!r}: no such file")


# --------------------------------------------------------------------------- --items
@pytest.mark.parametrize(("text", "found"), [
    ("item_id,title\n", "it has no rows, only its header"),
    ("item_id,title\n1,\n2,\n", "none of its 2 items has a title"),
])
def test_an_items_file_without_a_title_is_refused_naming_it(tmp_path, registry, capsys,
                                                            not_started, text, found):
    items = tmp_path / "items.csv"
    items.write_text(text, encoding="utf-8")
    code = _serve(registry, "--items", str(items))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1, err
    assert err.strip() == (f"recstack: error: {items}: the items file gives no titles: "
                           f"{found} (expected a row per item with its item_id and title)")
