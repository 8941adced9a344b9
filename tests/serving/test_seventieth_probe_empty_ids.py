"""An empty id (``""`` in a JSON body, ``/users//recommendations`` in a path) was refused
by pydantic's "String should have at least 1 character", where an id of only whitespace got
the service's answer naming the field: both now get that answer. A variant name given to
``POST /admin/reload`` empty, of whitespace, or in another case names the field and the
variant meant; variant names that differ only in case are refused, and the online report's
``control`` given in another case suggests the variant by the one nearest-name rule."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402
from recstack.serving.variants import VariantAssigner  # noqa: E402
from tests.serving.service_helpers import TOKEN, client, publish  # noqa: E402


@pytest.fixture
def served(tmp_path, popular, train):
    registry = publish(tmp_path / "registry", popular, train)
    registry.publish("pop", popular, data=train)
    return registry, str(train.users.external_ids[0]), str(train.items.external_ids[0])


def _settings(registry, logs, **values):
    return ServiceSettings.create(registry=registry.root, log_dir=str(logs), **values)


def _event(user, item, **extra):
    return {"events": [{"event": "click", "user_id": user, "item_id": item,
                        "timestamp": 1.7e9, **extra}]}


# body: a function of a known user and item
EMPTY = {
    "user path": ("GET", "/users//recommendations", None, "user_id", "user's"),
    "user POST": ("POST", "/users//recommendations", lambda u, i: {"k": 2}, "user_id",
                  "user's"),
    "history": ("GET", "/users//history", None, "user_id", "user's"),
    "item path": ("GET", "/items//similar", None, "item_id", "item's"),
    "posted item": ("POST", "/recommendations/new-user", lambda u, i: {"items": [i, ""]},
                    "items[1]", "item's"),
    "event user": ("POST", "/events", lambda u, i: _event("", i), "events[0].user_id",
                   "user's"),
    "event item": ("POST", "/events", lambda u, i: _event(u, ""), "events[0].item_id",
                   "item's"),
    "event session": ("POST", "/events", lambda u, i: _event(u, i, session_id=""),
                      "events[0].session_id", "session's"),
}


@pytest.mark.parametrize(("method", "path", "body", "field", "whose"), EMPTY.values(),
                         ids=EMPTY.keys())
def test_an_empty_id_is_a_422_naming_the_field(served, tmp_path, method, path, body, field,
                                               whose):
    registry, user, item = served
    logs = tmp_path / "logs"
    with client(_settings(registry, logs, model="als")) as http:
        answer = http.request(method, path, json=body(user, item) if body else None)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == f"{field}: the id is empty; give the {whose} id"
    assert not list(logs.glob("events/*.parquet"))


def test_a_session_id_of_whitespace_names_the_session(served, tmp_path):
    registry, user, item = served
    with client(_settings(registry, tmp_path / "logs", model="als")) as http:
        answer = http.post("/events", json={"events": [
            {"event": "click", "user_id": user, "item_id": item, "timestamp": 1.7e9,
             "session_id": "  "}]})
    assert answer.status_code == 422
    assert answer.json()["detail"] == ("events[0].session_id: the id is only whitespace; "
                                       "give the session's id")


VARIANTS = [{"name": "control", "model": "als", "share": 0.5},
            {"name": "treat", "model": "pop", "share": 0.5}]


@pytest.mark.parametrize(("given", "expected"), [
    ("", "variant: the name is empty; variants: control, treat"),
    ("  ", "variant: the name is only whitespace; variants: control, treat"),
    ("Control", "variant: the name 'Control' is no variant (did you mean 'control'?); "
                "variants: control, treat"),
    (" control", "variant: the name ' control' is no variant (did you mean 'control'?); "
                 "variants: control, treat"),
])
def test_a_reload_of_a_variant_name_that_is_not_one_names_the_field(served, tmp_path, given,
                                                                   expected):
    registry, _, _ = served
    with client(_settings(registry, tmp_path / "logs", variants=VARIANTS,
                          admin_token=TOKEN)) as http:
        answer = http.post("/admin/reload", json={"variant": given},
                           headers={"Authorization": f"Bearer {TOKEN}"})
        health = http.get("/health").json()
    assert answer.status_code == 422
    assert answer.json()["detail"] == expected
    assert health["last_reload_error"] is None


@pytest.mark.parametrize("names", [["A", "a"], ["control", "treat", "CONTROL"]])
def test_variant_names_that_differ_only_in_case_are_refused(served, names):
    registry, _, _ = served
    shares = [1 / len(names)] * len(names)
    first, second = [n for n in names if n.casefold() == names[-1].casefold()]
    with pytest.raises(ConfigError, match=rf"variant names '{first}' and '{second}' differ "
                                          r"only in case"):
        ServiceSettings.create(registry=registry.root, variants=[
            {"name": n, "model": "als", "share": s} for n, s in zip(names, shares, strict=True)])
    with pytest.raises(ConfigError, match=rf"variant names '{first}' and '{second}' differ "
                                          r"only in case"):
        VariantAssigner(names, shares, "salt")


def test_distinct_variant_names_still_work():
    assert VariantAssigner(["A", "B"], [0.5, 0.5], "salt").names == ["A", "B"]


def test_the_online_report_suggests_a_control_given_in_another_case(tmp_path):
    from recstack.errors import RecstackError
    from recstack.serving.online import online_report

    log = tmp_path / "events.csv"
    log.write_text("variant,session_id,event,timestamp,revenue,cost\n"
                   "control,s1,impression,1700000000,0,0\ncontrol,s1,click,1700000001,0,0\n"
                   "test,s2,impression,1700000000,0,0\n")
    with pytest.raises(RecstackError, match=r"control variant 'CONTROL' is not in the log; "
                                            r"variants: control, test; did you mean "
                                            r"'control'\?"):
        online_report(log, control="CONTROL")
