"""Ids hostile to text formats survive every file recstack writes and reads back, or are
refused before anything is written, naming the id and the column.

The ids are written out by hand below; what comes back is read with pyarrow or the csv
module directly (or with ``load_table``, the reader the writer promises), never compared
with what the writer under test was given after passing through it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings

import numpy as np
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError

# the loaders warn of lookalike ids and missing-value spellings, as they should: kept here
pytestmark = [pytest.mark.filterwarnings("ignore::recstack.data.LookalikeIdWarning"),
              pytest.mark.filterwarnings("ignore::recstack.data.MissingValueIdWarning")]

CAFE_NFC = unicodedata.normalize("NFC", "café")
CAFE_NFD = unicodedata.normalize("NFD", "café")
# text that type inference, missing-value spellings, CSV quoting, spreadsheets or
# unicode normalisation would change; each must come back as this exact string
HOSTILE = ["007", "7", "1e3", "NaN", "nan", "null", "None", "True", "a,b", 'say "hi"',
           "=SUM(A1)", "+1", CAFE_NFC, CAFE_NFD, "😀", "9007199254740993", "-5", "0x1f",
           "1.0", "#N/A", "\\N", "NA", "a\tb", "-0", "1,000"]


def _interactions(users, items, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing-value spellings are warned of, and kept
        return Interactions.from_arrays(users, items, **kwargs)


def _pairs(data):
    """The (user, item) pairs of ``data`` as plain Python values, in row order."""
    users = data.users.to_external(data.user_index).tolist()
    items = data.items.to_external(data.item_index).tolist()
    return list(zip(users, items, strict=True))


def _hostile_log():
    users = np.array(HOSTILE, dtype=object)
    items = np.array(HOSTILE[::-1], dtype=object)
    return _interactions(users, items, values=np.arange(1.0, len(HOSTILE) + 1))


@pytest.mark.parametrize("name", ["t.parquet", "t.csv", "t.tsv", "t.csv.gz"])
def test_hostile_text_ids_come_back_exactly_from_every_table_format(tmp_path, name):
    save_table(_hostile_log(), tmp_path / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = load_table(tmp_path / name)
    by_value = dict(zip(back.value.tolist(), _pairs(back), strict=True))
    expected = {float(n): (user, item) for n, (user, item)
                in enumerate(zip(HOSTILE, HOSTILE[::-1], strict=True), start=1)}
    assert by_value == expected
    assert all(type(user) is str and type(item) is str for user, item in by_value.values())


@pytest.mark.parametrize("name", ["t.csv", "t.tsv"])
def test_large_and_negative_integer_ids_stay_exact_integers_in_text(tmp_path, name):
    users = np.array([9007199254740993, -5, 0, 2**63 - 1], dtype=np.int64)
    items = np.array([-(2**63), 7, 9007199254740992, 1], dtype=np.int64)
    save_table(_interactions(users, items), tmp_path / name)
    back = load_table(tmp_path / name)
    assert _pairs(back) == [(9007199254740993, -(2**63)), (-5, 7), (0, 9007199254740992),
                            (2**63 - 1, 1)]
    assert back.users.external_ids.dtype == np.int64


@pytest.mark.parametrize("name", ["t.csv", "t.tsv.gz"])
def test_text_ids_that_all_look_like_integers_are_refused_for_text_files(tmp_path, name):
    data = _interactions(np.array(["10", "-3"], dtype=object), np.array(["x", "y"], dtype=object))
    with pytest.raises(DataFormatError) as error:
        save_table(data, tmp_path / name)
    message = str(error.value)
    assert "column 'user_id'" in message and "'10'" in message and ".parquet" in message
    assert not (tmp_path / name).exists()
    # Parquet keeps them as the text they are
    save_table(data, tmp_path / "t.parquet")
    column = pq.read_table(tmp_path / "t.parquet").column("user_id").to_pylist()
    assert column == ["10", "-3"]


def test_text_ids_mixing_integers_and_zero_padded_ones_stay_text_in_csv(tmp_path):
    data = _interactions(np.array(["007", "7"], dtype=object), np.array(["1", "2"], dtype=object))
    # the items are all integers as text: refused by name, the users alone would be fine
    with pytest.raises(DataFormatError, match=r"column 'item_id'.*'1'"):
        save_table(data, tmp_path / "t.csv")
    data = _interactions(np.array(["007", "7"], dtype=object), np.array(["1", "b"], dtype=object))
    save_table(data, tmp_path / "t.csv")
    with (tmp_path / "t.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert [row[:2] for row in rows] == [["user_id", "item_id"], ["007", "1"], ["7", "b"]]
    assert _pairs(load_table(tmp_path / "t.csv")) == [("007", "1"), ("7", "b")]


def test_unsigned_ids_beyond_int64_are_refused_for_text_files(tmp_path):
    data = _interactions(np.array([2**64 - 1, 5], dtype=np.uint64), np.array([1, 2]))
    with pytest.raises(DataFormatError, match=r"column 'user_id'.*18446744073709551615"):
        save_table(data, tmp_path / "t.csv")
    assert not (tmp_path / "t.csv").exists()
    save_table(data, tmp_path / "t.parquet")
    assert load_table(tmp_path / "t.parquet").users.external_ids.tolist() == [5, 2**64 - 1]


def test_an_id_starting_with_a_byte_order_mark_is_refused_for_text_files(tmp_path):
    data = _interactions(np.array(["a", "b"], dtype=object),
                         np.array(["x", "\ufeffx"], dtype=object))
    with pytest.raises(DataFormatError, match=r"column 'item_id'.*'\\ufeffx' at row 2"):
        save_table(data, tmp_path / "t.csv")
    assert not (tmp_path / "t.csv").exists()


# ------------------------------------------------------------------- the command line
def _cli(capsys, *argv):
    code = main([str(value) for value in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A Parquet log of hostile ids (and one with a carriage return, which Parquet keeps),
    and an item_knn model fitted on it and published to a registry."""
    folder = tmp_path_factory.mktemp("hostile")
    users = HOSTILE + ["c\rd"] + [f"u{n}" for n in range(30)]
    items = HOSTILE + [f"i{n}" for n in range(25)]
    generator = np.random.default_rng(0)
    pairs = sorted({(user, items[j]) for user in users
                    for j in generator.choice(len(items), 10, replace=False)})
    data = _interactions(np.array([u for u, _ in pairs], dtype=object),
                         np.array([i for _, i in pairs], dtype=object),
                         timestamps=np.arange(len(pairs)) + 1_600_000_000)
    source = folder / "log.parquet"
    save_table(data, source)
    experiment = folder / "exp.toml"
    experiment.write_text(f'name = "hostile"\n[data]\nsource = "{source}"\n[split]\n'
                          'method = "random"\n[[models]]\ntype = "item_knn"\n',
                          encoding="utf-8")
    code = main(["fit", str(experiment), "--model", "item_knn", "--registry",
                 str(folder / "registry")])
    assert code == 0
    return folder, set(users), set(items)


