"""Twenty-fifth bad-input probe of the HTTP service: a request context's value of a type no
context value has (null, a list, an object) got four errors, one per member of the
schema's union, each with pydantic's name of the member in its path (``["body",
"context", "device", "constrained-str"]``, ``"constrained-int"``...) and none saying what
a context value may be; and a whole number beyond 2**53, which the schema means to refuse
(it loses precision as a float), was taken by the union's float member without a word."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("context-values") / "registry", als, train)
    with client(settings(registry)) as opened:
        yield opened


@pytest.mark.parametrize(("path", "body"), [
    ("/users/1/recommendations", '{{"context": {{"device": {value}}}}}'),
    ("/recommendations/new-user", '{{"items": ["1"], "context": {{"device": {value}}}}}'),
])
@pytest.mark.parametrize(("value", "kind"), [("null", "null"), ("[1]", "a list"),
                                             ('{"os": "ios"}', "an object")])
def test_a_context_value_of_no_context_type_is_one_error_at_its_key(http, path, body, value,
                                                                    kind):
    answer = http.post(path, content=body.format(value=value).encode(), headers=JSON)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", "context", "device"]
    assert problem["msg"] == ("Input should be text, a number or a boolean (a context "
                              f"value), not {kind}")


@pytest.mark.parametrize("value", [2**53 + 1, -(2**60)])
def test_a_whole_number_beyond_float_precision_is_refused_as_documented(http, value):
    answer = http.post("/users/1/recommendations", json={"context": {"screen": value}})
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", "context", "screen"]
    assert problem["msg"] == ("Input should be a whole number from -9007199254740992 to "
                              "9007199254740992 (larger ones lose precision as numbers)")


@pytest.mark.parametrize(("body", "message"), [
    (b'{"context": {"device": "' + b"x" * 257 + b'"}}',
     "a text of 257 characters ('xxxxxxxxxxxxxxxxxxxx'...); a context value is at most 256 "
     "characters"),
    (b'{"context": {"device": 1e400}}',
     "1e400 is beyond the range of a number (about 1.8e308 either way: past it the value is "
     "lost); leave the field out or give its value (Input should be a finite number)"),
])
def test_an_out_of_bounds_value_names_its_key_alone(http, body, message):
    answer = http.post("/users/1/recommendations", content=body, headers=JSON)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", "context", "device"]
    assert problem["msg"] == message
