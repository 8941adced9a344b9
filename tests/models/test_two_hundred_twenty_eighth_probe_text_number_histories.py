"""A numpy array of numbers written as text ("1", "0.5": np.loadtxt(dtype=str), a CSV read
without types) given as histories was refused by its dtype alone ("must hold numbers ...,
got dtype <U1"), with no word that the text was numbers and how to convert it, as the same
text in a frame is told. Text that is not numbers, or a row of another width (item ids as
text, which get the item-id hint), is refused as before."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

DATA = Interactions.from_arrays([0, 0, 1, 1, 2, 2, 3], [0, 1, 1, 2, 2, 3, 0],
                                [1.0] * 7)


@pytest.fixture(scope="module", params=[("ease", {"regularization": 1.0}),
                                        ("gf_cf", {"alpha": 0.0}),
                                        ("rp3beta", {}),
                                        ("ials", {"factors": 2, "iterations": 2})])
def model(request):
    name, params = request.param
    return create_model(name, **params).fit(DATA)


def method_of(model):
    return model.fold_in if hasattr(model, "fold_in") else model.score_histories


@pytest.mark.parametrize("rows", [np.array([["1", "0", "0.5", "0"]]),
                                  np.array(["1", "0", "0", "1"]),
                                  np.array([[b"1", b"0", b"0", b"1"]])])
def test_numbers_written_as_text_are_told_to_convert(model, rows):
    with pytest.raises(RecstackError) as caught:
        method_of(model)(rows)
    message = str(caught.value)
    assert message.startswith(f"{model.name}: histories must hold numbers (interaction "
                              f"values), got dtype {rows.dtype}")
    assert message.endswith("; they are numbers written as text: convert them first, e.g. "
                            "np.asarray(histories, dtype=float)")
    # and converted as told, the same rows are accepted, as the numbers are
    np.testing.assert_array_equal(method_of(model)(np.asarray(rows, dtype=float)),
                                  method_of(model)(np.asarray(rows, dtype=float).astype(
                                      np.float32)))


@pytest.mark.parametrize("rows", [np.array([["a", "0", "1", "0"]]),     # not numbers
                                  np.array([["0", "1"]])])              # ids, 2 columns
def test_other_text_gets_no_conversion_advice(model, rows):
    with pytest.raises(RecstackError, match="must hold numbers") as caught:
        method_of(model)(rows)
    assert "convert them first" not in str(caught.value)
