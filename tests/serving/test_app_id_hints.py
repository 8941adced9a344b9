"""An id that a model of integer ids can never hold ('007', '7.0', a name) is answered
with the rule that would have found it, as the offline id readers say it."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

HINT = "(its {kind} ids are integers, written plainly: 7, not 007, +7 or 7.0)"


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    assert als.users_.external_ids.dtype.kind in "iu"
    assert als.items_.external_ids.dtype.kind in "iu"
    registry = publish(tmp_path_factory.mktemp("hints") / "registry", als, train)
    with client(settings(registry)) as http:
        yield http


@pytest.mark.parametrize("user", ["007", "7.0", "alice"])
def test_an_impossible_user_id_names_the_id_rule(http, user):
    for path in (f"/users/{user}/recommendations", f"/users/{user}/history"):
        answer = http.get(path)
        assert answer.status_code == 404
        assert answer.json()["detail"].startswith(
            f"user {user!r} is unknown to als@1 {HINT.format(kind='user')}")


def test_an_impossible_item_id_names_the_id_rule(http):
    answer = http.get("/items/07/similar")
    assert answer.status_code == 404
    assert answer.json()["detail"].startswith(
        f"item '07' is not in the catalog of als@1 {HINT.format(kind='item')}")
    new = http.post("/recommendations/new-user", json={"items": ["07", "x"]}).json()
    assert new["fallback"] == ("none of the posted items is in the catalog "
                               + HINT.format(kind="item"))


def test_a_plain_integer_that_is_simply_unknown_gets_no_hint(http):
    detail = http.get("/users/99999/recommendations").json()["detail"]
    assert detail.startswith("user '99999' is unknown to als@1; recommend for a new visitor")
    new = http.post("/recommendations/new-user", json={"items": ["99999"]}).json()
    assert new["fallback"] == "none of the posted items is in the catalog"
