"""Leads-48 probe E: the HTTP API as a careless or hostile client uses it.

``POST /recommendations/new-user`` could not name the visitor (``Service.recommend_new``
takes ``user_id`` from Python, which assigns the A/B variant, applies the user's per-user
re-ranking rules and is logged): the body now takes ``user_id``, checked as every id is.
An input nested 800 deep (Python's JSON reader takes it) was a RecursionError while the
422 was encoded, a 500; a long key (an unknown field or query parameter, a key inside an
event) was repeated whole in every error, a 422 many times the size of the request.
The rest pins each class of bad input to a 4xx that names the field and what it takes.

Expected values are worked out here: arms from sha256 as ``recstack.serving.variants``
documents it, popularity from the training counts.
"""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
pytest.importorskip("implicit", reason="the service tests fit ALS, which needs implicit")

from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402

NEW_USER = "/recommendations/new-user"
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def registry(tmp_path_factory, train, als):
    # the serving conftest's shared data and ALS (its item and user fixtures name theirs)
    registry = ModelRegistry(tmp_path_factory.mktemp("registry"))
    registry.publish("als", als, data=train)
    return registry


def _client(registry, **values):
    from recstack.serving.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about its httpx-based client
        from fastapi.testclient import TestClient
    return TestClient(create_app(ServiceSettings.create(registry=str(registry.root),
                                                        **values)))


@pytest.fixture(scope="module")
def http(registry):
    with _client(registry) as opened:
        yield opened


def _errors(answer) -> dict[tuple, str]:
    assert answer.status_code == 422, answer.text
    return {tuple(error["loc"]): error["msg"] for error in answer.json()["errors"]}


def _arm(user_id: str, salt: str) -> str:
    # the documented hash: the first 8 bytes of sha256(salt:user) over 2**64, control
    # below its share of 0.5
    digest = hashlib.sha256(f"{salt}:{user_id}".encode()).digest()
    return "control" if int.from_bytes(digest[:8], "big") / 2**64 < 0.5 else "test"


# --------------------------------------------------------------------------- user_id
def test_a_named_visitor_is_served_by_the_arm_their_id_hashes_to(registry, item):
    variants = [{"name": "control", "model": "als", "share": 0.5},
                {"name": "test", "model": "als", "share": 0.5}]
    visitors = [f"visitor{i}" for i in range(30)]
    with _client(registry, variants=variants, variant_salt="e48") as http:
        bodies = [http.post(NEW_USER, json={"items": [item], "user_id": v}).json()
                  for v in visitors]
    expected = [_arm(v, "e48") for v in visitors]
    assert [b["variant"] for b in bodies] == expected
    assert set(expected) == {"control", "test"}  # both arms exercised
    assert [b["user_id"] for b in bodies] == visitors


def test_a_named_visitor_gets_their_own_block_list_and_nobody_else_does(registry, train):
    user0 = train.users.external_ids[0].item()
    seen = set(train.item_index[train.user_index == 0].tolist())
    counts = np.bincount(train.item_index, minlength=train.n_items)
    blocked = next(int(i) for i in np.argsort(-counts, kind="stable") if int(i) not in seen)
    blocked_id = str(train.items.external_ids[blocked])
    posted = [str(train.items.external_ids[i]) for i in range(train.n_items)
              if i != blocked][:2]
    chain = [{"type": "block_list", "per_user": [{"user": user0, "items": [int(blocked_id)]}]}]
    k = train.n_items - 2  # every item but the two posted
    with _client(registry, rerank=chain, candidates=40, max_k=100) as http:
        named = http.post(NEW_USER, json={"items": posted, "k": k, "user_id": str(user0)})
        anonymous = http.post(NEW_USER, json={"items": posted, "k": k})
    assert named.status_code == anonymous.status_code == 200, named.text
    named_ids = [i["item_id"] for i in named.json()["items"]]
    anonymous_ids = [i["item_id"] for i in anonymous.json()["items"]]
    assert blocked_id not in named_ids and len(named_ids) == k - 1
    assert blocked_id in anonymous_ids and len(anonymous_ids) == k


def test_a_visitors_id_is_trimmed_and_null_is_anonymous(http, item):
    assert http.post(NEW_USER, json={"items": [item], "user_id": " v7 "}).json()[
        "user_id"] == "v7"
    answer = http.post(NEW_USER, json={"items": [item], "user_id": None})
    assert answer.status_code == 200 and answer.json()["user_id"] is None


@pytest.mark.parametrize(("user_id", "said"), [
    (7, '"7", not the number 7'),
    ("", "the id is empty"),
    ("   ", "only whitespace"),
    ("u" * 129, "at most 128 characters"),
    ("a\nb", "control character"),
    (["7"], "not a list"),
])
def test_a_bad_visitor_id_is_refused_naming_the_field(http, item, user_id, said):
    errors = _errors(http.post(NEW_USER, json={"items": [item], "user_id": user_id}))
    assert said in errors[("body", "user_id")]


def test_a_user_id_posted_to_a_users_route_is_said_to_go_in_its_path(http, user):
    errors = _errors(http.post(f"/users/{user}/recommendations", json={"user_id": user}))
    assert errors[("body", "user_id")].endswith(
        "; user_id is given in the path here: POST /users/{user_id}/recommendations")


