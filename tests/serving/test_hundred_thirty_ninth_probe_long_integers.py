"""Hundred-thirty-ninth probe: whole numbers of more than 4,300 digits, which Python
refuses to read as text ("Exceeds the limit (4300 digits) for integer string conversion").
In a JSON body such a number was a 422 "JSON decode error: an integer of more than 4300
digits" of the whole body, naming no field; in a query, pydantic's "Unable to parse input
string as an integer, exceeded maximum size", naming no bound; in a settings file (or the
settings the workers read from the environment) "not valid JSON (Exceeds the limit ...;
use sys.set_int_max_str_digits() to increase the limit)", naming no setting; in an
evaluation's results.json given to publish, Python's advice again. Each now names the
field (or the file) and the number by its length, with what the field takes."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.serving.commands import evaluation_of  # noqa: E402
from recstack.serving.settings import (  # noqa: E402
    SETTINGS_ENV,
    settings_from_env,
    settings_from_options,
)
from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

LONG = "9" * 5001


def _fill(template: str, *values: str) -> str:
    """``template`` with its ``%s`` replaced by ``values`` (JSON written with braces)."""
    return template % values
TOO_LONG = "a 5,001-digit integer is too long to be read as a number (at most 4,300 digits)"


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("long") / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN)) as http:
        yield http


def _post(http, path, body, **headers):
    return http.post(path, content=body, headers={"content-type": "application/json",
                                                  **headers})


def _only(answer, loc):
    assert answer.status_code == 422, answer.text
    problems = [p for p in answer.json()["detail"] if p["loc"] == loc]
    assert len(problems) == 1, answer.json()
    return problems[0]


@pytest.mark.parametrize("sign", ["", "-"])
def test_a_long_k_in_a_body_names_the_field_and_its_bounds(http, item, sign):
    answer = _post(http, "/recommendations/new-user",
                   _fill('{"items": ["%s"], "k": %s%s}', item, sign, LONG))
    problem = _only(answer, ["body", "k"])
    assert problem["msg"] == ("Input should be a whole number from 1 to 100 (this service's "
                              f"max_k); {TOO_LONG}")
    assert problem["input"] == "a 5,001-digit integer"
    assert answer.json()["message"].startswith("body field k: ")


def test_a_long_k_in_the_body_of_a_users_recommendations(http, user):
    problem = _only(_post(http, f"/users/{user}/recommendations", _fill('{"k": %s}', LONG)),
                    ["body", "k"])
    assert TOO_LONG in problem["msg"]


def test_a_long_integer_for_an_item_id_says_to_write_it_as_text(http):
    problem = _only(_post(http, "/recommendations/new-user", _fill('{"items": [%s]}', LONG)),
                    ["body", "items", 0])
    assert problem["msg"].startswith("Input should be an id written as text")
    assert TOO_LONG in problem["msg"]


def test_a_long_timestamp_names_the_time_field(http, item):
    problem = _only(_post(http, "/recommendations/new-user",
                          _fill('{"items": ["%s"], "timestamp": %s}', item, LONG)),
                    ["body", "timestamp"])
    assert problem["msg"].startswith("Input should be seconds since 1970 (UTC), at most ")
    assert TOO_LONG in problem["msg"]


def test_a_long_context_value_names_its_key(http, item):
    problem = _only(_post(http, "/recommendations/new-user",
                          _fill('{"items": ["%s"], "context": {"device": %s}}', item, LONG)),
                    ["body", "context", "device"])
    assert problem["msg"].startswith("Input should be a whole number from "
                                     f"-{2**53} to {2**53}")
    assert TOO_LONG in problem["msg"]


@pytest.mark.parametrize(("field", "value", "start"), [
    ("cost", LONG, "Input should be an amount from 0 to 1e12"),
    ("position", "-" + LONG, "Input should be a whole number from 1 to 1000"),
])
def test_a_long_number_of_an_event_names_the_event_field(http, user, item, field, value,
                                                           start):
    event = {"user_id": user, "item_id": item, "event": "click", "timestamp": 1.7e9}
    body = json.dumps({"events": [event]})[:-3] + f', "{field}": {value}' + "}]}"
    problem = _only(_post(http, "/events", body), ["body", "events", 0, field])
    assert TOO_LONG in problem["msg"] and start in problem["msg"]


def test_a_long_integer_where_a_list_belongs_says_both(http):
    problem = _only(_post(http, "/events", _fill('{"events": %s}', LONG)), ["body", "events"])
    assert problem["msg"] == f"{TOO_LONG}; Input should be a valid list"


def test_a_long_version_to_reload_names_the_field(http):
    answer = _post(http, "/admin/reload", _fill('{"version": %s}', LONG),
                   authorization=f"Bearer {TOKEN}")
    problem = _only(answer, ["body", "version"])
    assert problem["msg"] == f"Input should be a whole number from 1 to 99999999; {TOO_LONG}"


#: a k's top is the service's max_k (100 by default), a limit's the schema's 1000
RANGES = {"k": "from 1 to 100 (this service's max_k)", "limit": "from 1 to 1000"}


@pytest.mark.parametrize(("path", "name"), [("/users/{user}/recommendations", "k"),
                                            ("/items/{item}/similar", "k"),
                                            ("/users/{user}/history", "limit"),
                                            ("/users", "limit")])
def test_a_long_query_integer_names_the_bounds(http, user, item, path, name):
    answer = http.get(path.format(user=user, item=item), params={name: LONG})
    problem = _only(answer, ["query", name])
    assert problem["msg"] == f"Input should be a whole number {RANGES[name]}; {TOO_LONG}"


def test_numbers_of_4300_digits_keep_the_bound_message(http, item):
    # Python reads them: the bound refuses them, as any number too large
    problem = _only(_post(http, "/recommendations/new-user",
                          _fill('{"items": ["%s"], "k": %s}', item, "9" * 4300)), ["body", "k"])
    assert problem["msg"] == ("Input should be a whole number from 1 to 100 (this service's "
                              "max_k), not a number of 4,300 digits")


def test_a_long_setting_in_a_config_file_names_the_setting_and_its_bounds(tmp_path):
    config = tmp_path / "serve.json"
    config.write_text(_fill('{"registry": "models", "default_k": %s}', LONG))
    with pytest.raises(ConfigError) as caught:
        settings_from_options(config)
    assert str(caught.value) == (f"serve settings: --config {config}: field 'default_k': "
                                 f"{TOO_LONG}; give a whole number at least 1 and at most "
                                 "1000")


def test_a_long_share_of_a_variant_names_the_variant_field(tmp_path):
    config = tmp_path / "serve.json"
    config.write_text(_fill('{"registry": "models", "variants": [{"name": "a", "model": "als", '
                      '"share": %s}]}', LONG))
    with pytest.raises(ConfigError, match=r"field 'variants\.0\.share': a 5,001-digit "
                       r"integer is too long .*; give a number above 0 and at most 1"):
        settings_from_options(config)


def test_a_long_setting_in_the_workers_environment_is_named(monkeypatch):
    monkeypatch.setenv(SETTINGS_ENV, _fill('{"registry": "models", "max_k": -%s}', LONG))
    with pytest.raises(ConfigError) as caught:
        settings_from_env()
    assert str(caught.value) == (f"serve settings: {SETTINGS_ENV}: field 'max_k': {TOO_LONG}; "
                                 "give a whole number at least 1 and at most 1000")


def test_a_long_integer_in_the_results_given_to_publish_is_named(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(_fill('{"models": [{"model": "als", "metrics": {"ndcg": %s}}]}', LONG))
    with pytest.raises(RecstackError) as caught:
        evaluation_of(results, "als")
    message = str(caught.value)
    assert message.startswith(f"{results}: not valid JSON (a 5,001-digit integer is too long")
    assert "set_int_max_str_digits" not in message
