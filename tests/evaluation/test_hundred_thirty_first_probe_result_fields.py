"""``EvaluationResult`` built in Python with a misspelt field (``aggregates=``) or without
``per_user`` raised the dataclass's TypeError naming ``__init__()``; it now says it as
``Evaluator(...)`` does: a ConfigError naming the near field and the fields it takes."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import ConfigError
from recstack.evaluation.results import EvaluationResult

FIELDS = r"it takes EvaluationResult\(model, per_user, aggregate, users_without_relevant, meta\)$"


def test_a_misspelt_field_names_the_near_one():
    with pytest.raises(ConfigError, match=r"^EvaluationResult\(\) has no argument 'aggregates' "
                                          r"\(did you mean 'aggregate'\?\); " + FIELDS):
        EvaluationResult("m", pd.DataFrame({"recall@10": [0.5]}), aggregates={})


def test_a_missing_field_is_named():
    with pytest.raises(ConfigError, match=r"^EvaluationResult\(\): missing 'per_user'; "
                                          + FIELDS):
        EvaluationResult("m")


def test_fields_spelt_right_still_build():
    result = EvaluationResult(model="m", per_user=pd.DataFrame({"recall@10": [0.5, 1.0]}),
                              aggregate={"coverage@10": 0.25})
    assert result.means()["recall@10"] == 0.75
