"""IdMap() and IdMap.encode warn of look-alike text ids as every loader and
Interactions.from_arrays do (LookalikeIdWarning), naming a position of each."""

import unicodedata
import warnings

import numpy as np
import pytest

from recstack.data import LookalikeIdWarning
from recstack.data.idmap import IdMap

NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")


def test_idmap_warns_of_two_unicode_forms_by_position():
    with pytest.warns(LookalikeIdWarning) as record:
        ids = IdMap(["x", NFC, NFD])
    assert len(ids) == 3  # kept apart, as written
    message = str(record[0].message)
    assert message.startswith("IdMap(...): external ids: 1 id(s) differ")
    assert "'caf\\xe9' (position 1) and 'cafe\\u0301' (position 2)" in message
    assert record[0].filename == __file__


@pytest.mark.parametrize(("given", "first", "second"), [
    (["007", "7"], "'007' (position 0)", "'7' (position 1)"),
    (["+7", "7"], "'+7' (position 0)", "'7' (position 1)"),
    (["\uff11", "1"], "'\\uff11' (position 0)", "'1' (position 1)"),
    ([1, "01"], "'1' (position 0)", "'01' (position 1)"),
    (np.array(["a", "07", "7"]), "'07' (position 1)", "'7' (position 2)"),
])
def test_idmap_warns_of_numbers_and_forms_written_otherwise(given, first, second):
    with pytest.warns(LookalikeIdWarning, match="differ from another id") as record:
        IdMap(given)
    assert f"{first} and {second}" in str(record[0].message)


def test_encode_names_the_first_position_of_each_among_the_values():
    with pytest.warns(LookalikeIdWarning) as record:
        ids, codes = IdMap.encode(["x", "7", "x", "007", "7"])
    assert ids.external_ids.tolist() == ["007", "7", "x"]
    assert codes.tolist() == [2, 1, 2, 0, 1]
    message = str(record[0].message)
    assert message.startswith("IdMap.encode: external ids: 1 id(s) differ")
    # "007" first appears at position 3 and "7" at position 1 of the values given
    assert "'007' (position 3) and '7' (position 1)" in message
    assert "before building the map" in message
    assert record[0].filename == __file__


def test_encode_warns_of_unicode_forms_as_from_arrays_does():
    with pytest.warns(LookalikeIdWarning, match=r"'caf\\xe9' \(position 0\)"):
        IdMap.encode([NFC, NFD])


@pytest.mark.parametrize("given", [
    ["a", "b", "A"], [1, 2, 30], ["1", "2", "10"], [], ["é", "e"], ["7", "-7"]])
def test_distinct_ids_give_no_warning(given):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        IdMap(given)
        IdMap.encode(given)


def test_restore_keeps_a_saved_vocabulary_without_a_word():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert IdMap.restore(["007", "7"]).external_ids.tolist() == ["007", "7"]
