"""Hundred-eighty-ninth probe: a body field that another endpoint takes was told only the
fields of the endpoint it was sent to. Above all the cold start: a client with a user the
model does not know posted the items that user chose with the user's request (``{"items":
[...]}`` or ``{"history": [...]}`` to ``POST /users/{id}/recommendations``), and the 422
listed ``k, exclude_seen, context, timestamp`` without naming ``POST
/recommendations/new-user``, the endpoint that ranks a visitor's items. The 422 now names
the endpoint whose body takes the field (never an admin one)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

USERS = ("Unknown field of the body of POST /users/{user_id}/recommendations; it takes: k, "
         "exclude_seen, context, timestamp")
VISITOR = ("; a visitor's items (a history the model has not seen) are posted as 'items' to "
           "POST /recommendations/new-user")


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("field_routes") / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN)) as opened:
        yield opened


def _unknown(answer, field: str) -> str:
    assert answer.status_code == 422, answer.text
    return next(e["msg"] for e in answer.json()["errors"] if e["loc"] == ["body", field])


@pytest.mark.parametrize("field", ["items", "history", "item_ids", "History"])
def test_a_history_posted_for_an_unknown_user_names_the_new_visitor_endpoint(http, item,
                                                                           field):
    answer = http.post("/users/nobody/recommendations", json={field: [item]})
    assert _unknown(answer, field) == USERS + VISITOR
    assert answer.json()["message"] == f"body field {field}: {USERS}{VISITOR}"


def test_a_known_user_is_told_the_same(http, user, item):
    answer = http.post(f"/users/{user}/recommendations", json={"k": 3, "items": [item]})
    assert _unknown(answer, "items") == USERS + VISITOR


def test_a_history_in_the_new_visitors_body_is_its_items(http, item):
    answer = http.post("/recommendations/new-user", json={"items": [item], "history": [item]})
    assert _unknown(answer, "history") == (
        "Unknown field of the body of POST /recommendations/new-user; it takes: items, k, "
        "context, timestamp, user_id; a visitor's items (their history) go in 'items'")


def test_another_endpoints_field_is_named_with_its_endpoint(http, item):
    answer = http.post("/users/nobody/recommendations", json={"events": []})
    assert _unknown(answer, "events") == f"{USERS}; 'events' is a field of POST /events"
    answer = http.post("/events", json={"events": [{}], "items": [item]})
    assert _unknown(answer, "items") == (
        "Unknown field of the body of POST /events; it takes: events" + VISITOR)


def test_a_misspelt_field_keeps_its_nearest_and_an_admin_field_is_not_offered(http):
    answer = http.post("/users/nobody/recommendations", json={"kk": 3})
    assert _unknown(answer, "kk") == (
        "Unknown field of the body of POST /users/{user_id}/recommendations (did you mean "
        "'k'?); it takes: k, exclude_seen, context, timestamp")
    # "version" is a field of POST /admin/reload only: a public endpoint does not point there
    answer = http.post("/users/nobody/recommendations", json={"version": 2})
    assert _unknown(answer, "version") == USERS
