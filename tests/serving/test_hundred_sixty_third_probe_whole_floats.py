"""A whole number of a JSON body written as a float (``"k": 5.0``, ``1e1``) was read as
5 while the query's ``?k=5.0``, ``Service.reload(version=2.0)`` and ``"version": 2.0`` in
``current.json`` were refused: one rule now, a whole number is written plainly, and the
refusal names the number meant. A whole float beyond the field's bounds is refused with
the field's range, as any number out of it; ``5`` is still 5."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    root = tmp_path_factory.mktemp("floats")
    registry = publish(root / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN, log_dir=str(root / "logs"))) as session:
        yield session


#: each field's range as its refusal states it: k's top is the service's max_k (100)
RANGES = {"k": "from 1 to 100 (this service's max_k)", "position": "from 1 to 1000",
          "version": "from 1 to 99999999"}


def _event(**fields):
    return {"events": [{"event": "click", "user_id": "1", "item_id": "2",
                        "timestamp": 1_700_000_000, **fields}]}


@pytest.mark.parametrize(("path", "body", "loc", "number", "given"), [
    ("/users/{user}/recommendations", {"k": 5.0}, ["body", "k"], 5, "5.0"),
    ("/users/{user}/recommendations", '{"k": 1e1}', ["body", "k"], 10, "10.0"),
    ("/users/{user}/recommendations", '{"k": 3E0}', ["body", "k"], 3, "3.0"),
    ("/recommendations/new-user", {"items": ["x"], "k": 2.0}, ["body", "k"], 2, "2.0"),
    ("/events", _event(position=1.0), ["body", "events", 0, "position"], 1, "1.0"),
    ("/admin/reload", {"version": 1.0}, ["body", "version"], 1, "1.0"),
])
def test_a_whole_float_is_refused_naming_the_number_meant(http, user, path, body, loc,
                                                          number, given):
    headers = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    content = body if isinstance(body, str) else None
    answer = http.post(path.format(user=user), headers=headers, content=content,
                       json=None if content else body)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == loc
    assert problem["msg"] == (f"Input should be a whole number {RANGES[loc[-1]]}, not the "
                              f"number {given}; write {number}, without a decimal point or "
                              "exponent")


def test_the_query_and_the_body_follow_one_rule(http, user):
    query = http.get(f"/users/{user}/recommendations?k=5.0").json()["detail"][0]["msg"]
    body = http.post(f"/users/{user}/recommendations", json={"k": 5.0}).json()
    rule = "; write 5, without a decimal point or exponent"
    assert query == ("Input should be a whole number from 1 to 100 (this service's max_k), "
                     f"not '5.0'{rule}")
    assert body["detail"][0]["msg"] == ("Input should be a whole number from 1 to 100 (this "
                                        f"service's max_k), not the number 5.0{rule}")


def test_whole_numbers_and_out_of_range_floats_are_as_before(http, user):
    assert len(http.post(f"/users/{user}/recommendations", json={"k": 5}).json()["items"]) == 5
    answer = http.post(f"/users/{user}/recommendations", json={"k": 1e30})
    assert answer.json()["detail"][0]["msg"] == ("Input should be a whole number from 1 to "
                                                 "100 (this service's max_k), not the number "
                                                 "1e+30")
    fraction = http.post(f"/users/{user}/recommendations", json={"k": 2.5})
    assert fraction.status_code == 422
    assert fraction.json()["detail"][0]["loc"] == ["body", "k"]


@pytest.mark.parametrize(("field", "value", "number"), [
    ("default_k", 5.0, 5), ("max_k", 1e2, 100), ("log_keep_files", 3.0, 3),
    ("ann_ef", 10.0, 10), ("compute_threads", 2.0, 2),
])
def test_a_settings_file_follows_the_same_rule(tmp_path, field, value, number):
    import json

    from recstack.errors import ConfigError
    from recstack.serving.settings import ServiceSettings, settings_from_options

    with pytest.raises(ConfigError) as caught:
        ServiceSettings.create(registry=str(tmp_path), **{field: value})
    assert str(caught.value) == (f"serve settings: field {field!r}: {float(value)!r} is not "
                                 f"a whole number as written; write {number} (without a "
                                 "decimal point or exponent)")
    config = tmp_path / "serve.json"
    config.write_text(json.dumps({"registry": str(tmp_path), field: value}))
    with pytest.raises(ConfigError, match=rf"{field}': {float(value)!r} is not a whole "
                                          rf"number as written; write {number} "):
        settings_from_options(config=config)


def test_float_settings_still_take_whole_floats(tmp_path):
    from recstack.serving.settings import ServiceSettings

    made = ServiceSettings.create(registry=str(tmp_path), poll_seconds=2.0,
                                  log_rotate_seconds=30.0, default_k=7)
    assert (made.poll_seconds, made.log_rotate_seconds, made.default_k) == (2.0, 30.0, 7)
