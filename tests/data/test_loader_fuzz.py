"""Property tests: random bytes and random mutations of valid small files, fed to every loader.

Each loader must either refuse the input with a :class:`RecstackError` or return what the
file really holds, checked against an independent reading (Python's :mod:`csv` and
:mod:`gzip` modules, or pyarrow's own Parquet reader), never raise anything else.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import RecstackError

# RECSTACK_FUZZ_EXAMPLES=2000 hunts longer (the default keeps the whole file near 10 s)
EXAMPLES = int(os.environ.get("RECSTACK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

CSV_TEXT = (b"user_id,item_id,value,timestamp\n"
            b"1,10,4.5,1577836800\n2,10,3,1577836900\nu3,20,1,1577837000\n"
            b"4,30,2.5,1577837100\n")

# Bytes that break files in interesting ways: quotes, separators, NULs, line breaks,
# invalid UTF-8, long digit runs (ids beyond int64), exponent and sign characters.
INSERTS = [b'"', b",", b"\t", b"\x00", b"\n", b"\r", b"\xff", b"\xe9", b"\xc3", b"::",
           b"|", b"-", b"e", b".", b" ", b"9" * 30, b"NaN", b"inf", b"\xef\xbb\xbf"]


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """``original`` after one to four random edits (or wholly random bytes)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "truncate", "insert", "delete"]))
        if action == "flip" and position < len(data):
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "truncate":
            del data[position:]
        elif action == "insert":
            data[position:position] = draw(st.sampled_from(INSERTS))
        elif position < len(data):
            del data[position:position + draw(st.integers(1, 8))]
    return bytes(data)


def _refused_or(check, *args) -> None:
    """Run a loader: a RecstackError is fine; any other exception fails the test."""
    try:
        result = args[0](*args[1:])
    except RecstackError as error:
        assert str(error).strip(), "an error must say something"
        return
    check(result)


# ---------------------------------------------------------------------------- reference
def _blank_lines_emptied(text: str) -> str:
    """``text`` with each line of only spaces and tabs made empty: the readers skip such a
    line as they skip an empty one (their documented rule)."""
    return re.sub(r"(?m)^[ \t]+(?=\r?$)", "", text)


def _reference_records(text: str, delimiter: str) -> list[list[str]] | None:
    """The data records of a delimited text as Python's csv module reads it."""
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            if r]
    return rows[1:] if rows else None


#: the documented names load_table recognises for each role, the default name first (the
#: specification, written out here rather than imported from the code under test)
ROLE_NAMES = {
    "user_id": ("user_id", "userId", "user", "userid", "uid"),
    "item_id": ("item_id", "itemId", "movieId", "item", "itemid", "iid", "product_id"),
    "value": ("value", "rating", "ratings", "score", "weight", "count"),
    "timestamp": ("timestamp", "time", "ts", "datetime", "date"),
}


def _column_for(header: list[str], role: str) -> str | None:
    """The column load_table must read for ``role``: the default name, else the one
    well-known alias present (several or none: no column)."""
    if role in header:
        return role
    found = [name for name in ROLE_NAMES[role][1:] if name in header]
    return found[0] if len(found) == 1 else None


