"""Hundred-ninety-first probe of the pipeline's parts from Python: a whole ``Decimal`` or
``Fraction`` given for a count (``psi(bins=Decimal(2))``, ``training_window(Decimal(6),
...)``, ``use_fold_in(Fraction(2), ...)``, ``decide(min_users=Decimal(3))``) was refused as
"must be an integer", where a model's ``factors``, the data settings and the metrics' ``k``
read it as the int it names. Now the same rule: a whole one is that int, a fraction and a
float stay refused, shown as given."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.ops import drift
from recstack.ops.fold_in import use_fold_in
from recstack.ops.gate import decide
from recstack.ops.pipeline_config import TrainingSpec
from recstack.ops.retraining import training_window

REFERENCE, NEW = [1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0]


def test_whole_exact_counts_give_what_the_ints_give():
    # bins 2: reference quartile edges split [1, 2.5, 4]; reference shares 1/2, 1/2; new
    # values 2 | 3, 4, 5 give 1/4, 3/4: PSI = (1/4 - 1/2) ln(1/2) + (3/4 - 1/2) ln(3/2)
    assert drift.psi(REFERENCE, NEW, bins=Decimal(2)) == drift.psi(REFERENCE, NEW, bins=2)
    by_hand = (0.25 - 0.5) * math.log(0.25 / 0.5) + (0.75 - 0.5) * math.log(0.75 / 0.5)
    assert drift.psi(REFERENCE, NEW, bins=Fraction(4, 2)) == pytest.approx(by_hand, rel=1e-6)
    sliding = TrainingSpec(window="sliding", partitions=2)
    assert training_window(Decimal(6), sliding) == training_window(6, sliding) == [3, 4]
    assert use_fold_in(Fraction(2), [], None) is use_fold_in(2, [], None)
    values = pd.Series([0.1, 0.2, 0.3], index=[1, 2, 3])
    exact = decide(values, values, metric="ndcg@10", margin=0.0, min_users=Decimal(3))
    plain = decide(values, values, metric="ndcg@10", margin=0.0, min_users=3)
    assert exact == plain


@pytest.mark.parametrize("given", [Decimal("2.5"), Fraction(5, 2), 2.0, Decimal("NaN")])
def test_a_fraction_or_a_float_is_still_refused_as_given(given):
    with pytest.raises(RecstackError, match=r"psi: bins must be an integer in \[2, 10000\] "
                                            r"\(one quantile bin holds both samples whole: "
                                            r"its PSI is always 0\), "
                                            rf"got {re.escape(repr(given))}$"):
        drift.psi(REFERENCE, NEW, bins=given)
    with pytest.raises(ConfigError, match=r"training_window: n_partitions must be the number"):
        training_window(given, TrainingSpec())
    with pytest.raises(ConfigError, match=r"use_fold_in: between must be a whole number"):
        use_fold_in(given, [], None)
