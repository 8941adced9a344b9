"""Two-hundred-sixty-second probe: ids written as floats.

pandas writes an integer id column that holds a missing value as floats (``1.0``); one
such file beside one written ``1`` kept ``"1.0"`` and ``"1"`` as two ids without a word,
where ``"007"`` beside ``"7"`` was warned of. A whole number written with a decimal point
and zeros is now the same number by the look-alike rule, with the same warning."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from recstack.data import LookalikeIdWarning
from recstack.data.files import load_table
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions


def _csv(tmp_path, users):
    path = tmp_path / "log.csv"
    lines = [f"{user},{n}" for n, user in enumerate(users)]
    path.write_text("user_id,item_id\n" + "\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(("users", "first", "second"), [
    (["1.0", "1"], "'1.0' (line 2)", "'1' (line 3)"),
    (["x", "7", "007.00"], "'7' (line 3)", "'007.00' (line 4)"),
    (["+3.0", "3"], "'+3.0' (line 2)", "'3' (line 3)"),
    (["-0.0", "0"], "'-0.0' (line 2)", "'0' (line 3)"),
    (["12.", "12"], "'12.' (line 2)", "'12' (line 3)"),
])
def test_a_file_warns_naming_both_lines_and_keeps_both_ids(tmp_path, users, first, second):
    path = _csv(tmp_path, users)
    with pytest.warns(LookalikeIdWarning) as record:
        data = load_table(path, value_col=None)
    assert len(record) == 1
    message = str(record[0].message)
    assert message.startswith(f"{path}: column 'user_id': 1 id(s) differ from another id "
                              f"only in how they are written, e.g. {first} and {second}, "
                              "the same number")
    assert "without leading zeros or '.0'" in message
    assert sorted(data.users.external_ids.tolist()) == sorted(users)  # kept as written


def test_each_id_written_two_ways_is_counted_once(tmp_path):
    # 1 and 2 each written twice, 3 once: 2 ids, worked by hand
    with pytest.warns(LookalikeIdWarning, match=r"column 'user_id': 2 id\(s\) differ"):
        load_table(_csv(tmp_path, ["1.0", "1", "2", "2.0", "3"]), value_col=None)


def test_frames_and_id_maps_warn_by_the_same_rule():
    frame = pd.DataFrame({"user_id": ["5", "5.0"], "item_id": [1, 2]})
    with pytest.warns(LookalikeIdWarning, match=r"e\.g\. '5' \(row 0\) and '5\.0' \(row 1\)"):
        assert Interactions.from_frame(frame).n_users == 2
    with pytest.warns(LookalikeIdWarning, match=r"'2\.0' \(position 0\) and '2' \(position 1\)"):
        IdMap(["2.0", "2"])


# ["1e0", "1"] is warned of since exponent forms of whole numbers are lookalikes
# (tests/data/test_round52_q_id_spellings_and_shares.py)
@pytest.mark.parametrize("users", [["1.5", "1"], ["1.01", "1"], ["1.0", "2"], ["2.0", "3.0"],
                                   ["1.0.0", "1"], ["v1.0", "v1"]])
def test_other_numbers_and_texts_pass_without_a_word(tmp_path, users):
    with warnings.catch_warnings():
        warnings.simplefilter("error", LookalikeIdWarning)
        load_table(_csv(tmp_path, users), value_col=None)
        Interactions.from_frame(pd.DataFrame({"user_id": users, "item_id": [1, 2]}))
