"""``POST /admin/reload`` with a body of JSON ``null``: FastAPI reads it as no body, and
every variant was reloaded (the user-recommendations endpoint already refused it)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}


@pytest.fixture
def registry(tmp_path, als, train):
    return publish(tmp_path / "registry", als, train)


def test_a_null_reload_body_is_a_422_and_reloads_nothing(registry, als, train):
    with client(settings(registry, admin_token=TOKEN)) as http:
        before = http.get("/health").json()["variants"][0]["loaded_at"]
        registry.publish("als", als, data=train)  # a version that a reload would take
        refused = http.post("/admin/reload", content=b"null", headers=AUTH)
        after = http.get("/health").json()["variants"][0]
        taken = http.post("/admin/reload", content=b"{}", headers=AUTH)
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("body: JSON null is not a request")
    assert (after["model"], after["loaded_at"]) == ("als@1", before)
    assert taken.status_code == 200 and taken.json() == {"models": ["als@2"]}


def test_no_body_still_reloads(registry):
    with client(settings(registry, admin_token=TOKEN)) as http:
        answer = http.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.json() == {"models": ["als@1"]}
