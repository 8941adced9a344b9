"""Hundred-eighty-fourth bad-input probe of the HTTP service: text holding a lone
surrogate (``"\\ud800"``, legal as a JSON escape but no character) was refused with
pydantic's "Input should be a valid string, unable to parse raw data as a unicode string",
which names no character and reads as if the field took no text. Every field says now
which escape, at which character, and what to send instead."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


@pytest.fixture
def registry(tmp_path, als, train):
    return publish(tmp_path / "registry", als, train)


def _message(code: str, at: int) -> str:
    return (f"the text holds \\u{code} at character {at}, half of a UTF-16 surrogate pair "
            "without its other half (no character); escape both halves of the character "
            "(\\ud83d\\ude00 for U+1F600) or send it as UTF-8")


# (raw JSON text: json.dumps would escape the surrogate itself)
BODIES = {
    "new-user item": ("/recommendations/new-user", r'{"items": ["ab\ud800"], "k": 3}',
                      ["body", "items", 0], _message("d800", 3)),
    "context value": ("/users/1/recommendations", r'{"context": {"device": "\udfff"}}',
                      ["body", "context", "device"], _message("dfff", 1)),
    "event user": ("/events", r'{"events": [{"event": "click", "user_id": "x\ud800", '
                   r'"item_id": "2", "timestamp": 1700000000}]}',
                   ["body", "events", 0, "user_id"], _message("d800", 2)),
    "reload variant": ("/admin/reload", r'{"variant": "\udc00"}', ["body", "variant"],
                       _message("dc00", 1)),
}


@pytest.mark.parametrize("path, body, loc, message", BODIES.values(), ids=BODIES.keys())
def test_a_lone_surrogate_is_named_with_its_place(tmp_path, registry, path, body, loc,
                                                  message):
    with client(settings(registry, admin_token=TOKEN, log_dir=str(tmp_path / "logs"))) as http:
        answer = http.post(path, content=body.encode("ascii"), headers=AUTH)
    assert answer.status_code == 422, answer.text
    problem = next(p for p in answer.json()["detail"] if p["type"] == "string_unicode")
    assert problem["loc"] == loc
    assert problem["msg"] == message


def test_a_whole_escaped_character_is_taken(registry):
    # both halves of U+1F600: one character, no refusal (an item unknown to the model, said as such)
    with client(settings(registry)) as http:
        answer = http.post("/recommendations/new-user",
                           content=rb'{"items": ["\ud83d\ude00"], "k": 3}', headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["unknown_items"] == ["\U0001F600"]
