"""Hundred-nineteenth probe: a 422 of the service's own checks (``k`` above ``max_k``, an id
of only whitespace, a context key no model uses) named its field in words but gave
``loc: []`` in ``errors``, where FastAPI's own 422s carry the place; a list shorter than
``k`` (``/items/{id}/similar?k=N`` of an N-item catalog, ``k`` above a user's unseen items)
came back short without a word; a ``charset`` other than UTF-8 was ignored; a version given
as text (``set_current("als", "2")``) was refused without naming the number meant; a store
path holding some other file said only "cannot be opened, is locked or damaged"."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.embedding_store import (  # noqa: E402
    SQLITE_HEADER,
    StoreUnavailableError,
    open_store,
)
from recstack.serving.service import RequestLimitError  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

UNCHANGED = "file is not a database (the SQLite file cannot be opened, is locked or damaged)"


@pytest.fixture(scope="module")
def registry(tmp_path_factory, als, train):
    return publish(tmp_path_factory.mktemp("registry"), als, train)


@pytest.fixture(scope="module")
def http(registry):
    with client(settings(registry, max_k=100)) as test_client:
        yield test_client


def _locations(answer) -> list[list]:
    assert answer.status_code == 422, answer.text
    return [error["loc"] for error in answer.json()["errors"]]


# --------------------------------------------------------------------------- locations
def test_k_above_max_k_is_located_in_the_query_or_the_body(http, user):
    assert _locations(http.get(f"/users/{user}/recommendations?k=101")) == [["query", "k"]]
    assert _locations(http.post(f"/users/{user}/recommendations", json={"k": 101})) \
        == [["body", "k"]]
    assert _locations(http.get("/items/search?q=film&limit=0")) in ([["query", "limit"]],)


def test_an_id_of_whitespace_is_located_in_the_path(http, item):
    assert _locations(http.get("/users/%20/recommendations")) == [["path", "user_id"]]
    assert _locations(http.get("/items/%20/similar")) == [["path", "item_id"]]


def test_posted_ids_and_search_text_are_located_where_they_were_given(http, item):
    answer = http.post("/recommendations/new-user", json={"items": [item, " "], "k": 3})
    assert _locations(answer) == [["body", "items", 1]]
    assert _locations(http.get("/items/search?q=%20")) == [["query", "q"]]


def test_a_context_key_and_a_null_body_are_located_in_the_body(http, user):
    answer = http.post(f"/users/{user}/recommendations", json={"context": {"city": "x"}})
    assert _locations(answer) == [["body", "context", "city"]]
    answer = http.post(f"/users/{user}/recommendations", content=b"null",
                       headers={"content-type": "application/json"})
    assert _locations(answer) == [["body"]]
    assert _locations(http.get(f"/users/{user}/recommendations?timestamp=1")) \
        == [["query", "timestamp"]]


def test_the_python_error_carries_its_field(http, user):
    service = http.app.state.service
    with pytest.raises(RequestLimitError) as caught:
        service.recommend_user(user, 101)
    assert caught.value.field == "k"
    with pytest.raises(RequestLimitError) as caught:
        service.recommend_new(["x", "\t"], 3)
    assert caught.value.field == "items[1]"


# --------------------------------------------------------------------------- shortfall
def test_similar_items_of_a_whole_catalog_say_the_item_itself_is_left_out(http, als, item):
    n = len(als.items_.external_ids)
    body = http.get(f"/items/{item}/similar?k={n}").json()
    # by definition: every item but the item itself
    assert len(body["items"]) == n - 1
    assert body["shortfall"] == (f"{n - 1} items for k={n}: als@1 has {n} items, less the "
                                 "item itself")
    assert http.get(f"/items/{item}/similar?k={n - 1}").json()["shortfall"] is None


def test_k_above_a_users_unseen_items_says_the_seen_ones_are_left_out(http, als, train, user):
    n = len(als.items_.external_ids)
    frame = train.to_frame()
    seen = frame.loc[frame["user_id"].astype(str) == user, "item_id"].nunique()
    assert 0 < seen < n
    body = http.get(f"/users/{user}/recommendations?k={n}").json()
    assert len(body["items"]) == n - seen
    assert body["shortfall"] == (f"{n - seen} items for k={n}: als@1 has {n} items, less "
                                 f"the user's {seen} items seen")
    assert body["fallback"] is None  # the model's own list, shorter: no fallback
    whole = http.get(f"/users/{user}/recommendations?k={n}&exclude_seen=false").json()
    assert len(whole["items"]) == n and whole["shortfall"] is None
    posted = http.post(f"/users/{user}/recommendations", json={"k": n}).json()
    assert posted["shortfall"] == body["shortfall"]


def test_a_new_visitor_list_says_the_posted_items_are_left_out(http, als, item):
    n = len(als.items_.external_ids)
    body = http.post("/recommendations/new-user", json={"items": [item], "k": n}).json()
    assert len(body["items"]) == n - 1
    assert body["shortfall"] == (f"{n - 1} items for k={n}: als@1 has {n} items, less the "
                                 "1 item posted")
    assert http.post("/recommendations/new-user",
                     json={"items": [item], "k": 3}).json()["shortfall"] is None


# --------------------------------------------------------------------------- charset
@pytest.mark.parametrize("charset", ["utf-16", "iso-8859-1", "latin1", '"windows-1252"'])
def test_a_charset_other_than_utf8_is_refused_naming_the_header(http, user, charset):
    answer = http.post(f"/users/{user}/recommendations", content=b'{"k": 3}',
                       headers={"content-type": f"application/json; charset={charset}"})
    assert _locations(answer) == [["header", "content-type"]]
    message = answer.json()["message"]
    assert f"charset={charset.strip(chr(34))!r}" in message and "UTF-8" in message


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8", '"utf-8"', "us-ascii"])
def test_a_utf8_charset_is_read(http, user, charset):
    answer = http.post(f"/users/{user}/recommendations", content=b'{"k": 3}',
                       headers={"content-type": f"application/json; charset={charset}"})
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["items"]) == 3


# --------------------------------------------------------------------------- versions
@pytest.mark.parametrize(("given", "meant"), [("2", "text; give the number 2"),
                                              (2.0, "a float; give the number 2"),
                                              (np.float32(1.0), "a float; give the number 1")])
def test_a_version_as_text_or_a_whole_float_names_the_number_meant(registry, given, meant):
    with pytest.raises(ConfigError) as caught:
        registry.set_current("als", given)
    assert f"must be a whole number from 1 to 99999999, got {given!r}" in str(caught.value) \
        or "got 1.0" in str(caught.value)
    assert meant in str(caught.value)


@pytest.mark.parametrize("given", ["two", "0", 2.5, True])
def test_a_version_that_means_no_number_gets_no_suggestion(registry, given):
    with pytest.raises(ConfigError) as caught:
        registry.set_current("als", given)
    assert "give the number" not in str(caught.value)


# --------------------------------------------------------------------------- store files
@pytest.mark.parametrize(("content", "found"), [
    (b"user,vector\n" * 20, "text beginning 'user,vector'"),
    (b'{"user": [0.1, 0.2]}' * 3, "JSON text"),
    (gzip.compress(b"x" * 100), "gzip-compressed data"),
    (b"PAR1" + bytes(60), "a Parquet file"),
    (SQLITE_HEADER[:6], "only 6 bytes of an SQLite header"),
    (bytes([0xff, 0xfe, 0x00, 0x01]) * 10, "binary data beginning ff fe 00 01"),
], ids=["csv", "json", "gzip", "parquet", "short-header", "binary"])
def test_a_store_file_of_another_kind_says_what_it_holds(tmp_path, content, found):
    path = tmp_path / "vectors.db"
    path.write_bytes(content)
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(str(path))
    message = str(caught.value)
    assert UNCHANGED in message
    assert f"it holds {found}" in message and "not an SQLite database" in message
    assert path.read_bytes() == content  # nothing written over


def test_a_cut_short_sqlite_file_says_its_header_is_sqlites(tmp_path):
    path = tmp_path / "vectors.db"
    path.write_bytes(SQLITE_HEADER + bytes(84))
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(str(path)).get("user", ["1"])
    message = str(caught.value)
    assert "file is not a database" in message
    assert "begins with SQLite's header but its 100 bytes are not a whole database" in message


def test_a_two_stage_list_cut_to_its_candidates_says_so(tmp_path, train):
    pytest.importorskip("sklearn", reason="the two-stage model's ranker is scikit-learn's")
    from recstack.models import create_model

    model = create_model("two_stage", generators=[{"type": "most_popular"}],
                         ranker={"type": "logistic"}, n_candidates=15).fit(train)
    registry = publish(tmp_path / "registry", model, train, name="ts")
    user = str(model.users_.external_ids[0])
    with client(settings(registry)) as http:
        body = http.get(f"/users/{user}/recommendations?k=60").json()
        short = http.get(f"/users/{user}/recommendations?k=3").json()
    n = len(body["items"])
    assert n <= 15
    n_items = len(model.items_.external_ids)
    assert body["shortfall"].startswith(f"{n} items for k=60: ts@1 has {n_items} items")
    assert body["shortfall"].endswith("were not among the candidates its generators "
                                      "retrieved, or were dropped by a stage")
    assert short["shortfall"] is None
