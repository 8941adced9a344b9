"""Counts of one written in the singular in the analysis and serving messages and report
labels ("1 item", not "1 items"), through errors.counted (two hundred forty-third probe)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from recstack.analysis.neighbours import nearest_neighbours
from recstack.analysis.report import popularity_buckets, write_report
from recstack.errors import ConfigError, RecstackError
from recstack.topk import top_k_batched


def test_a_popularity_bucket_of_one_item_is_labelled_in_the_singular():
    # 11 rows: the 9-row item starts at 0% (head); the two 1-row items start at 9/11 = 82%
    # and 10/11 = 91% of the rows (tail, at >= 80%); no item starts in the middle
    bucket, labels = popularity_buckets(np.array([9, 1, 1]))
    assert bucket.tolist() == [0, 2, 2]
    assert labels == ["head (1 item)", "middle (0 items)", "tail (2 items)"]


def test_a_tie_warning_for_one_query_and_one_more_row_agrees_in_number():
    # rows 0-3 point one way; row 0's two nearest are rows 1 and 2, and row 3 ties with 2
    vectors = np.vstack([np.ones((4, 3)), np.eye(3)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = nearest_neighbours(vectors, [0], k=2)
    assert table.neighbours.tolist() == [[1, 2]]
    (message,) = [str(w.message) for w in caught]
    assert message.startswith("nearest_neighbours: the neighbour list of 1 of 1 query ends "
                              "inside a tie (e.g. row 0: its neighbour 2 has cosine 1, as "
                              "1 more row not listed has); the rows listed")


def test_a_scoring_function_answering_one_row_wrongly_names_one_row():
    with pytest.raises(ConfigError, match=r"returned scores of shape \(2, 5\) for 1 row; "
                                          r"expected 1 x 5 \(n_items\)"):
        top_k_batched(lambda rows: np.zeros((2, 5)), np.arange(1), 2, n_items=5)


def test_a_per_user_file_cut_to_one_user_names_one_user(results):
    path = next(results.glob("per_user_*.csv"))
    lines = path.read_text().splitlines()
    expected = json.loads((results / "results.json").read_text())[
        "models"][0]["metrics"]["ndcg@5"]["n_users"]
    path.write_text("\n".join(lines[:2]) + "\n")  # the header and one user
    with pytest.raises(RecstackError, match=rf"1 user, results.json says {expected} "):
        write_report(results, out=results / "r.html", refit="none", projection=None)
    assert not (results / "r.html").exists()
