"""``IdMap.to_index`` looks ids up as given before trimming them: the answers must be those
of the one id rule, whatever the map and the container.

The reference below is the rule as the docstring states it, written out per id in plain
Python (never the code under test): text is trimmed of surrounding whitespace; on a map of
integers, text that spells an integer plainly is that integer; on any other map the
trimmed text is looked up, else the text as given (a vocabulary saved before ids were
trimmed may hold " a"); an integer is its plain text on a map of text ids.
"""

import re

import numpy as np
import pandas as pd
import pytest

from recstack.data.idmap import IdMap
from recstack.errors import RecstackError

# the inputs use ASCII whitespace only, which every definition of whitespace agrees on
WHITESPACE = " \t\n\r\v\f"


def reference_position(map_ids: list, value) -> int:
    position = {key: i for i, key in enumerate(map_ids)}
    integer_map = all(isinstance(key, int) for key in map_ids)
    text_map = all(isinstance(key, str) for key in map_ids)
    if isinstance(value, str):
        trimmed = value.strip(WHITESPACE)
        if integer_map:
            plain = re.fullmatch(r"-?(0|[1-9][0-9]*)", trimmed)
            return position.get(int(trimmed), -1) if plain else -1
        if trimmed in position:
            return position[trimmed]
        return position.get(value, -1)
    if text_map:
        return position.get(str(value), -1)
    return position.get(value, -1)


MAPS = {
    "text": ["a", "b", "7", "x y", "ü"],
    # saved before ids were trimmed: " a" and "a" are both there, "c " only untrimmed
    "legacy": [" a", "a", "c ", "\tb", "7 ", "d"],
    "integers": [3, 7, 10, -2, 0],
    "mixed": ["a", 7, " b", "c"],
}
LOOKUPS = ["a", " a", "a ", "b", " b", "\tb", "c", "c ", " c ", "7", " 7", "7 ", "07", "7.0",
           "x y", " x y ", "ü", " ü", "d", "-2", "0", "zz", "", "   ", 7, 10, -2, 0, 99]


@pytest.mark.parametrize("name", MAPS)
def test_each_id_alone_gives_the_rule_s_answer(name):
    ids = IdMap.restore(MAPS[name])
    for value in LOOKUPS:
        expected = reference_position(MAPS[name], value)
        assert ids.to_index([value], missing="ignore").tolist() == [expected], value


# numpy turns a list mixing text and integers into text (["a", 7] -> ['a', '7']), so on
# the one map that tells 7 from "7" (ids of both kinds) a list is not a mixed lookup
CASES = [(name, container) for name in MAPS
         for container in ("list", "object array", "text array", "series")
         if (name, container) != ("mixed", "list")]


@pytest.mark.parametrize(("name", "container"), CASES)
def test_mixed_lookups_give_the_rule_s_answers_in_every_container(name, container):
    ids = IdMap.restore(MAPS[name])
    values = LOOKUPS if container != "text array" else [v for v in LOOKUPS
                                                          if isinstance(v, str)]
    if container == "object array":
        values = np.array(values, dtype=object)
    elif container == "text array":
        values = np.array(values)
        assert values.dtype.kind == "U"
    elif container == "series":
        values = pd.Series(values, dtype=object)
    expected = [reference_position(MAPS[name], v) for v in list(values)]
    assert ids.to_index(values, missing="ignore").tolist() == expected


def test_hand_worked_answers_on_a_vocabulary_saved_before_ids_were_trimmed():
    ids = IdMap.restore([" a", "a", "c "])
    # " a" is in the map as given, but its trimmed form "a" is too: the rule takes "a"
    # "c " is only there untrimmed: found as given; "c" and " c" are neither there trimmed
    # nor as given
    assert ids.to_index([" a", "a", "c ", "c", " c", " a "], missing="ignore"
                        ).tolist() == [1, 1, 2, -1, -1, 1]


def test_unknown_ids_are_still_named_as_given():
    ids = IdMap(["a", "b"])
    with pytest.raises(RecstackError, match=r"1 unknown item id .*\[' q'\]"):
        ids.to_index(["a", " q"], what="item ids")


def test_ids_found_as_given_are_not_trimmed(monkeypatch):
    """Trimming is the costly step: only ids the map does not hold as given, or holds with
    surrounding whitespace, go through it."""
    from recstack.data import idmap

    trimmed = []
    original = idmap.trim_text_ids
    monkeypatch.setattr(idmap, "trim_text_ids",
                        lambda texts: trimmed.append(list(texts)) or original(texts))
    ids = IdMap.restore(["a", "b", " c"])
    assert ids.to_index(["b"]).tolist() == [1]
    assert trimmed == []
    assert ids.to_index(["a", "b", " a", " c"]).tolist() == [0, 1, 0, 2]
    assert trimmed == [[" a", " c"]]


def test_every_character_trimming_removes_marks_an_id_as_not_final():
    """The fast path takes an id found as given as final when numpy's strip leaves it
    unchanged: that strip must remove every character arrow's trimming removes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    after = pc.utf8_trim_whitespace(pa.array(characters)).to_pylist()
    trimmed_away = [c for c, left in zip(characters, after, strict=True) if left == ""]
    assert "\u3000" in trimmed_away and " " in trimmed_away
    padded = np.array([f"x{c}" for c in trimmed_away] + [f"{c}x" for c in trimmed_away])
    assert (np.char.strip(padded) != padded).all()
