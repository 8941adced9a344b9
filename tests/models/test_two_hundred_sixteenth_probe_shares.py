"""Shares a model holds out for validation follow the splits' one rounding rule
(``share_count``: ``fraction x count`` to the nearest whole number, a half up, the fraction
read as written), and their messages put counts and nouns in agreement."""
from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models.registry import create_model
from recstack.models.training import hold_out_rows


def _rows(n: int) -> Interactions:
    return Interactions.from_arrays([f"u{i % 3}" for i in range(n)],
                                    [f"i{i}" for i in range(n)])


@pytest.mark.parametrize(("fraction", "n", "held"), [
    (0.5, 5, 3),    # 2.5 rounds up to 3 (Python's round gave 2)
    (0.7, 15, 11),  # 10.5 rounds up to 11 (round gave 10)
    (0.3, 10, 3),   # 3 exactly
    (0.25, 6, 2),   # 1.5: 2
    (0.125, 4, 1),  # 0.5: 1
])
def test_hold_out_rows_counts_a_half_up(fraction, n, held):
    fit_rows, validation = hold_out_rows(_rows(n), fraction, np.random.default_rng(0),
                                         model="mf")
    assert validation is not None
    assert len(validation) == held
    assert len(fit_rows) == n - held


def test_hold_out_rows_refusal_counts_agree_with_their_nouns():
    with pytest.raises(ConfigError) as caught:
        hold_out_rows(_rows(1), 0.5, np.random.default_rng(0), model="mf")
    text = str(caught.value)
    # 0.5 x 1 = 0.5: one validation row, none left to train
    assert "validation_fraction=0.5 of 1 row leaves 1 validation row and 0 training rows" \
        in text
    assert "1 rows" not in text
    with pytest.raises(ConfigError, match="of 3 rows leaves 0 validation rows and 3 "
                                          "training rows"):
        hold_out_rows(_rows(3), 0.1, np.random.default_rng(0), model="mf")  # 0.3: none


def test_blend_holds_out_a_half_up_of_each_users_items():
    # every user has 5 distinct items: 0.5 x 5 = 2.5 holds out 3 (numpy's rint gave 2)
    users = [f"u{u}" for u in range(4) for _ in range(5)]
    items = [f"i{(u + j) % 7}" for u in range(4) for j in range(5)]
    data = Interactions.from_arrays(users, items)
    blend = create_model("blend", members=[{"type": "most_popular"}],
                         validation_fraction=0.5, seed=1)
    fitting, validation = blend._hold_out(data)
    held = np.bincount(validation.user_index, minlength=data.n_users)
    assert held.tolist() == [3, 3, 3, 3]
    assert len(fitting) == 4 * 2


# ------------------------------------------------------------------ counts and nouns
def test_a_history_matrix_of_one_column_is_counted_in_the_singular():
    from recstack.errors import RecstackError

    data = Interactions.from_arrays(["a", "b", "c"], ["x", "y", "z"])
    model = create_model("most_popular").fit(data)
    with pytest.raises(RecstackError, match=r"^most_popular: histories have 1 column; this "
                                            r"model has 3 items \(columns must follow"):
        model.score_histories(np.ones((2, 1)))


@pytest.mark.parametrize("name", ["user_knn", "ease"])
def test_all_zero_values_of_one_row_say_1_row(name):
    from recstack.errors import RecstackError

    one = Interactions.from_arrays(["a"], ["x"], values=[0.0])
    with pytest.raises(RecstackError, match=rf"^{name}: every interaction value is 0 "
                                            r"\(1 row\), and"):
        create_model(name, binary=False).fit(one)


def test_two_stage_user_labels_of_one_says_1_row():
    # every user has one row: user_labels = 1 leaves no history before the label
    data = Interactions.from_arrays(["a", "b", "c"], ["x", "y", "z"],
                                    timestamps=[1, 2, 3])
    with pytest.raises(ConfigError, match=r"labels each user's last user_labels = 1 row, "
                                          r"only for users with more rows than that"):
        create_model("two_stage", window="user", user_labels=1).fit(data)


def test_warm_start_on_one_new_user_and_item_says_so_in_the_singular():
    previous = create_model("als", factors=2, iterations=1).fit(
        Interactions.from_arrays(["u0", "u1"], ["i0", "i1"]))
    with pytest.raises(ConfigError, match=r"the previous model knows none of these 1 user "
                                          r"and 1 item \(it knows"):
        create_model("als", factors=2, iterations=1).fit_from(
            previous, Interactions.from_arrays(["x"], ["y"]))


def test_validation_rows_of_one_user_and_item_count_1_id():
    from recstack.errors import RecstackError

    train = Interactions.from_arrays([f"u{u}" for u in range(6) for _ in range(3)],
                                     [f"i{(u + j) % 6}" for u in range(6) for j in range(3)])
    validation = Interactions.from_arrays(["u0"], ["i9"])
    with pytest.raises(RecstackError, match=r"users \(1 id; train's has 6\) and items "
                                            r"\(1 id; train's has 6\) differ"):
        create_model("bpr", factors=2, epochs=1, validation_fraction=0.0).fit(
            train, validation=validation)
