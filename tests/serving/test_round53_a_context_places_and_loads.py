"""Round 53 A: a request context's refusals from Python name their place as every other
refusal from Python does, and a few refusals say what was given.

From Python a bad context value was ``context['city']: ...`` where HTTP said ``body field
context.city: ...`` and the rest of the Python API names places ``events[0].item_id``; a
NaN context value was "Input should be a finite number" without saying it was NaN; a NaN
variant share kept pydantic's "Input should be a finite number" (no range, no value); a
block list naming ids the version does not have was a Python warning naming neither the
step nor the version (and shown once per process, so a later reload said nothing);
``exact_search(k=2.0)`` said only "k must be a positive integer"; ``load("latest")`` said
only that no model has that name. Every expected message is written out here by hand.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.serving.service import InvalidContextError  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

RETIRED = [f"retired-{n}" for n in range(1, 8)]


@pytest.fixture(scope="module")
def registry(tmp_path_factory, train, als):
    return publish(tmp_path_factory.mktemp("round53_a") / "registry", als, train)


@pytest.fixture(scope="module")
def http(registry):
    with client(settings(registry)) as opened:
        yield opened


@pytest.fixture(scope="module")
def service(http):
    return http.app.state.service


def _python_refusal(service, user, context) -> InvalidContextError:
    with pytest.raises(InvalidContextError) as caught:
        service.recommend_user(user, 5, context=context)
    return caught.value


def _http_refusal(http, user, context) -> tuple[list, str, str]:
    answer = http.post(f"/users/{user}/recommendations", json={"context": context})
    assert answer.status_code == 422, answer.text
    body = answer.json()
    [error] = body["errors"]
    return error["loc"], error["msg"], body["message"]


# --------------------------------------------------------------------------- context
@pytest.mark.parametrize(("value", "said_python", "said_json"), [
    ([1], "a list", "a list"),
    (None, "None", "null"),
    ({"a": 1}, "a dict", "an object"),
])
def test_a_bad_context_value_is_named_as_python_names_every_place(http, service, user, value,
                                                                  said_python, said_json):
    refused = _python_refusal(service, user, {"city": value})
    rule = "Input should be text, a number or a boolean (a context value), not"
    # it was "context['city']: ..."
    assert str(refused) == f"context.city: {rule} {said_python}"
    assert refused.field == "context.city"
    loc, msg, message = _http_refusal(http, user, {"city": value})
    assert loc == ["body", "context", "city"]
    assert msg == f"{rule} {said_json}"
    assert message == f"body field context.city: {rule} {said_json}"


def test_an_unknown_context_key_is_refused_alike_from_python_and_http(http, service, user):
    said = ("context key 'city' is not a context column of the served model (als@1); "
            "accepted keys: none (the model uses no context)")
    refused = _python_refusal(service, user, {"city": "Paris"})
    assert (str(refused), refused.field) == (said, "context.city")
    loc, msg, _ = _http_refusal(http, user, {"city": "Paris"})
    assert (loc, msg) == (["body", "context", "city"], said)


@pytest.mark.parametrize(("value", "said"), [
    (float("nan"), "NaN (a missing value?)"),
    (np.float32("nan"), "NaN (a missing value?)"),
    (float("inf"), "Infinity"),
    (np.float64("-inf"), "-Infinity"),
])
def test_a_non_finite_context_value_from_python_says_what_it_was(service, user, value, said):
    refused = _python_refusal(service, user, {"screen": value})
    # it was "context['screen']: Input should be a finite number", not saying NaN
    assert str(refused) == ("context.screen: Input should be a finite number (a context "
                            f"value), not {said}")
    assert refused.field == "context.screen"


def test_a_key_with_a_dot_is_one_place_in_both_paths(http, service, user):
    refused = _python_refusal(service, user, {"a.b": [1]})
    assert refused.field == "context.a.b"
    assert str(refused).startswith("context.a.b: Input should be text")
    loc, _, _ = _http_refusal(http, user, {"a.b": [1]})
    assert loc == ["body", "context", "a.b"]


# --------------------------------------------------------------------------- settings
@pytest.mark.parametrize(("share", "said"), [
    (float("nan"), "Input should be a finite number (give a number above 0 and at most 1), "
                   "got NaN"),
    (float("inf"), "Input should be a finite number (give a number above 0 and at most 1), "
                   "got Infinity"),
    (1.5, "Input should be less than or equal to 1 (give a number above 0 and at most 1), "
          "got 1.5"),
    (0, "Input should be greater than 0 (give a number above 0 and at most 1), got 0"),
])
def test_a_share_out_of_range_states_the_range_and_the_value(share, said):
    from recstack.serving.settings import ServiceSettings

    arms = [{"name": "a", "model": "als", "share": share},
            {"name": "b", "model": "als", "share": 0.5}]
    with pytest.raises(ConfigError) as raised:
        ServiceSettings.create(registry="models", variants=arms)
    assert str(raised.value) == f"serve settings: field 'variants.0.share': {said}"


def test_a_whole_number_setting_out_of_range_states_its_range():
    from recstack.serving.settings import ServiceSettings

    with pytest.raises(ConfigError) as raised:
        ServiceSettings.create(registry="models", max_k=0)
    assert str(raised.value) == ("serve settings: field 'max_k': Input should be greater than "
                                 "or equal to 1 (give a whole number at least 1 and at most "
                                 "1000), got 0")


# --------------------------------------------------------------------------- block list
def test_a_block_list_naming_retired_items_is_logged_with_its_version(registry, als, caplog):
    known = str(als.items_.external_ids[0])
    chain = [{"type": "block_list", "items": [*RETIRED, known]}]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the note is logged, no longer a Python warning
        with caplog.at_level(logging.WARNING, logger="recstack.serving"), \
                client(settings(registry, rerank=chain)) as opened:
            served = opened.get(f"/users/{als.users_.external_ids[1]}/recommendations",
                                params={"k": 79})
    notes = [r.getMessage() for r in caplog.records if "block_list" in r.getMessage()]
    assert notes == [
        "rerank[0] for als@1: block_list: 7 blocked item id(s) are not in the "
        "training data (items: 'retired-1', 'retired-2', 'retired-3', 'retired-4', "
        "'retired-5' and 2 more); they are ignored (a block list kept across catalog "
        "versions may name retired items)"]
    # the ids the version has are still blocked: serving goes on with the rest of the list
    assert served.status_code == 200, served.text
    assert known not in [entry["item_id"] for entry in served.json()["items"]]


# --------------------------------------------------------------------------- ann, registry
def test_exact_search_refuses_a_float_k_as_the_index_does():
    from recstack.serving.ann import exact_search

    vectors = np.eye(3, dtype=np.float32)
    with pytest.raises(ConfigError) as raised:
        exact_search(vectors, vectors[:1], 2.0)
    assert str(raised.value) == ("exact_search: k must be a positive integer, got 2.0, a "
                                 "float; write the whole number 2 (int(k))")


@pytest.mark.parametrize("word", ["latest", "current"])
def test_loading_latest_says_a_current_version_is_the_bare_name(registry, word):
    with pytest.raises(RecstackError) as raised:
        registry.load(word)
    assert str(raised.value) == (f"{registry.root}: no model named {word!r} (names: als); "
                                 f"{word!r} is no keyword: a model's current version is named "
                                 "by its name alone (e.g. 'als'), a version by name@N")

