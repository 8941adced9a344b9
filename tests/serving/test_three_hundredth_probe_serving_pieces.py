"""The serving pieces least probed before, given what a new user would pass: the settings'
re-ranking chain fitted from Python on no model or on an item table of another catalog, a
log file's columns given as one text, a version folder given as text, a registered name
typed in full-width letters, and a JSON body's whole number given as a list or an object.

Expected values are written out by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models.baselines import MostPopular
from recstack.models.registry import MODELS
from recstack.registry import blank_around
from recstack.serving import rerank
from recstack.serving.registry import verify_folder
from recstack.serving.request_log import check_log_columns


@pytest.fixture(scope="module")
def popular() -> MostPopular:
    frame = pd.DataFrame({"user_id": ["a", "a", "b", "c"], "item_id": ["x", "y", "x", "z"],
                          "value": [1.0, 1.0, 1.0, 1.0]})
    return MostPopular().fit(Interactions.from_frame(frame))


BLOCK = [{"type": "block_list", "items": ["x"]}]


@pytest.mark.parametrize("model, message", [
    (None, "fit_chain: model must be a fitted recstack model (a Recommender, e.g. "
           "ModelRegistry(...).load('als').model), got NoneType None"),
    ("als", "fit_chain: model must be a fitted recstack model"),
    (MostPopular(), "most_popular: call fit() before"),
])
def test_a_chain_fitted_on_what_is_no_fitted_model_is_refused(model, message):
    # before: AttributeError "'NoneType' object has no attribute 'seen_'" (and for a model
    # not yet fitted "'MostPopular' object has no attribute 'seen_'")
    with pytest.raises(RecstackError) as caught:
        rerank.fit_chain(BLOCK, model, None)
    assert message in str(caught.value)
    with pytest.raises(RecstackError):
        rerank.training_data(model, None)


def test_an_item_table_of_another_catalog_is_refused(popular):
    # before: every item's attributes were empty without a word (the ids 1 and 2 are
    # none of the model's x, y, z)
    other = pd.DataFrame({"item_id": [1, 2], "genre": ["A", "B"]})
    with pytest.raises(ConfigError) as caught:
        rerank.fit_chain(BLOCK, popular, other)
    assert str(caught.value) == (
        "the item table: none of its 2 item ids is an item of most_popular (the table has "
        "'1', '2', ...; the model 'x', 'y', 'z', ...); give the item table of the model's "
        "catalog, with its item_id column spelled as the model's ids")
    # one item of the catalog is enough: the others are unknown (empty), as before
    partly = pd.DataFrame({"item_id": ["y", "q"], "genre": ["A", "B"]})
    aligned = rerank.training_data(popular, partly).item_table
    assert aligned["item_id"].tolist() == ["x", "y", "z"]
    assert aligned["genre"].tolist() == [None, "A", None]


def test_log_columns_given_as_one_text_are_refused(tmp_path):
    # before: "abc" was searched as text, so the required column "a" was found in it
    with pytest.raises(ConfigError, match="columns must be the file's column names as a "
                                          "list \\(e.g. list\\(table.columns\\)\\), got str "
                                          "'abc'"):
        check_log_columns("abc", ["a"], tmp_path / "log.csv", "request")
    check_log_columns(pd.Index(["a", "b"]), ["a"], tmp_path / "log.csv", "request")


def test_a_version_folder_given_as_text_is_read(tmp_path):
    # before: "unsupported operand type(s) for /: 'str' and 'str'"
    with pytest.raises(RecstackError, match="^v1: no manifest.json; not a complete "
                                            "version$"):
        verify_folder(str(tmp_path), "v1")
    with pytest.raises(RecstackError, match="v1: version folder: expected a path"):
        verify_folder(None, "v1")


def test_a_name_in_full_width_letters_is_told_apart():
    # before: "unknown model 'ａｌｓ'; available: ..." with no suggestion: the name differs
    # from 'als' in every character, so no nearest name was found
    with pytest.raises(ConfigError) as caught:
        MODELS.get("ａｌｓ")
    assert str(caught.value).startswith(
        "unknown model 'ａｌｓ' (did you mean 'als'? 'ａｌｓ' holds 'ａ' at position 1, "
        "U+FF41 FULLWIDTH LATIN SMALL LETTER A: retype it in ASCII); available: ")
    # a name of other letters is refused as before, with the nearest when there is one
    with pytest.raises(ConfigError, match="unknown model 'ALS' \\(did you mean 'als'\\?\\)"):
        MODELS.get("ALS")
    assert blank_around(5) == "it is int 5, not a name"


pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture
def service(tmp_path: Path, als, train):
    with client(settings(publish(tmp_path / "registry", als, train))) as test_client:
        yield test_client


@pytest.mark.parametrize("body, kind", [({"k": [5]}, "a list"),
                                        ({"k": {"value": 5}}, "an object")])
def test_a_whole_number_sent_as_a_list_or_an_object_names_what_was_sent(service, body, kind):
    # before: pydantic's bare "Input should be a valid integer"
    answer = service.post("/users/0/recommendations", json=body)
    assert answer.status_code == 422
    assert answer.json()["message"] == ("body field k: Input should be a whole number from 1 "
                                        f"to 100 (this service's max_k), not {kind}")
    answer = service.post("/recommendations/new-user", json={"items": ["1"], **body})
    assert answer.status_code == 422
    assert answer.json()["message"] == ("body field k: Input should be a whole number from 1 "
                                        f"to 100 (this service's max_k), not {kind}")
    assert service.get("/health").status_code == 200


def test_a_user_given_as_an_integer_is_in_the_arm_of_its_text(tmp_path, als, train):
    from recstack.serving.service import Service
    from recstack.serving.telemetry import ServiceMetrics
    from recstack.serving.variants import bucket

    registry = publish(tmp_path / "registry", als, train)
    registry.publish("als", als, data=train)
    variants = [{"name": "control", "model": "als@1", "share": 0.5},
                {"name": "test", "model": "als@2", "share": 0.5}]
    # under the salt "b" the users "0" and "5" hash into the second half: the arm "test"
    assert bucket("0", "b") > 0.5 and bucket("5", "b") > 0.5
    service = Service(settings(registry, variants=variants, variant_salt="b"),
                      ServiceMetrics())
    service.start()
    try:
        assert service.variant_for("0").name == service.variant_for("5").name == "test"
        # before: 5 was a TypeError (object of type 'int' has no len()), and 0 was served
        # by the first arm, control, as if no user had been given
        assert service.variant_for(5).name == "test"
        assert service.variant_for(0).name == "test"
        assert service.variant_for(None).name == "control"  # a new visitor
        with pytest.raises(RecstackError, match="user_id: the id must be text"):
            service.variant_for(1.5)
    finally:
        service.close()
