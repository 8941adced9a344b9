"""A number with a blank other than a space or a tab beside it (a spreadsheet's no-break
space, a thin space) is refused naming that blank and the number as it is read: it was
"found '4\\xa0'", which named no cause."""

import pytest

from recstack.data.files import DelimitedLayout, load_table, read_delimited
from recstack.errors import DataFormatError

HEADER = "user_id,item_id,rating,timestamp\n"


@pytest.mark.parametrize(("field", "name", "code"), [
    ("4\u00a0", "no-break space", "00A0"),
    ("\u00a04.5", "no-break space", "00A0"),
    ("4\u2009", "thin space", "2009"),
    ("\u30004", "ideographic space", "3000"),
], ids=["nbsp-after", "nbsp-before", "thin-space", "ideographic-space"])
def test_a_rating_beside_another_blank_names_it(tmp_path, field, name, code):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + f"1,2,4,1000000000\n2,3,{field},1000000001\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    bare = field.strip()
    assert message.startswith(f"{path}:3: column 'rating': found {field!r}, a number with a "
                              f"blank other than a space or a tab beside it ({name}, "
                              f"U+{code}); numbers here may have spaces and tabs around "
                              f"them only: write {bare}")


def test_an_integer_column_names_it_too(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("a,b\n1,2\n3\u00a0,4\n")
    with pytest.raises(DataFormatError, match=r":3: column 'a': found '3\\xa0', a number "
                                              r"with a blank other than a space or a tab "
                                              r"beside it \(no-break space, U\+00A0\)"):
        read_delimited(path, DelimitedLayout(","), {"a": "int64", "b": "int64"})


def test_spaces_and_tabs_around_a_number_are_read_and_other_text_is_found(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "1,2, 4\t,1000000000\n")
    assert load_table(path).value.tolist() == [4.0]
    path.write_text(HEADER + "1,2,four\u00a0,1000000000\n")
    with pytest.raises(DataFormatError, match=r"found 'four\\xa0' \(expected a number\)"):
        load_table(path)
