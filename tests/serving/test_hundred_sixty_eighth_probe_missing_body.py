"""A POST to an endpoint that needs a JSON body, sent without one (or with an empty
one: a client whose body came out empty): the answer was pydantic's ``body: Field
required``, naming neither what to send nor how. Now it says that none was sent, the
fields the endpoint takes, which are required, and the Content-Type."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.mark.parametrize(("path", "fields", "required"), [
    ("/recommendations/new-user", "items, k, context, timestamp, user_id", "items"),
    ("/events", "events", "events"),
])
@pytest.mark.parametrize("sent", [None, b""], ids=["no-body", "empty-body"])
def test_a_missing_body_names_what_to_send(tmp_path, als, train, path, fields, required,
                                           sent):
    registry = publish(tmp_path / "registry", als, train)
    headers = {"content-type": "application/json"} if sent is not None else {}
    with client(settings(registry, log_dir=str(tmp_path / "logs"))) as http:
        answer = http.post(path, content=sent, headers=headers)
    assert answer.status_code == 422
    said = (f"none was sent; POST {path} takes a JSON object of the fields {fields} "
            f"({required} required), sent with 'Content-Type: application/json'")
    body = answer.json()
    assert body["message"] == f"body: {said}"
    assert body["errors"] == [{"loc": ["body"], "msg": said}]


def test_a_body_that_is_there_is_read(tmp_path, als, train, item):
    registry = publish(tmp_path / "registry", als, train)
    with client(settings(registry)) as http:
        answer = http.post("/recommendations/new-user", json={"items": [item], "k": 2})
    assert answer.status_code == 200
    assert len(answer.json()["items"]) == 2
