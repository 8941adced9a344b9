"""Round 52 N: a service refusal names its field's place as the schema's refusals do, NaN
is not said to be left out of a field that is required, ``Service.reload(version=...)``
refuses in the words of ``POST /admin/reload``, and a served two-stage model retrieves
past the items a block list blocks.

A service refusal of a path parameter answered ``message: "user_id: an id of 11
characters..."`` where the schema's refusal of the same id said ``"path parameter user_id:
..."``; an event's ``timestamp`` of NaN was told "leave the field out", and the next
request was refused for its missing timestamp; ``reload(version=True)`` said "version must
be a whole number from 1 to 99999999, got True" where HTTP said "Input should be a whole
number from 1 to 99999999, not ..."; and a two-stage version whose generators' candidates
were all blocked answered an empty list while unblocked items were left. Every expected
message is written out here by hand.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.service import RequestLimitError  # noqa: E402
from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

ADMIN = {"authorization": f"Bearer {TOKEN}"}
JSON = {"content-type": "application/json"}
NOT_JSON = ("NaN is not JSON (JSON has no NaN or infinity: a missing or undefined number "
            "written by a lenient JSON writer, such as Python's json.dumps?)")
LONG_ID = ("an id of 11 characters ('uuuuuuuuuuu'...); this service takes ids of at most 10 "
           "characters")


@pytest.fixture(scope="module")
def http(tmp_path_factory, train, als):
    root = tmp_path_factory.mktemp("round52_n")
    registry = publish(root / "registry", als, train)
    registry.publish("als", als, data=train)
    with client(settings(registry, max_id_length=10, admin_token=TOKEN,
                         log_dir=str(root / "logs"))) as opened:
        yield opened


def _refused(answer) -> dict:
    assert answer.status_code == 422, answer.text
    return answer.json()


# --------------------------------------------------------------------------- places
@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/users/{id}/recommendations"),  # answered by the fast path
    ("POST", "/users/{id}/recommendations"),
    ("GET", "/users/{id}/history"),
])
def test_a_service_refusal_of_a_user_id_names_it_as_a_path_parameter(http, method, path):
    answer = http.request(method, path.format(id="u" * 11))
    body = _refused(answer)
    assert body["message"] == f"path parameter user_id: {LONG_ID}"
    # detail and errors keep the service's text, as a caller from Python reads it
    assert body["detail"] == f"user_id: {LONG_ID}"
    assert body["errors"] == [{"loc": ["path", "user_id"], "msg": f"user_id: {LONG_ID}"}]


def test_the_service_and_the_schema_name_a_path_parameter_alike(http):
    # over the schema's cap (128) the schema refuses; over the settings' 10, the service
    schema = _refused(http.get(f"/items/{'u' * 200}/similar"))["message"]
    service = _refused(http.get(f"/items/{'u' * 11}/similar"))["message"]
    assert schema.startswith("path parameter item_id: an id of 200 characters")
    assert service == f"path parameter item_id: {LONG_ID}"


def test_a_service_refusal_of_a_query_parameter_names_it_so(http):
    body = _refused(http.get("/items/search?q="))
    said = "the search text is empty; give a word of a title to search for"
    assert body["message"] == f"query parameter q: {said}"


def test_a_refusal_whose_text_does_not_begin_with_its_field_is_left_as_it_is(http, user):
    body = _refused(http.post(f"/users/{user}/recommendations",
                              json={"context": {"city": "x"}}))
    assert body["message"] == body["detail"]
    assert body["errors"][0]["loc"] == ["body", "context", "city"]


# --------------------------------------------------------------------------- NaN
def _event_with(field: str, word: str = "NaN") -> bytes:
    fields = {"event": '"click"', "user_id": '"0"', "item_id": '"0"',
              "timestamp": "1764595200", field: word}
    return ('{"events": [{' + ", ".join(f'"{k}": {v}' for k, v in fields.items())
            + "}]}").encode()


def test_nan_for_a_required_field_is_not_told_to_be_left_out(http):
    [problem] = _refused(http.post("/events", content=_event_with("timestamp"),
                                   headers=JSON))["detail"]
    assert problem["loc"] == ["body", "events", 0, "timestamp"]
    assert problem["msg"] == (
        f"{NOT_JSON}; give its value (the field is required) (Input should be a finite "
        "number: the event's time in seconds since 1970 (UTC), from 100000000 (1973-03-03) "
        "to a day past the server's clock, not NaN)")


def test_nan_for_an_optional_field_may_still_be_left_out(http):
    [problem] = _refused(http.post("/events", content=_event_with("revenue"),
                                   headers=JSON))["detail"]
    assert problem["msg"] == (f"{NOT_JSON}; leave the field out or give its value (Input "
                              "should be a finite number: an amount from 0 to 1e12, not NaN)")


def test_nan_in_a_list_is_told_to_leave_the_entry_out(http, item):
    answer = http.post("/recommendations/new-user", content=f'{{"items": ["{item}", NaN]}}',
                       headers=JSON)
    [problem] = _refused(answer)["detail"]
    assert problem["msg"] == (f"{NOT_JSON}; leave the entry out of the list or give its value "
                              "(an id is written as text, a JSON string)")


# --------------------------------------------------------------------------- reload
@pytest.mark.parametrize(("version", "given"), [
    (True, "bool True"),
    (0, "the number 0"),
    ("2", "str '2'"),
    (2.5, "float 2.5"),
    (float("nan"), "float nan"),
])
def test_a_reload_version_from_python_is_refused_as_http_refuses_it(http, version, given):
    with pytest.raises(RequestLimitError) as caught:
        http.app.state.service.reload(version=version)
    assert str(caught.value) == ("version: Input should be a whole number from 1 to "
                                 f"99999999, not {given}")
    assert caught.value.field == "version"


def test_python_and_http_say_the_same_of_a_version_out_of_range(http):
    answer = http.post("/admin/reload", json={"version": 0}, headers=ADMIN)
    [error] = _refused(answer)["errors"]
    with pytest.raises(RequestLimitError) as caught:
        http.app.state.service.reload(version=0)
    assert str(caught.value) == f"version: {error['msg']}"


def test_a_reload_version_that_is_a_version_still_reloads(http):
    assert http.app.state.service.reload(version=np.int64(1)) == ["als@1"]
    assert http.app.state.service.reload(version=2) == ["als@2"]


# --------------------------------------------------------------------------- two-stage
@pytest.fixture(scope="module")
def two_stage_http(tmp_path_factory):
    pytest.importorskip("lightgbm", reason="the two-stage ranker here is LightGBM's")
    from recstack.models import create_model
    from tests.serving.test_request_context import COMMON, device_log

    data = device_log()
    model = create_model("two_stage", **COMMON).fit(data)
    registry = publish(tmp_path_factory.mktemp("round52_n_two_stage") / "registry", model,
                       data, name="ts")
    # 55 of the 60 items: the generators' 30 candidates are all among them
    blocked = [str(i) for i in range(55)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the block list's note of unknown ids, if any
        with client(settings(registry, rerank=[{"type": "block_list",
                                                "items": blocked}])) as opened:
            yield opened, model


@pytest.mark.parametrize("exclude_seen", [True, False])
def test_a_two_stage_list_retrieves_past_the_blocked_items(two_stage_http, exclude_seen):
    http, model = two_stage_http
    seen = set(model.items_.to_external(model.seen_[0].indices).astype(str).tolist())
    open_items = {str(i) for i in range(55, 60)}
    expected = open_items - seen if exclude_seen else open_items
    flag = "true" if exclude_seen else "false"
    answer = http.get(f"/users/0/recommendations?k=20&exclude_seen={flag}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # it was an empty list: every candidate the generators retrieved was blocked
    assert {entry["item_id"] for entry in body["items"]} == expected
    unseen_blocked = len({str(i) for i in range(55)} - seen) if exclude_seen else 55
    less = (f"the user's {len(seen)} items seen and {unseen_blocked} items blocked"
            if exclude_seen else "55 items blocked")
    assert body["shortfall"] == f"{len(expected)} items for k=20: ts@1 has 60 items, less {less}"
