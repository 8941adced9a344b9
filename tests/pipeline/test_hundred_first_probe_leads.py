"""Hundred-first bad-input probe: the leads of the last round, each decided and pinned, and
the saved feature builder and the features' cutoff.

- ``generate_candidates`` reads ``user_indices`` as a set: a user given twice gets one set
  of candidates, and is now scored once (``test.user_index``, one entry per interaction,
  scored each user once per interaction).
- ``BanditEnvironment.run`` draws its users with replacement, each draw one visit, so a
  ``users_per_round`` above ``n_users`` is a round in which users come more than once.
- A true/false off-policy ``target`` with one true per row is the deterministic policy
  ``deterministic_target`` builds; a row with no true or several is refused.
- A missing categorical code is refused naming the feature and the row, however it is
  spelt: ``pd.NA`` in an object array failed as "must be numbers, got dtype object" (a
  missing numeric feature, ``pd.NA`` there too, is NaN).
- A saved feature builder with a field ``to_json`` never writes (a misspelt ``context``)
  was loaded without a word; a cutoff outside the years 1 to 9999 (milliseconds) made
  every recency feature that of a history tens of thousands of years old."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline import off_policy
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import UCB1
from recstack.pipeline.candidates import generate_candidates
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema
from recstack.pipeline.simulation import BanditEnvironment

DAY = 86_400
START = 1_700_000_000  # 2023-11-14, in Unix seconds


# --------------------------------------------------------------------------- candidates
def _log() -> Interactions:
    rng = np.random.default_rng(7)
    return Interactions.from_arrays(rng.integers(0, 20, 300), rng.integers(0, 30, 300),
                                    duplicates="first")


def test_a_user_given_twice_gets_one_set_of_candidates_scored_once():
    data = _log()
    model = create_model("most_popular").fit(data)
    scored: list[int] = []
    score_users = model.score_users

    def counting(users):
        scored.extend(np.asarray(users).tolist())
        return score_users(users)

    model.score_users = counting  # type: ignore[method-assign]
    repeated = generate_candidates([model], np.array([4, 2, 4, 4, 2]), 5)
    assert sorted(scored) == [2, 4]  # each user scored once
    once = generate_candidates([model], np.array([2, 4]), 5)
    np.testing.assert_array_equal(repeated.users, once.users)
    np.testing.assert_array_equal(repeated.items, once.items)
    np.testing.assert_array_equal(repeated.scores, once.scores)
    # five candidates of each user's unseen items, once each
    assert np.bincount(repeated.users, minlength=5)[[2, 4]].tolist() == [5, 5]


# --------------------------------------------------------------------------- simulation
SMALL = {"n_users": 4, "n_items": 12, "n_interactions": 20, "n_factors": 2, "n_genres": 3}


class _Recording(UCB1):
    """UCB1 that keeps the users of every round."""

    def select(self, users, k, **options):
        self.seen_rounds = [*getattr(self, "seen_rounds", []), np.asarray(users).copy()]
        return super().select(users, k, **options)


def test_more_visits_per_round_than_users_are_users_drawn_again():
    environment = BanditEnvironment(new_item_share=0.0, **SMALL)
    policy = _Recording(n_items=environment.n_items)
    result = environment.run(policy, n_rounds=3, users_per_round=10, k=2)
    # each draw is one visit: 10 visits of 4 users, so some user comes back in a round
    assert [len(users) for users in policy.seen_rounds] == [10, 10, 10]
    assert all(len(np.unique(users)) < len(users) for users in policy.seen_rounds)
    assert result.impressions_per_round == 10 * 2
    assert (result.clicks <= 20).all() and (result.regret >= -1e-12).all()


# --------------------------------------------------------------------------- off-policy
def _log_of_rounds():
    rng = np.random.default_rng(0)
    rewards = rng.random(30)
    actions = rng.integers(0, 3, 30)
    return rewards, actions, np.full(30, 1 / 3)


def test_a_true_false_target_with_one_true_per_row_is_the_deterministic_policy():
    rewards, actions, propensities = _log_of_rounds()
    chosen = (actions + 1) % 3  # the target policy picks another action than the log's
    chosen[::2] = actions[::2]  # ... except on every other round
    as_flags = np.zeros((30, 3), bool)
    as_flags[np.arange(30), chosen] = True
    estimate = off_policy.ips(rewards, actions, propensities, as_flags)
    # IPS by its definition: mean of 1[chosen = logged] / (1/3) * reward
    expected = np.mean((chosen == actions) * 3.0 * rewards)
    assert estimate.value == pytest.approx(expected, rel=1e-12)
    assert estimate.value == off_policy.ips(
        rewards, actions, propensities, off_policy.deterministic_target(chosen, 3)).value


@pytest.mark.parametrize("row", [[True, True, False], [False, False, False]])
def test_a_true_false_target_row_without_exactly_one_true_is_refused(row):
    rewards, actions, propensities = _log_of_rounds()
    flags = np.eye(3, dtype=bool)[actions]
    flags[4] = row
    with pytest.raises(BanditInputError, match=rf"ips: each row of target must be the "
                       rf"evaluated policy's action probabilities, summing to 1; row 4 sums "
                       rf"to {float(sum(row))!r}"):
        off_policy.ips(rewards, actions, propensities, flags)


# --------------------------------------------------------------------------- feature frames
SCHEMA = FeatureSchema((Feature("price", "numeric"),
                        Feature("genre", "categorical", cardinality=3)))


def _frame(numeric, categorical) -> FeatureFrame:
    return FeatureFrame(SCHEMA, numeric, categorical, [0, 0, 0], [0, 1, 2], [0, 0, 0])


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
@pytest.mark.parametrize("container", [list, lambda rows: np.array(rows, dtype=object)])
def test_a_missing_categorical_code_is_refused_by_row_however_it_is_spelt(missing, container):
    with pytest.raises(RecstackError, match=r"^feature frame: categorical feature 'genre' has "
                       r"code nan \(a missing value: give it the code 0, the unknown level\) "
                       r"at row 1; codes are whole numbers in 0..2 \(0: unknown\)$"):
        _frame(np.zeros((3, 1)), container([[1], [missing], [2]]))


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_a_missing_numeric_feature_is_nan_however_it_is_spelt(missing):
    frame = _frame(np.array([[1.5], [missing], [2.0]], dtype=object), np.ones((3, 1), int))
    assert frame.numeric.dtype == np.float32
    np.testing.assert_array_equal(frame.numeric[:, 0], [1.5, np.nan, 2.0])


# --------------------------------------------------------------------------- the builder
def _history() -> Interactions:
    return Interactions.from_arrays(np.array([0, 0, 1]), np.array([0, 1, 1]),
                                    timestamps=START + np.array([1, 2, 3]) * DAY)


def test_a_saved_builder_with_a_field_it_never_writes_is_refused_by_name():
    builder = FeatureBuilder().fit(_history(), ("a",), 2)
    saved = json.loads(builder.to_json())
    saved["contxt"] = saved.pop("context")
    with pytest.raises(RecstackError, match=r"^features: the saved feature builder is "
                       r"malformed: unknown field\(s\) \['contxt'\] \(did you mean "
                       r"'context'\?\); the fields are \['columns', 'context'"):
        FeatureBuilder.from_json(json.dumps(saved))
    # as written it loads, and a builder saved before "context" existed too
    assert FeatureBuilder.from_json(builder.to_json()).schema_ == builder.schema_
    del saved["contxt"]
    assert FeatureBuilder.from_json(json.dumps(saved)).schema_ == builder.schema_


def test_a_cutoff_in_milliseconds_is_refused_with_a_hint():
    history = _history()
    builder = FeatureBuilder().fit(history, ("a",), 2)
    cutoff = START + 10 * DAY
    with pytest.raises(RecstackError, match=rf"^features: cutoff {cutoff * 1000} is not a "
                       r"time: give Unix seconds between the years 1 and 9999 "
                       r"\(-62135596800 to 253402300799\), as the interactions' timestamps "
                       r"are \(milliseconds\? divide by 1000\)$"):
        builder.statistics(history, cutoff * 1000)
    with pytest.raises(RecstackError, match=r"cutoff 4611686018427387904 is not a time: .* "
                       r"timestamps are$"):
        builder.statistics(history, 2**62)
    # the last second of the year 9999, and one past it, are times
    for late in (253_402_300_799, 253_402_300_800):
        assert builder.statistics(history, late).cutoff == late
    # in seconds it is a time: user 1, last seen on day 3, was last seen 7 days before
    state = builder.statistics(history, cutoff)
    assert state.cutoff == cutoff
    assert (cutoff - state.user_last[1]) / DAY == 7
