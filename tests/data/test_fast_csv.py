"""The compiled reader of numeric files (recstack.data._fast_csv) and the compiled id
encoding: bit-for-bit the results of the pyarrow / numpy paths, or a fall back to them.

The reference is always the other path of the same function (pyarrow's CSV reader for
the numbers, the numpy marks for the ids), run on the same file; acceptance of a file is
predicted from the grammar written in the module docstring, and whether a double lies
half-way between two float32 values is worked out with exact fractions.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recstack.data import _fast_csv, files, idmap
from recstack.data.files import DelimitedLayout, read_numeric_columns
from recstack.errors import DataFormatError, RecstackError

numba = pytest.importorskip("numba")

INT32 = (-(2**31), 2**31 - 1)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", autouse=True)
def compiled_kernels():
    """Compile (or load from numba's cache) once for the module, not in a timed test."""
    _fast_csv.warm_up()


@contextmanager
def compiled_threshold(min_bytes: int):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "_COMPILED_MIN_BYTES", min_bytes)
        yield


def read_compiled(path, layout, columns, **options):
    """What the compiled reader alone makes of the file (None: it declined)."""
    names = files.file_column_names(path, layout)
    start = _fast_csv.data_offset(Path(path), files._header_rows(Path(path), layout))
    if start is None:
        return None
    arrays = _fast_csv.read_columns(Path(path), start, layout.delimiter.encode(), len(names),
                                    [(names.index(c), k) for c, k in columns.items()],
                                    **options)
    return None if arrays is None else dict(zip(columns, arrays, strict=True))


def read_arrow(path, layout, columns):
    """The pyarrow path: the result, or the error it raises."""
    with compiled_threshold(1 << 62):
        try:
            return read_numeric_columns(path, layout, columns)
        except RecstackError as error:
            return error


def read_auto(path, layout, columns):
    """read_numeric_columns as a user calls it, with no size threshold."""
    with compiled_threshold(0):
        try:
            return read_numeric_columns(path, layout, columns)
        except RecstackError as error:
            return error


def assert_identical(got, want):
    assert not isinstance(want, Exception), want
    assert list(got) == list(want)
    for name in want:
        assert got[name].dtype == want[name].dtype, name
        assert got[name].shape == want[name].shape, name
        assert got[name].tobytes() == want[name].tobytes(), (name, got[name], want[name])


# ---------------------------------------------------------------------------- generated files
def float_text(sign: str, whole: str, decimals: str | None, exponent: str | None) -> str:
    text = sign + whole
    if decimals is not None:
        text += "." + decimals
    if exponent is not None:
        text += exponent
    return text


@st.composite
def exact_float_texts(draw) -> str:
    """Decimals the grammar promises to take: <= 15 significant digits, power in +-22."""
    sign = draw(st.sampled_from(["", "-", "+"]))
    whole = draw(st.text("0123456789", min_size=0, max_size=7))
    decimals = draw(st.none() | st.text("0123456789", min_size=0, max_size=9))
    if not whole and not decimals:
        whole = draw(st.text("0123456789", min_size=1, max_size=3))
    exponent = draw(st.none() | st.builds(
        lambda e, s, n: f"{e}{s}{n}", st.sampled_from("eE"), st.sampled_from(["", "-", "+"]),
        st.integers(0, 6)))
    return float_text(sign, whole, decimals, exponent)


def significant_digits_and_power(text: str) -> tuple[int, int]:
    """How many digits the value needs, and the power of ten of its last one."""
    mantissa, _, exponent = text.lower().lstrip("+-").partition("e")
    whole, _, decimals = mantissa.partition(".")
    digits = (whole + decimals).lstrip("0")
    stripped = digits.rstrip("0")
    power = len(digits) - len(stripped) - len(decimals) + int(exponent or 0)
    return len(stripped), power


def is_float32_tie(text: str) -> bool:
    """Whether the double nearest ``text`` lies exactly half-way between two float32."""
    double = float(text)
    if double == 0:
        return False
    nearest = np.float32(double)
    for direction in (np.float32(np.inf), np.float32(-np.inf)):
        neighbour = np.nextafter(nearest, direction)
        if Fraction(double) == (Fraction(float(nearest)) + Fraction(float(neighbour))) / 2:
            return True
    return False


