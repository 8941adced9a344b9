"""A refused hyperparameter is shown as the user wrote it, whichever conversion stored it.

An exact number or an integer beyond 64 bits is stored as the plain number it names
(``validation_fraction=10**30`` as the float ``1e30``, ``regularization=Decimal("1e40")`` as
``1e40``; inside a member's declaration, ``Decimal("1e40")`` as the integer it names), and
the refusal showed the stored number ("got 1e+30", "got a 41-digit integer"), not what was
written. The message now shows the value as given (:func:`recstack.errors.shown`, a long
integer by its digit count), for a model's own settings and for those of a blend's member,
a two-stage model's generator and a re-ranked model's inner model alike.
"""

import re
from decimal import Decimal
from fractions import Fraction

import pytest

from recstack.errors import ConfigError
from recstack.models import create_model

FLOAT32_RANGE = "must lie within float32's range"


@pytest.mark.parametrize(("model", "params", "says"), [
    ("mf", {"validation_fraction": 10**30}, "must be <= 0.5, got a 31-digit integer"),
    ("mf", {"validation_fraction": -(10**30)}, "must be >= 0, got a negative 31-digit integer"),
    ("rp3beta", {"alpha": 10**20}, "must be <= 10, got a 21-digit integer"),
    ("ease", {"regularization": Decimal("1e40")}, f"{FLOAT32_RANGE}.*got Decimal\\('1E\\+40'\\)"),
    ("ease", {"regularization": Decimal("-1e40")},
     f"{FLOAT32_RANGE}.*got Decimal\\('-1E\\+40'\\)"),
    ("ease", {"regularization": Decimal("-0.5")}, "must be > 0, got Decimal\\('-0.5'\\)"),
    ("bpr", {"validation_fraction": Fraction(9, 10)}, "must be <= 0.5, got Fraction\\(9, 10\\)"),
    ("rp3beta", {"alpha": Decimal("11.0")}, "must be <= 10, got Decimal\\('11.0'\\)"),
    ("als", {"factors": Decimal("1e30")}, "must be <= 65536, got Decimal\\('1E\\+30'\\)"),
], ids=["int-high", "int-low", "int-21-digits", "decimal-past-float32",
        "negative-decimal-past-float32", "decimal-below-bound", "fraction", "decimal-high",
        "decimal-width"])
def test_a_refused_setting_is_shown_as_written(model, params, says):
    with pytest.raises(ConfigError, match=f"^{model}: {next(iter(params))} {says}$"):
        create_model(model, **params).validate_params()


def test_a_setting_changed_after_construction_is_shown_as_written():
    model = create_model("ease")
    model.regularization = Decimal("1e40")
    with pytest.raises(ConfigError, match=r"got Decimal\('1E\+40'\)$"):
        model.validate_params()
    model.regularization = -1.5  # set again, as a plain number: shown as that one
    with pytest.raises(ConfigError, match=r"must be > 0, got -1\.5$"):
        model.validate_params()


def test_an_element_of_a_list_setting_is_shown_as_written():
    with pytest.raises(ConfigError, match=r"layers\[1\] must be <= 65536, got "
                                          r"Decimal\('1E\+30'\)$"):
        create_model("neural_mf", layers=[8, Decimal("1e30")]).validate_params()


@pytest.mark.parametrize(("model", "where", "params"), [
    ("blend", "members[0]", lambda entry: {"members": [entry, {"type": "most_popular"}]}),
    ("two_stage", "generators[0]", lambda entry: {"generators": [entry]}),
    ("reranked", "model", lambda entry: {"model": entry}),
], ids=["blend", "two_stage", "reranked"])
@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("1e40"), r"Decimal\('1E\+40'\)"),
    (Fraction(10**40), r"Fraction\(10{40}, 1\)"),
    (Decimal("-0.5"), r"Decimal\('-0.5'\)"),
], ids=["decimal", "fraction", "negative-decimal"])
def test_a_declared_models_setting_is_shown_as_written(model, where, params, value, shown):
    entry = {"type": "ease", "regularization": value}
    place = re.escape(where)
    with pytest.raises(ConfigError, match=rf"^{model}: {place} \(ease\): "
                                          rf"ease: regularization .*got {shown}$"):
        create_model(model, **params(entry)).validate_params()


def test_accepted_exact_numbers_are_stored_as_before():
    # the stored values (what get_params, model.json and the fitted-params check see) are
    # the plain numbers, as before
    model = create_model("ease", regularization=Decimal("250"))
    assert model.regularization == 250.0 and isinstance(model.regularization, float)
    blend = create_model("blend", members=[{"type": "ease", "regularization": Decimal("10")},
                                           {"type": "most_popular"}])
    assert blend.get_params()["members"][0] == {"type": "ease", "regularization": 10}
    blend.validate_params()
