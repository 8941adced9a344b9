"""Bytes where numbers belong are named as bytes (``b'1'``), with the advice to decode them:
they were described as "text such as '1'", shown decoded, so the user looked for text."""

import numpy as np
import pytest

from recstack.metrics import MetricInputError
from recstack.metrics._validation import not_numbers, refuse_not_numbers


@pytest.mark.parametrize("values", [[b"3", b"4"], np.array([b"3", b"4"])])
def test_bytes_are_said_to_be_bytes(values):
    assert not_numbers(values) == "bytes such as b'3'"
    with pytest.raises(MetricInputError, match=r"^scores must be an array of numbers, got "
                                               r"bytes b'3' at position 0; bytes are not read "
                                               r"as numbers: decode them to text"):
        refuse_not_numbers(values, "scores")


def test_bytes_among_numbers_are_said_to_be_bytes_and_where():
    # among numbers the bytes are named with their position (hundred-eighty-fifth probe)
    values = np.array([1.0, b"3"], dtype=object)
    assert not_numbers(values) == "bytes such as b'3'"
    assert not_numbers(values, positions=True) == "bytes b'3' at position 1 among the numbers"
    with pytest.raises(MetricInputError, match=r"^scores must be an array of numbers, got "
                                               r"bytes b'3' at position 1 among the numbers; "
                                               r"bytes are not read as numbers: decode them"):
        refuse_not_numbers(values, "scores")


def test_long_bytes_are_shortened():
    assert not_numbers([b"9" * 100]) == "bytes such as " + repr(b"9" * 40)


def test_text_keeps_its_words():
    assert not_numbers(["3"]) == "text such as '3'"
    assert not_numbers(np.array(["3"], dtype=object)) == "text such as '3'"