def promised(text: str, kind: str) -> bool:
    digits, power = significant_digits_and_power(text)
    if digits == 0:
        return True
    return digits <= 15 and -22 <= power <= 22 and not (kind == "float32"
                                                        and is_float32_tie(text))


# Numbers that pyarrow reads (or refuses) but the exact fast path must leave to it.
BEYOND_THE_GRAMMAR = [
    "1e23", "1e30", "2.5e-28", "1e-23", "123456789012345678", "0.1234567890123456789",
    "3e10", "16777217", "9007199254740993", "9007199254740992", "4.0000000000000000000",
    "0.000000000000000000000000001", "1e400", "-1e400", "1e-400", "nan", "inf", "-inf",
    "0x10", "1.5e", ".", "1..2", "1e+", "e5", "--1", "+-1", " 1", "1 "]


@st.composite
def numeric_files(draw, exact: bool = True):
    """(file bytes, layout, columns, whether the grammar promises to take it)."""
    n_fields = draw(st.integers(1, 5))
    kinds = draw(st.lists(st.sampled_from(["int32", "int64", "float32", "float64", None]),
                          min_size=n_fields, max_size=n_fields))
    if all(kind is None for kind in kinds):
        kinds[0] = "int64"
    delimiter = draw(st.sampled_from([",", "\t", ";", "|", "::"]))
    names = [f"c{i}" for i in range(n_fields)]
    header = draw(st.booleans())
    n_rows = draw(st.integers(1, 40))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    ints32 = st.integers(*INT32) | st.sampled_from([*INT32, 0, -1])
    ints64 = (st.integers(-(10**18) + 1, 10**18 - 1) if exact
              else st.integers(-(2**63), 2**63 - 1) | st.sampled_from([-(2**63), 2**63 - 1]))
    floats = exact_float_texts() if exact else (exact_float_texts()
                                                | st.sampled_from(BEYOND_THE_GRAMMAR))
    rows, is_promised = [], True
    for _ in range(n_rows):
        fields = []
        for kind in kinds:
            if kind is None:
                fields.append(draw(st.text("abcXYZ _-.!#0123456789", max_size=6)))
            elif kind in ("int32", "int64"):
                fields.append(str(draw(ints32 if kind == "int32" else ints64)))
                is_promised &= len(fields[-1].lstrip("-")) <= 18
            else:
                fields.append(draw(floats))
                is_promised = is_promised and exact and promised(fields[-1], kind)
        rows.append(delimiter.join(fields))
    text = (delimiter.join(names) + newline if header else "") + newline.join(rows)
    if draw(st.booleans()):
        text += newline
    layout = DelimitedLayout(delimiter, names=None if header else tuple(names),
                             quoted=delimiter != "::")
    columns = {name: kind for name, kind in zip(names, kinds, strict=True) if kind}
    return text.encode("ascii"), layout, columns, is_promised


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fast_csv") / "data.csv"


@SETTINGS
@given(case=numeric_files(), block=st.sampled_from([32, 64, 4096]), threads=st.integers(1, 3))
def test_valid_numeric_files_parse_bit_for_bit_as_pyarrow_parses_them(scratch, case, block,
                                                                       threads):
    raw, layout, columns, is_promised = case
    scratch.write_bytes(raw)
    want = read_arrow(scratch, layout, columns)
    longest_line = max(len(line) for line in raw.split(b"\n"))
    got = read_compiled(scratch, layout, columns, block_size=block, n_threads=threads)
    # a block must hold a whole line and its line break, so a line as long as the block is
    # left to the fallback (blocks are MiBs in use; the tests shrink them to find edges)
    if is_promised and longest_line < block:
        assert got is not None, raw
    if got is not None:
        assert_identical(got, want)
    auto = read_auto(scratch, layout, columns)
    if isinstance(want, Exception):
        assert str(auto) == str(want)
    else:
        assert_identical(auto, want)


@SETTINGS
@given(case=numeric_files(exact=False), block=st.sampled_from([64, 4096]))
def test_values_beyond_the_exact_grammar_fall_back_to_the_same_result(scratch, case, block):
    raw, layout, columns, _ = case
    scratch.write_bytes(raw)
    want = read_arrow(scratch, layout, columns)
    got = read_compiled(scratch, layout, columns, block_size=block, n_threads=2)
    if got is not None:
        assert_identical(got, want)
    auto = read_auto(scratch, layout, columns)
    if isinstance(want, Exception):
        assert isinstance(auto, DataFormatError) and str(auto) == str(want)
    else:
        assert_identical(auto, want)


