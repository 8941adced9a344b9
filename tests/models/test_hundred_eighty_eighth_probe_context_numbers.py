"""A two-stage model's request context with a number its float32 features cannot hold
(infinite, or beyond 3.4e38 in size) in a numeric context column was refused by the
feature builder as "features: context column 'slot' holds inf (row 4)": no model named,
and a row of the requests repeated once per candidate, which the caller never wrote (the
second request's value was "row 4" with 4 candidates each). An integer past float64's range
failed inside pandas with "OverflowError: int too large to convert to float". Each is now
refused as text in a numeric column is, naming the model, the column and the request row.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.pipeline.tiny_ranker import tiny_ranker  # noqa: F401 (fixture)

LARGEST = r"at most 3\.4e\+38 in size"


@pytest.fixture
def fitted(tiny_ranker):  # noqa: F811 (the imported fixture)
    rng = np.random.default_rng(0)
    n = 300
    users, items = rng.integers(0, 30, n), rng.integers(0, 12, n)
    times = np.sort(rng.integers(1_600_000_000, 1_600_100_000, n))
    context = pd.DataFrame({"device": rng.choice(["web", "app"], n),
                            "slot": rng.integers(0, 24, n)})
    data = Interactions.from_arrays(users, items, None, times, context=context,
                                    duplicates="last")
    model = create_model("two_stage", generators=[{"type": "most_popular"}],
                         ranker={"type": "tiny_linear"}, n_candidates=4,
                         features={"context_columns": ["device", "slot"]}).fit(data)
    return model, data


def _calls(model, data, context):
    users = data.users.to_external([0, 1])
    return [lambda: model.recommend(users, k=3, context=context),
            lambda: model.score(users, data.items.to_external([0, 1]), context=context),
            lambda: model.score_histories(model.seen_[[0, 1]], context=context)]


@pytest.mark.parametrize(("second", "shown"), [
    (np.inf, "inf"),
    (-np.inf, "-inf"),
    (1e39, r"1e\+39"),
    ("1e39", "'1e39'"),
    (Decimal("Infinity"), r"Decimal\('Infinity'\)"),
    (10 ** 400, r"10000000000.*\(401 digits\)"),
])
def test_a_context_number_beyond_float32_names_the_model_and_request_row(fitted, second,
                                                                          shown):
    model, data = fitted
    context = pd.DataFrame({"slot": pd.Series([3, second], dtype=object)})
    said = (rf"^two_stage: context column 'slot': request row 1 holds {shown}, beyond the "
            rf"range of the model's float32 features \(finite, {LARGEST}\); scale the "
            r"column \(e\.g\. a logarithm\) as in the training log, or leave it out "
            r"\(missing: the unknown level\)$")
    for call in _calls(model, data, context):
        with pytest.raises(RecstackError, match=said):
            call()


def test_a_single_context_value_beyond_float32_is_request_row_0(fitted):
    model, data = fitted
    with pytest.raises(RecstackError, match=r"^two_stage: context column 'slot': request row "
                                            r"0 holds inf, beyond the range"):
        model.recommend(data.users.to_external([0, 1]), k=3, context={"slot": np.inf})


@pytest.mark.parametrize("value", [float(np.finfo(np.float32).max), np.nan, None, "7", 1e38])
def test_numbers_the_features_hold_and_missing_values_are_still_served(fitted, value):
    model, data = fitted
    users = data.users.to_external([0, 1])
    items, scores = model.recommend(users, k=3, context={"slot": value})
    assert items.shape == scores.shape == (2, 3)
    assert np.isfinite(scores).all()


def test_text_in_a_numeric_context_column_keeps_its_refusal(fitted):
    model, data = fitted
    context = pd.DataFrame({"slot": [3, "x"]})
    with pytest.raises(RecstackError, match=r"^two_stage: context column 'slot' held numbers "
                                            r"at fit and holds text now \(such as 'x', "
                                            r"request row 1\); give a number"):
        model.recommend(data.users.to_external([0, 1]), k=3, context=context)
