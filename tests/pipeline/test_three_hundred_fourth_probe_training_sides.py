"""Round forty-six, pipeline probe (three hundred fourth): the two sides of the ranker's
training data and the builder's other inputs.

- ``make_training_data`` with history and label window given the other way round made
  examples whose labels came before their features' data, without a word; it is refused,
  naming the first such window row, while a window holding the history's own rows (the
  whole log) still gives the examples of the proper window. A history without timestamps
  is refused before any generator is fitted (it was refused by the features after).
- ``FeatureBuilder.visitor_state`` checked nothing: a state of another kind failed with an
  AttributeError, histories of another width inside scipy, and a NaN or negative value
  counted as an item chosen.
- ``label_context``'s seed follows the one seed rule (numpy's own errors before).
- A context with two columns of one name failed inside pandas.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder, label_context
from recstack.pipeline.training_data import make_training_data, time_window, user_window

DAY = 86_400


def log() -> Interactions:
    """Users 0..3, items 0..4. Days 1-3 are the history, day 5 the label window:
    u0: i0 d1, i1 d2 | i2 d5;  u1: i0 d1, i2 d3 | i1 d5;  u2: i1 d2 | i0 d5;
    u3: i0 d3, i3 d1 | i4 d5 (item 4 has no history row)."""
    rows = [(0, 0, 1), (0, 1, 2), (0, 2, 5), (1, 0, 1), (1, 2, 3), (1, 1, 5),
            (2, 1, 2), (2, 0, 5), (3, 0, 3), (3, 3, 1), (3, 4, 5)]
    u, i, t = (np.array(c) for c in zip(*rows, strict=True))
    return Interactions.from_arrays(u, i, None, t * DAY)


def popular():
    return [create_model("most_popular")]


def examples(history, window, cutoff=4 * DAY):
    return make_training_data(history, window, popular, FeatureBuilder(), cutoff=cutoff,
                              n_candidates=2)


def pairs(data):
    return sorted(zip(data.frame.users.tolist(), data.frame.items.tolist(),
                      data.labels.tolist(), strict=True))


def test_history_and_window_given_the_other_way_round_are_refused():
    history, window = time_window(log(), 4 * DAY)
    with pytest.raises(RecstackError) as caught:
        examples(window, history, cutoff=6 * DAY)
    message = str(caught.value)
    # window rows sorted by user then time: u0's i0 on day 1, before u0's day-5 history row;
    # every one of the 7 history rows is earlier than its user's day-5 row
    assert message.startswith("training data: the label window holds 7 rows earlier than the "
                              "same user's latest history row, the first row 0 (user 0, "
                              f"item 0, at {DAY}; the user's latest history row at "
                              f"{5 * DAY})")
    assert "given the other way round" in message


def test_the_proper_sides_and_a_window_holding_the_history_give_the_same_examples():
    data = log()
    history, window = time_window(data, 4 * DAY)
    proper = examples(history, window)
    # popularity in the history: i0 3 rows, i1 2, i2 1, i3 1 (ties to the lower index);
    # unseen top 2: u0 {i2, i3}, u1 {i1, i3}, u2 {i0, i2}, u3 {i1, i2}; u3's day-5 item
    # (i4) is not a candidate, so u3 gives no example
    assert pairs(proper) == [(0, 2, 1.0), (0, 3, 0.0), (1, 1, 1.0), (1, 3, 0.0),
                             (2, 0, 1.0), (2, 2, 0.0)]
    # the whole log as the window: its history rows label nothing (seen items are never
    # candidates), so the examples are the same
    assert pairs(examples(history, data)) == pairs(proper)


def test_the_per_user_window_is_not_refused():
    history, window, cutoff = user_window(log(), 1)
    # each user's last row is the label: the same rows as the day-5 window here
    assert pairs(make_training_data(history, window, popular, FeatureBuilder(),
                                    cutoff=cutoff, n_candidates=2)) == \
        pairs(examples(*time_window(log(), 4 * DAY)))


def test_a_history_without_timestamps_is_refused_before_any_generator_is_fitted():
    data = log()
    _, window = time_window(data, 4 * DAY)
    # the same rows and vocabulary, without their times
    bare = Interactions.from_arrays(data.users.to_external(data.user_index),
                                    data.items.to_external(data.item_index))
    bare = bare.select(data.timestamp < 4 * DAY)
    asked = []

    def generators():
        asked.append(1)
        return popular()

    with pytest.raises(RecstackError, match="^training data: the history has no timestamps"):
        make_training_data(bare, window, generators, FeatureBuilder(), cutoff=4 * DAY,
                           n_candidates=2)
    assert asked == []


@pytest.fixture
def fitted():
    history, _ = time_window(log(), 4 * DAY)
    builder = FeatureBuilder().fit(history, ("a",), 2)
    return builder, builder.statistics(history, 4 * DAY)


def test_visitor_state_reads_a_history_worked_by_hand(fitted):
    builder, state = fitted
    visitors = builder.visitor_state(state, [[1, 0, 2, 0, 0], [0, 0, 0, 0, 0]])
    # the first chose items 0 and 2, the second nothing; both last at the cutoff
    assert visitors.user_count.tolist() == [2.0, 0.0]
    assert visitors.user_last.tolist() == [4 * DAY, 4 * DAY]
    np.testing.assert_array_equal(visitors.item_count, state.item_count)


@pytest.mark.parametrize(("histories", "message"), [
    (sp.csr_matrix(np.ones((1, 3))), "histories have 3 columns; this model has 5 items"),
    (np.array([[1.0, math.nan, 0, 0, 0]]), "not finite"),
    (np.array([[0, 0, 1, -2, 0]]), "histories must be >= 0 .* row 0, column 3 is -2"),
    ([["1", "0", "0", "0", "0"]], "must hold numbers"),
])
def test_visitor_state_refuses_histories_it_cannot_read(fitted, histories, message):
    builder, state = fitted
    with pytest.raises(RecstackError, match=f"^features: visitor_state: .*{message}"):
        builder.visitor_state(state, histories)


def test_visitor_state_refuses_a_state_of_another_kind(fitted):
    builder, _ = fitted
    with pytest.raises(RecstackError, match="^features: state must be a HistoryState"):
        builder.visitor_state("state", np.ones((1, 5)))


def window_with_context():
    data = log()
    context = pd.DataFrame({"device": ["a", "b"] * 5 + ["a"]})
    with_context = Interactions.from_arrays(data.users.to_external(data.user_index),
                                            data.items.to_external(data.item_index), None,
                                            data.timestamp, context=context)
    return time_window(with_context, 4 * DAY)


@pytest.mark.parametrize("seed", [-1, 1.5, True, 2 ** 40, "3"])
def test_label_context_follows_the_one_seed_rule(seed):
    _, window = window_with_context()
    with pytest.raises(ConfigError, match="^label_context: seed must be an integer from 0 to "
                                          "4294967295"):
        label_context(np.array([0]), np.array([3]), np.array([0]), window, seed=seed)


def test_label_context_takes_a_numpy_seed_as_its_int():
    _, window = window_with_context()
    users, items, labels = np.array([0, 1, 3]), np.array([3, 3, 1]), np.array([0, 0, 0])
    pd.testing.assert_frame_equal(label_context(users, items, labels, window, seed=3),
                                  label_context(users, items, labels, window,
                                                seed=np.int64(3)))


def test_a_context_with_two_columns_of_one_name_is_refused():
    history, _ = window_with_context()
    builder = FeatureBuilder().fit(history, ("a",), 2)
    state = builder.statistics(history, 4 * DAY)
    candidates = Candidates(np.array([0, 1]), np.array([3, 3]), np.ones((2, 1), np.float32),
                            np.ones((2, 1), np.float32), ("a",), 2)
    # the column is read: codes of b, a (levels a 1, b 2)
    assert builder.build(candidates, state, pd.DataFrame({"device": ["b", "a"]})).column(
        "context_device").tolist() == [2, 1]
    twice = pd.DataFrame([["b", "a"], ["a", "a"]], columns=["device", "device"])
    with pytest.raises(RecstackError, match="^features: the context has more than one column "
                                            "named 'device'"):
        builder.build(candidates, state, twice)


def test_a_numpy_bool_is_the_flag_it_holds():
    from recstack.pipeline.simulation import BanditEnvironment

    # drift off: the click probabilities do not move over the run
    still = BanditEnvironment(n_users=5, n_items=4, drift=np.bool_(False))
    assert still.drift is False
    np.testing.assert_array_equal(still.click_probability([0, 1], 1.0),
                                  still.click_probability([0, 1], 0.0))
    history, _ = time_window(log(), 4 * DAY)
    builder = FeatureBuilder(context_time=np.bool_(True)).fit(history, ("a",), 2)
    assert builder.context_time is True
    assert builder.schema_.names[-2:] == ("context_hour", "context_weekday")
    # saved as JSON's true, which loads as the flag
    assert FeatureBuilder.from_json(builder.to_json()).context_time is True
    with pytest.raises(ConfigError, match="drift must be True or False, got 1"):
        BanditEnvironment(n_users=5, n_items=4, drift=1)


def test_a_saved_history_state_reads_back_and_a_damaged_one_is_named(fitted):
    from recstack.pipeline.features import HistoryState

    _, state = fitted
    arrays = state.to_arrays()
    back = HistoryState.from_arrays(arrays)
    assert back.cutoff == 4 * DAY
    # history: i0 3 rows, i1 2, i2 1, i3 1, i4 none
    assert back.item_count.tolist() == [3.0, 2.0, 1.0, 1.0, 0.0]
    np.testing.assert_array_equal(back.user_last, state.user_last)
    with pytest.raises(RecstackError, match="^features: the saved history state lacks the "
                                            "array[(]s[)] item_recent; the file is damaged"):
        HistoryState.from_arrays({k: v for k, v in arrays.items() if k != "item_recent"})
    with pytest.raises(RecstackError, match=r"^features: the saved history state is damaged: "
                                            r"its item arrays disagree on the number of items "
                                            r"\(item_count 2, item_recent 5"):
        HistoryState.from_arrays({**arrays, "item_count": arrays["item_count"][:2]})
