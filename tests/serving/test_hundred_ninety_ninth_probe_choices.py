"""Hundred-ninety-ninth probe: a field that takes one of a few words (an event's ``event``,
the settings' ``unknown_user`` and ``two_stage_index``) refused a near miss with pydantic's
"Input should be 'impression', 'click' or 'purchase'", which neither named what was sent
nor the nearest word: ``"clik"``, ``"Click"`` and the number ``404`` (for ``"404"``) read as
refused for no visible reason."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.schemas import Event  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

EVENTS = "Input should be 'impression', 'click' or 'purchase', not "


@pytest.mark.parametrize(("sent", "said"), [
    ("clik", "the text \"clik\" (did you mean 'click'?)"),
    ("Click", "the text \"Click\" (did you mean 'click'?)"),
    ("impressions", "the text \"impressions\" (did you mean 'impression'?)"),
    (3, "the number 3"),
    (None, "null"),
])
def test_an_event_kind_names_what_was_sent_and_the_nearest(sent, said):
    with pytest.raises(ValueError, match=re.escape(EVENTS + said)):
        Event.model_validate({"event": sent, "user_id": "1", "item_id": "2",
                              "timestamp": 1_764_595_200})
    assert Event.model_validate({"event": "click", "user_id": "1", "item_id": "2",
                                 "timestamp": 1_764_595_200}).event == "click"


def test_the_events_endpoint_says_it_too(tmp_path, popular, train):
    registry = publish(tmp_path / "registry", popular, train, name="pop")
    with client(settings(registry, log_dir=str(tmp_path / "logs"))) as http:
        answer = http.post("/events", json={"events": [
            {"event": "clik", "user_id": "1", "item_id": "2", "timestamp": 1_764_595_200}]})
    assert answer.status_code == 422
    problem = answer.json()["detail"][0]
    assert problem["loc"] == ["body", "events", 0, "event"]
    assert problem["msg"] == EVENTS + "the text \"clik\" (did you mean 'click'?)"


@pytest.mark.parametrize(("field", "sent", "said"), [
    ("unknown_user", "populr", "Input should be '404' or 'popular', not the text \"populr\" "
                               "(did you mean 'popular'?)"),
    ("unknown_user", 404, "Input should be '404' or 'popular', not the number 404 (write it "
                          "as text: \"404\")"),
    ("two_stage_index", "hnws", "Input should be 'auto', 'hnsw' or 'exact', not the text "
                                "\"hnws\" (did you mean 'hnsw'?)"),
])
def test_a_settings_choice_names_the_nearest(tmp_path, field, sent, said):
    with pytest.raises(ConfigError, match=re.escape(f"field '{field}': {said}")):
        ServiceSettings.create(registry=str(tmp_path), **{field: sent})
    assert ServiceSettings.create(registry=str(tmp_path), unknown_user="popular"
                                  ).unknown_user == "popular"