def _check_delimited(data: Interactions, raw: bytes, delimiter: str) -> None:
    """A load that succeeded must give exactly the rows the file holds."""
    # Bytes that are not UTF-8 may sit in a column that is not read; in the columns that
    # are read they must have been refused (checked below: no U+FFFD may reach the data).
    text = _blank_lines_emptied(raw.decode("utf-8", errors="replace"))
    records = _reference_records(text, delimiter)
    assert records is not None and len(records) == len(data)
    header = next(r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                  if r)
    header = [h.strip().lstrip("\ufeff") for h in header]
    assert len(set(header)) == len(header), "a header naming a column twice must be refused"
    columns = {name: [r[header.index(name)] for r in records] for name in header}
    chosen = {role: _column_for(header, role) for role in ROLE_NAMES}
    assert chosen["user_id"] is not None and chosen["item_id"] is not None
    for name in chosen.values():
        assert not any("\ufffd" in v for v in columns.get(name, [])), "undecodable bytes read"
    users = [str(u) for u in data.users.to_external(data.user_index)]
    items = [str(i) for i in data.items.to_external(data.item_index)]
    assert users == [u.strip() for u in columns[chosen["user_id"]]]
    assert items == [i.strip() for i in columns[chosen["item_id"]]]
    if chosen["value"] is not None:
        expected = np.array([float(v) for v in columns[chosen["value"]]], dtype=np.float32)
        np.testing.assert_array_equal(data.value, expected)
    if chosen["timestamp"] is not None:
        assert data.timestamp is not None
        plain = [t.strip() for t in columns[chosen["timestamp"]]]
        if all(t.lstrip("-").isdigit() and abs(int(t)) < 10**11 for t in plain):
            assert data.timestamp.tolist() == [int(t) for t in plain]


# ---------------------------------------------------------------------------- load_table
@FUZZ
@given(raw=mutated(CSV_TEXT))
def test_load_table_csv_survives_mutations(tmp_path, raw):
    path = tmp_path / "log.csv"
    path.write_bytes(raw)
    _refused_or(lambda data: _check_delimited(data, raw, ","), load_table, path)


@FUZZ
@given(raw=mutated(CSV_TEXT.replace(b",", b"\t")))
def test_load_table_tsv_survives_mutations(tmp_path, raw):
    path = tmp_path / "log.tsv"
    path.write_bytes(raw)
    _refused_or(lambda data: _check_delimited(data, raw, "\t"), load_table, path)


@FUZZ
@given(raw=mutated(gzip.compress(CSV_TEXT, mtime=0)))
def test_load_table_gzip_survives_mutations(tmp_path, raw):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(raw)

    def check(data: Interactions) -> None:
        try:
            plain = gzip.decompress(raw)
        except (OSError, EOFError):
            return  # pyarrow may accept what Python's gzip module does not (trailing bytes)
        _check_delimited(data, plain, ",")

    _refused_or(check, load_table, path)


def _parquet_bytes(tmp_path: Path) -> bytes:
    data = Interactions.from_arrays(np.array([1, 2, 2, 3]), np.array(["a", "b", "a", "c"]),
                                    np.array([4.0, 3.5, 1.0, 5.0]),
                                    np.array([100, 200, 300, 400]), rating_range=(0.5, 5.0))
    return save_table(data, tmp_path / "seed.parquet").read_bytes()


@pytest.fixture(scope="module")
def parquet_seed(tmp_path_factory) -> bytes:
    return _parquet_bytes(tmp_path_factory.mktemp("seed"))


@FUZZ
@given(data=st.data())
def test_load_table_parquet_survives_mutations(tmp_path, parquet_seed, data):
    raw = data.draw(mutated(parquet_seed))
    path = tmp_path / "log.parquet"
    path.write_bytes(raw)

    def check(result: Interactions) -> None:
        assert len(result) == pq.read_metadata(path).num_rows

    _refused_or(check, load_table, path)


# ---------------------------------------------------------------------------- MovieLens
ML_FILES = {
    "100k": ("ml-100k", {
        "u.data": b"1\t10\t4\t881250949\n2\t10\t3\t881250950\n1\t20\t5\t881250951\n",
        "u.item": b"10|Toy (1995)|01-Jan-1995||http://x|" + b"|".join([b"0"] * 18) + b"|1\n"
                  b"20|Caf\xe9 (1996)|01-Jan-1996||http://x|" + b"|".join([b"1"] + [b"0"] * 18)
                  + b"\n",
        "u.user": b"1|24|M|technician|85711\n2|53|F|other|94043\n"}),
    "1m": ("ml-1m", {
        "ratings.dat": b"1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n",
        "movies.dat": b"1193::Cuckoo's Nest (1975)::Drama\n661::J\xe4mes (1996)::Animation|"
                      b"Musical\n",
        "users.dat": b"1::F::1::10::48067\n2::M::56::16::70072\n"}),
    "csv": ("ml-latest-small", {
        "ratings.csv": b"userId,movieId,rating,timestamp\n1,1,4.0,964982703\n"
                       b"1,3,4.5,964981247\n2,2,0.5,964982224\n",
        "movies.csv": b'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n'
                      b'2,"President, The (1995)",Comedy\n3,Series (2006),(no genres listed)\n',
        "tags.csv": b'userId,movieId,tag,timestamp\n2,1,pixar,1445714994\n'
                    b'7,1,"funny, clever",1445714996\n'}),
}
ML_TARGETS = [(layout, name) for layout, (_, files) in ML_FILES.items() for name in files]


