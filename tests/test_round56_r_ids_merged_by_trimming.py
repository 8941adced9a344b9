"""Text ids that differ only in surrounding whitespace are one id, and every loader says so.

Every loader trims text ids of surrounding whitespace (the README's id rule: spaces, and
with them tabs, U+0085 and U+2028, which Python and arrow count as whitespace), so
``" a"`` and ``"a"``, or ``"\\u2028x"`` and ``"x\\x85"``, are one id. They became one id
without a word, where ids that differ only otherwise (``"007"`` and ``"7"``) are kept apart
with a ``LookalikeIdWarning``. Now the merge is warned of, with the same warning class,
naming both spellings (escaped, so that a tab or U+2028 can be seen), where each stands,
the id they became and how many ids were so read.

The expected texts are written out by hand below.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data import LookalikeIdWarning
from recstack.data.files import load_table
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions

#: two ids, each written two ways: " a" / "a" (a space) and "\u2028x" / "x\x85" (a line
#: separator before, a next-line character after); "b" is written one way only
USERS = [" a", "a", "\u2028x", "x\x85", "b"]
ITEMS = ["i1", "i2", "i1", "i2", "i1"]
#: what the trimmed vocabulary holds, sorted
KEPT = ["a", "b", "x"]
#: the part of the warning every path shares (the places differ by path)
COUNTED = "2 id(s) were written in 4 ways that differ only in surrounding whitespace, e.g. "
BECAME = "and each was read as one id ('a'): every loader trims text ids of surrounding"


def _merge_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, LookalikeIdWarning)
            and "surrounding whitespace" in str(w.message)]


def _loaded(load):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = load()
    return data, _merge_warnings(caught), caught


def test_from_arrays_warns_when_trimming_makes_two_spellings_one_id():
    data, said, caught = _loaded(lambda: Interactions.from_arrays(USERS, ITEMS))
    assert data.users.external_ids.tolist() == KEPT
    assert len(said) == 1, [str(w.message) for w in caught]
    assert said[0].startswith(
        "column 'user_id': " + COUNTED + "' a' (row 0) and 'a' (row 1), " + BECAME)
    # the warning points at this file, the caller's line, not at recstack's
    assert [w.filename for w in caught if str(w.message) == said[0]] == [__file__]


def test_from_arrays_names_line_separators_escaped():
    _data, said, _caught = _loaded(lambda: Interactions.from_arrays(
        ["\u2028x", "x\x85", "y"], ["i1", "i2", "i1"]))
    assert len(said) == 1
    assert said[0].startswith(
        "column 'user_id': 1 id(s) were written in 2 ways that differ only in surrounding "
        "whitespace, e.g. '\\u2028x' (row 0) and 'x\\x85' (row 1), and each was read as one "
        "id ('x')")


def test_item_ids_are_warned_of_by_their_own_column():
    _data, said, _caught = _loaded(lambda: Interactions.from_arrays(
        ["u1", "u2", "u3"], ["b", "c", "b\t"]))
    assert len(said) == 1
    assert said[0].startswith(
        "column 'item_id': 1 id(s) were written in 2 ways that differ only in surrounding "
        "whitespace, e.g. 'b' (row 0) and 'b\\t' (row 2)")


def test_from_frame_warns_as_from_arrays_does():
    frame = pd.DataFrame({"user_id": USERS, "item_id": ITEMS})
    data, said, _caught = _loaded(lambda: Interactions.from_frame(frame))
    assert data.users.external_ids.tolist() == KEPT
    assert len(said) == 1
    assert said[0].startswith(
        "column 'user_id': " + COUNTED + "' a' (row 0) and 'a' (row 1), " + BECAME)


def test_idmap_encode_warns_naming_positions():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ids, codes = IdMap.encode(["b", " a", "a"])
    assert ids.external_ids.tolist() == ["a", "b"]
    assert codes.tolist() == [1, 0, 0]
    said = _merge_warnings(caught)
    assert len(said) == 1
    assert said[0].startswith(
        "IdMap.encode: ids: 1 id(s) were written in 2 ways that differ only in surrounding "
        "whitespace, e.g. ' a' (position 1) and 'a' (position 2)")


@pytest.mark.parametrize("users", [
    ["a", "b", "a"],  # one spelling, repeated
    [" a", "b", " a"],  # trimmed, but no other spelling of "a": nothing merged
    ["007", "7 ", "b"],  # "7 " is "7"; "007" beside it is the other lookalike rule's
])
def test_no_merge_warning_where_no_two_spellings_became_one(users):
    _data, said, _caught = _loaded(lambda: Interactions.from_arrays(users, ["i"] * 3))
    assert said == []


def _csv(tmp_path):
    path = tmp_path / "ratings.csv"
    # quoted so that the separators and the reader's own rules keep each cell whole
    rows = "".join(f'"{user}",{item}\n' for user, item in zip(USERS, ITEMS, strict=True))
    path.write_text("user_id,item_id\n" + rows, encoding="utf-8", newline="")
    return path


def test_load_table_of_a_csv_file_warns_naming_lines(tmp_path):
    data, said, _caught = _loaded(lambda: load_table(_csv(tmp_path)))
    assert data.users.external_ids.tolist() == KEPT
    assert len(said) == 1
    assert said[0].startswith(
        f"{tmp_path / 'ratings.csv'}: column 'user_id': " + COUNTED
        + "' a' (line 2) and 'a' (line 3), " + BECAME)


def test_load_table_of_a_parquet_file_warns_naming_rows(tmp_path):
    path = tmp_path / "ratings.parquet"
    pq.write_table(pa.table({"user_id": USERS, "item_id": ITEMS}), path)
    data, said, _caught = _loaded(lambda: load_table(path))
    assert data.users.external_ids.tolist() == KEPT
    assert len(said) == 1
    # the Parquet reader's rows count from 1, as its other messages do
    assert "column 'user_id': " + COUNTED + "' a' (row 1) and 'a' (row 2), " + BECAME \
        in said[0]


def test_csv_parquet_and_python_paths_read_the_same_vocabulary(tmp_path):
    parquet = tmp_path / "ratings.parquet"
    pq.write_table(pa.table({"user_id": USERS, "item_id": ITEMS}), parquet)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LookalikeIdWarning)
        read = [load_table(_csv(tmp_path)), load_table(parquet),
                Interactions.from_frame(pd.DataFrame({"user_id": USERS, "item_id": ITEMS})),
                Interactions.from_arrays(USERS, ITEMS)]
    assert [d.users.external_ids.tolist() for d in read] == [KEPT] * 4