@pytest.mark.parametrize("kind", ["float32", "float64"])
@pytest.mark.parametrize("text", BEYOND_THE_GRAMMAR)
def test_each_number_beyond_the_grammar_is_declined_or_read_exactly(tmp_path, text, kind):
    path = tmp_path / "one.csv"
    path.write_text(f"a,b\n1.5,1\n{text},2\n")
    layout, columns = DelimitedLayout(","), {"a": kind}
    want = read_arrow(path, layout, columns)
    got = read_compiled(path, layout, columns)
    if got is not None:
        assert_identical(got, want)
    auto = read_auto(path, layout, columns)
    if isinstance(want, Exception):
        assert str(auto) == str(want)
    else:
        assert_identical(auto, want)


@pytest.mark.parametrize("kind", ["int32", "int64"])
@pytest.mark.parametrize("text", ["007", "-0", "+5", "-", "00000000000000000001",
                                  "999999999999999999", "-999999999999999999",
                                  "9223372036854775807", "-9223372036854775808",
                                  "9223372036854775808", "1.0", "1e3"])
def test_each_integer_spelling_is_declined_or_read_exactly(tmp_path, text, kind):
    path = tmp_path / "ints.csv"
    path.write_text(f"a,b\n1,1\n{text},2\n")
    layout, columns = DelimitedLayout(","), {"a": kind}
    want = read_arrow(path, layout, columns)
    got = read_compiled(path, layout, columns)
    if got is not None:
        assert_identical(got, want)
    auto = read_auto(path, layout, columns)
    if isinstance(want, Exception):
        assert str(auto) == str(want)
    else:
        assert_identical(auto, want)


def test_a_movielens_shaped_file_is_taken_by_the_compiled_reader(tmp_path):
    rng = np.random.default_rng(0)
    n = 5_000
    ratings = rng.integers(1, 11, n) / 2
    lines = [f"{u},{i},{r:.1f},{t}" for u, i, r, t in zip(
        rng.integers(1, 500, n), rng.integers(1, 900, n), ratings,
        rng.integers(789_652_009, 1_427_784_002, n), strict=True)]
    path = tmp_path / "ratings.csv"
    path.write_text('"userId","movieId","rating","timestamp"\n' + "\n".join(lines) + "\n")
    layout = DelimitedLayout(",")
    columns = {"userId": "int32", "movieId": "int32", "rating": "float32",
               "timestamp": "int64"}
    got = read_compiled(path, layout, columns, block_size=1 << 12, n_threads=2)
    assert got is not None
    assert_identical(got, read_arrow(path, layout, columns))
    # and by hand, for a few rows: the reference is not only pyarrow
    assert got["rating"][:5].tolist() == ratings[:5].tolist()
    assert got["userId"][0] == int(lines[0].split(",")[0])


