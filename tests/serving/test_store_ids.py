"""With an embedding store, a user id is looked up as the model's vocabulary types it: for
integer ids only text that spells an integer plainly is that integer (``"007"``, the
Arabic-Indic ``"٣"`` or ``"--5"`` are not). They were read as 7 and 3, so another user's
store vector answered, or raised ValueError (a 500)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture
def served(tmp_path, als, train):
    from recstack.serving.embedding_store import SQLiteEmbeddingStore

    registry = publish(tmp_path / "registry", als, train)
    path = tmp_path / "vectors.sqlite"
    users = als.users_.external_ids
    assert users.dtype.kind in "iu" and 3 in users and 7 in users
    with SQLiteEmbeddingStore(path) as store:
        store.put("user", [3, 7], als.user_embeddings()[als.users_.to_index(np.array([3, 7]))])
    with client(settings(registry, store=str(path))) as http:
        yield http


@pytest.mark.parametrize("user", ["007", "٣", "--5", "+7", "7.0", "9" * 30])
def test_text_that_is_not_a_plain_integer_is_an_unknown_user(served, user):
    answer = served.get(f"/users/{user}/recommendations?k=3")
    assert answer.status_code == 404, answer.text
    assert answer.json()["detail"].startswith(f"user {user!r} is unknown to als@1")


def test_plain_integers_are_still_the_users_they_spell(served):
    for user in ("3", "7"):
        answer = served.get(f"/users/{user}/recommendations?k=3")
        assert answer.status_code == 200 and answer.json()["user_id"] == user
