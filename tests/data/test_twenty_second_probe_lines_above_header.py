"""Twenty-second probe, a title or comment line above a CSV's header ('Ratings export',
'# exported by the shop'): it was read as the header, and the error said the file had no
user column, listing the title as its only column. Now the first line is named as what it
seems to be, with the line of the real header, and what to delete."""

import pytest

from recstack.cli import main
from recstack.data.files import load_table
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError, UnknownColumnError

BODY = "user_id,item_id,rating\n1,10,4\n2,20,5\n"
DELETE = r"\(expected the header line naming the columns first: delete the line\(s\) above " \
         r"the header\)$"


@pytest.mark.parametrize("above, fields, header_line", [
    ("Ratings export\n", 1, 2),
    ("Ratings export\n\n", 1, 3),          # a blank line between: the header is line 3
    ("# exported 2024-01-31\n", 1, 2),
    ("# exported by the shop, 2024\n", 2, 2),  # a comment holding the separator
])
def test_a_line_above_the_header_is_named(tmp_path, above, fields, header_line):
    path = tmp_path / "log.csv"
    path.write_text(above + BODY)
    first = ",".join(f.strip() for f in above.strip().split(","))
    with pytest.raises(DataFormatError, match=rf"log\.csv:1: the first line, '{first}', has "
                                              rf"{fields} field\(s\) but line {header_line} "
                                              rf"has 3: a title or comment above the header\? "
                                              rf"{DELETE}"):
        load_table(path)


def test_a_side_table_with_a_title_is_named_too(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("Catalogue\nitem_id,title\n1,Heat\n")
    with pytest.raises(DataFormatError, match=r"items\.csv:1: .*the first line, 'Catalogue', "
                                              r"has 1 field\(s\) but line 2 has 2"):
        read_side_table(path)


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("Ratings export\n" + BODY)
    assert main(["data", "info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "log.csv:1: the first line, 'Ratings export', has 1 field(s) but line 2" in err


@pytest.mark.parametrize("text", [
    "user_id\n1\n2\n",                      # a file of one column stays one column
    "#user,item\n1,10\n2,20\n",             # a header whose first name starts with '#'
])
def test_files_whose_first_line_is_their_header_are_not_refused(tmp_path, text):
    path = tmp_path / "log.csv"
    path.write_text(text)
    if text.startswith("#"):
        data = load_table(path, user_col="#user", item_col="item")
        assert data.users.external_ids.tolist() == [1, 2]
    else:
        with pytest.raises(UnknownColumnError, match="no column 'item_id'"):
            load_table(path)
