"""Event times of ``POST /events`` before the online metrics' first Unix time (1973-03-03):
0 or 1 written for a missing time was logged, and the online metrics then refused the whole
log (an epoch placeholder beside real times). Refused at the door (422 naming the field),
with nothing of the batch logged; an ISO 8601 text time is refused naming the unit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

#: 1973-03-03 09:46:40 UTC, the bound written from its definition (a calendar date)
FIRST_UNIX_TIME = int(datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC).timestamp())
REAL = 1_764_595_200  # 2025-12-01


@pytest.fixture
def served(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    user, item = str(als.users_.external_ids[0]), str(als.items_.external_ids[0])
    return registry, tmp_path / "logs", user, item


def _logged(logs: Path) -> list[dict]:
    files = sorted(Path(logs, "events").glob("*.parquet"))
    return pq.read_table(files).to_pylist() if files else []


@pytest.mark.parametrize("placeholder", [0, 1, 1.0, FIRST_UNIX_TIME - 1, -1])
def test_an_event_time_before_1973_is_a_422_naming_the_field(served, placeholder):
    registry, logs, user, item = served
    good = {"event": "impression", "user_id": user, "item_id": item, "timestamp": REAL}
    with client(settings(registry, log_dir=str(logs))) as http:
        answer = http.post("/events", json={"events": [
            good, {**good, "event": "click", "timestamp": placeholder}]})
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", "events", 1, "timestamp"]
    assert f"at least {FIRST_UNIX_TIME}" in error["msg"] and "placeholder" in error["msg"]
    assert _logged(logs) == []  # the batch's good event was not logged either


def test_the_first_unix_time_itself_is_accepted_and_the_schema_states_the_bound(served):
    registry, logs, user, item = served
    event = {"event": "click", "user_id": user, "item_id": item,
             "timestamp": FIRST_UNIX_TIME}
    with client(settings(registry, log_dir=str(logs))) as http:
        answer = http.post("/events", json={"events": [event]})
        schema = http.get("/openapi.json").json()
    assert answer.status_code == 202
    assert [row["timestamp"] for row in _logged(logs)] == [FIRST_UNIX_TIME]
    stated = schema["components"]["schemas"]["Event"]["properties"]["timestamp"]
    assert stated["minimum"] == FIRST_UNIX_TIME


def test_an_iso_text_time_is_refused_naming_the_unit(served):
    registry, logs, user, item = served
    event = {"event": "click", "user_id": user, "item_id": item,
             "timestamp": "2025-12-01T00:00:00Z"}
    with client(settings(registry, log_dir=str(logs))) as http:
        answer = http.post("/events", json={"events": [event]})
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", "events", 0, "timestamp"]
    assert "seconds since 1970 (UTC) written as a number" in error["msg"]
    assert '"2025-12-01T00:00:00Z"' in error["msg"]
