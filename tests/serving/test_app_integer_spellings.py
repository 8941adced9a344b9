"""The service reads integer ids by the one id rule of every offline reader: text that
spells an integer plainly (after trimming) is that integer, any other spelling is text and
so no integer id. ``"-0"`` is user 0 offline (the loaders read it as 0); the service
looked the text up as given and answered "unknown user"."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.serving.variants import bucket  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

#: spelling -> the integer it is by the rule (worked by hand: trimmed, then
#: ``-?(0|[1-9][0-9]*)`` in ASCII digits), None where it is text and no integer id
SPELLINGS = {"0": 0, "-0": 0, " 0 ": 0, "\t0 ": 0, "+0": None, "00": None, "0.0": None,
             "1e3": None, "٣": None, "０": None, "1000": 1000, "-1000": None}


@pytest.fixture(scope="module")
def integer_ids(tmp_path_factory):
    """ALS over integer users and items, 0, 3 and 1000 among them (each with a history)."""
    from recstack.models.als import ALS

    ids = np.array([0, 3, 1000] + list(range(10, 27)), dtype=np.int64)
    rng = np.random.default_rng(4)
    pairs = sorted({(int(ids[u]), int(ids[i])) for u, i in rng.integers(0, 20, (300, 2))}
                   | {(int(u), int(ids[-1])) for u in ids} | {(int(ids[-1]), int(i)) for i in ids})
    users, items = (np.array(column, dtype=np.int64) for column in zip(*pairs, strict=True))
    data = Interactions.from_arrays(users, items)
    model = ALS(factors=4, iterations=2, seed=0).fit(data)
    return publish(tmp_path_factory.mktemp("integers") / "registry", model, data), model


def test_the_offline_rule_is_the_table(integer_ids):
    """The reference the service is held to: what the offline vocabulary makes of each."""
    _, model = integer_ids
    spellings = np.array(list(SPELLINGS), dtype=object)
    found = model.users_.to_index(spellings, missing="ignore")
    offline = {text: (None if position < 0 else int(model.users_.external_ids[position]))
               for text, position in zip(SPELLINGS, found.tolist(), strict=True)}
    assert offline == SPELLINGS


@pytest.mark.parametrize("text", list(SPELLINGS))
def test_every_endpoint_reads_an_integer_id_as_the_offline_rule_does(integer_ids, text):
    registry, _ = integer_ids
    integer = SPELLINGS[text]
    path = quote(text, safe="")
    with client(settings(registry)) as http:
        recommended = http.get(f"/users/{path}/recommendations?k=3")
        history = http.get(f"/users/{path}/history")
        similar = http.get(f"/items/{path}/similar?k=3")
        new = http.post("/recommendations/new-user", json={"items": [text, "10"], "k": 3})
    if integer is None:
        for answer in (recommended, history, similar):
            assert answer.status_code == 404, answer.text
        assert new.json()["unknown_items"] == [text.strip()]
        return
    for answer in (recommended, history, similar):
        assert answer.status_code == 200, (text, answer.text)
    # each answer names the id as the model holds it: the same user, whatever the spelling
    assert recommended.json()["user_id"] == history.json()["user_id"] == str(integer)
    assert similar.json()["item_id"] == str(integer)
    assert new.json()["unknown_items"] == []


def test_two_spellings_of_one_user_get_the_same_answer(integer_ids):
    registry, _ = integer_ids
    with client(settings(registry)) as http:
        plain = http.get("/users/0/recommendations?k=5").json()
        negative = http.get("/users/-0/recommendations?k=5").json()
    assert negative["items"] == plain["items"]


def test_two_spellings_of_one_user_are_in_one_variant(integer_ids):
    registry, model = integer_ids
    registry.publish("als", model)
    variants = [{"name": "control", "model": "als@1", "share": 0.5},
                {"name": "test", "model": "als@2", "share": 0.5}]
    # under this salt the text "-0" hashes into the other half from "0" (the raw texts,
    # hashed by hand: bucket, like the service, reads "-0" as the user 0)
    raw = {text: int.from_bytes(hashlib.sha256(f"c:{text}".encode()).digest()[:8], "big")
           / 2**64 for text in ("0", "-0")}
    assert (raw["0"] < 0.5) != (raw["-0"] < 0.5)
    assert bucket("-0", "c") == bucket("0", "c") == raw["0"]
    with client(settings(registry, variants=variants, variant_salt="c")) as http:
        plain = http.get("/users/0/recommendations?k=3").json()
        negative = http.get("/users/-0/recommendations?k=3").json()
    assert plain["variant"] == "control"  # bucket("0", "c") is 0.262
    assert (negative["variant"], negative["model"]) == (plain["variant"], plain["model"])
