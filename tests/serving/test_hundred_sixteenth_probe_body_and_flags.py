"""Hundred-sixteenth probe: two rules of what a request may be written as.

A JSON body in UTF-16 or UTF-32 (``json.loads`` of bytes guesses them from the NUL bytes)
was read, while JSON exchanged between systems must be UTF-8 (RFC 8259, section 8.1): it is
a 422 naming the body and the encoding. A UTF-8 byte order mark is still ignored, which the
RFC allows.

A query's boolean (``?exclude_seen=``) was refused saying "write true or false (or 1 or
0)", while ``yes``, ``TRUE``, ``on`` and ``t`` were read as true: the refusal states the
whole rule, and each word it names is read as it says."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("h116") / "registry", als, train)
    with client(settings(registry)) as test_client:
        yield test_client


@pytest.mark.parametrize("encoding, name", [
    ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),
    ("utf-32", "UTF-32"), ("utf-32-le", "UTF-32")])
def test_a_body_not_in_utf8_is_refused_naming_its_encoding(http, user, item, encoding, name):
    for path, body in ((f"/users/{user}/recommendations", {"k": 3}),
                       ("/recommendations/new-user", {"items": [item]})):
        answer = http.post(path, content=json.dumps(body).encode(encoding), headers=JSON)
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        assert problem["message"] == (
            f"body: JSON decode error: the body is {name} text, not UTF-8 (JSON exchanged "
            "between systems is UTF-8, RFC 8259 section 8.1); send it encoded as UTF-8")
        assert problem["errors"][0]["loc"] == ["body"]


def test_utf8_with_or_without_a_byte_order_mark_is_read(http, user):
    for prefix in (b"", b"\xef\xbb\xbf"):
        answer = http.post(f"/users/{user}/recommendations",
                           content=prefix + json.dumps({"k": 3, "exclude_seen": False}).encode(),
                           headers=JSON)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["items"]) == 3


def test_latin1_bytes_are_refused_naming_the_byte(http, user):
    answer = http.post(f"/users/{user}/recommendations",
                       content='{"k": 3, "context": {"x": "café"}}'.encode("latin-1"),
                       headers=JSON)
    assert answer.status_code == 422, answer.text
    assert "not UTF-8 text (byte 0xe9 at byte 31)" in answer.json()["message"]


def _items(http, user, word):
    answer = http.get(f"/users/{user}/recommendations?k=80&exclude_seen={word}")
    assert answer.status_code == 200, (word, answer.text)
    return [x["item_id"] for x in answer.json()["items"]]


def test_every_word_the_rule_names_is_read_as_it_says(http, user, als):
    seen = set(als.items_.external_ids[als.seen_[als.users_.to_index([user])[0]].indices]
               .astype(str).tolist()) if hasattr(als.seen_, "indices") else None
    kept = _items(http, user, "false")
    excluded = _items(http, user, "true")
    assert kept != excluded and len(kept) > len(excluded)
    if seen is not None:
        assert not set(excluded) & seen and set(kept) & seen
    for word in ("true", "1", "yes", "on", "t", "y", "TRUE", "Yes", "ON"):
        assert _items(http, user, word) == excluded, word
    for word in ("false", "0", "no", "off", "f", "n", "FALSE", "No", "OFF"):
        assert _items(http, user, word) == kept, word


@pytest.mark.parametrize("word", ["nope", "2", "yes please", "%20true", "tru", "-1"])
def test_a_word_outside_the_rule_is_refused_stating_the_whole_rule(http, user, word):
    answer = http.get(f"/users/{user}/recommendations?exclude_seen={word}")
    assert answer.status_code == 422, answer.text
    problem = answer.json()["errors"][0]
    assert problem["loc"] == ["query", "exclude_seen"]
    assert problem["msg"] == ("Input should be one boolean; write true or false (or 1 or 0); "
                              "also read, in any letter case: yes/no, on/off, t/f, y/n")


@pytest.mark.parametrize("query, written", [("=3", "'=3'"), ("k=3&=", "'='")])
def test_a_query_parameter_without_a_name_is_named_as_such(http, user, query, written):
    # it was "query parameter : Unknown query parameter ...", naming no parameter
    answer = http.get(f"/users/{user}/recommendations?{query}")
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"] == (
        f"query: a query parameter without a name ({written}); write name=value, with a "
        "name this endpoint takes: exclude_seen, k")
