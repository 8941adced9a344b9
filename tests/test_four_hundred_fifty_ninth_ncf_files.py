"""The NCF repository's split files generated, then damaged the way real files are, fed to
``load_ncf_files``.

Property: the loader returns exactly the rows of ``<name>.train.rating`` as read here with
plain string splitting and a decimal pattern, or raises a :class:`RecstackError` naming the
file and the damaged line. Line ends of any kind (LF, CRLF, a lone CR) and a byte-order mark
leave the rows intact and must be read.
"""

from __future__ import annotations

import math
import os
import re
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recstack.data.ncf_files import load_ncf_files
from recstack.errors import DataFormatError, RecstackError

# RECSTACK_FUZZ_EXAMPLES=2000 hunts longer (the default keeps the file near 10 s)
EXAMPLES = int(os.environ.get("RECSTACK_FUZZ_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

TEST = b"0\t3\t4\t978300770\n"
NEGATIVE = b"(0,3)\t5\t6\n"
#: what real files hold where a rating belongs
RATINGS = ["4", "3.5", "+5", "1e3", " 2 ", "\u0663", "1_000", "\u00a05", "0x10", "1,5", "nan",
           "", "-1", "5.", ".5"]
#: a number as the reference reads one: ASCII decimal, spaces and tabs around it
DECIMAL = re.compile(r"[ \t]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t]*", re.ASCII)


@st.composite
def rating_files(draw) -> tuple[str, str, int | None]:
    n_rows = draw(st.integers(1, 5))
    lines = [f"{draw(st.integers(0, 9))}\t{draw(st.integers(0, 9))}\t"
             f"{draw(st.sampled_from(['1', '2.5', '4', '5']))}\t{978300760 + n}"
             for n in range(n_rows)]
    at = draw(st.integers(0, n_rows - 1))
    kind = draw(st.sampled_from(["crlf", "cr", "mixed", "bom", "rating", "blank"]))
    line_end = {"crlf": "\r\n", "cr": "\r"}.get(kind, "\n")
    damaged_line = None
    if kind == "mixed":
        lines[at] += "\r"   # this line CRLF, the next lone CR or LF
    elif kind == "rating":
        fields = lines[at].split("\t")
        fields[2] = draw(st.sampled_from(RATINGS))
        lines[at] = "\t".join(fields)
        damaged_line = at + 1
    elif kind == "blank":
        lines.insert(at, "")
        damaged_line = None
    text = ("\ufeff" if kind == "bom" else "") + line_end.join(lines) + line_end
    return text, kind, damaged_line


def _reference(text: str) -> list[tuple[int, int, float]]:
    rows = []
    for line in re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")):
        if not line:
            continue
        user, item, rating, _ = line.split("\t")
        if not DECIMAL.fullmatch(rating) or not math.isfinite(float(rating)):
            raise ValueError(rating)
        rows.append((int(user), int(item), float(rating)))
    return rows


@SETTINGS
@given(case=rating_files())
def test_damaged_ncf_ratings_are_read_exactly_or_refused_naming_the_line(tmp_path, case):
    text, kind, damaged_line = case
    train = tmp_path / "ml.train.rating"
    train.write_bytes(text.encode())
    (tmp_path / "ml.test.rating").write_bytes(TEST)
    (tmp_path / "ml.test.negative").write_bytes(NEGATIVE)
    try:
        expected: list | None = _reference(text)
    except ValueError:
        expected = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = load_ncf_files(tmp_path)
    except RecstackError as error:
        assert expected is None, f"intact rows ({kind}) refused: {error}"
        assert str(error).startswith(f"{train}:{damaged_line}: "), str(error)
        return
    assert expected is not None, f"{kind}: a malformed file was read: {text!r}"
    got = list(zip(data.train.users.to_external(data.train.user_index).tolist(),
                   data.train.items.to_external(data.train.item_index).tolist(),
                   data.train.value.astype(float).tolist(), strict=True))
    assert got == [(u, i, float(v)) for u, i, v in expected]


def _write(folder, train: bytes, test: bytes = TEST, negative: bytes = NEGATIVE) -> None:
    (folder / "ml.train.rating").write_bytes(train)
    (folder / "ml.test.rating").write_bytes(test)
    (folder / "ml.test.negative").write_bytes(negative)


def test_files_with_lone_cr_line_ends_are_read(tmp_path):
    """Before: split at LF only, an old Mac file was one line, "10 fields where 3 or 4
    tab-separated fields ... belong" (and a negatives file "item id '6\\r(1,1)' ... the
    fields are separated by tabs, not spaces"), where load_table and the adjacency lists
    read lone CR line ends."""
    _write(tmp_path, b"0\t1\t5\t978300760\r0\t2\t3\t978300761\r1\t2\t4\t978300762\r",
           b"0\t3\t4\t978300770\r1\t1\t2\t978300771\r", b"(0,3)\t5\t6\r(1,1)\t6\t7\r")
    data = load_ncf_files(tmp_path)
    assert data.train.users.to_external(data.train.user_index).tolist() == [0, 0, 1]
    assert data.train.value.tolist() == [5.0, 3.0, 4.0]
    assert {u: v.tolist() for u, v in data.negatives.items()} == {0: [5, 6], 1: [6, 7]}


def test_a_lone_cr_counts_as_a_line_end_in_the_line_named(tmp_path):
    _write(tmp_path, b"0\t1\t5\t978300760\r0\t2\tfive\t978300761\r")
    with pytest.raises(DataFormatError, match=r"ml\.train\.rating:2: rating 'five'"):
        load_ncf_files(tmp_path)


@pytest.mark.parametrize("rating", ["1_000", "\u0663", "\u00a05", "5\u2009"])
def test_a_rating_is_read_by_the_number_rule_of_every_loader(tmp_path, rating):
    """Before: Python's ``float`` read '1_000' as 1000, an Arabic-Indic digit as 3 and a
    number beside a no-break space as that number, which load_table refuses as a rating."""
    _write(tmp_path, f"0\t1\t5\t978300760\n0\t2\t{rating}\t978300761\n".encode())
    with pytest.raises(DataFormatError) as caught:
        load_ncf_files(tmp_path)
    assert str(caught.value).startswith(
        f"{tmp_path / 'ml.train.rating'}:2: rating {rating!r} is not a finite number")
