"""A saved feature builder whose fields hold values of another JSON type is refused naming
the field (never coerced: a string of sources read letter by letter, 2.7 candidates taken
as 2), and a saved two-stage model whose model.json declares another ranker or other
features than the parts it carries is refused (even with its checksums made to match)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.models import create_model, load_model, persistence
from recstack.pipeline.features import FeatureBuilder
from tests.pipeline.tiny_ranker import tiny_ranker  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def data():
    return generate(n_users=120, n_items=80, n_interactions=2500, seed=1)


@pytest.fixture
def fitted(data, tiny_ranker):  # noqa: F811 (the imported fixture)
    return create_model("two_stage", generators=[{"type": "most_popular"}],
                        ranker={"type": "tiny_linear"}, n_candidates=10).fit(data)


def _edited(builder: FeatureBuilder, change) -> str:
    raw = json.loads(builder.to_json())
    change(raw)
    return json.dumps(raw)


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r.__setitem__("sources", "most_popular"),
     "'sources' must be a list of non-empty names, got a string"),
    (lambda r: r.__setitem__("sources", [["most_popular"]]),
     "'sources' must be a list of non-empty names, got a list"),
    (lambda r: r.__setitem__("sources", ["a", "a"]), "'sources' names \\['a'\\] more than once"),
    (lambda r: r.__setitem__("scorers", 5), "'scorers' must be a list of non-empty names, got "
                                            "an integer \\(5\\)"),
    (lambda r: r.__setitem__("n_per_source", 2.7), "'n_per_source' must be a positive integer, "
                                                   "got a number \\(2.7\\)"),
    (lambda r: r.__setitem__("n_per_source", -3), "'n_per_source' must be a positive integer"),
    (lambda r: r.__setitem__("n_per_source", True), "'n_per_source' must be a positive "
                                                    "integer, got true/false"),
    (lambda r: r.__setitem__("options", [1]), "'options' must be an object, got a list"),
    (lambda r: r.pop("columns"), "missing field\\(s\\) \\['columns'\\]"),
    (lambda r: r.__setitem__("columns", "genres"), "'columns' must be a list of columns, got a "
                                                   "string"),
    (lambda r: r["columns"][0].__setitem__("levels", "abc"),
     "'columns'\\[0\\]: levels must be a list of strings, got a string"),
    (lambda r: r["columns"][0].__setitem__("levels", [1, 2]),
     "'columns'\\[0\\]: levels must be a list of strings"),
    (lambda r: r["columns"][0].__setitem__("table", "items"),
     "'columns'\\[0\\]: table must be 'item' or 'user'"),
    (lambda r: r["columns"][0].pop("role"), "'columns'\\[0\\] must be an object with exactly"),
    (lambda r: r["options"].__setitem__("half_life_day", 3), "unknown feature option"),
])
def test_a_saved_builder_of_other_json_types_is_refused_by_field(fitted, change, message):
    builder = fitted.builder_
    assert builder.columns_  # the synthetic item table gives columns to edit
    text = _edited(builder, change)
    with pytest.raises(RecstackError, match="^features: the saved feature builder"):
        FeatureBuilder.from_json(text)
    with pytest.raises(RecstackError, match=message):
        FeatureBuilder.from_json(text)


def test_a_saved_builder_that_is_not_an_object_is_refused(fitted):
    with pytest.raises(RecstackError, match="malformed: expected a JSON object, got a list"):
        FeatureBuilder.from_json("[]")
    again = FeatureBuilder.from_json(fitted.builder_.to_json())
    assert again.schema_ == fitted.builder_.schema_
    assert again.sources_ == fitted.builder_.sources_


def _forged(model, tmp_path, change):
    """The model saved, its model.json edited by ``change`` and its checksum recomputed."""
    saved = model.save(tmp_path / "saved")
    edited = tmp_path / "edited"
    shutil.copytree(saved, edited)
    meta_path = edited / persistence.META
    meta = json.loads(meta_path.read_text())
    change(meta["params"])
    meta["sha256"][persistence.META] = persistence._metadata_digest(meta)
    meta_path.write_text(json.dumps(meta))
    return edited


def test_a_two_stage_whose_ranker_table_disagrees_with_its_ranker_is_refused(
        fitted, tmp_path):
    edited = _forged(fitted, tmp_path, lambda p: p["ranker"].__setitem__("alpha", 5.0))
    with pytest.raises(RecstackError, match="the saved ranker is tiny_linear with .*'alpha': "
                                            "1.0.*but the model's ranker table declares "
                                            "tiny_linear with .*'alpha': 5.0"):
        load_model(edited)


def test_a_two_stage_whose_features_table_disagrees_with_its_builder_is_refused(
        fitted, tmp_path):
    edited = _forged(fitted, tmp_path,
                     lambda p: p.__setitem__("features", {"half_life_days": 3.0}))
    with pytest.raises(RecstackError, match="the feature builder was fitted with "
                                            "half_life_days = 30.0, but the model's features "
                                            "table says 3.0"):
        load_model(edited)


def test_an_unedited_two_stage_still_loads_and_scores_alike(fitted, data, tmp_path):
    fitted_with_options = create_model(
        "two_stage", generators=[{"type": "most_popular"}],
        ranker={"type": "tiny_linear", "alpha": 2.0}, n_candidates=10,
        features={"half_life_days": 7, "item_columns": ["genres"], "max_levels": 50}).fit(data)
    for number, model in enumerate((fitted, fitted_with_options)):
        loaded = load_model(model.save(tmp_path / f"m{number}"))
        users = np.arange(5)
        np.testing.assert_allclose(loaded.score_users(users), model.score_users(users),
                                   rtol=1e-6)
