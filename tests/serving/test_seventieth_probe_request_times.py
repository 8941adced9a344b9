"""A request's time (``timestamp`` of ``POST /users/{id}/recommendations`` and of the
new-user body) of 0, 1 or any time before 1973-03-03 was accepted (and ranked with the hour
and weekday of 1970), while ``POST /events`` refused the same epoch placeholders: one bound,
the online metrics' first Unix time, for both; and for ``recstack recommend --timestamp``."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from recstack.errors import ConfigError

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

# 1e8 seconds after the epoch, by the calendar (not by the code under test)
FIRST_UNIX_TIME = int(datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC).timestamp())


@pytest.fixture
def served(tmp_path, popular, train):
    registry = publish(tmp_path / "registry", popular, train)
    return registry, str(train.users.external_ids[0]), str(train.items.external_ids[0])


@pytest.mark.parametrize("placeholder", [0, 1, 1.5, FIRST_UNIX_TIME - 1])
@pytest.mark.parametrize("endpoint", ["user", "new-user"])
def test_a_request_time_before_1973_is_a_422_naming_the_field(served, placeholder,
                                                               endpoint):
    registry, user, item = served
    with client(settings(registry)) as http:
        if endpoint == "user":
            answer = http.post(f"/users/{user}/recommendations",
                               json={"timestamp": placeholder})
        else:
            answer = http.post("/recommendations/new-user",
                               json={"items": [item], "timestamp": placeholder})
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", "timestamp"]
    assert f"at least {FIRST_UNIX_TIME}" in error["msg"] and "placeholder" in error["msg"]
    assert "leave timestamp out" in error["msg"]


def test_the_schema_states_the_same_bound_for_request_and_event_times(served):
    registry, _, _ = served
    with client(settings(registry)) as http:
        schemas = http.get("/openapi.json").json()["components"]["schemas"]
    for body in ("UserRecommendationsRequest", "NewUserRequest"):
        (stated,) = [part for part in schemas[body]["properties"]["timestamp"]["anyOf"]
                     if part.get("type") == "number"]
        assert stated["minimum"] == FIRST_UNIX_TIME
    assert schemas["Event"]["properties"]["timestamp"]["minimum"] == FIRST_UNIX_TIME


def test_a_real_time_still_reaches_the_time_features_check(served):
    # a model without time features: a real time is refused for that reason, not its value
    registry, user, _ = served
    with client(settings(registry)) as http:
        answer = http.post(f"/users/{user}/recommendations",
                           json={"timestamp": FIRST_UNIX_TIME})
    assert answer.status_code == 422
    assert "no time features" in answer.json()["detail"]


def _timed_model():
    # what request_context_from_text reads of a two-stage model with context_time (a
    # TwoStage instance, as the function refuses what is not a recstack model)
    from recstack.pipeline.two_stage import TwoStage

    model = TwoStage.__new__(TwoStage)
    model.builder_ = SimpleNamespace(context_=[], context_time=True)
    return model


@pytest.mark.parametrize("placeholder", [0, 1.0, FIRST_UNIX_TIME - 1])
def test_the_command_line_timestamp_has_the_same_bound(placeholder):
    from recstack.serving.commands import request_context_from_text

    with pytest.raises(ConfigError, match=rf"--timestamp .*from {FIRST_UNIX_TIME} "
                                          r"\(1973-03-03\) on.*placeholder"):
        request_context_from_text(_timed_model(), [], placeholder)
    context = request_context_from_text(_timed_model(), [], FIRST_UNIX_TIME)
    assert context == {"timestamp": float(FIRST_UNIX_TIME)}
