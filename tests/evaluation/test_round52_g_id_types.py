"""Train and test whose ids are the same but written as another type (1 against "1")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator

from .scorer import Scorer

TRAIN = Interactions.from_frame(pd.DataFrame({"user_id": [1, 1, 2, 2],
                                              "item_id": [1, 2, 2, 3]}))
MODEL = Scorer(lambda users: np.zeros((len(users), 3)) + np.arange(3.0))


def test_item_ids_as_text_against_integer_ids_are_named_as_a_type_difference() -> None:
    test = Interactions.from_frame(pd.DataFrame({"user_id": [1, 2], "item_id": ["3", "1"]}))
    with pytest.raises(ConfigError, match=r"test's item ids are text \('1', \.\.\.\) where "
                                          r"train's are integers \(1, \.\.\.\): the same ids "
                                          "written as another type"):
        Evaluator(ks=[2]).evaluate(MODEL, TRAIN, test)


def test_user_ids_as_text_against_integer_ids_are_named_as_a_type_difference() -> None:
    test = Interactions.from_frame(pd.DataFrame({"user_id": ["1", "2"], "item_id": [3, 1]}))
    with pytest.raises(ConfigError, match=r"test's user ids are text"):
        Evaluator(ks=[2]).evaluate(MODEL, TRAIN, test)


def test_other_ids_of_another_type_are_no_type_difference() -> None:
    # "a" is no id of train's written as text, so only the vocabularies differ
    test = Interactions.from_frame(pd.DataFrame({"user_id": [1, 2], "item_id": ["a", "1"]}))
    with pytest.raises(ConfigError, match="must come from one split") as raised:
        Evaluator(ks=[2]).evaluate(MODEL, TRAIN, test)
    assert "another type" not in str(raised.value)
