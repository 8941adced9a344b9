"""Round 54 (M): models' settings compared by value, large values named by their kind, and
create_model's refusals of the ways its arguments are mistyped (README "Models")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.models.registry import settings_key

#: a frame of rows whose repr runs to many lines
_ROWS = pd.DataFrame({"user_id": np.arange(2000), "item_id": np.arange(2000)})
#: a list whose repr runs to about 29,000 characters
_LONG_LIST = list(range(5000))


@pytest.fixture(scope="module")
def tiny() -> object:
    return generate(n_users=20, n_items=15, seed=0)


@pytest.mark.parametrize("container, key", [("blend", "members"),
                                            ("two_stage", "generators")])
def test_members_equal_by_value_are_one_model_listed_twice(container: str, key: str) -> None:
    declared = [{"type": "ease", "regularization": 500},
                {"type": "ease", "regularization": 500.0}]
    with pytest.raises(ConfigError, match=rf"{key}\[0\] and {key}\[1\] are the same model"):
        create_model(container, **{key: declared}).validate_params()


def test_members_that_differ_are_accepted() -> None:
    declared = [{"type": "ease", "regularization": 500},
                {"type": "ease", "regularization": 501.0}]
    create_model("blend", members=declared).validate_params()


def test_settings_key_equates_numbers_but_not_flags_with_numbers() -> None:
    assert settings_key({"alpha": 1, "layers": (16, 8)}) == \
        settings_key({"layers": [16.0, 8], "alpha": 1.0})
    assert settings_key({"binary": True}) != settings_key({"binary": 1})
    assert settings_key([False]) != settings_key([0])


def test_sasrec_validation_frame_is_named_as_rows_not_printed(tiny: object) -> None:
    with pytest.raises(ConfigError) as caught:
        create_model("sasrec").fit(tiny, validation=_ROWS)
    message = str(caught.value)
    assert "takes no validation rows" in message
    assert "\n" not in message and "1995" not in message


def test_unknown_fit_keyword_with_a_long_value_is_named_by_its_size(tiny: object) -> None:
    with pytest.raises(ConfigError) as caught:
        create_model("sasrec").fit(tiny, epochs=_LONG_LIST)
    message = str(caught.value)
    assert "a list of 5,000 items" in message and len(message) < 400


@pytest.mark.parametrize("name, params, expected", [
    ("ease", {"regularization": _ROWS}, "got a DataFrame of 2,000 rows x 2 columns"),
    ("als", {"factors": _LONG_LIST}, "got a list of 5,000 items"),
    ("blend", {"members": _ROWS}, "got a DataFrame of 2,000 rows x 2 columns"),
    ("blend", {"members": [_LONG_LIST]}, "members[0] must be dict, got a list of 5,000 items"),
])
def test_a_setting_of_the_wrong_kind_is_named_by_its_kind_and_size(
        name: str, params: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        create_model(name, **params).validate_params()
    message = str(caught.value)
    assert expected in message and len(message) < 200


def test_a_long_text_choice_is_cut() -> None:
    with pytest.raises(ConfigError) as caught:
        create_model("ease", dtype="x" * 5000).validate_params()
    assert "(5,002 characters)" in str(caught.value) and len(str(caught.value)) < 300


def test_a_model_name_of_another_kind_is_named_by_its_size() -> None:
    with pytest.raises(ConfigError) as caught:
        create_model(_LONG_LIST)
    assert "a list of 5,000 items" in str(caught.value)
    assert len(str(caught.value)) < 400


def test_hyperparameters_as_one_table_are_told_to_be_unpacked() -> None:
    with pytest.raises(ConfigError, match=r"create_model\('ease', \*\*params\)"):
        create_model("ease", {"regularization": 100})
    with pytest.raises(ConfigError, match=r"unpack it with \*\* \(create_model\('ease', "
                                          r"\*\*params\)\)"):
        create_model("ease", params={"regularization": 100})


def test_a_declaration_table_as_the_name_is_told_the_call_to_write() -> None:
    with pytest.raises(ConfigError, match=r"a declaration table: .*create_model\('ease', "
                                          r"regularization=10\)"):
        create_model({"type": "ease", "regularization": 10})


def test_the_name_given_twice_is_a_config_error_naming_the_model() -> None:
    with pytest.raises(ConfigError, match=r"ease: name='als' is not a hyperparameter"):
        create_model("ease", name="als")
    assert create_model(name="ease").name == "ease"
    with pytest.raises(ConfigError, match="needs the model's registered name"):
        create_model()


def test_type_kept_from_a_declaration_is_named_as_such() -> None:
    with pytest.raises(ConfigError, match="'type' names the model in a declaration table"):
        create_model("ease", type="ease")


def test_a_name_in_bytes_is_told_the_text() -> None:
    with pytest.raises(ConfigError, match=r"got bytes b'ease'; write 'ease'"):
        create_model(b"ease")
