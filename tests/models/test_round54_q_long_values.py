"""A user's argument repeated in a refusal is shown by type and size when it is a table or
a long list, and cut to its ends when it is long text: messages that formatted it with
``{x}``, ``{x!r}`` or ``shown(x)`` repeated a DataFrame's rows, 10,000 list items or 5,000
characters whole (messages of 5,000 to 100,000 characters)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.atomic import write_bytes
from recstack.data.interactions import Interactions
from recstack.data.synthetic import SyntheticConfig, generate
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.metrics import metric_names, ndcg_at_k, two_proportion_ztest
from recstack.models import create_model
from recstack.topk import top_k

FRAME = pd.DataFrame({"user": [f"user{i}" for i in range(2000)],
                      "item": [f"item{i}" for i in range(2000)]})
LONG_LIST = [f"id{i}" for i in range(10_000)]
LONG_TEXT = "x" * 5000

# written by hand: the type and size, and for text its first 60 and last 20 characters of
# the repr (quotes included, so 5,002 of them)
FRAME_SHOWN = "a DataFrame of 2,000 rows x 2 columns"
LIST_SHOWN = "a list of 10,000 items"
TEXT_SHOWN = "'" + "x" * 59 + "..." + "x" * 19 + "' (5,002 characters)"

CLASSES = [pytest.param(FRAME, FRAME_SHOWN, id="dataframe"),
           pytest.param(LONG_LIST, LIST_SHOWN, id="list"),
           pytest.param(LONG_TEXT, TEXT_SHOWN, id="text")]


@pytest.fixture(scope="module")
def model():
    data = Interactions.from_arrays(["u", "u", "v", "w"], ["a", "b", "a", "c"])
    return create_model("most_popular").fit(data)


@pytest.fixture(scope="module")
def with_years():
    # the synthetic item table has a numeric 'year' column
    return generate(SyntheticConfig(n_users=20, n_items=15, n_interactions=150, seed=0))


def _refusal(call, error=RecstackError):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error) as caught:
            call()
    message = str(caught.value)
    assert len(message) < 400, message[:500]
    return message


@pytest.mark.parametrize("given, shown", CLASSES)
def test_recommend_k(model, given, shown):
    message = _refusal(lambda: model.recommend(["u"], k=given))
    assert message == f"most_popular: recommend: k must be a positive integer, got {shown}"


@pytest.mark.parametrize("given, shown", CLASSES)
def test_top_k(given, shown):
    message = _refusal(lambda: top_k(np.zeros((2, 5)), given))
    assert message == f"k must be a positive integer, got {shown}"


@pytest.mark.parametrize("given, shown", CLASSES)
def test_metric_cut_off(given, shown):
    message = _refusal(lambda: ndcg_at_k(np.array([[0, 1]]), np.array([[1, 0]]), given))
    assert message.startswith(f"k must be a positive integer, got {shown}")


@pytest.mark.parametrize("given, shown", CLASSES)
def test_significance_counts(given, shown):
    message = _refusal(lambda: two_proportion_ztest(given, 100, 5, 100))
    assert message.startswith(f"successes_control must be a non-negative whole number, got "
                              f"{shown}")


@pytest.mark.parametrize("given, shown", CLASSES)
def test_metric_kind(given, shown):
    message = _refusal(lambda: metric_names(given))
    assert message.startswith(f"unknown metric kind {shown}; kinds: ['beyond_accuracy', ")


@pytest.mark.parametrize("given, shown", CLASSES)
def test_evaluator_batch_size(given, shown):
    message = _refusal(lambda: Evaluator(batch_size=given))
    assert message.startswith(f"batch_size must be a positive integer, got {shown}")


@pytest.mark.parametrize("given, shown", [
    pytest.param(FRAME, f"metrics must be a non-empty list of names such as [\"ndcg\"], got "
                        f"{FRAME_SHOWN}", id="dataframe"),
    # a list of unknown names: a few of them and how many more
    pytest.param(LONG_LIST, "unknown metric(s) ['id0', 'id1', 'id2', 'id3', 'id4'] and 9,995 "
                            "more; available: auc, ", id="list"),
    # a bare name is told the list to write only when it can be repeated whole
    pytest.param(LONG_TEXT, f"metrics must be a non-empty list of names such as [\"ndcg\"], "
                            f"got {TEXT_SHOWN}", id="text"),
])
def test_evaluator_metrics(given, shown):
    message = _refusal(lambda: Evaluator(metrics=given))
    assert message.startswith(shown)
    assert "write [" not in message


@pytest.mark.parametrize("given, shown", [
    pytest.param(FRAME, FRAME_SHOWN, id="dataframe"),
    pytest.param(LONG_LIST, LIST_SHOWN, id="list"),
])
def test_a_path_given_a_table_or_list(tmp_path, given, shown):
    message = _refusal(lambda: write_bytes(given, b"x"))
    assert message == f"path: expected a path (text or pathlib.Path), got {shown}"


def test_an_unknown_user_of_long_text(model):
    message = _refusal(lambda: model.recommend([LONG_TEXT], k=2))
    assert message.startswith(f"most_popular: 1 user(s) not seen in training, e.g. "
                              f"[{TEXT_SHOWN}]; this model cannot recommend for them")


@pytest.mark.parametrize("given, shown", [
    pytest.param(LONG_LIST, f"op '==' compares the column with one value, got {LIST_SHOWN}; "
                            "use op 'in' to keep any of several values", id="list"),
    pytest.param(LONG_TEXT, f"value {TEXT_SHOWN} is text, and column 'year' holds numbers; "
                            "write it as a number (without quotes)", id="text"),
])
def test_a_predicate_value(with_years, given, shown):
    chain = [{"type": "item_predicate", "column": "year", "value": given}]
    model = create_model("reranked", model={"type": "most_popular"}, chain=chain)
    message = _refusal(lambda: model.fit(with_years))
    assert message.endswith(f"item_predicate: {shown}")


def test_a_predicate_column_of_long_text(with_years):
    chain = [{"type": "item_predicate", "column": LONG_TEXT, "value": 1}]
    model = create_model("reranked", model={"type": "most_popular"}, chain=chain)
    message = _refusal(lambda: model.fit(with_years))
    assert f"item_predicate: the item table has no column {TEXT_SHOWN}; its columns are: " \
        in message


def test_a_short_list_for_one_value_is_still_written_out(with_years):
    chain = [{"type": "item_predicate", "column": "year", "value": [1990, 2000]}]
    model = create_model("reranked", model={"type": "most_popular"}, chain=chain)
    message = _refusal(lambda: model.fit(with_years))
    assert "compares the column with one value, got the list [1990, 2000]; use op 'in'" \
        in message


def test_a_path_of_long_text_leading_a_refusal_is_cut(tmp_path):
    path = str(tmp_path / ("x" * 5000))
    message = _refusal(lambda: write_bytes(path, "text"))
    # its first 60 and last 20 characters, and its length
    assert message == (f"{path[:60]}...{path[-20:]} ({len(path):,} characters): write_bytes "
                       "takes bytes, got str; use write_text for text")


def test_an_item_table_of_many_columns_without_text_is_named_by_their_count():
    table = pd.DataFrame({f"feature{i}": [0.0, 1.0] for i in range(10_000)})
    table.insert(0, "item_id", ["a", "b"])
    data = Interactions.from_arrays(["u", "v"], ["a", "b"], item_table=table)
    message = _refusal(lambda: create_model("content").fit(data))
    assert "an item table without text columns (it has 10,001 columns)" in message
