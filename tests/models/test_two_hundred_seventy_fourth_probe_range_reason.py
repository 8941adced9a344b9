"""Two hundred seventy-fourth probe: a float setting past a type's range is refused with the
type it is really computed in; model.json's format fields are named as the file holds them.

Every float setting was bounded by float32's range and refused "(at most 3.4e38 in size:
recstack computes in float32)", also where the model uses the setting only as a Python float
(BPR's ``tolerance``) or in float64 (most-popular's ``half_life_days``, divided into float64
ages): a reason that was not true, and a refusal of values the model computes correctly.
A :class:`~recstack.models.base.Param` now says which type it is computed in
(``computes_in``), and the bound and the message follow it.
"""

from decimal import Decimal

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.models.base import Param
from recstack.models.persistence import describe_artifact, load_model
from recstack.models.registry import available_models, model_class
from tests.models.tampering import edit_meta

#: past float32's largest value (3.4028e38), far inside float64's (1.7977e308)
PAST_FLOAT32 = 1e39
#: past float64's largest value too: an integer names it exactly
PAST_FLOAT64 = 10**400


def _float_settings() -> list[tuple[str, str]]:
    found = []
    for name in available_models():
        for param, declared in model_class(name).params.items():
            kinds = declared.kind if isinstance(declared.kind, tuple) else (declared.kind,)
            if float in kinds and declared.element is None \
                    and (declared.high is None or declared.high >= PAST_FLOAT64) \
                    and (declared.low is None or declared.low <= PAST_FLOAT32):
                found.append((name, param))
    return found


FLOAT_SETTINGS = _float_settings()


def test_the_registry_has_unbounded_float_settings_of_both_types():
    kinds = {model_class(name).params[param].computes_in for name, param in FLOAT_SETTINGS}
    assert kinds == {"float32", "float64"}
    assert ("bpr", "tolerance") in FLOAT_SETTINGS
    assert ("most_popular", "half_life_days") in FLOAT_SETTINGS
    assert ("ease", "regularization") in FLOAT_SETTINGS


@pytest.mark.parametrize(("name", "param"), FLOAT_SETTINGS,
                         ids=[f"{n}.{p}" for n, p in FLOAT_SETTINGS])
def test_every_float_setting_is_bounded_by_the_type_it_says(name, param):
    dtype = model_class(name).params[param].computes_in
    assert dtype in ("float32", "float64")
    bound = {"float32": "3.4e38", "float64": "1.8e308"}[dtype]
    reason = ("recstack computes in float32" if dtype == "float32"
              else f"{name} computes {param} in float64")
    model = create_model(name, **{param: PAST_FLOAT32})
    if dtype == "float64":
        model.validate_params()  # 1e39 is an ordinary float64
    else:
        with pytest.raises(ConfigError) as caught:
            model.validate_params()
        assert str(caught.value) == (f"{name}: {param} must lie within float32's range (at "
                                     f"most 3.4e38 in size: {reason}), got 1e+39")
    with pytest.raises(ConfigError) as caught:
        create_model(name, **{param: PAST_FLOAT64}).validate_params()
    assert str(caught.value) == (f"{name}: {param} must lie within {dtype}'s range (at most "
                                 f"{bound} in size: {reason}), got a 401-digit integer")
    with pytest.raises(ConfigError) as caught:
        create_model(name, **{param: Decimal("1e400")}).validate_params()
    assert str(caught.value).endswith(f"{dtype}'s range (at most {bound} in size: {reason}), "
                                      "got Decimal('1E+400')")


def test_a_declaration_names_a_type_it_knows():
    with pytest.raises(ValueError, match=r"^Param: computes_in must be 'float32' or "
                                         r"'float64', got 'float46'$"):
        Param(float, computes_in="float46")


def test_a_float64_setting_takes_a_value_past_float32():
    create_model("bpr", tolerance=1e300).validate_params()
    create_model("bpr", tolerance=Decimal("1e39")).validate_params()
    with pytest.raises(ConfigError, match=r"^bpr: learning_rate must lie within float32's "
                                          r"range .*got 1e\+39$"):
        create_model("bpr", learning_rate=1e39).validate_params()


def test_a_half_life_past_float32_counts_every_row_about_once():
    # item 0: 3 rows, item 1: 2 rows, item 2: 1 row, spread over 10 days: with a half-life of
    # 1e39 days each row's weight 2 ** (-age / 1e39) is 1 to float32's precision
    data = Interactions.from_arrays(
        np.array([0, 1, 2, 0, 1, 0]), np.array([0, 0, 0, 1, 1, 2]),
        timestamps=np.arange(6) * 2 * 86_400)
    model = create_model("most_popular", half_life_days=1e39).fit(data)
    np.testing.assert_array_equal(model.popularity_, np.array([3, 2, 1], np.float32))


# ---------------------------------------------------------------------------------------
# model.json's format fields, missing or of another JSON kind: "format_version must be an
# integer, found None" was said both of a missing field and of a JSON null, and text or
# 2.0 were shown as Python writes them ('2'), not as the file holds them; a missing
# "format" read "format None". Said now as a registry manifest's version is.

@pytest.fixture
def saved(tmp_path):
    data = Interactions.from_arrays(["u0", "u0", "u1"], ["i0", "i1", "i1"])
    folder = tmp_path / "model"
    create_model("most_popular").fit(data).save(folder)
    return folder


def _version_refusal(found: str) -> str:
    return ("format_version must be a positive integer (the model format's version), "
            f"{found}; the metadata is corrupted")


@pytest.mark.parametrize(("edit", "found"), [
    (lambda meta: meta.pop("format_version"), "the field is missing"),
    (lambda meta: meta.update(format_version=None), "found null"),
    (lambda meta: meta.update(format_version="2"), 'found text ("2")'),
    (lambda meta: meta.update(format_version=2.0), "found a number (2.0)"),
    (lambda meta: meta.update(format_version=True), "found true/false (true)"),
    (lambda meta: meta.update(format_version=[2]), "found a list ([2])"),
    (lambda meta: meta.update(format_version=0), "found 0"),
], ids=["missing", "null", "text", "float", "bool", "list", "zero"])
def test_a_format_version_that_is_no_version_is_said_as_the_file_holds_it(saved, edit, found):
    edit_meta(saved, edit)
    for read in (load_model, describe_artifact):
        with pytest.raises(RecstackError) as caught:
            read(saved)
        assert str(caught.value) == f"{saved / 'model.json'}: {_version_refusal(found)}"


@pytest.mark.parametrize(("edit", "found"), [
    (lambda meta: meta.pop("format"), "no format field"),
    (lambda meta: meta.update(format=None), "format null"),
    (lambda meta: meta.update(format="recstack-ranker"), 'format text ("recstack-ranker")'),
], ids=["missing", "null", "other"])
def test_a_format_that_is_not_a_models_is_said_as_the_file_holds_it(saved, edit, found):
    edit_meta(saved, edit)
    with pytest.raises(RecstackError) as caught:
        load_model(saved)
    assert str(caught.value) == (f"{saved / 'model.json'}: not a recstack model ({found}, "
                                 "expected 'recstack-model')")
