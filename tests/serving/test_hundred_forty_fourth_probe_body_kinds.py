"""Hundred-forty-fourth probe: values of the wrong JSON kind, and query integers without a
digit. ``{"items": "42"}`` (one id where the list belongs) and ``{"items": null}`` were
"Input should be a valid list", ``{"exclude_seen": "false"}`` (quoted) and ``0`` were
"Input should be a valid boolean", neither saying what was sent nor how to write it; and
``?limit=NaN``, ``?k=ten`` were "unable to parse string as an integer", while ``?limit=-``
was told to drop its leading zeros."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("kinds") / "registry", als, train)
    with client(settings(registry)) as test_client:
        yield test_client


def _problem(answer) -> dict:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert len(body["errors"]) == 1, body
    return body["errors"][0]


@pytest.mark.parametrize(("items", "said"), [
    ('"42"', 'Input should be a list of ids such as ["42"], not the text "42"'),
    ('"abc"', 'Input should be a list of ids such as ["abc"], not the text "abc"'),
    ("7", 'Input should be a list of ids such as ["7"], not the number 7'),
    ("null", 'Input should be a list of ids such as ["42"], not null'),
    ('{"a": 1}', 'Input should be a list of ids such as ["42"], not an object'),
    ("true", 'Input should be a list of ids such as ["42"], not a boolean'),
])
def test_one_id_or_another_kind_where_the_list_of_items_belongs(http, items, said):
    problem = _problem(http.post("/recommendations/new-user",
                                 content=f'{{"items": {items}}}'.encode(), headers=JSON))
    assert problem["loc"] == ["body", "items"]
    assert problem["msg"] == said


@pytest.mark.parametrize(("value", "said"), [
    ('"false"', 'not the text "false"; write it without quotes'),
    ('"True"', 'not the text "True"; write it without quotes'),
    ('"yes"', 'not the text "yes"'),
    ("0", "not the number 0"),
    ("null", "not null"),
    ("[]", "not a list"),
])
def test_a_body_flag_of_another_kind_says_what_it_got(http, user, value, said):
    problem = _problem(http.post(f"/users/{user}/recommendations",
                                 content=f'{{"exclude_seen": {value}}}'.encode(),
                                 headers=JSON))
    assert problem["loc"] == ["body", "exclude_seen"]
    assert problem["msg"] == f"Input should be true or false (a JSON boolean), {said}"


def test_a_body_flag_true_or_false_is_still_read(http, user):
    kept = http.post(f"/users/{user}/recommendations", json={"exclude_seen": False, "k": 80})
    dropped = http.post(f"/users/{user}/recommendations", json={"exclude_seen": True, "k": 80})
    assert kept.status_code == dropped.status_code == 200
    assert len(kept.json()["items"]) > len(dropped.json()["items"])
    schema = http.get("/openapi.json").json()["components"]["schemas"]
    flag = schema["UserRecommendationsRequest"]["properties"]["exclude_seen"]
    assert flag["type"] == "boolean" and flag["default"] is True


#: the range each refusal states: a limit's, and a k's up to the service's max_k (100)
RANGES = {"limit": "from 1 to 1000", "k": "from 1 to 100 (this service's max_k)"}


@pytest.mark.parametrize(("query", "name", "given"), [
    ("/users?limit=NaN", "limit", "'NaN'"),
    ("/users?limit=inf", "limit", "'inf'"),
    ("/users/{user}/recommendations?k=ten", "k", "'ten'"),
    ("/items/search?q=a&limit=-", "limit", "'-'"),
    ("/items/search?q=a&limit=%2B", "limit", "'+'"),
    ("/users/{user}/history?limit=%E2%88%9E", "limit", "'∞'"),
    ("/users?limit=" + "x" * 60, "limit", "'" + "x" * 40 + "...'"),
])
def test_a_query_integer_without_a_digit_names_the_text(http, user, query, name, given):
    problem = _problem(http.get(query.format(user=user)))
    assert problem["loc"] == ["query", name]
    assert problem["msg"] == (f"Input should be a whole number {RANGES[name]}, not the text "
                              f"{given}")
