"""A header repeated in the middle of a CSV log (two files joined) is refused however that
header is spelt: in another case (``USER_ID,ITEM_ID``), with other word separators
(``User ID``), or with other well-known names of the same roles (``userId,movieId`` below
``user_id,item_id``). Before, only the exact header was refused; any other spelling of it
became one more interaction (user 'USER_ID' rated item 'ITEM_ID') without a word, or, in a
file with a value column, "found 'VALUE' (expected a number)"."""

from __future__ import annotations

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

_REPEATED = ("the header line is repeated here (files joined with their headers?) (expected "
             "one header line, at the top of the file; remove this one)")


@pytest.mark.parametrize(("header", "again"), [
    ("user_id,item_id", "USER_ID,ITEM_ID"),
    ("user_id,item_id", "User ID,Item-Id"),
    ("user_id,item_id", "userId,movieId"),
    ("user_id,item_id", "\ufeffUserID , ItemID"),
    ("userId,movieId", "user_id,item_id"),
    ("uid,iid", "user,product_id"),
    ("user_id,item_id,value", "USER_ID,ITEM_ID,VALUE"),
    ("user_id,item_id,value", "userId,movieId,rating"),
    ("user_id,item_id,value,timestamp", "UserId,MovieId,Rating,Timestamp"),
    ("who,what", "WHO,What"),
])
def test_a_header_repeated_in_another_spelling_is_refused(tmp_path, header, again):
    path = tmp_path / "log.csv"
    path.write_text(f"{header}\n1,2{',3' * (header.count(',') - 1)}\n{again}\n"
                    f"4,5{',3' * (header.count(',') - 1)}\n")
    kwargs = {"user_col": "who", "item_col": "what"} if header == "who,what" else {}
    if header.endswith("timestamp"):
        path.write_text(f"{header}\n1,2,3,2020-01-01\n{again}\n4,5,3,2020-01-02\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path, **kwargs)
    assert str(caught.value) == f"{path}:3: {_REPEATED}"


@pytest.mark.parametrize("row", [
    "user,x",             # one field of the header's spellings, not all
    "user_idx,item_id",   # a longer word
    "userid2,itemid",
    "rating,movieId",     # names of other roles
])
def test_ids_that_only_look_like_names_are_read(tmp_path, row):
    path = tmp_path / "log.csv"
    path.write_text(f"user_id,item_id\n1,2\n{row}\n")
    data = load_table(path)
    assert data.to_frame().values.tolist()[1][:2] == row.split(",")
