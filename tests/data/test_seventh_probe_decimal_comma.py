"""Seventh probe, ratings written with a decimal comma ('3,5', as spreadsheets in many
languages save them, in a file separated by ';' or tabs): refused as "found '3,5'
(expected a number)", which did not say what was wrong with it. Now named as a decimal
comma, with the number written as the reader wants it."""

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError


@pytest.mark.parametrize("name, text, options", [
    ("log.csv", "user_id;item_id;rating\n1;2;4\n1;3;3,5\n", {"separator": ";"}),
    ("log.tsv", "user_id\titem_id\trating\n1\t2\t4\n1\t3\t3,5\n", {}),
    ("log.csv", 'user_id,item_id,rating\n1,2,4\n1,3,"3,5"\n', {}),
])
def test_a_decimal_comma_is_named_with_the_number_it_means(tmp_path, name, text, options):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(DataFormatError, match=rf"{name}:3: column 'rating': found '3,5', a "
                                              r"number with a decimal comma; numbers here are "
                                              r"written with a point, 3\.5"):
        load_table(path, **options)
