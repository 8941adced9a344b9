"""The ranker contract, run over every registered ranker: fit, score, save/load, seeds,
bad input, and an accuracy floor on a synthetic frame whose right order is known."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.rankers import available_rankers, create_ranker, load_ranker
from recstack.pipeline.rankers.base import grouped_ndcg
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((
    Feature("signal", "numeric", "drives relevance"),
    Feature("noise", "numeric", "unrelated; 10% missing"),
    Feature("genre", "categorical", "level 3 is relevant", cardinality=5),
    Feature("device", "categorical", "crossed with genre", cardinality=3),
))


def synthetic_frame(n_groups: int = 120, size: int = 10, seed: int = 0,
                     schema: FeatureSchema = SCHEMA) -> tuple[FeatureFrame, np.ndarray, np.ndarray]:
    """Groups of ``size`` candidates; the true relevance is
    sigmoid(2 signal + 1.5 [genre == 3] + 1 [genre == 1 and device == 2] - 1.5) and the label
    a Bernoulli draw of it. Returns the frame, the labels and the true relevance."""
    rng = np.random.default_rng(seed)
    n = n_groups * size
    signal = rng.normal(size=n)
    noise = rng.normal(size=n)
    noise[rng.random(n) < 0.1] = np.nan
    genre = rng.integers(0, 5, n)
    device = rng.integers(0, 3, n)
    logit = 2 * signal + 1.5 * (genre == 3) + 1.0 * ((genre == 1) & (device == 2)) - 1.5
    relevance = 1 / (1 + np.exp(-logit))
    labels = (rng.random(n) < relevance).astype(np.float64)
    frame = FeatureFrame(schema, np.column_stack([signal, noise]),
                         np.column_stack([genre, device]), np.repeat(np.arange(n_groups), size),
                         # items distinct within each group (a repeat is refused)
                         np.arange(n) % 1000, np.repeat(np.arange(n_groups), size))
    return frame, labels, relevance


#: small and fast settings per ranker (each test stays well under a second or two)
QUICK = {
    "lightgbm": {"n_estimators": 40, "num_leaves": 7, "n_jobs": 1, "min_child_samples": 5},
    "logistic": {},
    "wide_deep": {"epochs": 4, "hidden": (16,), "device": "cpu", "batch_groups": 16},
    "dcn_v2": {"epochs": 4, "hidden": (16,), "device": "cpu", "batch_groups": 16},
    "multitask": {"epochs": 4, "hidden": (16,), "device": "cpu", "batch_groups": 16},
}


def labels_for(name: str, labels: np.ndarray) -> np.ndarray:
    """The multitask ranker takes (interaction, rating); ratings given on half the rows."""
    if name != "multitask":
        return labels
    ratings = np.where(np.arange(len(labels)) % 2 == 0, 1 + 4 * labels, np.nan)
    return np.column_stack([labels, ratings])


#: the optional package each ranker needs (its tests skip without it)
NEEDS = {"lightgbm": "lightgbm", "logistic": "sklearn", "wide_deep": "torch",
         "dcn_v2": "torch", "multitask": "torch"}


def make(name: str, **params):
    pytest.importorskip(NEEDS[name], reason=f"{name} needs {NEEDS[name]}")
    return create_ranker(name, **(QUICK[name] | params))


def test_every_ranker_is_in_the_quick_settings():
    assert sorted(QUICK) == sorted(NEEDS) == available_rankers()


@pytest.mark.parametrize("name", sorted(QUICK))
def test_ranks_the_known_order_far_better_than_chance(name):
    frame, labels, _ = synthetic_frame(seed=0)
    test, test_labels, relevance = synthetic_frame(seed=1)
    scores = make(name).fit(frame, labels_for(name, labels)).score(test)
    assert scores.dtype == np.float32 and scores.shape == (len(test),)
    chance = np.mean([grouped_ndcg(np.random.default_rng(s).random(len(test)), relevance,
                                   test.groups) for s in range(5)])
    ideal_order = grouped_ndcg(relevance, relevance, test.groups)
    assert ideal_order == pytest.approx(1.0)
    achieved = grouped_ndcg(scores, relevance, test.groups)
    # chance is about 0.72 here (gains 2^rel - 1 with rel in (0, 1)); the true order 1
    assert achieved > chance + 0.2, (achieved, chance)


@pytest.mark.parametrize("name", sorted(QUICK))
def test_save_load_gives_identical_scores_and_no_pickle(name, tmp_path):
    frame, labels, _ = synthetic_frame()
    ranker = make(name).fit(frame, labels_for(name, labels))
    ranker.save(tmp_path / "r")
    loaded = load_ranker(tmp_path / "r")
    assert type(loaded) is type(ranker) and loaded.get_params() == ranker.get_params()
    np.testing.assert_array_equal(loaded.score(frame), ranker.score(frame))
    files = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert "ranker.json" in files
    for file in files:
        data = (tmp_path / "r" / file).read_bytes()
        assert not data.startswith(b"\x80"), f"{file} is a pickle"
    with pytest.raises(RecstackError, match="already exists"):
        ranker.save(tmp_path / "r")
    ranker.save(tmp_path / "r", overwrite=True)


@pytest.mark.parametrize("name", sorted(QUICK))
def test_a_changed_file_is_refused_at_load(name, tmp_path):
    frame, labels, _ = synthetic_frame(n_groups=30)
    make(name).fit(frame, labels_for(name, labels)).save(tmp_path / "r")
    state = next(p for p in (tmp_path / "r").iterdir() if p.name != "ranker.json")
    data = bytearray(state.read_bytes())
    data[len(data) // 2] ^= 1
    state.write_bytes(bytes(data))
    with pytest.raises(RecstackError, match="checksum mismatch"):
        load_ranker(tmp_path / "r")


def test_a_file_or_a_non_path_is_refused_where_a_ranker_folder_is_expected(tmp_path):
    frame, labels, _ = synthetic_frame(n_groups=10)
    make("logistic").fit(frame, labels).save(tmp_path / "r")
    with pytest.raises(RecstackError, match="ranker.json: is a file; a saved ranker is a "
                       "folder"):
        load_ranker(tmp_path / "r" / "ranker.json")
    with pytest.raises(RecstackError, match="load_ranker: path must be a folder's path .*got "
                       "None"):
        load_ranker(None)  # type: ignore[arg-type]
    with pytest.raises(RecstackError, match="logistic.save: path must be a folder's path"):
        make("logistic").fit(frame, labels).save(3)  # type: ignore[arg-type]


def test_edited_metadata_is_refused(tmp_path):
    frame, labels, _ = synthetic_frame(n_groups=30)
    make("logistic").fit(frame, labels).save(tmp_path / "r")
    meta = tmp_path / "r" / "ranker.json"
    meta.write_text(meta.read_text().replace('"C": 1.0', '"C": 2.0'))
    with pytest.raises(RecstackError, match="checksum mismatch for the metadata"):
        load_ranker(tmp_path / "r")
    with pytest.raises(RecstackError, match="not a saved recstack ranker"):
        load_ranker(tmp_path / "nothing")


@pytest.mark.parametrize("name", sorted(QUICK))
def test_seeded_fits_repeat_exactly(name):
    frame, labels, _ = synthetic_frame(n_groups=40)
    first = make(name).fit(frame, labels_for(name, labels))
    again = make(name).fit(frame, labels_for(name, labels))
    np.testing.assert_array_equal(first.score(frame), again.score(frame))
    refit = first.fit(frame, labels_for(name, labels))  # refitting = fitting once
    np.testing.assert_array_equal(refit.score(frame), again.score(frame))


# ---------------------------------------------------------------------- bad input
OTHER_SCHEMA = FeatureSchema((
    Feature("signal", "numeric"), Feature("age", "numeric"),
    Feature("genre", "categorical", cardinality=5),
    Feature("device", "categorical", cardinality=3),
))


@pytest.mark.parametrize("name", sorted(QUICK))
def test_bad_input_gets_one_clear_line(name):
    frame, labels, _ = synthetic_frame(n_groups=20)
    labels = labels_for(name, labels)
    ranker = make(name)
    with pytest.raises(RecstackError, match="call fit"):
        ranker.score(frame)
    nan = labels.copy()
    nan[(5, 0) if nan.ndim == 2 else 5] = np.nan
    with pytest.raises(RecstackError, match=r"1 label\(s\) are NaN .* row 5"):
        ranker.fit(frame, nan)
    with pytest.raises(RecstackError, match="the frame has 200 rows"):
        ranker.fit(frame, labels[:-1])
    with pytest.raises(RecstackError, match="the feature frame has no rows"):
        ranker.fit(frame.take(np.arange(0)), labels[:0])
    with pytest.raises(RecstackError, match="sample_weight must be finite and >= 0; row 3"):
        ranker.fit(frame, labels, sample_weight=np.r_[np.ones(3), -1, np.ones(196)])
    ranker.fit(frame, labels)
    other = FeatureFrame(OTHER_SCHEMA, frame.numeric, frame.categorical, frame.users,
                         frame.items, frame.groups)
    with pytest.raises(RecstackError, match=rf"{name}.score: the feature frame does not "
                       r"match .*missing noise; unexpected age"):
        ranker.score(other)
    with pytest.raises(RecstackError, match=r"\(validation\): the feature frame does not"):
        make(name).fit(frame, labels, validation=(other, labels))
    for error in (RecstackError,):
        try:
            ranker.score(other)
        except error as caught:
            assert "\n" not in str(caught)


@pytest.mark.parametrize("name", sorted(QUICK))
def test_labels_without_anything_to_learn_are_refused(name):
    frame, labels, _ = synthetic_frame(n_groups=10)
    with pytest.raises(RecstackError, match=rf"{name}.fit: every label is 0, so there is "
                       "nothing to learn"):
        make(name).fit(frame, labels_for(name, np.zeros_like(labels)))
    with pytest.raises(RecstackError, match=r"\(validation\): expected a FeatureFrame"):
        make(name).fit(frame, labels_for(name, labels), validation=(frame.to_pandas(), labels))
    with pytest.raises(RecstackError, match=rf"{name}.score: expected a FeatureFrame .*got "
                       "DataFrame"):
        make(name).fit(frame, labels_for(name, labels)).score(frame.to_pandas())


@pytest.mark.parametrize("name,loss", [("lightgbm", "lambdarank"), ("wide_deep", "bpr"),
                                       ("dcn_v2", "softmax"), ("multitask", "hinge")])
def test_a_group_loss_refuses_groups_that_hold_one_label_each(name, loss):
    frame, labels, _ = synthetic_frame(n_groups=30, size=1)  # one row per request
    with pytest.raises(RecstackError, match=rf"loss {loss!r} compares the rows of a group, "
                       r"but none of the 30 groups \(largest: 1 row\(s\)\)"):
        make(name, loss=loss).fit(frame, labels_for(name, labels))


def test_a_malformed_feature_frame_names_the_column_and_row():
    frame, _, _ = synthetic_frame(n_groups=3, size=2)
    parts = {"schema": SCHEMA, "numeric": frame.numeric, "categorical": frame.categorical,
             "users": frame.users, "items": frame.items, "groups": frame.groups}

    def build(**changes):
        return FeatureFrame(**(parts | changes))

    numeric = frame.numeric.copy()
    numeric[4, 1] = np.inf
    with pytest.raises(RecstackError, match="numeric feature 'noise' is inf at row 4; "
                       "features must be finite"):
        build(numeric=numeric)
    with pytest.raises(RecstackError, match="numeric feature 'signal' is 1e\\+40 at row 0"):
        build(numeric=np.full((6, 2), 1e40))  # beyond float32: it would become inf
    with pytest.raises(RecstackError, match="the numeric features must be numbers"):
        build(numeric=np.full((6, 2), "x"))
    with pytest.raises(RecstackError, match=r"numeric features have shape \(13,\); the frame "
                       r"has 6 rows .* expected \(6, 2\)"):
        build(numeric=np.zeros(13))
    with pytest.raises(RecstackError, match="categorical feature 'genre' has code 1.5 at row "
                       "0; codes are whole numbers in 0..4"):
        build(categorical=np.full((6, 2), 1.5))
    with pytest.raises(RecstackError, match="categorical feature 'device' has code nan"):
        build(categorical=np.column_stack([np.ones(6), np.full(6, np.nan)]))
    with pytest.raises(RecstackError, match="groups must hold integer indices, got floats "
                       r"\(0.5 at row 0\)"):
        build(groups=frame.groups + 0.5)
    with pytest.raises(RecstackError, match=r"users must be a 1-D array .* shape \(6, 1\)"):
        build(users=frame.users[:, None])
    assert build(groups=list(frame.groups)).groups.dtype == np.int64
    with pytest.raises(RecstackError, match="integer cardinality >= 1 .* got 2.5"):
        Feature("genre", "categorical", cardinality=2.5)
    with pytest.raises(RecstackError, match="feature name must be a non-empty string, got 3"):
        Feature(3, "numeric")  # type: ignore[arg-type]
    with pytest.raises(RecstackError, match="feature schema: entry 1 must be a Feature, got "
                       "'genre'"):
        FeatureSchema((Feature("a", "numeric"), "genre"))  # type: ignore[arg-type]
    with pytest.raises(RecstackError, match="entry 0 must be an object with 'name' and "
                       "'kind'"):
        FeatureSchema.from_json([{"kind": "numeric"}])
    # a list compares equal to the tuple it holds, so require_same accepts it
    SCHEMA.require_same(FeatureSchema(list(SCHEMA.features)), "here")


def test_a_candidate_listed_twice_in_a_group_is_refused_with_its_rows():
    frame, _, _ = synthetic_frame(n_groups=3, size=4)
    items = frame.items.copy()
    items[6] = items[5]  # group 1 lists its second candidate again
    with pytest.raises(RecstackError, match=rf"user 1, item {items[5]} is listed twice in "
                       r"group 1 \(rows 5 and 6\); a candidate may appear once per group"):
        FeatureFrame(SCHEMA, frame.numeric, frame.categorical, frame.users, items,
                     frame.groups)
    with pytest.raises(RecstackError, match="is listed twice in group 0 .rows 0 and 2"):
        frame.take(np.array([0, 1, 0]))
    # the same pair in two requests (groups) is two examples, not a repeat
    again = FeatureFrame(SCHEMA, frame.numeric[:4], frame.categorical[:4], np.zeros(4, np.int64),
                         [7, 8, 7, 8], [0, 0, 1, 1])
    assert again.group_sizes().tolist() == [2, 2]


@pytest.mark.parametrize("name", sorted(QUICK))
def test_an_unsupported_loss_names_the_supported_ones(name):
    frame, labels, _ = synthetic_frame(n_groups=10)
    ranker = make(name, loss="pairwise-magic")
    supported = ", ".join(ranker.supported_losses)
    with pytest.raises(ConfigError, match=rf"loss 'pairwise-magic' is not supported by this "
                       rf"ranker; it supports {supported}$"):
        ranker.fit(frame, labels_for(name, labels))


def test_bad_hyperparameters_are_named():
    frame, labels, _ = synthetic_frame(n_groups=10)
    with pytest.raises(ConfigError, match="no parameter 'n_estimator' .*did you mean "
                       "'n_estimators'"):
        create_ranker("lightgbm", n_estimator=10)
    with pytest.raises(ConfigError, match="lightgbm: learning_rate must be > 0"):
        create_ranker("lightgbm", learning_rate=0).fit(frame, labels)
    with pytest.raises(ConfigError, match=r"wide_deep: hidden\[1\] must be >= 1"):
        create_ranker("wide_deep", hidden=(8, 0)).fit(frame, labels)
    with pytest.raises(ConfigError, match="logistic: class_weight must be None, 'balanced'"):
        create_ranker("logistic", class_weight="heavy").fit(frame, labels)
    with pytest.raises(ConfigError, match="unknown ranker 'lightgbn' .*did you mean "
                       "'lightgbm'"):
        create_ranker("lightgbn")


@pytest.mark.parametrize("name", sorted(QUICK))
def test_zero_candidates_and_unknown_levels(name):
    """A frame of zero rows scores to an empty array; rows whose categories are all the
    unknown level 0 (unseen in training) score finite values."""
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make(name).fit(frame, labels_for(name, labels))
    empty = ranker.score(frame.take(np.arange(0)))
    assert empty.shape == (0,) and empty.dtype == np.float32
    unknown = FeatureFrame(SCHEMA, frame.numeric[:10], np.zeros((10, 2), np.int32),
                           frame.users[:10], frame.items[:10], frame.groups[:10])
    assert np.isfinite(ranker.score(unknown)).all()


@pytest.mark.parametrize("name", sorted(QUICK))
def test_missing_numeric_values_are_scored(name):
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make(name).fit(frame, labels_for(name, labels))
    holes = frame.take(np.arange(20))
    holes.numeric[:] = np.nan
    assert np.isfinite(ranker.score(holes)).all()


def test_a_missing_extra_names_the_install_command(monkeypatch):
    import sys

    frame, labels, _ = synthetic_frame(n_groups=5)
    rankers = {name: create_ranker(name) for name in ("lightgbm", "logistic", "dcn_v2")}
    for module in ("lightgbm", "sklearn", "sklearn.linear_model", "torch"):
        monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    with pytest.raises(RecstackError, match=r'needs LightGBM: pip install "recstack\[ranking\]"'):
        rankers["lightgbm"].fit(frame, labels)
    with pytest.raises(RecstackError, match=r'scikit-learn: pip install "recstack\[ranking\]"'):
        rankers["logistic"].fit(frame, labels)
    with pytest.raises(RecstackError, match=r'pip install "recstack\[torch\]"'):
        rankers["dcn_v2"].fit(frame, labels)


@pytest.mark.parametrize("name", sorted(QUICK))
def test_files_that_do_not_fit_the_saved_schema_are_refused(name, tmp_path):
    """Even with valid checksums (recomputed here, as someone editing by hand could), a
    schema that the learned files were not fitted on is refused at load."""
    import json

    from recstack.pipeline.rankers import storage

    frame, labels, _ = synthetic_frame(n_groups=20)
    make(name).fit(frame, labels_for(name, labels)).save(tmp_path / "r")
    path = tmp_path / "r" / "ranker.json"
    meta = json.loads(path.read_text())
    meta["schema"].insert(0, {"name": "extra", "kind": "numeric", "doc": "",
                              "cardinality": None})
    meta["sha256"]["ranker.json"] = storage._digest(meta)
    path.write_text(json.dumps(meta))
    with pytest.raises(RecstackError, match="schema of ranker.json"):
        load_ranker(tmp_path / "r")


def test_grouped_ndcg_agrees_with_scikit_learn():
    """The validation metric against scikit-learn's ndcg_score (gains given directly, so
    grades g become gains 2^g - 1), group by group, groups of unequal sizes."""
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    sizes = rng.integers(2, 25, 40)
    groups = np.repeat(np.arange(40), sizes)
    grades = rng.integers(0, 4, len(groups)).astype(float)
    grades[np.r_[0, np.cumsum(sizes)[:-1]]] = 1  # every group has a relevant row
    scores = rng.normal(size=len(groups))
    expected = np.mean([metrics.ndcg_score([2 ** grades[groups == g] - 1],
                                           [scores[groups == g]], k=10) for g in range(40)])
    assert grouped_ndcg(scores, grades, groups, k=10) == pytest.approx(expected, rel=1e-12)
