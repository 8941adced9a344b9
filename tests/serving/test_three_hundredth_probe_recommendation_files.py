"""``write_recommendations`` and the other functions of ``recstack.serving.commands`` given
Python values a new user would pass: a table alone, batches that are not tables or whose
columns differ, a stream that is a file name, and arguments of another type (a path for the
experiment, a folder for the registry, None for the model).

Each was an AttributeError or TypeError, or a file written wrong without a word (a batch's
columns in another order under the first batch's header). Expected files are written out by
hand."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models.baselines import MostPopular
from recstack.serving import commands

HEADER = "user_id,rank,item_id,score\n"


@pytest.fixture(scope="module")
def popular() -> MostPopular:
    # x is seen by a and b, y by a, z by c: the popularity order is x, then y and z (one
    # interaction each, the lower item index first)
    frame = pd.DataFrame({"user_id": ["a", "a", "b", "c"], "item_id": ["x", "y", "x", "z"],
                          "value": [1.0, 1.0, 1.0, 1.0]})
    return MostPopular().fit(Interactions.from_frame(frame))


def batch(users, ranks, items, scores) -> pd.DataFrame:
    return pd.DataFrame({"user_id": users, "rank": ranks, "item_id": items, "score": scores})


FIRST = batch(["a"], [1], ["z"], [0.5])
SECOND = batch(["b", "b"], [1, 2], ["y", "z"], [0.25, 0.125])


def csv_of(batches) -> tuple[int, str]:
    stream = io.StringIO()
    rows = commands.write_recommendations(batches, None, stream=stream)
    return rows, stream.getvalue()


def test_one_table_alone_is_one_batch(tmp_path):
    # before: the table was iterated column name by column name ("'str' object has no
    # attribute 'to_csv'"; to Parquet "... no attribute 'columns'")
    assert csv_of(FIRST) == (1, HEADER + "a,1,z,0.5\n")
    out = tmp_path / "top.parquet"
    assert commands.write_recommendations(FIRST, out) == 1
    assert pq.read_table(out).to_pydict() == {"user_id": ["a"], "rank": [1],
                                              "item_id": ["z"], "score": [0.5]}


def test_a_batch_with_its_columns_in_another_order_is_written_under_the_header(tmp_path):
    reordered = SECOND[["score", "item_id", "rank", "user_id"]]
    # before: the second batch's rows were written as "0.25,y,1,b" under the first
    # batch's header user_id,rank,item_id,score (and Parquet failed on the schema)
    assert csv_of([FIRST, reordered]) == (3, HEADER + "a,1,z,0.5\nb,1,y,0.25\nb,2,z,0.125\n")
    out = tmp_path / "top.parquet"
    assert commands.write_recommendations([FIRST, reordered], out) == 3
    assert pq.read_table(out).to_pydict() == {
        "user_id": ["a", "b", "b"], "rank": [1, 1, 2], "item_id": ["z", "y", "z"],
        "score": [0.5, 0.25, 0.125]}


BAD_BATCHES = {
    "a dict per row": ([{"user_id": "a", "rank": 1, "item_id": "z", "score": 0.5}],
                       "batch 1 is a dict {'user_id': 'a'"),
    "a list": ([[1, 2, 3, 4]], "batch 1 is a list [1, 2, 3, 4], not a table"),
    "a column": ([FIRST, SECOND["user_id"]],
                 "batch 2 is a Series of shape (2,), not a table; each batch is a pandas "
                 "DataFrame with the columns user_id, rank, item_id, score; make one with "
                 ".to_frame()"),
    "no scores": ([FIRST.drop(columns="score")], "batch 1 has no column score; each batch "
                  "has exactly the columns user_id, rank, item_id, score"),
    "one column more": ([FIRST, SECOND.assign(model="als")],
                        "batch 2 has the other column(s) model;"),
    "a column twice": ([pd.concat([FIRST, FIRST[["score"]]], axis=1)],
                       "batch 1 has the column(s) score given twice;"),
    "the users as the index": ([FIRST.set_index("user_id")],
                               "batch 1 has no column user_id; each batch has exactly the "
                               "columns user_id, rank, item_id, score (user_id is the index: "
                               ".reset_index() it)"),
    "None": (None, "batches must be tables (pandas DataFrames with the columns user_id, "
                   "rank, item_id, score; what recommendation_batches yields), or one such "
                   "table, got NoneType None"),
    "a number": (5, "got int 5"),
}


@pytest.mark.parametrize("given, message", BAD_BATCHES.values(), ids=BAD_BATCHES.keys())
@pytest.mark.parametrize("out", ["stream", "top.csv", "top.parquet"])
def test_a_batch_that_is_not_a_recommendation_table_is_refused_naming_it(tmp_path, given,
                                                                          message, out):
    target = None if out == "stream" else tmp_path / out
    stream = io.StringIO() if out == "stream" else None
    with pytest.raises(ConfigError) as caught:
        commands.write_recommendations(given, target, stream=stream)
    assert message in str(caught.value)
    assert str(caught.value).startswith("write_recommendations: ")
    if target is not None:  # nothing half-written
        assert list(tmp_path.iterdir()) == []


def test_parquet_batches_of_other_types_are_refused_naming_the_batch_and_column(tmp_path):
    out = tmp_path / "top.parquet"
    with pytest.raises(ConfigError) as caught:
        # before: pyarrow's ArrowInvalid "Failed to parse string: 'b' as a scalar of
        # type int64", naming neither the batch nor the column
        commands.write_recommendations([FIRST.assign(user_id=7), SECOND], out)
    assert ("write_recommendations: batch 2: column user_id holds large_string values "
            "where the earlier batches' hold int64, and they cannot be written as int64"
            in str(caught.value))
    with pytest.raises(ConfigError, match="batch 2: column rank holds double values"):
        commands.write_recommendations([FIRST, SECOND.assign(rank=[1.5, 2.0])], out)
    mixed = batch(pd.Series([7, "b"], dtype=object), [1, 1], ["y", "z"], [0.5, 0.25])
    with pytest.raises(ConfigError, match="batch 1: column user_id cannot be written to "
                                          "Parquet"):
        commands.write_recommendations([mixed], out)
    assert list(tmp_path.iterdir()) == []


STREAMS = {
    # before: pandas took the text as a path and wrote out.csv in the working folder
    "a file name": ("out.csv", "got str 'out.csv'; to write a file, pass it as out"),
    # before: the header of an empty list failed with a TypeError
    "a binary stream": (io.BytesIO(), "stream must be an open text stream (sys.stdout, "
                                      "open(path, 'w'), io.StringIO()), got BytesIO"),
    "a number": (3, "got int 3"),
}


@pytest.mark.parametrize("stream, message", STREAMS.values(), ids=STREAMS.keys())
def test_a_stream_that_cannot_take_text_is_refused(tmp_path, monkeypatch, stream, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        commands.write_recommendations([FIRST], None, stream=stream)
    assert message in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_closed_stream_and_both_targets_are_refused(tmp_path):
    closed = io.StringIO()
    closed.close()
    with pytest.raises(ConfigError, match="got a closed StringIO"):
        commands.write_recommendations([FIRST], None, stream=closed)
    with pytest.raises(ConfigError, match="give out \\(a file\\) or stream, not both"):
        commands.write_recommendations([FIRST], tmp_path / "top.csv", stream=io.StringIO())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out, message", [
    (5, "write_recommendations(out): expected a path (text or pathlib.Path), got int 5"),
    ("", "write_recommendations(out): an empty path"),
])
def test_an_out_that_is_no_path_is_refused(out, message):
    with pytest.raises(RecstackError) as caught:
        commands.write_recommendations([FIRST], out)
    assert message in str(caught.value)


def test_users_read_as_the_model_reads_them(popular):
    # before: a set was wrapped in an array and refused as "the value at position 0 is
    # {'a', 'b'} (set)"
    with pytest.raises(RecstackError, match="most_popular: users: expected one id or a "
                                            "list of ids, got a set"):
        list(commands.recommendation_batches(popular, {"a", "b"}, 2))
    with pytest.raises(RecstackError, match="got a DataFrame of shape \\(1, 1\\)"):
        list(commands.recommendation_batches(popular, pd.DataFrame({"u": ["a"]}), 2))
    # a generator is read once, as recommend reads it: a has seen x and y, so z is left
    tables = list(commands.recommendation_batches(popular, (u for u in ["a", "b"]), 2))
    assert pd.concat(tables).to_dict("list") == {
        "user_id": ["a", "b", "b"], "rank": [1, 1, 2], "item_id": ["z", "y", "z"],
        "score": [1.0, 1.0, 1.0]}


CALLS = {
    "batches for no model": (
        lambda: list(commands.recommendation_batches(None, ["a"], 2)),
        "recommendation_batches: model must be a fitted recstack model (a Recommender, "
        "e.g. ModelRegistry(...).load('als').model), got NoneType None"),
    "batches for a model's name": (
        lambda: list(commands.recommendation_batches("als", ["a"], 2)),
        "recommendation_batches: model must be a fitted recstack model"),
    "an experiment's path": (
        lambda: commands.fit_model("exp.toml", "als"),
        "fit_model: experiment must be an Experiment (recstack.config.load_experiment("
        "path)), got str 'exp.toml'; load it first: fit_model(load_experiment('exp.toml'), "
        "...)"),
    "no experiment": (lambda: commands.training_data(None),
                      "training_data: experiment must be an Experiment"),
    "a registry's folder": (
        lambda: commands.open_artifact("als", registry="models/"),
        "open_artifact: registry must be a ModelRegistry, got str 'models/'; open it "
        "first: ModelRegistry('models/')"),
    "a registry's folder to publish to": (
        lambda: commands.fit_and_publish("exp.toml", "als", Path("models")),
        "fit_and_publish: registry must be a ModelRegistry, got PosixPath"),
    "no artifact": (lambda: commands.open_artifact(None),
                    "open_artifact(artifact): artifact: expected a path (text or "
                    "pathlib.Path), got NoneType None"),
    "no results file": (lambda: commands.evaluation_of(7, "als"),
                        "evaluation_of(results, label): results: expected a path (text or "
                        "pathlib.Path), got int 7"),
}


@pytest.mark.parametrize("call, message", CALLS.values(), ids=CALLS.keys())
def test_an_argument_of_another_type_is_refused_naming_it(call, message):
    # before: AttributeError ('NoneType' object has no attribute '_require_fitted', 'str'
    # object has no attribute 'models' / 'load' / 'publish') or os.fspath's TypeError
    with pytest.raises(RecstackError) as caught:
        call()
    assert message in str(caught.value)


def test_command_line_texts_given_as_one_text_are_refused(popular):
    # before: "ab" was read as the users a and b, and a list of numbers was arrow's
    # "Expected bytes, got a 'int' object"
    with pytest.raises(ConfigError, match="model_user_ids: given must be a list of user "
                                          "ids as typed \\(text\\), got str 'ab'"):
        commands.model_user_ids(popular, "ab")
    with pytest.raises(ConfigError, match="model_user_ids: given holds 1 \\(int\\)"):
        commands.model_user_ids(popular, [1, 2])
    assert commands.model_user_ids(popular, ["a", " b"]).tolist() == ["a", "b"]
    # before: the pairs "device=phone" were read letter by letter
    with pytest.raises(ConfigError, match="--context: pairs must be a list of KEY=VALUE "
                                          "texts, got str 'device=phone'; pass "
                                          "\\['device=phone'\\]"):
        commands.request_context_from_text(popular, "device=phone")
    with pytest.raises(ConfigError, match="--timestamp: the request's time is a finite "
                                          "number of Unix seconds, got str '1700000000'"):
        commands.request_context_from_text(popular, [], "1700000000")
    with pytest.raises(ConfigError, match="request_context_from_text: model must be a "
                                          "fitted recstack model"):
        commands.request_context_from_text(None, ["device=phone"])
    assert commands.request_context_from_text(popular, []) is None


def test_users_are_written_as_the_models_ids(tmp_path):
    # users 1, 2, 3 of integer ids; 10 is seen by 1 and 2, so 1's best unseen item is 12
    # (11 and 12 have one interaction each: 1 has seen 11) and 2's is 11
    frame = pd.DataFrame({"user_id": [1, 1, 2, 3], "item_id": [10, 11, 10, 12],
                          "value": [1.0, 1.0, 1.0, 1.0]})
    model = MostPopular().fit(Interactions.from_frame(frame))
    out = tmp_path / "top.parquet"
    # before: [1, "2"] was written as the texts "1" and "2" (numpy's reading of the list),
    # and 2.0 as 2.0: ids of another type than the model's, which a join on user_id misses
    rows = commands.write_recommendations(
        commands.recommendation_batches(model, [1, "2", 2.0], 1), out)
    assert rows == 3
    assert pq.read_table(out).to_pydict() == {"user_id": [1, 2, 2], "rank": [1, 1, 1],
                                              "item_id": [12, 11, 11],
                                              "score": [1.0, 1.0, 1.0]}