# --------------------------------------------------------------------------- echoes
@pytest.mark.parametrize("depth", [50, 800])
def test_an_input_nested_deeply_is_a_422_described_not_a_500(http, depth):
    nested_list = b'{"items": ' + b"[" * depth + b"]" * depth + b"}"
    answer = http.post(NEW_USER, content=nested_list, headers=JSON)
    (problem,) = answer.json()["detail"]
    assert answer.status_code == 422 and problem["loc"] == ["body", "items", 0]
    # three levels repeated, the fourth described
    assert problem["input"] == [[["(a list of 1 entry, nested too deeply to repeat here)"]]]
    nested_object = (b'{"items": ["1"], "context": ' + b'{"a": ' * depth + b"1"
                     + b"}" * depth + b"}")
    answer = http.post(NEW_USER, content=nested_object, headers=JSON)
    assert answer.status_code == 422
    assert "not an object" in _errors(answer)[("body", "context", "a")]


def test_a_long_unknown_field_is_named_by_its_start_and_length(http, item):
    answer = http.post(NEW_USER, json={"items": [item], "x" * 10_000: 1})
    short = "'" + "x" * 20 + "'... (10,000 characters)"
    assert "Unknown field of the body" in _errors(answer)[("body", short)]
    assert len(answer.content) < 2_000  # it was 30,439 bytes: the key three times


def test_a_long_unknown_query_parameter_is_named_by_its_start_and_length(http, user):
    answer = http.get(f"/users/{user}/recommendations?{'q' * 8_000}=1")
    assert "Unknown query parameter" in _errors(answer)[("query", "'" + "q" * 20 + "'... "
                                                         "(8,000 characters)")]
    assert len(answer.content) < 2_000


def test_a_long_key_inside_an_event_is_not_repeated_in_each_error(http):
    answer = http.post("/events", json={"events": [{"z" * 50_000: 1}]})
    errors = _errors(answer)
    assert {("body", "events", 0, field) for field in ("event", "user_id", "item_id",
                                                       "timestamp")} <= set(errors)
    # five errors each repeated the 50,000-character key: 351,337 bytes
    assert len(answer.content) < 6_000
    (key,) = answer.json()["detail"][0]["input"]
    assert key == "'" + "z" * 20 + "'... (50,000 characters)"


# --------------------------------------------------------------------------- each class
@pytest.mark.parametrize(("body", "where", "said"), [
    ({"k": "5"}, ("body", "k"), "whole number from 1 to 100 (this service's max_k), not the "
                                'text "5"'),
    ({"k": True}, ("body", "k"), "not a boolean"),
    ({"k": 5.5}, ("body", "k"), "whole number from 1 to 100 (this service's max_k), not the "
                                "number 5.5"),
    ({"k": 10**30}, ("body", "k"), "from 1 to 100 (this service's max_k), not the number "
                                   "1000000000000000000000000000000"),
    ({"k": -3}, ("body", "k"), "from 1 to 100 (this service's max_k), not the number -3"),
    ({"k": 0}, ("body", "k"), "from 1 to 100 (this service's max_k), not the number 0"),
    ({"kk": 3}, ("body", "kk"), "did you mean 'k'?"),
    ({"items": ["x" * 129]}, ("body", "items", 0), "at most 128 characters"),
    ({"items": []}, ("body", "items"), "a list of 1 to 500 item ids (this service's "
                                       "max_items), not an empty list"),
    ({"items": [str(i) for i in range(501)]}, ("body", "items"),
     "a list of 1 to 500 item ids (this service's max_items), not a list of 501"),
    ({"items": "42"}, ("body", "items"), 'a list of ids such as ["42"]'),
    ({"items": [42]}, ("body", "items", 0), '"42", not the number 42'),
    ({"items": [""]}, ("body", "items", 0), "the id is empty"),
])
def test_each_bad_field_is_a_422_naming_it_and_what_it_takes(http, item, body, where,
                                                              said):
    answer = http.post(NEW_USER, json={"items": [item], **body})
    assert said in _errors(answer)[where]


@pytest.mark.parametrize(("word", "field"), [("NaN", "k"), ("Infinity", "k"),
                                             ("-Infinity", "timestamp")])
def test_nan_and_infinity_are_said_to_be_no_json(http, item, word, field):
    body = f'{{"items": [{json.dumps(item)}], "{field}": {word}}}'.encode()
    message = _errors(http.post(NEW_USER, content=body, headers=JSON))[("body", field)]
    assert message.startswith(f"{word} is not JSON")


@pytest.mark.parametrize(("body", "headers", "said"), [
    (b'{"items": ["\xff"]}', JSON, "not UTF-8 text (byte 0xff at byte 13)"),
    ('{"items": ["1"]}'.encode("utf-16"), JSON, "UTF-16 text, not UTF-8"),
    (b'{"items": ["1"]}', {}, "(got no Content-Type header)"),
    (b'{"items": ["1"]}', {"content-type": "text/plain"}, "(got 'text/plain')"),
    (b'{"items": ["1"], "items": ["2"]}', JSON, "the key 'items' is given twice"),
])
def test_a_body_that_cannot_be_read_as_json_says_why(http, body, headers, said):
    answer = http.post(NEW_USER, content=body, headers=headers)
    assert answer.status_code == 422
    assert said in answer.json()["message"]


def test_an_item_posted_three_times_counts_once(http, item):
    once = http.post(NEW_USER, json={"items": [item], "k": 5}).json()
    thrice = http.post(NEW_USER, json={"items": [item, item, f" {item} "], "k": 5}).json()
    assert [i["item_id"] for i in thrice["items"]] == [i["item_id"] for i in once["items"]]
    assert item not in [i["item_id"] for i in thrice["items"]]
    assert thrice["unknown_items"] == []