def test_data_split_parts_hold_every_hostile_id_exactly(published, tmp_path, capsys):
    folder, users, items = published
    code, _, err = _cli(capsys, "data", "split", folder / "log.parquet", "--out",
                        tmp_path / "split")
    assert code == 0, err
    train = pq.read_table(tmp_path / "split" / "train.parquet")
    test = pq.read_table(tmp_path / "split" / "test.parquet")
    seen_users = set(train.column("user_id").to_pylist() + test.column("user_id").to_pylist())
    seen_items = set(train.column("item_id").to_pylist() + test.column("item_id").to_pylist())
    assert seen_users == users and seen_items == items


def test_recommend_csv_keeps_a_carriage_return_in_one_field(published, tmp_path, capsys):
    # pandas quotes a field holding "\n" but not one holding only "\r": 'c\rd' was written
    # bare, and every CSV reader split its row in two
    folder, _, _ = published
    out = tmp_path / "recs.csv"
    code, _, err = _cli(capsys, "recommend", "item_knn", "--registry", folder / "registry",
                        "--users", "c\rd", "u1", "--k", "3", "--out", out)
    assert code == 0, err
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["user_id"] for row in rows] == ["c\rd"] * 3 + ["u1"] * 3
    code, shown, err = _cli(capsys, "recommend", "item_knn", "--registry",
                            folder / "registry", "--users", "c\rd", "--k", "2")
    assert code == 0, err
    assert [row["user_id"] for row in csv.DictReader(io.StringIO(shown, newline=""))] == \
        ["c\rd"] * 2


def test_per_user_results_csv_keeps_a_carriage_return_in_one_field(tmp_path):
    import pandas as pd

    from recstack.evaluation.results import EvaluationResult

    per_user = pd.DataFrame({"ndcg@10": [0.5, 0.25]},
                            index=pd.Index(["c\rd", "x"], name="user_id"))
    result = EvaluationResult(model="m", per_user=per_user)
    out = tmp_path / "per_user.csv"
    result.to_csv(out, per_user=True)
    back = pd.read_csv(out, dtype={"user_id": str}, keep_default_na=False)
    assert back["user_id"].tolist() == ["c\rd", "x"]
    assert back["ndcg@10"].tolist() == [0.5, 0.25]


def test_recommend_parquet_keeps_every_id_exactly(published, tmp_path, capsys):
    folder, users, items = published
    out = tmp_path / "recs.parquet"
    code, _, err = _cli(capsys, "recommend", "item_knn", "--registry", folder / "registry",
                        "--all-users", "--k", "3", "--out", out)
    assert code == 0, err
    table = pq.read_table(out)
    assert set(table.column("user_id").to_pylist()) == users
    assert set(table.column("item_id").to_pylist()) <= items


def test_recommend_csv_of_hostile_ids_reads_back_exactly(published, tmp_path, capsys):
    folder, _, items = published
    out = tmp_path / "recs.csv"
    asked = [user for user in HOSTILE if not user.startswith(("-", "+"))]  # not options
    code, _, err = _cli(capsys, "recommend", "item_knn", "--registry", folder / "registry",
                        "--users", *asked, "--k", "3", "--out", out)
    assert code == 0, err
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["user_id"] for row in rows[::3]] == asked
    assert {row["item_id"] for row in rows} <= items
