"""An exact number that names no finite float (``regularization=Decimal("NaN")``,
``Decimal("Infinity")``, ``Decimal("1e400")``) was converted first and refused as
"got nan" / "got inf", which is not what the user wrote. It is now refused as written, in a
member's table too."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from recstack.errors import ConfigError
from recstack.models import create_model


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_a_decimal_that_is_no_finite_number_is_refused_as_written(value):
    model = create_model("ease", regularization=Decimal(value))
    with pytest.raises(ConfigError, match=f"^ease: regularization must be a finite number, "
                                          f"got Decimal\\('{value}'\\)$"):
        model.validate_params()
    # set afterwards, the same
    model = create_model("ease")
    model.regularization = Decimal(value)
    with pytest.raises(ConfigError, match=f"got Decimal\\('{value}'\\)$"):
        model.validate_params()


def test_an_exact_number_past_the_float_range_is_refused_for_its_size_as_written():
    with pytest.raises(ConfigError, match="^ease: regularization must lie within float32's "
                                          "range .*got Decimal\\('1E\\+400'\\)$"):
        create_model("ease", regularization=Decimal("1e400")).validate_params()
    huge = Fraction(10**400, 3)
    with pytest.raises(ConfigError, match="must lie within float32's range .*got Fraction\\("):
        create_model("ease", regularization=huge).validate_params()


def test_a_members_non_finite_decimal_is_refused_as_written():
    blend = create_model("blend", members=[{"type": "ease", "regularization": Decimal("NaN")},
                                           {"type": "item_knn"}])
    with pytest.raises(ConfigError, match="ease: regularization must be a finite number, "
                                          "got Decimal\\('NaN'\\)"):
        blend.validate_params()
    wrapped = create_model("reranked", model={"type": "ease",
                                              "regularization": Decimal("-Infinity")})
    with pytest.raises(ConfigError, match="got Decimal\\('-Infinity'\\)"):
        wrapped.validate_params()


def test_finite_exact_numbers_are_still_the_numbers_they_name():
    assert create_model("ease", regularization=Decimal("0.05")).regularization == 0.05
    assert create_model("ease", regularization=Fraction(1, 4)).regularization == 0.25
    assert create_model("als", factors=Decimal("64")).factors == 64