# ---------------------------------------------------------------------------- declined files
MALFORMED = {
    "quoted number": 'a,b\n1,2\n"3",4\n',
    "blank line": "a,b\n1,2\n\n3,4\n",
    "blank line at the end": "a,b\n1,2\n3,4\n\n",
    "extra field": "a,b\n1,2\n3,4,5\n",
    "missing field": "a,b\n1,2\n3\n",
    "int32 overflow": "a,b\n1,2\n2147483648,4\n",
    "int32 underflow": "a,b\n1,2\n-2147483649,4\n",
    "text in a number": "a,b\n1,2\n3,x\n",
    "lone carriage return": "a,b\n1,2\r3,4\n",
    "spaces around a number": "a,b\n1, 2\n",
    "plus sign on an int": "a,b\n+1,2\n",
    "hex int": "a,b\n0x1F,2\n",
    "empty field": "a,b\n1,\n",
    "nan": "a,b\n1,nan\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_are_declined_and_explained_as_before(tmp_path, name):
    path = tmp_path / "bad.csv"
    path.write_bytes(MALFORMED[name].encode())
    layout = DelimitedLayout(",")
    columns = {"a": "int32", "b": "float32" if name == "nan" else "int64"}
    assert read_compiled(path, layout, columns) is None
    want = read_arrow(path, layout, columns)
    got = read_auto(path, layout, columns)
    if isinstance(want, Exception):
        assert isinstance(got, DataFormatError)
        assert str(got) == str(want)
    else:  # pyarrow reads it (blank lines, a '+' or spaces): the same values
        assert_identical(got, want)


@pytest.mark.parametrize("raw", [
    "a,b,c\n1,2,caf\u00e9\n".encode(),  # non-ASCII in a column that is not read
    b"a,b,c\n1,2,\xff\xfe\n",  # not UTF-8 at all
    b"a,b,c\n1,2,\x00\n",
    "a,b,c\n1,2,\u00e9\n".encode("latin-1"),
])
def test_non_ascii_bytes_are_declined_and_explained_as_before(tmp_path, raw):
    path = tmp_path / "bytes.csv"
    path.write_bytes(raw)
    layout = DelimitedLayout(",")
    columns = {"a": "int32", "b": "int64"}
    assert read_compiled(path, layout, columns) is None
    want = read_arrow(path, layout, columns)
    got = read_auto(path, layout, columns)
    if isinstance(want, Exception):
        assert str(got) == str(want)
    else:
        assert_identical(got, want)


@pytest.mark.parametrize("raw", [b"\n\na,b\n1,2\n3,4\n", b"\r\n\r\na,b\r\n1,2\r\n3,4\r\n",
                                 b'"a\nx",b\n1,2\n3,4'])
def test_headers_after_blank_lines_or_across_lines_start_the_data_where_pyarrow_does(
        tmp_path, raw):
    path = tmp_path / "header.csv"
    path.write_bytes(raw)
    layout = DelimitedLayout(",")
    got = read_compiled(path, layout, {"b": "int64"})
    assert got is not None and got["b"].tolist() == [2, 4]
    assert_identical(got, read_arrow(path, layout, {"b": "int64"}))


def test_a_header_with_a_lone_carriage_return_is_left_to_pyarrow(tmp_path):
    path = tmp_path / "cr.csv"
    path.write_bytes(b"a,b\r1,2\n3,4\n")
    assert _fast_csv.data_offset(path, 1) is None
    layout = DelimitedLayout(",")
    assert_identical(read_auto(path, layout, {"a": "int32"}),
                     read_arrow(path, layout, {"a": "int32"}))


def test_a_line_longer_than_a_block_is_declined(tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"a,b\n" + b"1," + b"7" * 17 + b"\n2,3\n")
    assert read_compiled(path, DelimitedLayout(","), {"a": "int32", "b": "int64"},
                         block_size=8) is None
    got = read_compiled(path, DelimitedLayout(","), {"a": "int32", "b": "int64"},
                        block_size=64)
    assert got["b"].tolist() == [77_777_777_777_777_777, 3]


def test_compressed_files_and_other_encodings_are_left_to_pyarrow(tmp_path, monkeypatch):
    import gzip

    calls = []
    original = _fast_csv.read_columns
    monkeypatch.setattr(_fast_csv, "read_columns",
                        lambda *a, **k: calls.append(a) or original(*a, **k))
    gz = tmp_path / "r.csv.gz"
    gz.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    utf16 = tmp_path / "r16.csv"
    utf16.write_bytes("a,b\n1,2\n".encode("utf-16"))
    plain = tmp_path / "r.csv"
    plain.write_bytes(b"a,b\n1,2\n")
    with compiled_threshold(0):
        assert read_numeric_columns(gz, DelimitedLayout(","), {"a": "int32"})["a"].tolist() == [1]
        assert read_numeric_columns(utf16, DelimitedLayout(",", encoding="utf-16"),
                                    {"b": "int64"})["b"].tolist() == [2]
        assert not calls
        assert read_numeric_columns(plain, DelimitedLayout(","), {"a": "int32"})["a"].tolist() \
            == [1]
        assert len(calls) == 1


def test_small_files_do_not_import_numba_for_nothing(tmp_path, monkeypatch):
    path = tmp_path / "small.csv"
    path.write_bytes(b"a,b\n1,2\n")
    monkeypatch.setattr(_fast_csv, "read_columns", lambda *a, **k: pytest.fail("compiled"))
    assert read_numeric_columns(path, DelimitedLayout(","), {"a": "int32"})["a"].tolist() == [1]


def test_without_numba_the_pyarrow_path_reads_the_file(tmp_path, monkeypatch):
    path = tmp_path / "r.csv"
    path.write_bytes(b"a,b\n1,2.5\n-3,4\n")
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba now raises ImportError
    _fast_csv.numba_available.cache_clear()
    monkeypatch.setattr(_fast_csv, "read_columns", lambda *a, **k: pytest.fail("compiled"))
    try:
        assert not _fast_csv.numba_available()
        with compiled_threshold(0):
            got = read_numeric_columns(path, DelimitedLayout(","), {"a": "int32", "b": "float32"})
    finally:
        _fast_csv.numba_available.cache_clear()
    assert got["a"].tolist() == [1, -3] and got["b"].tolist() == [2.5, 4.0]


def test_load_movielens_gives_the_same_interactions_either_way(tmp_path):
    from recstack.data.movielens import load_movielens

    folder = tmp_path / "ml"
    folder.mkdir()
    rows = "\n".join(f"{u},{i},{r},{t}" for u, i, r, t in
                     [(1, 10, "4.0", 964982703), (1, 20, "3.5", 964981247),
                      (7, 10, "0.5", 964982224), (2, 30, "5.0", 1)])
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\r\n"
                                        + rows.replace("\n", "\r\n") + "\r\n")
    (folder / "movies.csv").write_text("movieId,title,genres\n10,A (1995),Drama\n"
                                       "20,B (1996),Comedy\n30,C (1997),Drama\n")
    with compiled_threshold(0):
        fast = load_movielens(folder, variant="20m")
    with compiled_threshold(1 << 62):
        slow = load_movielens(folder, variant="20m")
    assert fast.value.tolist() == [4.0, 3.5, 0.5, 5.0]  # worked by hand
    for name in ("user_index", "item_index", "value", "timestamp"):
        assert getattr(fast, name).tobytes() == getattr(slow, name).tobytes()
    assert fast.users == slow.users and fast.items == slow.items


