"""The contract every registered model keeps, checked on every model found in the registry."""

import inspect

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import available_models, create_model, load_model
from recstack.models.registry import model_class
from tests.models.quick_params import quick_params

MODELS = available_models()


@pytest.fixture(scope="module")
def checkerboard() -> Interactions:
    """Even users like even items, odd users odd items (implicit's checkerboard test),
    with Zipf-skewed popularity inside each half, so popularity carries signal too."""
    rng = np.random.default_rng(0)
    n_users, n_items = 60, 40
    users, items = [], []
    for parity in (0, 1):
        group_users = np.arange(parity, n_users, 2)
        group_items = np.arange(parity, n_items, 2)
        weights = 1.0 / np.arange(1, len(group_items) + 1)
        for u in group_users:
            chosen = rng.choice(group_items, size=12, replace=False, p=weights / weights.sum())
            users += [u] * len(chosen)
            items += chosen.tolist()
    ratings = rng.integers(3, 6, len(users)).astype(float)
    times = rng.integers(0, 10_000, len(users))
    return Interactions.from_arrays(np.array(users), np.array(items), ratings, times,
                                    rating_range=(1.0, 5.0))


@pytest.fixture(scope="module")
def split(checkerboard):
    return random_split(checkerboard, 0.25, seed=0)


def fitted(name, train):
    return create_model(name, **quick_params(name)).fit(train)


def test_every_model_module_is_registered():
    assert {"random", "most_popular"} <= set(MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_default_construction_and_params_round_trip(name):
    model = create_model(name)
    again = create_model(name, **model.get_params())
    assert again.get_params() == model.get_params()
    model.validate_params()


@pytest.mark.parametrize("name", MODELS)
def test_numpy_numbers_are_accepted_and_kept_as_python_numbers(name):
    # a value taken from an array or a numpy grid is the number it equals; stored as a
    # Python number it passes the declared kind and saves to JSON
    defaults = create_model(name).get_params()
    as_numpy = {key: (np.bool_(value) if isinstance(value, bool) else np.int64(value)
                      if isinstance(value, int) else np.float64(value))
                for key, value in defaults.items()
                if isinstance(value, bool | int | float)}
    model = create_model(name, **as_numpy)
    model.validate_params()
    for key, value in as_numpy.items():
        kept = getattr(model, key)
        assert type(kept) is type(defaults[key]) and kept == value


@pytest.mark.parametrize("name", MODELS)
def test_recommend_shapes_and_seen_items_excluded(name, split):
    model = fitted(name, split.train)
    users = split.train.users.external_ids[:7]
    items, scores = model.recommend(users, k=5)
    assert items.shape == (7, 5) and scores.shape == (7, 5)
    assert np.all(np.diff(scores, axis=1) <= 0)  # best first
    seen = split.train.to_csr()
    for row, user in enumerate(users):
        u = split.train.users.to_index([user])[0]
        rec = split.train.items.to_index(items[row][np.isfinite(scores[row])])
        assert not set(rec) & set(seen[u].indices)


@pytest.mark.parametrize("name", MODELS)
def test_batch_equals_one_by_one(name, split):
    model = fitted(name, split.train)
    users = np.arange(10)
    together = model.score_users(users)
    apart = np.vstack([model.score_users(users[i:i + 1]) for i in range(10)])
    np.testing.assert_allclose(together, apart, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_save_load_gives_identical_scores(name, split, tmp_path):
    model = fitted(name, split.train)
    model.save(tmp_path / name)
    loaded = load_model(tmp_path / name)
    users = np.arange(split.train.n_users)
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))


