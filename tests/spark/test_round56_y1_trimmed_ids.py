"""Round 56, Y1: text ids that differ only in surrounding whitespace (``" a"`` and ``"a"``)
became one id by trimming on Spark without a word, where one machine's loaders warn
(:class:`~recstack.data.LookalikeIdWarning`). Spark's ``read_table`` and ``encode`` now
give one machine's words, naming a row where one machine names a line."""

from __future__ import annotations

import re
import warnings

import pandas as pd

from recstack.data import LookalikeIdWarning

# " a" and "a" are one id, so are "b " and "b"; "c" stands alone; the item ids are
# integers however spaced (" 5" is 5), so they are no text ids to warn of
_CSV = "user_id,item_id,rating\n a,5,1\na, 5,2\nb ,6,3\nb,6 ,4\nc,7,5\n"


def _lookalike(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, LookalikeIdWarning)]


def _without_places(message: str) -> str:
    """``message`` without the words placing its examples: one machine names a line of the
    file, Spark a row."""
    return re.sub(r" \((line \d+|the row \(.*?\))\)", "", message)


def test_read_table_and_encode_warn_in_one_machines_words(spark, tmp_path):
    from recstack.data.files import load_table
    from recstack.spark.data import encode, read_table

    path = tmp_path / "trimmed.csv"
    path.write_text(_CSV)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_table(path, value_col="rating")
    one_machine = _lookalike(caught)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_table(spark, str(path), value_col="rating")
    on_spark = _lookalike(caught)
    assert len(one_machine) == 1 and len(on_spark) == 1, (one_machine, on_spark)
    # by hand: two ids ("a", "b") in four spellings; the first merged id in row order is
    # "a", spelt " a" on the first row and "a" on the second
    words = (f"{path}: column 'user_id': 2 id(s) were written in 4 ways that differ only in "
             "surrounding whitespace, e.g. ' a' and 'a', and each was read as one id ('a')")
    assert _without_places(one_machine[0]).startswith(words), one_machine
    assert _without_places(on_spark[0]) == _without_places(one_machine[0])
    # the rows of the two spellings, as written
    assert "' a' (the row (user_id=' a', item_id=5, value=1" in on_spark[0], on_spark
    assert "'a' (the row (user_id='a', item_id=5, value=2" in on_spark[0], on_spark

    frame = spark.createDataFrame(pd.DataFrame({
        "user_id": ["u1", "u2", "u3", "u4"], "item_id": ["x\t", "y", "x", "\u2028y"],
        "row": [0, 1, 2, 3]}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encode(frame, where="clicks")
    on_spark = _lookalike(caught)
    assert len(on_spark) == 1, on_spark
    assert on_spark[0].startswith(
        "clicks: column 'item_id': 2 id(s) were written in 4 ways that differ only in "
        "surrounding whitespace, e.g. 'x\\t' (the row (user_id='u1', item_id='x\\t', row=0)) "
        "and 'x' (the row (user_id='u3', item_id='x', row=2)), and each was read as one id "
        "('x')"), on_spark


def test_clean_or_lone_trimmed_ids_give_no_warning(spark, tmp_path):
    from recstack.data.files import load_table
    from recstack.spark.data import encode, read_table

    # "b " is trimmed, but no other id became "b": nothing merged, on one machine either
    path = tmp_path / "clean.csv"
    path.write_text("user_id,item_id\na,x\nb ,y\nc,x\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_table(path)
        read_table(spark, str(path))
        encode(spark.createDataFrame(pd.DataFrame({"user_id": ["a", "b", "a"],
                                                   "item_id": ["x", "y", "y"]})))
    assert _lookalike(caught) == []
