"""iALS's frequency-scaled regularization lambda (|I_u| + alpha0 |I|) ** nu beyond float32's
range is refused at fit, naming the three settings and the value reached; it was cast to
inf, every solve gave NaN, and the fit was refused as "training diverged ... raise the
regularization"."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

# user 0 has items 0 and 1, user 1 item 0, user 2 item 1: 3 users x 2 items
DATA = Interactions.from_arrays([0, 0, 1, 2], [0, 1, 0, 1], [1.0, 1.0, 1.0, 1.0])


@pytest.mark.parametrize(("params", "reached"), [
    # 2e38 x (2 + 0.5 x 2) ** 1 = 6e38 for user 0, above float32's 3.4e38
    ({"regularization": 2e38, "unobserved_weight": 0.5}, "6e+38"),
    # 1 x (2 + 1e30 x 2) ** 2 = 4e60: the exponent overflows a regularization of 1
    ({"regularization": 1.0, "unobserved_weight": 1e30, "regularization_exp": 2}, "4e+60"),
])
def test_a_regularization_beyond_float32_is_refused_naming_the_settings(params, reached):
    model = create_model("ials", factors=2, iterations=2, **params)
    with pytest.raises(ConfigError) as caught:
        model.fit(DATA)
    message = str(caught.value)
    assert message.startswith("ials: the frequency-scaled regularization ")
    assert f"reaches {reached} for a user of 2 interactions" in message
    assert f"regularization={params['regularization']}" in message
    assert f"unobserved_weight={params['unobserved_weight']}" in message
    assert "beyond float32's range" in message
    assert "lower regularization, regularization_exp or unobserved_weight" in message
    assert "diverged" not in message
    assert not model.is_fitted


def test_the_item_side_is_checked_by_its_own_counts():
    # users: 1e38 x (2 + 0.5 x 2) = 3e38 fits float32; items: 1e38 x (2 + 0.5 x 3) = 3.5e38
    # does not
    model = create_model("ials", factors=2, iterations=2, regularization=1e38,
                         unobserved_weight=0.5)
    with pytest.raises(ConfigError, match=r"x 3 users\) \*\* regularization_exp reaches "
                                          r"3\.5e\+38 for an item of 2 interactions"):
        model.fit(DATA)
    assert not model.is_fitted


def test_a_regularization_within_float32_is_fitted():
    # the largest exponent: 1e-3 x (2 + 0.5 x 3) ** 4 = 0.15 at most, well within range
    model = create_model("ials", factors=2, iterations=2, regularization=1e-3,
                         unobserved_weight=0.5, regularization_exp=4)
    model.fit(DATA)
    assert np.isfinite(model.user_factors_).all()