def test_float32_ties_are_left_to_pyarrow(tmp_path):
    # 16777217 = 2**24 + 1 and 3e10 = 29296875 * 2**10 lie half-way between two float32
    path = tmp_path / "ties.csv"
    for text in ("16777217", "3e10", "65536.00390625"):
        assert is_float32_tie(text)
        path.write_text(f"a\n1.5\n{text}\n")
        assert read_compiled(path, DelimitedLayout(","), {"a": "float32"}) is None
        assert read_compiled(path, DelimitedLayout(","), {"a": "float64"}) is not None
        got = read_auto(path, DelimitedLayout(","), {"a": "float32"})
        # round half to even, from the exact value (not through a double)
        assert got["a"][1] == np.float32(float(text))  # the double is exact here
        assert_identical(got, read_arrow(path, DelimitedLayout(","), {"a": "float32"}))


# ---------------------------------------------------------------------------- id encoding
@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), low=st.integers(-(10**6), 10**6),
       span=st.integers(1, 10**5), n=st.integers(1, 3_000),
       dtype=st.sampled_from([np.int32, np.int64]), shared_marks=st.booleans())
def test_compiled_id_encoding_equals_the_numpy_marks(seed, low, span, n, dtype, shared_marks):
    from recstack.data import _fast_ids

    ids = np.random.default_rng(seed).integers(low, low + span, n).astype(dtype)
    with pytest.MonkeyPatch.context() as patch:
        if shared_marks:  # as for a span of ids too wide for a copy of the marks per thread
            patch.setattr(_fast_ids, "_PRIVATE_MARKS", 0)
        patch.setattr(idmap, "_COMPILED_MIN_IDS", 1 << 62)
        want = idmap._encode_dense_integers(ids)
        patch.setattr(idmap, "_COMPILED_MIN_IDS", 0)
        assert idmap._use_compiled(ids)
        got = idmap._encode_dense_integers(ids)
    # and the definition: sorted uniques, each id's position among them
    uniques = np.unique(ids)
    assert got[0].tobytes() == want[0].tobytes() == uniques.tobytes()
    assert got[1].dtype == want[1].dtype == np.int32
    assert np.array_equal(got[1], want[1])
    assert np.array_equal(uniques[got[1]], ids)


def test_compiled_id_encoding_of_sparse_ids_falls_back_like_numpy(monkeypatch):
    monkeypatch.setattr(idmap, "_COMPILED_MIN_IDS", 0)
    assert idmap._encode_dense_integers(np.array([0, 10**12], np.int64)) is None