@pytest.mark.parametrize("name", MODELS)
def test_refit_gives_the_same_model(name, split):
    model = fitted(name, split.train)
    first = model.score_users(np.arange(5)).copy()
    model.fit(split.train)
    np.testing.assert_allclose(model.score_users(np.arange(5)), first, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_unknown_user_is_refused_or_folded_in(name, split):
    model = fitted(name, split.train)
    with pytest.raises(RecstackError, match="not seen in training"):
        model.recommend(["no-such-user"], k=3)


RANKERS = [m for m in MODELS if m != "random" and not model_class(m).predicts_ratings]
RATING_MODELS = [m for m in MODELS if model_class(m).predicts_ratings]


@pytest.mark.parametrize("name", RANKERS)
def test_accuracy_floor_beats_random_on_the_checkerboard(name, split):
    evaluator = Evaluator(metrics=("ndcg",), ks=(5,))
    score = evaluator.evaluate(fitted(name, split.train), split.train, split.test).means()
    chance = evaluator.evaluate(fitted("random", split.train), split.train,
                                split.test).means()
    assert score["ndcg@5"] > chance["ndcg@5"]


@pytest.mark.parametrize("name", RATING_MODELS)
def test_rating_models_beat_the_global_mean(name):
    """Rating predictors are held to predicting ratings: held-out RMSE below that of always
    predicting the training mean, on synthetic ratings that carry user-item structure."""
    from recstack.data.synthetic import generate
    from recstack.evaluation.pointwise import evaluate_ratings

    data = generate(n_users=300, n_items=200, n_interactions=12_000, seed=0)
    split = random_split(data, 0.2, seed=0)
    model = fitted(name, split.train)
    baseline = float(np.sqrt(np.mean((split.test.value - split.train.value.mean()) ** 2)))
    assert evaluate_ratings(model, split.test)["rmse"] < baseline


#: models without an item-item similarity (baselines; user_knn relates users, not items)
WITHOUT_ITEM_SIMILARITY = ("random", "most_popular", "user_knn")


@pytest.mark.parametrize("name", [m for m in MODELS if m not in WITHOUT_ITEM_SIMILARITY])
def test_similar_items_excludes_the_item_and_is_sorted(name, split):
    model = fitted(name, split.train)
    items = split.train.items.external_ids[:5]
    neighbours, similarity = model.similar_items(items, k=4)
    assert neighbours.shape == (5, 4) and similarity.shape == (5, 4)
    assert np.all(np.diff(similarity, axis=1) <= 0)
    for row, item in enumerate(items):
        assert item not in neighbours[row].tolist()


@pytest.mark.parametrize("name", [m for m in MODELS if m not in WITHOUT_ITEM_SIMILARITY])
def test_an_item_without_training_rows_has_no_learned_neighbours(name, checkerboard):
    """Its vector is an initialisation (or zero) in a collaborative model: no neighbours,
    and nobody's neighbour. The checkerboard has no item table, so a content model has no
    content to place it by either (content models placing items by their text:
    test_content.py, test_two_tower.py)."""
    cold = checkerboard.n_items - 1
    train = checkerboard.select(np.flatnonzero(checkerboard.item_index != cold))
    model = fitted(name, train)
    ids = train.items.external_ids
    neighbours, similarity = model.similar_items([ids[cold], ids[0], ids[1]], k=5)
    assert (neighbours[0] == -1).all() and np.isneginf(similarity[0]).all()
    assert ids[cold] not in neighbours[1:].ravel().tolist()


@pytest.mark.parametrize("name", WITHOUT_ITEM_SIMILARITY)
def test_models_without_item_similarity_say_so(name, split):
    with pytest.raises(RecstackError, match="no item similarity"):
        fitted(name, split.train).similar_items(split.train.items.external_ids[:1])


# ---------------------------------------------------------------------------- declarations
@pytest.mark.parametrize("name", MODELS)
def test_the_constructor_is_the_declaration(name):
    """Signature, defaults and stored values all come from ``params``: the constructor is
    keyword-only, lists exactly the declared names in order with their defaults, and a
    default-constructed model's get_params are those defaults."""
    cls = model_class(name)
    signature = inspect.signature(cls)
    assert list(signature.parameters) == list(cls.params)
    for param_name, parameter in signature.parameters.items():
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
        assert parameter.default == cls.params[param_name].default
        assert cls.params[param_name].doc, f"{name}.{param_name} has no documentation"
    assert create_model(name).get_params() == {k: p.default for k, p in cls.params.items()}


@pytest.mark.parametrize("name", MODELS)
def test_the_docstring_lists_every_declared_parameter_once(name):
    cls = model_class(name)
    doc = cls.__doc__
    assert doc.count("\nParameters\n----------\n") == 1
    section = doc.split("\nParameters\n----------\n")[1].split("\n\n")[0]
    documented = [line.split(" : ")[0] for line in section.splitlines()
                  if line and not line.startswith(" ")]
    assert documented == list(cls.params)
    assert cls.describe_params() in doc


@pytest.mark.parametrize("name", MODELS)
def test_defaults_lie_inside_the_default_search_space(name):
    cls = model_class(name)
    for param_name, space in cls.search_space.items():
        default = cls.params[param_name].default
        if default is None:
            continue  # "not set" (e.g. most_popular without decay) is no point of a range
        if space["type"] == "categorical":
            assert default in space["choices"], (param_name, default)
        else:
            assert space["low"] <= default <= space["high"], (param_name, default, space)


@pytest.mark.parametrize("name", MODELS)
def test_every_range_bound_is_enforced_by_name(name):
    """One value just outside each declared bound is refused at fit (validate_params), with
    the model and the parameter named; the declaration is the only place that says so."""
    cls = model_class(name)
    for param_name, param in cls.params.items():
        bad_values = []
        if param.low is not None:
            bad_values.append(param.low if not param.low_inclusive else param.low - 1)
        if param.high is not None:
            bad_values.append(param.high if not param.high_inclusive else param.high + 1)
        for bad in bad_values:
            if param.kind is int or param.kind == (int,):
                bad = int(bad)
            model = create_model(name, **{param_name: bad})
            with pytest.raises(ConfigError, match=rf"^{name}: {param_name} must be"):
                model.validate_params()


@pytest.mark.parametrize("name", MODELS)
def test_a_misspelt_parameter_is_refused_with_a_suggestion(name):
    first = next(iter(model_class(name).params))
    with pytest.raises(ConfigError, match=rf"did you mean '{first}'\?"):
        create_model(name, **{first + "x": 1})


def test_no_model_module_imports_the_evaluator_or_another_model():
    """Models sit below evaluation, and share code only through the neutral modules."""
    import ast
    from pathlib import Path

    import recstack.models

    folder = Path(recstack.models.__file__).parent
    neutral = {"base", "factors", "text_features", "training", "torch_training", "registry",
               "persistence", "memory", "warm_start", "sparse_dense"}
    for path in sorted(folder.glob("*.py")):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        assert not any(m.startswith("recstack.evaluation") for m in imported), path.name
        if path.stem in neutral or path.stem == "__init__":
            continue
        others = {m.split(".")[2] for m in imported
                  if m.startswith("recstack.models.") and len(m.split(".")) > 2}
        assert others <= neutral, f"{path.name} imports {sorted(others - neutral)}"


# ---------------------------------------------------------------------------- embeddings
#: models whose user and item vectors are public (a model that loses them fails here)
EMBEDDING_MODELS = {"als", "bpr", "mf", "neural_mf", "two_tower", "sasrec", "lightgcn",
                    "lightgcn_pp", "ials"}
#: ... and whose scores are exactly the dot product of the two, for users with history
DOT_PRODUCT_MODELS = {"als", "bpr", "two_tower", "sasrec", "lightgcn", "lightgcn_pp", "ials"}


@pytest.mark.parametrize("name", MODELS)
def test_embeddings_are_public_or_refused_with_a_reason(name, split):
    model = fitted(name, split.train)
    if name not in EMBEDDING_MODELS:
        for method in (model.item_embeddings, model.user_embeddings):
            with pytest.raises(RecstackError, match=rf"^{name}: this model has no (item|user) "
                                                    "embeddings"):
                method()
        return
    items, users = model.item_embeddings(), model.user_embeddings()
    assert items.ndim == users.ndim == 2
    assert items.shape[0] == split.train.n_items and users.shape[0] == split.train.n_users
    assert np.issubdtype(items.dtype, np.floating) and np.isfinite(items).all()
    # copies: changing them changes nothing in the model
    before = model.score_users(np.arange(3)).copy()
    items[:] = 0.0
    users[:] = 0.0
    np.testing.assert_array_equal(model.score_users(np.arange(3)), before)
    if name in DOT_PRODUCT_MODELS:
        items, users = model.item_embeddings(), model.user_embeddings()
        assert items.shape[1] == users.shape[1]
        with_history = np.flatnonzero(np.diff(split.train.to_csr().indptr) > 0)
        np.testing.assert_allclose(users[with_history] @ items.T,
                                   model.score_users(with_history), rtol=1e-4, atol=1e-5)


def test_embeddings_need_a_fitted_model():
    with pytest.raises(RecstackError, match="call fit"):
        create_model("als").item_embeddings()


HISTORY_MODELS = [m for m in MODELS if callable(getattr(model_class(m), "score_histories", None))
                  and m != "sasrec"]  # sasrec refuses matrices outright (order is lost)


@pytest.mark.parametrize("name", HISTORY_MODELS)
def test_malformed_histories_are_refused_by_name(name, split):
    model = fitted(name, split.train)
    n_items = len(model.items_)
    nan_row = np.zeros((1, n_items))
    nan_row[0, 3] = np.nan
    malformed = {
        "NaN": (nan_row, r"not finite float32 numbers: NaN \(a missing value\) at \(row, "
                         r"column\) \(0, 3\)"),
        "infinite": (sp.csr_matrix(np.full((1, n_items), np.inf)),
                     r"not finite float32 numbers: inf at \(row, column\) \(0, 0\).*replace "
                     r"the infinite values"),
        "beyond float32": (np.full((1, n_items), 1e300),
                           r"not finite float32 numbers: 1e\+300 at \(row, column\) \(0, 0\)"
                           r".*rescale the values beyond float32's range"),
        "text": (np.array([["a"] * n_items]), "must hold numbers"),
        "objects": ([[object()] * n_items], "matrix of numbers"),
        "3-D": (np.ones((1, 1, n_items)), "2-D users x items"),
        "width": (np.ones((1, n_items + 1)), f"{n_items + 1} columns"),
    }
    methods = [model.score_histories] + ([model.fold_in] if hasattr(model, "fold_in") else [])
    for method in methods:
        for histories, message in malformed.values():
            with pytest.raises(RecstackError, match=f"{name}: histories.*{message}"):
                method(histories)
    with pytest.raises(RecstackError, match="call fit"):
        create_model(name).score_histories(np.zeros((1, n_items)))


@pytest.mark.parametrize("name", [["als"], {"type": "als"}, None, 3])
def test_a_model_named_by_something_else_than_a_string_is_refused(name):
    """A list or a table failed inside the registry's lookup: "unhashable type"."""
    with pytest.raises(ConfigError, match=rf"a model is named by a string such as 'als'; got "
                                          rf"{type(name).__name__} .*available: als, "):
        create_model(name)


@pytest.mark.parametrize("name", MODELS)
def test_fit_refuses_what_is_not_interactions(name, split):
    """A DataFrame, a list or None failed on a missing attribute inside fit."""
    for train in (split.train.to_frame(), None):
        with pytest.raises(RecstackError, match=rf"^{name}: fit\(train\) takes Interactions .*"
                                                rf"got {type(train).__name__}"):
            create_model(name, **quick_params(name)).fit(train)


@pytest.mark.parametrize("name", ["bpr", "lightgcn"])
def test_early_stopping_models_refuse_validation_that_is_not_interactions(name, split):
    with pytest.raises(RecstackError, match=rf"^{name}: fit\(validation=...\) takes "
                                            "Interactions .*got DataFrame"):
        create_model(name, **quick_params(name)).fit(split.train,
                                                     validation=split.test.to_frame())


@pytest.mark.parametrize("name", ["bpr", "lightgcn", "blend"])
def test_empty_validation_rows_are_refused(name, split):
    """An empty validation set was accepted: the blend weighed its members on no user."""
    empty = split.test.select(np.array([], dtype=np.int64))
    with pytest.raises(RecstackError, match=rf"^{name}: fit\(validation=...\) got no rows"):
        create_model(name, **quick_params(name)).fit(split.train, validation=empty)


@pytest.mark.parametrize("name", ["ease", "most_popular"])
def test_an_unknown_item_names_the_model_and_the_argument(name, split):
    """"1 unknown id(s), e.g. [99999]; this map has 40 ids" said neither which model nor
    whether users or items."""
    model = fitted(name, split.train)
    user = split.train.users.external_ids[:1]
    with pytest.raises(RecstackError, match=rf"^{name}: items: 1 id\(s\) the model was not "
                                            r"trained on, e\.g\. \[99999\]"):
        model.score(user, [99999])
    with pytest.raises(RecstackError, match=rf"^{name}: items: 2 id\(s\)"):
        model.similar_items([99999, 99998, 99999])


@pytest.mark.parametrize("name", ["ease", "als", "most_popular", "random"])
def test_score_users_refuses_indices_outside_the_vocabulary(name, split):
    """-1 scored the last user, 0.5 the first, n_users an IndexError (or another user)."""
    model = fitted(name, split.train)
    n_users = len(model.users_)
    for indices in ([-1], [0.5], [n_users], [[0]]):
        with pytest.raises(RecstackError, match=rf"^{name}: score_users takes a flat array of "
                                                rf"user indices in \[0, {n_users}\)"):
            model.score_users(np.array(indices))
    assert model.score_users(np.array([], dtype=np.int64)).shape == (0, len(model.items_))
