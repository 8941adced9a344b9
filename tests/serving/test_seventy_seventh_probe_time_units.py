"""An event or request time too large to be seconds gets a hint that fits its value:
"milliseconds" only where the value divided by 1000 is a plausible time (1973 to now); a
value such as 4e9 (the year 2096) is named as a time in the future, 1.7e15 as
microseconds."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.schemas import time_unit_hint  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

NOW = datetime(2026, 12, 5, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(("value", "expected"), [
    (NOW * 1000, "reads as milliseconds (divide by 1000)"),
    (NOW * 1e6, "reads as microseconds (divide by 1000000)"),
    (NOW * 1e9, "reads as nanoseconds (divide by 1000000000)"),
    (4e9, "is in the year 2096 (nor is it a plausible time in milliseconds"),
    (5e12, "is after the year 9999 (nor is it"),
])
def test_the_hint_follows_the_value(value, expected):
    assert expected in time_unit_hint(value, NOW)


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("time_units")
    registry = publish(root / "registry", als, train)
    with client(settings(registry, log_dir=str(root / "logs"))) as session:
        yield session, als


def _event(model, timestamp):
    return {"event": "click", "user_id": str(model.users_.external_ids[0]),
            "item_id": str(model.items_.external_ids[0]), "timestamp": timestamp}


def test_an_event_in_the_future_is_not_called_milliseconds(http):
    session, model = http
    answer = session.post("/events", json={"events": [_event(model, 4e9)]})
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    # before: "... give seconds since 1970 (UTC), not milliseconds" (4e9 / 1000 is 1970)
    assert detail.startswith("events[0].timestamp: 4000000000 is more than 86400 s past")
    assert "milliseconds" in detail and "not milliseconds" not in detail
    assert "is in the year 2096" in detail


def test_an_event_in_microseconds_is_named_so(http):
    session, model = http
    value = time.time() * 1e6
    answer = session.post("/events", json={"events": [_event(model, value)]})
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "events", 0, "timestamp"]
    # before: "reads as milliseconds (divide by 1000)", which left a time of the year 50000
    assert "reads as microseconds (divide by 1000000)" in problem["msg"]


def test_an_event_in_milliseconds_keeps_its_hint(http):
    session, model = http
    answer = session.post("/events", json={"events": [_event(model, 2e11)]})
    (problem,) = answer.json()["detail"]
    assert "200000000000 reads as milliseconds (divide by 1000)" in problem["msg"]
