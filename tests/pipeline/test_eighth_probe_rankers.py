"""Eighth bad-input probe of the feature frame: a pandas DataFrame of features whose
columns come in another order than the schema's was read by position (each feature got
another's values, silently, and a ranker fitted on the right order scored it as such);
now it is read by name, a frame naming some features but not all is refused, and a
nullable column's missing value is the frame's NaN (numpy could not convert pd.NA)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("price", "numeric"), Feature("clicks", "numeric"),
                        Feature("genre", "categorical", cardinality=4)))
TABLE = pd.DataFrame({"clicks": [3.0, 0.0, 7.0], "price": [9.5, 1.0, 4.0],
                      "genre": [1, 3, 2]})


def frame(numeric, categorical=TABLE[["genre"]]) -> FeatureFrame:
    return FeatureFrame(SCHEMA, numeric, categorical, [0, 0, 0], [1, 2, 3], [0, 0, 0])


def test_features_in_another_column_order_are_read_by_name():
    built = frame(TABLE[["clicks", "price"]])
    np.testing.assert_array_equal(built.column("price"), [9.5, 1.0, 4.0])
    np.testing.assert_array_equal(built.column("clicks"), [3.0, 0.0, 7.0])
    np.testing.assert_array_equal(built.column("genre"), [1, 3, 2])


@pytest.mark.parametrize(("columns", "said"), [
    (["price"], "missing 'clicks'"),
    (["price", "views"], "missing 'clicks'; not in the schema 'views'"),
])
def test_a_frame_naming_some_features_but_not_all_is_refused(columns, said):
    numeric = TABLE.assign(views=1.0)[columns]
    with pytest.raises(RecstackError, match=r"^feature frame: the numeric features' columns "
                       rf"are not the schema's \({said}\); the schema declares 'price', "
                       "'clicks'"):
        frame(numeric)


def test_a_missing_value_of_a_nullable_column_is_nan():
    numeric = pd.DataFrame({"price": pd.array([9.5, None, 4.0], dtype="Float64"),
                            "clicks": pd.array([3, 0, None], dtype="Int64")})
    built = frame(numeric)
    np.testing.assert_array_equal(built.column("price"), [9.5, np.nan, 4.0])
    np.testing.assert_array_equal(built.column("clicks"), [3.0, 0.0, np.nan])
    # columns named 0, 1 (no feature's name) are read by position, as an array is
    plain = frame(pd.DataFrame([[9.5, 3.0], [1.0, 0.0], [4.0, 7.0]]))
    np.testing.assert_array_equal(plain.column("clicks"), [3.0, 0.0, 7.0])


# ------------------------------------------------------------------ validation rows unused
def toy(n_groups: int = 8, size: int = 5, seed: int = 0):
    """Groups of candidates labelled 1 where the signal is above 0.5."""
    schema = FeatureSchema((Feature("signal", "numeric"),))
    rng = np.random.default_rng(seed)
    n = n_groups * size
    numeric = rng.random((n, 1))
    groups = np.repeat(np.arange(n_groups), size)
    frame = FeatureFrame(schema, numeric, np.zeros((n, 0), np.int64), groups, np.arange(n),
                         groups)
    return frame, (numeric[:, 0] > 0.5).astype(np.float64)


@pytest.mark.parametrize(("name", "options", "said"), [
    ("logistic", {}, "logistic has no early stopping .*so they would not be used"),
    ("lightgbm", {"n_estimators": 7, "n_jobs": 1, "min_child_samples": 2},
     "lightgbm reads them only to stop early, and early_stopping_rounds is None, so all 7 "
     r"trees would be grown regardless; set early_stopping_rounds \(e.g. 20\)"),
])
def test_validation_rows_a_ranker_would_not_read_are_refused(name, options, said):
    pytest.importorskip({"logistic": "sklearn", "lightgbm": "lightgbm"}[name])
    from recstack.pipeline.rankers import create_ranker

    frame, labels = toy()
    validation = toy(seed=1)
    with pytest.raises(RecstackError, match=f"^{name}.fit: validation rows were given, but "
                                            f"{said}"):
        create_ranker(name, **options).fit(frame, labels, validation=validation)
    if name == "lightgbm":
        # with early stopping they are read
        create_ranker(name, early_stopping_rounds=2, **options).fit(frame, labels,
                                                                    validation=validation)


# ------------------------------------------------------------------ 0-based logged positions
def test_positions_counted_from_0_are_refused_with_a_serving_position():
    pytest.importorskip("sklearn")
    from recstack.pipeline.rankers import create_ranker

    schema = FeatureSchema((Feature("signal", "numeric"), Feature("position", "numeric")))
    rng = np.random.default_rng(0)
    signal = rng.random(40)
    logged = np.tile(np.arange(5), 8).astype(float)  # 0 = the top: serving at 1 = 2nd slot
    groups = np.repeat(np.arange(8), 5)

    def log(positions):
        return FeatureFrame(schema, np.column_stack([signal, positions]),
                            np.zeros((40, 0), np.int64), groups, np.arange(40), groups)

    labels = (signal > 0.5).astype(float)
    with pytest.raises(RecstackError, match=r"^logistic.fit: the feature 'position' holds 0 "
                       r"at row 0, but logged positions are 1-based \(1 = the top\), as "
                       r"serving_position = 1 is \(counted from 0\? add 1 to every position\)"):
        create_ranker("logistic", serving_position=1).fit(log(logged), labels)
    # counted from 1 they are read (and without a serving position any column is a feature)
    create_ranker("logistic", serving_position=1).fit(log(logged + 1), labels)
    create_ranker("logistic").fit(log(logged), labels)


# ------------------------------------------------------------------ a feature never present
def test_a_feature_missing_on_every_row_fits_without_numpys_warning():
    # numpy's nanmean printed "RuntimeWarning: Mean of empty slice" for such a column
    pytest.importorskip("sklearn")
    import warnings

    from recstack.pipeline.rankers import create_ranker

    schema = FeatureSchema((Feature("signal", "numeric"), Feature("never", "numeric")))
    signal = np.tile([0.2, 0.9, 0.4, 0.7], 5)
    groups = np.repeat(np.arange(5), 4)
    built = FeatureFrame(schema, np.column_stack([signal, np.full(20, np.nan)]),
                         np.zeros((20, 0), np.int64), groups, np.arange(20), groups)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ranker = create_ranker("logistic").fit(built, (signal > 0.5).astype(float))
    # the imputed means: the signal's (0.55) and 0 for the column without any value
    np.testing.assert_allclose(ranker.means_, [0.55, 0.0])


# ------------------------------------------------------------------ reading a saved ranker
@pytest.fixture()
def saved(tmp_path):
    pytest.importorskip("sklearn")
    from recstack.pipeline.rankers import create_ranker

    frame, labels = toy()
    return create_ranker("logistic").fit(frame, labels).save(tmp_path / "ranker")


@pytest.mark.parametrize("unreadable", ["ranker.json", "weights.npz"])
def test_a_file_that_cannot_be_read_is_named(saved, monkeypatch, unreadable):
    # a file without read permission was a PermissionError traceback
    import builtins
    from pathlib import Path

    from recstack.pipeline.rankers import load_ranker

    def refuse(file, *args, **kwargs):
        if Path(file).name == unreadable:
            raise PermissionError(13, "Permission denied")
        return opened(file, *args, **kwargs)

    opened = builtins.open
    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(Path, "read_text", lambda self, **kw: refuse(self).read())
    with pytest.raises(RecstackError, match=rf"{unreadable}: cannot read \(Permission "
                                            r"denied\)"):
        load_ranker(saved)


def test_a_saved_models_folder_is_named_as_one(tmp_path):
    from recstack.data.synthetic import generate
    from recstack.models import create_model
    from recstack.pipeline.rankers import load_ranker

    folder = create_model("most_popular").fit(
        generate(n_users=20, n_items=30, n_interactions=200, seed=0)).save(tmp_path / "m")
    with pytest.raises(RecstackError, match=r"not a saved recstack ranker \(no ranker.json\); "
                       "it holds model.json, a saved model, which "
                       "recstack.models.load_model reads"):
        load_ranker(folder)
