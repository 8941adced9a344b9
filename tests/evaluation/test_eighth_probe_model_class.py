"""Eighth bad-input probe, a model class given where a fitted model belongs
(``Evaluator().evaluate(EASE, train, test)``): the evaluator called its unbound
``score_users`` and failed with Python's TypeError ("missing 1 required positional
argument"), naming neither the argument nor the fix."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.pointwise import evaluate_ratings
from recstack.models.ease import EASE
from recstack.models.mf import MatrixFactorization

DATA = Interactions.from_arrays(np.arange(40) % 8, np.arange(40) % 7,
                                (np.arange(40) % 5 + 1).astype(float), rating_range=(1, 5))
SAYS = (r"^model: got the class {0}, not a fitted model; create and fit one first, e\.g\. "
        r"{0}\(\)\.fit\(train\)")


def test_evaluate_refuses_a_model_class():
    with pytest.raises(RecstackError, match=SAYS.format("EASE")):
        Evaluator(ks=(5,)).evaluate(EASE, DATA, DATA)


def test_evaluate_fold_in_refuses_a_model_class():
    with pytest.raises(RecstackError, match=SAYS.format("EASE")):
        Evaluator(ks=(5,)).evaluate_fold_in(EASE, DATA, DATA, DATA)


def test_evaluate_ratings_refuses_a_model_class():
    with pytest.raises(RecstackError, match=SAYS.format("MatrixFactorization")):
        evaluate_ratings(MatrixFactorization, DATA)
