"""EASE on a singular Gram matrix with a regularization too small to lift it.

Items 0 and 1 occur in exactly the same users' rows, so XᵀX is singular; with
``regularization=1e-20`` XᵀX + λI stays numerically singular and the Cholesky step fails.
The refusal said "use a larger regularization or dtype=float64" even to a fit already in
float64; it now suggests float64 only to a float32 fit, and says why the matrix is singular.
"""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def together():
    users = np.array([0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3])
    items = np.array([0, 1, 2, 0, 1, 3, 2, 3, 0, 1, 4])
    return Interactions.from_arrays(users, items, None, np.arange(len(users)))


def test_float64_is_not_suggested_to_a_float64_fit(together):
    with pytest.raises(RecstackError, match=r"^ease: XᵀX \+ λI is not positive definite "
                                            r"\(dpotrf info=\d+\); use a larger "
                                            r"regularization \(items that always occur "
                                            r"together make XᵀX singular") as caught:
        create_model("ease", regularization=1e-20, dtype="float64").fit(together)
    assert "dtype=float64" not in str(caught.value)


def test_float64_is_suggested_to_a_float32_fit(together):
    with pytest.raises(RecstackError, match=r"\(spotrf info=\d+\); use a larger "
                                            r"regularization or dtype=float64 \(items"):
        create_model("ease", regularization=1e-20, dtype="float32").fit(together)


def test_a_large_enough_regularization_fits(together):
    model = create_model("ease", regularization=1.0, dtype="float64").fit(together)
    assert np.isfinite(model.weights_).all()
