"""item-kNN and user-kNN with a ``shrink`` near float32's largest value (3e38): the
similarities, co-occurrence / (norms + shrink), fell below float32's smallest normal number
(1.18e-38) and kept only part of their digits, without a word. Such a fit is refused naming
shrink; a large shrink whose similarities stay normal still fits, with the formula's
values."""
from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models.registry import create_model


def _two_by_two() -> Interactions:
    # users a and b both have items x and y: each item's norm is sqrt(2), x and y share
    # 2 users; each user's norm is sqrt(2), a and b share 2 items
    return Interactions.from_arrays(["a", "a", "b", "b"], ["x", "y", "x", "y"])


@pytest.mark.parametrize(("name", "kind"), [("item_knn", "item"), ("user_knn", "user")])
def test_a_shrink_that_makes_similarities_subnormal_is_refused(name, kind):
    # 2 / (sqrt(2) x sqrt(2) + 3e38) = 6.67e-39 < 1.18e-38
    with pytest.raises(ConfigError, match=rf"^{name}: shrink = 3e\+38 makes the {kind} "
                                          r"similarities as small as 6\.67e-39 .*below "
                                          r"float32's smallest normal number \(1\.18e-38\).*"
                                          r"lower shrink"):
        create_model(name, shrink=3e38).fit(_two_by_two())


@pytest.mark.parametrize("name", ["item_knn", "user_knn"])
def test_a_large_shrink_with_normal_similarities_fits_to_the_formula(name):
    model = create_model(name, shrink=1e37).fit(_two_by_two())
    # 2 / (2 + 1e37) = 2e-37, off the diagonal of a 2 x 2 similarity
    values = model.similarity_.toarray()
    np.testing.assert_allclose(values, [[0.0, 2e-37], [2e-37, 0.0]], rtol=1e-6)
    small = create_model(name, shrink=2.0).fit(_two_by_two()).similarity_.toarray()
    np.testing.assert_allclose(small, [[0.0, 0.5], [0.5, 0.0]], rtol=1e-6)  # 2 / (2 + 2)
