"""Hyperparameters given in a near spelling or the wrong form: a closed set of choices now
says the accepted spelling ('NDCG' for 'ndcg' said only the set); the blend's
``validation_fraction=0`` said "must be float" (0 is a number, the range excludes it); a
constructed model given as a blend member now says to give its table; SASRec's refusal
of ``score_histories`` no longer calls a dense history "a sparse matrix"."""

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.models import available_models, create_model
from recstack.models.registry import model_class


@pytest.mark.parametrize(("name", "param", "given", "meant"), [
    ("blend", "metric", "NDCG", "ndcg"),
    ("blend", "normalization", "z-score", "zscore"),
    ("blend", "normalization", "min_max", "minmax"),
    ("item_knn", "similarity", "Cosine", "cosine"),
    ("sasrec", "loss", "BCE", "bce"),
])
def test_a_near_spelling_of_a_choice_says_the_accepted_one(name, param, given, meant):
    with pytest.raises(ConfigError, match=rf"^{name}: {param} must be one of .*, got "
                                          rf"'{given}' \(did you mean '{meant}'\?\)$"):
        create_model(name, **{param: given}).validate_params()


def test_a_far_spelling_has_no_guess():
    with pytest.raises(ConfigError, match=r"must be one of \('ndcg', 'recall'\), got "
                                          r"'hit_rate'$"):
        create_model("blend", metric="hit_rate").validate_params()


def test_every_string_choice_of_every_model_finds_itself_by_case():
    # the hint is the declaration's own spelling, for every closed set of text choices
    for name in available_models():
        for param, declared in model_class(name).params.items():
            for choice in declared.choices or ():
                if not isinstance(choice, str) or choice.upper() == choice:
                    continue
                with pytest.raises(ConfigError, match=rf"\(did you mean '{choice}'\?\)$"):
                    create_model(name, **{param: choice.upper()}).validate_params()


@pytest.mark.parametrize(("value", "message"), [(0, "must be > 0, got 0"),
                                                (1, "must be < 1, got 1"),
                                                (0.0, "must be > 0, got 0.0")])
def test_blend_validation_fraction_at_its_bounds_says_the_range(value, message):
    with pytest.raises(ConfigError, match=rf"^blend: validation_fraction {message}$"):
        create_model("blend", validation_fraction=value).validate_params()


def test_blend_validation_fraction_accepts_a_whole_number_kind_like_the_others():
    # the declaration is a number in (0, 1), as two-tower's and BPR's fractions are
    assert model_class("blend").params["validation_fraction"].describe() == "float in (0, 1)"


def test_a_model_object_as_a_member_says_to_give_its_table():
    member = create_model("ease", regularization=10.0)
    with pytest.raises(ConfigError, match=r"^blend: members\[0\] must be dict, got EASE\(.*\) "
                                          r"\(a model object: give its table instead, "
                                          r"\{'type': 'ease', \*\*model.get_params\(\)\}\)$"):
        create_model("blend", members=[member, {"type": "rp3beta"}]).validate_params()


def test_sasrec_refuses_a_dense_history_without_calling_it_sparse():
    pytest.importorskip("torch")
    from recstack.data.interactions import Interactions

    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(np.repeat(np.arange(6), 4), rng.integers(0, 8, 24),
                                    None, np.arange(24))
    model = create_model("sasrec", max_length=4, hidden=8, epochs=1, validation=False,
                         device="cpu").fit(data)
    with pytest.raises(RecstackError, match=r"^sasrec: this model has no score_histories\(\);"
                                            r".* a users x items matrix has lost: call "
                                            r"score_sequences"):
        model.score_histories(np.ones((1, data.n_items)))


@pytest.mark.parametrize(("given", "names"), [("age", "['age']"),
                                              ("gender, occupation", "['gender', 'occupation']")])
def test_a_text_where_a_list_of_names_belongs_says_the_list(given, names):
    with pytest.raises(ConfigError) as refused:
        create_model("two_tower", user_features=given).validate_params()
    assert str(refused.value) == (f"two_tower: user_features must be tuple or list, got "
                                  f"'{given}' (a list of names: write {names})")


def test_ids_given_as_a_table_say_its_shape_and_columns():
    import pandas as pd

    from recstack.data.interactions import Interactions

    data = Interactions.from_arrays(np.repeat(np.arange(4), 3), np.tile(np.arange(3), 4))
    model = create_model("most_popular").fit(data)
    frame = pd.DataFrame({"user_id": [0, 1], "other": [5, 6]})
    with pytest.raises(RecstackError, match=r"^most_popular: users: expected one id or a flat "
                                            r"list of ids, got a DataFrame of shape \(2, 2\) "
                                            r"\(columns \['user_id', 'other'\]\); pass its "
                                            r"column of ids, frame\[column\]\.to_numpy\(\)$"):
        model.recommend(frame, k=2)
    # the column itself is what works
    assert model.recommend(frame["user_id"].to_numpy(), k=2)[0].shape == (2, 2)


def test_a_one_dimensional_array_is_the_list_of_its_values():
    # blend weights from an optimiser: "must be list or tuple, got array([1., 2.])"
    model = create_model("blend", weights=np.array([1.0, 2.0]))
    model.validate_params()
    assert model.weights == [1.0, 2.0] and type(model.weights[0]) is float
    assert model.get_params()["weights"] == [1.0, 2.0]  # saves to JSON as a list
    assert create_model("als", factors=np.array(8)).factors == 8
    with pytest.raises(ConfigError, match=r"^blend: weights must be list or tuple, got array"):
        create_model("blend", weights=np.ones((2, 2))).validate_params()
