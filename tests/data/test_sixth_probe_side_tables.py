"""Sixth probe, side tables: a CSV items file reads its keys as an interaction log does."""

import pytest

from recstack.data import LookalikeIdWarning
from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError, RecstackError


@pytest.mark.parametrize(("keys", "read_as"), [
    # pandas read these as the numbers 7, 1.0, 1000.0, a Python int beyond int64 and True
    (["007", "008"], ["007", "008"]),
    (["1.0", "8"], ["1.0", "8"]),
    (["1e3", "8"], ["1e3", "8"]),
    (["99999999999999999999999", "8"], ["99999999999999999999999", "8"]),
    (["True", "False"], ["True", "False"]),
    # "NA" is an id in a log, not a missing key
    (["NA", "8"], ["NA", "8"]),
])
def test_csv_keys_follow_the_id_rule_of_the_logs(tmp_path, keys, read_as):
    path = tmp_path / "items.csv"
    path.write_text("item_id,title\n" + "".join(f"{key},t{i}\n" for i, key in enumerate(keys)))
    assert read_side_table(path)["item_id"].tolist() == read_as
    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id\n" + "".join(f"1,{key}\n" for key in keys))
    # the vocabulary holds them sorted
    assert load_table(log).items.external_ids.tolist() == sorted(read_as)


def test_a_log_with_text_ids_finds_its_titles_in_the_items_file(tmp_path):
    # every title was None: the table's 7 and 8 were no id of the log's '007' and '008'
    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id\n1,007\n2,008\n3,x1\n")
    items = tmp_path / "items.csv"
    items.write_text("item_id,title,price\n007,Bond,1.5\n008,,2.5\n")
    data = load_table(log)
    frame = data.to_frame()
    table = read_side_table(items)
    # the other columns keep what pandas makes of them
    assert table["price"].tolist() == [1.5, 2.5]
    joined = Interactions.from_arrays(frame["user_id"].to_numpy(), frame["item_id"].to_numpy(),
                                      item_table=table)
    assert joined.item_table["title"].tolist()[0] == "Bond"
    assert joined.item_table["title"].isna().tolist() == [False, True, True]


def test_two_keys_a_log_tells_apart_are_two_rows(tmp_path):
    # '007' and '7' are two items in a log; pandas read both as 7, "listed twice"
    path = tmp_path / "items.csv"
    path.write_text("item_id,title\n007,a\n7,b\n")
    with pytest.warns(LookalikeIdWarning):
        assert read_side_table(path)["item_id"].tolist() == ["007", "7"]


def test_keys_as_text_are_trimmed_as_the_service_trims_ids(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id,title\n 7 ,a\n007,b\n")
    with pytest.warns(LookalikeIdWarning):
        assert read_side_table(path, key_as_text=True)["item_id"].tolist() == ["7", "007"]


def test_required_columns_given_as_one_name_are_refused(tmp_path):
    # 'title' was read as the five columns 't', 'i', 't', 'l', 'e'
    path = tmp_path / "items.csv"
    path.write_text("item_id,title\n1,a\n")
    with pytest.raises(RecstackError, match=r"columns must be a list of names such as "
                                            r"\['title'\], not 'title'"):
        read_side_table(path, columns="title")


def test_bytes_that_are_not_utf8_outside_the_key_are_named_by_line(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes("item_id,title\n7,Bond\n8,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match=r"items\.csv:3: not a readable CSV items file: "
                                              r"bytes that are not valid UTF-8 text \(e9\)"):
        read_side_table(path)