@pytest.mark.parametrize(("layout", "target"), ML_TARGETS)
@settings(max_examples=max(1, EXAMPLES // 4), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_load_movielens_survives_mutations(tmp_path, layout, target, data):
    folder_name, files = ML_FILES[layout]
    folder = tmp_path / folder_name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    (folder / target).write_bytes(data.draw(mutated(files[target])))

    def check(result: Interactions) -> None:
        assert len(result) > 0 and np.isfinite(result.value).all()
        assert result.value.min() >= result.rating_range[0]

    _refused_or(check, load_movielens, folder)


# ---------------------------------------------------------------------------- partitioned
@pytest.fixture(scope="module")
def partitioned_seed(tmp_path_factory) -> Path:
    times = np.array([1_577_836_800, 1_580_515_200, 1_583_020_800, 1_585_699_200])
    data = Interactions.from_arrays(np.array([1, 2, 1, 3]), np.array([5, 5, 6, 7]),
                                    np.array([1.0, 2.0, 3.0, 4.0]), times,
                                    rating_range=(1.0, 5.0))
    return write_partitioned(data, tmp_path_factory.mktemp("seed") / "log")


@FUZZ
@given(data=st.data())
def test_read_partitioned_survives_mutations(tmp_path, partitioned_seed, data):
    root = tmp_path / "log"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(partitioned_seed, root)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    target = data.draw(st.sampled_from(files))
    target.write_bytes(data.draw(mutated(target.read_bytes())))

    def check(result: Interactions) -> None:
        assert len(result) <= 4 and np.isfinite(result.value).all()

    _refused_or(check, read_partitioned, root)


# ---------------------------------------------------------------------------- wrong kinds
def test_folders_and_files_in_each_others_place(tmp_path):
    (tmp_path / "log.csv").mkdir()
    (tmp_path / "ml-100k").write_text("not a folder")
    (tmp_path / "dataset").write_text("not a folder")
    for call, path, said in ((load_table, tmp_path / "log.csv", "is a folder"),
                             (load_movielens, tmp_path / "ml-100k", "is a file"),
                             (read_partitioned, tmp_path / "dataset", "is a file")):
        with pytest.raises(RecstackError, match=said):
            call(path)


def test_a_parquet_footer_that_miscounts_its_rows_is_refused(tmp_path):
    """Found by the mutation test above: a footer whose row count disagrees with its row
    groups (here 3 declared, 4 stored) was read without a word; pyarrow trusts the row
    groups, so rows may be missing. The count is FileMetaData's field 3, an i64 written in
    Thrift's compact protocol right after the schema list: header byte 0x16, then the
    zigzag varint (4 -> 0x08, 3 -> 0x06), then the row-group list's header 0x19."""
    raw = _parquet_bytes(tmp_path)
    footer_start = len(raw) - 8 - int.from_bytes(raw[-8:-4], "little")
    at = raw.index(b"\x16\x08\x19", footer_start)
    path = tmp_path / "miscounted.parquet"
    path.write_bytes(raw[:at + 1] + b"\x06" + raw[at + 2:])
    assert pq.read_metadata(path).num_rows == 3  # the crafted damage is what we meant
    with pytest.raises(RecstackError, match=r"miscounted\.parquet.*declares 3 rows but its "
                                            r"row groups hold 4"):
        load_table(path)
