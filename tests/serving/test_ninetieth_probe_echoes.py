"""What error answers repeat: a 422 wrote a number out in full (``timestamp: 1e300`` gave
301 digits, ``k: 1e300`` as many in ``input``); a Redis store's ``url`` held its password;
and an event log's money column of text ('$3.50') was told less than the metrics tell."""

from __future__ import annotations

import re

import pytest

from recstack.errors import RecstackError

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

#: no answer repeats a run of digits longer than this (an int64 has 19)
LONGEST = 40


@pytest.fixture(scope="module")
def served(tmp_path_factory, popular, train):
    registry = publish(tmp_path_factory.mktemp("echo") / "registry", popular, train)
    return registry, str(train.users.external_ids[0]), str(train.items.external_ids[0])


def _longest_digits(text: str) -> int:
    return max((len(run) for run in re.findall(r"\d+", text)), default=0)


@pytest.mark.parametrize("body", [{"timestamp": 1e300}, {"k": 1e300}, {"k": 10**300},
                                  {"k": -(10**200)}])
def test_a_422_bounds_every_number_it_repeats(served, body):
    registry, user, _ = served
    with client(settings(registry)) as http:
        answer = http.post(f"/users/{user}/recommendations", json=body)
    assert answer.status_code == 422
    assert _longest_digits(answer.text) <= LONGEST, answer.text
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", next(iter(body))]
    # the number is still named, by its size
    assert re.search(r"e\+(300|200)", answer.text)


def test_a_422_for_a_query_number_of_400_digits_is_bounded(served):
    registry, user, _ = served
    with client(settings(registry)) as http:
        answer = http.get(f"/users/{user}/recommendations", params={"k": "9" * 400})
    assert answer.status_code == 422
    assert _longest_digits(answer.text) <= LONGEST and "400 digits" in answer.text


def test_a_new_user_item_given_as_a_huge_number_is_bounded(served):
    registry, _, _ = served
    with client(settings(registry)) as http:
        answer = http.post("/recommendations/new-user", json={"items": [10**300]})
    assert answer.status_code == 422 and _longest_digits(answer.text) <= LONGEST


def test_the_time_hint_writes_a_huge_time_briefly():
    from recstack.serving.schemas import time_unit_hint

    hint = time_unit_hint(1e300)
    assert _longest_digits(hint) <= LONGEST and "1e+300" in hint


def test_a_redis_store_shows_no_password():
    import socket

    pytest.importorskip("redis")
    from recstack.serving.embedding_store import RedisEmbeddingStore

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = RedisEmbeddingStore(f"redis://me:hunter2@127.0.0.1:{port}/0", prefix="p",
                                timeout=0.2)
    try:
        for shown in (store.url, repr(store), str(store)):
            assert "hunter2" not in shown and "me:***@127.0.0.1" in shown
    finally:
        store.close()


def test_a_money_column_of_text_gets_the_metrics_advice(tmp_path):
    from recstack.serving.online import read_events

    path = tmp_path / "events.csv"
    path.write_text("variant,session_id,event,timestamp,revenue,cost\n"
                    "a,s1,purchase,1700000000,$3.50,\n")
    with pytest.raises(RecstackError, match=r"line 2: 'revenue' is '\$3\.50'; expected a "
                       r"finite number >= 0 \(or none\): write plain numbers such as 3\.5, "
                       "without a currency sign"):
        read_events(path)
